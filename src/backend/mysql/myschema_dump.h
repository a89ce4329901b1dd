/*
 * myschema_dump.h — the `mysql` kind's dump_schema (myschema_dump.c): the
 * owner's DDL through mariadb-dump/mysqldump --no-data, else SHOW CREATE
 * TABLE, read-only.
 */
#ifndef FOSTER_MYSCHEMA_DUMP_H
#define FOSTER_MYSCHEMA_DUMP_H

#include <stddef.h>

#include "diag.h"

/* The first line of what my_dump_schema gives ("-- Read by foster from SOURCE"). */
#define MY_SCHEMA_HEADER "-- Read by foster from "

/*
 * The DDL of `tables` (every table of the URL's database when `table_count`
 * is 0) at `url` (mysql://, naming its database): a new string in *sql. A
 * table the database lacks gives no DDL. 0, or -1 with a diag (a URL without
 * a database: DIAG_BAD_INPUT).
 */
int my_dump_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                   diag_list *diags);

#endif
