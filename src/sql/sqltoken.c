/*
 * sqltoken.c — tokenizes one statement that sqlsplit.c cut out: keeps the
 * lexemes of the shared lexer (sqllexer.c) that are not white space or
 * comments, with their lines and columns in the file, and answers small
 * questions about a token (is it this keyword, which identifier it names).
 */
#include "sqlsplit.h"

#include <stdlib.h>
#include <string.h>

#include "mysplit.h"
#include "sqlsplit_internal.h"

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
        if (sql_lexer_is_space(text[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (text[i] && !sql_lexer_is_space(text[i]))
            i++;
        sql_token token = {SQL_TOKEN_WORD, text + start, i - start, statement->line,
                           statement->column + (int)start};
        if (token_add(builder, token) < 0)
            return -1;
    }
    return 0;
}

static int tokenize(const sql_statement *statement, const char *file, bool mysql, sql_tokens *out,
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
    sql_lexer lx;
    sql_lexer_init(&lx, statement->text, strlen(statement->text), statement->line,
                   statement->column, file, diags);
    lx.meta_allowed = false; /* the splitter has already taken meta-commands out */
    lx.mysql = mysql;
    sql_lexeme lex;
    int rc;
    while ((rc = sql_lexer_next(&lx, &lex)) > 0) {
        if (lex.kind == SQL_LEXEME_SPACE || lex.kind == SQL_LEXEME_COMMENT)
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

int sql_tokenize(const sql_statement *statement, const char *file, sql_tokens *out,
                 diag_list *diags)
{
    return tokenize(statement, file, false, out, diags);
}

int my_sql_tokenize(const sql_statement *statement, const char *file, sql_tokens *out,
                    diag_list *diags)
{
    return tokenize(statement, file, true, out, diags);
}

int sql_tokenize_text(const char *text, sql_tokens *out)
{
    sql_statement statement = {(char *)text, 1, 1, false}; /* only read */
    diag_list ignored = DIAG_LIST_INIT;
    int rc = sql_tokenize(&statement, NULL, out, &ignored);
    diag_list_clear(&ignored);
    return rc;
}

void sql_tokens_free(sql_tokens *tokens)
{
    free(tokens->items);
    tokens->items = NULL;
    tokens->count = 0;
}

bool sql_token_is(const sql_token *token, const char *word)
{
    return token->kind == SQL_TOKEN_WORD &&
           sql_lexer_word_equals(token->start, token->length, word);
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
    char quote = *p == '`' ? '`' : '"'; /* MySQL's `name` */
    if (p < end && (*p == 'u' || *p == 'U'))
        p += 2; /* U& */
    p++;        /* opening quote */
    if (end > p && end[-1] == quote)
        end--;
    char *name = malloc((size_t)(end - p) + 1);
    if (!name)
        return NULL;
    size_t n = 0;
    while (p < end) {
        if (*p == quote && p + 1 < end && p[1] == quote)
            p++;
        name[n++] = *p++;
    }
    name[n] = '\0';
    return name;
}
