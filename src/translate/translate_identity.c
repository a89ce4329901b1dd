/*
 * translate_identity.c — how SQLite fills in a column PostgreSQL fills from a
 * sequence (serial, GENERATED ... AS IDENTITY, a nextval default), keeping the
 * sequence's START WITH and INCREMENT BY:
 *   - the table's one-column primary key with START WITH 1 stays SQLite's
 *     INTEGER PRIMARY KEY (the rowid: max + 1, as before);
 *   - with another START WITH it becomes INTEGER PRIMARY KEY AUTOINCREMENT
 *     with a sqlite_sequence row of START - 1, so the first key is START and
 *     later ones max(START - 1, largest key) + 1;
 *   - any other such column (in a composite key, or not a key) is filled by
 *     an AFTER INSERT trigger when it is NULL: max + INCREMENT (min going
 *     down), START in an empty table. SQLite runs NOT NULL before AFTER
 *     triggers, so such a column loses its NOT NULL there.
 * INCREMENT BY other than 1 on the INTEGER PRIMARY KEY is refused: SQLite
 * steps the rowid by 1, and a trigger moving the key afterwards leaves
 * last_insert_rowid() (what ORMs read back) at the key SQLite chose, not the
 * one stored — measured on SQLite 3.40: the second row stored as 110 reported
 * 101.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "translate_sqlite_internal.h"

typedef struct named_sequence {
    char *key; /* normalised name */
    sequence_options options;
} named_sequence;

void translate_sequences_free(translator *tr)
{
    for (size_t i = 0; i < tr->sequence_count; i++)
        free(tr->sequences[i].key);
    free(tr->sequences);
}

/* [+|-]digits at the cursor, moved past; false when there is none. */
static bool read_number(sql_cursor *c, long long *out)
{
    const sql_token *t = token_at(c, 0);
    bool negative = false;
    size_t used = 0;
    if (t && t->kind == SQL_TOKEN_OPERATOR &&
        (text_is(t->start, t->length, "-") || text_is(t->start, t->length, "+"))) {
        negative = t->start[0] == '-';
        t = token_at(c, ++used);
    }
    char digits[32];
    if (!t || t->kind != SQL_TOKEN_NUMBER || t->length >= sizeof digits)
        return false;
    memcpy(digits, t->start, t->length);
    digits[t->length] = '\0';
    char *end;
    errno = 0;
    long long value = strtoll(digits, &end, 10);
    if (*end || errno)
        return false;
    *out = negative ? -value : value;
    c->pos += used + 1;
    return true;
}

/* Moves past one option the translation does not need (AS type, CACHE n,
 * MINVALUE n, NO CYCLE, OWNED BY x, SEQUENCE NAME x, ...), or one token. */
static void skip_option(sql_cursor *c)
{
    long long ignored;
    size_t last;
    bool named = (at_word(c, "OWNED") && word_ahead(c, 1, "BY")) ||
                 (at_word(c, "SEQUENCE") && word_ahead(c, 1, "NAME"));
    bool valued = at_word(c, "AS") || at_word(c, "CACHE") || at_word(c, "MINVALUE") ||
                  at_word(c, "MAXVALUE") || at_word(c, "NO");
    c->pos += named ? 2 : 1;
    if (named)
        sql_skip_qualified_name(c, &last);
    else if (valued && !read_number(c, &ignored) && c->pos < c->end)
        c->pos++;
}

bool translate_sequence_options(translator *tr, sql_cursor c, sequence_options *out)
{
    *out = (sequence_options){false, 1, 1, tr->file, here(&c)->line, here(&c)->column};
    bool has_start = false, has_minimum = false, has_maximum = false;
    long long minimum = 1, maximum = -1;
    while (c.pos < c.end) {
        const sql_token *at = here(&c);
        long long value;
        if (at_word(&c, "START") || at_word(&c, "INCREMENT")) {
            bool start = at_word(&c, "START");
            c.pos += word_ahead(&c, 1, start ? "WITH" : "BY") ? 2 : 1;
            if (!read_number(&c, &value))
                return translate_unexpected(tr, &c, start ? "START WITH" : "INCREMENT BY");
            out->given = true;
            if (start) {
                out->start = value;
                has_start = true;
            } else {
                out->increment = value;
                out->line = at->line;
                out->column = at->column;
            }
        } else if ((at_word(&c, "MINVALUE") || at_word(&c, "MAXVALUE")) && token_at(&c, 1)) {
            bool min = at_word(&c, "MINVALUE");
            c.pos++;
            if (read_number(&c, min ? &minimum : &maximum))
                *(min ? &has_minimum : &has_maximum) = out->given = true; /* START's default */
        } else {
            skip_option(&c);
        }
    }
    if (!has_start && out->increment < 0)
        out->start = has_maximum ? maximum : -1;
    else if (!has_start)
        out->start = has_minimum ? minimum : 1;
    return true;
}

