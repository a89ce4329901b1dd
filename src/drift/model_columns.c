/*
 * model_columns.c — the elements of a CREATE TABLE in a table model: each
 * column's canonical type (as pg_dump writes it), nullability, default and
 * inline constraints; the table constraints (PRIMARY KEY, UNIQUE, FOREIGN
 * KEY, CHECK) beside them.
 */
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "strbuf.h"

/* ---- types ---- */

typedef struct type_alias {
    const char *written;
    const char *canonical;
    const char *family;
} type_alias;

static const type_alias type_aliases[] = {
    {"int", "integer", "integer"},
    {"int4", "integer", "integer"},
    {"integer", "integer", "integer"},
    {"serial", "integer", "integer"},
    {"serial4", "integer", "integer"},
    {"int8", "bigint", "integer"},
    {"bigint", "bigint", "integer"},
    {"bigserial", "bigint", "integer"},
    {"serial8", "bigint", "integer"},
    {"int2", "smallint", "integer"},
    {"smallint", "smallint", "integer"},
    {"smallserial", "smallint", "integer"},
    {"serial2", "smallint", "integer"},
    {"varchar", "character varying", "text"},
    {"character varying", "character varying", "text"},
    {"char", "character", "text"},
    {"character", "character", "text"},
    {"bpchar", "character", "text"},
    {"text", "text", "text"},
    {"citext", "citext", "text"},
    {"bool", "boolean", "boolean"},
    {"boolean", "boolean", "boolean"},
    {"decimal", "numeric", "decimal"},
    {"numeric", "numeric", "decimal"},
    {"float", "double precision", "float"},
    {"float8", "double precision", "float"},
    {"double precision", "double precision", "float"},
    {"float4", "real", "float"},
    {"real", "real", "float"},
    {"money", "money", "decimal"},
    {"date", "date", "date"},
    {"timestamp", "timestamp without time zone", "timestamp"},
    {"timestamp without time zone", "timestamp without time zone", "timestamp"},
    {"timestamptz", "timestamp with time zone", "timestamp"},
    {"timestamp with time zone", "timestamp with time zone", "timestamp"},
    {"time", "time without time zone", "time"},
    {"time without time zone", "time without time zone", "time"},
    {"timetz", "time with time zone", "time"},
    {"time with time zone", "time with time zone", "time"},
    {"interval", "interval", "interval"},
    {"uuid", "uuid", "uuid"},
    {"json", "json", "json"},
    {"jsonb", "jsonb", "json"},
    {"bytea", "bytea", "binary"},
    {"inet", "inet", "text"},
    {"cidr", "cidr", "text"},
};

static const type_alias *find_alias(const char *written)
{
    for (size_t i = 0; i < sizeof type_aliases / sizeof type_aliases[0]; i++)
        if (strcmp(type_aliases[i].written, written) == 0)
            return &type_aliases[i];
    return NULL;
}

