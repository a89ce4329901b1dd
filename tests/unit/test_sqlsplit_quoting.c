/*
 * test_sqlsplit_quoting.c — what hides a semicolon from sql_split: strings (standard, E'',
 * dollar-quoted), quoted identifiers and comments; each left open reported where it opened.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_sqlsplit.h"

/* Splits `text`, expecting failure with exactly one diag at line:column with `message`. */
static void check_split_fails(const char *text, int line, int column, const char *message)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split(text, strlen(text), "bad.sql", &script, &diags), -1);
    ck_assert_uint_eq(script.count, 0);
    ck_assert_ptr_null(script.items);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "bad.sql");
    ck_assert_int_eq(diags.items[0].line, line);
    ck_assert_int_eq(diags.items[0].column, column);
    ck_assert_str_eq(diags.items[0].message, message);
    diag_list_clear(&diags);
}

START_TEST(test_semicolon_in_single_quoted_string_with_doubled_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT 'a;b', 'it''s;'", 1, 1, false},
        {1, "SELECT 3", 1, 25, false},
    };
    check_split("SELECT 'a;b', 'it''s;'; SELECT 3", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_backslash_in_standard_string_is_literal)
{
    /* standard_conforming_strings: 'a\' is a whole string, so the ';' after it splits */
    static const expected_statement expected[] = {
        {0, "SELECT 'a\\'", 1, 1, false},
        {1, "SELECT 'b'", 1, 14, false},
    };
    check_split("SELECT 'a\\'; SELECT 'b'", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_e_string_backslash_escapes_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT E'it\\'s; x'", 1, 1, false},
        {1, "SELECT e'\\\\'", 1, 21, false},
        {2, "SELECT 1", 1, 35, false},
    };
    check_split("SELECT E'it\\'s; x'; SELECT e'\\\\'; SELECT 1", 3, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_word_ending_in_e_does_not_start_e_string)
{
    /* "some'..." is the word some and a standard string, where \ is literal */
    static const expected_statement expected[] = {
        {0, "SELECT some'x\\'", 1, 1, false},
    };
    check_split("SELECT some'x\\'; SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_semicolon_in_quoted_identifier_with_doubled_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT \"semi;colon\", \"say \"\"hi\"\";\"", 1, 1, false},
    };
    check_split("SELECT \"semi;colon\", \"say \"\"hi\"\";\"; SELECT 2", 2, expected,
                LENGTH(expected));
}
END_TEST

START_TEST(test_semicolon_in_empty_tag_dollar_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT $$a; 'b$$", 1, 1, false},
        {1, "SELECT 2", 1, 19, false},
    };
    check_split("SELECT $$a; 'b$$; SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tagged_dollar_quote_contains_other_dollar_quotes)
{
    static const expected_statement expected[] = {
        {0, "CREATE FUNCTION f() RETURNS int AS $fn$\nSELECT $$x;$$;\n$fn$ LANGUAGE sql", 1, 1,
         false},
        {1, "SELECT 2", 4, 1, false},
    };
    check_split("CREATE FUNCTION f() RETURNS int AS $fn$\nSELECT $$x;$$;\n$fn$ LANGUAGE sql;\n"
                "SELECT 2;",
                2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_positional_parameter_is_not_a_dollar_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT $1", 1, 1, false},
        {1, "SELECT $2$", 1, 12, false},
    };
    check_split("SELECT $1; SELECT $2$", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_dollar_inside_identifier_is_not_a_dollar_quote)
{
    static const expected_statement expected[] = {
        {0, "SELECT a$b$", 1, 1, false},
    };
    check_split("SELECT a$b$; SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_semicolon_in_line_comment)
{
    static const expected_statement expected[] = {
        {0, "SELECT 1 -- not; a separator\n, 2", 1, 1, false},
    };
    check_split("SELECT 1 -- not; a separator\n, 2;", 1, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_semicolon_in_nested_block_comment)
{
    static const expected_statement expected[] = {
        {0, "SELECT /* a /* b; */ c; */ 1", 1, 1, false},
    };
    check_split("SELECT /* a /* b; */ c; */ 1; SELECT 2", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_unterminated_string_reports_where_it_opened)
{
    check_split_fails("SELECT 1;\n  SELECT 'abc;\nmore", 2, 10, "unterminated quoted string");
}
END_TEST

START_TEST(test_unterminated_e_string_ending_in_backslash)
{
    check_split_fails("SELECT E'abc\\", 1, 8, "unterminated quoted string");
}
END_TEST

START_TEST(test_unterminated_quoted_identifier_reports_where_it_opened)
{
    check_split_fails("\n\nSELECT x, \"abc;", 3, 11, "unterminated quoted identifier");
}
END_TEST

START_TEST(test_unterminated_dollar_quote_reports_where_it_opened)
{
    check_split_fails("SELECT 1;\nSELECT $tag$ body $tagx$;\n", 2, 8,
                      "unterminated dollar-quoted string");
}
END_TEST

START_TEST(test_unterminated_nested_comment_reports_outer_opening)
{
    check_split_fails("SELECT 1;\n/* outer /* inner */\n still open", 2, 1,
                      "unterminated /* comment");
}
END_TEST

void sqlsplit_add_quoting_tests(TCase *split)
{
    tcase_add_test(split, test_semicolon_in_single_quoted_string_with_doubled_quote);
    tcase_add_test(split, test_backslash_in_standard_string_is_literal);
    tcase_add_test(split, test_e_string_backslash_escapes_quote);
    tcase_add_test(split, test_word_ending_in_e_does_not_start_e_string);
    tcase_add_test(split, test_semicolon_in_quoted_identifier_with_doubled_quote);
    tcase_add_test(split, test_semicolon_in_empty_tag_dollar_quote);
    tcase_add_test(split, test_tagged_dollar_quote_contains_other_dollar_quotes);
    tcase_add_test(split, test_positional_parameter_is_not_a_dollar_quote);
    tcase_add_test(split, test_dollar_inside_identifier_is_not_a_dollar_quote);
    tcase_add_test(split, test_semicolon_in_line_comment);
    tcase_add_test(split, test_semicolon_in_nested_block_comment);
    tcase_add_test(split, test_unterminated_string_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_e_string_ending_in_backslash);
    tcase_add_test(split, test_unterminated_quoted_identifier_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_dollar_quote_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_nested_comment_reports_outer_opening);
}