void translate_create_sequence(translator *tr, const sql_tokens *tokens)
{
    sql_cursor c = {tokens, 1, tokens->count};
    while (at_word(&c, "TEMP") || at_word(&c, "TEMPORARY") || at_word(&c, "UNLOGGED"))
        c.pos++;
    if (!at_word(&c, "SEQUENCE"))
        return;
    c.pos++;
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS"))
        c.pos += 3;
    const sql_token *bare;
    char *key = translate_read_table_name(tr, &c, &bare);
    sequence_options options;
    if (!key || !translate_sequence_options(tr, c, &options)) {
        free(key);
        return;
    }
    named_sequence *items = translate_grow_array(tr->sequences, &tr->sequence_capacity,
                                                 tr->sequence_count, sizeof *items);
    if (!translate_note_memory(tr, items != NULL)) {
        free(key);
        return;
    }
    tr->sequences = items;
    items[tr->sequence_count++] = (named_sequence){key, options};
}

bool translate_nextval_sequence(translator *tr, sql_cursor c, column_build *col)
{
    for (; c.pos + 2 < c.end; c.pos++) {
        const sql_token *name = token_at(&c, 2);
        if (!at_word(&c, "nextval") || !punct_ahead(&c, 1, '(') || name->kind != SQL_TOKEN_STRING ||
            name->length < 2 || name->start[0] != '\'')
            continue;
        char *written = strndup(name->start + 1, name->length - 2);
        free(col->sequence);
        col->sequence = written ? ddl_normalize_name(written) : NULL;
        free(written);
        return translate_note_memory(tr, col->sequence != NULL);
    }
    return true;
}

static const sequence_options *find_sequence(const translator *tr, const char *key)
{
    for (size_t i = tr->sequence_count; key && i-- > 0;)
        if (strcmp(tr->sequences[i].key, key) == 0)
            return &tr->sequences[i].options;
    return NULL;
}

/* The next segment of the table's constraints (",\n    "-separated), or NULL. */
static const char *next_segment(const char *at, size_t *length)
{
    static const char separator[] = ",\n    ";
    if (!at || strncmp(at, separator, sizeof separator - 1) != 0)
        return NULL;
    at += sizeof separator - 1;
    const char *end = strstr(at, separator);
    *length = end ? (size_t)(end - at) : strlen(at);
    return at;
}

/* Whether a table constraint, as translate_constraint wrote it, is
 * "[CONSTRAINT n ]PRIMARY KEY (column)". */
static bool is_key_of(const char *segment, size_t length, const char *column)
{
    const char *key = NULL;
    for (const char *p = segment; p + 12 <= segment + length; p++)
        if (strncmp(p, "PRIMARY KEY ", 12) == 0 && (p == segment || p[-1] == ' ')) {
            key = p + 12;
            break;
        }
    if (!key || (key != segment + 12 && strncmp(segment, "CONSTRAINT ", 11) != 0))
        return false;
    size_t name = strlen(column);
    return (size_t)(segment + length - key) == name + 2 && key[0] == '(' &&
           strncasecmp(key + 1, column, name) == 0 && key[name + 1] == ')';
}

/* The table-level PRIMARY KEY (column), when the table has one. */
static const char *table_key_segment(const table_build *table, const char *column, size_t *length)
{
    for (const char *s = next_segment(table->constraints.data, length); s;
         s = next_segment(s + *length, length))
        if (is_key_of(s, *length, column))
            return s;
    return NULL;
}

static bool is_rowid(const table_build *table, const column_build *col)
{
    size_t length;
    return col->primary_key_end > 0 || table_key_segment(table, col->name, &length);
}

