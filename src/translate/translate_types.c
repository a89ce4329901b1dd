/*
 * translate_types.c — PostgreSQL types SQLite lacks, and the statements a
 * SQLite copy leaves out with a note.
 *
 * Enums become TEXT with CHECK (col IN (...)), so that a value PostgreSQL
 * refuses SQLite refuses too; a domain becomes its base type with its NOT
 * NULL, DEFAULT and CHECK (VALUE written as the column) on every column of
 * that type; composite and range types become TEXT. Built-in types without
 * a SQLite counterpart take the storage that keeps the fixture's text as
 * written: uuid, json(b) (checked with json_valid), citext (COLLATE NOCASE),
 * tsvector, inet, interval, money as TEXT, bytea as BLOB.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "translate_sqlite_internal.h"

void translate_user_types_free(translator *tr)
{
    for (size_t i = 0; i < tr->user_type_count; i++) {
        free(tr->user_types[i].key);
        free(tr->user_types[i].enum_values);
        column_build_free(&tr->user_types[i].domain);
    }
    free(tr->user_types);
}

static user_type *add_user_type(translator *tr, char *key)
{
    user_type *grown = realloc(tr->user_types, (tr->user_type_count + 1) * sizeof *grown);
    if (!translate_note_memory(tr, key && grown)) {
        free(key);
        if (grown)
            tr->user_types = grown;
        return NULL;
    }
    tr->user_types = grown;
    user_type *type = &grown[tr->user_type_count++];
    memset(type, 0, sizeof *type);
    type->key = key;
    return type;
}

/* CREATE TYPE name AS ENUM ('a', 'b'): the values as an IN list. */
static void read_enum(translator *tr, sql_cursor c, user_type *type)
{
    strbuf values = STRBUF_INIT;
    size_t close = sql_closing_bracket(c.tokens, c.pos, c.end);
    for (size_t i = c.pos + 1; i < close; i++) {
        const sql_token *t = &c.tokens->items[i];
        if (t->kind == SQL_TOKEN_STRING) {
            strbuf_append_str(&values, values.length ? ", " : "");
            strbuf_append(&values, t->start, t->length);
        }
    }
    type->is_enum = true;
    type->enum_values = strbuf_detach(&values);
    translate_note_memory(tr, type->enum_values != NULL);
}

/*
 * CREATE DOMAIN name [AS] type [constraints]: read as the column definition
 * it resembles ("AS" or the name standing for the column's name).
 */
static void read_domain(translator *tr, sql_cursor c, size_t name_token, user_type *type)
{
    ddl_element e;
    size_t begin = at_word(&c, "AS") ? c.pos : name_token;
    if (!translate_note_memory(tr, ddl_read_element(c.tokens, begin, c.end, &e) == 0))
        return;
    type->is_domain = translate_column(tr, c.tokens, &e, NULL, &type->domain);
    ddl_element_free(&e);
}

/* CREATE TYPE / CREATE DOMAIN: remembered for the columns of that type. */
bool translate_user_type(translator *tr, const sql_tokens *tokens)
{
    sql_cursor c = {tokens, 1, tokens->count};
    bool domain = at_word(&c, "DOMAIN");
    if (!domain && !at_word(&c, "TYPE"))
        return false;
    c.pos++;
    const sql_token *bare = NULL;
    char *key = translate_read_table_name(tr, &c, &bare);
    if (!key)
        return true;
    user_type *type = add_user_type(tr, key);
    if (!type)
        return true;
    if (domain) {
        read_domain(tr, c, (size_t)(bare - tokens->items), type);
    } else if (at_word(&c, "AS") && word_ahead(&c, 1, "ENUM") && punct_ahead(&c, 2, '(')) {
        c.pos += 2;
        read_enum(tr, c, type);
    } else {
        translate_note(tr, &tokens->items[0], "type %s is stored as TEXT on SQLite", type->key);
    }
    return true;
}

static const user_type *find_user_type(const translator *tr, const char *key)
{
    for (size_t i = tr->user_type_count; i-- > 0;)
        if (strcmp(tr->user_types[i].key, key) == 0)
            return &tr->user_types[i];
    return NULL;
}

