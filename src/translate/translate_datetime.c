/*
 * translate_datetime.c — the third step of the expression translator:
 * date/time arithmetic and casts. SQLite's dates and times are text, so
 * CURRENT_TIMESTAMP - '01:00:00' would compute a number, and the casts the
 * first step dropped would have changed the value: (now())::date is a date.
 * What maps exactly onto SQLite's date functions is written with them: the
 * current time stamp moved by days, hours, minutes and seconds becomes
 * datetime('now', '-1 hours'), CURRENT_DATE moved by whole days
 * date('now', '+7 days'), the current time stamp cast to date or time
 * CURRENT_DATE or CURRENT_TIME. Their 'now' is UTC, as CURRENT_TIMESTAMP,
 * which now() becomes, is. Any other arithmetic on a date/time value, or
 * cast of one, is reported: SQLite would compute another value.
 */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "translate_expression.h"

typedef enum value_kind {
    VALUE_PLAIN,    /* nothing known to be a date or a time */
    VALUE_DAYS,     /* an integer constant: days, next to a date */
    VALUE_INTERVAL, /* an interval constant */
    VALUE_NOW,      /* the current moment, maybe moved: a function of 'now' and modifiers */
    VALUE_DATETIME, /* another date/time value: no arithmetic on it translates */
} value_kind;

/* Pieces [begin, end) of the expression and what they hold. */
typedef struct operand {
    size_t begin, end;
    value_kind kind;
    moment_kind moment; /* VALUE_NOW */
    const char *mods;   /* VALUE_NOW: its modifiers (", '+1 days'"), not owned */
    size_t mods_length;
    long long days;      /* VALUE_DAYS */
    const piece *string; /* VALUE_INTERVAL: the constant */
} operand;

static bool is_date_time_cast(cast_kind cast)
{
    return cast == CAST_DATE || cast == CAST_TIME || cast == CAST_TIMESTAMP ||
           cast == CAST_INTERVAL;
}

static bool is_date_time(value_kind kind)
{
    return kind == VALUE_INTERVAL || kind == VALUE_NOW || kind == VALUE_DATETIME;
}

static bool read_days(const char *text, size_t length, long long *days)
{
    size_t i = length && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    if (i == length || length - i > 9)
        return false;
    long long value = 0;
    for (size_t k = i; k < length; k++) {
        if (text[k] < '0' || text[k] > '9')
            return false;
        value = value * 10 + (text[k] - '0');
    }
    *days = text[0] == '-' ? -value : value;
    return true;
}

/* One piece, the cast on it included. */
static void classify_piece(const piece *p, operand *v)
{
    v->kind = VALUE_PLAIN;
    if (p->moment != MOMENT_NONE) {
        const char *now = strstr(p->text, "'now'") + 5;
        v->kind = VALUE_NOW;
        v->moment = p->moment;
        v->mods = now;
        v->mods_length = (size_t)(p->text + p->length - 1 - now);
    } else if (p->kind == SQL_TOKEN_WORD && (text_is(p->text, p->length, "CURRENT_TIMESTAMP") ||
                                             text_is(p->text, p->length, "CURRENT_DATE") ||
                                             text_is(p->text, p->length, "CURRENT_TIME"))) {
        v->kind = VALUE_NOW;
        v->moment = p->length == 17                               ? MOMENT_TIMESTAMP
                    : text_is(p->text, p->length, "CURRENT_DATE") ? MOMENT_DATE
                                                                  : MOMENT_TIME;
        v->mods = "";
        v->mods_length = 0;
    } else if (p->kind == SQL_TOKEN_NUMBER && p->cast == CAST_NONE) {
        if (read_days(p->text, p->length, &v->days))
            v->kind = VALUE_DAYS;
        return;
    } else if (p->kind == SQL_TOKEN_STRING) {
        if (p->cast == CAST_INTEGER && p->length >= 2 &&
            read_days(p->text + 1, p->length - 2, &v->days))
            v->kind = VALUE_DAYS;
        else if (p->cast == CAST_INTERVAL)
            v->kind = VALUE_INTERVAL, v->string = p;
        else if (is_date_time_cast(p->cast) && text_is(p->text, p->length, "'now'"))
            v->kind = VALUE_NOW, v->mods = "", v->mods_length = 0,
            v->moment = p->cast == CAST_DATE   ? MOMENT_DATE
                        : p->cast == CAST_TIME ? MOMENT_TIME
                                               : MOMENT_TIMESTAMP;
        else if (is_date_time_cast(p->cast))
            v->kind = VALUE_DATETIME;
        return;
    }
}

