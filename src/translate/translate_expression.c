/*
 * translate_expression.c — translates one PostgreSQL expression (a default,
 * a CHECK, a generated column, an index column or predicate) to SQLite, in
 * three steps: read the tokens into pieces, dropping casts, collations SQLite
 * lacks and pg_catalog qualifiers, with strings in SQLite's one form; rewrite
 * the forms SQLite spells differently (translate_rewrite.c); then check that
 * every piece means the same in SQLite, reporting what does not, and write
 * the pieces out.
 */
#include "translate_expression.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- word lists ---------------------------------------------------------- */

/* Reserved words that are keywords of an expression, so never quoted there. */
static const char *const expression_keywords[] = {
    "ALL",    "AND",  "AS",   "BETWEEN", "CASE",   "COLLATE", "DISTINCT", "ELSE", "ESCAPE",
    "EXISTS", "FROM", "IN",   "IS",      "ISNULL", "NOT",     "NOTNULL",  "NULL", "OR",
    "SELECT", "THEN", "WHEN", "END",     "LIKE",   "GLOB",    NULL};

/* Words a '(' may follow without being a function call. */
static const char *const words_before_parenthesis[] = {
    "AND",  "OR",    "NOT", "IN",     "IS",  "EXISTS", "CASE", "WHEN",  "THEN",   "ELSE", "BETWEEN",
    "LIKE", "ILIKE", "AS",  "ESCAPE", "ANY", "SOME",   "ALL",  "ARRAY", "VALUES", NULL};

/* Functions that mean the same in SQLite as in PostgreSQL. */
static const char *const shared_functions[] = {"abs",    "cast",      "coalesce", "length", "lower",
                                               "ltrim",  "nullif",    "replace",  "round",  "rtrim",
                                               "substr", "substring", "trim",     "upper",  NULL};

/* PostgreSQL operators SQLite has with the same meaning. */
static const char *const shared_operators[] = {
    "||", "*",  "/", "%",  "+", "-",  "<<", ">>", "&",   "|",
    "<",  "<=", ">", ">=", "=", "<>", "!=", "->", "->>", NULL};

/* Words a PostgreSQL type name may go on with after its first word. */
static const char *const type_continuation_words[] = {
    "varying", "precision", "with", "without", "time",   "zone", "year",
    "month",   "day",       "hour", "minute",  "second", "to",   NULL};

/* ---- pieces -------------------------------------------------------------- */

static void expression_free(expression *ex)
{
    for (size_t i = 0; i < ex->owned_count; i++)
        free(ex->owned[i]);
    free(ex->owned);
    free(ex->items);
}

bool translate_push_piece(expression *ex, sql_token_kind kind, const char *text, size_t length,
                          const sql_token *origin)
{
    piece *items = translate_grow_array(ex->items, &ex->capacity, ex->count, sizeof *items);
    if (!items)
        return false;
    ex->items = items;
    items[ex->count++] = (piece){.kind = kind, .text = text, .length = length, .origin = origin};
    return true;
}

bool translate_push_copy(expression *ex, const piece *p)
{
    if (!translate_push_piece(ex, p->kind, p->text, p->length, p->origin))
        return false;
    piece *copy = &ex->items[ex->count - 1];
    copy->cast = p->cast;
    copy->cast_origin = p->cast_origin;
    copy->moment = p->moment;
    return true;
}

bool translate_push_word(expression *ex, const char *word, const sql_token *origin)
{
    return translate_push_piece(ex, SQL_TOKEN_WORD, word, strlen(word), origin);
}

bool translate_push_owned(expression *ex, sql_token_kind kind, char *text, const sql_token *origin)
{
    char **owned =
        translate_grow_array(ex->owned, &ex->owned_capacity, ex->owned_count, sizeof *owned);
    if (!owned) {
        free(text);
        return false;
    }
    ex->owned = owned;
    owned[ex->owned_count++] = text;
    return translate_push_piece(ex, kind, text, strlen(text), origin);
}

