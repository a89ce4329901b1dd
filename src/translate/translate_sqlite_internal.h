/*
 * translate_sqlite_internal.h — what the files of the SQLite translator
 * share: the tables being built, the translator's state, reporting, and each
 * part's entry points. The interface is translate_sqlite.h; this header is
 * private to:
 *
 *   translate_sqlite.c       the two passes over the files, reporting, the output
 *   translate_tokens.c       reading a statement's tokens; names as SQLite reads them
 *   translate_tables.c       CREATE TABLE and the ALTER TABLEs folded into it
 *   translate_columns.c      column definitions: types, defaults, identity
 *   translate_constraints.c  PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY / REFERENCES
 *   translate_index.c        CREATE INDEX
 *   translate_expression.c   expressions (defaults, CHECKs, index columns and
 *                            predicates): reading, checking and writing them
 *   translate_rewrite.c      PostgreSQL forms in expressions that SQLite spells
 *                            differently (now(), = ANY (ARRAY[...]), TRIM(BOTH ...))
 *   translate_datetime.c     date/time arithmetic and casts: SQLite's date
 *                            functions of 'now', or an error
 *   translate_interval.c     an interval constant as SQLite date modifiers
 *   translate_identity.c     identity and sequence options: how SQLite fills a
 *                            key in (rowid, AUTOINCREMENT from START WITH, a trigger)
 *
 * Functions one file lends another start with translate_ (or name the type
 * they free). Reading tokens is described in translate_tokens.h, the
 * expression rewriter in translate_expression.h.
 */
#ifndef FOSTER_TRANSLATE_SQLITE_INTERNAL_H
#define FOSTER_TRANSLATE_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "ddl_elements.h"
#include "diag.h"
#include "sqlsplit.h"
#include "strbuf.h"
#include "translate_sqlite.h"
#include "translate_tokens.h"

/* ---- what is being built ------------------------------------------------- */

/* START WITH and INCREMENT BY of an identity column or a sequence. */
typedef struct sequence_options {
    bool given;          /* START or INCREMENT was written */
    long long start;     /* 1 unless written (or -1 going down) */
    long long increment; /* 1 unless written */
    const ddl_file *file;
    int line, column; /* of INCREMENT (else of the options), for a refusal */
} sequence_options;

/* How SQLite fills an auto-increment column in. */
typedef enum identity_fill {
    FILL_ROWID,         /* the INTEGER PRIMARY KEY: SQLite's max+1 (START WITH 1) */
    FILL_AUTOINCREMENT, /* the INTEGER PRIMARY KEY AUTOINCREMENT with a sqlite_sequence row */
    FILL_TRIGGER        /* not the rowid: a trigger fills NULL in (max + increment) */
} identity_fill;

/* What a cast to a PostgreSQL type does, as far as SQLite's text forms of
 * dates and times care; also a column's PostgreSQL type, to which a value
 * assigned to it is converted. */
typedef enum cast_kind {
    CAST_NONE, /* no cast; of a column: its type is not known */
    CAST_OTHER,
    CAST_INTEGER,
    CAST_DATE,
    CAST_TIME,      /* time, timetz */
    CAST_TIMESTAMP, /* timestamp, timestamptz */
    CAST_INTERVAL,
} cast_kind;

/* What a cast to the type whose first word is `name` (lower case, without
 * schema) does (translate_expression.c). */
cast_kind translate_cast_kind_of(const char *name);

typedef struct column_build {
    char *name;          /* as SQLite reads it (quoted when SQLite reserves the word) */
    char *folded;        /* folded as PostgreSQL does, for ALTER COLUMN */
    char *type;          /* SQLite type; INTEGER is used instead when auto_increment */
    cast_kind pg_type;   /* the PostgreSQL type, for dates and times */
    bool auto_increment; /* serial, identity or nextval default */
    bool not_null;
    char *default_value;       /* after DEFAULT, or NULL */
    strbuf constraints;        /* the column's other constraints, each after a space */
    size_t primary_key_end;    /* in constraints, just after its PRIMARY KEY (0: none) */
    sequence_options identity; /* GENERATED ... AS IDENTITY (options) */
    char *sequence;            /* the sequence a nextval default names (normalised), or NULL */
    identity_fill fill;        /* decided by translate_plan_identities */
} column_build;

typedef struct table_build {
    char *key;  /* normalised name (ddl_normalize_name) */
    char *name; /* the bare name as SQLite reads it */
    const ddl_file *file;
    int line;      /* of the CREATE TABLE */
    int name_line; /* of the table name, for messages */
    int name_column;
    column_build *columns;
    size_t column_count;
    size_t column_capacity;
    strbuf constraints; /* table constraints, each after ",\n    " */
} table_build;

/* A CREATE TYPE or CREATE DOMAIN, for the columns of that type. */
typedef struct user_type {
    char *key; /* normalised name */
    bool is_enum;
    char *enum_values; /* "'a', 'b'", as written */
    bool is_domain;
    column_build domain; /* the domain read as a column: type, NOT NULL, DEFAULT, CHECK */
} user_type;

