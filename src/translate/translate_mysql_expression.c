/*
 * translate_mysql_expression.c — names, strings and expressions of MySQL DDL
 * as SQLite reads them: `names` become "names", MySQL's backslash escapes
 * are undone, and the operators and functions the two engines spell
 * differently are respelled. A function SQLite lacks is reported.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "translate_mysql_internal.h"

void my_append_quoted(strbuf *out, const char *name)
{
    strbuf_append_char(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_append_char(out, '"');
        strbuf_append_char(out, *p);
    }
    strbuf_append_char(out, '"');
}

bool my_append_name(my_translator *tr, size_t i, strbuf *out)
{
    char *name = sql_token_identifier(&tr->tokens->items[i]);
    if (!name) {
        tr->out_of_memory = true;
        return false;
    }
    my_append_quoted(out, name);
    free(name);
    return true;
}

/* What a backslash escape stands for in a MySQL string (\% and \_ keep their backslash). */
static const char *unescaped(char c)
{
    switch (c) {
    case '0':
        return "\0";
    case 'b':
        return "\b";
    case 'n':
        return "\n";
    case 'r':
        return "\r";
    case 't':
        return "\t";
    case 'Z':
        return "\x1a";
    case '%':
        return "\\%";
    case '_':
        return "\\_";
    default:
        return NULL;
    }
}

void my_append_string(my_translator *tr, size_t i, strbuf *out)
{
    const sql_token *t = &tr->tokens->items[i];
    char quote = t->start[0];
    strbuf_append_char(out, '\'');
    for (size_t k = 1; k + 1 < t->length; k++) {
        char c = t->start[k];
        if (c == '\\' && k + 2 < t->length) {
            c = t->start[++k];
            const char *as = unescaped(c);
            if (as) { /* \0 gives nothing: SQLite's text holds no NUL */
                strbuf_append_str(out, as);
                continue;
            }
        } else if (c == quote && t->start[k + 1] == quote) {
            k++;
        }
        if (c == '\'')
            strbuf_append_char(out, '\'');
        strbuf_append_char(out, c);
    }
    strbuf_append_char(out, '\'');
}

/* ---- functions ---- */

typedef struct function_map {
    const char *mysql;
    const char *sqlite; /* NULL: a keyword without brackets (CURRENT_TIMESTAMP) */
    const char *keyword;
} function_map;

static const function_map functions[] = {
    {"current_timestamp", NULL, "CURRENT_TIMESTAMP"},
    {"now", NULL, "CURRENT_TIMESTAMP"},
    {"localtimestamp", NULL, "CURRENT_TIMESTAMP"},
    {"localtime", NULL, "CURRENT_TIMESTAMP"},
    {"utc_timestamp", NULL, "CURRENT_TIMESTAMP"},
    {"curdate", NULL, "CURRENT_DATE"},
    {"current_date", NULL, "CURRENT_DATE"},
    {"curtime", NULL, "CURRENT_TIME"},
    {"current_time", NULL, "CURRENT_TIME"},
    {"ucase", "upper", NULL},
    {"lcase", "lower", NULL},
    {"upper", "upper", NULL},
    {"lower", "lower", NULL},
    {"char_length", "length", NULL},
    {"character_length", "length", NULL},
    {"length", "length", NULL},
    {"substr", "substr", NULL},
    {"substring", "substr", NULL},
    {"ifnull", "ifnull", NULL},
    {"coalesce", "coalesce", NULL},
    {"nullif", "nullif", NULL},
    {"abs", "abs", NULL},
    {"round", "round", NULL},
    {"trim", "trim", NULL},
    {"ltrim", "ltrim", NULL},
    {"rtrim", "rtrim", NULL},
    {"replace", "replace", NULL},
    {"instr", "instr", NULL},
    {"hex", "hex", NULL},
    {"json_valid", "json_valid", NULL},
    {"json_extract", "json_extract", NULL},
    {"greatest", "max", NULL},
    {"if", "iif", NULL},
    {"least", "min", NULL},
};

