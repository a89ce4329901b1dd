/*
 * test_sqlsplit_statements.c — where sql_split ends a statement (semicolons, parentheses,
 * BEGIN ATOMIC and trigger bodies, psql meta-command lines) and the text, line and column
 * it gives each one; sql_split_file on files under tests/data/sql.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_data.h"
#include "test_sqlsplit.h"

static char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

/* ---- splitting ---- */

START_TEST(test_semicolon_ends_statement_and_is_not_kept)
{
    static const expected_statement expected[] = {
        {0, "SELECT 1", 1, 1, false},
        {1, "SELECT 2", 2, 1, false},
    };
    check_split("SELECT 1;\nSELECT 2;\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_second_statement_on_a_line_has_its_column)
{
    static const expected_statement expected[] = {
        {1, "SELECT 2", 1, 12, false},
    };
    check_split("SELECT 1;  SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_statement_text_is_trimmed)
{
    static const expected_statement expected[] = {
        {0, "CREATE TABLE t (\n  a int\n)", 2, 3, false},
    };
    check_split("  \n\t CREATE TABLE t (\n  a int\n)  \n ;  \n", 1, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_trailing_comment_before_semicolon_is_not_in_text)
{
    static const expected_statement expected[] = {
        {0, "SELECT 1", 1, 1, false},
    };
    check_split("SELECT 1 -- one\n;", 1, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_statement_line_skips_leading_comment_block)
{
    static const expected_statement expected[] = {
        {1, "CREATE TABLE foo (a int)", 8, 1, false},
    };
    check_split("SET x = 1;\n\n--\n-- Name: foo; Type: TABLE; Schema: public\n--\n\n"
                "/* more; */\nCREATE TABLE foo (a int);\n",
                2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_line_numbers_count_lines_inside_multiline_string)
{
    static const expected_statement expected[] = {
        {0, "SELECT 'one\ntwo;\nthree'", 1, 1, false},
        {1, "SELECT 2", 4, 3, false},
    };
    check_split("SELECT 'one\ntwo;\nthree';\n  SELECT 2;", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_comment_only_and_empty_statements_are_dropped)
{
    check_split(";; -- nothing\n/* nothing */ ;\n\n", 0, NULL, 0);
}
END_TEST

START_TEST(test_last_statement_without_semicolon_is_kept)
{
    static const expected_statement expected[] = {
        {1, "SELECT 2", 2, 1, false},
    };
    check_split("SELECT 1;\nSELECT 2\n-- the end\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_semicolon_inside_parentheses_does_not_end_statement)
{
    /* psql keeps CREATE RULE ... DO (stmt; stmt) together */
    static const expected_statement expected[] = {
        {0, "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", 1, 1, false},
    };
    check_split("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3", 2,
                expected, LENGTH(expected));
}
END_TEST

START_TEST(test_begin_atomic_function_body_is_one_statement)
{
    static const expected_statement expected[] = {
        {0,
         "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
         "  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND",
         1, 1, false},
        {1, "BEGIN", 6, 1, false},
        {2, "COMMIT", 7, 1, false},
    };
    check_split("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
                "  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;\nBEGIN;\nCOMMIT;",
                3, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_sqlite_trigger_body_is_one_statement)
{
    /* a <table>.sqlite.sql file may hold SQLite triggers: BEGIN ...; ...; END */
    static const expected_statement expected[] = {
        {0,
         "CREATE TEMP TRIGGER IF NOT EXISTS a AFTER INSERT ON t BEGIN\n"
         "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 1 END);\n"
         "  UPDATE n SET c = c + 1;\nEND",
         1, 1, false},
        {1, "CREATE TABLE begin_end (x int)", 5, 1, false},
    };
    check_split("CREATE TEMP TRIGGER IF NOT EXISTS a AFTER INSERT ON t BEGIN\n"
                "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 1 END);\n"
                "  UPDATE n SET c = c + 1;\nEND;\n"
                "CREATE TABLE begin_end (x int);",
                2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_begin_outside_a_routine_or_trigger_does_not_hold_semicolons)
{
    /* a trigger of PostgreSQL has no body; a table named like a keyword is no body either */
    static const expected_statement expected[] = {
        {1, "CREATE TABLE x (begin int)", 2, 1, false},
    };
    check_split("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();\n"
                "CREATE TABLE x (begin int);\nSELECT 1;",
                3, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_meta_command_line_is_its_own_statement)
{
    static const expected_statement expected[] = {
        {0, "\\restrict abc123", 1, 1, true},
        {1, "SET x = 1", 2, 1, false},
        {2, "\\unrestrict abc123", 3, 3, true},
    };
    check_split("\\restrict abc123\nSET x = 1;\n  \\unrestrict abc123  \n", 3, expected,
                LENGTH(expected));
}
END_TEST

START_TEST(test_meta_command_ends_at_end_of_line_even_with_semicolon)
{
    static const expected_statement expected[] = {
        {0, "\\set x 'a;b'", 1, 1, true},
        {1, "SELECT 1", 2, 1, false},
    };
    check_split("\\set x 'a;b'\nSELECT 1;", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_backslash_at_line_start_inside_string_is_not_meta)
{
    static const expected_statement expected[] = {
        {0, "SELECT 'a\n\\restrict x'", 1, 1, false},
    };
    check_split("SELECT 'a\n\\restrict x';", 1, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_meta_command_ends_unterminated_statement_before_it)
{
    static const expected_statement expected[] = {
        {0, "SELECT 1", 1, 1, false},
        {1, "\\unrestrict k", 2, 1, true},
        {2, "SELECT 2", 3, 1, false},
    };
    check_split("SELECT 1\n\\unrestrict k\nSELECT 2;", 3, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_crlf_line_endings_count_lines)
{
    static const expected_statement expected[] = {
        {1, "SELECT 2", 3, 1, false},
    };
    check_split("SELECT 1;\r\n\r\nSELECT 2;\r\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_columns_count_characters_not_bytes)
{
    static const expected_statement expected[] = {
        {1, "SELECT 2", 1, 13, false},
    };
    check_split("SELECT 'é'; SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_text_need_not_be_nul_terminated)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    const char text[] = "SELECT 1; SELECT 2; garbage '";
    ck_assert_int_eq(sql_split(text, 19, "t.sql", &script, &diags), 0);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "SELECT 2", 1, 11, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_split_file_reads_every_quoting_construct)
{
    char *path = data_path("sql/quoting.sql");
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split_file(path, "sql/quoting.sql", &script, &diags), 0);
    ck_assert_uint_eq(script.count, 6);
    check_statement(&script, 0, "SELECT 'a;b', 'it''s;'", 2, 1, false);
    check_statement(&script, 1, "SELECT E'back\\'slash;', e'x\\\\'", 3, 1, false);
    check_statement(&script, 2, "SELECT \"semi;colon\", \"say \"\"hi\"\";\"", 4, 1, false);
    check_statement(&script, 3, "SELECT $$dollar; quoted$$, $fn$ nested $$ ; $fn$", 5, 1, false);
    check_statement(&script, 4, "SELECT 1", 7, 1, false);
    check_statement(&script, 5, "SELECT 'multi\nline;\nstring', 2", 9, 1, false);
    sql_script_free(&script);
    free(path);
}
END_TEST

START_TEST(test_split_file_keeps_restrict_lines_as_meta)
{
    char *path = data_path("sql/restrict.sql");
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split_file(path, NULL, &script, &diags), 0);
    ck_assert_uint_eq(script.count, 4);
    check_statement(&script, 0, "\\restrict Kq3TsyvS2pE7zR9", 5, 1, true);
    check_statement(&script, 1, "SET statement_timeout = 0", 7, 1, false);
    check_statement(&script, 2, "CREATE TABLE public.t (\n    id integer NOT NULL\n)", 13, 1,
                    false);
    check_statement(&script, 3, "\\unrestrict Kq3TsyvS2pE7zR9", 17, 1, true);
    sql_script_free(&script);
    free(path);
}
END_TEST

START_TEST(test_split_file_error_names_display_name)
{
    char *path = data_path("sql/unterminated_dollar.sql");
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split_file(path, "schemas/x.sql", &script, &diags), -1);
    ck_assert_uint_eq(script.count, 0);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "schemas/x.sql");
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_int_eq(diags.items[0].column, 8);
    ck_assert_str_eq(diags.items[0].message, "unterminated dollar-quoted string");
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_split_file_missing_file_is_an_error)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split_file("/nonexistent/foster/x.sql", "x.sql", &script, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "x.sql");
    ck_assert_int_eq(diags.items[0].line, 0);
    ck_assert_str_eq(diags.items[0].message, "cannot open file: No such file or directory");
    diag_list_clear(&diags);
}
END_TEST

void sqlsplit_add_statement_tests(TCase *split)
{
    tcase_add_test(split, test_semicolon_ends_statement_and_is_not_kept);
    tcase_add_test(split, test_second_statement_on_a_line_has_its_column);
    tcase_add_test(split, test_statement_text_is_trimmed);
    tcase_add_test(split, test_trailing_comment_before_semicolon_is_not_in_text);
    tcase_add_test(split, test_statement_line_skips_leading_comment_block);
    tcase_add_test(split, test_line_numbers_count_lines_inside_multiline_string);
    tcase_add_test(split, test_comment_only_and_empty_statements_are_dropped);
    tcase_add_test(split, test_last_statement_without_semicolon_is_kept);
    tcase_add_test(split, test_semicolon_inside_parentheses_does_not_end_statement);
    tcase_add_test(split, test_begin_atomic_function_body_is_one_statement);
    tcase_add_test(split, test_sqlite_trigger_body_is_one_statement);
    tcase_add_test(split, test_begin_outside_a_routine_or_trigger_does_not_hold_semicolons);
    tcase_add_test(split, test_meta_command_line_is_its_own_statement);
    tcase_add_test(split, test_meta_command_ends_at_end_of_line_even_with_semicolon);
    tcase_add_test(split, test_backslash_at_line_start_inside_string_is_not_meta);
    tcase_add_test(split, test_meta_command_ends_unterminated_statement_before_it);
    tcase_add_test(split, test_crlf_line_endings_count_lines);
    tcase_add_test(split, test_columns_count_characters_not_bytes);
    tcase_add_test(split, test_text_need_not_be_nul_terminated);
    tcase_add_test(split, test_split_file_reads_every_quoting_construct);
    tcase_add_test(split, test_split_file_keeps_restrict_lines_as_meta);
    tcase_add_test(split, test_split_file_error_names_display_name);
    tcase_add_test(split, test_split_file_missing_file_is_an_error);
}
