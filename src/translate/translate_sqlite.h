/*
 * translate_sqlite.h — turns the owner's PostgreSQL DDL into SQLite DDL.
 *
 * What it translates (everything pg_dump --schema-only writes for a table):
 *   - schema qualification: "public.x" and "main.x" become "x"; any other
 *     schema is dropped too (the table lives in main under its bare name);
 *     two tables that would share a bare name are an error;
 *   - serial/bigserial/smallserial, GENERATED ... AS IDENTITY, nextval(...)
 *     defaults (inline or by ALTER COLUMN ... SET DEFAULT): the column becomes
 *     exactly INTEGER so that, when it is the primary key, SQLite assigns it;
 *     START WITH n (of the identity or of the sequence) makes it AUTOINCREMENT
 *     with a sqlite_sequence row; another such column is filled in by a
 *     trigger (translate_identity.c); INCREMENT BY other than 1 on the key is
 *     refused;
 *   - ALTER TABLE [ONLY] x ADD [CONSTRAINT n] PRIMARY KEY/UNIQUE/FOREIGN KEY/
 *     CHECK, ADD COLUMN, ALTER COLUMN SET/DROP DEFAULT, SET/DROP NOT NULL:
 *     folded into x's CREATE TABLE (NOT VALID, MATCH, index storage options
 *     dropped; a foreign key keeps ON DELETE/UPDATE and DEFERRABLE);
 *   - expressions (defaults, CHECKs, index columns, index predicates):
 *     ::type casts dropped; now() and its kin, LOCALTIMESTAMP and
 *     timezone('utc', now()) become CURRENT_TIMESTAMP; 'now'::date becomes
 *     CURRENT_DATE; "= ANY (ARRAY[...])" becomes IN (...); ~~ and ILIKE
 *     become LIKE; TRIM(BOTH FROM x), SUBSTRING(x FROM a FOR b) and
 *     char_length() become SQLite's functions; E'...' and $$...$$ strings
 *     become '...'; collations other than BINARY/NOCASE/RTRIM are dropped;
 *     a default that is not a plain literal is wrapped in parentheses;
 *   - CREATE [UNIQUE] INDEX ... ON [ONLY] x USING btree|hash (...): USING,
 *     operator classes, NULLS FIRST/LAST, INCLUDE, WITH and TABLESPACE
 *     dropped. Indexes of other methods (gin, gist, brin, spgist) are left
 *     out without a word: SQLite could not use them, and a test copy does
 *     not need them;
 *   - types SQLite's grammar rejects (timestamp(6) with time zone, arrays,
 *     interval day to second) become a type name with the same affinity;
 *     column and type names SQLite reserves are quoted.
 *   - enum types: TEXT CHECK (col IN (...)); domains: the base type with the
 *     domain's NOT NULL, DEFAULT and CHECK (VALUE written as the column);
 *     composite and range types TEXT (a note); uuid, json(b) (json_valid),
 *     citext (NOCASE), tsvector, inet, interval, money, xml TEXT, bytea BLOB;
 *     gen_random_uuid()/uuid_generate_v4() defaults a random v4 UUID;
 *     PARTITION BY dropped (one plain table) — translate_types.c;
 *   - notes, not errors: CREATE FUNCTION/PROCEDURE/AGGREGATE/TRIGGER/
 *     EXTENSION/POLICY/RULE, and a default calling a function of the owner's
 *     (the column gets no default).
 * What it skips: every DDL_SKIP statement, CREATE/ALTER SEQUENCE, CREATE
 * SCHEMA, CREATE STATISTICS, publications,
 * SELECT setval(...), and the ALTER TABLE forms a throwaway copy has no use
 * for (OWNER TO, ENABLE/DISABLE TRIGGER, ROW LEVEL SECURITY, CLUSTER ON,
 * REPLICA IDENTITY, SET (...), SET STATISTICS/STORAGE, VALIDATE CONSTRAINT).
 * Everything else it cannot translate is an error naming the file, the line
 * and column, and the construct ("cannot translate "EXCLUDE" constraint to
 * SQLite"), with the hint to write <stem>.sqlite.sql beside the file: CREATE VIEW,
 * columns of types none of the files defines (any schema but pg_catalog),
 * PARTITION OF, INHERITS, EXCLUDE, other ALTER
 * TABLE forms (DROP, RENAME, ALTER COLUMN TYPE...), an ALTER TABLE or CREATE
 * INDEX on a table none of the files creates, and functions, operators and
 * words SQLite lacks (~, CURRENT_USER, ARRAY...).
 *
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

/* What a translation left out, for the user: `notes` always shown (triggers not
 * created), `details` shown with -v (clauses dropped). Each names file and line. */
typedef struct translate_notes {
    diag_list notes;
    diag_list details;
} translate_notes;

void translate_notes_clear(translate_notes *notes);

/*
 * Translates `file_count` analysed files into one script: all CREATE TABLEs
 * (with the constraints later ALTERs add folded in) in the order the files are
 * given, each followed by its sqlite_sequence row and fill triggers (if any),
 * then every CREATE INDEX. An ALTER TABLE may add constraints to a
 * table created in another of the files. The hint for an untranslatable
 * construct names "<stem>.sqlite.sql" beside the file. What the copy leaves
 * out but a test can do without (functions, triggers, extensions, policies,
 * rules) is added to notes->notes, what it drops unseen (ownership, comments) to
 * notes->details (NULL: not told), one per statement. Returns 0, or -1 after adding one
 * diag per untranslatable construct (every problem, not only the first; `out` is then empty). `out`
 * must be zeroed; free it with sqlite_script_free.
 */
int translate_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                     translate_notes *notes, diag_list *diags);

void sqlite_script_free(sqlite_script *script);

#endif