static const function_map *find_function(const sql_token *t)
{
    for (size_t k = 0; k < sizeof functions / sizeof functions[0]; k++) {
        if (sql_token_is(t, functions[k].mysql))
            return &functions[k];
    }
    return NULL;
}

/* Words that stay as they are in an expression. */
static bool is_kept_keyword(const sql_token *t)
{
    static const char *const words[] = {"AND",  "OR",      "NOT",   "IN",     "IS",   "NULL",
                                        "LIKE", "BETWEEN", "CASE",  "WHEN",   "THEN", "ELSE",
                                        "END",  "TRUE",    "FALSE", "ESCAPE", "ASC",  "DESC"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (sql_token_is(t, words[k]))
            return true;
    }
    return false;
}

/* A space before token `i` unless it closes, or follows an opening bracket or a sign. */
static void space_before(my_translator *tr, size_t i, size_t begin, strbuf *out)
{
    const sql_token *t = &tr->tokens->items[i];
    char last = out->length ? out->data[out->length - 1] : '(';
    bool tight = t->kind == SQL_TOKEN_PUNCT && strchr("),.", t->start[0]);
    const sql_token *before = i > begin ? &tr->tokens->items[i - 1] : NULL;
    const sql_token *two_before = i > begin + 1 ? &tr->tokens->items[i - 2] : NULL;
    bool after_sign = before && before->kind == SQL_TOKEN_OPERATOR && before->length == 1 &&
                      strchr("+-", before->start[0]) &&
                      (!two_before || two_before->kind == SQL_TOKEN_OPERATOR ||
                       (two_before->kind == SQL_TOKEN_PUNCT && strchr("(,", two_before->start[0])));
    if (!tight && !after_sign && last != '(' && last != '.' && last != ' ')
        strbuf_append_char(out, ' ');
}

/* CONCAT(a, b, ...) at `i` (the word) as (a || b || ...); returns the index after it. */
static size_t translate_concat(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok)
{
    size_t close = sql_skip_group(tr->tokens, i + 1, end) - 1;
    strbuf_append_char(out, '(');
    size_t begin = i + 2;
    for (size_t k = begin; k <= close;
         k = k < close ? sql_skip_group(tr->tokens, k, close) : close + 1) {
        if (k < close && !punct_at(tr->tokens, k, ','))
            continue;
        if (begin > i + 2)
            strbuf_append_str(out, " || ");
        *ok = *ok && my_translate_expression(tr, begin, k, out);
        begin = k + 1;
    }
    strbuf_append_char(out, ')');
    return close + 1;
}

/* A string with a prefix at `i` (the word): returns the index after the string. */
static size_t translate_prefixed_string(my_translator *tr, size_t i, strbuf *out)
{
    const sql_token *s = &tr->tokens->items[i + 1];
    char prefix = tr->tokens->items[i].start[0];
    if (prefix == 'x' || prefix == 'X') {
        strbuf_append_char(out, 'X');
        strbuf_append(out, s->start, s->length);
    } else if (prefix == 'b' || prefix == 'B') {
        unsigned long long value = 0;
        for (size_t k = 1; k + 1 < s->length; k++)
            value = value * 2 + (s->start[k] == '1');
        strbuf_appendf(out, "%llu", value);
    } else {
        my_append_string(tr, i + 1, out); /* the character set (or N) goes */
    }
    return i + 2;
}