/* What a cast does to a value read without it. */
static void apply_cast(cast_kind cast, operand *v)
{
    if (cast == CAST_NONE)
        return;
    if (v->kind == VALUE_NOW && cast == CAST_DATE && v->moment != MOMENT_TIME)
        v->moment = MOMENT_DATE;
    else if (v->kind == VALUE_NOW && cast == CAST_TIME && v->moment != MOMENT_DATE)
        v->moment = MOMENT_TIME;
    else if (v->kind == VALUE_NOW && cast == CAST_TIMESTAMP && v->moment == MOMENT_TIMESTAMP)
        ;
    else if (is_date_time_cast(cast) || is_date_time(v->kind))
        v->kind = VALUE_DATETIME; /* CURRENT_DATE::timestamp, x::date, now()::text... */
    else
        v->kind = VALUE_PLAIN;
}

/* Pieces [begin, end): one piece, or a parenthesised group. */
static void classify(const expression *ex, size_t begin, size_t end, operand *v)
{
    *v = (operand){.begin = begin, .end = end};
    const piece *last = &ex->items[end - 1];
    if (end - begin == 1) {
        classify_piece(last, v);
        if (last->kind != SQL_TOKEN_STRING && last->kind != SQL_TOKEN_NUMBER)
            apply_cast(last->cast, v);
        return;
    }
    if (piece_is_punct(ex, begin, '(') && translate_closing_piece(ex, begin) == end - 1 &&
        end - begin > 2) {
        classify(ex, begin + 1, end - 1, v);
        v->begin = begin;
        v->end = end;
    } else {
        v->kind = VALUE_PLAIN;
    }
    apply_cast(last->cast, v);
}

/* The operand ending just before `end` (a piece, a group, a call). */
static size_t operand_begin(const expression *ex, size_t end)
{
    size_t last = end - 1;
    if (!piece_is_punct(ex, last, ')') && !piece_is_punct(ex, last, ']'))
        return last;
    int depth = 0;
    for (size_t k = end; k-- > 0;) {
        if (piece_is_punct(ex, k, ')') || piece_is_punct(ex, k, ']'))
            depth++;
        else if ((piece_is_punct(ex, k, '(') || piece_is_punct(ex, k, '[')) && --depth == 0)
            return k > 0 && translate_piece_is_call(ex, k - 1) ? k - 1 : k;
    }
    return 0;
}

/* The operand starting at `begin`, past its end. */
static size_t operand_end(const expression *ex, size_t begin)
{
    size_t close = begin;
    if (piece_is_punct(ex, begin, '('))
        close = translate_closing_piece(ex, begin);
    else if (translate_piece_is_call(ex, begin))
        close = translate_closing_piece(ex, begin + 1);
    return close < ex->count ? close + 1 : ex->count;
}

/* Whether piece i can end an operand, making an operator after it binary. */
static bool ends_operand(const expression *ex, size_t i)
{
    const piece *p = &ex->items[i];
    if (p->kind == SQL_TOKEN_OPERATOR)
        return false;
    if (p->kind == SQL_TOKEN_PUNCT)
        return piece_is_punct(ex, i, ')') || piece_is_punct(ex, i, ']');
    return !translate_piece_is_keyword(ex, i);
}

static bool is_arithmetic(const expression *ex, size_t i)
{
    static const char *const operators[] = {"+", "-", "*", "/", "%", "^", NULL};
    return ex->items[i].kind == SQL_TOKEN_OPERATOR &&
           text_in(ex->items[i].text, ex->items[i].length, operators);
}

