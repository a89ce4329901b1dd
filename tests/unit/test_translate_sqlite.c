/*
 * test_translate_sqlite.c — PostgreSQL DDL to SQLite DDL.
 *
 * The inputs under tests/data/translate/ are real `pg_dump --schema-only -t`
 * output of PostgreSQL 15 (with its \restrict lines), plus hand-written files
 * for the forms pg_dump does not write and for each error. Every translation
 * that should succeed is also run in an in-memory SQLite database, and what
 * SQLite then does (assigning ids, enforcing keys and checks) is asserted.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "translate_sqlite.h"

#define MAX_FILES 8

typedef struct translation {
    ddl_file files[MAX_FILES];
    size_t file_count;
    sqlite_script script;
    diag_list diags;
    translate_notes notes; /* what SQLite leaves out: not errors */
    int rc;
    sqlite3 *db;
} translation;

static void load(translation *t, const char *name)
{
    const char *root = getenv("FOSTER_TEST_DATA");
    ck_assert_msg(root != NULL, "FOSTER_TEST_DATA is not set");
    ck_assert_uint_lt(t->file_count, MAX_FILES);
    char path[4096], display[256];
    snprintf(path, sizeof path, "%s/translate/%s", root, name);
    snprintf(display, sizeof display, "schemas/%s", name);
    int rc = ddl_load_file(path, display, &t->files[t->file_count], &t->diags);
    ck_assert_msg(rc == 0, "loading %s failed: %s", name,
                  t->diags.count ? t->diags.items[0].message : "(no diag)");
    t->file_count++;
}

/* Loads the files named (a NULL-terminated list) and translates them. */
static void translate_files(translation *t, const char *first, ...)
{
    va_list args;
    va_start(args, first);
    for (const char *name = first; name; name = va_arg(args, const char *))
        load(t, name);
    va_end(args);
    const ddl_file *files[MAX_FILES];
    for (size_t i = 0; i < t->file_count; i++)
        files[i] = &t->files[i];
    t->rc = translate_sqlite(files, t->file_count, &t->script, &t->notes, &t->diags);
}

#define TRANSLATE(t, ...) translate_files((t), __VA_ARGS__, (const char *)NULL)

/* Translates and asserts that it worked, showing the first problem if not. */
#define TRANSLATE_OK(t, ...)                                                                       \
    do {                                                                                           \
        TRANSLATE((t), __VA_ARGS__);                                                               \
        ck_assert_msg((t)->rc == 0 && (t)->diags.count == 0, "translation failed: %s",             \
                      (t)->diags.count ? (t)->diags.items[0].message : "(no diag)");               \
    } while (0)

static void translation_free(translation *t)
{
    if (t->db)
        sqlite3_close(t->db);
    sqlite_script_free(&t->script);
    diag_list_clear(&t->diags);
    translate_notes_clear(&t->notes);
    for (size_t i = 0; i < t->file_count; i++)
        ddl_file_free(&t->files[i]);
}

/* The statement whose SQL starts with `prefix`; fails the test if none. */
static const sqlite_statement *statement(const translation *t, const char *prefix)
{
    for (size_t i = 0; i < t->script.count; i++)
        if (strncmp(t->script.items[i].sql, prefix, strlen(prefix)) == 0)
            return &t->script.items[i];
    ck_abort_msg("no statement starts with \"%s\"", prefix);
    return NULL;
}

static void assert_contains(const char *sql, const char *needle)
{
    ck_assert_msg(strstr(sql, needle) != NULL, "expected \"%s\" in:\n%s", needle, sql);
}

static void assert_lacks(const char *sql, const char *needle)
{
    ck_assert_msg(strstr(sql, needle) == NULL, "did not expect \"%s\" in:\n%s", needle, sql);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
    ck_assert_msg(rc == SQLITE_OK, "SQLite refused %s: %s", sql, error ? error : "?");
    sqlite3_free(error);
}

/* The SQLite result code of running `sql` (errors expected by the test). */
static int exec_rc(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
    sqlite3_free(error);
    return rc;
}

/* Runs every translated statement in a new in-memory database (foreign
 * keys on); fails the test on the first statement SQLite refuses. */
static sqlite3 *run_in_sqlite(translation *t)
{
    ck_assert_int_eq(sqlite3_open(":memory:", &t->db), SQLITE_OK);
    exec_ok(t->db, "PRAGMA foreign_keys = ON");
    for (size_t i = 0; i < t->script.count; i++)
        exec_ok(t->db, t->script.items[i].sql);
    return t->db;
}

/* The first column of the first row of `sql`, as text ("NULL" for NULL). */
static void query(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s returned no row", sql);
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    snprintf(out, size, "%s", text ? (const char *)text : "NULL");
    sqlite3_finalize(stmt);
}

static void assert_query(sqlite3 *db, const char *sql, const char *expected)
{
    char text[512];
    query(db, sql, text, sizeof text);
    ck_assert_msg(strcmp(text, expected) == 0, "%s gave \"%s\", expected \"%s\"", sql, text,
                  expected);
}

static void assert_diag(const diag *d, const char *file, int line, int column, const char *message)
{
    ck_assert_str_eq(d->file, file);
    ck_assert_int_eq(d->line, line);
    ck_assert_int_eq(d->column, column);
    ck_assert_str_eq(d->message, message);
}

/* A failed translation leaves `out` empty and reports exactly `count` problems. */
static void assert_failed(const translation *t, size_t count)
{
    ck_assert_int_eq(t->rc, -1);
    ck_assert_uint_eq(t->script.count, 0);
    ck_assert_ptr_null(t->script.items);
    ck_assert_uint_eq(t->diags.count, count);
}

/* ---- whole tables ---------------------------------------------------------- */

