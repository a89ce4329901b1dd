/*
 * test_sqlsplit_tokenize.c — sql_tokenize: the kind, text, line and column of each token of
 * a statement; sql_token_is and sql_token_identifier.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_sqlsplit.h"

/* Tokenizes `statement`, expecting success and no diags. */
static void tokenize_ok(const sql_statement *statement, sql_tokens *tokens)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_tokenize(statement, "test.sql", tokens, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
}

static void check_token(const sql_tokens *tokens, size_t index, sql_token_kind kind,
                        const char *text, int line, int column)
{
    ck_assert_uint_lt(index, tokens->count);
    const sql_token *t = &tokens->items[index];
    ck_assert_msg(t->length == strlen(text) && strncmp(t->start, text, t->length) == 0,
                  "token %zu is \"%.*s\", expected \"%s\"", index, (int)t->length, t->start, text);
    ck_assert_int_eq(t->kind, kind);
    ck_assert_int_eq(t->line, line);
    ck_assert_int_eq(t->column, column);
}

/* One token expected of a statement: its index among the tokens, kind, text and position. */
typedef struct expected_token {
    size_t index;
    sql_token_kind kind;
    const char *text;
    int line;
    int column;
} expected_token;

/* Tokenizes `statement`, expecting success, `count` tokens, and each of `expected`. */
static void check_tokens(const sql_statement *statement, size_t count,
                         const expected_token *expected, size_t expected_count)
{
    sql_tokens tokens = {0};
    tokenize_ok(statement, &tokens);
    ck_assert_uint_eq(tokens.count, count);
    for (size_t i = 0; i < expected_count; i++)
        check_token(&tokens, expected[i].index, expected[i].kind, expected[i].text,
                    expected[i].line, expected[i].column);
    sql_tokens_free(&tokens);
}

/* ---- tokenizing ---- */

