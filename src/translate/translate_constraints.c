/*
 * translate_constraints.c — translates PostgreSQL constraints, at column or
 * table level, to SQLite: PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY and
 * REFERENCES with their actions and deferral; index storage, NOT VALID and
 * MATCH are dropped, EXCLUDE is refused.
 */
#include "strbuf.h"
#include "translate_expression.h"
#include "translate_sqlite_internal.h"

/* At '(': appends `open` then the column names and ")" ; moves past it. */
static bool translate_column_list(translator *tr, sql_cursor *c, const char *open, strbuf *out)
{
    if (!punct_ahead(c, 0, '('))
        return translate_unexpected(tr, c, "a column list");
    size_t close = sql_closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return translate_unexpected(tr, c, "a column list");
    strbuf_append_str(out, open);
    for (size_t i = c->pos + 1; i < close; i++) {
        const sql_token *t = &c->tokens->items[i];
        if (is_punct(t, ','))
            strbuf_append_str(out, ", ");
        else if (is_identifier_token(t))
            translate_append_name(out, t);
        else {
            sql_cursor at = {c->tokens, i, close};
            return translate_unexpected(tr, &at, "a column list");
        }
    }
    strbuf_append_char(out, ')');
    c->pos = close + 1;
    return true;
}

/* ON DELETE/UPDATE action: appended as written; SET NULL (columns) refused. */
static bool translate_referential_action(translator *tr, sql_cursor *c, strbuf *out)
{
    strbuf_appendf(out, " ON %s", at_word(c, "DELETE") ? "DELETE" : "UPDATE");
    c->pos++;
    static const char *const actions[][2] = {{"NO", "ACTION"},
                                             {"SET", "NULL"},
                                             {"SET", "DEFAULT"},
                                             {"CASCADE", NULL},
                                             {"RESTRICT", NULL}};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        if (!at_word(c, actions[i][0]) || (actions[i][1] && !word_ahead(c, 1, actions[i][1])))
            continue;
        strbuf_appendf(out, " %s%s%s", actions[i][0], actions[i][1] ? " " : "",
                       actions[i][1] ? actions[i][1] : "");
        c->pos += actions[i][1] ? 2 : 1;
        if (punct_ahead(c, 0, '(')) {
            translate_report(tr, here(c), "cannot translate \"%s %s\" with a column list to SQLite",
                             actions[i][0], actions[i][1] ? actions[i][1] : "");
            return false;
        }
        return true;
    }
    return translate_unexpected(tr, c, "a referential action");
}

/* REFERENCES [schema.]table [(columns)]: the table without its schema. */
static bool translate_references(translator *tr, sql_cursor *c, strbuf *out)
{
    c->pos++;
    size_t last;
    if (!sql_skip_qualified_name(c, &last))
        return translate_unexpected(tr, c, "REFERENCES");
    strbuf_append_str(out, " REFERENCES ");
    translate_append_name(out, &c->tokens->items[last]);
    return !punct_ahead(c, 0, '(') || translate_column_list(tr, c, "(", out);
}

/* What may follow a constraint. Foreign keys keep their actions and
 * deferral; index storage, NOT VALID, NO INHERIT and MATCH are dropped.
 * At column level an unknown word ends the constraint; at table level it is
 * an error. */
