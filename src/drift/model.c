/*
 * model.c — a table model from the DDL reader's statements: which statement
 * adds what to which table (model.h), and the token helpers the other
 * model*.c files share.
 */
#include "model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "strbuf.h"

/* ---- tokens as text ---- */

/* An identifier as pg_dump would write it: bare when folding keeps it, else quoted. */
static void append_identifier(strbuf *sb, const sql_token *token)
{
    char *name = sql_token_identifier(token);
    if (!name) {
        sb->failed = true;
        return;
    }
    bool bare = !isdigit((unsigned char)name[0]);
    for (const char *p = name; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            bare = false;
    if (bare)
        strbuf_append_str(sb, name);
    else
        strbuf_append_identifier(sb, name);
    free(name);
}

/* "public." and "pg_catalog." before a name say nothing a copy needs. */
static bool is_dropped_qualifier(const sql_tokens *t, size_t i)
{
    return (word_at(t, i, "public") || word_at(t, i, "pg_catalog")) && punct_at(t, i + 1, '.');
}

static bool tight_before(const sql_token *token, const sql_token *prev)
{
    if (token->kind == SQL_TOKEN_PUNCT && strchr(")],.([", token->start[0]))
        return true;
    if (prev->kind == SQL_TOKEN_PUNCT && strchr("([.", prev->start[0]))
        return true;
    bool cast = token->kind == SQL_TOKEN_OPERATOR && token->length == 2 &&
                memcmp(token->start, "::", 2) == 0;
    bool after_cast =
        prev->kind == SQL_TOKEN_OPERATOR && prev->length == 2 && memcmp(prev->start, "::", 2) == 0;
    return cast || after_cast;
}

char *model_text(const sql_tokens *t, size_t begin, size_t end)
{
    strbuf sb = STRBUF_INIT;
    const sql_token *prev = NULL;
    for (size_t i = begin; i < end && i < t->count; i++) {
        if (is_dropped_qualifier(t, i)) {
            i++;
            continue;
        }
        const sql_token *token = &t->items[i];
        if (prev && !tight_before(token, prev))
            strbuf_append_char(&sb, ' ');
        if (is_identifier_token(token))
            append_identifier(&sb, token);
        else if (token->kind == SQL_TOKEN_STRING && token->length > 8 &&
                 memcmp(token->start, "'public.", 8) == 0)
            strbuf_appendf(&sb, "'%.*s", (int)token->length - 8, token->start + 8);
        else
            strbuf_append(&sb, token->start, token->length);
        prev = token;
    }
    if (!sb.data)
        strbuf_append_str(&sb, "");
    if (sb.failed) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

char *model_read_name(const sql_tokens *t, size_t *i, size_t end)
{
    strbuf written = STRBUF_INIT;
    while (*i < end && is_identifier_token(&t->items[*i])) {
        const sql_token *token = &t->items[*i];
        strbuf_append(&written, token->start, token->length);
        (*i)++;
        if (!punct_at(t, *i, '.'))
            break;
        strbuf_append_char(&written, '.');
        (*i)++;
    }
    char *name = written.data && !written.failed ? ddl_normalize_name(written.data) : NULL;
    strbuf_free(&written);
    return name;
}

void *model_grow(void **items, size_t *count, size_t size)
{
    char *grown = realloc(*items, (*count + 1) * size);
    if (!grown)
        return NULL;
    *items = grown;
    memset(grown + *count * size, 0, size);
    return grown + (*count)++ * size;
}

/* ---- lookups ---- */

model_table *model_table_find_mutable(table_model *model, const char *name)
{
    for (size_t i = 0; i < model->table_count; i++)
        if (strcmp(model->tables[i].name, name) == 0)
            return &model->tables[i];
    return NULL;
}

const model_table *model_find_table(const table_model *model, const char *name)
{
    return model_table_find_mutable((table_model *)model, name);
}

model_column *model_column_find_mutable(model_table *table, const char *name)
{
    for (size_t i = 0; i < table->column_count; i++)
        if (strcmp(table->columns[i].name, name) == 0)
            return &table->columns[i];
    return NULL;
}

const model_column *model_find_column(const model_table *table, const char *name)
{
    return model_column_find_mutable((model_table *)table, name);
}

const model_type *model_find_type(const table_model *model, const char *name)
{
    for (size_t i = 0; i < model->type_count; i++)
        if (strcmp(model->types[i].name, name) == 0)
            return &model->types[i];
    return NULL;
}

/* ---- building ---- */

/* A CREATE TABLE of the reader: the elements ddl_analyze read, one by one. */
static int add_table(table_model *model, const ddl_table *source, const ddl_statement *st,
                     const char *file)
{
    if (!st->elements)
        return 0; /* ddl_analyze reported why it could not read the list */
    model_table *table = model_grow((void **)&model->tables, &model->table_count, sizeof *table);
    if (!table || !(table->name = strdup(source->name)))
        return -1;
    table->file = file;
    table->line = source->line;
    for (size_t i = 0; i < st->elements->count; i++)
        if (model_read_element(table, &st->tokens, &st->elements->items[i]) < 0)
            return -1;
    for (size_t i = 0; i < table->column_count; i++)
        table->columns[i].file = file;
    for (size_t i = 0; i < table->constraint_count; i++)
        table->constraints[i].file = file;
    return 0;
}

/* The statement's tokens, and which of the model's tables it is about (NULL: none kept). */
static int add_statement(table_model *model, const ddl_file *file, size_t index,
                         const char *only_table, const char *name, diag_list *diags)
{
    const ddl_statement *st = &file->statements[index];
    if (st->source->is_meta)
        return 0;
    bool about_other = st->table && only_table && strcmp(st->table, only_table) != 0;
    if (about_other && st->kind != DDL_OTHER && st->kind != DDL_SKIP)
        return 0;
    sql_tokens t = {0}; /* when ddl_analyze kept none */
    if (st->tokenized)
        t = st->tokens;
    else if (sql_tokenize(st->source, file->display_name, &t, diags) < 0)
        return -1;
    int rc = 0;
    if (st->kind == DDL_CREATE_TABLE) {
        const ddl_table *source = ddl_file_table(file, st->table);
        if (source && !model_find_table(model, source->name))
            rc = add_table(model, source, st, name);
    } else if (st->kind == DDL_ALTER_TABLE) {
        rc = model_read_alter_table(model, &t, name);
    } else if (st->kind == DDL_CREATE_INDEX) {
        rc = model_read_create_index(model, &t, name);
    } else if (st->kind == DDL_OTHER) {
        rc = model_read_type(model, &t, name);
    } else if (st->kind == DDL_SKIP) {
        rc = model_read_extra(model, &t, name);
    }
    if (!st->tokenized)
        sql_tokens_free(&t);
    if (rc < 0)
        diag_add(diags, file->display_name, st->source->line, 0, "out of memory");
    return rc;
}

const char *model_remember_file(table_model *model, const char *display_name)
{
    char **files = realloc(model->files, (model->file_count + 1) * sizeof *files);
    if (!files)
        return NULL;
    model->files = files;
    char *name = strdup(display_name);
    if (name)
        files[model->file_count++] = name;
    return name;
}

int model_add_file(table_model *model, const ddl_file *file, const char *only_table,
                   diag_list *diags)
{
    const char *name = model_remember_file(model, file->display_name);
    if (!name)
        return -1;
    for (size_t i = 0; i < file->statement_count; i++)
        if (add_statement(model, file, i, only_table, name, diags) < 0)
            return -1;
    return 0;
}

static void table_free(model_table *table)
{
    for (size_t i = 0; i < table->column_count; i++) {
        free(table->columns[i].name);
        free(table->columns[i].type);
        free(table->columns[i].family);
        free(table->columns[i].default_value);
    }
    for (size_t i = 0; i < table->constraint_count; i++)
        model_constraint_free(&table->constraints[i]);
    for (size_t i = 0; i < table->index_count; i++) {
        free(table->indexes[i].name);
        free(table->indexes[i].definition);
    }
    for (size_t i = 0; i < table->extra_count; i++)
        free(table->extras[i].text);
    free(table->name);
    free(table->columns);
    free(table->constraints);
    free(table->indexes);
    free(table->extras);
}

void table_model_free(table_model *model)
{
    for (size_t i = 0; i < model->table_count; i++)
        table_free(&model->tables[i]);
    for (size_t i = 0; i < model->type_count; i++) {
        free(model->types[i].name);
        free(model->types[i].definition);
    }
    for (size_t i = 0; i < model->file_count; i++)
        free(model->files[i]);
    free(model->tables);
    free(model->types);
    free(model->files);
    memset(model, 0, sizeof *model);
}
