/*
 * translate_tokens.c — how the SQLite translator reads the tokens of one
 * statement (brackets, commas, qualified names) and writes names the way
 * SQLite reads them (reserved words quoted, only SQLite's collations).
 */
#include "translate_tokens.h"

#include "strbuf.h"

/* Keywords SQLite refuses as a bare column or type name (found by trying
 * every sqlite3_keyword_name() in CREATE TABLE on SQLite 3.40). */
const char *const sqlite_reserved_words[] = {
    "ADD",     "ALL",        "ALTER",       "AND",      "AS",         "AUTOINCREMENT", "BETWEEN",
    "CASE",    "CHECK",      "COLLATE",     "COMMIT",   "CONSTRAINT", "CREATE",        "CROSS",
    "DEFAULT", "DEFERRABLE", "DELETE",      "DISTINCT", "DROP",       "ELSE",          "ESCAPE",
    "EXCEPT",  "EXISTS",     "FOREIGN",     "FROM",     "FULL",       "GROUP",         "HAVING",
    "IN",      "INDEX",      "INDEXED",     "INNER",    "INSERT",     "INTERSECT",     "INTO",
    "IS",      "ISNULL",     "JOIN",        "LEFT",     "LIMIT",      "NATURAL",       "NOT",
    "NOTHING", "NOTNULL",    "NULL",        "ON",       "OR",         "ORDER",         "OUTER",
    "PRIMARY", "REFERENCES", "RETURNING",   "RIGHT",    "SELECT",     "SET",           "TABLE",
    "THEN",    "TO",         "TRANSACTION", "UNION",    "UNIQUE",     "UPDATE",        "USING",
    "VALUES",  "WHEN",       "WHERE",       NULL};

/* Index of the bracket closing the one at `open`, or `end` when none does. */
size_t translate_closing_bracket(const sql_tokens *tokens, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        if (is_punct(t, '(') || is_punct(t, '['))
            depth++;
        else if ((is_punct(t, ')') || is_punct(t, ']')) && --depth == 0)
            return i;
    }
    return end;
}

/* Index of the next ',' outside brackets from `i`, or `end`. */
size_t translate_next_top_level_comma(const sql_tokens *tokens, size_t i, size_t end)
{
    int depth = 0;
    for (; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        if (is_punct(t, '(') || is_punct(t, '['))
            depth++;
        else if (is_punct(t, ')') || is_punct(t, ']'))
            depth--;
        else if (depth == 0 && is_punct(t, ','))
            return i;
    }
    return end;
}

/* Moves past a bracketed group at the cursor; false when it is not closed. */
bool translate_skip_group(cursor *c)
{
    size_t close = translate_closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return false;
    c->pos = close + 1;
    return true;
}

/* Moves past a name a.b.c; `last` gets the index of its last part. False
 * when no identifier is at the cursor. */
bool translate_skip_qualified_name(cursor *c, size_t *last)
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

/* The tokens [begin, end) as one line of text (for messages and keys). */
char *translate_tokens_text(const sql_tokens *tokens, size_t begin, size_t end)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = begin; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        bool tight = i == begin || is_punct(t, '.') || is_punct(t, ')') || is_punct(t, ',') ||
                     is_punct(t, '(') || is_punct(&tokens->items[i - 1], '.') ||
                     is_punct(&tokens->items[i - 1], '(');
        if (!tight)
            strbuf_append_char(&sb, ' ');
        strbuf_append(&sb, t->start, t->length);
    }
    return strbuf_detach(&sb);
}

/* Appends a name token as SQLite reads it: quoted ones as written, bare
 * ones quoted when SQLite reserves the word. */
void translate_append_name(strbuf *out, const sql_token *t)
{
    bool quote = t->kind == SQL_TOKEN_WORD && text_in(t->start, t->length, sqlite_reserved_words);
    if (quote)
        strbuf_append_char(out, '"');
    strbuf_append(out, t->start, t->length);
    if (quote)
        strbuf_append_char(out, '"');
}

char *translate_name_text(const sql_token *t)
{
    strbuf sb = STRBUF_INIT;
    translate_append_name(&sb, t);
    return strbuf_detach(&sb);
}

bool translate_is_sqlite_collation(const sql_token *t)
{
    static const char *const collations[] = {"binary", "nocase", "rtrim", NULL};
    if (t->kind == SQL_TOKEN_QUOTED_ID)
        return t->length >= 2 && text_in(t->start + 1, t->length - 2, collations);
    return word_token_in(t, collations);
}