/* A word at `i`: a function call, a keyword, or a column name. Returns the index after it. */
static size_t translate_word(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok)
{
    const sql_token *t = &tr->tokens->items[i];
    bool call = i + 1 < end && punct_at(tr->tokens, i + 1, '(');
    const function_map *f = find_function(t);
    if (i + 1 < end && tr->tokens->items[i + 1].kind == SQL_TOKEN_STRING &&
        (t->start[0] == '_' || (t->length == 1 && strchr("bBxXnN", t->start[0]))))
        return translate_prefixed_string(tr, i, out); /* _utf8mb4'x', N'x', X'1F', b'101' */
    if (is_kept_keyword(t)) {
        for (size_t k = 0; k < t->length; k++)
            strbuf_append_char(out, (char)toupper((unsigned char)t->start[k]));
        return i + 1;
    }
    if (f && !f->sqlite) {
        strbuf_append_str(out, f->keyword);
        return call ? sql_skip_group(tr->tokens, i + 1, end) : i + 1;
    }
    if (call && sql_token_is(t, "concat"))
        return translate_concat(tr, i, end, out, ok);
    if (call && f) {
        strbuf_append_str(out, f->sqlite);
        strbuf_append_char(out, '(');
        return i + 2; /* the '(' written with the name: no space between them */
    }
    if (call) {
        my_report(tr, i, "cannot translate the function %.*s() to SQLite", MY_TOKEN_TEXT(tr, i));
        *ok = false;
        return i + 1;
    }
    if (sql_token_is(t, "DIV") || sql_token_is(t, "MOD")) {
        strbuf_append_str(out, sql_token_is(t, "DIV") ? "/" : "%");
        return i + 1;
    }
    if (sql_token_is(t, "XOR") || sql_token_is(t, "REGEXP") || sql_token_is(t, "RLIKE") ||
        sql_token_is(t, "BINARY") || sql_token_is(t, "INTERVAL")) {
        my_report(tr, i, "cannot translate \"%.*s\" to SQLite", MY_TOKEN_TEXT(tr, i));
        *ok = false;
        return i + 1;
    }
    *ok = *ok && my_append_name(tr, i, out); /* a column (or NEW.x) */
    return i + 1;
}

static void translate_operator(my_translator *tr, size_t i, strbuf *out)
{
    const sql_token *t = &tr->tokens->items[i];
    static const struct {
        const char *mysql, *sqlite;
    } operators[] = {{"&&", "AND"}, {"||", "OR"}, {"!", "NOT"}, {"<=>", "IS"}};
    for (size_t k = 0; k < sizeof operators / sizeof operators[0]; k++) {
        if (t->length == strlen(operators[k].mysql) &&
            memcmp(t->start, operators[k].mysql, t->length) == 0) {
            strbuf_append_str(out, operators[k].sqlite);
            return;
        }
    }
    strbuf_append(out, t->start, t->length);
}

bool my_translate_expression(my_translator *tr, size_t begin, size_t end, strbuf *out)
{
    bool ok = true;
    for (size_t i = begin; i < end;) {
        const sql_token *t = &tr->tokens->items[i];
        space_before(tr, i, begin, out);
        switch (t->kind) {
        case SQL_TOKEN_WORD:
            i = translate_word(tr, i, end, out, &ok);
            continue;
        case SQL_TOKEN_QUOTED_ID:
            ok = ok && my_append_name(tr, i, out);
            break;
        case SQL_TOKEN_STRING:
            my_append_string(tr, i, out);
            break;
        case SQL_TOKEN_OPERATOR:
            translate_operator(tr, i, out);
            break;
        case SQL_TOKEN_PARAMETER:
            my_report(tr, i, "cannot translate \"%.*s\" to SQLite", MY_TOKEN_TEXT(tr, i));
            ok = false;
            break;
        default:
            strbuf_append(out, t->start, t->length);
        }
        i++;
    }
    return ok;
}

bool my_translate_check(my_translator *tr, size_t open, size_t stop, strbuf *out)
{
    bool json_column = stop == open + 6 && word_at(tr->tokens, open + 1, "json_valid") &&
                       punct_at(tr->tokens, open + 2, '(') && is_name_token(tr->tokens, open + 3) &&
                       punct_at(tr->tokens, open + 4, ')');
    if (!json_column)
        return my_translate_expression(tr, open, stop, out);
    strbuf column = STRBUF_INIT;
    bool ok = my_append_name(tr, open + 3, &column);
    if (ok)
        strbuf_appendf(out, TRANSLATE_JSON_CONDITION, strbuf_str(&column));
    strbuf_free(&column);
    return ok;
}