START_TEST(test_account_table_is_rebuilt_with_alters_folded_in)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_str_eq(
        statement(&t, "CREATE TABLE")->sql,
        "CREATE TABLE account (\n"
        "    id INTEGER NOT NULL,\n"
        "    username character varying(150) NOT NULL,\n"
        "    email character varying(254) DEFAULT '' NOT NULL,\n"
        "    balance numeric(12,2) DEFAULT 0 NOT NULL,\n"
        "    status character varying(10) DEFAULT 'active' NOT NULL,\n"
        "    is_staff boolean DEFAULT false NOT NULL,\n"
        "    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
        "    updated_at timestamp with time zone,\n"
        "    joined_on date DEFAULT CURRENT_DATE,\n"
        "    settings TEXT DEFAULT '{}' NOT NULL CHECK (settings IS NULL OR "
        "json_valid(settings)),\n"
        "    tags TEXT DEFAULT '{}' NOT NULL,\n"
        "    scores TEXT,\n"
        "    referrer_id integer,\n"
        "    CONSTRAINT account_balance_check CHECK ((balance >= (0))),\n"
        "    CONSTRAINT account_status_check CHECK (((status) IN ('active', 'closed'))),\n"
        "    CONSTRAINT account_username_check CHECK (((username) NOT LIKE '% %')),\n"
        "    CONSTRAINT account_email_check CHECK (((email) <> '')),\n"
        "    CONSTRAINT account_pkey PRIMARY KEY (id),\n"
        "    CONSTRAINT account_username_key UNIQUE (username),\n"
        "    CONSTRAINT account_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES account(id) "
        "ON DELETE SET NULL\n"
        ")");
    translation_free(&t);
}
END_TEST

START_TEST(test_statements_carry_file_and_line_of_their_source)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    const sqlite_statement *table = statement(&t, "CREATE TABLE account");
    ck_assert_str_eq(table->file, "schemas/account.sql");
    ck_assert_ptr_eq(table->file, t.files[0].display_name);
    ck_assert_int_eq(table->line, 29);
    const sqlite_statement *index = statement(&t, "CREATE INDEX account_created_idx");
    ck_assert_str_eq(index->file, "schemas/account.sql");
    ck_assert_int_eq(index->line, 115);
    translation_free(&t);
}
END_TEST

START_TEST(test_tables_follow_file_order_and_indexes_come_last)
{
    translation t = {0};
    TRANSLATE_OK(&t, "billing.invoice.sql", "account.sql");
    ck_assert_uint_eq(t.script.count, 7);
    ck_assert_str_eq(t.script.items[0].file, "schemas/billing.invoice.sql");
    assert_contains(t.script.items[0].sql, "CREATE TABLE invoice (");
    assert_contains(t.script.items[1].sql, "CREATE TABLE account (");
    ck_assert_str_eq(t.script.items[2].sql,
                     "CREATE INDEX invoice_account_idx ON invoice (account_id)");
    for (size_t i = 3; i < 7; i++) {
        ck_assert_str_eq(t.script.items[i].file, "schemas/account.sql");
        assert_contains(t.script.items[i].sql, "INDEX account_");
    }
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

/* ---- identity and serial columns ------------------------------------------ */

START_TEST(test_serial_primary_key_is_assigned_by_sqlite)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x'), ('bob', 'bob@x')");
    assert_query(db, "SELECT group_concat(id) FROM (SELECT id FROM account ORDER BY id)", "1,2");
    assert_query(db, "SELECT type FROM pragma_table_info('account') WHERE name = 'id'", "INTEGER");
    assert_query(db, "SELECT pk FROM pragma_table_info('account') WHERE name = 'id'", "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_identity_always_primary_key_is_assigned_by_sqlite)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql, "\n    id INTEGER NOT NULL,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO trade (account_id, quantity, price) VALUES (1, 5, 2.5), (1, 6, 3)");
    assert_query(db, "SELECT max(id) FROM trade", "2");
    translation_free(&t);
}
END_TEST

START_TEST(test_identity_by_default_primary_key_is_assigned_by_sqlite)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql", "share_lot.sql");
    ck_assert_str_eq(statement(&t, "CREATE TABLE share_lot")->sql,
                     "CREATE TABLE share_lot (\n"
                     "    id INTEGER NOT NULL,\n"
                     "    trade_id bigint NOT NULL,\n"
                     "    label text,\n"
                     "    CONSTRAINT share_lot_pkey PRIMARY KEY (id),\n"
                     "    CONSTRAINT share_lot_trade_id_fkey FOREIGN KEY (trade_id) "
                     "REFERENCES trade(id)\n"
                     ")");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO trade (account_id, quantity, price) VALUES (1, 5, 2.5)");
    exec_ok(db, "INSERT INTO share_lot (id, trade_id) VALUES (10, 1)");
    exec_ok(db, "INSERT INTO share_lot (trade_id, label) VALUES (1, 'next')");
    assert_query(db, "SELECT id FROM share_lot WHERE label = 'next'", "11");
    translation_free(&t);
}
END_TEST

