/*
 * translate_columns.c — translates one PostgreSQL column definition to
 * SQLite: its type (serials and identities become INTEGER, arrays TEXT,
 * types SQLite's grammar rejects a name with the same affinity), its default
 * (nextval() defaults make the column auto-increment instead), GENERATED
 * columns, and its constraints.
 */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "translate_expression.h"
#include "translate_sqlite_internal.h"

void column_build_free(column_build *col)
{
    free(col->name);
    free(col->folded);
    free(col->type);
    free(col->default_value);
    free(col->sequence);
    strbuf_free(&col->constraints);
}

/* True for "(n)" or "(n,m)" (signed numbers) between `open` and `close`. */
static bool is_type_modifier(const sql_tokens *tokens, size_t open, size_t close)
{
    size_t numbers = 0;
    for (size_t i = open + 1; i < close; i++) {
        const sql_token *t = &tokens->items[i];
        bool sign = t->kind == SQL_TOKEN_OPERATOR &&
                    (text_is(t->start, t->length, "-") || text_is(t->start, t->length, "+"));
        if (sign && i + 1 < close)
            t = &tokens->items[++i];
        if (t->kind != SQL_TOKEN_NUMBER)
            return false;
        numbers++;
        if (i + 1 < close && !is_punct(&tokens->items[++i], ','))
            return false;
    }
    return numbers == 1 || numbers == 2;
}

/* The type of a column: serials become INTEGER (auto_increment), arrays
 * TEXT; other types keep the words SQLite's grammar takes and a final
 * "(n)" or "(n,m)"; a type in a schema other than pg_catalog (an enum,
 * domain or extension type) is an error. */
static bool translate_type(translator *tr, sql_cursor c, column_build *col)
{
    static const char *const serials[] = {"serial",      "serial4", "bigserial", "serial8",
                                          "smallserial", "serial2", NULL};
    if (c.pos == c.end)
        return translate_unexpected(tr, &c, "a column definition");
    for (size_t i = c.pos; i < c.end; i++)
        if (is_punct(&c.tokens->items[i], '[') || sql_token_is(&c.tokens->items[i], "ARRAY")) {
            col->pg_type = CAST_OTHER;
            return translate_note_memory(tr, (col->type = strdup("TEXT")) != NULL);
        }
    int special = translate_special_type(tr, c, col);
    if (special != 0)
        return special > 0;
    if (punct_ahead(&c, 1, '.')) {
        if (!at_word(&c, "pg_catalog")) {
            char *text = sql_tokens_text(c.tokens, c.pos, c.end);
            translate_report(tr, here(&c), "cannot translate type \"%s\" to SQLite",
                             text ? text : "?");
            free(text);
            return false;
        }
        c.pos += 2;
    }
    if (c.pos == c.end)
        return translate_unexpected(tr, &c, "a column type");
    bool named = is_identifier_token(here(&c));
    char *first = named ? sql_token_identifier(here(&c)) : NULL;
    if (named && !translate_note_memory(tr, first != NULL))
        return false;
    col->pg_type = first ? translate_cast_kind_of(first) : CAST_OTHER;
    free(first);
    if (c.end - c.pos == 1 && word_token_in(here(&c), serials)) {
        col->pg_type = CAST_INTEGER;
        col->auto_increment = true;
        return translate_note_memory(tr, (col->type = strdup("INTEGER")) != NULL);
    }
    strbuf sb = STRBUF_INIT;
    while (c.pos < c.end) {
        const sql_token *t = here(&c);
        if (is_punct(t, '(')) {
            size_t close = sql_closing_bracket(c.tokens, c.pos, c.end);
            if (close == c.end || !is_type_modifier(c.tokens, c.pos, close)) {
                strbuf_free(&sb);
                return translate_unexpected(tr, &c, "a column type");
            }
            if (close + 1 == c.end) /* a final (n) or (n,m) */
                for (size_t i = c.pos; i <= close; i++)
                    strbuf_append(&sb, c.tokens->items[i].start, c.tokens->items[i].length);
            c.pos = close + 1;
        } else if (is_identifier_token(t)) {
            if (word_token_in(t, sqlite_reserved_words)) /* e.g. "interval day TO second" */
                break;
            if (sb.length)
                strbuf_append_char(&sb, ' ');
            strbuf_append(&sb, t->start, t->length);
            c.pos++;
        } else {
            strbuf_free(&sb);
            return translate_unexpected(tr, &c, "a column type");
        }
    }
    col->type = strbuf_detach(&sb);
    return translate_note_memory(tr, col->type != NULL);
}

