/*
 * translate_mysql_column.c — one MySQL column definition as SQLite's: the
 * type mapped to a SQLite type of the same affinity (ENUM and UNSIGNED
 * becoming CHECKs), then the attributes, each translated, dropped or
 * reported.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "translate_mysql_internal.h"

typedef enum type_class {
    TYPE_INTEGER, /* INTEGER */
    TYPE_REAL,    /* REAL */
    TYPE_KEEP,    /* the name upper-cased, with its (arguments) */
    TYPE_TEXT,    /* TEXT */
    TYPE_BLOB,    /* BLOB */
    TYPE_ENUM,    /* TEXT CHECK (c IN (...)) */
} type_class;

typedef struct type_map {
    const char *name;
    type_class class;
} type_map;

static const type_map types[] = {
    {"tinyint", TYPE_INTEGER}, {"smallint", TYPE_INTEGER}, {"mediumint", TYPE_INTEGER},
    {"int", TYPE_INTEGER},     {"integer", TYPE_INTEGER},  {"bigint", TYPE_INTEGER},
    {"bool", TYPE_INTEGER},    {"boolean", TYPE_INTEGER},  {"bit", TYPE_INTEGER},
    {"year", TYPE_INTEGER},    {"serial", TYPE_INTEGER},   {"float", TYPE_REAL},
    {"double", TYPE_REAL},     {"real", TYPE_REAL},        {"decimal", TYPE_KEEP},
    {"numeric", TYPE_KEEP},    {"dec", TYPE_KEEP},         {"fixed", TYPE_KEEP},
    {"char", TYPE_KEEP},       {"varchar", TYPE_KEEP},     {"nchar", TYPE_KEEP},
    {"nvarchar", TYPE_KEEP},   {"date", TYPE_KEEP},        {"datetime", TYPE_KEEP},
    {"timestamp", TYPE_KEEP},  {"time", TYPE_KEEP},        {"tinytext", TYPE_TEXT},
    {"text", TYPE_TEXT},       {"mediumtext", TYPE_TEXT},  {"longtext", TYPE_TEXT},
    {"json", TYPE_TEXT},       {"set", TYPE_TEXT},         {"uuid", TYPE_TEXT},
    {"inet4", TYPE_TEXT},      {"inet6", TYPE_TEXT},       {"binary", TYPE_BLOB},
    {"varbinary", TYPE_BLOB},  {"tinyblob", TYPE_BLOB},    {"blob", TYPE_BLOB},
    {"mediumblob", TYPE_BLOB}, {"longblob", TYPE_BLOB},    {"enum", TYPE_ENUM},
};

static const type_map *find_type(const sql_token *t)
{
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        if (sql_token_is(t, types[k].name))
            return &types[k];
    }
    return NULL;
}

typedef struct column_state {
    const char *table;
    char *name;     /* folded, for messages */
    strbuf checks;  /* " CHECK (...)" from the type */
    bool unsigned_; /* UNSIGNED or ZEROFILL */
    bool rowid_key; /* INTEGER PRIMARY KEY */
    bool primary;   /* PRIMARY KEY written out already */
} column_state;

/* ENUM('a','b') at `open`: CHECK ("c" IN ('a','b')). */
static void enum_check(my_translator *tr, size_t open, size_t end, column_state *c)
{
    strbuf_append_str(&c->checks, " CHECK (");
    my_append_quoted(&c->checks, c->name);
    strbuf_append_str(&c->checks, " IN (");
    size_t close = sql_skip_group(tr->tokens, open, end) - 1;
    for (size_t i = open + 1; i < close; i++) {
        if (tr->tokens->items[i].kind == SQL_TOKEN_STRING)
            my_append_string(tr, i, &c->checks);
        else if (punct_at(tr->tokens, i, ','))
            strbuf_append_str(&c->checks, ", ");
    }
    strbuf_append_str(&c->checks, "))");
}

