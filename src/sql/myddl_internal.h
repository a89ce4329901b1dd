/*
 * myddl_internal.h — what the two halves of the MySQL DDL reader share:
 * myddl.c (statements: kinds, names, references, refusals) and
 * myddl_table.c (a CREATE TABLE's elements and columns).
 *
 * Private to src/sql/myddl*.c; the interface is myddl.h.
 */
#ifndef FOSTER_MYDDL_INTERNAL_H
#define FOSTER_MYDDL_INTERNAL_H

#include "ddl.h"
#include "sqlsplit.h"

/*
 * Reads the columns of a MySQL CREATE TABLE, between the brackets at `open`
 * and `close`, into `table` (columns, and the PRIMARY KEY element's columns
 * marked). 0, or -1 when memory ran out (what was read stays in `table`).
 */
int ddl_read_my_column_list(ddl_table *table, const sql_tokens *t, size_t open, size_t close);

#endif