bool translate_piece_is_call(const expression *ex, size_t i)
{
    if (i >= ex->count)
        return false;
    const piece *p = &ex->items[i];
    return piece_is_punct(ex, i + 1, '(') &&
           (p->kind == SQL_TOKEN_QUOTED_ID ||
            (p->kind == SQL_TOKEN_WORD && !text_in(p->text, p->length, words_before_parenthesis)));
}

bool translate_piece_is_keyword(const expression *ex, size_t i)
{
    if (i >= ex->count)
        return false;
    const piece *p = &ex->items[i];
    return p->kind == SQL_TOKEN_WORD && (text_in(p->text, p->length, expression_keywords) ||
                                         text_in(p->text, p->length, words_before_parenthesis));
}

size_t translate_closing_piece(const expression *ex, size_t open)
{
    int depth = 0;
    for (size_t i = open; i < ex->count; i++) {
        if (piece_is_punct(ex, i, '(') || piece_is_punct(ex, i, '['))
            depth++;
        else if ((piece_is_punct(ex, i, ')') || piece_is_punct(ex, i, ']')) && --depth == 0)
            return i;
    }
    return ex->count;
}

/* ---- reading ------------------------------------------------------------- */

cast_kind translate_cast_kind_of(const char *name)
{
    static const char *const integers[] = {"integer", "int",    "int2",     "int4",
                                           "int8",    "bigint", "smallint", NULL};
    if (strcmp(name, "date") == 0)
        return CAST_DATE;
    if (strcmp(name, "time") == 0 || strcmp(name, "timetz") == 0)
        return CAST_TIME;
    if (strcmp(name, "timestamp") == 0 || strcmp(name, "timestamptz") == 0)
        return CAST_TIMESTAMP;
    if (strcmp(name, "interval") == 0)
        return CAST_INTERVAL;
    for (size_t i = 0; integers[i]; i++)
        if (strcmp(name, integers[i]) == 0)
            return CAST_INTEGER;
    return CAST_OTHER;
}

/* Moves past the type after "::" (a name, more words of a multi-word type,
 * "(n)" modifiers, "[]"), noting its first word. False when none is there. */
static bool skip_cast_type(sql_cursor *c, const sql_token *cast, expression *ex)
{
    size_t last;
    if (!sql_skip_qualified_name(c, &last))
        return false;
    const sql_token *name = &c->tokens->items[last];
    const char *text = name->start;
    size_t length = name->length;
    if (name->kind == SQL_TOKEN_QUOTED_ID && length >= 2) {
        text++;
        length -= 2;
    }
    size_t n = length < sizeof ex->last_cast - 1 ? length : sizeof ex->last_cast - 1;
    for (size_t i = 0; i < n; i++)
        ex->last_cast[i] = (char)tolower((unsigned char)text[i]);
    ex->last_cast[n] = '\0';
    cast_kind kind = translate_cast_kind_of(ex->last_cast);
    for (;;) {
        const sql_token *t = token_at(c, 0);
        if (t && is_punct(t, '['))
            kind = CAST_OTHER; /* an array of the type */
        if (t && (is_punct(t, '(') || is_punct(t, '['))) {
            if (!sql_cursor_skip_group(c))
                return false;
        } else if (t && word_token_in(t, type_continuation_words)) {
            c->pos++;
        } else {
            if (ex->count > 0) {
                ex->items[ex->count - 1].cast = kind;
                ex->items[ex->count - 1].cast_origin = cast;
            }
            return true;
        }
    }
}

/* E'...' and $$...$$ strings become '...' strings; false after a report
 * (B'...', X'...', U&'...' and escapes other than \\ \' \n \t \r are
 * refused) or when memory ran out. */