/* "numeric(12, 2)" -> args "12,2"; the words around the brackets joined by one space. */
static void split_type(const char *text, strbuf *words, strbuf *args, bool *array)
{
    const char *open = strchr(text, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    size_t length = strlen(text);
    *array = length > 2 && strcmp(text + length - 2, "[]") == 0;
    if (*array)
        length -= 2;
    if (!open || !close) {
        strbuf_append(words, text, length);
        return;
    }
    strbuf_append(words, text, (size_t)(open - text));
    for (const char *p = open + 1; p < close; p++)
        if (*p != ' ')
            strbuf_append_char(args, *p);
    if (close + 1 < text + length)
        strbuf_append(words, close + 1, (size_t)(text + length - close - 1));
}

/* The canonical spelling, with the bracketed arguments where pg_dump puts them. */
static char *compose_type(const char *canonical, const char *args, bool array)
{
    strbuf sb = STRBUF_INIT;
    const char *zone = strstr(canonical, " with");
    if (args[0] && zone && (strncmp(canonical, "time", 4) == 0))
        strbuf_appendf(&sb, "%.*s(%s)%s", (int)(zone - canonical), canonical, args, zone);
    else if (args[0])
        strbuf_appendf(&sb, "%s(%s)", canonical, args);
    else if (strcmp(canonical, "character") == 0)
        strbuf_append_str(&sb, "character(1)");
    else
        strbuf_append_str(&sb, canonical);
    if (array)
        strbuf_append_str(&sb, "[]");
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

static void set_sizes(model_column *column, const char *family, const char *args)
{
    column->length = -1;
    column->precision = column->scale = -1;
    if (!args[0])
        return;
    if (strcmp(family, "text") == 0) {
        column->length = strtol(args, NULL, 10);
    } else if (strcmp(family, "decimal") == 0) {
        char *comma = NULL;
        column->precision = (int)strtol(args, &comma, 10);
        column->scale = comma && *comma == ',' ? (int)strtol(comma + 1, NULL, 10) : 0;
    }
}

int model_column_set_type(model_column *column, const sql_tokens *t, size_t begin, size_t end)
{
    char *text = model_text(t, begin, end);
    strbuf words = STRBUF_INIT, args = STRBUF_INIT;
    bool array = false;
    if (text)
        split_type(text, &words, &args, &array);
    const char *key = words.data ? words.data : "";
    while (*key == ' ')
        key++;
    size_t key_length = strlen(key);
    while (key_length && key[key_length - 1] == ' ')
        ((char *)key)[--key_length] = '\0';
    const type_alias *alias = find_alias(key);
    if (alias && strcmp(alias->canonical, "numeric") == 0 && args.data && !strchr(args.data, ','))
        strbuf_append_str(&args, ",0");
    const char *a = args.data ? args.data : "";
    column->type = compose_type(alias ? alias->canonical : key, a, array);
    column->family = strdup(array ? "array" : alias ? alias->family : "other");
    set_sizes(column, alias && !array ? alias->family : "", a);
    bool serial = alias && strstr(alias->written, "serial");
    free(text);
    strbuf_free(&words);
    strbuf_free(&args);
    if (!column->type || !column->family)
        return -1;
    if (serial)
        column->not_null = true;
    return serial ? 1 : 0;
}

/* ---- constraints ---- */

/* Words that end a column's type, or a DEFAULT expression. */
static bool is_constraint_word(const sql_tokens *t, size_t i)
{
    static const char *const words[] = {"NOT",       "NULL",   "DEFAULT",    "PRIMARY",
                                        "UNIQUE",    "CHECK",  "REFERENCES", "CONSTRAINT",
                                        "GENERATED", "COLLATE"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (word_at(t, i, words[k]))
            return true;
    return false;
}

static size_t next_constraint_word(const sql_tokens *t, size_t from, size_t end)
{
    size_t i = from;
    while (i < end && !is_constraint_word(t, i))
        i = sql_skip_group(t, i, end);
    return i < end ? i : end;
}

/* After REFERENCES: the table, its columns and the actions (ON DELETE SET NULL...). */
static size_t references_end(const sql_tokens *t, size_t i, size_t end)
{
    free(model_read_name(t, &i, end));
    if (punct_at(t, i, '('))
        i = sql_skip_group(t, i, end);
    while (i < end) {
        if (word_at(t, i, "ON") && word_at(t, i + 2, "SET"))
            i = punct_at(t, i + 4, '(') ? sql_skip_group(t, i + 4, end) : i + 4;
        else if (word_at(t, i, "ON") && word_at(t, i + 2, "NO"))
            i += 4;
        else if (word_at(t, i, "ON"))
            i += 3;
        else if (word_at(t, i, "MATCH") || word_at(t, i, "INITIALLY") ||
                 (word_at(t, i, "NOT") && word_at(t, i + 1, "DEFERRABLE")))
            i += 2;
        else if (word_at(t, i, "DEFERRABLE"))
            i++;
        else
            break;
    }
    return i < end ? i : end;
}

void model_constraint_free(model_constraint *c)
{
    free(c->name);
    free(c->columns);
    free(c->references);
    free(c->expression);
}

static model_constraint *add_constraint(model_table *table, model_constraint_kind kind, char **name,
                                        int line)
{
    model_constraint *c =
        model_grow((void **)&table->constraints, &table->constraint_count, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->name = *name;
    *name = NULL;
    c->line = line;
    c->file = table->file;
    return c;
}

/* PRIMARY KEY columns are NOT NULL, as PostgreSQL makes them. */
static void mark_key_columns(model_table *table, const sql_tokens *t, size_t open, size_t end)
{
    size_t close = sql_skip_group(t, open, end) - 1;
    for (size_t i = open + 1; i < close; i++) {
        char *name = sql_token_identifier(&t->items[i]);
        model_column *column = name ? model_column_find_mutable(table, name) : NULL;
        if (column)
            column->not_null = true;
        free(name);
    }
}

/* The bracketed group at `open` without its brackets, normalised. */
static char *group_text(const sql_tokens *t, size_t open, size_t end)
{
    size_t close = sql_skip_group(t, open, end) - 1;
    return model_text(t, open + 1, close);
}

int model_read_table_constraint(model_table *table, const sql_tokens *t, size_t i, size_t end,
                                int line)
{
    char *name = NULL;
    if (word_at(t, i, "CONSTRAINT")) {
        i++;
        name = model_text(t, i, i + 1);
        i++;
    }
    model_constraint *c = NULL;
    if (word_at(t, i, "PRIMARY") && punct_at(t, i + 2, '(')) {
        if ((c = add_constraint(table, MODEL_PRIMARY_KEY, &name, line)))
            c->columns = group_text(t, i + 2, end);
        mark_key_columns(table, t, i + 2, end);
    } else if (word_at(t, i, "UNIQUE")) {
        size_t open = i + 1;
        while (open < end && !punct_at(t, open, '('))
            open++;
        if ((c = add_constraint(table, MODEL_UNIQUE, &name, line)))
            c->columns = group_text(t, open, end);
    } else if (word_at(t, i, "FOREIGN") && punct_at(t, i + 2, '(')) {
        size_t ref = sql_skip_group(t, i + 2, end);
        if ((c = add_constraint(table, MODEL_FOREIGN_KEY, &name, line))) {
            c->columns = group_text(t, i + 2, end);
            c->references = model_text(t, ref + 1, references_end(t, ref + 1, end));
        }
    } else if (word_at(t, i, "CHECK") && punct_at(t, i + 1, '(')) {
        if ((c = add_constraint(table, MODEL_CHECK, &name, line)))
            c->expression = group_text(t, i + 1, end);
    } else {
        free(name);
        return 1; /* EXCLUDE, LIKE...: not compared */
    }
    if (!c)
        return free(name), -1;
    bool complete = c->kind == MODEL_CHECK ? c->expression != NULL : c->columns != NULL;
    return complete && (c->kind != MODEL_FOREIGN_KEY || c->references) ? 0 : -1;
}

/* One inline constraint of `column` at `i`; returns the index after it, or 0 on no memory. */
static size_t read_column_constraint(model_table *table, size_t column_index, const sql_tokens *t,
                                     size_t i, size_t end, char **name)
{
    model_column *column = &table->columns[column_index];
    int line = t->items[i].line;
    char *column_name = column->name;
    if (word_at(t, i, "NOT") && word_at(t, i + 1, "NULL")) {
        column->not_null = true;
        return i + 2;
    }
    if (word_at(t, i, "DEFAULT")) {
        size_t stop = next_constraint_word(t, i + 1, end);
        free(column->default_value);
        column->default_value = model_text(t, i + 1, stop);
        return column->default_value ? stop : 0;
    }
    if (word_at(t, i, "GENERATED") && word_at(t, i + 1, "ALWAYS") && word_at(t, i + 2, "AS") &&
        punct_at(t, i + 3, '(')) {
        size_t stop = sql_skip_group(t, i + 3, end);
        free(column->default_value);
        column->default_value = model_text(t, i, stop + (word_at(t, stop, "STORED") ? 1 : 0));
        return column->default_value ? stop : 0;
    }
    if (word_at(t, i, "GENERATED")) {
        column->identity = column->not_null = true;
        size_t k = i + 1;
        while (k < end && !word_at(t, k, "IDENTITY"))
            k++;
        return k < end && punct_at(t, k + 1, '(') ? sql_skip_group(t, k + 1, end) : k + 1;
    }
    model_constraint *c = NULL;
    size_t next = i + 1;
    if (word_at(t, i, "PRIMARY")) {
        column->not_null = true;
        c = add_constraint(table, MODEL_PRIMARY_KEY, name, line);
        next = i + 2;
    } else if (word_at(t, i, "UNIQUE")) {
        c = add_constraint(table, MODEL_UNIQUE, name, line);
    } else if (word_at(t, i, "REFERENCES")) {
        next = references_end(t, i + 1, end);
        if ((c = add_constraint(table, MODEL_FOREIGN_KEY, name, line)))
            c->references = model_text(t, i + 1, next);
    } else if (word_at(t, i, "CHECK") && punct_at(t, i + 1, '(')) {
        next = sql_skip_group(t, i + 1, end);
        if ((c = add_constraint(table, MODEL_CHECK, name, line)))
            c->expression = group_text(t, i + 1, end);
        return c && c->expression ? next : 0;
    } else if (word_at(t, i, "COLLATE")) {
        return i + 2;
    } else {
        return i + 1; /* NULL, DEFERRABLE... */
    }
    if (!c || !(c->columns = strdup(column_name)))
        return 0;
    return c->kind == MODEL_FOREIGN_KEY && !c->references ? 0 : next;
}

/* A column element: name, type, inline constraints. */
static int read_column(model_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    model_column *column =
        model_grow((void **)&table->columns, &table->column_count, sizeof *column);
    if (!column || !(column->name = sql_token_identifier(&t->items[begin])))
        return -1;
    column->line = t->items[begin].line;
    column->file = table->file;
    size_t type_end = next_constraint_word(t, begin + 1, end);
    int serial = model_column_set_type(column, t, begin + 1, type_end);
    if (serial < 0)
        return -1;
    if (serial) {
        column->default_value =
            strbuf_format("nextval('%s_%s_seq'::regclass)", table->name, column->name);
        if (!column->default_value)
            return -1;
    }
    size_t index = table->column_count - 1;
    char *name = NULL;
    for (size_t i = type_end; i < end;) {
        if (word_at(t, i, "CONSTRAINT")) {
            free(name);
            name = model_text(t, i + 1, i + 2);
            i += 2;
            continue;
        }
        size_t next = read_column_constraint(table, index, t, i, end, &name);
        if (!next)
            return free(name), -1;
        i = next;
    }
    free(name);
    return 0;
}

int model_read_table_element(model_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    if (begin >= end)
        return 0;
    static const char *const starts[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                         "CHECK",      "EXCLUDE", "LIKE"};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
        if (word_at(t, begin, starts[k]))
            return model_read_table_constraint(table, t, begin, end, t->items[begin].line) < 0 ? -1
                                                                                               : 0;
    return read_column(table, t, begin, end);
}
