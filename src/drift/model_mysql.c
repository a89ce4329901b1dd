/*
 * model_mysql.c — table models from MySQL/MariaDB DDL (model_mysql.h): each
 * CREATE TABLE as foster's MySQL reader splits it (myddl.h: its elements),
 * read into the same model_table as PostgreSQL's DDL, so that drift.c
 * compares them alike. Types are spelled one way: integer display widths
 * dropped (int(11) is int; tinyint(1) stays, it is MySQL's boolean),
 * integer is int, boolean is tinyint(1), numeric is decimal with its
 * precision and scale (decimal is decimal(10,0)); DEFAULT NULL is no
 * default; current_timestamp and now() are current_timestamp(). A KEY is an
 * index; a UNIQUE KEY a unique constraint; MySQL's enum('a','b') is the
 * column's type (a new value changes it).
 */
#include "model_mysql.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "myddl.h"
#include "mysplit.h"
#include "smallfile.h"
#include "strbuf.h"

/* ---- types ---- */

static bool starts_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    return strncmp(text, word, n) == 0 && !isalnum((unsigned char)text[n]) && text[n] != '_';
}

static bool any_word(const char *base, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (starts_word(base, words[i]))
            return true;
    return false;
}

/* "decimal(14, 2)" and friends: the numbers in the brackets (-1 when absent). */
static void bracket_numbers(const char *type, long *a, long *b)
{
    *a = *b = -1;
    const char *open = strchr(type, '(');
    if (!open || !isdigit((unsigned char)open[1]))
        return;
    char *end = NULL;
    *a = strtol(open + 1, &end, 10);
    while (end && (*end == ',' || *end == ' '))
        end++;
    if (end && isdigit((unsigned char)*end))
        *b = strtol(end, NULL, 10);
}

/* The integer types without their display width, but tinyint(1); unsigned kept. */
static char *integer_type(const char *text, long width)
{
    size_t base = strcspn(text, "( ");
    const char *rest = text + base;
    if (*rest == '(')
        rest = strchr(rest, ')') ? strchr(rest, ')') + 1 : rest + strlen(rest);
    bool is_integer = starts_word(text, "integer");
    if (starts_word(text, "tinyint") && width == 1)
        return strbuf_format("tinyint(1)%s", rest);
    return strbuf_format("%.*s%s", is_integer ? 3 : (int)base, text, rest);
}

/* Sets `column`'s canonical type, family, length, precision and scale from `text`. */
static int set_type(model_column *column, const char *text)
{
    static const char *const integers[] = {"tinyint", "smallint", "mediumint", "int",
                                           "integer", "bigint",   NULL};
    static const char *const decimals[] = {"decimal", "numeric", "dec", "fixed", NULL};
    static const char *const floats[] = {"float", "double", "real", NULL};
    static const char *const texts[] = {"char",     "varchar",    "tinytext", "text",
                                        "longtext", "mediumtext", NULL};
    static const char *const binaries[] = {"binary",     "varbinary", "blob", "tinyblob",
                                           "mediumblob", "longblob",  "bit",  NULL};
    long a, b;
    bracket_numbers(text, &a, &b);
    column->length = -1;
    column->precision = column->scale = -1;
    const char *family = "other";
    if (starts_word(text, "bool") || starts_word(text, "boolean")) {
        column->type = strdup("tinyint(1)");
        family = "boolean";
    } else if (any_word(text, integers)) {
        column->type = integer_type(text, a);
        family =
            starts_word(column->type ? column->type : "", "tinyint(1)") ? "boolean" : "integer";
    } else if (any_word(text, decimals)) {
        column->precision = a < 0 ? 10 : (int)a;
        column->scale = b < 0 ? 0 : (int)b;
        const char *rest = strchr(text, ')') ? strchr(text, ')') + 1 : text + strcspn(text, " ");
        column->type = strbuf_format("decimal(%d,%d)%s", column->precision, column->scale, rest);
        family = "decimal";
    } else {
        column->type = strdup(
            starts_word(text, "real") || starts_word(text, "double precision") ? "double" : text);
        if (any_word(text, floats))
            family = "float";
        else if (any_word(text, texts))
            family = "text", column->length = a;
        else if (starts_word(text, "enum") || starts_word(text, "set"))
            family = "enum";
        else if (starts_word(text, "datetime") || starts_word(text, "timestamp"))
            family = "timestamp";
        else if (starts_word(text, "date") || starts_word(text, "time"))
            family = starts_word(text, "date") ? "date" : "time";
        else if (starts_word(text, "year"))
            family = "integer";
        else if (starts_word(text, "json") || starts_word(text, "uuid"))
            family = starts_word(text, "json") ? "json" : "uuid";
        else if (any_word(text, binaries))
            family = "binary";
    }
    column->family = strdup(family);
    return column->type && column->family ? 0 : -1;
}