static bool mentions_nextval(sql_cursor c)
{
    for (size_t i = c.pos; i < c.end; i++)
        if (sql_token_is(&c.tokens->items[i], "nextval"))
            return true;
    return false;
}

/* The name of the first schema-qualified call of a function not in pg_catalog, or NULL. */
static const sql_token *user_function_call(sql_cursor c)
{
    for (size_t i = c.pos; i + 3 < c.end; i++) {
        const sql_token *t = &c.tokens->items[i];
        if (is_identifier_token(t) && !sql_token_is(t, "pg_catalog") &&
            is_punct(&c.tokens->items[i + 1], '.') &&
            is_identifier_token(&c.tokens->items[i + 2]) &&
            is_punct(&c.tokens->items[i + 3], '(') &&
            !sql_token_is(&c.tokens->items[i + 2], "gen_random_uuid") &&
            !sql_token_is(&c.tokens->items[i + 2], "uuid_generate_v4"))
            return &c.tokens->items[i + 2];
    }
    return NULL;
}

/* Sets (or, for a nextval default, drops) the column's default. */
bool translate_default(translator *tr, sql_cursor c, column_build *col)
{
    free(col->default_value);
    col->default_value = NULL;
    if (mentions_nextval(c)) {
        col->auto_increment = true;
        return translate_nextval_sequence(tr, c, col);
    }
    const sql_token *call = user_function_call(c);
    if (call) {
        translate_note(tr, call,
                       "not run on SQLite: the default of column %s calls %.*s(), a function of "
                       "the owner's; the column has no default there",
                       col->name, (int)call->length, call->start);
        return true;
    }
    if (translate_random_uuid_default(&c))
        return translate_note_memory(tr, (col->default_value = strdup(translate_random_uuid_sql)));
    strbuf sb = STRBUF_INIT;
    if (!translate_default_expression(tr, c, col->pg_type, &sb)) {
        strbuf_free(&sb);
        return false;
    }
    col->default_value = strbuf_detach(&sb);
    return translate_note_memory(tr, col->default_value != NULL);
}

/* GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(options)] makes the column
 * auto_increment with those options; GENERATED ALWAYS AS (expr) STORED is kept. */
bool translate_generated(translator *tr, sql_cursor *c, column_build *col)
{
    c->pos++;
    if (at_word(c, "ALWAYS"))
        c->pos++;
    else if (at_word(c, "BY") && word_ahead(c, 1, "DEFAULT"))
        c->pos += 2;
    else
        return translate_unexpected(tr, c, "GENERATED");
    if (!at_word(c, "AS"))
        return translate_unexpected(tr, c, "GENERATED");
    c->pos++;
    if (at_word(c, "IDENTITY")) {
        c->pos++;
        col->auto_increment = true;
        if (!punct_ahead(c, 0, '('))
            return true;
        size_t close = sql_closing_bracket(c->tokens, c->pos, c->end);
        if (close == c->end)
            return translate_unexpected(tr, c, "GENERATED");
        sql_cursor options = {c->tokens, c->pos + 1, close};
        c->pos = close + 1;
        return translate_sequence_options(tr, options, &col->identity);
    }
    if (!translate_parenthesized(tr, c, " GENERATED ALWAYS AS ", &col->constraints))
        return false;
    if (!at_word(c, "STORED"))
        return translate_unexpected(tr, c, "a generated column");
    strbuf_append_str(&col->constraints, " STORED");
    c->pos++;
    return true;
}

/* COLLATE name: kept when SQLite has that collation. */
static bool translate_collate(translator *tr, sql_cursor *c, column_build *col)
{
    size_t last;
    c->pos++;
    if (!sql_skip_qualified_name(c, &last))
        return translate_unexpected(tr, c, "COLLATE");
    if (translate_is_sqlite_collation(&c->tokens->items[last])) {
        strbuf_append_str(&col->constraints, " COLLATE ");
        translate_append_name(&col->constraints, &c->tokens->items[last]);
    }
    return true;
}

/* One constraint the element reader found; the cursor runs from it to the
 * element's end and is left where the translation of it stopped. */
