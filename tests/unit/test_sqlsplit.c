/*
 * test_sqlsplit.c — specification of sql_split and sql_tokenize (src/sql/sqlsplit.h): the
 * shared helpers and main(). The cases are in test_sqlsplit_statements.c, _quoting.c,
 * _tokenize.c and _scope.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_sqlsplit.h"

void split_ok(const char *text, sql_script *script)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = sql_split(text, strlen(text), "test.sql", script, &diags);
    ck_assert_msg(rc == 0, "sql_split failed: %s", diags.count ? diags.items[0].message : "");
    ck_assert_uint_eq(diags.count, 0);
    diag_list_clear(&diags);
}

void check_statement(const sql_script *script, size_t index, const char *text, int line, int column,
                     bool is_meta)
{
    ck_assert_uint_lt(index, script->count);
    const sql_statement *s = &script->items[index];
    ck_assert_str_eq(s->text, text);
    ck_assert_int_eq(s->line, line);
    ck_assert_int_eq(s->column, column);
    ck_assert_int_eq(s->is_meta, is_meta);
}

void check_split(const char *text, size_t count, const expected_statement *expected,
                 size_t expected_count)
{
    sql_script script = {0};
    split_ok(text, &script);
    ck_assert_uint_eq(script.count, count);
    for (size_t i = 0; i < expected_count; i++)
        check_statement(&script, expected[i].index, expected[i].text, expected[i].line,
                        expected[i].column, expected[i].is_meta);
    sql_script_free(&script);
}

static Suite *sqlsplit_suite(void)
{
    Suite *suite = suite_create("sqlsplit");
    TCase *split = tcase_create("split");
    sqlsplit_add_statement_tests(split);
    sqlsplit_add_quoting_tests(split);
    suite_add_tcase(suite, split);
    suite_add_tcase(suite, sqlsplit_tokenize_tcase());
    suite_add_tcase(suite, sqlsplit_scope_tcase());
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
