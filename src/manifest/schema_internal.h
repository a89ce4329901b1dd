/*
 * schema_internal.h — what schema.c (the set: reading, checking, ordering,
 * translating) and schema_pick.c (tables taken out of a dump or a file of
 * several tables) share. Private to src/manifest/schema*.c.
 */
#ifndef FOSTER_SCHEMA_INTERNAL_H
#define FOSTER_SCHEMA_INTERNAL_H

#include "schema.h"

/* A new zeroed prelude at the end of set->preludes, or NULL after a diag. */
ddl_file *schema_add_prelude(schema_set *set, diag_list *diags);

/*
 * Fills set->files[index] from the table's schema file: the whole file when
 * it creates that table only, else the table's own statements (those it
 * needs besides are marked for schema_pick_support). 0, or -1 after a diag.
 */
int schema_pick_table(schema_set *set, size_t index, diag_list *diags);

/*
 * Fills set->files[index] for a table whose schema is not a <table>.sqlite.sql:
 * its file read as written when it creates that table only (or is MySQL DDL),
 * else through schema_pick_table. 0, or -1 after a diag.
 */
int schema_take_table(schema_set *set, size_t index, diag_list *diags);

/* A copy of every statement of `source` into `out` (zeroed). 0, or -1 after a diag. */
int schema_copy_whole(const ddl_file *source, ddl_file *out, diag_list *diags);

/* Adds, after the preludes, one file per source of what its tables need. */
int schema_pick_support(schema_set *set, diag_list *diags);

#endif