/* The type in [begin, end) as SQLite's; false after a report. */
static bool translate_type(my_translator *tr, size_t begin, size_t end, column_state *c,
                           strbuf *out)
{
    const type_map *type = begin < end ? find_type(&tr->tokens->items[begin]) : NULL;
    if (!type) {
        my_report(tr, begin < end ? begin : begin - 1,
                  "cannot translate the type of %s.%s to SQLite", c->table, c->name);
        return false;
    }
    size_t i = begin + 1;
    size_t args_end = punct_at(tr->tokens, i, '(') ? sql_skip_group(tr->tokens, i, end) : i;
    if (type->class == TYPE_ENUM && args_end > i)
        enum_check(tr, i, end, c);
    if (type->class == TYPE_INTEGER || c->rowid_key)
        strbuf_append_str(out, "INTEGER");
    else if (type->class == TYPE_REAL)
        strbuf_append_str(out, "REAL");
    else if (type->class == TYPE_TEXT || type->class == TYPE_ENUM)
        strbuf_append_str(out, "TEXT");
    else if (type->class == TYPE_BLOB)
        strbuf_append_str(out, "BLOB");
    else
        for (size_t k = begin; k < args_end; k++) {
            const sql_token *t = &tr->tokens->items[k];
            for (size_t n = 0; n < t->length; n++)
                strbuf_append_char(out,
                                   (char)(k == begin && t->start[n] >= 'a' && t->start[n] <= 'z'
                                              ? t->start[n] - 'a' + 'A'
                                              : t->start[n]));
        }
    for (i = args_end; i < end; i++) {
        if (word_at(tr->tokens, i, "UNSIGNED") || word_at(tr->tokens, i, "ZEROFILL"))
            c->unsigned_ = true;
        else if (word_at(tr->tokens, i, "CHARACTER") || word_at(tr->tokens, i, "CHARSET"))
            i += word_at(tr->tokens, i, "CHARACTER") ? 2 : 1; /* CHARACTER SET x: dropped */
        else if (!word_at(tr->tokens, i, "SIGNED") && !word_at(tr->tokens, i, "BINARY") &&
                 !word_at(tr->tokens, i, "ASCII") && !word_at(tr->tokens, i, "UNICODE") &&
                 !word_at(tr->tokens, i, "PRECISION") && !word_at(tr->tokens, i, "VARYING")) {
            my_report(tr, i, "cannot translate \"%.*s\" in the type of %s.%s to SQLite",
                      MY_TOKEN_TEXT(tr, i), c->table, c->name);
            return false;
        }
    }
    if (c->unsigned_ && !c->rowid_key) {
        strbuf_append_str(&c->checks, " CHECK (");
        my_append_quoted(&c->checks, c->name);
        strbuf_append_str(&c->checks, " >= 0)");
    }
    return true;
}

/* The extent of a DEFAULT value at `i`: a (group), -number, word(...), _cs'x' or b'1', or one
 * token. */
static size_t default_end(my_translator *tr, size_t i, size_t end)
{
    if (i >= end)
        return end;
    if (punct_at(tr->tokens, i, '('))
        return sql_skip_group(tr->tokens, i, end);
    const sql_token *t = &tr->tokens->items[i];
    if (t->kind == SQL_TOKEN_OPERATOR && i + 1 < end)
        return i + 2;
    if (t->kind == SQL_TOKEN_WORD && punct_at(tr->tokens, i + 1, '('))
        return sql_skip_group(tr->tokens, i + 1, end);
    if (t->kind == SQL_TOKEN_WORD && i + 1 < end &&
        tr->tokens->items[i + 1].kind == SQL_TOKEN_STRING)
        return i + 2;
    return i + 1;
}

/* DEFAULT value at `i`; returns the index after it. */
static size_t translate_default(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok)
{
    size_t stop = default_end(tr, i, end);
    strbuf_append_str(out, " DEFAULT ");
    bool literal = stop == i + 1 && tr->tokens->items[i].kind != SQL_TOKEN_WORD;
    bool keyword =
        stop == i + 1 && (word_at(tr->tokens, i, "NULL") || word_at(tr->tokens, i, "TRUE") ||
                          word_at(tr->tokens, i, "FALSE"));
    if (literal || keyword || punct_at(tr->tokens, i, '(')) {
        *ok = *ok && my_translate_expression(tr, i, stop, out);
    } else {
        strbuf_append_char(out, '(');
        *ok = *ok && my_translate_expression(tr, i, stop, out);
        strbuf_append_char(out, ')');
    }
    return stop;
}

/* GENERATED ALWAYS AS (expr) or AS (expr) at `i`, then VIRTUAL|STORED|PERSISTENT. */
static size_t translate_generated(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok)
{
    if (word_at(tr->tokens, i, "GENERATED"))
        i += 2;
    i++; /* AS */
    size_t stop = sql_skip_group(tr->tokens, i, end);
    strbuf_append_str(out, " GENERATED ALWAYS AS ");
    *ok = *ok && my_translate_expression(tr, i, stop, out);
    bool stored = word_at(tr->tokens, stop, "STORED") || word_at(tr->tokens, stop, "PERSISTENT");
    strbuf_append_str(out, stored ? " STORED" : " VIRTUAL");
    return stop < end && (stored || word_at(tr->tokens, stop, "VIRTUAL")) ? stop + 1 : stop;
}

