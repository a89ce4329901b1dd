/*
 * model_internal.h — what the files behind model.h share: token helpers
 * (model.c), columns and types (model_columns.c), and the statements after
 * CREATE TABLE (model_statements.c). Private to src/drift/model*.c.
 */
#ifndef FOSTER_DRIFT_MODEL_INTERNAL_H
#define FOSTER_DRIFT_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl_elements.h"
#include "model.h"
#include "sqlcursor.h"
#include "sqlsplit.h"

/* ---- tokens as text, lookups (model.c); tokens are read with sqlcursor.h ---- */

/* Tokens [begin, end) with single spaces, none inside brackets or around "." and "::";
 * words lower-cased unless quoted. A new string, NULL when memory ran out. */
char *model_text(const sql_tokens *t, size_t begin, size_t end);
/* A possibly qualified name at *i, normalised (ddl_normalize_name); moves *i past it. */
char *model_read_name(const sql_tokens *t, size_t *i, size_t end);

model_table *model_table_find_mutable(table_model *model, const char *name);
model_column *model_column_find_mutable(model_table *table, const char *name);

/* A copy of `display_name` kept with the model (its columns point at it); NULL: no memory. */
const char *model_remember_file(table_model *model, const char *display_name);

/* Appends to an array of `size`-byte elements; the new element zeroed, NULL on no memory. */
void *model_grow(void **items, size_t *count, size_t size);

/* ---- columns (model_columns.c) ---- */

/* The canonical type of tokens [begin, end) into `column` (type, family, length...). */
int model_column_set_type(model_column *column, const sql_tokens *t, size_t begin, size_t end);
/* One element the reader found (ddl_elements.h): a column with its inline
 * constraints, or a table constraint. 0, or -1 on no memory. */
int model_read_element(model_table *table, const sql_tokens *t, const ddl_element *e);
/* The same for tokens [begin, end), read here (ALTER TABLE ... ADD). */
int model_read_table_element(model_table *table, const sql_tokens *t, size_t begin, size_t end);

/* ---- statements (model_statements.c) ---- */

int model_read_alter_table(table_model *model, const sql_tokens *t, const char *file);
int model_read_create_index(table_model *model, const sql_tokens *t, const char *file);
/* CREATE TYPE ... AS ENUM, CREATE DOMAIN: 0 (also when it is neither), -1. */
int model_read_type(table_model *model, const sql_tokens *t, const char *file);
/* OWNER TO, GRANT, REVOKE, COMMENT ON: kept on their table for --strict. */
int model_read_extra(table_model *model, const sql_tokens *t, const char *file);

void model_constraint_free(model_constraint *c);

#endif
