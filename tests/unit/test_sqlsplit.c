/* test_sqlsplit.c — specification of sql_split and sql_tokenize (src/sql/sqlsplit.h). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlsplit.h"
#include "test_data.h"

/* Splits `text`, expecting success and no diags. */
static void split_ok(const char *text, sql_script *script)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = sql_split(text, strlen(text), "test.sql", script, &diags);
    ck_assert_msg(rc == 0, "sql_split failed: %s", diags.count ? diags.items[0].message : "");
    ck_assert_uint_eq(diags.count, 0);
    diag_list_clear(&diags);
}

static void check_statement(const sql_script *script, size_t index, const char *text, int line,
                            int column, bool is_meta)
{
    ck_assert_uint_lt(index, script->count);
    const sql_statement *s = &script->items[index];
    ck_assert_str_eq(s->text, text);
    ck_assert_int_eq(s->line, line);
    ck_assert_int_eq(s->column, column);
    ck_assert_int_eq(s->is_meta, is_meta);
}

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

static char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

/* Tokenizes a statement made from `text` at line 1, column 1. */
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

/* ---- splitting ---- */

START_TEST(test_semicolon_ends_statement_and_is_not_kept)
{
    sql_script script = {0};
    split_ok("SELECT 1;\nSELECT 2;\n", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT 1", 1, 1, false);
    check_statement(&script, 1, "SELECT 2", 2, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_second_statement_on_a_line_has_its_column)
{
    sql_script script = {0};
    split_ok("SELECT 1;  SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "SELECT 2", 1, 12, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_statement_text_is_trimmed)
{
    sql_script script = {0};
    split_ok("  \n\t CREATE TABLE t (\n  a int\n)  \n ;  \n", &script);
    ck_assert_uint_eq(script.count, 1);
    check_statement(&script, 0, "CREATE TABLE t (\n  a int\n)", 2, 3, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_in_single_quoted_string_with_doubled_quote)
{
    sql_script script = {0};
    split_ok("SELECT 'a;b', 'it''s;'; SELECT 3", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT 'a;b', 'it''s;'", 1, 1, false);
    check_statement(&script, 1, "SELECT 3", 1, 25, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_backslash_in_standard_string_is_literal)
{
    /* standard_conforming_strings: 'a\' is a whole string, so the ';' after it splits */
    sql_script script = {0};
    split_ok("SELECT 'a\\'; SELECT 'b'", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT 'a\\'", 1, 1, false);
    check_statement(&script, 1, "SELECT 'b'", 1, 14, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_e_string_backslash_escapes_quote)
{
    sql_script script = {0};
    split_ok("SELECT E'it\\'s; x'; SELECT e'\\\\'; SELECT 1", &script);
    ck_assert_uint_eq(script.count, 3);
    check_statement(&script, 0, "SELECT E'it\\'s; x'", 1, 1, false);
    check_statement(&script, 1, "SELECT e'\\\\'", 1, 21, false);
    check_statement(&script, 2, "SELECT 1", 1, 35, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_word_ending_in_e_does_not_start_e_string)
{
    /* "some'..." is the word some and a standard string, where \ is literal */
    sql_script script = {0};
    split_ok("SELECT some'x\\'; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT some'x\\'", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_in_quoted_identifier_with_doubled_quote)
{
    sql_script script = {0};
    split_ok("SELECT \"semi;colon\", \"say \"\"hi\"\";\"; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT \"semi;colon\", \"say \"\"hi\"\";\"", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_in_empty_tag_dollar_quote)
{
    sql_script script = {0};
    split_ok("SELECT $$a; 'b$$; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT $$a; 'b$$", 1, 1, false);
    check_statement(&script, 1, "SELECT 2", 1, 19, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_tagged_dollar_quote_contains_other_dollar_quotes)
{
    sql_script script = {0};
    split_ok("CREATE FUNCTION f() RETURNS int AS $fn$\nSELECT $$x;$$;\n$fn$ LANGUAGE sql;\n"
             "SELECT 2;",
             &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0,
                    "CREATE FUNCTION f() RETURNS int AS $fn$\nSELECT $$x;$$;\n$fn$ LANGUAGE sql", 1,
                    1, false);
    check_statement(&script, 1, "SELECT 2", 4, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_positional_parameter_is_not_a_dollar_quote)
{
    sql_script script = {0};
    split_ok("SELECT $1; SELECT $2$", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT $1", 1, 1, false);
    check_statement(&script, 1, "SELECT $2$", 1, 12, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_dollar_inside_identifier_is_not_a_dollar_quote)
{
    sql_script script = {0};
    split_ok("SELECT a$b$; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT a$b$", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_in_line_comment)
{
    sql_script script = {0};
    split_ok("SELECT 1 -- not; a separator\n, 2;", &script);
    ck_assert_uint_eq(script.count, 1);
    check_statement(&script, 0, "SELECT 1 -- not; a separator\n, 2", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_in_nested_block_comment)
{
    sql_script script = {0};
    split_ok("SELECT /* a /* b; */ c; */ 1; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT /* a /* b; */ c; */ 1", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_trailing_comment_before_semicolon_is_not_in_text)
{
    sql_script script = {0};
    split_ok("SELECT 1 -- one\n;", &script);
    ck_assert_uint_eq(script.count, 1);
    check_statement(&script, 0, "SELECT 1", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_statement_line_skips_leading_comment_block)
{
    sql_script script = {0};
    split_ok("SET x = 1;\n\n--\n-- Name: foo; Type: TABLE; Schema: public\n--\n\n"
             "/* more; */\nCREATE TABLE foo (a int);\n",
             &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "CREATE TABLE foo (a int)", 8, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_line_numbers_count_lines_inside_multiline_string)
{
    sql_script script = {0};
    split_ok("SELECT 'one\ntwo;\nthree';\n  SELECT 2;", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "SELECT 'one\ntwo;\nthree'", 1, 1, false);
    check_statement(&script, 1, "SELECT 2", 4, 3, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_comment_only_and_empty_statements_are_dropped)
{
    sql_script script = {0};
    split_ok(";; -- nothing\n/* nothing */ ;\n\n", &script);
    ck_assert_uint_eq(script.count, 0);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_last_statement_without_semicolon_is_kept)
{
    sql_script script = {0};
    split_ok("SELECT 1;\nSELECT 2\n-- the end\n", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "SELECT 2", 2, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_semicolon_inside_parentheses_does_not_end_statement)
{
    /* psql keeps CREATE RULE ... DO (stmt; stmt) together */
    sql_script script = {0};
    split_ok("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", 1,
                    1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_begin_atomic_function_body_is_one_statement)
{
    sql_script script = {0};
    split_ok("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
             "  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;\nBEGIN;\nCOMMIT;",
             &script);
    ck_assert_uint_eq(script.count, 3);
    check_statement(&script, 0,
                    "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
                    "  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND",
                    1, 1, false);
    check_statement(&script, 1, "BEGIN", 6, 1, false);
    check_statement(&script, 2, "COMMIT", 7, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_sqlite_trigger_body_is_one_statement)
{
    /* a <table>.sqlite.sql file may hold SQLite triggers: BEGIN ...; ...; END */
    sql_script script = {0};
    split_ok("CREATE TEMP TRIGGER IF NOT EXISTS a AFTER INSERT ON t BEGIN\n"
             "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 1 END);\n"
             "  UPDATE n SET c = c + 1;\nEND;\n"
             "CREATE TABLE begin_end (x int);",
             &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0,
                    "CREATE TEMP TRIGGER IF NOT EXISTS a AFTER INSERT ON t BEGIN\n"
                    "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 1 END);\n"
                    "  UPDATE n SET c = c + 1;\nEND",
                    1, 1, false);
    check_statement(&script, 1, "CREATE TABLE begin_end (x int)", 5, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_begin_outside_a_routine_or_trigger_does_not_hold_semicolons)
{
    /* a trigger of PostgreSQL has no body; a table named like a keyword is no body either */
    sql_script script = {0};
    split_ok("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();\n"
             "CREATE TABLE x (begin int);\nSELECT 1;",
             &script);
    ck_assert_uint_eq(script.count, 3);
    check_statement(&script, 1, "CREATE TABLE x (begin int)", 2, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_meta_command_line_is_its_own_statement)
{
    sql_script script = {0};
    split_ok("\\restrict abc123\nSET x = 1;\n  \\unrestrict abc123  \n", &script);
    ck_assert_uint_eq(script.count, 3);
    check_statement(&script, 0, "\\restrict abc123", 1, 1, true);
    check_statement(&script, 1, "SET x = 1", 2, 1, false);
    check_statement(&script, 2, "\\unrestrict abc123", 3, 3, true);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_meta_command_ends_at_end_of_line_even_with_semicolon)
{
    sql_script script = {0};
    split_ok("\\set x 'a;b'\nSELECT 1;", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 0, "\\set x 'a;b'", 1, 1, true);
    check_statement(&script, 1, "SELECT 1", 2, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_backslash_at_line_start_inside_string_is_not_meta)
{
    sql_script script = {0};
    split_ok("SELECT 'a\n\\restrict x';", &script);
    ck_assert_uint_eq(script.count, 1);
    check_statement(&script, 0, "SELECT 'a\n\\restrict x'", 1, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_meta_command_ends_unterminated_statement_before_it)
{
    sql_script script = {0};
    split_ok("SELECT 1\n\\unrestrict k\nSELECT 2;", &script);
    ck_assert_uint_eq(script.count, 3);
    check_statement(&script, 0, "SELECT 1", 1, 1, false);
    check_statement(&script, 1, "\\unrestrict k", 2, 1, true);
    check_statement(&script, 2, "SELECT 2", 3, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_crlf_line_endings_count_lines)
{
    sql_script script = {0};
    split_ok("SELECT 1;\r\n\r\nSELECT 2;\r\n", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "SELECT 2", 3, 1, false);
    sql_script_free(&script);
}
END_TEST

START_TEST(test_columns_count_characters_not_bytes)
{
    sql_script script = {0};
    split_ok("SELECT 'é'; SELECT 2", &script);
    ck_assert_uint_eq(script.count, 2);
    check_statement(&script, 1, "SELECT 2", 1, 13, false);
    sql_script_free(&script);
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

/* ---- tokenizing ---- */

START_TEST(test_tokenize_cast_to_character_varying)
{
    sql_statement statement = {"DEFAULT 'a'::character varying", 7, 5, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 5);
    check_token(&tokens, 0, SQL_TOKEN_WORD, "DEFAULT", 7, 5);
    check_token(&tokens, 1, SQL_TOKEN_STRING, "'a'", 7, 13);
    check_token(&tokens, 2, SQL_TOKEN_OPERATOR, "::", 7, 16);
    check_token(&tokens, 3, SQL_TOKEN_WORD, "character", 7, 18);
    check_token(&tokens, 4, SQL_TOKEN_WORD, "varying", 7, 28);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_positions_are_file_relative_across_lines)
{
    sql_statement statement = {"CREATE TABLE t (\n    id integer -- pk\n)", 10, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 7);
    check_token(&tokens, 3, SQL_TOKEN_PUNCT, "(", 10, 16);
    check_token(&tokens, 4, SQL_TOKEN_WORD, "id", 11, 5);
    check_token(&tokens, 5, SQL_TOKEN_WORD, "integer", 11, 8);
    check_token(&tokens, 6, SQL_TOKEN_PUNCT, ")", 12, 1);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_closing_paren_after_comment_line)
{
    sql_statement statement = {"f(a /* x\ny */, \"B\")", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 6);
    check_token(&tokens, 3, SQL_TOKEN_PUNCT, ",", 2, 5);
    check_token(&tokens, 4, SQL_TOKEN_QUOTED_ID, "\"B\"", 2, 7);
    check_token(&tokens, 5, SQL_TOKEN_PUNCT, ")", 2, 10);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_prefixed_and_dollar_strings)
{
    sql_statement statement = {"E'a\\'b' B'101' X'ff' U&'d\\0061' $q$x'y$q$ n'z'", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 6);
    check_token(&tokens, 0, SQL_TOKEN_STRING, "E'a\\'b'", 1, 1);
    check_token(&tokens, 1, SQL_TOKEN_STRING, "B'101'", 1, 9);
    check_token(&tokens, 2, SQL_TOKEN_STRING, "X'ff'", 1, 16);
    check_token(&tokens, 3, SQL_TOKEN_STRING, "U&'d\\0061'", 1, 22);
    check_token(&tokens, 4, SQL_TOKEN_STRING, "$q$x'y$q$", 1, 33);
    check_token(&tokens, 5, SQL_TOKEN_STRING, "n'z'", 1, 43);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_numbers)
{
    sql_statement statement = {"42 3.14 .5 1e10 2.5E-3 7.", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 6);
    check_token(&tokens, 0, SQL_TOKEN_NUMBER, "42", 1, 1);
    check_token(&tokens, 1, SQL_TOKEN_NUMBER, "3.14", 1, 4);
    check_token(&tokens, 2, SQL_TOKEN_NUMBER, ".5", 1, 9);
    check_token(&tokens, 3, SQL_TOKEN_NUMBER, "1e10", 1, 12);
    check_token(&tokens, 4, SQL_TOKEN_NUMBER, "2.5E-3", 1, 17);
    check_token(&tokens, 5, SQL_TOKEN_NUMBER, "7.", 1, 24);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_punctuation_and_qualified_names)
{
    sql_statement statement = {"public.t[1],(x);", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 11);
    check_token(&tokens, 0, SQL_TOKEN_WORD, "public", 1, 1);
    check_token(&tokens, 1, SQL_TOKEN_PUNCT, ".", 1, 7);
    check_token(&tokens, 2, SQL_TOKEN_WORD, "t", 1, 8);
    check_token(&tokens, 3, SQL_TOKEN_PUNCT, "[", 1, 9);
    check_token(&tokens, 4, SQL_TOKEN_NUMBER, "1", 1, 10);
    check_token(&tokens, 5, SQL_TOKEN_PUNCT, "]", 1, 11);
    check_token(&tokens, 6, SQL_TOKEN_PUNCT, ",", 1, 12);
    check_token(&tokens, 7, SQL_TOKEN_PUNCT, "(", 1, 13);
    check_token(&tokens, 10, SQL_TOKEN_PUNCT, ";", 1, 16);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_operators_are_maximal_runs)
{
    sql_statement statement = {"a<>b||c>=-1", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 7);
    check_token(&tokens, 1, SQL_TOKEN_OPERATOR, "<>", 1, 2);
    check_token(&tokens, 3, SQL_TOKEN_OPERATOR, "||", 1, 5);
    check_token(&tokens, 5, SQL_TOKEN_OPERATOR, ">=-", 1, 8);
    check_token(&tokens, 6, SQL_TOKEN_NUMBER, "1", 1, 11);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_operator_stops_before_comment)
{
    sql_statement statement = {"a +-- comment\n b */* c */ d", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 5);
    check_token(&tokens, 1, SQL_TOKEN_OPERATOR, "+", 1, 3);
    check_token(&tokens, 2, SQL_TOKEN_WORD, "b", 2, 2);
    check_token(&tokens, 3, SQL_TOKEN_OPERATOR, "*", 2, 4);
    check_token(&tokens, 4, SQL_TOKEN_WORD, "d", 2, 13);
    sql_tokens_free(&tokens);
}
END_TEST

START_TEST(test_tokenize_words_keep_digits_underscores_and_dollars)
{
    sql_statement statement = {"x_1$y $1 _z", 1, 1, false};
    sql_tokens tokens = {0};
    tokenize_ok(&statement, &tokens);
    ck_assert_uint_eq(tokens.count, 3);
    check_token(&tokens, 0, SQL_TOKEN_WORD, "x_1$y", 1, 1);
    check_token(&tokens, 1, SQL_TOKEN_PARAMETER, "$1", 1, 7);
    check_token(&tokens, 2, SQL_TOKEN_WORD, "_z", 1, 10);
    sql_tokens_free(&tokens);
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

/* The diags sql_script_check_scope adds for `text`, as "line:column: message" lines. */
static char *scope_problems(const char *text)
{
    sql_script script = {0};
    split_ok(text, &script);
    diag_list diags = DIAG_LIST_INIT;
    int rc = sql_script_check_scope(&script, "f.sql", &diags);
    ck_assert_int_eq(rc, diags.count ? -1 : 0);
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < diags.count; i++) {
        ck_assert_str_eq(diags.items[i].file, "f.sql");
        snprintf(out + strlen(out), 4096 - strlen(out), "%d:%d: %s\n", diags.items[i].line,
                 diags.items[i].column, diags.items[i].message);
    }
    diag_list_clear(&diags);
    sql_script_free(&script);
    return out;
}

START_TEST(test_scope_refuses_every_transaction_control_statement)
{
    static const char *const statements[] = {
        "BEGIN",
        "begin work",
        "START TRANSACTION",
        "COMMIT",
        "commit and chain",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT s",
        "RELEASE SAVEPOINT s",
        "ROLLBACK TO s",
        "PREPARE TRANSACTION 'x'",
        "COMMIT PREPARED 'x'",
        "ROLLBACK PREPARED 'x'",
    };
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "INSERT INTO t VALUES (1);\n  %s;\n", statements[i]);
        char *problems = scope_problems(text);
        ck_assert_msg(strncmp(problems, "2:3: ", 5) == 0, "[%s]: %s", statements[i], problems);
        ck_assert_msg(strstr(problems, "would end or split foster's load transaction") != NULL,
                      "[%s]: %s", statements[i], problems);
        ck_assert_msg(strchr(problems, '\n') == problems + strlen(problems) - 1, "one diag: %s",
                      problems);
        free(problems);
    }
}
END_TEST

START_TEST(test_scope_refuses_other_databases_and_the_server)
{
    char *problems = scope_problems("DROP DATABASE prod;\ncreate database x;\nALTER DATABASE p "
                                    "RENAME TO q;\nVACUUM;\nATTACH DATABASE 'x' AS x;\n"
                                    "CHECKPOINT;\nALTER SYSTEM SET fsync = off;\n"
                                    "DROP TABLESPACE t;\nREINDEX DATABASE p;\n\\c prod\n"
                                    "\\connect other\n");
    ck_assert_str_eq(
        problems,
        "1:1: DROP DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "2:1: create database would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "3:1: ALTER DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "4:1: VACUUM would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "5:1: ATTACH DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "6:1: CHECKPOINT would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "7:1: ALTER SYSTEM would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "8:1: DROP TABLESPACE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "9:1: REINDEX DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "10:1: \\c prod would connect to another database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "11:1: \\connect other would connect to another database; schema files and fixtures "
        "may not control transactions or reach other databases\n");
    free(problems);
}
END_TEST

START_TEST(test_scope_accepts_the_words_as_data)
{
    char *problems = scope_problems(
        "-- COMMIT; DROP DATABASE prod;\n"
        "INSERT INTO t VALUES ('COMMIT; DROP DATABASE prod');\n"
        "/* ROLLBACK; */ SELECT 1 AS \"begin\";\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN COMMIT; RETURN 1; END $$;\n"
        "CREATE TABLE t2 (database text, commit int);\n"
        "PREPARE q AS SELECT 1;\n"
        "\\restrict abc\n"
        "CREATE DATABASE_LINK_NOT x;\n");
    ck_assert_str_eq(problems, "");
    free(problems);
}
END_TEST

static Suite *sqlsplit_suite(void)
{
    Suite *suite = suite_create("sqlsplit");
    TCase *split = tcase_create("split");
    tcase_add_test(split, test_semicolon_ends_statement_and_is_not_kept);
    tcase_add_test(split, test_second_statement_on_a_line_has_its_column);
    tcase_add_test(split, test_statement_text_is_trimmed);
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
    tcase_add_test(split, test_unterminated_string_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_e_string_ending_in_backslash);
    tcase_add_test(split, test_unterminated_quoted_identifier_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_dollar_quote_reports_where_it_opened);
    tcase_add_test(split, test_unterminated_nested_comment_reports_outer_opening);
    tcase_add_test(split, test_split_file_reads_every_quoting_construct);
    tcase_add_test(split, test_split_file_keeps_restrict_lines_as_meta);
    tcase_add_test(split, test_split_file_error_names_display_name);
    tcase_add_test(split, test_split_file_missing_file_is_an_error);
    suite_add_tcase(suite, split);

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
    suite_add_tcase(suite, tokenize);

    TCase *scope = tcase_create("scope");
    tcase_add_test(scope, test_scope_refuses_every_transaction_control_statement);
    tcase_add_test(scope, test_scope_refuses_other_databases_and_the_server);
    tcase_add_test(scope, test_scope_accepts_the_words_as_data);
    suite_add_tcase(suite, scope);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(sqlsplit_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
