/*
 * sqllexer.c — the lexer under the SQL splitter and tokenizer, following
 * psql's lexer (psqlscan.l) closely enough that a file psql would run
 * statement by statement is cut at the same places.
 *
 * It yields every lexeme, white space and comments included: the splitter
 * (sqlsplit.c) needs them to know where a statement's text starts and ends,
 * the tokenizer (sqltoken.c) drops them. Lines and columns are 1-based;
 * columns count characters (UTF-8 sequences), not bytes, and a tab counts
 * as one.
 */
#include "sqlsplit_internal.h"

#include <string.h>
#include <strings.h>

void sql_lexer_init(sql_lexer *lx, const char *text, size_t length, int line, int column,
                    const char *file, diag_list *diags)
{
    lx->text = text;
    lx->length = length;
    lx->pos = 0;
    lx->line = line;
    lx->column = column;
    lx->at_line_start = true;
    lx->meta_allowed = true;
    lx->mysql = false;
    lx->file = file;
    lx->diags = diags;
}

/* The byte `ahead` bytes after the current one, or NUL past the end. */
static char peek(const sql_lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->length ? lx->text[lx->pos + ahead] : '\0';
}

static void advance(sql_lexer *lx)
{
    unsigned char c = (unsigned char)lx->text[lx->pos++];
    if (c == '\n') {
        lx->line++;
        lx->column = 1;
    } else if ((c & 0xC0) != 0x80) {
        /* UTF-8 continuation bytes do not start a new column */
        lx->column++;
    }
}

static void advance_by(sql_lexer *lx, size_t count)
{
    while (count-- > 0 && lx->pos < lx->length)
        advance(lx);
}

bool sql_lexer_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* PostgreSQL treats every byte with the high bit set as a letter. */
static bool is_identifier_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

static bool is_identifier_char(char c)
{
    return is_identifier_start(c) || is_digit(c) || c == '$';
}

static bool is_operator_char(char c)
{
    return c != '\0' && strchr("+-*/<>=~!@#%^&|`?:", c) != NULL;
}

static bool is_punct_char(char c)
{
    return c != '\0' && strchr("(),;[].", c) != NULL;
}

/* Adds the diag for a construct opened at `open` and never closed; returns -1. */
static int unterminated(sql_lexer *lx, const sql_lexeme *open, const char *what)
{
    diag *d = diag_add(lx->diags, lx->file, open->line, open->column, "unterminated %s", what);
    diag_set_hint(d, "the %s that starts here is never closed", what);
    return -1;
}

/* After the opening quote: a '...' string, '' doubling a quote, and with
 * `backslash_escapes` (E'...') a backslash escaping the next byte. */
static int scan_quoted(sql_lexer *lx, sql_lexeme *lex, char quote, bool backslash_escapes,
                       const char *what)
{
    for (;;) {
        if (lx->pos >= lx->length)
            return unterminated(lx, lex, what);
        char c = peek(lx, 0);
        if (backslash_escapes && c == '\\') {
            advance(lx);
            if (lx->pos >= lx->length)
                return unterminated(lx, lex, what);
            advance(lx);
        } else if (c == quote) {
            advance(lx);
            if (peek(lx, 0) != quote || lx->pos >= lx->length)
                return 0;
            advance(lx);
        } else {
            advance(lx);
        }
    }
}

static int scan_block_comment(sql_lexer *lx, sql_lexeme *lex)
{
    int depth = 0;
    do {
        if (lx->pos >= lx->length)
            return unterminated(lx, lex, "/* comment");
        if (peek(lx, 0) == '/' && peek(lx, 1) == '*') {
            depth++;
            advance_by(lx, 2);
        } else if (peek(lx, 0) == '*' && peek(lx, 1) == '/') {
            depth--;
            advance_by(lx, 2);
        } else {
            advance(lx);
        }
    } while (depth > 0);
    return 0;
}

/* Length of a dollar-quote delimiter ($$ or $tag$) at the current position, or 0. */
static size_t dollar_delimiter_length(const sql_lexer *lx)
{
    size_t i = 1;
    if (peek(lx, i) != '$') {
        if (!is_identifier_start(peek(lx, i)))
            return 0;
        while (is_identifier_start(peek(lx, i)) || is_digit(peek(lx, i)))
            i++;
        if (peek(lx, i) != '$')
            return 0;
    }
    return i + 1;
}

