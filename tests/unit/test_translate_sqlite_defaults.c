/*
 * test_translate_sqlite_defaults.c — column defaults: casts stripped, PostgreSQL clocks and
 * functions turned into SQLite ones, strings and expressions kept, bad expressions
 * reported; collations dropped.
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

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
    assert_table_case(&(table_case){
        .files = {"ledger.sql"},
        .statement = "CREATE TABLE ledger",
        .holds = {"\n    booked timestamp with time zone DEFAULT CURRENT_TIMESTAMP,\n"},
    });
}
END_TEST

START_TEST(test_localtimestamp_default_becomes_current_timestamp)
{
    assert_table_case(&(table_case){
        .files = {"account.sql", "trade.sql"},
        .statement = "CREATE TABLE trade",
        .holds = {"\n    traded_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n"},
    });
}
END_TEST

START_TEST(test_now_text_date_default_becomes_current_date)
{
    assert_table_case(&(table_case){
        .files = {"event_log.sql"},
        .statement = "CREATE TABLE event_log",
        .holds = {"\n    created date DEFAULT CURRENT_DATE,\n"},
        .insert = "INSERT INTO event_log DEFAULT VALUES",
        .query = "SELECT created = date('now') FROM event_log",
        .expected = "1",
    });
}
END_TEST

START_TEST(test_current_date_and_boolean_defaults_stay)
{
    assert_table_case(&(table_case){
        .files = {"account.sql"},
        .statement = "CREATE TABLE account",
        .holds = {"\n    joined_on date DEFAULT CURRENT_DATE,\n",
                  "\n    is_staff boolean DEFAULT false NOT NULL,\n"},
        .insert = "INSERT INTO account (username, email) VALUES ('ann', 'ann@x')",
        .query = "SELECT typeof(is_staff) || ' ' || is_staff FROM account",
        .expected = "integer 0",
    });
}
END_TEST

START_TEST(test_negative_default_keeps_its_value)
{
    assert_table_case(&(table_case){
        .files = {"event_log.sql"},
        .statement = "CREATE TABLE event_log",
        .holds = {"\n    level smallint DEFAULT '-1' NOT NULL,\n"},
        .insert = "INSERT INTO event_log DEFAULT VALUES",
        .query = "SELECT typeof(level) || ' ' || level FROM event_log",
        .expected = "integer -1",
    });
}
END_TEST

START_TEST(test_expression_defaults_are_parenthesised)
{
    assert_table_case(&(table_case){
        .files = {"strings.sql"},
        .statement = "CREATE TABLE note",
        .holds = {"\n    weight numeric DEFAULT (-1.5),\n",
                  "\n    ratio integer DEFAULT (1 + 2),\n",
                  "\n    shout text DEFAULT (upper('hey'))\n"},
        .insert = "INSERT INTO note (id) VALUES (1)",
        .query = "SELECT weight || ' ' || ratio || ' ' || shout FROM note",
        .expected = "-1.5 3 HEY",
    });
}
END_TEST

START_TEST(test_escape_and_dollar_strings_become_plain_strings)
{
    assert_table_case(&(table_case){
        .files = {"strings.sql"},
        .statement = "CREATE TABLE note",
        .holds = {"\n    body text DEFAULT 'it''s\nnew' NOT NULL,\n",
                  "\n    tag text DEFAULT 'it''s',\n"},
        .insert = "INSERT INTO note (id) VALUES (1)",
        .query = "SELECT body || '|' || tag FROM note",
        .expected = "it's\nnew|it's",
    });
}
END_TEST

START_TEST(test_utc_timestamp_defaults_become_current_timestamp)
{
    assert_table_case(&(table_case){
        .files = {"profile.sql"},
        .statement = "CREATE TABLE profile",
        .holds = {"\n    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n",
                  "\n    seen_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n"},
    });
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

TCase *translate_sqlite_defaults_tcase(void)
{
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
    return defaults;
}
