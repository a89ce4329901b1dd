/*
 * test_ddl.h — what the test_ddl*.c files share: loading and analysing schema files or text
 * that must succeed, the asserts on statements and columns, and one TCase per group of cases
 * (test_ddl.c holds the helpers and main()). Not to be confused with test_ddl_elements.c,
 * test_ddl_select.c and test_ddl_phase.c, programs of their own.
 */
#ifndef FOSTER_TEST_DDL_H
#define FOSTER_TEST_DDL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"

#define LENGTH(array) (sizeof(array) / sizeof((array)[0]))

typedef struct expected_statement {
    int line;
    ddl_kind kind;
    const char *table;         /* NULL when none */
    const char *references[3]; /* NULL-terminated */
} expected_statement;

/* $FOSTER_TEST_DATA/RELATIVE; the caller frees. */
char *data_path(const char *relative);

/* Loads tests/data/ddl/<name>, expecting success without diags. */
void load_ok(const char *name, ddl_file *file);

/* Splits and analyses `text` as "t.sql"; returns ddl_analyze's result. */
int analyze_text(const char *text, ddl_file *file, diag_list *diags);

/* Splits and analyses `text`, expecting success without diags. */
void analyze_ok(const char *text, ddl_file *file);

/* `file` has exactly `count` statements, each as `expected` says. */
void check_statements(const ddl_file *file, const expected_statement *expected, size_t count);

void check_column(const ddl_table *table, size_t index, const char *name, const char *type,
                  bool not_null, bool has_default, bool auto_increment, int line);

/* The table of `file` named `name`; fails the test if none. */
const ddl_table *table_named(const ddl_file *file, const char *name);

/* The groups of cases, in the order main() runs them. */
TCase *ddl_normalize_tcase(void); /* test_ddl_normalize.c */
TCase *ddl_pgdump_tcase(void);    /* test_ddl_pgdump.c */
TCase *ddl_inline_tcase(void);    /* test_ddl_inline.c */
TCase *ddl_errors_tcase(void);    /* test_ddl_errors.c */

#endif