START_TEST(test_bigserial_column_becomes_integer)
{
    translation t = {0};
    TRANSLATE_OK(&t, "event_log.sql");
    assert_contains(statement(&t, "CREATE TABLE event_log")->sql, "\n    id INTEGER NOT NULL,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO event_log (payload) VALUES ('{}')");
    assert_query(db, "SELECT id FROM event_log", "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_smallserial_column_becomes_integer)
{
    translation t = {0};
    TRANSLATE_OK(&t, "small_thing.sql");
    ck_assert_str_eq(statement(&t, "CREATE TABLE small_thing")->sql,
                     "CREATE TABLE small_thing (\n"
                     "    id INTEGER NOT NULL,\n"
                     "    code character varying(8),\n"
                     "    CONSTRAINT small_thing_pkey PRIMARY KEY (id)\n"
                     ")");
    translation_free(&t);
}
END_TEST

START_TEST(test_inline_serial_types_and_nextval_default_become_integer)
{
    translation t = {0};
    TRANSLATE_OK(&t, "serials.sql");
    /* the key is the rowid; the other three are filled by a trigger each */
    ck_assert_uint_eq(t.script.count, 4);
    ck_assert_str_eq(t.script.items[0].sql, "CREATE TABLE counter (\n"
                                            "    id INTEGER PRIMARY KEY,\n"
                                            "    big INTEGER,\n"
                                            "    small INTEGER,\n"
                                            "    seq_id INTEGER,\n"
                                            "    label text\n"
                                            ")");
    ck_assert_int_eq(t.script.items[0].line, 3);
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO counter (seq_id) VALUES (7)");
    assert_query(db, "SELECT id || ',' || big || ',' || small || ',' || seq_id FROM counter",
                 "1,1,1,7");
    exec_ok(db, "INSERT INTO counter (label) VALUES ('x')");
    assert_query(db, "SELECT id || ',' || big || ',' || seq_id FROM counter WHERE label = 'x'",
                 "2,2,8");
    translation_free(&t);
}
END_TEST

/* START WITH of an identity (pg_dump's ALTER ... ADD GENERATED) or of the
 * sequence a nextval key names: AUTOINCREMENT from START - 1. */
START_TEST(test_start_with_gives_the_first_key)
{
    translation t = {0};
    TRANSLATE_OK(&t, "identity_options.sql");
    ck_assert_str_eq(statement(&t, "CREATE TABLE ticket")->sql,
                     "CREATE TABLE ticket (\n"
                     "    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
                     "    title text\n"
                     ")");
    ck_assert_str_eq(statement(&t, "INSERT INTO sqlite_sequence (name, seq) VALUES ('ticket'")->sql,
                     "INSERT INTO sqlite_sequence (name, seq) VALUES ('ticket', 499)");
    assert_contains(statement(&t, "CREATE TABLE voucher")->sql,
                    "id INTEGER NOT NULL CONSTRAINT voucher_pkey PRIMARY KEY AUTOINCREMENT,");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO ticket (title) VALUES ('a'), ('b')");
    assert_query(db, "SELECT group_concat(id) FROM ticket", "500,501");
    exec_ok(db, "INSERT INTO ticket (id, title) VALUES (600, 'loaded')");
    exec_ok(db, "INSERT INTO ticket (title) VALUES ('c')");
    assert_query(db, "SELECT id FROM ticket WHERE title = 'c'", "601");
    exec_ok(db, "INSERT INTO voucher (code) VALUES ('v')");
    assert_query(db, "SELECT id FROM voucher", "7000");
    translation_free(&t);
}
END_TEST

/* A nextval column in a composite key: a trigger fills it in, on the sequence's
 * progression (START WITH 10 INCREMENT BY 5), past keys given explicitly. */
START_TEST(test_nextval_in_a_composite_key_is_filled_in)
{
    translation t = {0};
    TRANSLATE_OK(&t, "identity_options.sql");
    assert_contains(statement(&t, "CREATE TABLE line_item")->sql, "line_no INTEGER,\n");
    assert_contains(statement(&t, "CREATE TRIGGER \"foster_fill_line_item.line_no\"")->sql,
                    "coalesce(max(line_no) + 5, 10)");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO line_item (order_id) VALUES (1)");
    exec_ok(db, "INSERT INTO line_item (order_id) VALUES (1)");
    assert_query(db, "SELECT group_concat(line_no) FROM line_item", "10,15");
    exec_ok(db, "INSERT INTO line_item (order_id, line_no) VALUES (2, 100)");
    exec_ok(db, "INSERT INTO line_item (order_id) VALUES (2)");
    assert_query(db, "SELECT max(line_no) FROM line_item", "105");
    ck_assert_int_eq(exec_rc(db, "INSERT INTO line_item (order_id, line_no) VALUES (2, 105)"),
                     SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

/* SQLite's rowid steps by 1: INCREMENT BY 10 on the key is refused where it is written. */
START_TEST(test_increment_by_on_the_key_is_refused)
{
    translation t = {0};
    TRANSLATE(&t, "stepped.sql");
    ck_assert_int_eq(t.rc, -1);
    ck_assert_uint_eq(t.script.count, 0);
    ck_assert_uint_eq(t.diags.count, 1);
    assert_diag(&t.diags.items[0], "schemas/stepped.sql", 3, 60,
                "cannot translate INCREMENT BY 10 of column id of table stepped to SQLite: its "
                "INTEGER PRIMARY KEY steps by 1");
    assert_contains(t.diags.items[0].hint, "stepped.sqlite.sql");
    translation_free(&t);
}
END_TEST

/* ---- types ------------------------------------------------------------------ */

START_TEST(test_timestamp_precision_inside_the_type_is_dropped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    assert_contains(statement(&t, "CREATE TABLE account")->sql,
                    "\n    updated_at timestamp with time zone,\n");
    translation_free(&t);
}
END_TEST

START_TEST(test_array_columns_become_text)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    const char *sql = statement(&t, "CREATE TABLE account")->sql;
    assert_contains(sql, "\n    tags TEXT DEFAULT '{}' NOT NULL,\n");
    assert_contains(sql, "\n    scores TEXT,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email, scores) VALUES ('ann', 'a@x', '{1,2}')");
    assert_query(db, "SELECT tags || ' ' || scores FROM account", "{} {1,2}");
    translation_free(&t);
}
END_TEST

START_TEST(test_interval_fields_and_reserved_column_names_are_made_sqlite_safe)
{
    translation t = {0};
    TRANSLATE_OK(&t, "column_alters.sql");
    const char *sql = statement(&t, "CREATE TABLE setting")->sql;
    assert_contains(sql, "\n    \"index\" integer,\n");
    assert_contains(sql, "\n    span TEXT,\n"); /* "interval" has INTEGER affinity */
    ck_assert_str_eq(statement(&t, "CREATE INDEX")->sql,
                     "CREATE INDEX setting_index_idx ON setting (\"index\")");
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

START_TEST(test_quoted_char_type_and_its_cast_are_kept_and_dropped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql,
                    "\n    side \"char\" DEFAULT 'b' NOT NULL,\n");
    translation_free(&t);
}
END_TEST

START_TEST(test_user_defined_type_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "widget.sql");
    assert_failed(&t, 1);
    assert_diag(&t.diags.items[0], "schemas/widget.sql", 31, 9,
                "cannot translate type \"public.positive_int\" to SQLite");
    translation_free(&t);
}
END_TEST

/* ---- defaults --------------------------------------------------------------- */

START_TEST(test_casts_are_stripped_from_defaults)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    const char *sql = statement(&t, "CREATE TABLE account")->sql;
    assert_contains(sql, "email character varying(254) DEFAULT '' NOT NULL");
    assert_contains(sql, "settings TEXT DEFAULT '{}' NOT NULL CHECK (settings IS NULL OR "
                         "json_valid(settings))");
    assert_lacks(sql, "::");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    assert_query(db, "SELECT status || '/' || settings || '/' || balance FROM account",
                 "active/{}/0");
    translation_free(&t);
}
END_TEST

START_TEST(test_now_default_becomes_current_timestamp)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    assert_query(db,
                 "SELECT created_at = CURRENT_TIMESTAMP OR "
                 "created_at = datetime(CURRENT_TIMESTAMP, '-1 second') FROM account",
                 "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_statement_timestamp_default_becomes_current_timestamp)
{
    translation t = {0};
    TRANSLATE_OK(&t, "ledger.sql");
    assert_contains(statement(&t, "CREATE TABLE ledger")->sql,
                    "\n    booked timestamp with time zone DEFAULT CURRENT_TIMESTAMP,\n");
    translation_free(&t);
}
END_TEST

START_TEST(test_localtimestamp_default_becomes_current_timestamp)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql,
                    "\n    traded_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n");
    translation_free(&t);
}
END_TEST