/* At a '$': a dollar-quoted string, a $1 parameter, or a lone '$'. */
static int scan_dollar(sql_lexer *lx, sql_lexeme *lex)
{
    if (is_digit(peek(lx, 1))) {
        advance(lx);
        while (is_digit(peek(lx, 0)))
            advance(lx);
        lex->kind = SQL_TOKEN_PARAMETER;
        return 0;
    }
    size_t delimiter_length = dollar_delimiter_length(lx);
    if (delimiter_length == 0) {
        advance(lx);
        lex->kind = SQL_TOKEN_OPERATOR;
        return 0;
    }
    const char *delimiter = lx->text + lx->pos;
    advance_by(lx, delimiter_length);
    for (;;) {
        if (lx->length - lx->pos < delimiter_length)
            return unterminated(lx, lex, "dollar-quoted string");
        if (memcmp(lx->text + lx->pos, delimiter, delimiter_length) == 0) {
            advance_by(lx, delimiter_length);
            lex->kind = SQL_TOKEN_STRING;
            return 0;
        }
        advance(lx);
    }
}

static void scan_digits(sql_lexer *lx)
{
    while (is_digit(peek(lx, 0)) || (peek(lx, 0) == '_' && is_digit(peek(lx, 1))))
        advance(lx);
}

/* 42, 3.14, .5, 1e10, 1_000, 0x1F (the last two as PostgreSQL 16 reads them). */
static void scan_number(sql_lexer *lx)
{
    if (peek(lx, 0) == '0' && strchr("xXoObB", peek(lx, 1)) && peek(lx, 1) != '\0') {
        advance_by(lx, 2);
        while (is_identifier_char(peek(lx, 0)) && peek(lx, 0) != '$')
            advance(lx);
        return;
    }
    scan_digits(lx);
    if (peek(lx, 0) == '.' && peek(lx, 1) != '.') {
        advance(lx);
        scan_digits(lx);
    }
    char e = peek(lx, 0);
    if (e == 'e' || e == 'E') {
        size_t sign = (peek(lx, 1) == '+' || peek(lx, 1) == '-') ? 1 : 0;
        if (is_digit(peek(lx, 1 + sign))) {
            advance_by(lx, 1 + sign);
            scan_digits(lx);
        }
    }
}

/* At a letter: a word, or a prefixed literal E'..', B'..', X'..', N'..', U&'..', U&"..". */
static int scan_word_or_prefixed(sql_lexer *lx, sql_lexeme *lex)
{
    char c = peek(lx, 0);
    char lower = (char)(c | 0x20);
    if (peek(lx, 1) == '\'' && strchr("ebxn", lower)) {
        advance_by(lx, 2);
        lex->kind = SQL_TOKEN_STRING;
        return scan_quoted(lx, lex, '\'', lower == 'e', "quoted string");
    }
    if (lower == 'u' && peek(lx, 1) == '&' && (peek(lx, 2) == '\'' || peek(lx, 2) == '"')) {
        char quote = peek(lx, 2);
        advance_by(lx, 3);
        lex->kind = quote == '"' ? SQL_TOKEN_QUOTED_ID : SQL_TOKEN_STRING;
        return scan_quoted(lx, lex, quote, false,
                           quote == '"' ? "quoted identifier" : "quoted string");
    }
    while (is_identifier_char(peek(lx, 0)))
        advance(lx);
    lex->kind = SQL_TOKEN_WORD;
    return 0;
}

/* A maximal run of operator characters that stops before a comment start (and, in MySQL,
 * before a `name`: DEFINER=`root`@`localhost`). */
static void scan_operator(sql_lexer *lx)
{
    do {
        advance(lx);
    } while (is_operator_char(peek(lx, 0)) && !(peek(lx, 0) == '-' && peek(lx, 1) == '-') &&
             !(peek(lx, 0) == '/' && peek(lx, 1) == '*') &&
             !(lx->mysql && (peek(lx, 0) == '`' || peek(lx, 0) == '#')));
}

