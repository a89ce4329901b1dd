/*
 * translate_mysql.c — rewrites the owner's MySQL DDL into SQLite DDL: each
 * CREATE TABLE with its columns (translate_mysql_column.c), primary key,
 * foreign keys and CHECKs, its KEYs as CREATE INDEX statements run after
 * every table; triggers noted, the rest reported. See translate_mysql.h.
 */
#include "translate_mysql.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysplit.h"
#include "translate_mysql_internal.h"
#include "translate_refusal.h"

/* ---- reporting ---- */

static const sql_token *token(const my_translator *tr, size_t i)
{
    size_t n = tr->tokens->count;
    return &tr->tokens->items[i < n ? i : n - 1];
}

void my_report(my_translator *tr, size_t i, const char *fmt, ...)
{
    tr->failed = true;
    va_list args;
    va_start(args, fmt);
    if (!translate_refusal(&tr->diags, tr->file->display_name, token(tr, i), fmt, args))
        tr->out_of_memory = true;
    va_end(args);
}

void my_note(my_translator *tr, size_t i, bool always, const char *fmt, ...)
{
    const sql_token *at = token(tr, i);
    diag_list *list = always ? &tr->notes->notes : &tr->notes->details;
    va_list args;
    va_start(args, fmt);
    if (!diag_addv(list, tr->file->display_name, at->line, at->column, fmt, args))
        tr->out_of_memory = true;
    va_end(args);
}

/* ---- output ---- */

/* Adds `sql` to `to`, from the line of token `at` of the statement. */
static void add_statement(my_translator *tr, sqlite_script *to, strbuf *sql, size_t at)
{
    sqlite_statement *items = realloc(to->items, (to->count + 1) * sizeof *items);
    char *text = strbuf_detach(sql);
    if (!items || !text) {
        free(text);
        tr->out_of_memory = true;
        return;
    }
    to->items = items;
    to->items[to->count++] = (sqlite_statement){
        .sql = text, .file = tr->file->display_name, .line = token(tr, at)->line};
}

/* Takes `name` for a table or index; false when another already has it (any case). */
static bool take_name(my_translator *tr, const char *name)
{
    for (size_t i = 0; i < tr->name_count; i++) {
        if (strcasecmp(tr->names[i], name) == 0)
            return false;
    }
    char **names = realloc(tr->names, (tr->name_count + 1) * sizeof *names);
    char *copy = strdup(name);
    if (!names || !copy) {
        free(copy);
        tr->out_of_memory = true;
        return true;
    }
    tr->names = names;
    tr->names[tr->name_count++] = copy;
    return true;
}

/* ---- key column lists ---- */

/* (`a`, `b`(10) DESC, (expr)) at `open`: prefix lengths dropped. False after a report. */
static bool translate_key_columns(my_translator *tr, size_t open, size_t end, strbuf *out)
{
    size_t close = sql_skip_group(tr->tokens, open, end) - 1;
    bool ok = true;
    strbuf_append_char(out, '(');
    for (size_t i = open + 1; ok && i < close;) {
        if (punct_at(tr->tokens, i, ',')) {
            strbuf_append_str(out, ", ");
            i++;
        } else if (punct_at(tr->tokens, i, '(')) {
            size_t stop = sql_skip_group(tr->tokens, i, close);
            ok = my_translate_expression(tr, i, stop, out);
            i = stop;
        } else if (word_at(tr->tokens, i, "ASC") || word_at(tr->tokens, i, "DESC")) {
            strbuf_append_str(out, word_at(tr->tokens, i, "ASC") ? " ASC" : " DESC");
            i++;
        } else {
            ok = my_append_name(tr, i, out);
            i = punct_at(tr->tokens, i + 1, '(') ? sql_skip_group(tr->tokens, i + 1, close) : i + 1;
        }
    }
    strbuf_append_char(out, ')');
    return ok;
}