START_TEST(test_now_text_date_default_becomes_current_date)
{
    translation t = {0};
    TRANSLATE_OK(&t, "event_log.sql");
    assert_contains(statement(&t, "CREATE TABLE event_log")->sql,
                    "\n    created date DEFAULT CURRENT_DATE,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO event_log DEFAULT VALUES");
    assert_query(db, "SELECT created = date('now') FROM event_log", "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_current_date_and_boolean_defaults_stay)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    const char *sql = statement(&t, "CREATE TABLE account")->sql;
    assert_contains(sql, "\n    joined_on date DEFAULT CURRENT_DATE,\n");
    assert_contains(sql, "\n    is_staff boolean DEFAULT false NOT NULL,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    assert_query(db, "SELECT typeof(is_staff) || ' ' || is_staff FROM account", "integer 0");
    translation_free(&t);
}
END_TEST

START_TEST(test_negative_default_keeps_its_value)
{
    translation t = {0};
    TRANSLATE_OK(&t, "event_log.sql");
    assert_contains(statement(&t, "CREATE TABLE event_log")->sql,
                    "\n    level smallint DEFAULT '-1' NOT NULL,\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO event_log DEFAULT VALUES");
    assert_query(db, "SELECT typeof(level) || ' ' || level FROM event_log", "integer -1");
    translation_free(&t);
}
END_TEST

START_TEST(test_expression_defaults_are_parenthesised)
{
    translation t = {0};
    TRANSLATE_OK(&t, "strings.sql");
    const char *sql = statement(&t, "CREATE TABLE note")->sql;
    assert_contains(sql, "\n    weight numeric DEFAULT (-1.5),\n");
    assert_contains(sql, "\n    ratio integer DEFAULT (1 + 2),\n");
    assert_contains(sql, "\n    shout text DEFAULT (upper('hey'))\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO note (id) VALUES (1)");
    assert_query(db, "SELECT weight || ' ' || ratio || ' ' || shout FROM note", "-1.5 3 HEY");
    translation_free(&t);
}
END_TEST

START_TEST(test_escape_and_dollar_strings_become_plain_strings)
{
    translation t = {0};
    TRANSLATE_OK(&t, "strings.sql");
    const char *sql = statement(&t, "CREATE TABLE note")->sql;
    assert_contains(sql, "\n    body text DEFAULT 'it''s\nnew' NOT NULL,\n");
    assert_contains(sql, "\n    tag text DEFAULT 'it''s',\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO note (id) VALUES (1)");
    assert_query(db, "SELECT body || '|' || tag FROM note", "it's\nnew|it's");
    translation_free(&t);
}
END_TEST

START_TEST(test_utc_timestamp_defaults_become_current_timestamp)
{
    translation t = {0};
    TRANSLATE_OK(&t, "profile.sql");
    const char *sql = statement(&t, "CREATE TABLE profile")->sql;
    assert_contains(sql,
                    "\n    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n");
    assert_contains(sql, "\n    seen_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n");
    translation_free(&t);
}
END_TEST

START_TEST(test_random_uuid_default_gives_a_version_4_uuid)
{
    translation t = {0};
    TRANSLATE_OK(&t, "document.sql");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO document (title) VALUES ('a')");
    exec_ok(db, "INSERT INTO document (title) VALUES ('a')");
    assert_query(db,
                 "SELECT count(DISTINCT id) || '/' || min(length(id)) || '/' || "
                 "min(substr(id, 15, 1)) || '/' || min(instr('89ab', substr(id, 20, 1)) > 0) "
                 "FROM document",
                 "2/36/4/1");
    translation_free(&t);
}
END_TEST

START_TEST(test_every_bad_expression_in_a_table_is_reported)
{
    translation t = {0};
    TRANSLATE(&t, "bad_expressions.sql");
    assert_failed(&t, 2); /* public.uuid_generate_v4() of line 3 translates */
    assert_diag(&t.diags.items[0], "schemas/bad_expressions.sql", 5, 24,
                "cannot translate \"CURRENT_USER\" to SQLite");
    assert_diag(&t.diags.items[1], "schemas/bad_expressions.sql", 6, 46,
                "cannot translate operator \"~\" to SQLite");
    translation_free(&t);
}
END_TEST

/* ---- collations ------------------------------------------------------------- */

START_TEST(test_postgres_collations_are_dropped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql", "small_thing.sql", "product.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql, "\n    note text,\n");
    assert_contains(statement(&t, "CREATE TABLE small_thing")->sql,
                    "\n    code character varying(8),\n");
    ck_assert_str_eq(statement(&t, "CREATE INDEX product_name_idx")->sql,
                     "CREATE INDEX product_name_idx ON product (name)");
    for (size_t i = 0; i < t.script.count; i++)
        assert_lacks(t.script.items[i].sql, "COLLATE");
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

/* ---- CHECK constraints ------------------------------------------------------ */

START_TEST(test_check_with_stripped_casts_still_rejects_bad_values)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(
        exec_rc(db, "INSERT INTO account (username, email, balance) VALUES ('ann', 'a@x', -1)"),
        SQLITE_CONSTRAINT);
    exec_ok(db, "INSERT INTO account (username, email, balance) VALUES ('ann', 'a@x', 0)");
    translation_free(&t);
}
END_TEST

START_TEST(test_any_array_check_becomes_in_list)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    assert_contains(statement(&t, "CREATE TABLE account")->sql,
                    "CONSTRAINT account_status_check CHECK (((status) IN ('active', 'closed')))");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email, status) VALUES ('ann', 'a@x', 'closed')");
    ck_assert_int_eq(
        exec_rc(db, "INSERT INTO account (username, email, status) VALUES ('bob', 'b@x', 'gone')"),
        SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_like_operators_become_like)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "alter_account.sql");
    const char *sql = statement(&t, "CREATE TABLE account")->sql;
    assert_contains(sql, "CHECK (((username) NOT LIKE '% %'))");
    assert_contains(sql, "CONSTRAINT account_staff_email_check CHECK (((NOT is_staff) OR "
                         "((email) LIKE '%@example.com')))");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO account (username, email) VALUES ('a b', 'a@x')"),
                     SQLITE_CONSTRAINT);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO account (username, email, is_staff) "
                                 "VALUES ('ann', 'ann@elsewhere.org', true)"),
                     SQLITE_CONSTRAINT);
    exec_ok(db, "INSERT INTO account (username, email, is_staff) "
                "VALUES ('ann', 'ann@example.com', true)");
    translation_free(&t);
}
END_TEST

