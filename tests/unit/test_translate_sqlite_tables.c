/*
 * test_translate_sqlite_tables.c — whole tables translated: their statements, file order
 * and source lines; serial and identity keys that SQLite assigns; types made SQLite-safe;
 * schema-qualified and quoted table names.
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

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
    assert_table_case(&(table_case){
        .files = {"event_log.sql"},
        .statement = "CREATE TABLE event_log",
        .holds = {"\n    id INTEGER NOT NULL,\n"},
        .insert = "INSERT INTO event_log (payload) VALUES ('{}')",
        .query = "SELECT id FROM event_log",
        .expected = "1",
    });
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
    assert_table_case(&(table_case){
        .files = {"account.sql"},
        .statement = "CREATE TABLE account",
        .holds = {"\n    updated_at timestamp with time zone,\n"},
    });
}
END_TEST

START_TEST(test_array_columns_become_text)
{
    assert_table_case(&(table_case){
        .files = {"account.sql"},
        .statement = "CREATE TABLE account",
        .holds = {"\n    tags TEXT DEFAULT '{}' NOT NULL,\n", "\n    scores TEXT,\n"},
        .insert = "INSERT INTO account (username, email, scores) VALUES ('ann', 'a@x', '{1,2}')",
        .query = "SELECT tags || ' ' || scores FROM account",
        .expected = "{} {1,2}",
    });
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
    assert_table_case(&(table_case){
        .files = {"account.sql", "trade.sql"},
        .statement = "CREATE TABLE trade",
        .holds = {"\n    side \"char\" DEFAULT 'b' NOT NULL,\n"},
    });
}
END_TEST

START_TEST(test_user_defined_type_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "widget.sql");
    assert_failed_with(&t, "schemas/widget.sql", 31, 9,
                       "cannot translate type \"public.positive_int\" to SQLite");
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
    assert_failed_with(
        &t, "schemas/invoice_public.sql", 2, 21,
        "tables \"billing.invoice\" and \"invoice\" would both be \"invoice\" in SQLite");
    translation_free(&t);
}
END_TEST

TCase *translate_sqlite_tables_tcase(void)
{
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
    return tables;
}

TCase *translate_sqlite_names_tcase(void)
{
    TCase *names = tcase_create("names");
    tcase_add_test(names, test_schema_qualified_table_loses_its_schema);
    tcase_add_test(names, test_quoted_mixed_case_table_stays_quoted);
    tcase_add_test(names, test_same_bare_name_in_two_schemas_is_an_error);
    return names;
}
