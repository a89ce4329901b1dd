/*
 * translate_tokens.h — how the SQLite translator reads the tokens of one
 * statement (a cursor over them, word and bracket tests, qualified names),
 * and writes names as SQLite reads them. Private to src/translate/translate_*.c; the
 * small tests are inline, the rest is in translate_tokens.c.
 */
#ifndef FOSTER_TRANSLATE_TOKENS_H
#define FOSTER_TRANSLATE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "sqlsplit.h"
#include "strbuf.h"

/* Keywords SQLite refuses as a bare column or type name, NULL-terminated. */
extern const char *const sqlite_reserved_words[];

static inline bool text_is(const char *text, size_t length, const char *word)
{
    return strlen(word) == length && strncasecmp(text, word, length) == 0;
}

static inline bool text_in(const char *text, size_t length, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (text_is(text, length, words[i]))
            return true;
    return false;
}

static inline bool word_token_in(const sql_token *t, const char *const *words)
{
    return t->kind == SQL_TOKEN_WORD && text_in(t->start, t->length, words);
}

static inline bool is_identifier_token(const sql_token *t)
{
    return t->kind == SQL_TOKEN_WORD || t->kind == SQL_TOKEN_QUOTED_ID;
}

static inline bool is_punct(const sql_token *t, char c)
{
    return t->kind == SQL_TOKEN_PUNCT && t->length == 1 && t->start[0] == c;
}

/* A range of the tokens of one statement, read from `pos` up to `end`. */
typedef struct cursor {
    const sql_tokens *tokens;
    size_t pos;
    size_t end;
} cursor;

static inline const sql_token *token_at(const cursor *c, size_t ahead)
{
    return c->pos + ahead < c->end ? &c->tokens->items[c->pos + ahead] : NULL;
}

/* The token to name in a message about the current position. */
static inline const sql_token *here(const cursor *c)
{
    size_t i = c->pos < c->end ? c->pos : c->end - (c->end > 0);
    return &c->tokens->items[i < c->tokens->count ? i : c->tokens->count - 1];
}

static inline bool word_ahead(const cursor *c, size_t ahead, const char *word)
{
    const sql_token *t = token_at(c, ahead);
    return t && sql_token_is(t, word);
}

static inline bool at_word(const cursor *c, const char *word)
{
    return word_ahead(c, 0, word);
}

static inline bool punct_ahead(const cursor *c, size_t ahead, char p)
{
    const sql_token *t = token_at(c, ahead);
    return t && is_punct(t, p);
}

/* Index of the bracket closing the one at `open`, or `end` when none does. */
size_t translate_closing_bracket(const sql_tokens *tokens, size_t open, size_t end);

/* Index of the next ',' outside brackets from `i`, or `end`. */
size_t translate_next_top_level_comma(const sql_tokens *tokens, size_t i, size_t end);

/* Moves past a bracketed group at the cursor; false when it is not closed. */
bool translate_skip_group(cursor *c);

/* Moves past a name a.b.c; `last` gets the index of its last part. False
 * when no identifier is at the cursor. */
bool translate_skip_qualified_name(cursor *c, size_t *last);

/* The tokens [begin, end) as one line of text (for messages and keys); NULL
 * when memory ran out. */
char *translate_tokens_text(const sql_tokens *tokens, size_t begin, size_t end);

/* Appends a name token as SQLite reads it: quoted ones as written, bare
 * ones quoted when SQLite reserves the word. */
void translate_append_name(strbuf *out, const sql_token *t);

/* The same as a new string; NULL when memory ran out. */
char *translate_name_text(const sql_token *t);

/* True for BINARY, NOCASE and RTRIM, bare or quoted. */
bool translate_is_sqlite_collation(const sql_token *t);

#endif
