/*
 * test_translate_sqlite.c — PostgreSQL DDL to SQLite DDL: the shared helpers and main().
 *
 * The inputs under tests/data/translate/ are real `pg_dump --schema-only -t`
 * output of PostgreSQL 15 (with its \restrict lines), plus hand-written files
 * for the forms pg_dump does not write and for each error. Every translation
 * that should succeed is also run in an in-memory SQLite database, and what
 * SQLite then does (assigning ids, enforcing keys and checks) is asserted.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_translate_sqlite.h"

static void load(translation *t, const char *name)
{
    const char *root = getenv("FOSTER_TEST_DATA");
    ck_assert_msg(root != NULL, "FOSTER_TEST_DATA is not set");
    ck_assert_uint_lt(t->file_count, MAX_FILES);
    char path[4096], display[256];
    snprintf(path, sizeof path, "%s/translate/%s", root, name);
    snprintf(display, sizeof display, "schemas/%s", name);
    int rc = ddl_load_file(path, display, &t->files[t->file_count], &t->diags);
    ck_assert_msg(rc == 0, "loading %s failed: %s", name,
                  t->diags.count ? t->diags.items[0].message : "(no diag)");
    t->file_count++;
}

void translate_files(translation *t, const char *first, ...)
{
    va_list args;
    va_start(args, first);
    for (const char *name = first; name; name = va_arg(args, const char *))
        load(t, name);
    va_end(args);
    const ddl_file *files[MAX_FILES];
    for (size_t i = 0; i < t->file_count; i++)
        files[i] = &t->files[i];
    t->rc = translate_sqlite(files, t->file_count, &t->script, &t->notes, &t->diags);
}

void translation_free(translation *t)
{
    if (t->db)
        sqlite3_close(t->db);
    sqlite_script_free(&t->script);
    diag_list_clear(&t->diags);
    translate_notes_clear(&t->notes);
    for (size_t i = 0; i < t->file_count; i++)
        ddl_file_free(&t->files[i]);
}

const sqlite_statement *statement(const translation *t, const char *prefix)
{
    for (size_t i = 0; i < t->script.count; i++)
        if (strncmp(t->script.items[i].sql, prefix, strlen(prefix)) == 0)
            return &t->script.items[i];
    ck_abort_msg("no statement starts with \"%s\"", prefix);
    return NULL;
}

void assert_contains(const char *sql, const char *needle)
{
    ck_assert_msg(strstr(sql, needle) != NULL, "expected \"%s\" in:\n%s", needle, sql);
}

void assert_lacks(const char *sql, const char *needle)
{
    ck_assert_msg(strstr(sql, needle) == NULL, "did not expect \"%s\" in:\n%s", needle, sql);
}

void exec_ok(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
    ck_assert_msg(rc == SQLITE_OK, "SQLite refused %s: %s", sql, error ? error : "?");
    sqlite3_free(error);
}

int exec_rc(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
    sqlite3_free(error);
    return rc;
}

sqlite3 *run_in_sqlite(translation *t)
{
    ck_assert_int_eq(sqlite3_open(":memory:", &t->db), SQLITE_OK);
    exec_ok(t->db, "PRAGMA foreign_keys = ON");
    for (size_t i = 0; i < t->script.count; i++)
        exec_ok(t->db, t->script.items[i].sql);
    return t->db;
}

/* The first column of the first row of `sql`, as text ("NULL" for NULL). */
static void query(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s returned no row", sql);
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    snprintf(out, size, "%s", text ? (const char *)text : "NULL");
    sqlite3_finalize(stmt);
}

void assert_query(sqlite3 *db, const char *sql, const char *expected)
{
    char text[512];
    query(db, sql, text, sizeof text);
    ck_assert_msg(strcmp(text, expected) == 0, "%s gave \"%s\", expected \"%s\"", sql, text,
                  expected);
}

void assert_diag(const diag *d, const char *file, int line, int column, const char *message)
{
    ck_assert_str_eq(d->file, file);
    ck_assert_int_eq(d->line, line);
    ck_assert_int_eq(d->column, column);
    ck_assert_str_eq(d->message, message);
}

void assert_failed(const translation *t, size_t count)
{
    ck_assert_int_eq(t->rc, -1);
    ck_assert_uint_eq(t->script.count, 0);
    ck_assert_ptr_null(t->script.items);
    ck_assert_uint_eq(t->diags.count, count);
}

void assert_failed_with(const translation *t, const char *file, int line, int column,
                        const char *message)
{
    assert_failed(t, 1);
    assert_diag(&t->diags.items[0], file, line, column, message);
}

void assert_table_case(const table_case *c)
{
    translation t = {0};
    TRANSLATE_OK(&t, c->files[0], c->files[1], c->files[2]);
    const char *sql = statement(&t, c->statement)->sql;
    for (size_t i = 0; i < sizeof c->holds / sizeof c->holds[0] && c->holds[i]; i++)
        assert_contains(sql, c->holds[i]);
    if (c->insert) {
        sqlite3 *db = run_in_sqlite(&t);
        exec_ok(db, c->insert);
        assert_query(db, c->query, c->expected);
    }
    translation_free(&t);
}

static Suite *translate_sqlite_suite(void)
{
    Suite *suite = suite_create("translate_sqlite");
    suite_add_tcase(suite, translate_sqlite_tables_tcase());
    suite_add_tcase(suite, translate_sqlite_defaults_tcase());
    suite_add_tcase(suite, translate_sqlite_dates_tcase());
    suite_add_tcase(suite, translate_sqlite_constraints_tcase());
    suite_add_tcase(suite, translate_sqlite_names_tcase());
    suite_add_tcase(suite, translate_sqlite_indexes_tcase());
    suite_add_tcase(suite, translate_sqlite_skipped_tcase());
    suite_add_tcase(suite, translate_sqlite_errors_tcase());
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(translate_sqlite_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