static bool push_plain_string(translator *tr, expression *ex, const sql_token *t)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_char(&sb, '\'');
    if (t->start[0] == '$') {
        size_t tag = 1;
        while (tag < t->length && t->start[tag] != '$')
            tag++;
        tag++;
        for (size_t i = tag; i + tag < t->length; i++) {
            if (t->start[i] == '\'')
                strbuf_append_char(&sb, '\'');
            strbuf_append_char(&sb, t->start[i]);
        }
    } else if ((t->start[0] == 'E' || t->start[0] == 'e') && t->length >= 3 &&
               t->start[1] == '\'') {
        for (size_t i = 2; i + 1 < t->length; i++) {
            char ch = t->start[i];
            if (ch != '\\') {
                strbuf_append_char(&sb, ch);
                continue;
            }
            char next = t->start[++i];
            const char *plain = next == '\\'   ? "\\"
                                : next == '\'' ? "''"
                                : next == 'n'  ? "\n"
                                : next == 't'  ? "\t"
                                : next == 'r'  ? "\r"
                                               : NULL;
            if (!plain) {
                strbuf_free(&sb);
                translate_report(tr, t, "cannot translate the escape \"\\%c\" in %.*s to SQLite",
                                 next, (int)t->length, t->start);
                return false;
            }
            strbuf_append_str(&sb, plain);
        }
    } else {
        strbuf_free(&sb);
        translate_report(tr, t, "cannot translate the string %.*s to SQLite", (int)t->length,
                         t->start);
        return false;
    }
    strbuf_append_char(&sb, '\'');
    char *text = strbuf_detach(&sb);
    return translate_note_memory(tr, text && translate_push_owned(ex, SQL_TOKEN_STRING, text, t));
}

/* First step: the tokens without casts, without collations SQLite lacks,
 * without a pg_catalog qualifier, with strings in SQLite's one form. */
static bool collect_pieces(translator *tr, sql_cursor c, expression *ex)
{
    while (c.pos < c.end) {
        const sql_token *t = token_at(&c, 0);
        if (t->kind == SQL_TOKEN_OPERATOR && text_is(t->start, t->length, "::")) {
            c.pos++;
            if (!skip_cast_type(&c, t, ex))
                return translate_unexpected(tr, &c, "a cast");
            continue;
        }
        if (sql_token_is(t, "COLLATE")) {
            c.pos++;
            size_t last;
            if (!sql_skip_qualified_name(&c, &last))
                return translate_unexpected(tr, &c, "a COLLATE clause");
            const sql_token *collation = &c.tokens->items[last];
            if (translate_is_sqlite_collation(collation) &&
                !translate_note_memory(
                    tr, translate_push_piece(ex, t->kind, t->start, t->length, t) &&
                            translate_push_piece(ex, collation->kind, collation->start,
                                                 collation->length, collation)))
                return false;
            continue;
        }
        const sql_token *next = token_at(&c, 1);
        if (next && next->kind == SQL_TOKEN_STRING && next->start[0] == '\'' &&
            (sql_token_is(t, "interval") || sql_token_is(t, "date") ||
             sql_token_is(t, "timestamp"))) { /* interval '1 day': a typed literal */
            c.pos += 2;
            if (!translate_note_memory(
                    tr, translate_push_piece(ex, next->kind, next->start, next->length, next)))
                return false;
            ex->items[ex->count - 1].cast = sql_token_is(t, "interval") ? CAST_INTERVAL
                                            : sql_token_is(t, "date")   ? CAST_DATE
                                                                        : CAST_TIMESTAMP;
            ex->items[ex->count - 1].cast_origin = t;
            continue;
        }
        if (sql_token_is(t, "pg_catalog") && punct_ahead(&c, 1, '.')) {
            c.pos += 2;
            continue;
        }
        c.pos++;
        if (t->kind == SQL_TOKEN_STRING && t->start[0] != '\'') {
            if (!push_plain_string(tr, ex, t))
                return false;
        } else if (!translate_note_memory(
                       tr, translate_push_piece(ex, t->kind, t->start, t->length, t))) {
            return false;
        }
    }
    return true;
}

/* ---- checking and writing ------------------------------------------------ */

