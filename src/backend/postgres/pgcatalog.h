/*
 * pgcatalog.h — the owner's DDL from the catalogs (pgcatalog.c), what
 * dump_schema gives when pg_dump is not installed.
 */
#ifndef FOSTER_PGCATALOG_H
#define FOSTER_PGCATALOG_H

#include <stddef.h>

#include "diag.h"

/* The first line of what pg_catalog_schema writes: `foster snapshot` names its source
 * from a first line "-- Read by foster from SOURCE" (pg_dump's: "--"). */
#define PG_CATALOG_HEADER "-- Read by foster from the PostgreSQL catalogs (pg_dump was not found)\n"

/*
 * The DDL of `tables` (normalised names; every table of the owner when
 * `table_count` is 0, with the enum types and domains first) at `url`, read
 * in one read-only transaction, spelled as pg_dump spells it: a new string
 * in *sql. A table the database lacks gives no DDL. 0, or -1 with a diag.
 */
int pg_catalog_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                      diag_list *diags);

#endif