START_TEST(test_not_valid_check_is_folded_without_not_valid)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    const char *sql = statement(&t, "CREATE TABLE account")->sql;
    assert_contains(sql, "CONSTRAINT account_email_check CHECK (((email) <> ''))");
    assert_lacks(sql, "VALID");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO account (username, email) VALUES ('ann', '')"),
                     SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_standard_trim_and_substring_become_sqlite_functions)
{
    translation t = {0};
    TRANSLATE_OK(&t, "profile.sql");
    const char *sql = statement(&t, "CREATE TABLE profile")->sql;
    assert_contains(sql, "CONSTRAINT profile_code_check CHECK ((substr(code, 1, 2) = 'PR'))");
    assert_contains(sql, "CONSTRAINT profile_handle_check CHECK (((trim(handle) <> '') AND "
                         "(ltrim(handle, '@') = handle)))");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO profile (handle, code) VALUES ('ann', 'PR-1')");
    ck_assert_int_eq(exec_rc(db, "INSERT INTO profile (handle) VALUES ('  ')"), SQLITE_CONSTRAINT);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO profile (handle, code) VALUES ('bob', 'XX-1')"),
                     SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_quoted_function_sqlite_lacks_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "badge.sql");
    assert_failed(&t, 1);
    assert_diag(&t.diags.items[0], "schemas/badge.sql", 32, 62,
                "cannot translate function \"left()\" to SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_char_length_check_becomes_length)
{
    translation t = {0};
    TRANSLATE_OK(&t, "product.sql");
    assert_contains(statement(&t, "CREATE TABLE product")->sql,
                    "CONSTRAINT product_name_check CHECK (((length(name) > 0) AND (name <> 'x')))");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO product (sku, name) VALUES ('a', '')"),
                     SQLITE_CONSTRAINT);
    exec_ok(db, "INSERT INTO product (sku, name) VALUES ('a', 'apple')");
    assert_query(db, "SELECT id || ' ' || price || ' ' || discount FROM product", "1 9.99 -0.5");
    translation_free(&t);
}
END_TEST

/* ---- keys ------------------------------------------------------------------- */

START_TEST(test_unique_constraint_is_folded_and_enforced)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql,
                    "\n    CONSTRAINT trade_account_qty_key UNIQUE (account_id, quantity),\n");
    sqlite3 *db = run_in_sqlite(&t);
    assert_query(db, "SELECT count(*) FROM pragma_index_list('trade') WHERE \"unique\" = 1", "1");
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO trade (account_id, quantity, price) VALUES (1, 5, 1)");
    ck_assert_int_eq(
        exec_rc(db, "INSERT INTO trade (account_id, quantity, price) VALUES (1, 5, 2)"),
        SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_unique_nulls_not_distinct_keeps_unique)
{
    translation t = {0};
    TRANSLATE_OK(&t, "product.sql");
    assert_contains(statement(&t, "CREATE TABLE product")->sql,
                    "\n    CONSTRAINT product_sku_key UNIQUE (sku)\n)");
    translation_free(&t);
}
END_TEST

START_TEST(test_cascading_deferred_foreign_key_is_kept)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    assert_contains(statement(&t, "CREATE TABLE trade")->sql,
                    "\n    CONSTRAINT trade_account_id_fkey FOREIGN KEY (account_id) REFERENCES "
                    "account(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n)");
    sqlite3 *db = run_in_sqlite(&t);
    assert_query(db,
                 "SELECT \"table\" || ' ' || \"from\" || ' ' || \"to\" || ' ' || on_delete "
                 "FROM pragma_foreign_key_list('trade')",
                 "account account_id id CASCADE");
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO trade (account_id, quantity, price) VALUES (1, 5, 1)");
    exec_ok(db, "DELETE FROM account");
    assert_query(db, "SELECT count(*) FROM trade", "0");
    translation_free(&t);
}
END_TEST

START_TEST(test_deferred_foreign_key_is_checked_at_commit)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "trade.sql");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "BEGIN");
    exec_ok(db, "INSERT INTO trade (account_id, quantity, price) VALUES (99, 5, 1)");
    ck_assert_int_eq(exec_rc(db, "COMMIT"), SQLITE_CONSTRAINT);
    exec_ok(db, "ROLLBACK");
    translation_free(&t);
}
END_TEST

START_TEST(test_self_referencing_foreign_key_is_enforced)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(
        exec_rc(db, "INSERT INTO account (username, email, referrer_id) VALUES ('ann', 'a@x', 9)"),
        SQLITE_CONSTRAINT);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO account (username, email, referrer_id) VALUES ('bob', 'b@x', 1)");
    exec_ok(db, "DELETE FROM account WHERE username = 'ann'");
    assert_query(db, "SELECT referrer_id FROM account WHERE username = 'bob'", "NULL");
    translation_free(&t);
}
END_TEST

START_TEST(test_foreign_key_cycle_across_two_files)
{
    translation t = {0};
    TRANSLATE_OK(&t, "department.sql", "employee.sql");
    ck_assert_uint_eq(t.script.count, 2);
    assert_contains(t.script.items[0].sql,
                    "CONSTRAINT department_manager_fk FOREIGN KEY (manager_id) REFERENCES "
                    "employee(id) DEFERRABLE INITIALLY DEFERRED");
    assert_contains(t.script.items[1].sql,
                    "CONSTRAINT employee_department_id_fkey FOREIGN KEY (department_id) "
                    "REFERENCES department(id)");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "BEGIN; INSERT INTO department (id, name, manager_id) VALUES (1, 'ops', 7); "
                "INSERT INTO employee (id, department_id, name) VALUES (7, 1, 'eve'); COMMIT");
    ck_assert_int_eq(exec_rc(db, "UPDATE department SET manager_id = 8"), SQLITE_CONSTRAINT);
    assert_query(db, "SELECT \"table\" FROM pragma_foreign_key_list('department')", "employee");
    translation_free(&t);
}
END_TEST