/* Whether a space goes between piece i-1 and piece i. */
static bool space_before(const expression *ex, size_t i)
{
    if (i == 0)
        return false;
    const piece *prev = &ex->items[i - 1];
    if (piece_is_punct(ex, i, ')') || piece_is_punct(ex, i, ',') || piece_is_punct(ex, i, '.') ||
        piece_is_punct(ex, i, ']') || piece_is_punct(ex, i - 1, '(') ||
        piece_is_punct(ex, i - 1, '.') || piece_is_punct(ex, i - 1, '['))
        return false;
    if (piece_is_punct(ex, i, '(') || piece_is_punct(ex, i, '['))
        return !(prev->kind == SQL_TOKEN_QUOTED_ID ||
                 (prev->kind == SQL_TOKEN_WORD &&
                  !text_in(prev->text, prev->length, words_before_parenthesis)));
    /* a sign right after an operator, '(' , ',' or keyword sticks to its operand */
    if (prev->kind == SQL_TOKEN_OPERATOR &&
        (text_is(prev->text, prev->length, "-") || text_is(prev->text, prev->length, "+"))) {
        if (i == 1)
            return false;
        const piece *before = &ex->items[i - 2];
        if (before->kind == SQL_TOKEN_OPERATOR || piece_is_punct(ex, i - 2, '(') ||
            piece_is_punct(ex, i - 2, ',') ||
            (before->kind == SQL_TOKEN_WORD &&
             text_in(before->text, before->length, words_before_parenthesis)))
            return false;
    }
    return true;
}

/* Reports a piece SQLite has no counterpart for; true when it is fine. */
static bool check_piece(translator *tr, const expression *ex, size_t i)
{
    static const char *const foreign_words[] = {
        "ARRAY",           "ANY",          "SOME", "ALL",          "SIMILAR",
        "CURRENT_USER",    "SESSION_USER", "USER", "CURRENT_ROLE", "CURRENT_SCHEMA",
        "CURRENT_CATALOG", "OVERLAPS",     NULL};
    const piece *p = &ex->items[i];
    int length = (int)p->length;
    switch (p->kind) {
    case SQL_TOKEN_QUOTED_ID: /* pg_dump quotes function names that are keywords: "left"(x, 2) */
        if (piece_is_punct(ex, i + 1, '(') && p->length >= 2 &&
            !text_in(p->text + 1, p->length - 2, shared_functions)) {
            translate_report(tr, p->origin, "cannot translate function \"%.*s()\" to SQLite",
                             length - 2, p->text + 1);
            return false;
        }
        return true;
    case SQL_TOKEN_WORD:
        if (piece_is_punct(ex, i + 1, '(') &&
            !text_in(p->text, p->length, words_before_parenthesis)) {
            if (i >= 2 && piece_is_punct(ex, i - 1, '.')) {
                const piece *schema = &ex->items[i - 2];
                translate_report(tr, schema->origin,
                                 "cannot translate function \"%.*s.%.*s()\" to SQLite",
                                 (int)schema->length, schema->text, length, p->text);
                return false;
            }
            if (!text_in(p->text, p->length, shared_functions)) {
                translate_report(tr, p->origin, "cannot translate function \"%.*s()\" to SQLite",
                                 length, p->text);
                return false;
            }
        } else if (text_in(p->text, p->length, foreign_words) ||
                   (piece_is(ex, i, "AT") && piece_is(ex, i + 1, "TIME"))) {
            translate_report(tr, p->origin, "cannot translate \"%.*s\" to SQLite", length, p->text);
            return false;
        }
        return true;
    case SQL_TOKEN_OPERATOR:
        if (text_in(p->text, p->length, shared_operators))
            return true;
        translate_report(tr, p->origin, "cannot translate operator \"%.*s\" to SQLite", length,
                         p->text);
        return false;
    case SQL_TOKEN_PUNCT:
        if (p->text[0] == '[' || p->text[0] == ']' || p->text[0] == ';') {
            translate_report(tr, p->origin,
                             "cannot translate \"%.*s\" (an array subscript) to SQLite", length,
                             p->text);
            return false;
        }
        return true;
    case SQL_TOKEN_PARAMETER:
        translate_report(tr, p->origin, "cannot translate parameter \"%.*s\" to SQLite", length,
                         p->text);
        return false;
    default:
        return true;
    }
}

