/*
 * myddl_table.c — a MySQL CREATE TABLE's column list: its elements (columns,
 * keys, constraints) and the columns as foster needs them (type, NOT NULL,
 * AUTO_INCREMENT, primary key, defaults, generated). See myddl.h.
 */
#include "myddl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddl_internal.h"
#include "myddl_internal.h"
#include "strbuf.h"

/* Words that end a column's type: the first attribute of a column definition. */
bool my_is_column_attribute(const sql_tokens *t, size_t i)
{
    static const char *const words[] = {
        "NOT",
        "NULL",
        "DEFAULT",
        "AUTO_INCREMENT",
        "PRIMARY",
        "UNIQUE",
        "KEY",
        "COMMENT",
        "COLLATE",
        "ON",
        "GENERATED",
        "AS",
        "CHECK",
        "REFERENCES",
        "INVISIBLE",
        "COLUMN_FORMAT",
        "STORAGE",
        "SRID",
        "CONSTRAINT",
        "VISIBLE",
        "WITH",
        "ENGINE_ATTRIBUTE",
        "SECONDARY_ENGINE_ATTRIBUTE",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (word_at(t, i, words[k]))
            return true;
    }
    return false;
}

/* The end of the type starting at `from`: the first attribute at depth 0, or `end`.
 * A character set belongs to the type ("varchar(10) CHARACTER SET latin1"). */
static size_t type_end(const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i = sql_skip_group(t, i, end)) {
        if (my_is_column_attribute(t, i))
            return i;
    }
    return end;
}

/* The kind of the element starting at `i`, and where its name and key list are. */
static my_element_kind element_kind(const sql_tokens *t, size_t i, my_element *e)
{
    if (word_at(t, i, "CONSTRAINT")) {
        i++;
        if (is_name_token(t, i) && !word_at(t, i, "PRIMARY") && !word_at(t, i, "UNIQUE") &&
            !word_at(t, i, "FOREIGN") && !word_at(t, i, "CHECK"))
            e->name = i++;
    }
    my_element_kind kind;
    if (word_at(t, i, "PRIMARY") && word_at(t, i + 1, "KEY")) {
        kind = MY_ELEMENT_PRIMARY_KEY;
        i += 2;
    } else if (word_at(t, i, "UNIQUE")) {
        kind = MY_ELEMENT_UNIQUE_KEY;
        i += word_at(t, i + 1, "KEY") || word_at(t, i + 1, "INDEX") ? 2 : 1;
    } else if (word_at(t, i, "KEY") || word_at(t, i, "INDEX")) {
        kind = MY_ELEMENT_KEY;
        i++;
    } else if (word_at(t, i, "FULLTEXT") || word_at(t, i, "SPATIAL")) {
        kind = MY_ELEMENT_FULLTEXT;
        i += word_at(t, i + 1, "KEY") || word_at(t, i + 1, "INDEX") ? 2 : 1;
    } else if (word_at(t, i, "FOREIGN") && word_at(t, i + 1, "KEY")) {
        kind = MY_ELEMENT_FOREIGN_KEY;
        i += 2;
    } else if (word_at(t, i, "CHECK")) {
        return MY_ELEMENT_CHECK;
    } else {
        return MY_ELEMENT_OTHER;
    }
    if (is_name_token(t, i) && !word_at(t, i, "USING"))
        e->name = i++;
    if (word_at(t, i, "USING"))
        i += 2;
    if (punct_at(t, i, '('))
        e->list = i;
    return kind;
}

static void read_element(const sql_tokens *t, size_t begin, size_t end, my_element *e)
{
    *e = (my_element){MY_ELEMENT_OTHER, begin, end, SIZE_MAX, begin, SIZE_MAX};
    static const char *const starts[] = {"CONSTRAINT", "PRIMARY",  "UNIQUE",  "KEY",
                                         "INDEX",      "FULLTEXT", "SPATIAL", "FOREIGN",
                                         "CHECK",      "PERIOD",   "LIKE"};
    bool is_constraint = false;
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
        is_constraint = is_constraint || word_at(t, begin, starts[k]);
    if (is_constraint) {
        e->kind = element_kind(t, begin, e);
        return;
    }
    if (!is_name_token(t, begin))
        return;
    e->kind = MY_ELEMENT_COLUMN;
    e->name = begin;
    e->type_end = type_end(t, begin + 1, end);
}

