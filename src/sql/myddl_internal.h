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

/*
 * The database a dump's header names ("-- Host: h    Database: owner" among
 * its first lines), a new string; NULL when there is none.
 */
char *my_dump_database(const char *text, size_t length);

/*
 * Looks at the database qualifier of every table and sequence name in the
 * analysed `file` (myddl_names.c): one equal to `dump_database` (may be
 * NULL) or on a name the file creates is blanked out of the statement's
 * text; any other gets a diag at its place. 0, or -1 after a diag.
 */
int my_ddl_localize_names(ddl_file *file, const char *dump_database, diag_list *diags);

#endif
