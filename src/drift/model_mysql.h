/*
 * model_mysql.h — table models from MySQL/MariaDB DDL (model_mysql.c), and
 * a schema file or dump read into a model in its own dialect.
 */
#ifndef FOSTER_DRIFT_MODEL_MYSQL_H
#define FOSTER_DRIFT_MODEL_MYSQL_H

#include "model.h"
#include "sqldialect.h"

/*
 * As model_add_file, for a ddl_file read by the MySQL reader (myddl.h):
 * every CREATE TABLE (or only `only_table`) with its columns, keys, checks
 * and indexes. 0, or -1 with a diag.
 */
int model_add_mysql_file(table_model *model, const ddl_file *file, const char *only_table,
                         diag_list *diags);

/*
 * Adds the DDL `text` (named `display` in messages) to `model`, read in
 * `dialect` (SQL_DIALECT_UNKNOWN: told from the text, else PostgreSQL):
 * only `only_table` (NULL: every table), and every enum type and domain.
 * 0, or -1 with a diag.
 */
int model_add_text(table_model *model, const char *text, const char *display, sql_dialect dialect,
                   const char *only_table, diag_list *diags);

/* model_add_text of the file at `path`; -1 with a diag when it cannot be read. */
int model_add_path(table_model *model, const char *path, const char *display, sql_dialect dialect,
                   const char *only_table, diag_list *diags);

#endif
