/*
 * ddl_columns.c — the columns of each table in a schema file, as a loader
 * must know them: name, type, NOT NULL, defaults and auto-increment, from
 * the CREATE TABLE column list and from the ALTER TABLEs that change
 * columns later (ADD COLUMN, SET DEFAULT nextval(...), ADD GENERATED ... AS
 * IDENTITY, RENAME COLUMN, ADD PRIMARY KEY...).
 */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl_internal.h"
#include "strbuf.h"

/* ---- lookups ---- */

static ddl_column *find_column(ddl_table *table, const char *name)
{
    for (size_t i = 0; i < table->column_count; i++) {
        if (strcmp(table->columns[i].name, name) == 0)
            return &table->columns[i];
    }
    return NULL;
}

const ddl_column *ddl_table_column(const ddl_table *table, const char *name)
{
    return find_column((ddl_table *)table, name);
}

/* The column named by the identifier token at `i`, or NULL. */
static ddl_column *column_at(ddl_table *table, const sql_tokens *t, size_t i)
{
    if (!is_name_token(t, i))
        return NULL;
    char *name = sql_token_identifier(&t->items[i]);
    ddl_column *column = name ? find_column(table, name) : NULL;
    free(name);
    return column;
}

/* Marks the columns named in `columns` (a key's list) as the primary key, so NOT NULL. */
static void mark_key_columns_not_null(ddl_table *table, const sql_tokens *t, sql_range columns)
{
    for (size_t i = columns.begin; i < columns.end; i++) {
        ddl_column *column = column_at(table, t, i);
        if (column)
            column->not_null = column->primary_key = true;
    }
}

/* ---- column definitions ---- */

static bool is_serial_type(const char *type)
{
    static const char *const serials[] = {"serial",  "serial4",     "bigserial",
                                          "serial8", "smallserial", "serial2"};
    for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
        if (strcasecmp(type, serials[i]) == 0)
            return true;
    }
    return false;
}

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY at `i` (ALTER COLUMN ... ADD). */
static bool is_identity_at(const sql_tokens *t, size_t i)
{
    if (!word_at(t, i, "GENERATED"))
        return false;
    size_t as = word_at(t, i + 1, "ALWAYS") ? i + 2 : i + 3;
    if (as == i + 3 && !(word_at(t, i + 1, "BY") && word_at(t, i + 2, "DEFAULT")))
        return false;
    return word_at(t, as, "AS") && word_at(t, as + 1, "IDENTITY");
}

static void mark_identity(ddl_column *column)
{
    /* identity columns are NOT NULL whether or not the DDL says so */
    column->not_null = column->has_default = column->auto_increment = true;
}

static void read_column_constraints(ddl_column *column, const sql_tokens *t, const ddl_element *e)
{
    for (size_t i = 0; i < e->constraint_count; i++) {
        const ddl_constraint *c = &e->constraints[i];
        if (c->kind == DDL_CONSTRAINT_NOT_NULL) {
            column->not_null = true;
        } else if (c->kind == DDL_CONSTRAINT_PRIMARY_KEY) {
            column->not_null = column->primary_key = true;
        } else if (c->kind == DDL_CONSTRAINT_DEFAULT) {
            column->has_default = true;
            if (ddl_range_calls_nextval(t, c->expr))
                column->auto_increment = true;
        } else if (c->kind == DDL_CONSTRAINT_IDENTITY) {
            mark_identity(column);
        } else if (c->kind == DDL_CONSTRAINT_GENERATED) {
            /* GENERATED ALWAYS AS (expr) STORED: computed, so never inserted */
            column->has_default = true;
        }
    }
}

/* Reads a column element into `column`; -1 when memory ran out. */
static int read_column_definition(ddl_column *column, const sql_tokens *t, const ddl_element *e)
{
    column->name = sql_token_identifier(&t->items[e->name]);
    column->type = sql_tokens_compact_text(t, e->type.begin, e->type.end);
    column->line = t->items[e->name].line;
    if (!column->name || !column->type)
        return -1;
    if (is_serial_type(column->type))
        column->not_null = column->has_default = column->auto_increment = true;
    read_column_constraints(column, t, e);
    return 0;
}

void ddl_column_free(ddl_column *column)
{
    free(column->name);
    free(column->type);
}

/* A table constraint's PRIMARY KEY (a, b): its columns are NOT NULL. */
static void read_table_constraint(ddl_table *table, const sql_tokens *t, const ddl_element *e)
{
    const ddl_constraint *key = ddl_element_constraint(e, DDL_CONSTRAINT_PRIMARY_KEY);
    if (key)
        mark_key_columns_not_null(table, t, key->columns);
}

/* ---- CREATE TABLE ---- */

int ddl_read_column_list(ddl_table *table, const sql_tokens *t, const ddl_elements *elements)
{
    table->columns = calloc(elements->count ? elements->count : 1, sizeof *table->columns);
    if (!table->columns)
        return -1;
    for (size_t i = 0; i < elements->count; i++) {
        const ddl_element *e = &elements->items[i];
        if (e->kind != DDL_ELEMENT_COLUMN)
            continue;
        if (read_column_definition(&table->columns[table->column_count++], t, e) < 0)
            return -1;
    }
    /* a table-level PRIMARY KEY (a, b) may come before or after its columns */
    for (size_t i = 0; i < elements->count; i++)
        if (elements->items[i].kind == DDL_ELEMENT_CONSTRAINT)
            read_table_constraint(table, t, &elements->items[i]);
    return 0;
}

