/*
 * ddl_elements.h — a PostgreSQL CREATE TABLE's column list read once: each
 * element (a column with its type and inline constraints, a table
 * constraint, LIKE) and each constraint's parts as ranges of the statement's
 * tokens. The DDL reader (ddl_columns.c), the SQLite translator
 * (translate_tables.c, translate_columns.c) and the table models of drift
 * (model_columns.c) all read a table's elements from here; ddl_analyze keeps
 * them in the CREATE TABLE's ddl_statement.
 *
 * Pure: ranges index the sql_tokens they were read from, which must outlive
 * them. The reader never fails on odd SQL: what it could not read is an
 * element's `expected` (and `error_at`), for the caller to report or ignore.
 */
#ifndef FOSTER_DDL_ELEMENTS_H
#define FOSTER_DDL_ELEMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlsplit.h"

/* Tokens [begin, end) of a statement; empty when begin == end. */
typedef struct sql_range {
    size_t begin;
    size_t end;
} sql_range;

#define DDL_NO_TOKEN ((size_t)-1)

typedef enum ddl_constraint_kind {
    DDL_CONSTRAINT_NOT_NULL,
    DDL_CONSTRAINT_NULL,
    DDL_CONSTRAINT_DEFAULT,     /* expr: the default expression */
    DDL_CONSTRAINT_PRIMARY_KEY, /* columns: inside the brackets (table level) */
    DDL_CONSTRAINT_UNIQUE,      /* columns: inside the brackets (table level) */
    DDL_CONSTRAINT_FOREIGN_KEY, /* REFERENCES, or FOREIGN KEY (columns) REFERENCES */
    DDL_CONSTRAINT_CHECK,       /* expr: inside the brackets */
    DDL_CONSTRAINT_GENERATED,   /* GENERATED ALWAYS AS (expr) STORED: expr inside brackets */
    DDL_CONSTRAINT_IDENTITY,    /* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)]:
                                   expr the sequence options inside the brackets */
    DDL_CONSTRAINT_COLLATE,     /* expr: the collation's (qualified) name */
    DDL_CONSTRAINT_STORAGE,     /* STORAGE x or COMPRESSION x: expr the x */
    DDL_CONSTRAINT_EXCLUDE,     /* EXCLUDE ...: to the end of the element */
    DDL_CONSTRAINT_OTHER,       /* a token that starts no constraint (one token) */
} ddl_constraint_kind;

typedef struct ddl_constraint {
    ddl_constraint_kind kind;
    sql_range range;          /* the whole constraint: CONSTRAINT name to its last option */
    size_t name;              /* the name after CONSTRAINT, or DDL_NO_TOKEN */
    size_t keyword;           /* its first word after CONSTRAINT name (NOT, DEFAULT, ...) */
    sql_range expr;           /* see the kinds */
    sql_range columns;        /* PRIMARY KEY / UNIQUE / FOREIGN KEY (columns), brackets off */
    sql_range target;         /* REFERENCES: the table's (qualified) name */
    sql_range target_columns; /* REFERENCES t (columns), brackets off; empty for none */
    sql_range options;        /* after a key or CHECK: MATCH, ON DELETE/UPDATE, [NOT]
                                 DEFERRABLE, INITIALLY, NOT VALID, NO INHERIT, INCLUDE, WITH,
                                 USING INDEX TABLESPACE */
} ddl_constraint;

typedef enum ddl_element_kind {
    DDL_ELEMENT_COLUMN,     /* name type [constraints] */
    DDL_ELEMENT_CONSTRAINT, /* a table constraint: constraints[0] */
    DDL_ELEMENT_LIKE,       /* LIKE source [options] */
    DDL_ELEMENT_EMPTY,      /* nothing between two commas */
    DDL_ELEMENT_OTHER,      /* none of these (expected says why) */
} ddl_element_kind;

typedef struct ddl_element {
    ddl_element_kind kind;
    sql_range range;             /* the element, without the comma after it */
    size_t name;                 /* a column's name token, else DDL_NO_TOKEN */
    sql_range type;              /* a column's type, as written */
    ddl_constraint *constraints; /* in order: a column's inline ones; a table constraint */
    size_t constraint_count;
    const char *expected; /* NULL, or what the reader expected at `error_at`: "a column type" */
    size_t error_at;      /* a token index of the element, or range.end */
} ddl_element;

typedef struct ddl_elements {
    ddl_element *items;
    size_t count;
    size_t open;  /* the '(' of the list */
    size_t close; /* its ')' */
} ddl_elements;

/*
 * Reads one element from tokens [begin, end) of `t` (a CREATE TABLE's, or an
 * ALTER TABLE ... ADD's after ADD [COLUMN] [IF NOT EXISTS]). 0, or -1 when
 * memory ran out. Free with ddl_element_free.
 */
int ddl_read_element(const sql_tokens *t, size_t begin, size_t end, ddl_element *out);

/*
 * Reads the elements between the brackets at `open` and `close`, split at
 * the commas outside brackets. 0, or -1 when memory ran out. Free with
 * ddl_elements_free.
 */
int ddl_read_elements(const sql_tokens *t, size_t open, size_t close, ddl_elements *out);

void ddl_element_free(ddl_element *element);
void ddl_elements_free(ddl_elements *elements);

/* The first constraint of `kind` in `element`, or NULL. */
const ddl_constraint *ddl_element_constraint(const ddl_element *element, ddl_constraint_kind kind);

/* True when the DEFAULT's (or any) range calls nextval(...). */
bool ddl_range_calls_nextval(const sql_tokens *t, sql_range range);

#endif
