/*
 * ddl_select.c — the dialect-neutral half of choosing one table's statements
 * out of a file of many: which reader to use, and what every reader shares.
 * See ddl_select.h.
 */
#include "ddl_select.h"

#include <stdlib.h>
#include <string.h>

int ddl_select_table(const ddl_file *file, const char *table, const char *manifest_path,
                     int manifest_line, ddl_selection *out, diag_list *diags)
{
    if (file->dialect == SQL_DIALECT_MYSQL)
        return ddl_select_table_mysql(file, table, manifest_path, manifest_line, out, diags);
    return ddl_select_table_postgres(file, table, manifest_path, manifest_line, out, diags);
}

const char *ddl_partition_parent(const ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->object == DDL_OBJECT_TABLE && st->parent && st->object_name &&
            strcmp(st->object_name, name) == 0)
            return st->parent;
    }
    return NULL;
}

size_t ddl_unpartitioned_table_count(const ddl_file *file)
{
    size_t count = 0;
    for (size_t i = 0; i < file->table_count; i++)
        if (!ddl_partition_parent(file, file->tables[i].name))
            count++;
    return count;
}

void ddl_selection_free(ddl_selection *selection)
{
    for (size_t i = 0; i < selection->count; i++)
        free(selection->items[i].reason);
    free(selection->items);
    selection->items = NULL;
    selection->count = 0;
}