/* ---- ALTER TABLE changes to columns ---- */

static void add_column(ddl_table *table, const sql_tokens *t, const ddl_element *e)
{
    ddl_column column = {0};
    if (read_column_definition(&column, t, e) < 0 || find_column(table, column.name)) {
        ddl_column_free(&column); /* out of memory, or already there */
        return;
    }
    ddl_column *columns =
        realloc(table->columns, (table->column_count + 1) * sizeof *table->columns);
    if (!columns) {
        ddl_column_free(&column);
        return;
    }
    table->columns = columns;
    table->columns[table->column_count++] = column;
}

/* ALTER [COLUMN] c {SET DEFAULT e | DROP DEFAULT | SET/DROP NOT NULL | ADD GENERATED ... |
 * DROP IDENTITY | [SET DATA] TYPE t}, the action at `i` (after ALTER [COLUMN] c). */
static void alter_column(ddl_column *column, const sql_tokens *t, size_t i, size_t end)
{
    if (word_at(t, i, "SET") && word_at(t, i + 1, "DEFAULT")) {
        column->has_default = true;
        column->auto_increment = ddl_range_calls_nextval(t, (sql_range){i + 2, end});
    } else if (word_at(t, i, "DROP") && word_at(t, i + 1, "DEFAULT")) {
        column->has_default = column->auto_increment = false;
    } else if (word_at(t, i + 1, "NOT") && word_at(t, i + 2, "NULL")) {
        column->not_null = word_at(t, i, "SET");
    } else if (word_at(t, i, "ADD") && is_identity_at(t, i + 1)) {
        mark_identity(column);
    } else if (word_at(t, i, "DROP") && word_at(t, i + 1, "IDENTITY")) {
        column->has_default = column->auto_increment = false;
    } else if (word_at(t, i, "TYPE") || (word_at(t, i, "SET") && word_at(t, i + 1, "DATA"))) {
        size_t begin = word_at(t, i, "TYPE") ? i + 1 : i + 3;
        size_t type_end = begin;
        while (type_end < end && !word_at(t, type_end, "COLLATE") && !word_at(t, type_end, "USING"))
            type_end = sql_skip_group(t, type_end, end);
        char *type = sql_tokens_compact_text(t, begin, type_end);
        if (type) {
            free(column->type);
            column->type = type;
        }
    }
}

/* RENAME [COLUMN] a TO b, the action at `begin` (not RENAME TO or RENAME CONSTRAINT). */
static void rename_column(ddl_table *table, const sql_tokens *t, size_t begin)
{
    size_t i = word_at(t, begin + 1, "COLUMN") ? begin + 2 : begin + 1;
    if (word_at(t, i, "CONSTRAINT") || !word_at(t, i + 1, "TO") || !is_name_token(t, i + 2))
        return;
    ddl_column *column = column_at(table, t, i);
    char *name = column ? sql_token_identifier(&t->items[i + 2]) : NULL;
    if (name) {
        free(column->name);
        column->name = name;
    }
}

static void apply_action(ddl_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    if (word_at(t, begin, "RENAME")) {
        rename_column(table, t, begin);
        return;
    }
    if (word_at(t, begin, "ALTER") && !word_at(t, begin + 1, "CONSTRAINT")) {
        size_t i = word_at(t, begin + 1, "COLUMN") ? begin + 2 : begin + 1;
        ddl_column *column = column_at(table, t, i);
        if (column)
            alter_column(column, t, i + 1, end);
        return;
    }
    if (!word_at(t, begin, "ADD"))
        return;
    size_t i = begin + 1;
    bool column_word = word_at(t, i, "COLUMN");
    if (column_word)
        i++;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    ddl_element e;
    if (ddl_read_element(t, i, end, &e) < 0)
        return; /* out of memory: the column stays unknown */
    if (e.kind == DDL_ELEMENT_COLUMN)
        add_column(table, t, &e);
    else if (e.kind == DDL_ELEMENT_CONSTRAINT && !column_word)
        read_table_constraint(table, t, &e);
    ddl_element_free(&e);
}

static void apply_alter_table(ddl_file *file, const ddl_statement *st)
{
    ddl_table *table = ddl_find_table(file, st->table);
    if (!table || !st->tokenized) /* ddl_analyze has reported a tokenising error */
        return;
    const sql_tokens *t = &st->tokens;
    size_t begin = ddl_alter_table_name_index(t);
    sql_name_parts name = {{NULL}, 0};
    if (sql_read_name(t, &begin, &name) > 0) {
        if (begin < t->count && t->items[begin].kind == SQL_TOKEN_OPERATOR &&
            t->items[begin].start[0] == '*')
            begin++; /* ALTER TABLE t * ... (descendants too) */
        for (size_t i = begin; i <= t->count; i = sql_skip_group(t, i, t->count + 1)) {
            if (i == t->count || punct_at(t, i, ',')) {
                apply_action(table, t, begin, i);
                begin = i + 1;
            }
        }
    }
    sql_name_parts_free(&name);
}

void ddl_apply_column_alters(ddl_file *file)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind == DDL_ALTER_TABLE && st->table)
            apply_alter_table(file, st);
    }
}
