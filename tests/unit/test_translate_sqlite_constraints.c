/*
 * test_translate_sqlite_constraints.c — CHECK, UNIQUE and FOREIGN KEY constraints translated
 * and then enforced by SQLite; ALTER TABLE folded into the table it changes.
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

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
    assert_failed_with(&t, "schemas/badge.sql", 32, 62,
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
    assert_table_case(&(table_case){
        .files = {"product.sql"},
        .statement = "CREATE TABLE product",
        .holds = {"\n    CONSTRAINT product_sku_key UNIQUE (sku)\n)"},
    });
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

TCase *translate_sqlite_constraints_tcase(void)
{
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
    return constraints;
}