/* `check` with every whole word VALUE outside quotes written as `column`. */
static void append_for_column(strbuf *out, const char *check, const char *column)
{
    for (const char *p = check; *p;) {
        if (*p == '\'' || *p == '"') {
            const char *end = strchr(p + 1, *p);
            size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
            strbuf_append(out, p, n);
            p += n;
        } else if (strncasecmp(p, "value", 5) == 0 && !isalnum((unsigned char)p[5]) &&
                   p[5] != '_' &&
                   (p == check || (!isalnum((unsigned char)p[-1]) && p[-1] != '_'))) {
            strbuf_append_str(out, column);
            p += 5;
        } else {
            strbuf_append_char(out, *p++);
        }
    }
}

static bool apply_user_type(translator *tr, const user_type *type, column_build *col)
{
    col->pg_type = type->is_domain ? type->domain.pg_type : CAST_OTHER;
    if (type->is_enum) {
        strbuf_appendf(&col->constraints, " CHECK (%s IN (%s))", col->name, type->enum_values);
        return translate_note_memory(tr, (col->type = strdup("TEXT")) != NULL);
    }
    if (!type->is_domain)
        return translate_note_memory(tr, (col->type = strdup("TEXT")) != NULL);
    const column_build *d = &type->domain;
    col->not_null |= d->not_null;
    col->auto_increment |= d->auto_increment;
    if (d->default_value && !(col->default_value = strdup(d->default_value)))
        return translate_note_memory(tr, false);
    if (d->constraints.length)
        append_for_column(&col->constraints, d->constraints.data, col->name);
    return translate_note_memory(tr, (col->type = strdup(d->type ? d->type : "TEXT")) != NULL);
}

typedef struct builtin_type {
    const char *name;
    const char *sqlite;
    const char *constraint; /* with %s for the column, or NULL */
} builtin_type;

static const builtin_type builtin_types[] = {
    {"uuid", "TEXT", NULL},
    {"json", "TEXT", " CHECK " TRANSLATE_JSON_CONDITION},
    {"jsonb", "TEXT", " CHECK " TRANSLATE_JSON_CONDITION},
    {"citext", "TEXT", " COLLATE NOCASE"},
    {"tsvector", "TEXT", NULL},
    {"tsquery", "TEXT", NULL},
    {"inet", "TEXT", NULL},
    {"cidr", "TEXT", NULL},
    {"macaddr", "TEXT", NULL},
    {"interval", "TEXT", NULL},
    {"money", "TEXT", NULL},
    {"xml", "TEXT", NULL},
    {"bytea", "BLOB", NULL},
    {NULL, NULL, NULL},
};

int translate_special_type(translator *tr, sql_cursor c, column_build *col)
{
    size_t last = c.pos;
    sql_cursor name = c;
    if (!sql_skip_qualified_name(&name, &last))
        return 0;
    char *written = sql_tokens_text(c.tokens, c.pos, name.pos);
    char *key = written ? ddl_normalize_name(written) : NULL;
    free(written);
    if (!translate_note_memory(tr, key != NULL))
        return -1;
    const user_type *type = find_user_type(tr, key);
    free(key);
    if (type && name.pos == c.end)
        return apply_user_type(tr, type, col) ? 1 : -1;
    for (const builtin_type *b = builtin_types; b->name; b++) {
        if (!sql_token_is(&c.tokens->items[last], b->name))
            continue;
        if (b->constraint)
            strbuf_appendf(&col->constraints, b->constraint, col->name);
        col->pg_type = strcmp(b->name, "interval") == 0 ? CAST_INTERVAL : CAST_OTHER;
        return translate_note_memory(tr, (col->type = strdup(b->sqlite)) != NULL) ? 1 : -1;
    }
    return 0;
}

bool translate_random_uuid_default(const sql_cursor *c)
{
    size_t i = c->pos;
    if (i + 2 < c->end && (is_identifier_token(&c->tokens->items[i])) &&
        is_punct(&c->tokens->items[i + 1], '.'))
        i += 2;
    return i + 3 == c->end &&
           (sql_token_is(&c->tokens->items[i], "gen_random_uuid") ||
            sql_token_is(&c->tokens->items[i], "uuid_generate_v4")) &&
           is_punct(&c->tokens->items[i + 1], '(') && is_punct(&c->tokens->items[i + 2], ')');
}

/* A random version 4 UUID, in SQLite's SQL. */
const char translate_random_uuid_sql[] =
    "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) "
    "|| substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";
