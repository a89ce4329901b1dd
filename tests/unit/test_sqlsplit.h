/*
 * test_sqlsplit.h — what the test_sqlsplit*.c files share: splitting text that must split,
 * the asserts on the statements it gives, and the pieces of the Check suite
 * (test_sqlsplit.c holds the helpers and main()).
 */
#ifndef FOSTER_TEST_SQLSPLIT_H
#define FOSTER_TEST_SQLSPLIT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "sqlsplit.h"

#define LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* Splits `text` as "test.sql", expecting success and no diags. */
void split_ok(const char *text, sql_script *script);

/* Statement `index` of `script` has this text, line, column and is (or is not) a meta-command. */
void check_statement(const sql_script *script, size_t index, const char *text, int line, int column,
                     bool is_meta);

/* One statement expected of a split: its index in the script, text, line, column, is_meta. */
typedef struct expected_statement {
    size_t index;
    const char *text;
    int line;
    int column;
    bool is_meta;
} expected_statement;

/* Splits `text`, expecting success, `count` statements, and each of `expected`. */
void check_split(const char *text, size_t count, const expected_statement *expected,
                 size_t expected_count);

/* The cases of TCase "split", in two files. */
void sqlsplit_add_statement_tests(TCase *split); /* test_sqlsplit_statements.c */
void sqlsplit_add_quoting_tests(TCase *split);   /* test_sqlsplit_quoting.c */

TCase *sqlsplit_tokenize_tcase(void); /* test_sqlsplit_tokenize.c */
TCase *sqlsplit_scope_tcase(void);    /* test_sqlsplit_scope.c */

#endif