size_t my_translate_references(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok)
{
    strbuf_append_str(out, "REFERENCES ");
    size_t name = i + 1;
    while (punct_at(tr->tokens, name + 1, '.'))
        name += 2; /* db.table: the table */
    *ok = *ok && name < end && my_append_name(tr, name, out);
    i = name + 1;
    if (punct_at(tr->tokens, i, '(')) {
        strbuf_append_char(out, ' ');
        *ok = *ok && translate_key_columns(tr, i, end, out);
        i = sql_skip_group(tr->tokens, i, end);
    }
    while (i < end) {
        if (word_at(tr->tokens, i, "MATCH")) {
            i += 2;
        } else if (word_at(tr->tokens, i, "ON") &&
                   (word_at(tr->tokens, i + 1, "DELETE") || word_at(tr->tokens, i + 1, "UPDATE"))) {
            strbuf_appendf(out, " ON %s ",
                           word_at(tr->tokens, i + 1, "DELETE") ? "DELETE" : "UPDATE");
            bool two = word_at(tr->tokens, i + 2, "SET") || word_at(tr->tokens, i + 2, "NO");
            strbuf_appendf(out, "%s",
                           word_at(tr->tokens, i + 2, "CASCADE")    ? "CASCADE"
                           : word_at(tr->tokens, i + 2, "RESTRICT") ? "RESTRICT"
                           : word_at(tr->tokens, i + 3, "NULL")     ? "SET NULL"
                           : word_at(tr->tokens, i + 3, "DEFAULT")  ? "SET DEFAULT"
                                                                    : "NO ACTION");
            i += two ? 4 : 3;
        } else {
            break;
        }
    }
    return i;
}

/* ---- CREATE TABLE ---- */

typedef struct table_state {
    char *name;       /* bare, as written (unquoted) */
    strbuf body;      /* the column list */
    size_t rowid_key; /* element of the AUTO_INCREMENT column that is the whole key, or SIZE_MAX */
    size_t primary;   /* the PRIMARY KEY element, or SIZE_MAX */
} table_state;

/* The element index of column `name_token`'s name among `elements`, or SIZE_MAX. */
static size_t column_element(my_translator *tr, const my_element *elements, size_t count,
                             size_t name_token)
{
    char *name = sql_token_identifier(&tr->tokens->items[name_token]);
    size_t found = SIZE_MAX;
    for (size_t k = 0; name && k < count; k++) {
        if (elements[k].kind != MY_ELEMENT_COLUMN)
            continue;
        char *other = sql_token_identifier(&tr->tokens->items[elements[k].name]);
        if (other && strcasecmp(other, name) == 0)
            found = k;
        free(other);
    }
    free(name);
    return found;
}

static bool has_attribute(my_translator *tr, const my_element *e, const char *word)
{
    for (size_t i = e->type_end; i < e->end; i = sql_skip_group(tr->tokens, i, e->end)) {
        if (word_at(tr->tokens, i, word))
            return true;
    }
    return false;
}

/* Which column (if any) becomes INTEGER PRIMARY KEY: AUTO_INCREMENT and the whole key. */
static void find_rowid_key(my_translator *tr, const my_element *elements, size_t count,
                           table_state *ts)
{
    ts->rowid_key = ts->primary = SIZE_MAX;
    for (size_t k = 0; k < count; k++) {
        const my_element *e = &elements[k];
        if (e->kind == MY_ELEMENT_PRIMARY_KEY)
            ts->primary = k;
        if (e->kind == MY_ELEMENT_COLUMN && has_attribute(tr, e, "AUTO_INCREMENT") &&
            has_attribute(tr, e, "PRIMARY"))
            ts->rowid_key = k;
    }
    if (ts->primary == SIZE_MAX || elements[ts->primary].list == SIZE_MAX)
        return;
    size_t list = elements[ts->primary].list;
    size_t close = sql_skip_group(tr->tokens, list, elements[ts->primary].end) - 1;
    size_t first = list + 1;
    size_t after = punct_at(tr->tokens, first + 1, '(')
                       ? sql_skip_group(tr->tokens, first + 1, close)
                       : first + 1;
    if (after != close)
        return; /* a key of several columns */
    size_t column = column_element(tr, elements, count, first);
    if (column != SIZE_MAX && has_attribute(tr, &elements[column], "AUTO_INCREMENT"))
        ts->rowid_key = column;
}