/* Last step: checks every piece and writes the expression. */
static bool emit_pieces(translator *tr, const expression *ex, strbuf *out)
{
    for (size_t i = 0; i < ex->count; i++) {
        if (!check_piece(tr, ex, i))
            return false;
        const piece *p = &ex->items[i];
        if (space_before(ex, i))
            strbuf_append_char(out, ' ');
        bool quote = p->kind == SQL_TOKEN_WORD &&
                     text_in(p->text, p->length, sqlite_reserved_words) &&
                     !text_in(p->text, p->length, expression_keywords);
        if (quote)
            strbuf_append_char(out, '"');
        strbuf_append(out, p->text, p->length);
        if (quote)
            strbuf_append_char(out, '"');
    }
    return true;
}

static bool is_literal(const piece *p)
{
    static const char *const literals[] = {
        "TRUE", "FALSE", "NULL", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", NULL};
    return p->kind == SQL_TOKEN_STRING || p->kind == SQL_TOKEN_NUMBER ||
           (p->kind == SQL_TOKEN_WORD && text_in(p->text, p->length, literals));
}

/* True when the expression needs no parentheses after DEFAULT: a literal,
 * or already one parenthesised whole. */
static bool is_plain_default(const expression *ex)
{
    if (ex->count == 1)
        return is_literal(&ex->items[0]);
    return piece_is_punct(ex, 0, '(') && translate_closing_piece(ex, 0) == ex->count - 1;
}

/* Translates the tokens in `c` into `out`, a value assigned to a column of
 * type `assigned_to` when that is not CAST_NONE; false after a report. */
static bool translate_assigned(translator *tr, sql_cursor c, expression_place place,
                               cast_kind assigned_to, strbuf *out)
{
    expression ex = {.table = tr->scope_table, .column = tr->scope_column};
    bool ok = collect_pieces(tr, c, &ex);
    if (ok && place == PLACE_DEFAULT)
        ok = translate_note_memory(tr, translate_rewrite_now_literal(&ex));
    ok = ok && translate_rewrite_pieces(tr, &ex) && translate_rewrite_datetime(tr, &ex);
    if (ok && assigned_to != CAST_NONE)
        ok = translate_assign_datetime(tr, &ex, assigned_to, c);
    if (ok && place == PLACE_DEFAULT && ex.count == 3 && piece_is_punct(&ex, 0, '(') &&
        is_literal(&ex.items[1]) && piece_is_punct(&ex, 2, ')')) {
        ex.items[0] = ex.items[1]; /* (now() AT TIME ZONE 'utc') is just CURRENT_TIMESTAMP */
        ex.count = 1;
    }
    if (ok && ex.count == 0)
        ok = translate_unexpected(tr, &c, "an expression");
    bool wrap = ok && place == PLACE_DEFAULT && !is_plain_default(&ex);
    if (wrap)
        strbuf_append_char(out, '(');
    ok = ok && emit_pieces(tr, &ex, out);
    if (wrap)
        strbuf_append_char(out, ')');
    expression_free(&ex);
    return ok;
}

bool translate_expression(translator *tr, sql_cursor c, expression_place place, strbuf *out)
{
    return translate_assigned(tr, c, place, CAST_NONE, out);
}

bool translate_default_expression(translator *tr, sql_cursor c, cast_kind column_type, strbuf *out)
{
    return translate_assigned(tr, c, PLACE_DEFAULT, column_type, out);
}

/* At '(': appends prefix "(" expression ")" and moves past the ')'. */
bool translate_parenthesized(translator *tr, sql_cursor *c, const char *prefix, strbuf *out)
{
    if (!punct_ahead(c, 0, '('))
        return translate_unexpected(tr, c, prefix);
    size_t close = sql_closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return translate_unexpected(tr, c, prefix);
    strbuf_append_str(out, prefix);
    strbuf_append_char(out, '(');
    sql_cursor inner = {c->tokens, c->pos + 1, close};
    if (!translate_expression(tr, inner, PLACE_OTHER, out))
        return false;
    strbuf_append_char(out, ')');
    c->pos = close + 1;
    return true;
}
