/*
 * schema.h — the schema files of a manifest taken together: read and
 * analysed, checked against the manifest (each file creates its table, every
 * referenced table is listed), put in dependency order, and — for SQLite —
 * translated.
 */
#ifndef FOSTER_SCHEMA_H
#define FOSTER_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"
#include "manifest.h"
#include "translate_mysql.h"
#include "translate_sqlite.h"

/*
 * What the backend runs (the target). The schema files' own dialect (the
 * source, sqldialect.h) is [foster] dialect or told from each file; a
 * PostgreSQL file runs on PostgreSQL, a MySQL file on MySQL/MariaDB, both on
 * SQLite (translated). Any other pairing is an error naming the file.
 */
typedef enum schema_dialect {
    SCHEMA_POSTGRES, /* the owner's PostgreSQL DDL as written */
    SCHEMA_SQLITE,   /* translated, or <table>.sqlite.sql where one exists */
    SCHEMA_MYSQL,    /* the owner's MySQL DDL as written (myddl.h: statement texts run as
                        they are; DDL_SKIP ones are not run) */
} schema_dialect;

typedef struct schema_set {
    const manifest *manifest; /* borrowed; must outlive the set */
    schema_dialect dialect;
    ddl_file *preludes; /* run before any table, in order: the [foster] prelude files,
                           then what tables taken from a dump or a file of several
                           tables need (types, domains, functions, sequences...) */
    size_t prelude_count;
    ddl_file *files; /* one per manifest table, in manifest order: its own statements */
    size_t count;
    size_t *order;        /* manifest indexes, each table after those it references */
    bool *cyclic;         /* by manifest index: references itself or sits in a cycle */
    sqlite_script sqlite; /* SCHEMA_SQLITE: the statements to run, in order */
    char **taken;         /* "file: function f: named by trigger t on x", what was taken
                             from a dump or a file of several tables and why (for -v) */
    size_t taken_count;
    translate_notes notes; /* SCHEMA_SQLITE: what the copy leaves out (triggers, functions,
                              extensions...); errors instead when strict = true */

    /* Private to schema*.c: each multi-table source read once. */
    ddl_file *sources;
    bool **source_support; /* by source: the statements taken as support */
    size_t source_count;
} schema_set;

/*
 * Loads the schema file of every table of `m` (manifest_resolve must have
 * run). Returns 0, or -1 after adding a diag for every problem found in any
 * file. `out` must be zeroed; free it with schema_set_free in every case.
 */
int schema_set_load(const manifest *m, schema_dialect dialect, schema_set *out, diag_list *diags);

/*
 * The analysed table definition for manifest table `index` (NULL when its
 * file does not define it).
 */
const ddl_table *schema_set_table(const schema_set *set, size_t index);

void schema_set_free(schema_set *set);

#endif
