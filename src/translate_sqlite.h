/*
 * translate_sqlite.h — turns the owner's PostgreSQL DDL into SQLite DDL.
 *
 * What it translates (everything pg_dump --schema-only writes for a table):
 *   - schema qualification: "public.x" and "main.x" become "x"; any other
 *     schema is dropped too (the table lives in main under its bare name);
 *   - serial/bigserial/smallserial, GENERATED ... AS IDENTITY, nextval(...)
 *     defaults (inline or by ALTER COLUMN ... SET DEFAULT): the column becomes
 *     INTEGER so that, when it is the primary key, SQLite assigns it;
 *   - ALTER TABLE [ONLY] x ADD [CONSTRAINT n] PRIMARY KEY/UNIQUE/FOREIGN KEY/
 *     CHECK: folded into x's CREATE TABLE (NOT VALID dropped);
 *   - ::type casts and CAST-free PostgreSQL-only default forms (now(),
 *     'now'::text::date ...);
 *   - CREATE [UNIQUE] INDEX ... ON [ONLY] x USING btree (...): USING dropped;
 *   - types SQLite's grammar rejects (timestamp(6) with time zone, arrays...)
 *     become a type name with the same affinity.
 * What it skips: every DDL_SKIP statement, CREATE/ALTER SEQUENCE, CREATE SCHEMA,
 * CREATE EXTENSION.
 * Anything else it cannot translate is an error naming the file, the line, the
 * construct, with the hint to supply <table>.sqlite.sql.
 *
 * Pure: analysed files in, SQLite statements out; no database.
 */
#ifndef FOSTER_TRANSLATE_SQLITE_H
#define FOSTER_TRANSLATE_SQLITE_H

#include <stddef.h>

#include "ddl.h"
#include "diag.h"

typedef struct sqlite_statement {
    char *sql;        /* one SQLite statement, no final ';' */
    const char *file; /* display name of the file it came from (borrowed) */
    int line;         /* line of the statement it came from */
} sqlite_statement;

typedef struct sqlite_script {
    sqlite_statement *items;
    size_t count;
} sqlite_script;

/*
 * Translates `file_count` analysed files into one script: all CREATE TABLEs
 * (with the constraints later ALTERs add folded in) in the order the files are
 * given, then every CREATE INDEX. An ALTER TABLE may add constraints to a
 * table created in another of the files. The hint for an untranslatable
 * construct names "<stem>.sqlite.sql" beside the file. Returns 0, or -1 after adding one diag per
 * untranslatable construct (every problem, not only the first; `out` is then
 * empty). `out` must be zeroed; free it with sqlite_script_free.
 */
int translate_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                     diag_list *diags);

void sqlite_script_free(sqlite_script *script);

#endif
