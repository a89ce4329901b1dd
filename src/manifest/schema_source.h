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

#endif
