/*
 * translate_expression.h — the SQLite translator's expression rewriter, used
 * for defaults, CHECKs, generated columns, index columns and index
 * predicates. An expression is read into a list of pieces
 * (translate_expression.c), rewritten where PostgreSQL and SQLite spell a
 * thing differently (translate_rewrite.c), date/time arithmetic turned into
 * SQLite's date functions or refused (translate_datetime.c), then checked and
 * written out (translate_expression.c). Private to src/translate/translate_*.c.
 */
#ifndef FOSTER_TRANSLATE_EXPRESSION_H
#define FOSTER_TRANSLATE_EXPRESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlsplit.h"
#include "strbuf.h"
#include "translate_sqlite_internal.h"
#include "translate_tokens.h"

/* The moment a piece written by translate_datetime.c stands for: SQLite's
 * datetime(), date() or time() of 'now' with modifiers. */
typedef enum moment_kind {
    MOMENT_NONE,
    MOMENT_TIMESTAMP,
    MOMENT_DATE,
    MOMENT_TIME,
} moment_kind;

/* One token of an expression being rewritten; `text` points into the
 * statement, a word list, or a string the expression owns. */
typedef struct piece {
    sql_token_kind kind;
    const char *text;
    size_t length;
    const sql_token *origin;      /* the token it came from, for messages */
    cast_kind cast;               /* the last cast of this piece (of the group it closes) */
    const sql_token *cast_origin; /* its "::", for messages */
    moment_kind moment;           /* set on a datetime('now', ...) piece of translate_datetime.c */
} piece;

typedef struct expression {
    piece *items;
    size_t count;
    size_t capacity;
    char **owned;
    size_t owned_count;
    size_t owned_capacity;
    char last_cast[24];         /* first word of the type of the last cast dropped, lower case */
    const table_build *table;   /* whose columns the expression names, or NULL */
    const column_build *column; /* the column being defined (not yet in `table`), or NULL */
} expression;

typedef enum expression_place {
    PLACE_DEFAULT, /* after DEFAULT: wrapped in parentheses unless a plain literal */
    PLACE_OTHER,   /* CHECK, generated column, index column or predicate */
} expression_place;

/* Translates the tokens in `c` into `out`; false after a report. Columns
 * the expression names are looked up in tr->scope_table and
 * tr->scope_column, so that date/time arithmetic on them is refused. */
bool translate_expression(translator *tr, sql_cursor c, expression_place place, strbuf *out);

/* Translates the default in `c` of a column whose PostgreSQL type is
 * `column_type` into `out`: the current moment is converted to that type
 * as PostgreSQL converts a value on assignment (now() into a date column
 * is CURRENT_DATE); false after a report. */
bool translate_default_expression(translator *tr, sql_cursor c, cast_kind column_type, strbuf *out);

/* At '(': appends prefix "(" expression ")" and moves past the ')'. */
bool translate_parenthesized(translator *tr, sql_cursor *c, const char *prefix, strbuf *out);

static inline bool piece_is(const expression *ex, size_t i, const char *word)
{
    return i < ex->count &&
           (ex->items[i].kind == SQL_TOKEN_WORD || ex->items[i].kind == SQL_TOKEN_OPERATOR) &&
           text_is(ex->items[i].text, ex->items[i].length, word);
}

static inline bool piece_is_punct(const expression *ex, size_t i, char p)
{
    return i < ex->count && ex->items[i].kind == SQL_TOKEN_PUNCT && ex->items[i].length == 1 &&
           ex->items[i].text[0] == p;
}

/* Appends a piece; false when memory ran out. */
bool translate_push_piece(expression *ex, sql_token_kind kind, const char *text, size_t length,
                          const sql_token *origin);

/* Appends a copy of `p` (its cast too); false when memory ran out. */
bool translate_push_copy(expression *ex, const piece *p);

/* Appends `text` (malloc'd, now the expression's) as one piece; false when
 * memory ran out (`text` freed). */
bool translate_push_owned(expression *ex, sql_token_kind kind, char *text, const sql_token *origin);

/* Appends a word (a string constant, not copied); false when memory ran out. */
bool translate_push_word(expression *ex, const char *word, const sql_token *origin);

/* True when piece i is a function's name: a name, then '('. */
bool translate_piece_is_call(const expression *ex, size_t i);

/* True when piece i is a keyword of an expression (AND, THEN, IN...). */
bool translate_piece_is_keyword(const expression *ex, size_t i);

/* Index of the piece closing the bracket at `open`, or ex->count. */
size_t translate_closing_piece(const expression *ex, size_t open);

/* Second step: PostgreSQL forms with a SQLite spelling get it; false when
 * memory ran out (noted). */
bool translate_rewrite_pieces(translator *tr, expression *ex);

/* Third step: now() and CURRENT_DATE moved by an interval or a number of
 * days, and casts of them to date or time, become SQLite's date functions;
 * other arithmetic or casts on date/time values are reported. False after
 * a report or when memory ran out (noted). */
bool translate_rewrite_datetime(translator *tr, expression *ex);

/* A default that is the current moment (maybe moved) or a date/time
 * constant, converted to `column_type` as PostgreSQL assigns it (`source`
 * is the default's tokens, for a message); false after a report (a moment
 * PostgreSQL would not assign, or one whose text differs) or when memory
 * ran out (noted). */
bool translate_assign_datetime(translator *tr, expression *ex, cast_kind column_type,
                               sql_cursor source);

typedef enum interval_reading {
    INTERVAL_EXACT,      /* days, weeks, hours, minutes, seconds, 'HH:MM:SS' */
    INTERVAL_CALENDAR,   /* months or years: SQLite ends them elsewhere */
    INTERVAL_UNREADABLE, /* a form this translator does not read */
} interval_reading;

/* The interval constant `text` (a '...' string) as SQLite modifiers
 * appended to `out` (", '+1 days', '-2 hours'"), each turned round when
 * `negate`; on anything but INTERVAL_EXACT `out` holds no sense
 * (translate_interval.c). */
interval_reading translate_interval_modifiers(const char *text, size_t length, bool negate,
                                              strbuf *out);

/* Reads digits at *at (at most 9, so no overflow), moving past them; -1 when there are
 * none or more than 9 (translate_interval.c). */
long long translate_read_digits(const char **at, const char *end);

/* 'now'::date and the like become CURRENT_DATE/TIME/TIMESTAMP; false when
 * memory ran out. */
bool translate_rewrite_now_literal(expression *ex);

#endif