/*
 * MySQL's quoted runs: `names` (doubled backquotes), and 'strings' and
 * "strings" (a double quote is a string unless ANSI_QUOTES, which dumps do
 * not set) with backslash escapes. 1 when the lexeme at the current position
 * is one of these (rc in *rc), 0 when not.
 */
static int scan_mysql_quoted(sql_lexer *lx, sql_lexeme *lex, int *rc)
{
    char c = peek(lx, 0);
    if (c == '#') {
        while (lx->pos < lx->length && peek(lx, 0) != '\n')
            advance(lx);
        lex->kind = SQL_LEXEME_COMMENT;
        *rc = 0;
        return 1;
    }
    if (c != '`' && c != '\'' && c != '"')
        return 0;
    advance(lx);
    lex->kind = c == '`' ? SQL_TOKEN_QUOTED_ID : SQL_TOKEN_STRING;
    *rc = scan_quoted(lx, lex, c, c != '`', c == '`' ? "`name`" : "quoted string");
    return 1;
}

/* Everything except white space, which sql_lexer_next handles before. */
static int scan_lexeme(sql_lexer *lx, sql_lexeme *lex)
{
    char c = peek(lx, 0);
    char next = peek(lx, 1);
    int rc;
    if (lx->mysql && scan_mysql_quoted(lx, lex, &rc))
        return rc;
    if (lx->mysql && (c == '$' || (is_identifier_start(c) && next == '\''))) {
        /* no dollar quotes and no E'' prefixes: x'..' and b'..' are words then strings */
        while (is_identifier_char(peek(lx, 0)))
            advance(lx);
        lex->kind = SQL_TOKEN_WORD;
        return 0;
    }
    if (c == '-' && next == '-') {
        while (lx->pos < lx->length && peek(lx, 0) != '\n')
            advance(lx);
        lex->kind = SQL_LEXEME_COMMENT;
        return 0;
    }
    if (c == '/' && next == '*') {
        lex->kind = SQL_LEXEME_COMMENT;
        return scan_block_comment(lx, lex);
    }
    if (c == '\\' && lx->meta_allowed && lx->at_line_start) {
        while (lx->pos < lx->length && peek(lx, 0) != '\n')
            advance(lx);
        lex->kind = SQL_LEXEME_META;
        return 0;
    }
    if (c == '\'' || c == '"') {
        advance(lx);
        lex->kind = c == '"' ? SQL_TOKEN_QUOTED_ID : SQL_TOKEN_STRING;
        return scan_quoted(lx, lex, c, false, c == '"' ? "quoted identifier" : "quoted string");
    }
    if (c == '$')
        return scan_dollar(lx, lex);
    if (is_identifier_start(c))
        return scan_word_or_prefixed(lx, lex);
    if (is_digit(c) || (c == '.' && is_digit(next))) {
        scan_number(lx);
        lex->kind = SQL_TOKEN_NUMBER;
        return 0;
    }
    if (is_punct_char(c)) {
        advance(lx);
        lex->kind = SQL_TOKEN_PUNCT;
        return 0;
    }
    /* operators, and any byte SQL has no use for (a lone character) */
    if (is_operator_char(c))
        scan_operator(lx);
    else
        advance(lx);
    lex->kind = SQL_TOKEN_OPERATOR;
    return 0;
}

/* The next lexeme: 1 when one was read, 0 at the end, -1 (with a diag) on error. */
int sql_lexer_next(sql_lexer *lx, sql_lexeme *lex)
{
    if (lx->pos >= lx->length)
        return 0;
    lex->start = lx->pos;
    lex->line = lx->line;
    lex->column = lx->column;
    if (sql_lexer_is_space(peek(lx, 0))) {
        while (lx->pos < lx->length && sql_lexer_is_space(peek(lx, 0))) {
            if (peek(lx, 0) == '\n')
                lx->at_line_start = true;
            advance(lx);
        }
        lex->kind = SQL_LEXEME_SPACE;
        lex->end = lx->pos;
        return 1;
    }
    int rc = scan_lexeme(lx, lex);
    lx->at_line_start = false;
    lex->end = lx->pos;
    return rc < 0 ? -1 : 1;
}

bool sql_lexer_word_equals(const char *text, size_t length, const char *word)
{
    return strlen(word) == length && strncasecmp(text, word, length) == 0;
}
