/*
 * ddl_elements.c — reads a CREATE TABLE's column list into elements and
 * constraints with their token ranges (ddl_elements.h). PostgreSQL's
 * grammar of a column definition and a table constraint, as pg_dump and
 * hand-written schemas use it.
 */
#include "ddl_elements.h"

#include <stdlib.h>
#include <string.h>

#include "sqlcursor.h"

/* Words that end a column's type and start one of its constraints. */
static const char *const constraint_words[] = {
    "CONSTRAINT", "NOT",       "NULL",    "DEFAULT",     "PRIMARY", "UNIQUE", "CHECK",
    "REFERENCES", "GENERATED", "COLLATE", "COMPRESSION", "STORAGE", NULL};

/* Words that start a table constraint instead of a column. */
static const char *const table_constraint_words[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                                     "CHECK",      "EXCLUDE", NULL};

/* What reads one constraint: tokens, where it is, its end, and the first problem. */
typedef struct reader {
    const sql_tokens *t;
    size_t i;
    size_t end;
    ddl_element *element;
} reader;

static bool word(const reader *r, size_t ahead, const char *w)
{
    return r->i + ahead < r->end && word_at(r->t, r->i + ahead, w);
}

static bool punct(const reader *r, size_t ahead, char c)
{
    return r->i + ahead < r->end && punct_at(r->t, r->i + ahead, c);
}

/* Moves `n` tokens on, never past the end. */
static void advance(reader *r, size_t n)
{
    r->i = r->i + n < r->end ? r->i + n : r->end;
}

/* Notes the first thing the reader could not read. */
static void expect(reader *r, const char *what)
{
    if (!r->element->expected) {
        r->element->expected = what;
        r->element->error_at = r->i < r->end ? r->i : r->end;
    }
}

/* At '(': `inside` gets the group without its brackets and the reader moves past it. */
static bool read_group(reader *r, sql_range *inside, const char *what)
{
    if (!punct(r, 0, '(')) {
        expect(r, what);
        return false;
    }
    size_t close = sql_closing_bracket(r->t, r->i, r->end);
    if (close == r->end) {
        expect(r, "a closing bracket");
        inside->begin = r->i + 1;
        inside->end = r->i = r->end;
        return false;
    }
    inside->begin = r->i + 1;
    inside->end = close;
    r->i = close + 1;
    return true;
}

/* The first of `words` at bracket depth 0 in [from, end) after at least
 * `min` tokens, or `end`. */
static size_t next_word_in(const sql_tokens *t, size_t from, size_t end, size_t min,
                           const char *const *words, bool deferral)
{
    for (size_t i = from; i < end; i = sql_skip_group(t, i, end)) {
        const sql_token *token = &t->items[i];
        if (i >= from + min &&
            (word_token_in(token, words) ||
             (deferral && (sql_token_is(token, "DEFERRABLE") || sql_token_is(token, "INITIALLY")))))
            return i;
    }
    return end;
}

/* ON DELETE / ON UPDATE action [(columns)] at the reader. */
static void read_referential_action(reader *r)
{
    r->i += 2;
    if (word(r, 0, "NO") || (word(r, 0, "SET") && (word(r, 1, "NULL") || word(r, 1, "DEFAULT"))))
        advance(r, 2);
    else if (word(r, 0, "CASCADE") || word(r, 0, "RESTRICT"))
        r->i++;
    else
        expect(r, "a referential action");
    if (punct(r, 0, '(')) {
        sql_range ignored;
        read_group(r, &ignored, "a column list");
    }
}

/* The options after a constraint. */
static void read_options(reader *r, ddl_constraint *c)
{
    c->options.begin = r->i;
    while (r->i < r->end) {
        if (word(r, 0, "MATCH") || (word(r, 0, "INITIALLY")) ||
            (word(r, 0, "NOT") && (word(r, 1, "DEFERRABLE") || word(r, 1, "VALID"))) ||
            (word(r, 0, "NO") && word(r, 1, "INHERIT"))) {
            advance(r, 2);
        } else if (word(r, 0, "ON") && (word(r, 1, "DELETE") || word(r, 1, "UPDATE"))) {
            read_referential_action(r);
        } else if (word(r, 0, "DEFERRABLE")) {
            r->i++;
        } else if ((word(r, 0, "INCLUDE") || word(r, 0, "WITH")) && punct(r, 1, '(')) {
            sql_range ignored;
            r->i++;
            read_group(r, &ignored, "a bracketed list");
        } else if (word(r, 0, "USING") && word(r, 1, "INDEX") && word(r, 2, "TABLESPACE") &&
                   r->i + 3 < r->end) {
            r->i += 4;
        } else {
            break;
        }
    }
    c->options.end = r->i;
}

