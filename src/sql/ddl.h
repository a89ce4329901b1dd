/*
 * ddl.h — what a schema file says, in the terms foster needs: which table
 * each statement is about, which tables it references, what a CREATE TABLE's
 * columns are, and which statements a throwaway copy skips (ownership,
 * privileges, comments, session settings, psql meta-commands).
 *
 * Pure: works on the statements sql_split produced; no database.
 *
 * Table names are normalised the same way everywhere in foster: identifiers
 * folded as PostgreSQL folds them, a "public." qualifier dropped, any other
 * schema kept as "schema.table". So `CREATE TABLE public."Foo"` is "Foo",
 * `CREATE TABLE billing.invoice` is "billing.invoice".
 */
#ifndef FOSTER_DDL_H
#define FOSTER_DDL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sqldialect.h"
#include "sqlsplit.h"

typedef enum ddl_kind {
    DDL_CREATE_TABLE,    /* CREATE [UNLOGGED|TEMP] TABLE [IF NOT EXISTS] name (...) */
    DDL_ALTER_TABLE,     /* ALTER TABLE [IF EXISTS] [ONLY] name ... (not OWNER TO) */
    DDL_CREATE_INDEX,    /* CREATE [UNIQUE] INDEX ... ON [ONLY] name ... */
    DDL_CREATE_SEQUENCE, /* CREATE SEQUENCE ... */
    DDL_ALTER_SEQUENCE,  /* ALTER SEQUENCE ... (OWNED BY, RESTART, ...) */
    DDL_SKIP,            /* SET, SELECT pg_catalog.set_config(...), ALTER ... OWNER TO,
                            GRANT, REVOKE, COMMENT ON, psql meta-commands,
                            SELECT pg_catalog.setval(...) */
    DDL_SETTING,         /* SET check_function_bodies | standard_conforming_strings, or
                            pg_dump's SELECT set_config('search_path', ...): changes how
                            later DDL is read; its text says SET LOCAL (set_config's
                            is_local true), so it lasts as long as the transaction that
                            creates the tables (the backend undoes search_path after
                            the file) */
    DDL_OTHER,           /* anything else (CREATE SCHEMA, CREATE TYPE, CREATE FUNCTION...) */
    DDL_CREATE_TRIGGER,  /* MySQL's CREATE TRIGGER ... ON table (myddl.h); PostgreSQL's is OTHER */
} ddl_kind;

/* What a statement creates (or, for ALTER, changes), whatever its ddl_kind. */
typedef enum ddl_object_kind {
    DDL_OBJECT_NONE,
    DDL_OBJECT_TABLE, /* CREATE TABLE, ALTER TABLE */
    DDL_OBJECT_SEQUENCE,
    DDL_OBJECT_INDEX,
    DDL_OBJECT_TYPE, /* enum, composite, range, base */
    DDL_OBJECT_DOMAIN,
    DDL_OBJECT_FUNCTION, /* also procedures and aggregates */
    DDL_OBJECT_TRIGGER,
    DDL_OBJECT_EXTENSION,
    DDL_OBJECT_SCHEMA,
    DDL_OBJECT_VIEW, /* also materialized views */
    DDL_OBJECT_POLICY,
    DDL_OBJECT_RULE,
    DDL_OBJECT_COLLATION,
    DDL_OBJECT_OTHER,
} ddl_object_kind;

typedef struct ddl_column {
    char *name;          /* folded identifier */
    char *type;          /* type as written, e.g. "character varying(150)" */
    bool not_null;       /* NOT NULL or PRIMARY KEY on the column */
    bool primary_key;    /* part of the primary key (inline, table constraint, or ALTER ... ADD) */
    bool has_default;    /* DEFAULT, serial types, identity, or nextval default added later */
    bool auto_increment; /* serial/bigserial/smallserial, GENERATED ... AS IDENTITY, or a
                            nextval(...) default (inline or by ALTER COLUMN SET DEFAULT) */
    int line;            /* where the column is defined */
} ddl_column;

struct ddl_elements; /* ddl_elements.h */

