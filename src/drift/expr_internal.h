/*
 * expr_internal.h — what expr_parse.c (the lexer and parser) hands the
 * printer of expr_canon.c: the tree of one expression. Private to
 * src/drift/expr*.c.
 */
#ifndef FOSTER_DRIFT_EXPR_INTERNAL_H
#define FOSTER_DRIFT_EXPR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { T_WORD, T_QUOTED, T_NUMBER, T_STRING, T_OP, T_PUNCT, T_CAST, T_END } tkind;

typedef struct tok {
    tkind kind;
    char *text; /* words lower-cased; strings and quoted names as written */
} tok;

typedef enum {
    N_ATOM,
    N_NUMBER,
    N_STRING,
    N_UNARY,
    N_BINARY,
    N_POSTFIX,
    N_CAST,
    N_CALL,
    N_IN,
    N_ANY,
    N_ARRAY
} nkind;

typedef struct node {
    nkind kind;
    const char *text;    /* ATOM/NUMBER/STRING: the token; UNARY/BINARY/POSTFIX/ANY: the
                            operator; CAST: the type; CALL: the function */
    struct node *left;   /* the operand (UNARY/POSTFIX/CAST), left side (BINARY/IN/ANY) */
    struct node *right;  /* BINARY: right side; ANY: the array */
    struct node **items; /* CALL: arguments; IN/ARRAY: the values */
    size_t item_count;
    bool negated; /* IN: NOT IN; ANY: ALL */
    struct node *next_allocated;
} node;

typedef struct parser {
    tok *toks;
    size_t count, pos;
    node *allocated;
    bool failed;
} parser;

/* The tree of `text` (p zeroed), or NULL when it is not an expression foster reads
 * (or memory ran out); expr_parser_free frees it either way. */
node *expr_parse(parser *p, const char *text);
void expr_parser_free(parser *p);

/* The length of the quoted string or name at `s` (quote doubled inside), 0 when unclosed. */
size_t expr_quoted_length(const char *s, char quote);
/* The length of the number at `s`. */
size_t expr_number_length(const char *s);

#endif
