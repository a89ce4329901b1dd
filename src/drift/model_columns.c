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

void model_constraint_free(model_constraint *c)
{
    free(c->name);
    free(c->columns);
    free(c->references);
    free(c->expression);
}

/* A new constraint of `table` named as the reader found it (or unnamed); NULL on no memory. */
static model_constraint *add_constraint(model_table *table, model_constraint_kind kind,
                                        const sql_tokens *t, const ddl_constraint *k)
{
    char *name = NULL;
    if (k->name != DDL_NO_TOKEN && !(name = model_text(t, k->name, k->name + 1)))
        return NULL;
    model_constraint *c =
        model_grow((void **)&table->constraints, &table->constraint_count, sizeof *c);
    if (!c)
        return free(name), NULL;
    c->kind = kind;
    c->name = name;
    c->line = t->items[k->range.begin].line;
    c->file = table->file;
    return c;
}

/* What a foreign key references: table, columns, MATCH and ON actions, deferral
 * (NOT VALID and NO INHERIT say how it was added, not what it is). */
static char *references_text(const sql_tokens *t, const ddl_constraint *k)
{
    size_t end = k->options.end;
    while (end >= k->options.begin + 2 &&
           ((word_at(t, end - 2, "NOT") && word_at(t, end - 1, "VALID")) ||
            (word_at(t, end - 2, "NO") && word_at(t, end - 1, "INHERIT"))))
        end -= 2;
    return model_text(t, k->target.begin, end);
}

/* PRIMARY KEY columns are NOT NULL, as PostgreSQL makes them. */
static void mark_key_columns(model_table *table, const sql_tokens *t, sql_range columns)
{
    for (size_t i = columns.begin; i < columns.end; i++) {
        char *name = sql_token_identifier(&t->items[i]);
        model_column *column = name ? model_column_find_mutable(table, name) : NULL;
        if (column)
            column->not_null = true;
        free(name);
    }
}

/* A table constraint: 0, or -1 on no memory. EXCLUDE and what the reader could
 * not read are not compared. */
static int read_table_constraint(model_table *table, const sql_tokens *t, const ddl_constraint *k)
{
    static const model_constraint_kind kinds[] = {
        [DDL_CONSTRAINT_PRIMARY_KEY] = MODEL_PRIMARY_KEY,
        [DDL_CONSTRAINT_UNIQUE] = MODEL_UNIQUE,
        [DDL_CONSTRAINT_FOREIGN_KEY] = MODEL_FOREIGN_KEY,
        [DDL_CONSTRAINT_CHECK] = MODEL_CHECK,
    };
    bool check = k->kind == DDL_CONSTRAINT_CHECK;
    bool keyed = k->kind == DDL_CONSTRAINT_PRIMARY_KEY || k->kind == DDL_CONSTRAINT_UNIQUE ||
                 k->kind == DDL_CONSTRAINT_FOREIGN_KEY;
    sql_range what = check ? k->expr : k->columns;
    if ((!check && !keyed) || what.begin == what.end)
        return 0;
    model_constraint *c = add_constraint(table, kinds[k->kind], t, k);
    if (!c)
        return -1;
    char **text = check ? &c->expression : &c->columns;
    if (!(*text = model_text(t, what.begin, what.end)))
        return -1;
    if (k->kind == DDL_CONSTRAINT_PRIMARY_KEY)
        mark_key_columns(table, t, k->columns);
    if (k->kind == DDL_CONSTRAINT_FOREIGN_KEY && !(c->references = references_text(t, k)))
        return -1;
    return 0;
}

/* A key, reference or check written on column `name`: 0, or -1 on no memory. */
static int read_column_key(model_table *table, const char *name, const sql_tokens *t,
                           const ddl_constraint *k)
{
    model_constraint_kind kind = k->kind == DDL_CONSTRAINT_PRIMARY_KEY ? MODEL_PRIMARY_KEY
                                 : k->kind == DDL_CONSTRAINT_UNIQUE    ? MODEL_UNIQUE
                                 : k->kind == DDL_CONSTRAINT_CHECK     ? MODEL_CHECK
                                                                       : MODEL_FOREIGN_KEY;
    model_constraint *c = add_constraint(table, kind, t, k);
    if (!c)
        return -1;
    if (kind == MODEL_CHECK)
        return (c->expression = model_text(t, k->expr.begin, k->expr.end)) ? 0 : -1;
    if (!(c->columns = strdup(name)))
        return -1;
    if (kind == MODEL_FOREIGN_KEY && !(c->references = references_text(t, k)))
        return -1;
    return 0;
}

/* One inline constraint of column `index`: 0, or -1 on no memory. */
static int read_column_constraint(model_table *table, size_t index, const sql_tokens *t,
                                  const ddl_constraint *k)
{
    model_column *column = &table->columns[index];
    switch (k->kind) {
    case DDL_CONSTRAINT_NOT_NULL:
        column->not_null = true;
        return 0;
    case DDL_CONSTRAINT_DEFAULT:
        free(column->default_value);
        column->default_value = NULL;
        if (k->expr.end == k->expr.begin + 1 && word_at(t, k->expr.begin, "NULL"))
            return 0; /* PostgreSQL keeps no DEFAULT NULL */
        column->default_value = model_text(t, k->expr.begin, k->expr.end);
        return column->default_value ? 0 : -1;
    case DDL_CONSTRAINT_GENERATED:
        free(column->default_value);
        column->default_value = model_text(t, k->keyword, k->range.end);
        return column->default_value ? 0 : -1;
    case DDL_CONSTRAINT_IDENTITY:
        column->identity = column->not_null = true;
        return 0;
    case DDL_CONSTRAINT_PRIMARY_KEY:
        column->not_null = true;
        /* fall through */
    case DDL_CONSTRAINT_UNIQUE:
    case DDL_CONSTRAINT_FOREIGN_KEY:
        return read_column_key(table, column->name, t, k);
    case DDL_CONSTRAINT_CHECK:
        return k->expr.begin == k->expr.end ? 0 : read_column_key(table, column->name, t, k);
    default:
        return 0; /* NULL, COLLATE, STORAGE... */
    }
}

/* A column element: name, type, inline constraints. */
static int read_column(model_table *table, const sql_tokens *t, const ddl_element *e)
{
    model_column *column =
        model_grow((void **)&table->columns, &table->column_count, sizeof *column);
    if (!column || !(column->name = sql_token_identifier(&t->items[e->name])))
        return -1;
    column->line = t->items[e->name].line;
    column->file = table->file;
    int serial = model_column_set_type(column, t, e->type.begin, e->type.end);
    if (serial < 0)
        return -1;
    if (serial) {
        column->default_value =
            strbuf_format("nextval('%s_%s_seq'::regclass)", table->name, column->name);
        if (!column->default_value)
            return -1;
    }
    size_t index = table->column_count - 1;
    for (size_t i = 0; i < e->constraint_count; i++)
        if (read_column_constraint(table, index, t, &e->constraints[i]) < 0)
            return -1;
    return 0;
}

int model_read_element(model_table *table, const sql_tokens *t, const ddl_element *e)
{
    if (e->kind == DDL_ELEMENT_COLUMN)
        return read_column(table, t, e);
    if (e->kind == DDL_ELEMENT_CONSTRAINT)
        return read_table_constraint(table, t, &e->constraints[0]);
    return 0; /* LIKE, empty or unreadable: not compared */
}

int model_read_table_element(model_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    ddl_element e;
    if (ddl_read_element(t, begin, end, &e) < 0)
        return -1;
    int rc = model_read_element(table, t, &e);
    ddl_element_free(&e);
    return rc;
}
