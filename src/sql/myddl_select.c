/*
 * myddl_select.c — one table's statements out of a MySQL file of many (the
 * owner's whole `mysqldump --no-data` / `mariadb-dump --no-data`, or a
 * schema file of several tables): its CREATE TABLE, the ALTER TABLEs and
 * CREATE INDEXes on it, and its triggers. A MySQL dump has nothing a table
 * needs besides (no types, domains or sequences; a trigger's body is not
 * followed: the tables it writes are the manifest's to list). The MySQL
 * reading of ddl_select_table (ddl_select.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ddl_select.h"
#include "myddl.h"

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
    out->items = calloc(file->statement_count ? file->statement_count : 1, sizeof *out->items);
    if (!out->items) {
        diag_set_kind(diag_add(diags, file->display_name, 0, 0, "out of memory"),
                      DIAG_OUT_OF_MEMORY);
        return -1;
    }
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        bool own = st->kind == DDL_CREATE_TABLE || st->kind == DDL_ALTER_TABLE ||
                   st->kind == DDL_CREATE_INDEX || st->kind == DDL_CREATE_TRIGGER;
        if (own && st->table && strcmp(st->table, table) == 0)
            out->items[out->count++] = (ddl_pick){.statement = i};
    }
    return 0;
}
