/*
 * test_ddl.c — specification of ddl_analyze and friends (src/sql/ddl.h), mostly on real
 * `pg_dump --schema-only -t TABLE` output from PostgreSQL 15.20 (tests/data/ddl/pgdump_*.sql):
 * the shared helpers and main(). The cases are in test_ddl_normalize.c, _pgdump.c, _inline.c
 * and _errors.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_data.h"
#include "test_ddl.h"

char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

void load_ok(const char *name, ddl_file *file)
{
    char relative[256];
    snprintf(relative, sizeof relative, "ddl/%s", name);
    char *path = data_path(relative);
    diag_list diags = DIAG_LIST_INIT;
    int rc = ddl_load_file(path, relative, file, &diags);
    ck_assert_msg(rc == 0, "%s: %s", name, diags.count ? diags.items[0].message : "rc -1");
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_str_eq(file->display_name, relative);
    free(path);
}

int analyze_text(const char *text, ddl_file *file, diag_list *diags)
{
    sql_script script = {0};
    ck_assert_int_eq(sql_split(text, strlen(text), "t.sql", &script, diags), 0);
    return ddl_analyze(&script, "t.sql", file, diags);
}

void analyze_ok(const char *text, ddl_file *file)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = analyze_text(text, file, &diags);
    ck_assert_msg(rc == 0, "ddl_analyze failed: %s", diags.count ? diags.items[0].message : "");
    ck_assert_uint_eq(diags.count, 0);
}

static void check_statement(const ddl_file *file, size_t index, const expected_statement *e)
{
    ck_assert_uint_lt(index, file->statement_count);
    const ddl_statement *st = &file->statements[index];
    ck_assert_msg(st->source->line == e->line, "statement %zu is on line %d, expected %d", index,
                  st->source->line, e->line);
    ck_assert_msg(st->kind == e->kind, "line %d: kind %d, expected %d", e->line, st->kind, e->kind);
    if (e->table)
        ck_assert_str_eq(st->table, e->table);
    else
        ck_assert_msg(st->table == NULL, "line %d: table %s, expected none", e->line, st->table);
    size_t count = 0;
    while (count < LENGTH(e->references) && e->references[count])
        count++;
    ck_assert_msg(st->reference_count == count, "line %d: %zu references, expected %zu", e->line,
                  st->reference_count, count);
    for (size_t i = 0; i < count; i++)
        ck_assert_str_eq(st->references[i], e->references[i]);
}

void check_statements(const ddl_file *file, const expected_statement *expected, size_t count)
{
    ck_assert_uint_eq(file->statement_count, count);
    for (size_t i = 0; i < count; i++)
        check_statement(file, i, &expected[i]);
}

void check_column(const ddl_table *table, size_t index, const char *name, const char *type,
                  bool not_null, bool has_default, bool auto_increment, int line)
{
    ck_assert_uint_lt(index, table->column_count);
    const ddl_column *c = &table->columns[index];
    ck_assert_str_eq(c->name, name);
    ck_assert_str_eq(c->type, type);
    ck_assert_msg(c->not_null == not_null, "%s.not_null is %d", name, c->not_null);
    ck_assert_msg(c->has_default == has_default, "%s.has_default is %d", name, c->has_default);
    ck_assert_msg(c->auto_increment == auto_increment, "%s.auto_increment is %d", name,
                  c->auto_increment);
    ck_assert_int_eq(c->line, line);
}

const ddl_table *table_named(const ddl_file *file, const char *name)
{
    const ddl_table *table = ddl_file_table(file, name);
    ck_assert_msg(table != NULL, "no table %s", name);
    return table;
}

static Suite *ddl_suite(void)
{
    Suite *suite = suite_create("ddl");
    suite_add_tcase(suite, ddl_normalize_tcase());
    suite_add_tcase(suite, ddl_pgdump_tcase());
    suite_add_tcase(suite, ddl_inline_tcase());
    suite_add_tcase(suite, ddl_errors_tcase());
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(ddl_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