/* ON UPDATE <value> at `i` (dropped, told with -v); returns the index after it. */
static size_t drop_on_update(my_translator *tr, size_t i, size_t end, const column_state *c)
{
    my_note(tr, i, false, "ON UPDATE of %s.%s left out: SQLite has no such clause", c->table,
            c->name);
    size_t stop = i + 2;
    return punct_at(tr->tokens, stop + 1, '(') ? sql_skip_group(tr->tokens, stop + 1, end)
                                               : stop + 1;
}

/* One attribute at `i`; returns the index after it. */
static size_t translate_attribute(my_translator *tr, size_t i, size_t end, column_state *c,
                                  strbuf *out, bool *ok)
{
    if (word_at(tr->tokens, i, "NOT") && word_at(tr->tokens, i + 1, "NULL")) {
        strbuf_append_str(out, " NOT NULL");
        return i + 2;
    }
    if (word_at(tr->tokens, i, "NULL") || word_at(tr->tokens, i, "AUTO_INCREMENT") ||
        word_at(tr->tokens, i, "INVISIBLE") || word_at(tr->tokens, i, "VISIBLE"))
        return i + 1;
    if (word_at(tr->tokens, i, "DEFAULT"))
        return translate_default(tr, i + 1, end, out, ok);
    if (word_at(tr->tokens, i, "PRIMARY") || word_at(tr->tokens, i, "KEY")) {
        if (!c->primary)
            strbuf_append_str(out, " PRIMARY KEY");
        return word_at(tr->tokens, i, "PRIMARY") && word_at(tr->tokens, i + 1, "KEY") ? i + 2
                                                                                      : i + 1;
    }
    if (word_at(tr->tokens, i, "UNIQUE")) {
        strbuf_append_str(out, " UNIQUE");
        return word_at(tr->tokens, i + 1, "KEY") ? i + 2 : i + 1;
    }
    if (word_at(tr->tokens, i, "COMMENT") || word_at(tr->tokens, i, "COLLATE") ||
        word_at(tr->tokens, i, "COLUMN_FORMAT") || word_at(tr->tokens, i, "STORAGE") ||
        word_at(tr->tokens, i, "SRID"))
        return i + 2;
    if (word_at(tr->tokens, i, "ON") && word_at(tr->tokens, i + 1, "UPDATE"))
        return drop_on_update(tr, i, end, c);
    if (word_at(tr->tokens, i, "GENERATED") ||
        (word_at(tr->tokens, i, "AS") && punct_at(tr->tokens, i + 1, '(')))
        return translate_generated(tr, i, end, out, ok);
    if (word_at(tr->tokens, i, "CONSTRAINT") && word_at(tr->tokens, i + 2, "CHECK"))
        i += 2;
    if (word_at(tr->tokens, i, "CHECK") && punct_at(tr->tokens, i + 1, '(')) {
        size_t stop = sql_skip_group(tr->tokens, i + 1, end);
        strbuf_append_str(out, " CHECK ");
        *ok = *ok && my_translate_check(tr, i + 1, stop, out);
        return stop;
    }
    if (word_at(tr->tokens, i, "REFERENCES")) {
        strbuf_append_char(out, ' ');
        return my_translate_references(tr, i, end, out, ok);
    }
    my_report(tr, i, "cannot translate \"%.*s\" in the definition of %s.%s to SQLite",
              MY_TOKEN_TEXT(tr, i), c->table, c->name);
    *ok = false;
    return end;
}

bool my_translate_column(my_translator *tr, const my_element *e, const char *table, bool rowid_key,
                         strbuf *out)
{
    column_state c = {.table = table, .checks = STRBUF_INIT, .rowid_key = rowid_key};
    c.name = sql_token_identifier(&tr->tokens->items[e->name]);
    if (!c.name) {
        tr->out_of_memory = true;
        return false;
    }
    my_append_quoted(out, c.name);
    strbuf_append_char(out, ' ');
    bool ok = translate_type(tr, e->name + 1, e->type_end, &c, out);
    if (rowid_key) {
        strbuf_append_str(out, " PRIMARY KEY");
        c.primary = true;
    }
    for (size_t i = e->type_end; ok && i < e->end;)
        i = translate_attribute(tr, i, e->end, &c, out, &ok);
    strbuf_append_str(out, strbuf_str(&c.checks));
    strbuf_free(&c.checks);
    free(c.name);
    return ok;
}
