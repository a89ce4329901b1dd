/*
 * model_statements.c — what the statements after a CREATE TABLE add to a
 * table model: ALTER TABLE (constraints, defaults, NOT NULL, identity, added
 * columns), CREATE INDEX, the enum types and domains (CREATE TYPE ... AS
 * ENUM, CREATE DOMAIN), and the ownership, grants and comments a throwaway
 * copy skips (kept for --strict).
 */
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "strbuf.h"

/* The table of the model named by the name at *i (after an ONLY; moved past it), or NULL. */
static model_table *table_at(table_model *model, const sql_tokens *t, size_t *i, bool *no_memory)
{
    if (word_at(t, *i, "ONLY"))
        (*i)++;
    char *name = model_read_name(t, i, t->count);
    *no_memory = !name && *i < t->count;
    model_table *table = name ? model_table_find_mutable(model, name) : NULL;
    free(name);
    return table;
}

/* ALTER [COLUMN] c SET DEFAULT / DROP DEFAULT / SET|DROP NOT NULL / ADD GENERATED. */
static int alter_column(model_table *table, const sql_tokens *t, size_t i, size_t end)
{
    if (word_at(t, i, "COLUMN"))
        i++;
    char *name = i < end ? sql_token_identifier(&t->items[i]) : NULL;
    model_column *column = name ? model_column_find_mutable(table, name) : NULL;
    free(name);
    if (!column)
        return 0;
    i++;
    if (word_at(t, i, "SET") && word_at(t, i + 1, "DEFAULT")) {
        free(column->default_value);
        column->default_value = model_text(t, i + 2, end);
        return column->default_value ? 0 : -1;
    }
    if (word_at(t, i, "DROP") && word_at(t, i + 1, "DEFAULT")) {
        free(column->default_value);
        column->default_value = NULL;
    } else if (word_at(t, i + 1, "NOT") && word_at(t, i + 2, "NULL")) {
        column->not_null = word_at(t, i, "SET");
    } else if (word_at(t, i, "ADD") && word_at(t, i + 1, "GENERATED")) {
        column->identity = column->not_null = true;
    }
    return 0;
}

/* One action of an ALTER TABLE, tokens [i, end). */
static int alter_action(model_table *table, const sql_tokens *t, size_t i, size_t end)
{
    if (word_at(t, i, "ALTER"))
        return alter_column(table, t, i + 1, end);
    if (!word_at(t, i, "ADD"))
        return 0;
    i++;
    if (word_at(t, i, "COLUMN"))
        return model_read_table_element(table, t, i + 1, end);
    int rc = model_read_table_element(table, t, i, end);
    for (size_t k = 0; k < table->column_count; k++)
        table->columns[k].file = table->file;
    return rc;
}

int model_read_alter_table(table_model *model, const sql_tokens *t, const char *file)
{
    size_t i = 2;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "EXISTS"))
        i += 2;
    bool no_memory;
    model_table *table = table_at(model, t, &i, &no_memory);
    if (!table)
        return no_memory ? -1 : 0;
    size_t before = table->constraint_count;
    while (i < t->count) {
        size_t end = sql_next_top_level_comma(t, i, t->count);
        if (alter_action(table, t, i, end) < 0)
            return -1;
        i = end + 1;
    }
    for (size_t k = before; k < table->constraint_count; k++)
        table->constraints[k].file = file;
    return 0;
}

