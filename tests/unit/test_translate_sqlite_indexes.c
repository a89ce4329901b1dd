/*
 * test_translate_sqlite_indexes.c — the statements beside CREATE TABLE: indexes kept in the
 * forms SQLite reads, and what is skipped (\restrict lines, sequences, privileges, storage).
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

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

TCase *translate_sqlite_indexes_tcase(void)
{
    TCase *indexes = tcase_create("indexes");
    tcase_add_test(indexes, test_partial_index_keeps_its_predicate);
    tcase_add_test(indexes, test_index_drops_nulls_order_and_keeps_desc);
    tcase_add_test(indexes, test_index_drops_operator_class);
    tcase_add_test(indexes, test_expression_index_is_unique_without_casts);
    tcase_add_test(indexes, test_index_drops_include_storage_and_keeps_expressions);
    tcase_add_test(indexes, test_gin_index_is_skipped);
    return indexes;
}

TCase *translate_sqlite_skipped_tcase(void)
{
    TCase *skipped = tcase_create("skipped");
    tcase_add_test(skipped, test_restrict_lines_are_skipped);
    tcase_add_test(skipped, test_sequences_schemas_extensions_and_privileges_are_skipped);
    tcase_add_test(skipped, test_cluster_replica_identity_and_row_security_are_skipped);
    tcase_add_test(skipped, test_table_storage_parameters_are_dropped);
    return skipped;
}
