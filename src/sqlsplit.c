/*
 * sqlsplit.c — splits a SQL script into statements and a statement into
 * tokens, following psql's lexer (psqlscan.l) closely enough that a file
 * psql would run statement by statement is cut at the same places.
 *
 * One lexer serves both jobs: the splitter walks its lexemes and cuts at a
 * ';' outside parentheses and outside a BEGIN ... END function body, the
 * tokenizer keeps the lexemes that are not white space or comments. Lines
 * and columns are 1-based; columns count characters (UTF-8 sequences), not
 * bytes, and a tab counts as one.
 */
#include "sqlsplit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lexeme kinds beyond the public token kinds; never seen outside this file. */
enum {
    LEX_SPACE = 100,
    LEX_COMMENT,
    LEX_META,
};

typedef struct lexer {
    const char *text;
    size_t length;
    size_t pos;
    int line;           /* of text[pos] */
    int column;         /* of text[pos] */
    bool at_line_start; /* only white space since the last newline (or the start) */
    bool meta_allowed;  /* recognise psql backslash commands */
    const char *file;   /* for messages */
    diag_list *diags;
} lexer;

typedef struct lexeme {
    int kind; /* an sql_token_kind or a LEX_ value */
    size_t start;
    size_t end; /* one past the last byte */
    int line;
    int column;
} lexeme;

static void lexer_init(lexer *lx, const char *text, size_t length, int line, int column,
                       const char *file, diag_list *diags)
{
    lx->text = text;
    lx->length = length;
    lx->pos = 0;
    lx->line = line;
    lx->column = column;
    lx->at_line_start = true;
    lx->meta_allowed = true;
    lx->file = file;
    lx->diags = diags;
}

/* The byte `ahead` bytes after the current one, or NUL past the end. */
static char peek(const lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->length ? lx->text[lx->pos + ahead] : '\0';
}

static void advance(lexer *lx)
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

static void advance_by(lexer *lx, size_t count)
{
    while (count-- > 0 && lx->pos < lx->length)
        advance(lx);
}

static bool is_space(char c)
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
static int unterminated(lexer *lx, const lexeme *open, const char *what)
{
    diag *d = diag_add(lx->diags, lx->file, open->line, open->column, "unterminated %s", what);
    diag_set_hint(d, "the %s that starts here is never closed", what);
    return -1;
}

/* After the opening quote: a '...' string, '' doubling a quote, and with
 * `backslash_escapes` (E'...') a backslash escaping the next byte. */
static int scan_quoted(lexer *lx, lexeme *lex, char quote, bool backslash_escapes, const char *what)
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

static int scan_block_comment(lexer *lx, lexeme *lex)
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
static size_t dollar_delimiter_length(const lexer *lx)
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
static int scan_dollar(lexer *lx, lexeme *lex)
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

static void scan_digits(lexer *lx)
{
    while (is_digit(peek(lx, 0)) || (peek(lx, 0) == '_' && is_digit(peek(lx, 1))))
        advance(lx);
}

/* 42, 3.14, .5, 1e10, 1_000, 0x1F (the last two as PostgreSQL 16 reads them). */
static void scan_number(lexer *lx)
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
static int scan_word_or_prefixed(lexer *lx, lexeme *lex)
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

/* A maximal run of operator characters that stops before a comment start. */
static void scan_operator(lexer *lx)
{
    do {
        advance(lx);
    } while (is_operator_char(peek(lx, 0)) && !(peek(lx, 0) == '-' && peek(lx, 1) == '-') &&
             !(peek(lx, 0) == '/' && peek(lx, 1) == '*'));
}

