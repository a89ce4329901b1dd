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
#include "sqlsplit.h"

#define MAX_NAME_PARTS 4 /* database.schema.table.column */

/* ---- tokens (ddl.c) ---- */

static inline bool punct_at(const sql_tokens *t, size_t i, char c)
{
    return i < t->count && t->items[i].kind == SQL_TOKEN_PUNCT && t->items[i].start[0] == c;
}

static inline bool word_at(const sql_tokens *t, size_t i, const char *word)
{
    return i < t->count && sql_token_is(&t->items[i], word);
}

static inline bool is_name_token(const sql_tokens *t, size_t i)
{
    return i < t->count &&
           (t->items[i].kind == SQL_TOKEN_WORD || t->items[i].kind == SQL_TOKEN_QUOTED_ID);
}

/* Index of the bracket closing the one at `open`, or `end` when it is not closed before `end`. */
size_t ddl_closing_bracket(const sql_tokens *t, size_t open, size_t end);

/* The index after token `i`, skipping the whole bracketed group when `i` opens one. */
size_t ddl_skip_group(const sql_tokens *t, size_t i, size_t end);

/* ---- names (ddl.c) ---- */

typedef struct name_parts {
    char *part[MAX_NAME_PARTS];
    size_t count;
} name_parts;

void ddl_name_parts_free(name_parts *name);

/*
 * Reads a possibly qualified name (a, a.b, "A".b.c) at *index. Returns 1 and
 * moves *index past it, 0 when no name starts there, -1 when memory ran out.
 */
int ddl_read_name(const sql_tokens *t, size_t *index, name_parts *out);

/* Index of the table name in ALTER TABLE [IF EXISTS] [ONLY] name. */
size_t ddl_alter_table_name_index(const sql_tokens *t);

/* The table named `name` (normalised) in `file`, or NULL. */
ddl_table *ddl_find_table(ddl_file *file, const char *name);

/* ---- building a ddl_file (ddl.c; the MySQL reader, myddl.c, too) ---- */

/* Appends `table` (moved, not copied) to `file`'s tables; -1 when memory ran out. */
int ddl_add_table(ddl_file *file, ddl_table *table);

/* Frees what `table` holds (not the table itself). */
void ddl_table_free(ddl_table *table);

/* Adds `name` (taken, freed when already there) to `st`'s references; -1 out of memory. */
int ddl_add_reference(ddl_statement *st, char *name);

/* ---- columns (ddl_columns.c) ---- */

/*
 * Reads the column list of a CREATE TABLE, between the brackets at `open`
 * and `close`, into `table` (columns, NOT NULL from PRIMARY KEYs). Returns
 * 0, or -1 when memory ran out (what was read stays in `table`).
 */
int ddl_read_column_list(ddl_table *table, const sql_tokens *t, size_t open, size_t close);

/* ---- objects (ddl_objects.c) ---- */

/* Sets st->object, object_name, parent and on_table from its tokens; -1 out of memory. */
int ddl_read_object(ddl_statement *st, const sql_tokens *t);

/* Frees what `column` holds (not the column itself). */
void ddl_column_free(ddl_column *column);

#endif
