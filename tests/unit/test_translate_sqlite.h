/*
 * test_translate_sqlite.h — what the test_translate_sqlite*.c files share: a translation
 * of schema files under tests/data/translate/, the asserts on its statements and
 * problems, running it in an in-memory SQLite database, and one TCase per group of cases
 * (test_translate_sqlite.c holds the helpers and main()).
 */
#ifndef FOSTER_TEST_TRANSLATE_SQLITE_H
#define FOSTER_TEST_TRANSLATE_SQLITE_H

#include <check.h>
#include <sqlite3.h>
#include <stddef.h>

#include "ddl.h"
#include "translate_sqlite.h"

#define MAX_FILES 8

typedef struct translation {
    ddl_file files[MAX_FILES];
    size_t file_count;
    sqlite_script script;
    diag_list diags;
    translate_notes notes; /* what SQLite leaves out: not errors */
    int rc;
    sqlite3 *db;
} translation;

/* Loads the files named (a NULL-terminated list) and translates them. */
void translate_files(translation *t, const char *first, ...);

#define TRANSLATE(t, ...) translate_files((t), __VA_ARGS__, (const char *)NULL)

/* Translates and asserts that it worked, showing the first problem if not. */
#define TRANSLATE_OK(t, ...)                                                                       \
    do {                                                                                           \
        TRANSLATE((t), __VA_ARGS__);                                                               \
        ck_assert_msg((t)->rc == 0 && (t)->diags.count == 0, "translation failed: %s",             \
                      (t)->diags.count ? (t)->diags.items[0].message : "(no diag)");               \
    } while (0)

void translation_free(translation *t);

/* The statement whose SQL starts with `prefix`; fails the test if none. */
const sqlite_statement *statement(const translation *t, const char *prefix);

void assert_contains(const char *sql, const char *needle);
void assert_lacks(const char *sql, const char *needle);

/* Runs `sql`; fails the test if SQLite refuses it. */
void exec_ok(sqlite3 *db, const char *sql);

/* The SQLite result code of running `sql` (errors expected by the test). */
int exec_rc(sqlite3 *db, const char *sql);

/* Runs every translated statement in a new in-memory database (foreign
 * keys on); fails the test on the first statement SQLite refuses. */
sqlite3 *run_in_sqlite(translation *t);

/* The first column of the first row of `sql`, as text ("NULL" for NULL), is `expected`. */
void assert_query(sqlite3 *db, const char *sql, const char *expected);

void assert_diag(const diag *d, const char *file, int line, int column, const char *message);

/* A failed translation leaves `out` empty and reports exactly `count` problems. */
void assert_failed(const translation *t, size_t count);

/* A failed translation that reports exactly one problem, this one. */
void assert_failed_with(const translation *t, const char *file, int line, int column,
                        const char *message);

/* A table as translated from `files` and, when `insert` is not NULL, what SQLite then makes of
 * a row: the statement starting with `statement` holds each of `holds`; after the script and
 * `insert` run in SQLite, `query` gives `expected`. */
typedef struct table_case {
    const char *files[3]; /* under tests/data/translate; NULL after the last */
    const char *statement;
    const char *holds[4]; /* NULL after the last */
    const char *insert;
    const char *query;
    const char *expected;
} table_case;

void assert_table_case(const table_case *c);

/* The groups of cases, in the order main() runs them. */
TCase *translate_sqlite_tables_tcase(void);      /* test_translate_sqlite_tables.c */
TCase *translate_sqlite_names_tcase(void);       /* test_translate_sqlite_tables.c */
TCase *translate_sqlite_defaults_tcase(void);    /* test_translate_sqlite_defaults.c */
TCase *translate_sqlite_dates_tcase(void);       /* test_translate_sqlite_dates.c */
TCase *translate_sqlite_constraints_tcase(void); /* test_translate_sqlite_constraints.c */
TCase *translate_sqlite_indexes_tcase(void);     /* test_translate_sqlite_indexes.c */
TCase *translate_sqlite_skipped_tcase(void);     /* test_translate_sqlite_indexes.c */
TCase *translate_sqlite_errors_tcase(void);      /* test_translate_sqlite_errors.c */

#endif
