/*
 * schema_source.h — one schema file read in its own dialect (the source:
 * [foster] dialect, else told from the file, else the target's own), after
 * checking that the backend (the target) can run that dialect; and the
 * SQLite translation of files of either dialect. Used by schema.c.
 */
#ifndef FOSTER_SCHEMA_SOURCE_H
#define FOSTER_SCHEMA_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"
#include "manifest.h"
#include "schema.h"
#include "translate_mysql.h"
#include "translate_sqlite.h"

/*
 * Reads `path` for a backend that runs `target`. A file written for SQLite
 * (`sqlite_file`, a <table>.sqlite.sql) is read as written. Otherwise the
 * source dialect is m->dialect, else the file's evidence
 * (sql_dialect_detect), else the target's (PostgreSQL for SQLite); a source
 * the target cannot run is a bad-input diag naming the file, the line of the
 * evidence and both dialects. Sets out->dialect. Same returns as
 * ddl_load_file; `out` must be zeroed, free it with ddl_file_free.
 */
int schema_read_file(const manifest *m, const char *path, bool sqlite_file, schema_dialect target,
                     ddl_file *out, diag_list *diags);

/*
 * Translates `count` files to SQLite, each by its dialect's translator
 * (translate_sqlite.h for PostgreSQL, translate_mysql.h for MySQL), into one
 * script: the PostgreSQL files' statements, then the MySQL files' (each
 * part in the order given; SQLite does not look for a foreign key's table
 * when it creates one). What was left out goes to `notes`. Same returns as
 * translate_sqlite.
 */
int schema_translate_sqlite(const ddl_file *const *files, size_t count, sqlite_script *out,
                            translate_notes *notes, diag_list *diags);

#endif
