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
#include "diag.h"
#include "sqlsplit.h"
#include "strbuf.h"
#include "translate_sqlite.h"
#include "translate_tokens.h"

/* ---- what is being built ------------------------------------------------- */

typedef struct column_build {
    char *name;          /* as SQLite reads it (quoted when SQLite reserves the word) */
    char *folded;        /* folded as PostgreSQL does, for ALTER COLUMN */
    char *type;          /* SQLite type; INTEGER is used instead when auto_increment */
    bool auto_increment; /* serial, identity or nextval default */
    bool not_null;
    char *default_value; /* after DEFAULT, or NULL */
    strbuf constraints;  /* the column's other constraints, each after a space */
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
    translate_notes *notes; /* what SQLite leaves out; not errors */
    bool failed;            /* a problem was reported */
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

/* name type [constraints...], the cursor spanning the whole definition;
 * `ddl` (or NULL) tells which columns the DDL reader found auto-increment. */
bool translate_column(translator *tr, sql_cursor c, const ddl_table *ddl, column_build *col);

/* Sets (or, for a nextval default, drops) the column's default. */
bool translate_default(translator *tr, sql_cursor c, column_build *col);

/* At GENERATED: identity makes the column auto_increment; a generated
 * expression is kept. */
bool translate_generated(translator *tr, sql_cursor *c, column_build *col);

/* The column as SQLite's CREATE TABLE lists it. */
void translate_append_column(strbuf *out, const column_build *col);

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
