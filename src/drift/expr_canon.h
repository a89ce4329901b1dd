/*
 * expr_canon.h — one spelling for SQL expressions that mean the same thing,
 * so that a hand-written `CHECK (x > 0)` and the server's normal form
 * `CHECK ((x > (0)::numeric))` compare equal while `x > 1` still differs.
 *
 * The expression is read with PostgreSQL's operator precedence and printed
 * back with every operator in parentheses, once: redundant parentheses go;
 * casts of literals (`(0)::numeric`, `'a'::text`, `'-1'::integer`) and the
 * casts to text the server adds around varchar values are dropped; `= ANY
 * (ARRAY[...])` is `IN (...)`, `<> ALL (ARRAY[...])` is `NOT IN (...)`, and
 * `BETWEEN a AND b` is `>= a AND <= b`. An expression it cannot read (CASE,
 * subqueries...) is kept as written, with its white space collapsed. Pure.
 */
#ifndef FOSTER_DRIFT_EXPR_CANON_H
#define FOSTER_DRIFT_EXPR_CANON_H

#include <stdbool.h>

/* The canonical spelling of `text`: a new string, NULL when memory ran out. */
char *expr_canonical(const char *text);

/* Whether `a` and `b` spell the same expression (both NULL: true). */
bool expr_same(const char *a, const char *b);

/*
 * `text` with the expression inside each `CHECK (...)` in canonical spelling
 * (a domain's definition: "integer NOT NULL CHECK (VALUE > 0)"): a new string,
 * NULL when memory ran out.
 */
char *expr_canonical_checks(const char *text);

#endif