/* Everything except white space, which lex_next handles before. */
static int scan_lexeme(lexer *lx, lexeme *lex)
{
    char c = peek(lx, 0);
    char next = peek(lx, 1);
    if (c == '-' && next == '-') {
        while (lx->pos < lx->length && peek(lx, 0) != '\n')
            advance(lx);
        lex->kind = LEX_COMMENT;
        return 0;
    }
    if (c == '/' && next == '*') {
        lex->kind = LEX_COMMENT;
        return scan_block_comment(lx, lex);
    }
    if (c == '\\' && lx->meta_allowed && lx->at_line_start) {
        while (lx->pos < lx->length && peek(lx, 0) != '\n')
            advance(lx);
        lex->kind = LEX_META;
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
static int lex_next(lexer *lx, lexeme *lex)
{
    if (lx->pos >= lx->length)
        return 0;
    lex->start = lx->pos;
    lex->line = lx->line;
    lex->column = lx->column;
    if (is_space(peek(lx, 0))) {
        while (lx->pos < lx->length && is_space(peek(lx, 0))) {
            if (peek(lx, 0) == '\n')
                lx->at_line_start = true;
            advance(lx);
        }
        lex->kind = LEX_SPACE;
        lex->end = lx->pos;
        return 1;
    }
    int rc = scan_lexeme(lx, lex);
    lx->at_line_start = false;
    lex->end = lx->pos;
    return rc < 0 ? -1 : 1;
}

/* ---- splitting ---- */

/*
 * psql does not end a statement at a ';' inside a SQL-standard function body
 * (CREATE [OR REPLACE] {FUNCTION|PROCEDURE} ... BEGIN ATOMIC ... END). It
 * recognises that by the first words of the statement; so do we.
 */
typedef struct split_state {
    int paren_depth;
    int begin_depth;
    int word_count;
    char first_words[4]; /* first letter of create/or/replace/function/procedure */
} split_state;

static bool word_equals(const char *text, size_t length, const char *word)
{
    return strlen(word) == length && strncasecmp(text, word, length) == 0;
}

static void track_word(split_state *state, const char *text, size_t length)
{
    static const char *const leading[] = {"create", "function", "procedure", "or", "replace"};
    if (state->word_count == 0)
        memset(state->first_words, 0, sizeof state->first_words);
    for (size_t i = 0; i < sizeof leading / sizeof leading[0]; i++) {
        if (word_equals(text, length, leading[i]) &&
            state->word_count < (int)sizeof state->first_words)
            state->first_words[state->word_count] = leading[i][0];
    }
    state->word_count++;
    const char *w = state->first_words;
    bool routine = w[0] == 'c' && (w[1] == 'f' || w[1] == 'p' ||
                                   (w[1] == 'o' && w[2] == 'r' && (w[3] == 'f' || w[3] == 'p')));
    if (!routine || state->paren_depth != 0)
        return;
    if (word_equals(text, length, "begin"))
        state->begin_depth++;
    else if (word_equals(text, length, "case") && state->begin_depth > 0)
        state->begin_depth++;
    else if (word_equals(text, length, "end") && state->begin_depth > 0)
        state->begin_depth--;
}

typedef struct script_builder {
    sql_script *script;
    size_t capacity;
} script_builder;

static int script_add(script_builder *builder, const char *text, size_t length, int line,
                      int column, bool is_meta)
{
    sql_script *script = builder->script;
    if (script->count == builder->capacity) {
        size_t capacity = builder->capacity ? builder->capacity * 2 : 16;
        sql_statement *items = realloc(script->items, capacity * sizeof *items);
        if (!items)
            return -1;
        script->items = items;
        builder->capacity = capacity;
    }
    char *copy = strndup(text, length);
    if (!copy)
        return -1;
    script->items[script->count++] =
        (sql_statement){.text = copy, .line = line, .column = column, .is_meta = is_meta};
    return 0;
}

/* A meta-command runs to the end of its line; trailing white space is not part of it. */
static int add_meta(script_builder *builder, const lexer *lx, const lexeme *lex)
{
    size_t end = lex->end;
    while (end > lex->start && is_space(lx->text[end - 1]))
        end--;
    return script_add(builder, lx->text + lex->start, end - lex->start, lex->line, lex->column,
                      true);
}

int sql_split(const char *text, size_t length, const char *file, sql_script *out, diag_list *diags)
{
    lexer lx;
    lexer_init(&lx, text, length, 1, 1, file, diags);
    script_builder builder = {out, 0};
    out->items = NULL;
    out->count = 0;
    split_state state = {0};
    lexeme first = {0};       /* first significant lexeme of the open statement */
    size_t statement_end = 0; /* end of its last significant lexeme */
    bool open = false;
    lexeme lex;
    int rc;
    while ((rc = lex_next(&lx, &lex)) > 0) {
        if (lex.kind == LEX_SPACE || lex.kind == LEX_COMMENT)
            continue;
        bool ends =
            lex.kind == LEX_META || (lex.kind == SQL_TOKEN_PUNCT && text[lex.start] == ';' &&
                                     state.paren_depth == 0 && state.begin_depth == 0);
        if (ends) {
            /* a meta-command line also ends whatever statement came before it */
            if (open && script_add(&builder, text + first.start, statement_end - first.start,
                                   first.line, first.column, false) < 0)
                goto out_of_memory;
            open = false;
            state = (split_state){0};
            if (lex.kind == LEX_META && add_meta(&builder, &lx, &lex) < 0)
                goto out_of_memory;
            continue;
        }
        if (!open) {
            first = lex;
            open = true;
        }
        statement_end = lex.end;
        if (lex.kind == SQL_TOKEN_PUNCT && text[lex.start] == '(')
            state.paren_depth++;
        else if (lex.kind == SQL_TOKEN_PUNCT && text[lex.start] == ')' && state.paren_depth > 0)
            state.paren_depth--;
        else if (lex.kind == SQL_TOKEN_WORD)
            track_word(&state, text + lex.start, lex.end - lex.start);
    }
    if (rc < 0) {
        sql_script_free(out);
        return -1;
    }
    /* like psql at the end of a file, run what is left without a ';' */
    if (open && script_add(&builder, text + first.start, statement_end - first.start, first.line,
                           first.column, false) < 0)
        goto out_of_memory;
    return 0;

out_of_memory:
    sql_script_free(out);
    diag_add(diags, file, 0, 0, "out of memory while splitting SQL");
    return -1;
}

int sql_split_file(const char *path, const char *display_name, sql_script *out, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    out->items = NULL;
    out->count = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_add(diags, name, 0, 0, "cannot open file: %s", strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t length = 0;
    size_t capacity = 0;
    int rc = 0;
    for (;;) {
        if (capacity - length < 4096) {
            size_t new_capacity = capacity ? capacity * 2 : 65536;
            char *grown = realloc(text, new_capacity);
            if (!grown) {
                diag_add(diags, name, 0, 0, "out of memory while reading the file");
                rc = -1;
                break;
            }
            text = grown;
            capacity = new_capacity;
        }
        size_t n = fread(text + length, 1, capacity - length, f);
        length += n;
        if (n == 0) {
            if (ferror(f)) {
                diag_add(diags, name, 0, 0, "cannot read file: %s", strerror(errno));
                rc = -1;
            }
            break;
        }
    }
    fclose(f);
    if (rc == 0)
        rc = sql_split(text, length, name, out, diags);
    free(text);
    return rc;
}

void sql_script_free(sql_script *script)
{
    for (size_t i = 0; i < script->count; i++)
        free(script->items[i].text);
    free(script->items);
    script->items = NULL;
    script->count = 0;
}

/* ---- tokenizing ---- */

typedef struct token_builder {
    sql_tokens *tokens;
    size_t capacity;
} token_builder;

static int token_add(token_builder *builder, sql_token token)
{
    sql_tokens *tokens = builder->tokens;
    if (tokens->count == builder->capacity) {
        size_t capacity = builder->capacity ? builder->capacity * 2 : 32;
        sql_token *items = realloc(tokens->items, capacity * sizeof *items);
        if (!items)
            return -1;
        tokens->items = items;
        builder->capacity = capacity;
    }
    tokens->items[tokens->count++] = token;
    return 0;
}

/* A meta-command ("\restrict KEY") is tokenized as its white-space separated words. */
static int tokenize_meta(const sql_statement *statement, token_builder *builder)
{
    const char *text = statement->text;
    size_t i = 0;
    while (text[i]) {
        if (is_space(text[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (text[i] && !is_space(text[i]))
            i++;
        sql_token token = {SQL_TOKEN_WORD, text + start, i - start, statement->line,
                           statement->column + (int)start};
        if (token_add(builder, token) < 0)
            return -1;
    }
    return 0;
}

int sql_tokenize(const sql_statement *statement, const char *file, sql_tokens *out,
                 diag_list *diags)
{
    token_builder builder = {out, 0};
    out->items = NULL;
    out->count = 0;
    if (statement->is_meta) {
        if (tokenize_meta(statement, &builder) == 0)
            return 0;
        goto out_of_memory;
    }
    lexer lx;
    lexer_init(&lx, statement->text, strlen(statement->text), statement->line, statement->column,
               file, diags);
    lx.meta_allowed = false; /* the splitter has already taken meta-commands out */
    lexeme lex;
    int rc;
    while ((rc = lex_next(&lx, &lex)) > 0) {
        if (lex.kind == LEX_SPACE || lex.kind == LEX_COMMENT)
            continue;
        sql_token token = {(sql_token_kind)lex.kind, statement->text + lex.start,
                           lex.end - lex.start, lex.line, lex.column};
        if (token_add(&builder, token) < 0)
            goto out_of_memory;
    }
    if (rc < 0) {
        sql_tokens_free(out);
        return -1;
    }
    return 0;

out_of_memory:
    sql_tokens_free(out);
    diag_add(diags, file, statement->line, statement->column, "out of memory while tokenizing SQL");
    return -1;
}

void sql_tokens_free(sql_tokens *tokens)
{
    free(tokens->items);
    tokens->items = NULL;
    tokens->count = 0;
}

bool sql_token_is(const sql_token *token, const char *word)
{
    return token->kind == SQL_TOKEN_WORD && word_equals(token->start, token->length, word);
}

char *sql_token_identifier(const sql_token *token)
{
    if (token->kind == SQL_TOKEN_WORD) {
        char *name = strndup(token->start, token->length);
        if (!name)
            return NULL;
        /* PostgreSQL folds only ASCII letters in multibyte encodings */
        for (char *p = name; *p; p++) {
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        }
        return name;
    }
    if (token->kind != SQL_TOKEN_QUOTED_ID)
        return NULL;
    const char *p = token->start;
    const char *end = token->start + token->length;
    if (p < end && (*p == 'u' || *p == 'U'))
        p += 2; /* U& */
    p++;        /* opening quote */
    if (end > p && end[-1] == '"')
        end--;
    char *name = malloc((size_t)(end - p) + 1);
    if (!name)
        return NULL;
    size_t n = 0;
    while (p < end) {
        if (*p == '"' && p + 1 < end && p[1] == '"')
            p++;
        name[n++] = *p++;
    }
    name[n] = '\0';
    return name;
}