/* REFERENCES table [(columns)], at REFERENCES. */
static void read_references(reader *r, ddl_constraint *c)
{
    c->kind = DDL_CONSTRAINT_FOREIGN_KEY;
    r->i++;
    sql_cursor name = {r->t, r->i, r->end};
    size_t last;
    c->target.begin = r->i;
    if (!sql_skip_qualified_name(&name, &last)) {
        expect(r, "a table name after REFERENCES");
        c->target.end = r->i;
        return;
    }
    r->i = c->target.end = name.pos;
    c->target_columns.begin = c->target_columns.end = r->i;
    if (punct(r, 0, '('))
        read_group(r, &c->target_columns, "a column list");
}

/* GENERATED ALWAYS AS (expr) [STORED] or GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(...)]. */
static void read_generated(reader *r, ddl_constraint *c)
{
    size_t as = word(r, 1, "ALWAYS") ? 2 : word(r, 1, "BY") && word(r, 2, "DEFAULT") ? 3 : 0;
    c->kind = DDL_CONSTRAINT_GENERATED;
    if (!as || !word(r, as, "AS")) {
        r->i++;
        expect(r, "ALWAYS AS or BY DEFAULT AS after GENERATED");
        return;
    }
    r->i += as + 1;
    if (word(r, 0, "IDENTITY")) {
        c->kind = DDL_CONSTRAINT_IDENTITY;
        r->i++;
        c->expr.begin = c->expr.end = r->i;
        if (punct(r, 0, '('))
            read_group(r, &c->expr, "sequence options");
        return;
    }
    if (read_group(r, &c->expr, "IDENTITY or a bracketed expression after GENERATED ... AS") &&
        word(r, 0, "STORED"))
        r->i++;
}

/* PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK, EXCLUDE at the reader (after CONSTRAINT name). */
static bool read_key(reader *r, ddl_constraint *c)
{
    if (word(r, 0, "PRIMARY") && word(r, 1, "KEY")) {
        c->kind = DDL_CONSTRAINT_PRIMARY_KEY;
        r->i += 2;
    } else if (word(r, 0, "UNIQUE")) {
        c->kind = DDL_CONSTRAINT_UNIQUE;
        r->i++;
        if (word(r, 0, "NULLS")) /* NULLS [NOT] DISTINCT */
            advance(r, word(r, 1, "NOT") ? 3 : 2);
    } else if (word(r, 0, "FOREIGN") && word(r, 1, "KEY")) {
        r->i += 2;
        read_group(r, &c->columns, "a column list after FOREIGN KEY");
        if (word(r, 0, "REFERENCES"))
            read_references(r, c);
        else
            expect(r, "REFERENCES");
        c->kind = DDL_CONSTRAINT_FOREIGN_KEY;
        return true;
    } else if (word(r, 0, "REFERENCES")) {
        read_references(r, c);
        return true;
    } else if (word(r, 0, "CHECK")) {
        c->kind = DDL_CONSTRAINT_CHECK;
        r->i++;
        read_group(r, &c->expr, "a bracketed expression after CHECK");
        return true;
    } else if (word(r, 0, "EXCLUDE")) {
        c->kind = DDL_CONSTRAINT_EXCLUDE;
        r->i = r->end;
        return true;
    } else {
        return false;
    }
    c->columns.begin = c->columns.end = r->i;
    if (punct(r, 0, '('))
        read_group(r, &c->columns, "a column list");
    return true;
}

/* The body of a column constraint that is not a key: NOT NULL, DEFAULT... */
static void read_column_constraint(reader *r, ddl_constraint *c)
{
    if (word(r, 0, "NOT") && word(r, 1, "NULL")) {
        c->kind = DDL_CONSTRAINT_NOT_NULL;
        r->i += 2;
    } else if (word(r, 0, "NULL")) {
        c->kind = DDL_CONSTRAINT_NULL;
        r->i++;
    } else if (word(r, 0, "DEFAULT")) {
        c->kind = DDL_CONSTRAINT_DEFAULT;
        c->expr.begin = ++r->i;
        c->expr.end = r->i = next_word_in(r->t, r->i, r->end, 1, constraint_words, true);
        if (c->expr.begin == c->expr.end)
            expect(r, "an expression after DEFAULT");
    } else if (word(r, 0, "GENERATED")) {
        read_generated(r, c);
    } else if (word(r, 0, "COLLATE")) {
        c->kind = DDL_CONSTRAINT_COLLATE;
        sql_cursor name = {r->t, ++r->i, r->end};
        size_t last;
        c->expr.begin = r->i;
        if (sql_skip_qualified_name(&name, &last))
            r->i = name.pos;
        else
            expect(r, "a collation name after COLLATE");
        c->expr.end = r->i;
    } else if ((word(r, 0, "STORAGE") || word(r, 0, "COMPRESSION")) && r->i + 1 < r->end) {
        c->kind = DDL_CONSTRAINT_STORAGE;
        c->expr.begin = r->i + 1;
        c->expr.end = r->i += 2;
    } else {
        c->kind = DDL_CONSTRAINT_OTHER;
        expect(r, "a column constraint");
        r->i = sql_skip_group(r->t, r->i, r->end);
    }
}

