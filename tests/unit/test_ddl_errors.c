/*
 * test_ddl_errors.c — what ddl_analyze and ddl_load_file refuse, each reported at its file,
 * line and column.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_ddl.h"

/* Analysing `text` fails with exactly one problem, at t.sql:`line`:`column`, saying `message`. */
static void assert_analyze_fails(const char *text, int line, int column, const char *message)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze_text(text, &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "t.sql");
    ck_assert_int_eq(diags.items[0].line, line);
    ck_assert_int_eq(diags.items[0].column, column);
    ck_assert_str_eq(diags.items[0].message, message);
    diag_list_clear(&diags);
    ddl_file_free(&file);
}

/* ---- errors ---- */

START_TEST(test_create_table_without_column_list_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze_text("SET x = 1;\n\nCREATE TABLE public.copy AS SELECT 1;\n"
                                  "CREATE TABLE ok (a int);",
                                  &file, &diags),
                     -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "t.sql");
    ck_assert_int_eq(diags.items[0].line, 3);
    ck_assert_int_eq(diags.items[0].column, 26);
    ck_assert_str_eq(diags.items[0].message, "CREATE TABLE copy has no column list");
    ck_assert_ptr_nonnull(diags.items[0].hint);
    /* the other statements are still read */
    ck_assert_int_eq(file.statements[1].kind, DDL_CREATE_TABLE);
    ck_assert_uint_eq(file.table_count, 1);
    ck_assert_str_eq(file.tables[0].name, "ok");
    diag_list_clear(&diags);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_partition_of_without_columns_is_an_error)
{
    assert_analyze_fails("CREATE TABLE m_2020 PARTITION OF m FOR VALUES IN (1);", 1, 21,
                         "CREATE TABLE m_2020 has no column list");
}
END_TEST

START_TEST(test_unclosed_column_list_points_at_its_parenthesis)
{
    assert_analyze_fails("CREATE TABLE t\n  (a numeric(3), b int;\nSELECT 1;", 2, 3,
                         "column list of table t is not closed");
}
END_TEST

START_TEST(test_create_table_without_name_is_an_error)
{
    assert_analyze_fails("CREATE TABLE (a int);", 1, 14,
                         "expected a table name after CREATE TABLE");
}
END_TEST

START_TEST(test_load_file_reports_splitter_error)
{
    char *path = data_path("sql/unterminated_dollar.sql");
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_load_file(path, "schemas/x.sql", &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "schemas/x.sql");
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_int_eq(diags.items[0].column, 8);
    ck_assert_uint_eq(file.statement_count, 0);
    ddl_file_free(&file);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_load_missing_file_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_load_file("/nonexistent/foster.sql", NULL, &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "/nonexistent/foster.sql");
    ck_assert_str_eq(diags.items[0].message, "cannot open file: No such file or directory");
    ddl_file_free(&file);
    diag_list_clear(&diags);
}
END_TEST

TCase *ddl_errors_tcase(void)
{
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_create_table_without_column_list_is_an_error);
    tcase_add_test(errors, test_partition_of_without_columns_is_an_error);
    tcase_add_test(errors, test_unclosed_column_list_points_at_its_parenthesis);
    tcase_add_test(errors, test_create_table_without_name_is_an_error);
    tcase_add_test(errors, test_load_file_reports_splitter_error);
    tcase_add_test(errors, test_load_missing_file_is_an_error);
    return errors;
}