int model_read_create_index(table_model *model, const sql_tokens *t, const char *file)
{
    size_t i = 1;
    bool unique = word_at(t, i, "UNIQUE");
    i += unique ? 2 : 1;
    if (word_at(t, i, "CONCURRENTLY"))
        i++;
    if (word_at(t, i, "IF") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    size_t name_at = word_at(t, i, "ON") ? 0 : i;
    while (i < t->count && !word_at(t, i, "ON"))
        i++;
    i++;
    bool no_memory;
    model_table *table = table_at(model, t, &i, &no_memory);
    if (!table)
        return no_memory ? -1 : 0;
    model_index *index = model_grow((void **)&table->indexes, &table->index_count, sizeof *index);
    if (!index)
        return -1;
    char *rest = model_text(t, i, t->count);
    index->definition = rest ? strbuf_format("%s%s%s", unique ? "unique " : "",
                                             punct_at(t, i, '(') ? "using btree" : "", rest)
                             : NULL;
    free(rest);
    index->name = name_at ? model_text(t, name_at, name_at + 1) : strdup("(unnamed)");
    index->file = file;
    index->line = t->items[0].line;
    return index->definition && index->name ? 0 : -1;
}

int model_read_type(table_model *model, const sql_tokens *t, const char *file)
{
    bool is_enum = word_at(t, 0, "CREATE") && word_at(t, 1, "TYPE");
    bool is_domain = word_at(t, 0, "CREATE") && word_at(t, 1, "DOMAIN");
    if (!is_enum && !is_domain)
        return 0;
    size_t i = 2;
    char *name = model_read_name(t, &i, t->count);
    if (!name)
        return i < t->count ? -1 : 0;
    if (word_at(t, i, "AS"))
        i++;
    if (is_enum && !(word_at(t, i, "ENUM") && punct_at(t, i + 1, '(')))
        return free(name), 0;
    model_type *type = model_grow((void **)&model->types, &model->type_count, sizeof *type);
    if (!type)
        return free(name), -1;
    type->name = name;
    type->kind = is_enum ? MODEL_ENUM : MODEL_DOMAIN;
    type->definition = is_enum ? model_text(t, i + 2, sql_skip_group(t, i + 1, t->count) - 1)
                               : model_text(t, i, t->count);
    type->file = file;
    type->line = t->items[0].line;
    return type->definition ? 0 : -1;
}

/* Index of the table name an ownership, grant or comment statement is about, or t->count. */
static size_t extra_table_index(const sql_tokens *t, bool *is_column)
{
    *is_column = false;
    if (word_at(t, 0, "ALTER") && word_at(t, 1, "TABLE")) {
        size_t i = 2;
        if (word_at(t, i, "ONLY"))
            i++;
        return i;
    }
    if (word_at(t, 0, "COMMENT") && word_at(t, 1, "ON")) {
        *is_column = word_at(t, 2, "COLUMN");
        return word_at(t, 2, "TABLE") || *is_column ? 3 : t->count;
    }
    if (word_at(t, 0, "GRANT") || word_at(t, 0, "REVOKE")) {
        for (size_t i = 1; i < t->count; i++)
            if (word_at(t, i, "ON"))
                return word_at(t, i + 1, "TABLE") ? i + 2 : i + 1;
    }
    return t->count;
}

int model_read_extra(table_model *model, const sql_tokens *t, const char *file)
{
    bool is_column;
    size_t i = extra_table_index(t, &is_column);
    if (i >= t->count)
        return 0;
    strbuf written = STRBUF_INIT;
    for (size_t k = i; k < t->count && (k == i || punct_at(t, k - 1, '.') || punct_at(t, k, '.'));
         k++)
        strbuf_append(&written, t->items[k].start, t->items[k].length);
    if (is_column && written.data && strrchr(written.data, '.'))
        *strrchr(written.data, '.') = '\0';
    char *name = written.data ? ddl_normalize_name(written.data) : NULL;
    strbuf_free(&written);
    model_table *table = name ? model_table_find_mutable(model, name) : NULL;
    free(name);
    if (!table)
        return 0;
    model_extra *extra = model_grow((void **)&table->extras, &table->extra_count, sizeof *extra);
    if (!extra || !(extra->text = model_text(t, 0, t->count)))
        return -1;
    extra->file = file;
    extra->line = t->items[0].line;
    return 0;
}

char *model_type_statement(const ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind != DDL_OTHER || st->source->is_meta)
            continue;
        sql_tokens t = {0};
        diag_list ignored = DIAG_LIST_INIT;
        char *found = NULL;
        if (sql_tokenize(st->source, file->display_name, &t, &ignored) == 0 &&
            word_at(&t, 0, "CREATE") && (word_at(&t, 1, "TYPE") || word_at(&t, 1, "DOMAIN"))) {
            size_t k = 2;
            found = model_read_name(&t, &k, t.count);
        }
        bool match = found && strcmp(found, name) == 0;
        free(found);
        sql_tokens_free(&t);
        diag_list_clear(&ignored);
        if (match)
            return strbuf_format("%s;\n", st->source->text);
    }
    return NULL;
}
