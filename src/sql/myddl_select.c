/*
 * myddl_select.c — one table's statements out of a MySQL file of many (the
 * owner's whole `mysqldump --no-data` / `mariadb-dump --no-data`, or a
 * schema file of several tables): its CREATE TABLE, the ALTER TABLEs and
 * CREATE INDEXes on it, and its triggers; and, as support, the MariaDB
 * sequences those name (a column's DEFAULT nextval(s), NEXT VALUE FOR s in a
 * trigger): the CREATE SEQUENCE and the dump's DO SETVAL that gives it the
 * owner's next value. A trigger's body is not followed to the tables it
 * writes: those are the manifest's to list. The MySQL reading of
 * ddl_select_table (ddl_select.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ddl_select.h"
#include "myddl.h"
#include "strbuf.h"

/* Takes the statements about sequence `name` as support, the reason naming `table`. */
static int take_sequence(const ddl_file *file, const char *name, const char *table,
                         ddl_selection *out, bool *taken)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (taken[i] || st->object != DDL_OBJECT_SEQUENCE || !st->object_name ||
            strcmp(st->object_name, name) != 0)
            continue;
        char *reason = strbuf_format("sequence %s: named by table %s", name, table);
        if (!reason)
            return -1;
        taken[i] = true;
        out->items[out->count++] = (ddl_pick){.statement = i, .support = true, .reason = reason};
    }
    return 0;
}

/* The sequences the table's own statement `i` names. */
static int take_sequences_named(const ddl_file *file, size_t i, const char *table,
                                ddl_selection *out, bool *taken)
{
    char **names = NULL;
    long count = my_statement_sequences(&file->statements[i], file->display_name, &names);
    int rc = count < 0 ? -1 : 0;
    for (long k = 0; rc == 0 && k < count; k++)
        rc = take_sequence(file, names[k], table, out, taken);
    strings_free(names, count > 0 ? (size_t)count : 0);
    return rc;
}

static int cmp_pick(const void *a, const void *b)
{
    size_t x = ((const ddl_pick *)a)->statement, y = ((const ddl_pick *)b)->statement;
    return (x > y) - (x < y);
}

int ddl_select_table_mysql(const ddl_file *file, const char *table, const char *manifest_path,
                           int manifest_line, ddl_selection *out, diag_list *diags)
{
    if (!ddl_file_table(file, table)) {
        diag *d = diag_add(diags, manifest_path, manifest_line, 0,
                           "%s does not create table \"%s\"", file->display_name, table);
        diag_set_kind(d, DIAG_BAD_INPUT);
        diag_set_hint(d, "the dump must hold its CREATE TABLE: dump the owner's database with "
                         "mariadb-dump --no-data --triggers DATABASE");
        return -1;
    }
    size_t n = file->statement_count ? file->statement_count : 1;
    out->items = calloc(n, sizeof *out->items);
    bool *taken = calloc(n, sizeof *taken);
    int rc = out->items && taken ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        bool own = st->kind == DDL_CREATE_TABLE || st->kind == DDL_ALTER_TABLE ||
                   st->kind == DDL_CREATE_INDEX || st->kind == DDL_CREATE_TRIGGER;
        if (!own || !st->table || strcmp(st->table, table) != 0 || taken[i])
            continue;
        taken[i] = true;
        out->items[out->count++] = (ddl_pick){.statement = i};
        rc = take_sequences_named(file, i, table, out, taken);
    }
    free(taken);
    if (rc < 0) {
        diag_set_kind(diag_add(diags, file->display_name, 0, 0, "out of memory"),
                      DIAG_OUT_OF_MEMORY);
        return -1;
    }
    qsort(out->items, out->count, sizeof *out->items, cmp_pick); /* the file's order */
    return 0;
}