static bool translate_constraint_options(translator *tr, sql_cursor *c, bool column_level,
                                         bool foreign, strbuf *out)
{
    int deferrable = 0; /* 1 DEFERRABLE, -1 NOT DEFERRABLE */
    int initially = 0;  /* 1 DEFERRED, -1 IMMEDIATE */
    while (c->pos < c->end) {
        if (at_word(c, "MATCH")) {
            c->pos += 2;
        } else if (at_word(c, "ON") && (word_ahead(c, 1, "DELETE") || word_ahead(c, 1, "UPDATE"))) {
            c->pos++;
            if (!translate_referential_action(tr, c, out))
                return false;
        } else if (at_word(c, "DEFERRABLE")) {
            deferrable = 1;
            c->pos++;
        } else if (at_word(c, "NOT") && word_ahead(c, 1, "DEFERRABLE")) {
            deferrable = -1;
            c->pos += 2;
        } else if (at_word(c, "INITIALLY") &&
                   (word_ahead(c, 1, "DEFERRED") || word_ahead(c, 1, "IMMEDIATE"))) {
            initially = word_ahead(c, 1, "DEFERRED") ? 1 : -1;
            c->pos += 2;
        } else if ((at_word(c, "NOT") && word_ahead(c, 1, "VALID")) ||
                   (at_word(c, "NO") && word_ahead(c, 1, "INHERIT"))) {
            c->pos += 2;
        } else if ((at_word(c, "INCLUDE") || at_word(c, "WITH")) && punct_ahead(c, 1, '(')) {
            c->pos++;
            if (!sql_cursor_skip_group(c))
                return translate_unexpected(tr, c, "a constraint");
        } else if (at_word(c, "USING") && word_ahead(c, 1, "INDEX") &&
                   word_ahead(c, 2, "TABLESPACE") && token_at(c, 3)) {
            c->pos += 4;
        } else if (column_level) {
            break;
        } else {
            return translate_unexpected(tr, c, "a constraint");
        }
    }
    /* SQLite knows deferral only for foreign keys, and spells it fully */
    if (foreign && initially == 1 && deferrable != -1)
        strbuf_append_str(out, " DEFERRABLE INITIALLY DEFERRED");
    else if (foreign && deferrable == 1)
        strbuf_append_str(out, initially == -1 ? " DEFERRABLE INITIALLY IMMEDIATE" : " DEFERRABLE");
    else if (foreign && deferrable == -1)
        strbuf_append_str(out, " NOT DEFERRABLE");
    return true;
}

/* One constraint, column or table level, appended after a space. */
bool translate_constraint(translator *tr, sql_cursor *c, bool column_level, strbuf *out)
{
    if (at_word(c, "CONSTRAINT")) {
        const sql_token *name = token_at(c, 1);
        if (!name || !is_identifier_token(name)) {
            c->pos++;
            return translate_unexpected(tr, c, "a constraint name");
        }
        strbuf_append_str(out, " CONSTRAINT ");
        translate_append_name(out, name);
        c->pos += 2;
    }
    bool foreign = false;
    if (at_word(c, "PRIMARY") && word_ahead(c, 1, "KEY")) {
        strbuf_append_str(out, " PRIMARY KEY");
        c->pos += 2;
        if (punct_ahead(c, 0, '(') && !translate_column_list(tr, c, " (", out))
            return false;
    } else if (at_word(c, "UNIQUE")) {
        strbuf_append_str(out, " UNIQUE");
        c->pos++;
        if (at_word(c, "NULLS")) /* NULLS [NOT] DISTINCT: SQLite's NULLs are distinct */
            c->pos += word_ahead(c, 1, "NOT") ? 3 : 2;
        if (punct_ahead(c, 0, '(') && !translate_column_list(tr, c, " (", out))
            return false;
    } else if (at_word(c, "CHECK")) {
        c->pos++;
        if (!translate_parenthesized(tr, c, " CHECK ", out))
            return false;
    } else if (at_word(c, "FOREIGN") && word_ahead(c, 1, "KEY")) {
        c->pos += 2;
        if (!translate_column_list(tr, c, " FOREIGN KEY (", out))
            return false;
        if (!at_word(c, "REFERENCES"))
            return translate_unexpected(tr, c, "a FOREIGN KEY constraint");
        if (!translate_references(tr, c, out))
            return false;
        foreign = true;
    } else if (at_word(c, "REFERENCES")) {
        if (!translate_references(tr, c, out))
            return false;
        foreign = true;
    } else if (at_word(c, "EXCLUDE")) {
        translate_report(tr, here(c), "cannot translate \"EXCLUDE\" constraint to SQLite");
        return false;
    } else {
        return translate_unexpected(tr, c, "a constraint");
    }
    return translate_constraint_options(tr, c, column_level, foreign, out);
}