/* Whether operands [begin, end) of an operator bind to it alone: nothing
 * that binds tighter (or, before it, as tightly) stands beside them. */
static bool stands_alone(const expression *ex, size_t begin, size_t end)
{
    if (begin > 0 && is_arithmetic(ex, begin - 1))
        return false;
    if (end < ex->count && is_arithmetic(ex, end) && !piece_is(ex, end, "+") &&
        !piece_is(ex, end, "-"))
        return false;
    return !(piece_is(ex, end, "AT") || piece_is_punct(ex, end, '['));
}

/* Replaces pieces [begin, end) with the moment `func('now' mods)`. */
static bool replace_with_moment(expression *ex, size_t begin, size_t end, moment_kind moment,
                                const strbuf *mods)
{
    static const char *const keywords[] = {"", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"};
    static const char *const functions[] = {"", "datetime", "date", "time"};
    const sql_token *origin = ex->items[begin].origin;
    piece written = {.kind = SQL_TOKEN_WORD, .origin = origin};
    if (mods->length == 0) {
        written.text = keywords[moment];
    } else {
        char *text = strbuf_format("%s('now'%s)", functions[moment], strbuf_str(mods));
        if (!text || !translate_push_owned(ex, SQL_TOKEN_WORD, text, origin))
            return false;
        written = ex->items[--ex->count]; /* the text is the expression's now */
        written.moment = moment;
    }
    written.length = strlen(written.text);
    ex->items[begin] = written;
    memmove(&ex->items[begin + 1], &ex->items[end], (ex->count - end) * sizeof *ex->items);
    ex->count -= end - begin - 1;
    return true;
}

/* One cast of the current moment or one sum or difference of it with an
 * interval or days, rewritten; 1 when one was, 0 when none is there, -1
 * when memory ran out. */
static int rewrite_one(expression *ex)
{
    for (size_t i = 0; i < ex->count; i++) {
        operand v, left, right;
        strbuf mods = STRBUF_INIT;
        moment_kind moment = MOMENT_NONE;
        size_t begin = 0, end = 0;
        if (is_date_time_cast(ex->items[i].cast) && ex->items[i].kind != SQL_TOKEN_STRING) {
            classify(ex, operand_begin(ex, i + 1), i + 1, &v);
            if (v.kind == VALUE_NOW) {
                begin = v.begin, end = v.end, moment = v.moment;
                strbuf_append(&mods, v.mods, v.mods_length);
            }
        } else if ((piece_is(ex, i, "+") || piece_is(ex, i, "-")) && i > 0 &&
                   ends_operand(ex, i - 1) && i + 1 < ex->count) {
            classify(ex, operand_begin(ex, i), i, &left);
            classify(ex, i + 1, operand_end(ex, i + 1), &right);
            bool minus = piece_is(ex, i, "-");
            const operand *now = left.kind == VALUE_NOW ? &left : !minus ? &right : NULL;
            const operand *by = now == &left ? &right : &left;
            if (now && now->kind == VALUE_NOW && stands_alone(ex, left.begin, right.end)) {
                strbuf_append(&mods, now->mods, now->mods_length);
                if (now->moment == MOMENT_TIMESTAMP && by->kind == VALUE_INTERVAL &&
                    translate_interval_modifiers(by->string->text, by->string->length, minus,
                                                 &mods) == INTERVAL_EXACT) {
                    moment = MOMENT_TIMESTAMP;
                } else if (now->moment == MOMENT_DATE && by->kind == VALUE_DAYS) {
                    strbuf_appendf(&mods, ", '%+lld days'", minus ? -by->days : by->days);
                    moment = MOMENT_DATE;
                } else if (now->moment == MOMENT_DATE && by->kind == VALUE_INTERVAL) {
                    strbuf_append_str(&mods, ", 'start of day'"); /* a date's midnight */
                    if (translate_interval_modifiers(by->string->text, by->string->length, minus,
                                                     &mods) == INTERVAL_EXACT)
                        moment = MOMENT_TIMESTAMP;
                }
                begin = left.begin, end = right.end;
            }
        }
        if (moment != MOMENT_NONE) {
            bool ok = !mods.failed && replace_with_moment(ex, begin, end, moment, &mods);
            strbuf_free(&mods);
            return ok ? 1 : -1;
        }
        strbuf_free(&mods);
    }
    return 0;
}

/* The source text of pieces [begin, end), for a message (at most 60 bytes). */
static void report_span(translator *tr, const expression *ex, size_t begin, size_t end,
                        const sql_token *at, const char *what)
{
    const piece *last = &ex->items[end - 1];
    const sql_token *last_token = last->origin;
    if (last->cast_origin && last->cast_origin > last_token)
        last_token = last->cast_origin + (last->cast_origin->kind == SQL_TOKEN_OPERATOR);
    const char *start = ex->items[begin].origin->start;
    const char *stop = last_token->start + last_token->length;
    int length = stop > start ? (int)(stop - start) : 0;
    if (length > 60)
        translate_report(tr, at, "cannot translate %s \"%.57s...\" to SQLite", what, start);
    else
        translate_report(tr, at, "cannot translate %s \"%.*s\" to SQLite", what, length, start);
}

/* Reports an interval constant of arithmetic SQLite would do otherwise. */
static bool check_interval(translator *tr, const operand *v)
{
    if (v->kind != VALUE_INTERVAL)
        return true;
    strbuf scratch = STRBUF_INIT;
    interval_reading reading =
        translate_interval_modifiers(v->string->text, v->string->length, false, &scratch);
    strbuf_free(&scratch);
    if (reading == INTERVAL_CALENDAR)
        translate_report(tr, v->string->origin,
                         "cannot translate interval %.*s to SQLite: SQLite adds months and "
                         "years past the end of a shorter month (January 31 + 1 month is "
                         "March 3 there, February 28 in PostgreSQL)",
                         (int)v->string->length, v->string->text);
    else if (reading == INTERVAL_UNREADABLE)
        translate_report(tr, v->string->origin, "cannot translate interval %.*s to SQLite",
                         (int)v->string->length, v->string->text);
    return reading == INTERVAL_EXACT;
}

/* Reports what is left: arithmetic on a date/time value, a cast of one. */
static bool check_left_over(translator *tr, const expression *ex)
{
    for (size_t i = 0; i < ex->count; i++) {
        const piece *p = &ex->items[i];
        operand v;
        if (p->cast != CAST_NONE && p->kind != SQL_TOKEN_STRING && p->kind != SQL_TOKEN_NUMBER) {
            size_t begin = operand_begin(ex, i + 1);
            classify(ex, begin, i + 1, &v);
            if (v.kind == VALUE_DATETIME) {
                report_span(tr, ex, begin, i + 1, p->cast_origin, "the date/time cast");
                return false;
            }
        }
        if (!is_arithmetic(ex, i) || i + 1 == ex->count)
            continue;
        operand left = {.kind = VALUE_PLAIN}, right;
        size_t begin = i;
        if (i > 0 && ends_operand(ex, i - 1)) {
            begin = operand_begin(ex, i);
            classify(ex, begin, i, &left);
        }
        classify(ex, i + 1, operand_end(ex, i + 1), &right);
        if (!is_date_time(left.kind) && !is_date_time(right.kind))
            continue;
        if (!check_interval(tr, &left) || !check_interval(tr, &right))
            return false;
        size_t end = right.end; /* the whole of what binds tighter than the operator */
        while (end + 1 < ex->count && is_arithmetic(ex, end) && !stands_alone(ex, begin, end))
            end = operand_end(ex, end + 1);
        report_span(tr, ex, begin, end, p->origin, "date/time arithmetic");
        return false;
    }
    return true;
}

bool translate_rewrite_datetime(translator *tr, expression *ex)
{
    int rewritten;
    while ((rewritten = rewrite_one(ex)) == 1)
        ;
    if (rewritten < 0)
        return translate_note_memory(tr, false);
    return check_left_over(tr, ex);
}
