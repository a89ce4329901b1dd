/*
 * schema_source.c — a schema file read in its source dialect, checked
 * against what the backend runs, and translated to SQLite by its dialect's
 * translator. See schema_source.h.
 */
#include "schema_source.h"

#include <stdlib.h>
#include <string.h>

#include "myddl.h"
#include "sqldialect.h"

/* The dialect a target runs as written; UNKNOWN for SQLite, which translates either. */
static sql_dialect target_source(schema_dialect target)
{
    switch (target) {
    case SCHEMA_POSTGRES:
        return SQL_DIALECT_POSTGRESQL;
    case SCHEMA_MYSQL:
        return SQL_DIALECT_MYSQL;
    default:
        return SQL_DIALECT_UNKNOWN;
    }
}

static void report_mismatch(const manifest *m, const char *path, sql_dialect source,
                            sql_dialect runs, const sql_dialect_evidence *evidence,
                            diag_list *diags)
{
    diag *d;
    if (m->dialect != SQL_DIALECT_UNKNOWN)
        d = diag_add(diags, m->path, m->dialect_line, 0,
                     "[foster] dialect is %s, but the backend runs %s DDL",
                     sql_dialect_name(source), sql_dialect_name(runs));
    else
        d = diag_add(diags, path, evidence->line, 0,
                     "this is %s DDL (%s), but the backend runs %s DDL", sql_dialect_name(source),
                     evidence->what, sql_dialect_name(runs));
    diag_set_kind(d, DIAG_BAD_INPUT);
    diag_set_hint(d,
                  "give a %s schema file (or choose a %s backend, or SQLite, which takes both); "
                  "[foster] dialect = postgresql or mysql overrides what foster tells from the "
                  "file",
                  sql_dialect_name(runs), sql_dialect_name(source));
}

int schema_read_file(const manifest *m, const char *path, bool sqlite_file, schema_dialect target,
                     ddl_file *out, diag_list *diags)
{
    if (sqlite_file) {
        int rc = ddl_load_file(path, path, out, diags);
        out->dialect = SQL_DIALECT_POSTGRESQL; /* SQLite's own DDL: PostgreSQL's reader takes it */
        return rc;
    }
    char *text;
    size_t length;
    if (sql_read_file(path, path, &text, &length, diags) < 0) {
        out->display_name = strdup(path);
        return -1;
    }
    sql_dialect_evidence evidence = {0, NULL};
    sql_dialect source = m->dialect;
    if (source == SQL_DIALECT_UNKNOWN)
        source = sql_dialect_detect(text, length, &evidence);
    sql_dialect runs = target_source(target);
    if (source == SQL_DIALECT_UNKNOWN)
        source = runs != SQL_DIALECT_UNKNOWN ? runs : SQL_DIALECT_POSTGRESQL;
    int rc;
    if (runs != SQL_DIALECT_UNKNOWN && source != runs) {
        report_mismatch(m, path, source, runs, &evidence, diags);
        out->display_name = strdup(path);
        rc = -1;
    } else if (source == SQL_DIALECT_MYSQL) {
        rc = my_ddl_analyze_text(text, length, path, out, diags);
    } else {
        rc = ddl_load_file(path, path, out, diags); /* PostgreSQL's reader reads the file itself */
    }
    out->dialect = source;
    free(text);
    return rc;
}

/* Moves the statements of `more` to the end of `out`; -1 when memory ran out. */
static int append_script(sqlite_script *out, sqlite_script *more)
{
    sqlite_statement *items = realloc(out->items, (out->count + more->count + 1) * sizeof *items);
    if (!items)
        return -1;
    out->items = items;
    for (size_t i = 0; i < more->count; i++) {
        out->items[out->count++] = more->items[i];
        more->items[i].sql = NULL;
    }
    return 0;
}

int schema_translate_sqlite(const ddl_file *const *files, size_t count, sqlite_script *out,
                            translate_notes *notes, diag_list *diags)
{
    const ddl_file **mysql = calloc(count ? count : 1, sizeof *mysql);
    const ddl_file **postgres = calloc(count ? count : 1, sizeof *postgres);
    size_t mysql_count = 0, postgres_count = 0;
    int rc = mysql && postgres ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (files[i]->dialect == SQL_DIALECT_MYSQL)
            mysql[mysql_count++] = files[i];
        else
            postgres[postgres_count++] = files[i];
    }
    if (rc == 0)
        rc = translate_sqlite(postgres, postgres_count, out, notes, diags);
    sqlite_script more = {0};
    if (mysql_count && translate_mysql_sqlite(mysql, mysql_count, &more, notes, diags) < 0)
        rc = -1;
    if (rc == 0 && append_script(out, &more) < 0)
        rc = -1;
    sqlite_script_free(&more);
    free(mysql);
    free(postgres);
    return rc;
}
