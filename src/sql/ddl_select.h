/*
 * ddl_select.h — one table's statements chosen out of a file that holds many
 * (the owner's whole dump, or a schema file of several tables), with what
 * they need that is not the table's own: the types, domains, functions,
 * sequences and extensions they name, followed to what those name in turn.
 *
 * Dialect-neutral entry point: ddl_select_table decides how to read the
 * file; ddl_select_postgres.c reads PostgreSQL dumps. Pure: no database.
 */
#ifndef FOSTER_DDL_SELECT_H
#define FOSTER_DDL_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"

typedef struct ddl_pick {
    size_t statement; /* index into the file's statements */
    bool support;     /* not the table's own statement but one it needs (a type, domain,
                         function, sequence, extension or setting): runs before any table */
    char *reason;     /* "function touch(): named by trigger t_touch on film", for -v;
                         NULL for settings, which are not listed */
} ddl_pick;

typedef struct ddl_selection {
    ddl_pick *items; /* in the file's order */
    size_t count;
} ddl_selection;

/*
 * Chooses the statements of table `table` (normalised) out of `file`: its
 * CREATE TABLE, the ALTER TABLEs, indexes, triggers, policies, rules and
 * owned sequences on it, its partitions with theirs, and (as support) what
 * those name, followed through functions' bodies. Other tables, views and
 * unrelated objects are left out. Returns 0; -1 after a diag when the file
 * does not create the table, when the table is a partition of another (the
 * diag names the parent), or when memory ran out. `out` must be zeroed;
 * free it with ddl_selection_free in every case.
 */
int ddl_select_table(const ddl_file *file, const char *table, const char *manifest_path,
                     int manifest_line, ddl_selection *out, diag_list *diags);

/* The PostgreSQL reading of ddl_select_table. */
int ddl_select_table_postgres(const ddl_file *file, const char *table, const char *manifest_path,
                              int manifest_line, ddl_selection *out, diag_list *diags);

/*
 * The MySQL reading of ddl_select_table (myddl_select.c): the table's
 * CREATE TABLE, the ALTER TABLEs and CREATE INDEXes on it and its triggers,
 * in the file's order, and as support the MariaDB sequences they name
 * (CREATE SEQUENCE s, DO SETVAL(s, ...)). Same returns.
 */
int ddl_select_table_mysql(const ddl_file *file, const char *table, const char *manifest_path,
                           int manifest_line, ddl_selection *out, diag_list *diags);

/* The table `name` is a partition of in `file` (normalised), or NULL. */
const char *ddl_partition_parent(const ddl_file *file, const char *name);

/* How many tables `file` creates that are not partitions of another. */
size_t ddl_unpartitioned_table_count(const ddl_file *file);

void ddl_selection_free(ddl_selection *selection);

#endif
