/*
 * sqlsplit.c — splits a SQL script into statements, cutting where psql
 * would: at a ';' outside parentheses and outside a BEGIN ... END function
 * body, and around psql's backslash meta-command lines. It walks the
 * lexemes of the shared lexer (sqllexer.c); tokenizing one statement is
 * sqltoken.c's job.
 */
#include "sqlsplit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlsplit_internal.h"

/*
 * psql does not end a statement at a ';' inside a SQL-standard function body
 * (CREATE [OR REPLACE] {FUNCTION|PROCEDURE} ... BEGIN ATOMIC ... END). It
 * recognises that by the first words of the statement; so do we. SQLite's
 * triggers (CREATE [TEMP|TEMPORARY] TRIGGER ... BEGIN ...; ...; END), which a
 * `<table>.sqlite.sql` file may hold, have a body of the same shape.
 */
typedef enum leading_words {
    LEADING_UNKNOWN, /* still reading CREATE [OR REPLACE] [TEMP|TEMPORARY] */
    LEADING_BODY,    /* a routine or trigger: BEGIN ... END holds its ';'s */
    LEADING_OTHER,
} leading_words;

typedef struct split_state {
    int paren_depth;
    int begin_depth;
    int word_count;
    leading_words leading;
} split_state;

static leading_words classify(const split_state *state, const char *text, size_t length)
{
    static const char *const modifiers[] = {"or", "replace", "temp", "temporary"};
    static const char *const with_body[] = {"function", "procedure", "trigger"};
    if (state->word_count == 0)
        return sql_lexer_word_equals(text, length, "create") ? LEADING_UNKNOWN : LEADING_OTHER;
    for (size_t i = 0; i < sizeof with_body / sizeof with_body[0]; i++)
        if (sql_lexer_word_equals(text, length, with_body[i]))
            return LEADING_BODY;
    for (size_t i = 0; i < sizeof modifiers / sizeof modifiers[0]; i++)
        if (sql_lexer_word_equals(text, length, modifiers[i]))
            return LEADING_UNKNOWN;
    return LEADING_OTHER;
}

static void track_word(split_state *state, const char *text, size_t length)
{
    if (state->leading == LEADING_UNKNOWN)
        state->leading = classify(state, text, length);
    state->word_count++;
    if (state->leading != LEADING_BODY || state->paren_depth != 0)
        return;
    if (sql_lexer_word_equals(text, length, "begin"))
        state->begin_depth++;
    else if (sql_lexer_word_equals(text, length, "case") && state->begin_depth > 0)
        state->begin_depth++;
    else if (sql_lexer_word_equals(text, length, "end") && state->begin_depth > 0)
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
static int add_meta(script_builder *builder, const sql_lexer *lx, const sql_lexeme *lex)
{
    size_t end = lex->end;
    while (end > lex->start && sql_lexer_is_space(lx->text[end - 1]))
        end--;
    return script_add(builder, lx->text + lex->start, end - lex->start, lex->line, lex->column,
                      true);
}

int sql_split(const char *text, size_t length, const char *file, sql_script *out, diag_list *diags)
{
    sql_lexer lx;
    sql_lexer_init(&lx, text, length, 1, 1, file, diags);
    script_builder builder = {out, 0};
    out->items = NULL;
    out->count = 0;
    split_state state = {0};
    sql_lexeme first = {0};   /* first significant lexeme of the open statement */
    size_t statement_end = 0; /* end of its last significant lexeme */
    bool open = false;
    sql_lexeme lex;
    int rc;
    while ((rc = sql_lexer_next(&lx, &lex)) > 0) {
        if (lex.kind == SQL_LEXEME_SPACE || lex.kind == SQL_LEXEME_COMMENT)
            continue;
        bool ends =
            lex.kind == SQL_LEXEME_META || (lex.kind == SQL_TOKEN_PUNCT && text[lex.start] == ';' &&
                                            state.paren_depth == 0 && state.begin_depth == 0);
        if (ends) {
            /* a meta-command line also ends whatever statement came before it */
            if (open && script_add(&builder, text + first.start, statement_end - first.start,
                                   first.line, first.column, false) < 0)
                goto out_of_memory;
            open = false;
            state = (split_state){0};
            if (lex.kind == SQL_LEXEME_META && add_meta(&builder, &lx, &lex) < 0)
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

int sql_read_file(const char *path, const char *display_name, char **text_out, size_t *length_out,
                  diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    *text_out = NULL;
    *length_out = 0;
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
        size_t n = fread(text + length, 1, capacity - length - 1, f);
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
    if (rc < 0) {
        free(text);
        return -1;
    }
    text[length] = '\0';
    *text_out = text;
    *length_out = length;
    return 0;
}

int sql_split_file(const char *path, const char *display_name, sql_script *out, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    out->items = NULL;
    out->count = 0;
    char *text;
    size_t length;
    if (sql_read_file(path, name, &text, &length, diags) < 0)
        return -1;
    int rc = sql_split(text, length, name, out, diags);
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
