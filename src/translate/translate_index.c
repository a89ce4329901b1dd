/*
 * translate_index.c — translates CREATE INDEX to SQLite: USING, operator
 * classes, NULLS FIRST/LAST, INCLUDE, WITH and TABLESPACE are dropped, the
 * index columns and WHERE predicate go through the expression translator,
 * and indexes of methods other than btree and hash are left out.
 */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "translate_expression.h"
#include "translate_sqlite_internal.h"

/* One index column: a name, a function call or a parenthesised expression,
 * then [COLLATE x] [opclass] [ASC|DESC] [NULLS FIRST|LAST]. */
static bool translate_index_element(translator *tr, sql_cursor c, strbuf *out)
{
    size_t begin = c.pos, last;
    if (punct_ahead(&c, 0, '(')) {
        if (!translate_parenthesized(tr, &c, "", out))
            return false;
    } else if (sql_skip_qualified_name(&c, &last) && punct_ahead(&c, 0, '(')) {
        size_t close = sql_closing_bracket(c.tokens, c.pos, c.end);
        if (close == c.end)
            return translate_unexpected(tr, &c, "an index column");
        sql_cursor call = {c.tokens, begin, close + 1};
        if (!translate_expression(tr, call, PLACE_OTHER, out))
            return false;
        c.pos = close + 1;
    } else if (c.pos == begin + 1) {
        translate_append_name(out, &c.tokens->items[begin]);
    } else {
        c.pos = begin;
        return translate_unexpected(tr, &c, "an index column");
    }
    while (c.pos < c.end) {
        if (at_word(&c, "ASC") || at_word(&c, "DESC")) {
            strbuf_appendf(out, " %s", at_word(&c, "ASC") ? "ASC" : "DESC");
            c.pos++;
        } else if (at_word(&c, "NULLS") && token_at(&c, 1)) {
            c.pos += 2; /* SQLite takes NULLS FIRST/LAST in ORDER BY only */
        } else if (at_word(&c, "COLLATE")) {
            c.pos++;
            if (!sql_skip_qualified_name(&c, &last))
                return translate_unexpected(tr, &c, "COLLATE");
            if (translate_is_sqlite_collation(&c.tokens->items[last])) {
                strbuf_append_str(out, " COLLATE ");
                translate_append_name(out, &c.tokens->items[last]);
            }
        } else if (sql_skip_qualified_name(&c, &last)) { /* operator class */
            if (punct_ahead(&c, 0, '(') && !sql_cursor_skip_group(&c))
                return translate_unexpected(tr, &c, "an operator class");
        } else {
            return translate_unexpected(tr, &c, "an index column");
        }
    }
    return true;
}

static bool add_index(translator *tr, char *sql, int line)
{
    if (!translate_note_memory(tr, sql != NULL))
        return false;
    sqlite_statement *items = translate_grow_array(tr->indexes.items, &tr->index_capacity,
                                                   tr->indexes.count, sizeof *items);
    if (!translate_note_memory(tr, items != NULL)) {
        free(sql);
        return false;
    }
    tr->indexes.items = items;
    items[tr->indexes.count++] = (sqlite_statement){sql, tr->file->display_name, line};
    return true;
}

/* "(columns) [INCLUDE (...)] [NULLS ...] [WITH (...)] [TABLESPACE x] [WHERE p]" at c, onto sql. */
static bool index_elements_and_options(translator *tr, sql_cursor *c, const sql_tokens *tokens,
                                       strbuf *sql)
{
    size_t close = sql_closing_bracket(tokens, c->pos, c->end);
    if (!punct_ahead(c, 0, '(') || close == c->end) {
        translate_unexpected(tr, c, "CREATE INDEX");
        return false;
    }
    for (size_t begin = c->pos + 1; begin < close;) {
        size_t end = sql_next_top_level_comma(tokens, begin, close);
        sql_cursor element = {tokens, begin, end};
        if (begin > c->pos + 1)
            strbuf_append_str(sql, ", ");
        if (!translate_index_element(tr, element, sql))
            return false;
        begin = end + 1;
    }
    strbuf_append_char(sql, ')');
    c->pos = close + 1;
    while (c->pos < c->end) {
        if ((at_word(c, "INCLUDE") || at_word(c, "WITH")) && punct_ahead(c, 1, '(')) {
            c->pos++;
            if (!sql_cursor_skip_group(c))
                break;
        } else if (at_word(c, "NULLS")) {
            c->pos += word_ahead(c, 1, "NOT") ? 3 : 2;
        } else if (at_word(c, "TABLESPACE") && token_at(c, 1)) {
            c->pos += 2;
        } else if (at_word(c, "WHERE")) {
            strbuf_append_str(sql, " WHERE ");
            sql_cursor predicate = {tokens, c->pos + 1, c->end};
            if (!translate_expression(tr, predicate, PLACE_OTHER, sql))
                return false;
            c->pos = c->end;
        } else {
            break;
        }
    }
    if (c->pos < c->end) {
        translate_unexpected(tr, c, "CREATE INDEX");
        return false;
    }
    return true;
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] t
 * [USING method] (columns) [INCLUDE (...)] [NULLS [NOT] DISTINCT]
 * [WITH (...)] [TABLESPACE x] [WHERE predicate]. Indexes of methods other
 * than btree and hash are left out: SQLite could not use them anyway. */
void translate_create_index(translator *tr, const ddl_statement *statement,
                            const sql_tokens *tokens)
{
    sql_cursor c = {tokens, 1, tokens->count};
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "CREATE ");
    if (at_word(&c, "UNIQUE")) {
        strbuf_append_str(&sql, "UNIQUE ");
        c.pos++;
    }
    c.pos++; /* INDEX */
    if (at_word(&c, "CONCURRENTLY"))
        c.pos++;
    strbuf_append_str(&sql, "INDEX ");
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS")) {
        strbuf_append_str(&sql, "IF NOT EXISTS ");
        c.pos += 3;
    }
    const sql_token *index_name = NULL;
    if (!at_word(&c, "ON")) {
        index_name = token_at(&c, 0);
        c.pos++;
    }
    if (!at_word(&c, "ON") || (index_name && !is_identifier_token(index_name))) {
        translate_unexpected(tr, &c, "CREATE INDEX");
        goto done;
    }
    c.pos++;
    if (at_word(&c, "ONLY"))
        c.pos++;
    const sql_token *table_name = here(&c), *bare;
    char *key = translate_read_table_name(tr, &c, &bare);
    if (!key)
        goto done;
    table_build *table = translate_find_table(tr, key);
    if (!table)
        translate_report(tr, table_name,
                         "index is on table \"%s\", which none of the schema files creates", key);
    free(key);
    if (at_word(&c, "USING") && token_at(&c, 1)) {
        if (!word_ahead(&c, 1, "btree") && !word_ahead(&c, 1, "hash"))
            goto done;
        c.pos += 2;
    }
    if (!table)
        goto done;
    if (index_name) {
        translate_append_name(&sql, index_name);
    } else { /* SQLite wants a name: "<table>_idx<n>" */
        const char *bare = table->name + (*table->name == '"');
        strbuf_appendf(&sql, "\"%.*s_idx%zu\"", (int)strcspn(bare, "\""), bare,
                       tr->indexes.count + 1);
    }
    strbuf_appendf(&sql, " ON %s (", table->name);
    if (!index_elements_and_options(tr, &c, tokens, &sql))
        goto done;
    add_index(tr, strbuf_detach(&sql), statement->source->line);
done:
    strbuf_free(&sql);
}