/* One constraint at the reader; moves the reader past it (at least one token). */
static void read_constraint(reader *r, ddl_constraint *c)
{
    memset(c, 0, sizeof *c);
    c->range.begin = r->i;
    c->name = DDL_NO_TOKEN;
    if (word(r, 0, "CONSTRAINT")) {
        r->i++;
        if (r->i < r->end && is_name_token(r->t, r->i))
            c->name = r->i++;
        else
            expect(r, "a constraint name");
    }
    c->keyword = r->i;
    if (r->i >= r->end) {
        c->kind = DDL_CONSTRAINT_OTHER;
        expect(r, "a constraint after CONSTRAINT name");
    } else if (!read_key(r, c)) {
        read_column_constraint(r, c);
    }
    if (c->kind == DDL_CONSTRAINT_PRIMARY_KEY || c->kind == DDL_CONSTRAINT_UNIQUE ||
        c->kind == DDL_CONSTRAINT_FOREIGN_KEY || c->kind == DDL_CONSTRAINT_CHECK)
        read_options(r, c);
    else
        c->options.begin = c->options.end = r->i;
    c->range.end = r->i;
}

static ddl_constraint *add_constraint(ddl_element *e)
{
    ddl_constraint *grown = realloc(e->constraints, (e->constraint_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    e->constraints = grown;
    return &grown[e->constraint_count++];
}

int ddl_read_element(const sql_tokens *t, size_t begin, size_t end, ddl_element *out)
{
    memset(out, 0, sizeof *out);
    out->range = (sql_range){begin, end};
    out->name = DDL_NO_TOKEN;
    out->error_at = end;
    reader r = {t, begin, end, out};
    if (begin >= end) {
        out->kind = DDL_ELEMENT_EMPTY;
        expect(&r, "a column or a constraint");
        return 0;
    }
    if (word_at(t, begin, "LIKE")) {
        out->kind = DDL_ELEMENT_LIKE;
        return 0;
    }
    bool table_level = word_token_in(&t->items[begin], table_constraint_words);
    if (!table_level && !is_name_token(t, begin)) {
        out->kind = DDL_ELEMENT_OTHER;
        expect(&r, "a column name");
        return 0;
    }
    out->kind = table_level ? DDL_ELEMENT_CONSTRAINT : DDL_ELEMENT_COLUMN;
    if (!table_level) {
        out->name = begin;
        out->type =
            (sql_range){begin + 1, next_word_in(t, begin + 1, end, 0, constraint_words, false)};
        if (out->type.begin == out->type.end) {
            r.i = out->type.end;
            expect(&r, "a column type");
        }
        r.i = out->type.end;
    }
    while (r.i < end) {
        ddl_constraint *c = add_constraint(out);
        if (!c)
            return -1;
        read_constraint(&r, c);
        if (table_level)
            break;
    }
    if (table_level && r.i < end)
        expect(&r, "the end of the constraint");
    return 0;
}

int ddl_read_elements(const sql_tokens *t, size_t open, size_t close, ddl_elements *out)
{
    memset(out, 0, sizeof *out);
    out->open = open;
    out->close = close;
    size_t count = 1;
    for (size_t i = open + 1; i < close; i = sql_skip_group(t, i, close))
        count += punct_at(t, i, ',');
    if (open + 1 == close)
        count = 0; /* () */
    out->items = calloc(count ? count : 1, sizeof *out->items);
    if (!out->items)
        return -1;
    for (size_t begin = open + 1; out->count < count;) {
        size_t end = sql_next_top_level_comma(t, begin, close);
        if (ddl_read_element(t, begin, end, &out->items[out->count++]) < 0)
            return -1;
        begin = end + 1;
    }
    return 0;
}

void ddl_element_free(ddl_element *element)
{
    free(element->constraints);
    memset(element, 0, sizeof *element);
}

void ddl_elements_free(ddl_elements *elements)
{
    for (size_t i = 0; i < elements->count; i++)
        ddl_element_free(&elements->items[i]);
    free(elements->items);
    memset(elements, 0, sizeof *elements);
}

const ddl_constraint *ddl_element_constraint(const ddl_element *element, ddl_constraint_kind kind)
{
    for (size_t i = 0; i < element->constraint_count; i++)
        if (element->constraints[i].kind == kind)
            return &element->constraints[i];
    return NULL;
}

bool ddl_range_calls_nextval(const sql_tokens *t, sql_range range)
{
    for (size_t i = range.begin; i < range.end; i++)
        if (word_at(t, i, "nextval") && punct_at(t, i + 1, '('))
            return true;
    return false;
}