void translate_plan_identities(translator *tr)
{
    for (size_t t = 0; t < tr->table_count; t++) {
        table_build *table = &tr->tables[t];
        for (size_t k = 0; k < table->column_count; k++) {
            column_build *col = &table->columns[k];
            if (!col->auto_increment)
                continue;
            const sequence_options *named = find_sequence(tr, col->sequence);
            if (!col->identity.given && named)
                col->identity = *named;
            else if (!col->identity.given)
                col->identity = (sequence_options){false, 1, 1, table->file, table->line, 1};
            if (!is_rowid(table, col)) {
                col->fill = FILL_TRIGGER;
            } else if (col->identity.increment != 1) {
                tr->file = col->identity.file;
                sql_token at = {SQL_TOKEN_WORD, "INCREMENT", 9, col->identity.line,
                                col->identity.column};
                translate_report(tr, &at,
                                 "cannot translate INCREMENT BY %lld of column %s of table %s to "
                                 "SQLite: its INTEGER PRIMARY KEY steps by 1",
                                 col->identity.increment, col->name, table->name);
            } else {
                col->fill = col->identity.start != 1 ? FILL_AUTOINCREMENT : FILL_ROWID;
            }
        }
    }
}

void translate_append_table_body(strbuf *sql, const table_build *table)
{
    const char *skipped = NULL;
    size_t skipped_length = 0;
    for (size_t k = 0; k < table->column_count; k++) {
        const column_build *col = &table->columns[k];
        strbuf_append_str(sql, k ? ",\n    " : "\n    ");
        translate_append_column(sql, col);
        if (col->fill == FILL_AUTOINCREMENT && !col->primary_key_end)
            skipped = table_key_segment(table, col->name, &skipped_length);
    }
    if (!skipped) {
        if (table->constraints.length)
            strbuf_append_str(sql, table->constraints.data);
        return;
    }
    /* the key moved onto its column, which AUTOINCREMENT requires */
    const char *data = table->constraints.data;
    strbuf_append(sql, data, (size_t)(skipped - data) - 6);
    strbuf_append_str(sql, skipped + skipped_length);
}

/* The table's name as sqlite_master stores it, as a SQL string. */
static void append_stored_name(strbuf *out, const char *name)
{
    size_t length = strlen(name);
    bool quoted = length >= 2 && name[0] == '"';
    strbuf_append_char(out, '\'');
    for (size_t i = quoted ? 1 : 0; i < (quoted ? length - 1 : length); i++) {
        if (quoted && name[i] == '"')
            i++; /* "" inside a quoted name is one " */
        if (name[i] == '\'')
            strbuf_append_char(out, '\'');
        strbuf_append_char(out, name[i]);
    }
    strbuf_append_char(out, '\'');
}

/* An AFTER INSERT trigger filling the column in when it is NULL. */
static void append_fill_trigger(strbuf *sql, const table_build *table, const column_build *col)
{
    strbuf name = STRBUF_INIT;
    strbuf_appendf(&name, "foster_fill_%s.%s", table->name, col->name); /* no two alike */
    strbuf_append_str(sql, "CREATE TRIGGER \"");
    for (size_t i = 0; i < name.length; i++)
        if (name.data[i] != '"')
            strbuf_append_char(sql, name.data[i]);
    strbuf_free(&name);
    strbuf_appendf(sql,
                   "\" AFTER INSERT ON %s FOR EACH ROW WHEN NEW.%s IS NULL BEGIN "
                   "UPDATE %s SET %s = (SELECT coalesce(%s(%s) + %lld, %lld) FROM %s) "
                   "WHERE rowid = NEW.rowid; END",
                   table->name, col->name, table->name, col->name,
                   col->identity.increment < 0 ? "min" : "max", col->name, col->identity.increment,
                   col->identity.start, table->name);
}

bool translate_emit_identities(translator *tr, const table_build *table, sqlite_script *out)
{
    for (size_t k = 0; k < table->column_count; k++) {
        const column_build *col = &table->columns[k];
        strbuf sql = STRBUF_INIT;
        if (col->fill == FILL_AUTOINCREMENT) {
            strbuf_append_str(&sql, "INSERT INTO sqlite_sequence (name, seq) VALUES (");
            append_stored_name(&sql, table->name);
            strbuf_appendf(&sql, ", %lld)", col->identity.start - 1);
        } else if (col->fill == FILL_TRIGGER) {
            append_fill_trigger(&sql, table, col);
        } else {
            continue;
        }
        char *text = strbuf_detach(&sql);
        if (!translate_note_memory(tr, text != NULL))
            return false;
        out->items[out->count++] = (sqlite_statement){text, table->file->display_name, table->line};
    }
    return true;
}