static bool translate_column_constraint(translator *tr, const ddl_constraint *k, sql_cursor *c,
                                        column_build *col)
{
    /* SQLite has no use for the name of these; the keys keep theirs */
    bool unnamed = k->kind == DDL_CONSTRAINT_NOT_NULL || k->kind == DDL_CONSTRAINT_NULL ||
                   k->kind == DDL_CONSTRAINT_DEFAULT || k->kind == DDL_CONSTRAINT_GENERATED ||
                   k->kind == DDL_CONSTRAINT_IDENTITY;
    c->pos = unnamed ? k->keyword : k->range.begin;
    if (k->kind == DDL_CONSTRAINT_NOT_NULL) {
        col->not_null = true;
        c->pos += 2;
    } else if (k->kind == DDL_CONSTRAINT_NULL) {
        c->pos++;
    } else if (k->kind == DDL_CONSTRAINT_DEFAULT) {
        sql_cursor value = {c->tokens, k->expr.begin, k->expr.end};
        c->pos = k->expr.end;
        return translate_default(tr, value, col);
    } else if (k->kind == DDL_CONSTRAINT_GENERATED || k->kind == DDL_CONSTRAINT_IDENTITY) {
        return translate_generated(tr, c, col);
    } else if (k->kind == DDL_CONSTRAINT_COLLATE && k->name == DDL_NO_TOKEN) {
        return translate_collate(tr, c, col);
    } else if (k->kind == DDL_CONSTRAINT_STORAGE && k->name == DDL_NO_TOKEN) {
        c->pos += 2;
    } else {
        bool ok = translate_constraint(tr, c, true, &col->constraints);
        if (ok && k->kind == DDL_CONSTRAINT_PRIMARY_KEY) /* where AUTOINCREMENT may go */
            col->primary_key_end = col->constraints.length;
        return ok;
    }
    return true;
}

/* A column element: name, type, then each constraint the reader found. */
bool translate_column(translator *tr, const sql_tokens *tokens, const ddl_element *e,
                      const ddl_table *ddl, column_build *col)
{
    sql_cursor c = {tokens, e->range.begin, e->range.end};
    if (e->kind != DDL_ELEMENT_COLUMN)
        return translate_unexpected(tr, &c, "a column definition");
    const sql_token *name = &tokens->items[e->name];
    col->name = translate_name_text(name);
    col->folded = sql_token_identifier(name);
    if (!translate_note_memory(tr, col->name && col->folded))
        return false;
    sql_cursor type = {tokens, e->type.begin, e->type.end};
    if (!translate_type(tr, type, col))
        return false;
    const ddl_column *known = ddl ? ddl_table_column(ddl, col->folded) : NULL;
    if (known && known->auto_increment)
        col->auto_increment = true;
    const column_build *outer = tr->scope_column;
    tr->scope_column = col; /* its CHECKs name it */
    bool ok = true;
    for (size_t i = 0; ok && i < e->constraint_count; i++) {
        const ddl_constraint *k = &e->constraints[i];
        ok = translate_column_constraint(tr, k, &c, col);
        if (ok && c.pos != k->range.end) /* what the reader took as options, SQLite's does not */
            ok = translate_unexpected(tr, &c, "a constraint");
    }
    tr->scope_column = outer;
    return ok;
}

/* The column as SQLite's CREATE TABLE lists it. */
void translate_append_column(strbuf *out, const column_build *col)
{
    bool autoincrement = col->fill == FILL_AUTOINCREMENT;
    strbuf_appendf(out, "%s %s", col->name, col->auto_increment ? "INTEGER" : col->type);
    if (autoincrement && !col->primary_key_end) /* the table's key, moved here */
        strbuf_append_str(out, " PRIMARY KEY AUTOINCREMENT");
    if (col->default_value && !col->auto_increment)
        strbuf_appendf(out, " DEFAULT %s", col->default_value);
    if (col->not_null && col->fill != FILL_TRIGGER) /* NOT NULL would run before the trigger */
        strbuf_append_str(out, " NOT NULL");
    if (!col->constraints.length)
        return;
    if (autoincrement && col->primary_key_end) {
        strbuf_append(out, col->constraints.data, col->primary_key_end);
        strbuf_append_str(out, " AUTOINCREMENT");
        strbuf_append_str(out, col->constraints.data + col->primary_key_end);
    } else {
        strbuf_append_str(out, col->constraints.data);
    }
}
