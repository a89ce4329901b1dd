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

/* ---- tokens ---- */

/* Words that end a column's type (and a DEFAULT expression) in a column definition. */
static bool is_column_constraint_word(const sql_token *token)
{
    static const char *const words[] = {
        "NOT",   "NULL",       "DEFAULT",   "PRIMARY", "UNIQUE",  "REFERENCES",
        "CHECK", "CONSTRAINT", "GENERATED", "COLLATE", "STORAGE", "COMPRESSION",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (sql_token_is(token, words[i]))
            return true;
    }
    return false;
}

/* The first column constraint word at bracket depth 0 in [from, end), or `end`. */
static size_t next_constraint_word(const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i = sql_skip_group(t, i, end)) {
        if (is_column_constraint_word(&t->items[i]))
            return i;
    }
    return end;
}

static bool calls_nextval(const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i++) {
        if (word_at(t, i, "nextval") && punct_at(t, i + 1, '('))
            return true;
    }
    return false;
}

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

/*
 * Marks the columns listed in the parenthesised list at `open` as the
 * primary key (and so NOT NULL).
 */
static void mark_key_columns_not_null(ddl_table *table, const sql_tokens *t, size_t open,
                                      size_t end)
{
    if (!punct_at(t, open, '('))
        return;
    size_t close = sql_closing_bracket(t, open, end);
    for (size_t i = open + 1; i < close; i++) {
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

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY at `i`. */
static bool is_identity_at(const sql_tokens *t, size_t i)
{
    if (!word_at(t, i, "GENERATED"))
        return false;
    if (word_at(t, i + 1, "ALWAYS"))
        return word_at(t, i + 2, "AS") && word_at(t, i + 3, "IDENTITY");
    return word_at(t, i + 1, "BY") && word_at(t, i + 2, "DEFAULT") && word_at(t, i + 3, "AS") &&
           word_at(t, i + 4, "IDENTITY");
}

static void mark_identity(ddl_column *column)
{
    /* identity columns are NOT NULL whether or not the DDL says so */
    column->not_null = column->has_default = column->auto_increment = true;
}

static void read_column_constraints(ddl_column *column, const sql_tokens *t, size_t from,
                                    size_t end)
{
    for (size_t i = from; i < end; i = sql_skip_group(t, i, end)) {
        if (word_at(t, i, "NOT") && word_at(t, i + 1, "NULL")) {
            column->not_null = true;
        } else if (word_at(t, i, "PRIMARY")) {
            column->not_null = column->primary_key = true;
        } else if (word_at(t, i, "DEFAULT") && !word_at(t, i - 1, "SET")) {
            /* (not ON DELETE SET DEFAULT) */
            column->has_default = true;
            if (calls_nextval(t, i + 1, next_constraint_word(t, i + 1, end)))
                column->auto_increment = true;
        } else if (is_identity_at(t, i)) {
            mark_identity(column);
        } else if (word_at(t, i, "GENERATED")) {
            /* GENERATED ALWAYS AS (expr) STORED: computed, so never inserted */
            column->has_default = true;
        }
    }
}

/* Reads "name type [constraints]" from [begin, end) into `column`; -1 when memory ran out. */
static int read_column_definition(ddl_column *column, const sql_tokens *t, size_t begin, size_t end)
{
    size_t type_end = next_constraint_word(t, begin + 1, end);
    column->name = sql_token_identifier(&t->items[begin]);
    column->type = sql_tokens_compact_text(t, begin + 1, type_end);
    column->line = t->items[begin].line;
    if (!column->name || !column->type)
        return -1;
    if (is_serial_type(column->type))
        column->not_null = column->has_default = column->auto_increment = true;
    read_column_constraints(column, t, type_end, end);
    return 0;
}

void ddl_column_free(ddl_column *column)
{
    free(column->name);
    free(column->type);
}

/* Words that start a table constraint instead of a column in a CREATE TABLE list. */
static bool starts_table_constraint(const sql_tokens *t, size_t i)
{
    static const char *const words[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                        "CHECK",      "EXCLUDE", "LIKE"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (word_at(t, i, words[k]))
            return true;
    }
    return false;
}

/* Index of PRIMARY KEY's column list in the constraint at `i` ([CONSTRAINT name] PRIMARY KEY),
 * or 0 when the constraint is not a primary key with a column list. */
static size_t primary_key_list(const sql_tokens *t, size_t i)
{
    if (word_at(t, i, "CONSTRAINT"))
        i += 2;
    if (word_at(t, i, "PRIMARY") && word_at(t, i + 1, "KEY") && punct_at(t, i + 2, '('))
        return i + 2;
    return 0;
}

/* ---- CREATE TABLE ---- */

/* Reads the column list between `open` and `close` into `table`. */
int ddl_read_column_list(ddl_table *table, const sql_tokens *t, size_t open, size_t close)
{
    size_t elements = 1;
    for (size_t i = open + 1; i < close; i = sql_skip_group(t, i, close))
        elements += punct_at(t, i, ',');
    table->columns = calloc(elements, sizeof *table->columns);
    if (!table->columns)
        return -1;
    size_t begin = open + 1;
    for (size_t i = begin;; i = sql_skip_group(t, i, close)) {
        if (i < close && !punct_at(t, i, ','))
            continue;
        if (i > begin && !starts_table_constraint(t, begin) && is_name_token(t, begin)) {
            ddl_column *column = &table->columns[table->column_count++];
            if (read_column_definition(column, t, begin, i) < 0)
                return -1;
        }
        if (i >= close)
            break;
        begin = i + 1;
    }
    /* a table-level PRIMARY KEY (a, b) may come before or after its columns */
    begin = open + 1;
    for (size_t i = begin; i <= close; i = sql_skip_group(t, i, close + 1)) {
        if (i == close || punct_at(t, i, ',')) {
            size_t list = primary_key_list(t, begin);
            if (list)
                mark_key_columns_not_null(table, t, list, i);
            begin = i + 1;
        }
    }
    return 0;
}

/* ---- ALTER TABLE changes to columns ---- */

static void add_column(ddl_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    ddl_column column = {0};
    if (!is_name_token(t, begin) || read_column_definition(&column, t, begin, end) < 0 ||
        find_column(table, column.name)) {
        ddl_column_free(&column); /* unreadable, out of memory, or already there */
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
        column->auto_increment = calls_nextval(t, i + 2, end);
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
    size_t list = primary_key_list(t, begin + 1);
    if (list) {
        mark_key_columns_not_null(table, t, list, end);
        return;
    }
    size_t i = begin + 1;
    if (word_at(t, i, "COLUMN"))
        i++;
    else if (starts_table_constraint(t, i))
        return;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    add_column(table, t, i, end);
}

static void apply_alter_table(ddl_file *file, const ddl_statement *st)
{
    ddl_table *table = ddl_find_table(file, st->table);
    if (!table)
        return;
    sql_tokens t = {0};
    diag_list ignored = DIAG_LIST_INIT; /* ddl_analyze has reported these already */
    if (sql_tokenize(st->source, NULL, &t, &ignored) == 0) {
        size_t begin = ddl_alter_table_name_index(&t);
        sql_name_parts name = {{NULL}, 0};
        if (sql_read_name(&t, &begin, &name) > 0) {
            if (begin < t.count && t.items[begin].kind == SQL_TOKEN_OPERATOR &&
                t.items[begin].start[0] == '*')
                begin++; /* ALTER TABLE t * ... (descendants too) */
            for (size_t i = begin; i <= t.count; i = sql_skip_group(&t, i, t.count + 1)) {
                if (i == t.count || punct_at(&t, i, ',')) {
                    apply_action(table, &t, begin, i);
                    begin = i + 1;
                }
            }
        }
        sql_name_parts_free(&name);
    }
    sql_tokens_free(&t);
    diag_list_clear(&ignored);
}

void ddl_apply_column_alters(ddl_file *file)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind == DDL_ALTER_TABLE && st->table)
            apply_alter_table(file, st);
    }
}
