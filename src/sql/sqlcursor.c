/*
 * sqlcursor.c — brackets, commas, qualified names and tokens as text, for
 * every reader of a statement's tokens (sqlcursor.h).
 */
#include "sqlcursor.h"

#include <stdlib.h>

#include "strbuf.h"

static bool opens(const sql_token *t)
{
    return is_punct(t, '(') || is_punct(t, '[');
}

static bool closes(const sql_token *t)
{
    return is_punct(t, ')') || is_punct(t, ']');
}

size_t sql_closing_bracket(const sql_tokens *t, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end && i < t->count; i++) {
        if (opens(&t->items[i]))
            depth++;
        else if (closes(&t->items[i]) && --depth == 0)
            return i;
    }
    return end;
}

size_t sql_skip_group(const sql_tokens *t, size_t i, size_t end)
{
    if (i >= t->count || !opens(&t->items[i]))
        return i + 1;
    size_t close = sql_closing_bracket(t, i, end);
    return close < end ? close + 1 : end;
}

size_t sql_next_top_level_comma(const sql_tokens *t, size_t i, size_t end)
{
    int depth = 0;
    for (; i < end && i < t->count; i++) {
        const sql_token *token = &t->items[i];
        if (opens(token))
            depth++;
        else if (closes(token))
            depth--;
        else if (depth == 0 && is_punct(token, ','))
            return i;
    }
    return end;
}

bool sql_cursor_skip_group(sql_cursor *c)
{
    size_t close = sql_closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return false;
    c->pos = close + 1;
    return true;
}

bool sql_skip_qualified_name(sql_cursor *c, size_t *last)
{
    const sql_token *t = token_at(c, 0);
    if (!t || !is_identifier_token(t))
        return false;
    *last = c->pos++;
    while (punct_ahead(c, 0, '.') && token_at(c, 1) && is_identifier_token(token_at(c, 1))) {
        *last = c->pos + 1;
        c->pos += 2;
    }
    return true;
}

void sql_name_parts_free(sql_name_parts *name)
{
    for (size_t i = 0; i < name->count; i++)
        free(name->part[i]);
    name->count = 0;
}

int sql_read_name(const sql_tokens *t, size_t *index, sql_name_parts *out)
{
    size_t i = *index;
    out->count = 0;
    while (is_name_token(t, i) && out->count < SQL_MAX_NAME_PARTS) {
        char *part = sql_token_identifier(&t->items[i]);
        if (!part) {
            sql_name_parts_free(out);
            return -1;
        }
        out->part[out->count++] = part;
        i++;
        if (!punct_at(t, i, '.') || !is_name_token(t, i + 1))
            break;
        i++;
    }
    if (out->count == 0)
        return 0;
    *index = i;
    return 1;
}

/* Whether token `i` is written without a space before it. */
static bool tight(const sql_tokens *t, size_t begin, size_t i, bool compact)
{
    const sql_token *token = &t->items[i], *prev = i > begin ? &t->items[i - 1] : NULL;
    if (!prev)
        return true;
    if (compact)
        return token->kind == SQL_TOKEN_PUNCT ||
               (prev->kind == SQL_TOKEN_PUNCT && strchr("([,.", prev->start[0]));
    return is_punct(token, '.') || is_punct(token, ')') || is_punct(token, ',') ||
           is_punct(token, '(') || is_punct(prev, '.') || is_punct(prev, '(');
}

static char *text_of(const sql_tokens *t, size_t begin, size_t end, bool compact)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = begin; i < end && i < t->count; i++) {
        if (!tight(t, begin, i, compact))
            strbuf_append_char(&sb, ' ');
        strbuf_append(&sb, t->items[i].start, t->items[i].length);
    }
    return strbuf_detach(&sb);
}

char *sql_tokens_text(const sql_tokens *t, size_t begin, size_t end)
{
    return text_of(t, begin, end, false);
}

char *sql_tokens_compact_text(const sql_tokens *t, size_t begin, size_t end)
{
    return text_of(t, begin, end, true);
}
