/*
 * translate_tokens.c — how the SQLite translator writes names the way
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