typedef struct translator {
    const ddl_file *const *files;
    size_t file_count;
    const ddl_file *file; /* the file being read */
    table_build *tables;
    size_t table_count;
    size_t table_capacity;
    sqlite_script indexes;
    size_t index_capacity;
    diag_list diags; /* sorted into file order, then handed over */
    user_type *user_types;
    size_t user_type_count;
    struct named_sequence *sequences; /* CREATE SEQUENCE options, for nextval columns */
    size_t sequence_count;
    size_t sequence_capacity;
    translate_notes *notes;           /* what SQLite leaves out; not errors */
    const table_build *scope_table;   /* whose columns expressions name, or NULL */
    const column_build *scope_column; /* the column being read, or NULL */
    bool failed;                      /* a problem was reported */
    bool out_of_memory;
} translator;

/* ---- reporting and memory (translate_sqlite.c) --------------------------- */

/* Reports a problem at token `at` of the current file, with the hint to
 * write a <stem>.sqlite.sql; marks the translation failed. */
void translate_report(translator *tr, const sql_token *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports the token at the cursor as one this translator does not expect
 * in `where`; returns false. */
bool translate_unexpected(translator *tr, const sql_cursor *c, const char *where);

/* Notes (not an error) what the SQLite copy leaves out, at token `at`. */
void translate_note(translator *tr, const sql_token *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Notes that memory ran out unless `ok`; returns `ok`. */
bool translate_note_memory(translator *tr, bool ok);

/* Grows an array to hold one more item; returns it (maybe moved) or NULL. */
void *translate_grow_array(void *items, size_t *capacity, size_t count, size_t size);

/* ---- constraints (translate_constraints.c) ------------------------------- */

/* One constraint, column or table level, appended after a space. */
bool translate_constraint(translator *tr, sql_cursor *c, bool column_level, strbuf *out);

/* ---- columns (translate_columns.c) --------------------------------------- */

void column_build_free(column_build *col);

/* A column element of `tokens` (ddl_elements.h): name type [constraints...];
 * `ddl` (or NULL) tells which columns the DDL reader found auto-increment. */
bool translate_column(translator *tr, const sql_tokens *tokens, const ddl_element *e,
                      const ddl_table *ddl, column_build *col);

/* Sets (or, for a nextval default, drops) the column's default. */
bool translate_default(translator *tr, sql_cursor c, column_build *col);

/* At GENERATED: identity makes the column auto_increment; a generated
 * expression is kept. */
bool translate_generated(translator *tr, sql_cursor *c, column_build *col);

/* The column as SQLite's CREATE TABLE lists it. */
void translate_append_column(strbuf *out, const column_build *col);

/* ---- identity columns and sequences (translate_identity.c) -------------- */

/* Reads sequence options (START WITH, INCREMENT BY, and the ones SQLite has no
 * use for) from the cursor to its end; false after reporting a bad one. */
bool translate_sequence_options(translator *tr, sql_cursor c, sequence_options *out);

/* CREATE SEQUENCE: its options remembered for the columns whose nextval names it. */
void translate_create_sequence(translator *tr, const sql_tokens *tokens);

/* The sequence nextval('name') names in the default at the cursor, normalised
 * into col->sequence (left NULL when the argument is not a plain string). */
bool translate_nextval_sequence(translator *tr, sql_cursor c, column_build *col);

/* After both passes: how each auto-increment column is filled in; refuses
 * INCREMENT BY other than 1 on a table's INTEGER PRIMARY KEY. */
void translate_plan_identities(translator *tr);

/* Appends CREATE TABLE's column list and constraints for `table`, with
 * AUTOINCREMENT and the NOT NULL a fill trigger needs dropped. */
void translate_append_table_body(strbuf *sql, const table_build *table);

/* The statements that go with `table` after its CREATE TABLE: a sqlite_sequence
 * row, fill triggers. Adds them to `out` (room for column_count). */
bool translate_emit_identities(translator *tr, const table_build *table, sqlite_script *out);

void translate_sequences_free(translator *tr);

/* ---- types (translate_types.c) ------------------------------------------ */

/* CREATE TYPE / CREATE DOMAIN remembered for the columns of that type; false
 * when the statement is neither. */
bool translate_user_type(translator *tr, const sql_tokens *tokens);

/* The column's type when it is a user type or a built-in SQLite lacks:
 * 1 and col->type set, 0 not such a type, -1 out of memory. */
int translate_special_type(translator *tr, sql_cursor c, column_build *col);

/* True when the cursor spans exactly gen_random_uuid() or uuid_generate_v4(). */
bool translate_random_uuid_default(const sql_cursor *c);

/* A random version 4 UUID as a SQLite expression, in parentheses. */
extern const char translate_random_uuid_sql[];

void translate_user_types_free(translator *tr);

/* ---- tables (translate_tables.c) and indexes (translate_index.c) --------- */

void table_build_free(table_build *table);

/* The table built under normalised name `key`, or NULL. */
table_build *translate_find_table(translator *tr, const char *key);

/* Reads [schema.]name at the cursor: its normalised key (caller frees) and
 * its last part; NULL after a report. */
char *translate_read_table_name(translator *tr, sql_cursor *c, const sql_token **bare);

void translate_create_table(translator *tr, const ddl_statement *statement,
                            const sql_tokens *tokens);

/* Tables of different schemas that SQLite would see under one name. */
void translate_check_bare_names(translator *tr);

void translate_alter_table(translator *tr, const sql_tokens *tokens);

void translate_create_index(translator *tr, const ddl_statement *statement,
                            const sql_tokens *tokens);

#endif