START_TEST(test_alter_table_may_change_a_table_of_another_file)
{
    translation t = {0};
    TRANSLATE_OK(&t, "alter_account.sql", "account.sql");
    ck_assert_uint_eq(t.script.count, 6);
    assert_contains(t.script.items[0].sql, "CONSTRAINT account_staff_email_check CHECK");
    ck_assert_str_eq(t.script.items[0].file, "schemas/account.sql");
    ck_assert_str_eq(t.script.items[1].sql,
                     "CREATE INDEX account_referrer_idx ON account (referrer_id)");
    ck_assert_str_eq(t.script.items[1].file, "schemas/alter_account.sql");
    ck_assert_int_eq(t.script.items[1].line, 4);
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

START_TEST(test_column_alters_are_folded_into_the_table)
{
    translation t = {0};
    TRANSLATE_OK(&t, "column_alters.sql");
    ck_assert_uint_eq(t.script.count, 2);
    ck_assert_str_eq(statement(&t, "CREATE TABLE setting")->sql,
                     "CREATE TABLE setting (\n"
                     "    key character varying(64) NOT NULL,\n"
                     "    value text DEFAULT 'unset',\n"
                     "    \"index\" integer,\n"
                     "    span TEXT,\n"
                     "    note text,\n"
                     "    added_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n"
                     "    CONSTRAINT setting_pkey PRIMARY KEY (key)\n"
                     ")");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO setting (value) VALUES ('x')"), SQLITE_CONSTRAINT);
    exec_ok(db, "INSERT INTO setting (key) VALUES ('k')");
    assert_query(db, "SELECT value || ' ' || quote(note) FROM setting", "unset NULL");
    translation_free(&t);
}
END_TEST

/* ---- schemas and names ------------------------------------------------------ */

START_TEST(test_schema_qualified_table_loses_its_schema)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql", "billing.invoice.sql");
    assert_contains(statement(&t, "CREATE TABLE invoice (")->sql,
                    "CONSTRAINT invoice_account_id_fkey FOREIGN KEY (account_id) REFERENCES "
                    "account(id)");
    for (size_t i = 0; i < t.script.count; i++)
        assert_lacks(t.script.items[i].sql, "billing");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')");
    exec_ok(db, "INSERT INTO invoice (account_id) VALUES (1)");
    assert_query(db, "SELECT id || ' ' || total FROM invoice", "1 0");
    assert_query(db, "SELECT name FROM pragma_index_list('invoice') WHERE origin = 'c'",
                 "invoice_account_idx");
    translation_free(&t);
}
END_TEST

START_TEST(test_quoted_mixed_case_table_stays_quoted)
{
    translation t = {0};
    TRANSLATE_OK(&t, "MixedCase.sql");
    ck_assert_uint_eq(t.script.count, 1);
    ck_assert_str_eq(t.script.items[0].sql,
                     "CREATE TABLE \"MixedCase\" (\n"
                     "    \"Id\" INTEGER NOT NULL,\n"
                     "    \"DisplayName\" text NOT NULL,\n"
                     "    \"Order\" integer,\n"
                     "    CONSTRAINT \"MixedCase_pkey\" PRIMARY KEY (\"Id\")\n"
                     ")");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO \"MixedCase\" (\"DisplayName\", \"Order\") VALUES ('x', 3)");
    assert_query(db, "SELECT \"Id\" || ' ' || \"Order\" FROM \"MixedCase\"", "1 3");
    translation_free(&t);
}
END_TEST

START_TEST(test_same_bare_name_in_two_schemas_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "account.sql", "billing.invoice.sql", "invoice_public.sql");
    assert_failed(&t, 1);
    assert_diag(&t.diags.items[0], "schemas/invoice_public.sql", 2, 21,
                "tables \"billing.invoice\" and \"invoice\" would both be \"invoice\" in SQLite");
    translation_free(&t);
}
END_TEST

/* ---- indexes ---------------------------------------------------------------- */

START_TEST(test_partial_index_keeps_its_predicate)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_str_eq(statement(&t, "CREATE INDEX account_active_idx")->sql,
                     "CREATE INDEX account_active_idx ON account (username) "
                     "WHERE ((status) = 'active')");
    sqlite3 *db = run_in_sqlite(&t);
    assert_query(db,
                 "SELECT partial FROM pragma_index_list('account') "
                 "WHERE name = 'account_active_idx'",
                 "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_index_drops_nulls_order_and_keeps_desc)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_str_eq(statement(&t, "CREATE INDEX account_created_idx")->sql,
                     "CREATE INDEX account_created_idx ON account (created_at DESC)");
    sqlite3 *db = run_in_sqlite(&t);
    assert_query(
        db, "SELECT \"desc\" FROM pragma_index_xinfo('account_created_idx') WHERE cid >= 0", "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_index_drops_operator_class)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_str_eq(statement(&t, "CREATE INDEX account_email_like")->sql,
                     "CREATE INDEX account_email_like ON account (email)");
    translation_free(&t);
}
END_TEST

START_TEST(test_expression_index_is_unique_without_casts)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_str_eq(statement(&t, "CREATE UNIQUE INDEX")->sql,
                     "CREATE UNIQUE INDEX account_lower_email_key ON account (lower((email)))");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO account (username, email) VALUES ('ann', 'Ann@x')");
    ck_assert_int_eq(exec_rc(db, "INSERT INTO account (username, email) VALUES ('bob', 'ann@X')"),
                     SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_index_drops_include_storage_and_keeps_expressions)
{
    translation t = {0};
    TRANSLATE_OK(&t, "product.sql");
    ck_assert_str_eq(statement(&t, "CREATE INDEX product_expensive_idx")->sql,
                     "CREATE INDEX product_expensive_idx ON product (sku DESC) "
                     "WHERE (price > (100))");
    ck_assert_str_eq(statement(&t, "CREATE INDEX product_lower_sku")->sql,
                     "CREATE INDEX product_lower_sku ON product (((lower(sku) || name)))");
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

START_TEST(test_gin_index_is_skipped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "account.sql");
    ck_assert_uint_eq(t.script.count, 5);
    for (size_t i = 0; i < t.script.count; i++)
        assert_lacks(t.script.items[i].sql, "account_tags_gin");
    translation_free(&t);
}
END_TEST

/* ---- skipped statements ----------------------------------------------------- */

