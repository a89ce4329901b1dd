/*
 * sqlsplit_internal.h — the lexer that the SQL splitter (sqlsplit.c) and the
 * tokenizer (sqltoken.c) share, implemented in sqllexer.c.
 *
 * Private to sqlsplit.c, sqltoken.c and sqllexer.c (src/sql/); the
 * interface is sqlsplit.h.
 */
#ifndef FOSTER_SQLSPLIT_INTERNAL_H
#define FOSTER_SQLSPLIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sqlsplit.h"

/* Lexeme kinds beyond the public token kinds; never seen outside the SQL reader. */
enum {
    SQL_LEXEME_SPACE = 100,
    SQL_LEXEME_COMMENT,
    SQL_LEXEME_META,
};

typedef struct sql_lexer {
    const char *text;
    size_t length;
    size_t pos;
    int line;           /* of text[pos] */
    int column;         /* of text[pos] */
    bool at_line_start; /* only white space since the last newline (or the start) */
    bool meta_allowed;  /* recognise psql backslash commands */
    bool mysql;         /* MySQL's lexemes: `names`, "strings" and '...' with backslash
                           escapes, # comments, no dollar quotes (sql_lexer_init: false) */
    const char *file;   /* for messages */
    diag_list *diags;
} sql_lexer;

typedef struct sql_lexeme {
    int kind; /* an sql_token_kind or an SQL_LEXEME_ value */
    size_t start;
    size_t end; /* one past the last byte */
    int line;
    int column;
} sql_lexeme;

/*
 * Starts lexing `text` (`length` bytes), whose first byte is at `line`,
 * `column` of `file` (used only in messages; diags go to `diags`). Meta-
 * commands are recognised until the caller clears `meta_allowed`.
 */
void sql_lexer_init(sql_lexer *lx, const char *text, size_t length, int line, int column,
                    const char *file, diag_list *diags);

/*
 * The next lexeme, white space and comments included: 1 when one was read,
 * 0 at the end, -1 (with a diag naming where it began) on an unterminated
 * string, quoted identifier, dollar quote or comment.
 */
int sql_lexer_next(sql_lexer *lx, sql_lexeme *lex);

/* SQL's white space: space, tab, newline, carriage return, form feed, vertical tab. */
bool sql_lexer_is_space(char c);

/* True when the `length` bytes at `text` are `word`, compared without regard to case. */
bool sql_lexer_word_equals(const char *text, size_t length, const char *word);

#endif