/* A DEFAULT's tokens [begin, end) in one spelling; NULL (and *none) for DEFAULT NULL. */
static char *default_text(const sql_tokens *t, size_t begin, size_t end, bool *none)
{
    char *text = model_text(t, begin, end);
    *none = text && strcmp(text, "null") == 0;
    if (text && (strcmp(text, "current_timestamp") == 0 || strcmp(text, "now()") == 0 ||
                 strcmp(text, "localtimestamp") == 0)) {
        free(text);
        return strdup("current_timestamp()");
    }
    if (*none)
        free(text), text = NULL;
    return text;
}

/* ---- elements ---- */

static model_constraint *add_constraint(model_table *table, model_constraint_kind kind,
                                        const sql_tokens *t, size_t name, int line)
{
    model_constraint *c =
        model_grow((void **)&table->constraints, &table->constraint_count, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->line = line;
    if (name != SIZE_MAX && !(c->name = model_text(t, name, name + 1)))
        return NULL;
    return c;
}

/* The tokens of the bracket group opened at `open`, without the brackets, as text. */
static char *inside(const sql_tokens *t, size_t open, size_t end)
{
    size_t close = sql_skip_group(t, open, end) - 1;
    return model_text(t, open + 1, close);
}

/* The index after a column's DEFAULT value starting at `i`: at the next attribute. */
static size_t value_end(const sql_tokens *t, size_t i, size_t end)
{
    i = sql_skip_group(t, i, end);
    while (i < end && !my_is_column_attribute(t, i))
        i = sql_skip_group(t, i, end);
    return i;
}

/* A column's inline PRIMARY KEY, UNIQUE or CHECK. 0, or -1 on no memory. */
static int column_constraint(model_table *table, const model_column *column, const sql_tokens *t,
                             size_t *i, size_t end)
{
    int line = t->items[*i].line;
    model_constraint *c = NULL;
    if (word_at(t, *i, "CHECK") && punct_at(t, *i + 1, '(')) {
        if (!(c = add_constraint(table, MODEL_CHECK, t, SIZE_MAX, line)) ||
            !(c->expression = inside(t, *i + 1, end)))
            return -1;
        *i = sql_skip_group(t, *i + 1, end);
        return 0;
    }
    bool primary = word_at(t, *i, "PRIMARY");
    c = add_constraint(table, primary ? MODEL_PRIMARY_KEY : MODEL_UNIQUE, t, SIZE_MAX, line);
    if (!c || !(c->columns = strdup(column->name)))
        return -1;
    *i += word_at(t, *i + 1, "KEY") ? 2 : 1;
    return 0;
}

/* What follows a column's type: NOT NULL, DEFAULT, AUTO_INCREMENT, keys, checks, ON UPDATE. */
static int column_attributes(model_table *table, size_t index, const sql_tokens *t, size_t i,
                             size_t end)
{
    while (i < end) {
        model_column *column = &table->columns[index];
        if (word_at(t, i, "NOT") && word_at(t, i + 1, "NULL")) {
            column->not_null = true;
            i += 2;
        } else if (word_at(t, i, "DEFAULT")) {
            size_t stop = value_end(t, i + 1, end);
            bool none = false;
            free(column->default_value);
            column->default_value = default_text(t, i + 1, stop, &none);
            if (!column->default_value && !none)
                return -1;
            i = stop;
        } else if (word_at(t, i, "ON") && word_at(t, i + 1, "UPDATE")) {
            size_t stop = value_end(t, i + 2, end);
            bool none = false;
            char *value = default_text(t, i + 2, stop, &none);
            char *joined =
                value ? strbuf_format("%s on update %s",
                                      column->default_value ? column->default_value : "null", value)
                      : NULL;
            free(value);
            if (!joined)
                return -1;
            free(column->default_value);
            column->default_value = joined;
            i = stop;
        } else if (word_at(t, i, "AUTO_INCREMENT")) {
            column->identity = column->not_null = true;
            i++;
        } else if ((word_at(t, i, "PRIMARY") && word_at(t, i + 1, "KEY")) ||
                   word_at(t, i, "UNIQUE") || word_at(t, i, "CHECK")) {
            if (word_at(t, i, "PRIMARY"))
                column->not_null = true;
            if (column_constraint(table, column, t, &i, end) < 0)
                return -1;
        } else {
            i = sql_skip_group(t, i, end); /* NULL, COMMENT '...', COLLATE x, INVISIBLE... */
        }
    }
    return 0;
}

static int read_column(model_table *table, const sql_tokens *t, const my_element *e)
{
    model_column *column =
        model_grow((void **)&table->columns, &table->column_count, sizeof *column);
    if (!column || !(column->name = sql_token_identifier(&t->items[e->name])))
        return -1;
    column->line = t->items[e->name].line;
    char *type = model_text(t, e->name + 1, e->type_end);
    int rc = type ? set_type(column, type) : -1;
    free(type);
    if (rc == 0)
        rc = column_attributes(table, table->column_count - 1, t, e->type_end, e->end);
    return rc;
}

/* The first token of `e` that is `word`, or e->end. */
static size_t find_word(const sql_tokens *t, const my_element *e, const char *word)
{
    size_t i = e->begin;
    while (i < e->end && !word_at(t, i, word))
        i = sql_skip_group(t, i, e->end);
    return i;
}

static int read_key(model_table *table, const sql_tokens *t, const my_element *e)
{
    int line = t->items[e->begin].line;
    if (e->kind == MY_ELEMENT_KEY || e->kind == MY_ELEMENT_FULLTEXT) {
        model_index *index =
            model_grow((void **)&table->indexes, &table->index_count, sizeof *index);
        if (!index || e->list == SIZE_MAX)
            return index ? 0 : -1;
        index->line = line;
        index->name = e->name != SIZE_MAX ? model_text(t, e->name, e->name + 1) : strdup("");
        char *list = model_text(t, e->list, e->end);
        index->definition = list && e->kind == MY_ELEMENT_FULLTEXT
                                ? strbuf_format("fulltext %s", list)
                                : (list ? strdup(list) : NULL);
        free(list);
        return index->name && index->definition ? 0 : -1;
    }
    static const model_constraint_kind kinds[] = {
        [MY_ELEMENT_PRIMARY_KEY] = MODEL_PRIMARY_KEY,
        [MY_ELEMENT_UNIQUE_KEY] = MODEL_UNIQUE,
        [MY_ELEMENT_FOREIGN_KEY] = MODEL_FOREIGN_KEY,
        [MY_ELEMENT_CHECK] = MODEL_CHECK,
    };
    size_t name = e->kind == MY_ELEMENT_PRIMARY_KEY ? SIZE_MAX : e->name;
    model_constraint *c = add_constraint(table, kinds[e->kind], t, name, line);
    if (!c)
        return -1;
    if (e->kind == MY_ELEMENT_CHECK) {
        size_t check = find_word(t, e, "CHECK");
        c->expression = check + 1 < e->end ? inside(t, check + 1, e->end) : strdup("");
        return c->expression ? 0 : -1;
    }
    c->columns = e->list != SIZE_MAX ? inside(t, e->list, e->end) : strdup("");
    if (e->kind == MY_ELEMENT_FOREIGN_KEY) {
        size_t ref = find_word(t, e, "REFERENCES");
        c->references = model_text(t, ref + 1, e->end);
        return c->columns && c->references ? 0 : -1;
    }
    return c->columns ? 0 : -1;
}

/* ---- tables ---- */

static int add_table(table_model *model, const ddl_table *source, const sql_tokens *t,
                     const char *file)
{
    size_t name_at = 0;
    size_t open = my_create_table_open(t, &name_at);
    if (open == SIZE_MAX)
        return 0;
    size_t close = sql_skip_group(t, open, t->count) - 1;
    my_element *elements = NULL;
    size_t count = 0;
    if (my_table_elements(t, open, close, &elements, &count) < 0)
        return -1;
    model_table *table = model_grow((void **)&model->tables, &model->table_count, sizeof *table);
    int rc = table && (table->name = strdup(source->name)) ? 0 : -1;
    if (!rc) {
        table->file = file;
        table->line = source->line;
    }
    for (size_t i = 0; !rc && i < count; i++) {
        if (elements[i].kind == MY_ELEMENT_COLUMN)
            rc = read_column(table, t, &elements[i]);
        else if (elements[i].kind != MY_ELEMENT_OTHER)
            rc = read_key(table, t, &elements[i]);
    }
    free(elements);
    for (size_t i = 0; !rc && i < table->column_count; i++)
        table->columns[i].file = file;
    for (size_t i = 0; !rc && i < table->constraint_count; i++)
        table->constraints[i].file = file;
    for (size_t i = 0; !rc && i < table->index_count; i++)
        table->indexes[i].file = file;
    return rc;
}

int model_add_mysql_file(table_model *model, const ddl_file *file, const char *only_table,
                         diag_list *diags)
{
    const char *name = model_remember_file(model, file->display_name);
    if (!name)
        return -1;
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind != DDL_CREATE_TABLE || (only_table && strcmp(st->table, only_table) != 0))
            continue;
        const ddl_table *source = ddl_file_table(file, st->table);
        if (!source || model_find_table(model, source->name))
            continue;
        sql_tokens t = {0};
        if (my_sql_tokenize(st->source, file->display_name, &t, diags) < 0)
            return -1;
        int rc = add_table(model, source, &t, name);
        sql_tokens_free(&t);
        if (rc < 0) {
            diag_add(diags, file->display_name, st->source->line, 0, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* ---- either dialect ---- */

/* Schema files are small; a bigger one is refused rather than read. */
#define MODEL_MAX_BYTES (64u << 20)

int model_add_text(table_model *model, const char *text, const char *display, sql_dialect dialect,
                   const char *only_table, diag_list *diags)
{
    size_t length = strlen(text);
    if (dialect == SQL_DIALECT_UNKNOWN)
        dialect = sql_dialect_detect(text, length, NULL);
    ddl_file file = {0};
    int rc;
    if (dialect == SQL_DIALECT_MYSQL) {
        rc = my_ddl_analyze_text(text, length, display, &file, diags);
        if (rc == 0)
            rc = model_add_mysql_file(model, &file, only_table, diags);
    } else {
        sql_script script = {0};
        rc = sql_split(text, length, display, &script, diags);
        if (rc == 0)
            rc = ddl_analyze(&script, display, &file, diags);
        if (rc == 0)
            rc = model_add_file(model, &file, only_table, diags);
    }
    ddl_file_free(&file);
    return rc;
}

int model_add_path(table_model *model, const char *path, const char *display, sql_dialect dialect,
                   const char *only_table, diag_list *diags)
{
    char *text = smallfile_read(path, MODEL_MAX_BYTES);
    if (!text) {
        diag_add(diags, display, 0, 0, "cannot read the schema file: %s", strerror(errno));
        return -1;
    }
    int rc = model_add_text(model, text, display, dialect, only_table, diags);
    free(text);
    return rc;
}