START_TEST(test_restrict_lines_are_skipped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "MixedCase.sql");
    const ddl_file *file = &t.files[0];
    size_t meta = 0;
    for (size_t i = 0; i < file->statement_count; i++)
        if (file->statements[i].source->is_meta)
            meta++;
    ck_assert_uint_eq(meta, 2);
    ck_assert_uint_eq(t.script.count, 1);
    assert_lacks(t.script.items[0].sql, "restrict");
    translation_free(&t);
}
END_TEST

START_TEST(test_sequences_schemas_extensions_and_privileges_are_skipped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "skipped.sql");
    ck_assert_uint_eq(t.script.count, 2); /* the table and the trigger filling its id in */
    ck_assert_str_eq(t.script.items[0].sql,
                     "CREATE TABLE entry (\n"
                     "    id INTEGER,\n"
                     "    happened timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL\n"
                     ")");
    /* Ownership and comments are named for -v, once each, where they are; GRANT is not. */
    ck_assert_uint_eq(t.notes.details.count, 2);
    assert_diag(&t.notes.details.items[0], "schemas/skipped.sql", 11, 1,
                "not run on SQLite: ALTER TABLE audit.entry OWNER TO audit_owner");
    assert_diag(&t.notes.details.items[1], "schemas/skipped.sql", 16, 1,
                "not run on SQLite: COMMENT ON TABLE audit.entry");
    translation_free(&t);
}
END_TEST

