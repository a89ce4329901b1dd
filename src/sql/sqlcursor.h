/*
 * sqlcursor.h — how every reader of a statement's tokens walks them: tests
 * of one token (word, punctuation, name), the same tests by index, a cursor
 * over a range of tokens, brackets (closing one, skipping a group, the next
 * top-level comma), qualified names and tokens written back as text.
 *
 * Shared by the DDL readers (ddl*.c, myddl*.c), the translators
 * (src/translate) and the table models (src/drift). The small tests are
 * inline, the rest is in sqlcursor.c.
 */
#ifndef FOSTER_SQLCURSOR_H
#define FOSTER_SQLCURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "sqlsplit.h"

/* ---- one token ---- */

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

/* A bare word among `words` (NULL-terminated), in any case. */
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

/* ---- by index: false past the end ---- */

static inline bool punct_at(const sql_tokens *t, size_t i, char c)
{
    return i < t->count && is_punct(&t->items[i], c);
}

static inline bool word_at(const sql_tokens *t, size_t i, const char *word)
{
    return i < t->count && sql_token_is(&t->items[i], word);
}

static inline bool is_name_token(const sql_tokens *t, size_t i)
{
    return i < t->count && is_identifier_token(&t->items[i]);
}

/* Index of the bracket closing the one at `open`, or `end` when none does before `end`. */
size_t sql_closing_bracket(const sql_tokens *t, size_t open, size_t end);

/* The index after token `i`, past the whole bracketed group when `i` opens one
 * (`end` when that group is not closed before `end`). */
size_t sql_skip_group(const sql_tokens *t, size_t i, size_t end);

/* Index of the next ',' outside brackets from `i`, or `end`. */
size_t sql_next_top_level_comma(const sql_tokens *t, size_t i, size_t end);

/* ---- a cursor over tokens [pos, end) ---- */

typedef struct sql_cursor {
    const sql_tokens *tokens;
    size_t pos;
    size_t end;
} sql_cursor;

static inline const sql_token *token_at(const sql_cursor *c, size_t ahead)
{
    return c->pos + ahead < c->end ? &c->tokens->items[c->pos + ahead] : NULL;
}

/* The token to name in a message about the current position. */
static inline const sql_token *here(const sql_cursor *c)
{
    size_t i = c->pos < c->end ? c->pos : c->end - (c->end > 0);
    return &c->tokens->items[i < c->tokens->count ? i : c->tokens->count - 1];
}

static inline bool word_ahead(const sql_cursor *c, size_t ahead, const char *word)
{
    const sql_token *t = token_at(c, ahead);
    return t && sql_token_is(t, word);
}

static inline bool at_word(const sql_cursor *c, const char *word)
{
    return word_ahead(c, 0, word);
}

static inline bool punct_ahead(const sql_cursor *c, size_t ahead, char p)
{
    const sql_token *t = token_at(c, ahead);
    return t && is_punct(t, p);
}

/* Moves past a bracketed group at the cursor; false when it is not closed. */
bool sql_cursor_skip_group(sql_cursor *c);

/* Moves past a name a.b.c; `last` gets the index of its last part. False
 * when no identifier is at the cursor. */
bool sql_skip_qualified_name(sql_cursor *c, size_t *last);

/* ---- qualified names ---- */

#define SQL_MAX_NAME_PARTS 4 /* database.schema.table.column */

typedef struct sql_name_parts {
    char *part[SQL_MAX_NAME_PARTS]; /* folded identifiers */
    size_t count;
} sql_name_parts;

void sql_name_parts_free(sql_name_parts *name);

/*
 * Reads a possibly qualified name (a, a.b, "A".b.c) at *index. Returns 1 and
 * moves *index past it, 0 when no name starts there, -1 when memory ran out.
 */
int sql_read_name(const sql_tokens *t, size_t *index, sql_name_parts *out);

/* ---- tokens as text (new strings, NULL when memory ran out) ---- */

/* Tokens [begin, end) on one line, a space between them except before "." "(" ")" ","
 * and after "." "(": "numeric(12, 2)", "a.b" (messages, keys, translated names). */
char *sql_tokens_text(const sql_tokens *t, size_t begin, size_t end);

/* The same without a space before any punctuation or after "(" "[" "," ".":
 * "numeric(12,2)", "integer[]" (a column's type as the DDL reader records it). */
char *sql_tokens_compact_text(const sql_tokens *t, size_t begin, size_t end);

#endif