START_TEST(test_tokenize_cast_to_character_varying)
{
    sql_statement statement = {"DEFAULT 'a'::character varying", 7, 5, false};
    static const expected_token expected[] = {
        {0, SQL_TOKEN_WORD, "DEFAULT", 7, 5},  {1, SQL_TOKEN_STRING, "'a'", 7, 13},
        {2, SQL_TOKEN_OPERATOR, "::", 7, 16},  {3, SQL_TOKEN_WORD, "character", 7, 18},
        {4, SQL_TOKEN_WORD, "varying", 7, 28},
    };
    check_tokens(&statement, 5, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_positions_are_file_relative_across_lines)
{
    sql_statement statement = {"CREATE TABLE t (\n    id integer -- pk\n)", 10, 1, false};
    static const expected_token expected[] = {
        {3, SQL_TOKEN_PUNCT, "(", 10, 16},
        {4, SQL_TOKEN_WORD, "id", 11, 5},
        {5, SQL_TOKEN_WORD, "integer", 11, 8},
        {6, SQL_TOKEN_PUNCT, ")", 12, 1},
    };
    check_tokens(&statement, 7, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_closing_paren_after_comment_line)
{
    sql_statement statement = {"f(a /* x\ny */, \"B\")", 1, 1, false};
    static const expected_token expected[] = {
        {3, SQL_TOKEN_PUNCT, ",", 2, 5},
        {4, SQL_TOKEN_QUOTED_ID, "\"B\"", 2, 7},
        {5, SQL_TOKEN_PUNCT, ")", 2, 10},
    };
    check_tokens(&statement, 6, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_prefixed_and_dollar_strings)
{
    sql_statement statement = {"E'a\\'b' B'101' X'ff' U&'d\\0061' $q$x'y$q$ n'z'", 1, 1, false};
    static const expected_token expected[] = {
        {0, SQL_TOKEN_STRING, "E'a\\'b'", 1, 1},   {1, SQL_TOKEN_STRING, "B'101'", 1, 9},
        {2, SQL_TOKEN_STRING, "X'ff'", 1, 16},     {3, SQL_TOKEN_STRING, "U&'d\\0061'", 1, 22},
        {4, SQL_TOKEN_STRING, "$q$x'y$q$", 1, 33}, {5, SQL_TOKEN_STRING, "n'z'", 1, 43},
    };
    check_tokens(&statement, 6, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_numbers)
{
    sql_statement statement = {"42 3.14 .5 1e10 2.5E-3 7.", 1, 1, false};
    static const expected_token expected[] = {
        {0, SQL_TOKEN_NUMBER, "42", 1, 1},      {1, SQL_TOKEN_NUMBER, "3.14", 1, 4},
        {2, SQL_TOKEN_NUMBER, ".5", 1, 9},      {3, SQL_TOKEN_NUMBER, "1e10", 1, 12},
        {4, SQL_TOKEN_NUMBER, "2.5E-3", 1, 17}, {5, SQL_TOKEN_NUMBER, "7.", 1, 24},
    };
    check_tokens(&statement, 6, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_punctuation_and_qualified_names)
{
    sql_statement statement = {"public.t[1],(x);", 1, 1, false};
    static const expected_token expected[] = {
        {0, SQL_TOKEN_WORD, "public", 1, 1}, {1, SQL_TOKEN_PUNCT, ".", 1, 7},
        {2, SQL_TOKEN_WORD, "t", 1, 8},      {3, SQL_TOKEN_PUNCT, "[", 1, 9},
        {4, SQL_TOKEN_NUMBER, "1", 1, 10},   {5, SQL_TOKEN_PUNCT, "]", 1, 11},
        {6, SQL_TOKEN_PUNCT, ",", 1, 12},    {7, SQL_TOKEN_PUNCT, "(", 1, 13},
        {10, SQL_TOKEN_PUNCT, ";", 1, 16},
    };
    check_tokens(&statement, 11, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_operators_are_maximal_runs)
{
    sql_statement statement = {"a<>b||c>=-1", 1, 1, false};
    static const expected_token expected[] = {
        {1, SQL_TOKEN_OPERATOR, "<>", 1, 2},
        {3, SQL_TOKEN_OPERATOR, "||", 1, 5},
        {5, SQL_TOKEN_OPERATOR, ">=-", 1, 8},
        {6, SQL_TOKEN_NUMBER, "1", 1, 11},
    };
    check_tokens(&statement, 7, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_operator_stops_before_comment)
{
    sql_statement statement = {"a +-- comment\n b */* c */ d", 1, 1, false};
    static const expected_token expected[] = {
        {1, SQL_TOKEN_OPERATOR, "+", 1, 3},
        {2, SQL_TOKEN_WORD, "b", 2, 2},
        {3, SQL_TOKEN_OPERATOR, "*", 2, 4},
        {4, SQL_TOKEN_WORD, "d", 2, 13},
    };
    check_tokens(&statement, 5, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_words_keep_digits_underscores_and_dollars)
{
    sql_statement statement = {"x_1$y $1 _z", 1, 1, false};
    static const expected_token expected[] = {
        {0, SQL_TOKEN_WORD, "x_1$y", 1, 1},
        {1, SQL_TOKEN_PARAMETER, "$1", 1, 7},
        {2, SQL_TOKEN_WORD, "_z", 1, 10},
    };
    check_tokens(&statement, 3, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_tokenize_meta_command_gives_its_words)
{
    sql_statement statement = {"\\restrict abc123", 4, 1, true};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 2);
    check_token(&tokens, 0, SQL_TOKEN_WORD, "\\restrict", 4, 1);
    check_token(&tokens, 1, SQL_TOKEN_WORD, "abc123", 4, 11);
    ck_assert(sql_token_is(&tokens.items[0], "\\RESTRICT"));
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_unterminated_string_reports_file_position)
{
    sql_statement statement = {"SELECT\n  'abc", 5, 3, false};
    sql_tokens tokens = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_tokenize(&statement, "f.sql", &tokens, &diags), -1);
    ck_assert_uint_eq(tokens.count, 0);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "f.sql");
    ck_assert_int_eq(diags.items[0].line, 6);
    ck_assert_int_eq(diags.items[0].column, 3);
    ck_assert_str_eq(diags.items[0].message, "unterminated quoted string");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_token_is_ignores_case_and_only_matches_words)
{
    sql_statement statement = {"Create \"create\" createx", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 3);
    ck_assert(sql_token_is(&tokens.items[0], "CREATE"));
    ck_assert(!sql_token_is(&tokens.items[1], "create"));
    ck_assert(!sql_token_is(&tokens.items[2], "create"));
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_token_identifier_folds_and_unquotes)
{
    sql_statement statement = {"MixedCase \"Mixed\"\"Quote\" U&\"x\" 'str'", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 4);
    char *bare = sql_token_identifier(&tokens.items[0]);
    char *quoted = sql_token_identifier(&tokens.items[1]);
    char *unicode = sql_token_identifier(&tokens.items[2]);
    ck_assert_str_eq(bare, "mixedcase");
    ck_assert_str_eq(quoted, "Mixed\"Quote");
    ck_assert_str_eq(unicode, "x");
    ck_assert_ptr_null(sql_token_identifier(&tokens.items[3]));
    free(bare);
    free(quoted);
    free(unicode);
    sql_tokens_free(&tokens);
}
END_TEST

TCase *sqlsplit_tokenize_tcase(void)
{
    TCase *tokenize = tcase_create("tokenize");
    tcase_add_test(tokenize, test_tokenize_cast_to_character_varying);
    tcase_add_test(tokenize, test_tokenize_positions_are_file_relative_across_lines);
    tcase_add_test(tokenize, test_tokenize_closing_paren_after_comment_line);
    tcase_add_test(tokenize, test_tokenize_prefixed_and_dollar_strings);
    tcase_add_test(tokenize, test_tokenize_numbers);
    tcase_add_test(tokenize, test_tokenize_punctuation_and_qualified_names);
    tcase_add_test(tokenize, test_tokenize_operators_are_maximal_runs);
    tcase_add_test(tokenize, test_tokenize_operator_stops_before_comment);
    tcase_add_test(tokenize, test_tokenize_words_keep_digits_underscores_and_dollars);
    tcase_add_test(tokenize, test_tokenize_meta_command_gives_its_words);
    tcase_add_test(tokenize, test_tokenize_unterminated_string_reports_file_position);
    tcase_add_test(tokenize, test_token_is_ignores_case_and_only_matches_words);
    tcase_add_test(tokenize, test_token_identifier_folds_and_unquotes);
    return tokenize;
}