START_TEST(test_cluster_replica_identity_and_row_security_are_skipped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "ledger.sql");
    ck_assert_uint_eq(t.script.count, 1);
    ck_assert_str_eq(t.script.items[0].sql,
                     "CREATE TABLE ledger (\n"
                     "    id INTEGER NOT NULL,\n"
                     "    memo text DEFAULT 'n/a' NOT NULL,\n"
                     "    amount numeric(14,2) DEFAULT 0.00 NOT NULL,\n"
                     "    booked timestamp with time zone DEFAULT CURRENT_TIMESTAMP,\n"
                     "    CONSTRAINT ledger_amount_check CHECK ((amount <> (0))),\n"
                     "    CONSTRAINT ledger_pkey PRIMARY KEY (id)\n"
                     ")");
    sqlite3 *db = run_in_sqlite(&t);
    ck_assert_int_eq(exec_rc(db, "INSERT INTO ledger (amount) VALUES (0)"), SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

START_TEST(test_table_storage_parameters_are_dropped)
{
    translation t = {0};
    TRANSLATE_OK(&t, "event_log.sql");
    const char *sql = statement(&t, "CREATE TABLE event_log")->sql;
    assert_lacks(sql, "fillfactor");
    ck_assert_str_eq(sql + strlen(sql) - 2, "\n)");
    translation_free(&t);
}
END_TEST

/* ---- untranslatable --------------------------------------------------------- */

START_TEST(test_exclude_constraint_is_an_error_with_hint)
{
    translation t = {0};
    TRANSLATE(&t, "booking.sql");
    assert_failed(&t, 1);
    assert_diag(&t.diags.items[0], "schemas/booking.sql", 71, 40,
                "cannot translate \"EXCLUDE\" constraint to SQLite");
    ck_assert_str_eq(t.diags.items[0].hint,
                     "write a SQLite version of this table in schemas/booking.sqlite.sql; "
                     "foster uses it instead of schemas/booking.sql on SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_partitioned_table_becomes_one_plain_table)
{
    translation t = {0};
    TRANSLATE_OK(&t, "measurement.sql");
    assert_lacks(statement(&t, "CREATE TABLE measurement")->sql, "PARTITION");
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

START_TEST(test_inherits_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "capital.sql");
    assert_failed(&t, 1);
    assert_diag(&t.diags.items[0], "schemas/capital.sql", 32, 1,
                "cannot translate \"INHERITS\" to SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_types_functions_views_and_triggers_are_each_reported)
{
    translation t = {0};
    TRANSLATE(&t, "diary.sql");
    assert_failed(&t, 1); /* the enum translates; the function and trigger are notes */
    const char *file = "schemas/diary.sql";
    assert_diag(&t.diags.items[0], file, 88, 1, "cannot translate \"CREATE VIEW\" to SQLite");
    ck_assert_uint_eq(t.notes.notes.count, 2);
    assert_diag(&t.notes.notes.items[0], file, 37, 1, "not run on SQLite: CREATE FUNCTION touch");
    assert_diag(&t.notes.notes.items[1], file, 116, 1,
                "not run on SQLite: CREATE TRIGGER diary_touch");
    translation_free(&t);
}
END_TEST

START_TEST(test_problems_of_every_file_are_reported_in_file_order)
{
    translation t = {0};
    TRANSLATE(&t, "bad_expressions.sql", "account.sql", "booking.sql");
    assert_failed(&t, 3);
    ck_assert_str_eq(t.diags.items[0].file, "schemas/bad_expressions.sql");
    ck_assert_str_eq(t.diags.items[2].file, "schemas/booking.sql");
    ck_assert_str_eq(t.diags.items[2].hint,
                     "write a SQLite version of this table in schemas/booking.sqlite.sql; "
                     "foster uses it instead of schemas/booking.sql on SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_alter_and_index_on_table_nobody_creates_are_errors)
{
    translation t = {0};
    TRANSLATE(&t, "orphan_alter.sql");
    assert_failed(&t, 2);
    assert_diag(&t.diags.items[0], "schemas/orphan_alter.sql", 2, 18,
                "ALTER TABLE changes table \"nowhere\", which none of the schema files creates");
    assert_diag(&t.diags.items[1], "schemas/orphan_alter.sql", 4, 29,
                "index is on table \"nowhere\", which none of the schema files creates");
    translation_free(&t);
}
END_TEST

START_TEST(test_unknown_alter_table_forms_are_errors)
{
    translation t = {0};
    TRANSLATE(&t, "unknown_alters.sql");
    assert_failed(&t, 3);
    const char *file = "schemas/unknown_alters.sql";
    assert_diag(&t.diags.items[0], file, 7, 27,
                "cannot translate \"ALTER TABLE ... DROP COLUMN\" to SQLite");
    assert_diag(&t.diags.items[1], file, 8, 27,
                "cannot translate \"ALTER TABLE ... RENAME TO\" to SQLite");
    assert_diag(&t.diags.items[2], file, 9, 47,
                "cannot translate \"ALTER TABLE ... ALTER COLUMN ... TYPE\" to SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_no_files_give_an_empty_script)
{
    sqlite_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(translate_sqlite(NULL, 0, &script, NULL, &diags), 0);
    ck_assert_uint_eq(script.count, 0);
    ck_assert_uint_eq(diags.count, 0);
    sqlite_script_free(&script);
}
END_TEST

static Suite *translate_sqlite_suite(void)
{
    Suite *suite = suite_create("translate_sqlite");
    TCase *tables = tcase_create("tables");
    tcase_add_test(tables, test_account_table_is_rebuilt_with_alters_folded_in);
    tcase_add_test(tables, test_statements_carry_file_and_line_of_their_source);
    tcase_add_test(tables, test_tables_follow_file_order_and_indexes_come_last);
    tcase_add_test(tables, test_serial_primary_key_is_assigned_by_sqlite);
    tcase_add_test(tables, test_identity_always_primary_key_is_assigned_by_sqlite);
    tcase_add_test(tables, test_identity_by_default_primary_key_is_assigned_by_sqlite);
    tcase_add_test(tables, test_bigserial_column_becomes_integer);
    tcase_add_test(tables, test_start_with_gives_the_first_key);
    tcase_add_test(tables, test_nextval_in_a_composite_key_is_filled_in);
    tcase_add_test(tables, test_increment_by_on_the_key_is_refused);
    tcase_add_test(tables, test_smallserial_column_becomes_integer);
    tcase_add_test(tables, test_inline_serial_types_and_nextval_default_become_integer);
    tcase_add_test(tables, test_timestamp_precision_inside_the_type_is_dropped);
    tcase_add_test(tables, test_array_columns_become_text);
    tcase_add_test(tables, test_interval_fields_and_reserved_column_names_are_made_sqlite_safe);
    tcase_add_test(tables, test_quoted_char_type_and_its_cast_are_kept_and_dropped);
    tcase_add_test(tables, test_user_defined_type_is_an_error);
    suite_add_tcase(suite, tables);

    TCase *defaults = tcase_create("defaults");
    tcase_add_test(defaults, test_casts_are_stripped_from_defaults);
    tcase_add_test(defaults, test_now_default_becomes_current_timestamp);
    tcase_add_test(defaults, test_statement_timestamp_default_becomes_current_timestamp);
    tcase_add_test(defaults, test_localtimestamp_default_becomes_current_timestamp);
    tcase_add_test(defaults, test_now_text_date_default_becomes_current_date);
    tcase_add_test(defaults, test_current_date_and_boolean_defaults_stay);
    tcase_add_test(defaults, test_negative_default_keeps_its_value);
    tcase_add_test(defaults, test_expression_defaults_are_parenthesised);
    tcase_add_test(defaults, test_escape_and_dollar_strings_become_plain_strings);
    tcase_add_test(defaults, test_utc_timestamp_defaults_become_current_timestamp);
    tcase_add_test(defaults, test_random_uuid_default_gives_a_version_4_uuid);
    tcase_add_test(defaults, test_every_bad_expression_in_a_table_is_reported);
    tcase_add_test(defaults, test_postgres_collations_are_dropped);
    suite_add_tcase(suite, defaults);

    TCase *constraints = tcase_create("constraints");
    tcase_add_test(constraints, test_check_with_stripped_casts_still_rejects_bad_values);
    tcase_add_test(constraints, test_any_array_check_becomes_in_list);
    tcase_add_test(constraints, test_like_operators_become_like);
    tcase_add_test(constraints, test_not_valid_check_is_folded_without_not_valid);
    tcase_add_test(constraints, test_char_length_check_becomes_length);
    tcase_add_test(constraints, test_standard_trim_and_substring_become_sqlite_functions);
    tcase_add_test(constraints, test_quoted_function_sqlite_lacks_is_an_error);
    tcase_add_test(constraints, test_unique_constraint_is_folded_and_enforced);
    tcase_add_test(constraints, test_unique_nulls_not_distinct_keeps_unique);
    tcase_add_test(constraints, test_cascading_deferred_foreign_key_is_kept);
    tcase_add_test(constraints, test_deferred_foreign_key_is_checked_at_commit);
    tcase_add_test(constraints, test_self_referencing_foreign_key_is_enforced);
    tcase_add_test(constraints, test_foreign_key_cycle_across_two_files);
    tcase_add_test(constraints, test_alter_table_may_change_a_table_of_another_file);
    tcase_add_test(constraints, test_column_alters_are_folded_into_the_table);
    suite_add_tcase(suite, constraints);

    TCase *names = tcase_create("names");
    tcase_add_test(names, test_schema_qualified_table_loses_its_schema);
    tcase_add_test(names, test_quoted_mixed_case_table_stays_quoted);
    tcase_add_test(names, test_same_bare_name_in_two_schemas_is_an_error);
    suite_add_tcase(suite, names);

    TCase *indexes = tcase_create("indexes");
    tcase_add_test(indexes, test_partial_index_keeps_its_predicate);
    tcase_add_test(indexes, test_index_drops_nulls_order_and_keeps_desc);
    tcase_add_test(indexes, test_index_drops_operator_class);
    tcase_add_test(indexes, test_expression_index_is_unique_without_casts);
    tcase_add_test(indexes, test_index_drops_include_storage_and_keeps_expressions);
    tcase_add_test(indexes, test_gin_index_is_skipped);
    suite_add_tcase(suite, indexes);

    TCase *skipped = tcase_create("skipped");
    tcase_add_test(skipped, test_restrict_lines_are_skipped);
    tcase_add_test(skipped, test_sequences_schemas_extensions_and_privileges_are_skipped);
    tcase_add_test(skipped, test_cluster_replica_identity_and_row_security_are_skipped);
    tcase_add_test(skipped, test_table_storage_parameters_are_dropped);
    suite_add_tcase(suite, skipped);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_exclude_constraint_is_an_error_with_hint);
    tcase_add_test(errors, test_partitioned_table_becomes_one_plain_table);
    tcase_add_test(errors, test_inherits_is_an_error);
    tcase_add_test(errors, test_types_functions_views_and_triggers_are_each_reported);
    tcase_add_test(errors, test_problems_of_every_file_are_reported_in_file_order);
    tcase_add_test(errors, test_alter_and_index_on_table_nobody_creates_are_errors);
    tcase_add_test(errors, test_unknown_alter_table_forms_are_errors);
    tcase_add_test(errors, test_no_files_give_an_empty_script);
    suite_add_tcase(suite, errors);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(translate_sqlite_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