typedef struct ddl_statement {
    ddl_kind kind;
    const sql_statement *source; /* points into the analysed sql_script */
    sql_tokens tokens;           /* its tokens, read once by ddl_analyze; empty when `tokenized`
                                    is false (the MySQL reader's, or a tokenising error) */
    bool tokenized;
    struct ddl_elements *elements; /* a CREATE TABLE's column list read once, or NULL */
    char *table;                   /* normalised name of the table it is about, or NULL:
                                      the CREATE/ALTER TABLE target, CREATE INDEX's ON table,
                                      a sequence's OWNED BY table; NULL for DDL_SKIP/OTHER */
    char **references;             /* normalised names of tables it references (FKs), each
                                      once, in order of appearance; may include `table` */
    size_t reference_count;
    ddl_object_kind object; /* what it creates or alters (ddl_objects.c) */
    char *object_name;      /* its normalised name ("rating", "billing.status"), or NULL;
                               for a trigger, index or policy its own name */
    char *parent;           /* the partitioned table a CREATE TABLE ... PARTITION OF or
                               ALTER TABLE ... ATTACH PARTITION names (normalised), or
                               NULL; for ATTACH, `object_name` is the partition */
    char *on_table;         /* a trigger's, policy's or rule's table (normalised) */
    char *sql_mode;         /* a MySQL trigger's sql_mode: the string literal ('' too) the last
                               SET [SESSION] sql_mode before it in its file gives, as written;
                               NULL when none does or that one sets it from a variable */
} ddl_statement;

typedef struct ddl_table {
    char *name;          /* normalised name */
    char *schema;        /* schema, folded like names, NULL for none/public */
    char *bare_name;     /* table name without schema */
    ddl_column *columns; /* in CREATE TABLE order */
    size_t column_count;
    int line; /* line of the CREATE TABLE */
} ddl_table;

typedef struct ddl_file {
    char *display_name;        /* as messages name the file */
    sql_dialect dialect;       /* what it was read as: myddl.h sets MYSQL; 0 (UNKNOWN) is
                                  PostgreSQL's reader, here, unless the caller records it */
    sql_script script;         /* owned */
    ddl_statement *statements; /* one per script item, same order */
    size_t statement_count;
    ddl_table *tables; /* one per CREATE TABLE in the file */
    size_t table_count;
} ddl_file;

/*
 * Analyses `script` (ownership moves into `out`, even on failure: do not free
 * it separately). Returns 0, or -1 after adding diags for statements it could
 * not read (a CREATE TABLE without a column list, an unterminated construct).
 * `out` must be zeroed; free it with ddl_file_free in every case.
 */
int ddl_analyze(sql_script *script, const char *display_name, ddl_file *out, diag_list *diags);

/* Reads, splits and analyses `path`. Same returns as ddl_analyze. */
int ddl_load_file(const char *path, const char *display_name, ddl_file *out, diag_list *diags);

void ddl_file_free(ddl_file *file);

/* The table named `name` (normalised) in `file`, or NULL. */
const ddl_table *ddl_file_table(const ddl_file *file, const char *name);

/* The column `name` of `table`, or NULL. */
const ddl_column *ddl_table_column(const ddl_table *table, const char *name);

/*
 * Normalises a table name as written in a manifest section or a DDL
 * statement ("public.x" -> "x", "Billing.Invoice" -> "billing.invoice",
 * "\"A\".b" -> "A.b"). Caller frees; NULL when memory ran out.
 */
char *ddl_normalize_name(const char *written);

/*
 * Applies the ALTER TABLE statements of `file` that change a column's
 * default or identity (SET DEFAULT nextval(...), ADD GENERATED ... AS
 * IDENTITY) to the columns of its tables. Called by ddl_analyze; exposed for
 * tests.
 */
void ddl_apply_column_alters(ddl_file *file);

/* "type", "function", "sequence"... as messages name an object kind. */
const char *ddl_object_kind_name(ddl_object_kind kind);

/* Whether the statement is a CREATE (of what `object` says). */
bool ddl_statement_creates(const ddl_statement *statement);

/*
 * Every name `statement` mentions, normalised, each once: qualified names
 * anywhere in it, and those inside its string constants (a nextval('seq')
 * argument, a function body). Over-approximates on purpose: a column called
 * like a type mentions the type. Returns the count, or -1 when memory ran out;
 * *out is a new array the caller frees with strings_free (strbuf.h).
 */
long ddl_statement_mentions(const ddl_statement *statement, char ***out);

/* The package that provides PostgreSQL extension `extension` (Debian's name, NN standing
 * for the server's major version), for messages. Never NULL. */
const char *ddl_extension_package(const char *extension);

#endif
