/*
 * ddl_internal.h — what the two halves of the DDL reader share: ddl.c
 * (statements: kinds, names, references, files) and ddl_columns.c (the
 * columns of each table, from CREATE TABLE and the ALTER TABLEs after it).
 *
 * Private to src/sql/ddl*.c; the interface is ddl.h.
 */
#ifndef FOSTER_DDL_INTERNAL_H
#define FOSTER_DDL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "ddl_elements.h"
#include "sqlcursor.h"
#include "sqlsplit.h"

/* ---- names (ddl.c) ---- */

/* Index of the table name in ALTER TABLE [IF EXISTS] [ONLY] name. */
size_t ddl_alter_table_name_index(const sql_tokens *t);

/* The table named `name` (normalised) in `file`, or NULL. */
ddl_table *ddl_find_table(ddl_file *file, const char *name);

/* ---- building a ddl_file (ddl.c; the MySQL reader, myddl.c, too) ---- */

/*
 * Takes `script`'s statements into `out` (script left empty) with one
 * DDL_OTHER statement each, for the dialect's reader to analyse; 0, or -1
 * with an out-of-memory diag.
 */
int ddl_file_begin(ddl_file *out, sql_script *script, const char *display_name, diag_list *diags);

/* Appends `table` (moved, not copied) to `file`'s tables; -1 when memory ran out. */
int ddl_add_table(ddl_file *file, ddl_table *table);

/* Frees what `table` holds (not the table itself). */
void ddl_table_free(ddl_table *table);

/* Adds `name` (taken, freed when already there) to `st`'s references; -1 out of memory. */
int ddl_add_reference(ddl_statement *st, char *name);

/* A dialect's key for a table from the parts of its written name ("s.t", "db.t"); NULL: no
 * memory. */
typedef char *(*ddl_name_join)(char *const *parts, size_t count);

/* Adds the table each bare REFERENCES names (a reserved word in both dialects) to `st`'s
 * references, keyed by `join`; -1 when memory ran out. */
int ddl_collect_references(ddl_statement *st, const sql_tokens *t, ddl_name_join join);

/* The out-of-memory diag (kind DIAG_OUT_OF_MEMORY) at `source` in `file`; returns -1. */
int ddl_out_of_memory(diag_list *diags, const ddl_file *file, const sql_statement *source);

/* ---- columns (ddl_columns.c) ---- */

/*
 * Reads the columns of a CREATE TABLE from its `elements` (ddl_elements.h)
 * into `table` (columns, NOT NULL from PRIMARY KEYs). Returns 0, or -1 when
 * memory ran out (what was read stays in `table`).
 */
int ddl_read_column_list(ddl_table *table, const sql_tokens *t, const ddl_elements *elements);

/* ---- objects (ddl_objects.c) ---- */

/* Sets st->object, object_name, parent and on_table from its tokens; -1 out of memory. */
int ddl_read_object(ddl_statement *st, const sql_tokens *t);

/* Frees what `column` holds (not the column itself). */
void ddl_column_free(ddl_column *column);

#endif
