/*
 * translate_expression.h — the SQLite translator's expression rewriter, used
 * for defaults, CHECKs, generated columns, index columns and index
 * predicates. An expression is read into a list of pieces
 * (translate_expression.c), rewritten where PostgreSQL and SQLite spell a
 * thing differently (translate_rewrite.c), then checked and written out
 * (translate_expression.c). Private to src/translate/translate_*.c.
 */
#ifndef FOSTER_TRANSLATE_EXPRESSION_H
#define FOSTER_TRANSLATE_EXPRESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlsplit.h"
#include "strbuf.h"
#include "translate_sqlite_internal.h"
#include "translate_tokens.h"

/* One token of an expression being rewritten; `text` points into the
 * statement, a word list, or a string the expression owns. */
typedef struct piece {
    sql_token_kind kind;
    const char *text;
    size_t length;
    const sql_token *origin; /* the token it came from, for messages */
} piece;

typedef struct expression {
    piece *items;
    size_t count;
    size_t capacity;
    char **owned;
    size_t owned_count;
    size_t owned_capacity;
    char last_cast[24]; /* first word of the type of the last cast dropped, lower case */
} expression;

typedef enum expression_place {
    PLACE_DEFAULT, /* after DEFAULT: wrapped in parentheses unless a plain literal */
    PLACE_OTHER,   /* CHECK, generated column, index column or predicate */
} expression_place;

/* Translates the tokens in `c` into `out`; false after a report. */
bool translate_expression(translator *tr, sql_cursor c, expression_place place, strbuf *out);

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

/* Appends a word (a string constant, not copied); false when memory ran out. */
bool translate_push_word(expression *ex, const char *word, const sql_token *origin);

/* Index of the piece closing the bracket at `open`, or ex->count. */
size_t translate_closing_piece(const expression *ex, size_t open);

/* Second step: PostgreSQL forms with a SQLite spelling get it; false when
 * memory ran out (noted). */
bool translate_rewrite_pieces(translator *tr, expression *ex);

/* 'now'::date and the like become CURRENT_DATE/TIME/TIMESTAMP; false when
 * memory ran out. */
bool translate_rewrite_now_literal(expression *ex);

#endif