/* KEY/UNIQUE KEY `name` (cols) of `table`: CREATE [UNIQUE] INDEX after the tables. */
static bool add_index(my_translator *tr, const my_element *e, const char *table, bool unique)
{
    if (e->list == SIZE_MAX) {
        my_report(tr, e->begin, "cannot translate this key of %s to SQLite: no column list", table);
        return false;
    }
    /* SQLite's index names are the database's, MySQL's the table's: a name taken
     * already gets the table's name before it (and a number, if need be) */
    char *name = e->name != SIZE_MAX ? sql_token_identifier(&tr->tokens->items[e->name]) : NULL;
    char *index = name && take_name(tr, name) ? strdup(name) : NULL;
    for (int n = 1; !index && n < 1000; n++) {
        char *candidate = n == 1 ? strbuf_format("%s_%s", table, name ? name : "key")
                                 : strbuf_format("%s_%s%d", table, name ? name : "key", n);
        if (candidate && take_name(tr, candidate))
            index = candidate;
        else
            free(candidate);
    }
    free(name);
    if (!index) {
        tr->out_of_memory = true;
        return false;
    }
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    my_append_quoted(&sql, index);
    strbuf_append_str(&sql, " ON ");
    my_append_quoted(&sql, table);
    strbuf_append_char(&sql, ' ');
    free(index);
    bool ok = translate_key_columns(tr, e->list, e->end, &sql);
    if (ok)
        add_statement(tr, &tr->indexes, &sql, e->begin);
    strbuf_free(&sql);
    return ok;
}

static void append_constraint_name(my_translator *tr, const my_element *e, strbuf *out)
{
    if (e->name == SIZE_MAX || !word_at(tr->tokens, e->begin, "CONSTRAINT"))
        return;
    strbuf_append_str(out, "CONSTRAINT ");
    my_append_name(tr, e->name, out);
    strbuf_append_char(out, ' ');
}

/* A table element other than a column: into the body, an index, or dropped. */
static bool translate_element(my_translator *tr, const my_element *e, table_state *ts, bool first)
{
    strbuf *out = &ts->body;
    const char *separator = first ? "\n    " : ",\n    ";
    bool ok = true;
    switch (e->kind) {
    case MY_ELEMENT_PRIMARY_KEY:
        strbuf_append_str(out, separator);
        append_constraint_name(tr, e, out);
        strbuf_append_str(out, "PRIMARY KEY ");
        return e->list != SIZE_MAX && translate_key_columns(tr, e->list, e->end, out);
    case MY_ELEMENT_FOREIGN_KEY: {
        size_t references =
            e->list == SIZE_MAX ? e->end : sql_skip_group(tr->tokens, e->list, e->end);
        if (!word_at(tr->tokens, references, "REFERENCES")) {
            my_report(tr, e->begin, "cannot translate this foreign key of %s to SQLite", ts->name);
            return false;
        }
        strbuf_append_str(out, separator);
        append_constraint_name(tr, e, out);
        strbuf_append_str(out, "FOREIGN KEY ");
        ok = translate_key_columns(tr, e->list, e->end, out);
        strbuf_append_char(out, ' ');
        size_t stop = my_translate_references(tr, references, e->end, out, &ok);
        if (ok && stop < e->end) {
            my_report(tr, stop, "cannot translate \"%.*s\" in a foreign key to SQLite",
                      MY_TOKEN_TEXT(tr, stop));
            ok = false;
        }
        return ok;
    }
    case MY_ELEMENT_CHECK: {
        size_t check = e->begin;
        while (!word_at(tr->tokens, check, "CHECK"))
            check++;
        strbuf_append_str(out, separator);
        append_constraint_name(tr, e, out);
        strbuf_append_str(out, "CHECK ");
        return my_translate_check(tr, check + 1, sql_skip_group(tr->tokens, check + 1, e->end),
                                  out);
    }
    case MY_ELEMENT_UNIQUE_KEY:
    case MY_ELEMENT_KEY:
        return add_index(tr, e, ts->name, e->kind == MY_ELEMENT_UNIQUE_KEY);
    case MY_ELEMENT_FULLTEXT:
        my_note(tr, e->begin, false, "%.*s key of %s left out: SQLite has no such index",
                MY_TOKEN_TEXT(tr, e->begin), ts->name);
        return true;
    default:
        my_report(tr, e->begin, "cannot translate \"%.*s\" in table %s to SQLite",
                  MY_TOKEN_TEXT(tr, e->begin), ts->name);
        return false;
    }
}

