/*
 * translate_tokens.h — how the SQLite translator writes names as SQLite
 * reads them (reserved words quoted, only SQLite's collations). It reads
 * tokens with sqlcursor.h. Private to src/translate/translate_*.c.
 */
#ifndef FOSTER_TRANSLATE_TOKENS_H
#define FOSTER_TRANSLATE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "sqlcursor.h"
#include "sqlsplit.h"
#include "strbuf.h"

/* Keywords SQLite refuses as a bare column or type name, NULL-terminated. */
extern const char *const sqlite_reserved_words[];

/* Appends a name token as SQLite reads it: quoted ones as written, bare
 * ones quoted when SQLite reserves the word. */
void translate_append_name(strbuf *out, const sql_token *t);

/* The same as a new string; NULL when memory ran out. */
char *translate_name_text(const sql_token *t);

/*
 * The condition a JSON column's CHECK has on SQLite, with %1$s for the quoted column.
 * NULL must pass: PostgreSQL's json takes it, and MariaDB's JSON column
 * (longtext CHECK (json_valid(c))) does too, as its json_valid(NULL) is NULL;
 * SQLite's json_valid(NULL) is 0, which a CHECK refuses.
 */
#define TRANSLATE_JSON_CONDITION "(%1$s IS NULL OR json_valid(%1$s))"

/* True for BINARY, NOCASE and RTRIM, bare or quoted. */
bool translate_is_sqlite_collation(const sql_token *t);

#endif