int my_table_elements(const sql_tokens *t, size_t open, size_t close, my_element **out,
                      size_t *count)
{
    size_t capacity = 1;
    for (size_t i = open + 1; i < close; i = sql_skip_group(t, i, close))
        capacity += punct_at(t, i, ',');
    *count = 0;
    *out = calloc(capacity, sizeof **out);
    if (!*out)
        return -1;
    size_t begin = open + 1;
    for (size_t i = begin;; i = sql_skip_group(t, i, close)) {
        if (i < close && !punct_at(t, i, ','))
            continue;
        if (i > begin)
            read_element(t, begin, i, &(*out)[(*count)++]);
        if (i >= close)
            break;
        begin = i + 1;
    }
    return 0;
}

static void read_column_attributes(ddl_column *column, const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i = sql_skip_group(t, i, end)) {
        if (word_at(t, i, "NOT") && word_at(t, i + 1, "NULL"))
            column->not_null = true;
        else if (word_at(t, i, "PRIMARY") && word_at(t, i + 1, "KEY"))
            column->not_null = column->primary_key = true;
        else if (word_at(t, i, "DEFAULT") && !word_at(t, i - 1, "SET"))
            column->has_default = true;
        else if (word_at(t, i, "AUTO_INCREMENT"))
            column->auto_increment = column->has_default = true;
        else if (word_at(t, i, "AS") && punct_at(t, i + 1, '('))
            column->has_default = true; /* generated: computed, never inserted */
    }
}

static int read_column(ddl_column *column, const sql_tokens *t, const my_element *e)
{
    column->name = sql_token_identifier(&t->items[e->name]);
    column->type = sql_tokens_compact_text(t, e->name + 1, e->type_end);
    column->line = t->items[e->name].line;
    if (!column->name || !column->type)
        return -1;
    read_column_attributes(column, t, e->type_end, e->end);
    return 0;
}

static ddl_column *find_column(ddl_table *table, const sql_tokens *t, size_t i)
{
    char *name = is_name_token(t, i) ? sql_token_identifier(&t->items[i]) : NULL;
    ddl_column *found = NULL;
    for (size_t c = 0; name && c < table->column_count; c++) {
        if (strcmp(table->columns[c].name, name) == 0)
            found = &table->columns[c];
    }
    free(name);
    return found;
}

/* PRIMARY KEY (`a`,`b`(10)): each column listed is the key, and NOT NULL. */
static void mark_primary_key(ddl_table *table, const sql_tokens *t, size_t open, size_t end)
{
    size_t close = sql_closing_bracket(t, open, end);
    for (size_t i = open + 1; i < close; i = sql_skip_group(t, i, close)) {
        ddl_column *column = find_column(table, t, i);
        if (column && (punct_at(t, i - 1, '(') || punct_at(t, i - 1, ',')))
            column->not_null = column->primary_key = true;
    }
}

int ddl_read_my_column_list(ddl_table *table, const sql_tokens *t, size_t open, size_t close)
{
    my_element *elements = NULL;
    size_t count = 0;
    if (my_table_elements(t, open, close, &elements, &count) < 0)
        return -1;
    table->columns = calloc(count ? count : 1, sizeof *table->columns);
    int rc = table->columns ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (elements[i].kind == MY_ELEMENT_COLUMN &&
            read_column(&table->columns[table->column_count++], t, &elements[i]) < 0)
            rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (elements[i].kind == MY_ELEMENT_PRIMARY_KEY && elements[i].list != SIZE_MAX)
            mark_primary_key(table, t, elements[i].list, elements[i].end);
    }
    free(elements);
    return rc;
}
