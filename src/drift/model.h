/*
 * model.h — a table model: what a schema file (or the owner's dump) says a
 * table is, in terms two copies can be compared by: each column's type
 * (family, length, precision), nullability and default; the primary,
 * unique and foreign keys and checks; the indexes; the enum types and
 * domains the columns use — each with the file and line it came from.
 *
 * Built from the DDL reader's statements (ddl.h) and their tokens; pure (no
 * database). Names are normalised as ddl.h says ("public." dropped, folded).
 * Types are written as pg_dump writes them ("character varying(150)",
 * "integer", "timestamp with time zone"), so that a hand-written `varchar(150)`
 * and the owner's dump compare equal.
 */
#ifndef FOSTER_DRIFT_MODEL_H
#define FOSTER_DRIFT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"

typedef struct model_column {
    char *name;
    char *type;           /* canonical, e.g. "numeric(12,2)", "mood" for a type of the schema */
    char *family;         /* integer, decimal, float, text, boolean, date, time, timestamp,
                             interval, uuid, json, binary, enum, domain, other */
    long length;          /* character varying(n) / character(n): n; -1 when none */
    int precision, scale; /* numeric(p,s): p and s; -1 when not given */
    bool not_null;
    char *default_value; /* normalised expression, NULL when none */
    bool identity;       /* GENERATED ... AS IDENTITY */
    const char *file;    /* borrowed from the model's file list */
    int line;
} model_column;

typedef enum model_constraint_kind {
    MODEL_PRIMARY_KEY,
    MODEL_UNIQUE,
    MODEL_FOREIGN_KEY,
    MODEL_CHECK,
} model_constraint_kind;

typedef struct model_constraint {
    model_constraint_kind kind;
    char *name;       /* as written, NULL for an unnamed inline constraint */
    char *columns;    /* "a, b" (keys); NULL for checks */
    char *references; /* FOREIGN KEY: "table(a, b)" and its actions, normalised */
    char *expression; /* CHECK: the normalised expression */
    const char *file;
    int line;
} model_constraint;

typedef struct model_index {
    char *name;
    char *definition; /* "UNIQUE btree (a, b) WHERE ..." normalised, without name and table */
    const char *file;
    int line;
} model_index;

/* What a throwaway copy skips (ownership, grants, comments): compared with --strict. */
typedef struct model_extra {
    char *text; /* the normalised statement */
    const char *file;
    int line;
} model_extra;

typedef struct model_table {
    char *name;
    const char *file;
    int line;
    model_column *columns;
    size_t column_count;
    model_constraint *constraints;
    size_t constraint_count;
    model_index *indexes;
    size_t index_count;
    model_extra *extras;
    size_t extra_count;
} model_table;

typedef enum model_type_kind { MODEL_ENUM, MODEL_DOMAIN } model_type_kind;

typedef struct model_type {
    char *name;
    model_type_kind kind;
    char *definition; /* ENUM: "'a', 'b'"; DOMAIN: "integer NOT NULL CHECK (...)" normalised */
    const char *file;
    int line;
} model_type;

typedef struct table_model {
    char **files; /* owned display names, borrowed by every element */
    size_t file_count;
    model_table *tables;
    size_t table_count;
    model_type *types;
    size_t type_count;
} table_model;

/*
 * Adds what `file` (analysed by ddl_analyze) says to `model`: its tables
 * (every CREATE TABLE, or only `only_table` when not NULL), the ALTER TABLE,
 * CREATE INDEX, COMMENT, GRANT and OWNER statements about them, and every
 * CREATE TYPE ... AS ENUM and CREATE DOMAIN. Returns 0, or -1 with a diag
 * (memory, or a statement it could not tokenize). `model` starts zeroed.
 */
int model_add_file(table_model *model, const ddl_file *file, const char *only_table,
                   diag_list *diags);

/* The table `name` (normalised) of `model`, or NULL. */
const model_table *model_find_table(const table_model *model, const char *name);
const model_column *model_find_column(const model_table *table, const char *name);
const model_type *model_find_type(const table_model *model, const char *name);

/*
 * The statement of `file` that creates the enum type or domain `name`
 * (normalised), as written, with its ';' and a newline: a new string; NULL
 * when there is none (or memory ran out).
 */
char *model_type_statement(const ddl_file *file, const char *name);

/* ---- facts about one column, for model checkers (model_facts.c) ---- */

/* Whether `column` alone is `table`'s primary key. */
bool model_column_is_primary_key(const model_table *table, const char *column);
/* Whether `column` alone is unique: a UNIQUE constraint or a unique index on it alone. */
bool model_column_is_unique(const model_table *table, const char *column);
/*
 * The constraint by which `column` alone references another table, or NULL;
 * its target as new strings in *target_table and *target_column (NULL when
 * the constraint names no column: the target's primary key).
 */
const model_constraint *model_column_reference(const model_table *table, const char *column,
                                               char **target_table, char **target_column);
/* The family of `column`'s type, looking through domains (an enum: "enum"). */
const char *model_column_family(const table_model *model, const model_column *column);

void table_model_free(table_model *model);

#endif