/* Whether the element adds to the column list (keys become indexes, FULLTEXT goes). */
static bool in_body(const my_element *e, const table_state *ts, size_t k)
{
    if (e->kind == MY_ELEMENT_PRIMARY_KEY)
        return ts->rowid_key == SIZE_MAX;
    (void)k;
    return e->kind != MY_ELEMENT_KEY && e->kind != MY_ELEMENT_UNIQUE_KEY &&
           e->kind != MY_ELEMENT_FULLTEXT;
}

static void translate_create_table(my_translator *tr)
{
    size_t name_at = 0;
    size_t open = my_create_table_open(tr->tokens, &name_at);
    size_t name = name_at;
    while (punct_at(tr->tokens, name + 1, '.'))
        name += 2;
    my_element *elements = NULL;
    size_t count = 0;
    if (open == SIZE_MAX ||
        my_table_elements(tr->tokens, open, sql_skip_group(tr->tokens, open, tr->tokens->count) - 1,
                          &elements, &count) < 0) {
        tr->out_of_memory = open != SIZE_MAX;
        return;
    }
    table_state ts = {.body = STRBUF_INIT};
    ts.name = sql_token_identifier(&tr->tokens->items[name]);
    if (!ts.name) {
        tr->out_of_memory = true;
        free(elements);
        return;
    }
    take_name(tr, ts.name);
    find_rowid_key(tr, elements, count, &ts);
    bool ok = true, first = true;
    for (size_t k = 0; ok && k < count; k++) {
        const my_element *e = &elements[k];
        if (e->kind == MY_ELEMENT_COLUMN) {
            strbuf_append_str(&ts.body, first ? "\n    " : ",\n    ");
            ok = my_translate_column(tr, e, ts.name, k == ts.rowid_key, &ts.body);
            if (ok && has_attribute(tr, e, "AUTO_INCREMENT") && k != ts.rowid_key)
                my_note(tr, e->name, false,
                        "%s.%.*s is AUTO_INCREMENT but not the whole primary key: SQLite does "
                        "not fill it in",
                        ts.name, MY_TOKEN_TEXT(tr, e->name));
        } else if (!in_body(e, &ts, k)) {
            ok = e->kind == MY_ELEMENT_PRIMARY_KEY || translate_element(tr, e, &ts, first);
            continue;
        } else {
            ok = translate_element(tr, e, &ts, first);
        }
        first = false;
    }
    if (ok) {
        strbuf sql = STRBUF_INIT;
        strbuf_append_str(&sql, "CREATE TABLE ");
        my_append_quoted(&sql, ts.name);
        strbuf_appendf(&sql, " (%s\n)", strbuf_str(&ts.body));
        add_statement(tr, &tr->tables, &sql, 0);
        strbuf_free(&sql);
    }
    strbuf_free(&ts.body);
    free(ts.name);
    free(elements);
}

/* CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name [USING x] ON table (cols) */
static void translate_create_index(my_translator *tr, const ddl_statement *st)
{
    size_t i = 1;
    bool unique = word_at(tr->tokens, i, "UNIQUE");
    if (word_at(tr->tokens, i, "FULLTEXT") || word_at(tr->tokens, i, "SPATIAL")) {
        my_note(tr, 0, false, "%.*s index on %s left out: SQLite has no such index",
                MY_TOKEN_TEXT(tr, 1), st->table);
        return;
    }
    while (i < tr->tokens->count && !word_at(tr->tokens, i, "ON"))
        i++;
    size_t table = i + 1;
    while (punct_at(tr->tokens, table + 1, '.'))
        table += 2;
    size_t list = table + 1;
    while (word_at(tr->tokens, list, "USING"))
        list += 2;
    my_element e = {MY_ELEMENT_KEY, 0, tr->tokens->count,
                    unique ? 3 : 2, 0, punct_at(tr->tokens, list, '(') ? list : SIZE_MAX};
    char *name = sql_token_identifier(&tr->tokens->items[table < tr->tokens->count ? table : 0]);
    if (name)
        add_index(tr, &e, name, unique);
    else
        tr->out_of_memory = true;
    free(name);
}

/* ---- statements ---- */

/* CREATE ... TRIGGER name ... ON table: a note, as SQLite does not run it. */
static void note_trigger(my_translator *tr, const ddl_statement *st)
{
    size_t i = 0;
    while (i < tr->tokens->count && !word_at(tr->tokens, i, "TRIGGER"))
        i++;
    char *name = i + 1 < tr->tokens->count ? sql_token_identifier(&tr->tokens->items[i + 1]) : NULL;
    my_note(tr, 0, true, "trigger %s on %s is not created on SQLite: triggers do not run there",
            name ? name : "?", st->table);
    free(name);
}

static void translate_statement(my_translator *tr, const ddl_statement *st)
{
    sql_tokens tokens = {0};
    if (my_sql_tokenize(st->source, tr->file->display_name, &tokens, &tr->diags) < 0) {
        tr->failed = true;
        return;
    }
    if (tokens.count == 0) {
        sql_tokens_free(&tokens);
        return;
    }
    tr->tokens = &tokens; /* for this statement only: NULL again below */
    if (st->kind == DDL_CREATE_TABLE)
        translate_create_table(tr);
    else if (st->kind == DDL_CREATE_INDEX)
        translate_create_index(tr, st);
    else if (st->kind == DDL_CREATE_TRIGGER)
        note_trigger(tr, st);
    else if (tokens.count > 1)
        my_report(tr, 0, "cannot translate \"%.*s %.*s\" to SQLite", MY_TOKEN_TEXT(tr, 0),
                  MY_TOKEN_TEXT(tr, 1));
    else
        my_report(tr, 0, "cannot translate \"%.*s\" to SQLite", MY_TOKEN_TEXT(tr, 0));
    sql_tokens_free(&tokens);
    tr->tokens = NULL;
}

int translate_mysql_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                           translate_notes *notes, diag_list *diags)
{
    my_translator tr = {.notes = notes};
    for (size_t f = 0; f < file_count; f++) {
        tr.file = files[f];
        for (size_t s = 0; s < files[f]->statement_count; s++) {
            if (files[f]->statements[s].kind != DDL_SKIP)
                translate_statement(&tr, &files[f]->statements[s]);
        }
    }
    int rc = 0;
    if (tr.failed || tr.out_of_memory) {
        if (tr.out_of_memory)
            diag_add(&tr.diags, NULL, 0, 0, "out of memory while translating to SQLite");
        diag_list_move(diags, &tr.diags);
        sqlite_script_free(&tr.tables);
        rc = -1;
    } else {
        *out = tr.tables;
        for (size_t i = 0; i < tr.indexes.count; i++) {
            sqlite_statement *items = realloc(out->items, (out->count + 1) * sizeof *items);
            if (!items) {
                diag_add(diags, NULL, 0, 0, "out of memory while translating to SQLite");
                rc = -1;
                break;
            }
            out->items = items;
            out->items[out->count++] = tr.indexes.items[i];
            tr.indexes.items[i].sql = NULL;
        }
    }
    sqlite_script_free(&tr.indexes);
    for (size_t i = 0; i < tr.name_count; i++)
        free(tr.names[i]);
    free(tr.names);
    diag_list_clear(&tr.diags);
    return rc;
}
