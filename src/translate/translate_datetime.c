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
#include <stdio.h>
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
    cast_kind type;      /* VALUE_NOW, VALUE_DATETIME: its PostgreSQL type (CAST_OTHER: text) */
    bool start_of_day;   /* VALUE_NOW: a date made a time stamp, so its midnight */
    bool cast_changed;   /* a cast made it a value SQLite's text of it is not */
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

static cast_kind moment_type(moment_kind moment)
{
    return moment == MOMENT_DATE ? CAST_DATE : moment == MOMENT_TIME ? CAST_TIME : CAST_TIMESTAMP;
}

/* The date/time type of a value, or CAST_NONE when it is not one. */
static cast_kind date_time_type(const operand *v)
{
    if (v->kind == VALUE_INTERVAL)
        return CAST_INTERVAL;
    if ((v->kind == VALUE_NOW || v->kind == VALUE_DATETIME) && is_date_time_cast(v->type))
        return v->type;
    return CAST_NONE;
}

/* The PostgreSQL type of the column that piece p names, or CAST_NONE. */
static cast_kind column_type(const expression *ex, const piece *p)
{
    if ((p->kind != SQL_TOKEN_WORD && p->kind != SQL_TOKEN_QUOTED_ID) || !p->origin ||
        p->text != p->origin->start || p->length != p->origin->length)
        return CAST_NONE;
    char *folded = sql_token_identifier(p->origin);
    cast_kind type = CAST_NONE;
    if (folded && ex->column && ex->column->folded && strcmp(ex->column->folded, folded) == 0)
        type = ex->column->pg_type;
    for (size_t i = 0; folded && type == CAST_NONE && ex->table && i < ex->table->column_count; i++)
        if (strcmp(ex->table->columns[i].folded, folded) == 0)
            type = ex->table->columns[i].pg_type;
    free(folded);
    return type;
}

static bool read_days(const char *text, size_t length, long long *days)
{
    const char *at = text + (length && (text[0] == '-' || text[0] == '+'));
    long long value = translate_read_digits(&at, text + length);
    if (value < 0 || at != text + length)
        return false;
    *days = text[0] == '-' ? -value : value;
    return true;
}

/* One piece, the cast on it included (a column's type when it names one). */
static void classify_piece(const expression *ex, const piece *p, operand *v)
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
    } else if (p->kind == SQL_TOKEN_WORD || p->kind == SQL_TOKEN_QUOTED_ID) {
        v->type = column_type(ex, p);
        if (is_date_time_cast(v->type))
            v->kind = VALUE_DATETIME;
        return;
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
            v->kind = VALUE_DATETIME, v->type = p->cast;
        if (v->kind == VALUE_NOW)
            v->type = moment_type(v->moment);
        return;
    }
    if (v->kind == VALUE_NOW)
        v->type = moment_type(v->moment);
}

/* What a cast does to a value read without it. */
static void apply_cast(cast_kind cast, operand *v)
{
    if (cast == CAST_NONE)
        return;
    v->cast_changed = false;
    if (v->kind == VALUE_NOW && cast == CAST_DATE && v->moment != MOMENT_TIME) {
        v->moment = MOMENT_DATE;
    } else if (v->kind == VALUE_NOW && cast == CAST_TIME && v->moment != MOMENT_DATE) {
        v->moment = MOMENT_TIME;
    } else if (v->kind == VALUE_NOW && cast == CAST_TIMESTAMP && v->moment != MOMENT_TIME) {
        v->start_of_day |= v->moment == MOMENT_DATE; /* CURRENT_DATE::timestamp: midnight */
        v->moment = MOMENT_TIMESTAMP;
    } else if (v->kind == VALUE_DATETIME && cast == v->type) {
        ; /* a date/time column cast to its own type */
    } else if (is_date_time_cast(cast) || is_date_time(v->kind)) {
        v->kind = VALUE_DATETIME; /* x::date, now()::text, CURRENT_TIME::timestamp... */
        v->type = is_date_time_cast(cast) ? cast : CAST_OTHER;
        v->cast_changed = true;
    } else {
        v->kind = VALUE_PLAIN;
    }
    if (v->kind == VALUE_NOW)
        v->type = moment_type(v->moment);
}

/* The modifiers of moment `v` after 'now', appended to `mods`. */
static void append_moment_mods(strbuf *mods, const operand *v)
{
    strbuf_append(mods, v->mods, v->mods_length);
    if (v->start_of_day)
        strbuf_append_str(mods, ", 'start of day'");
}

/* Pieces [begin, end): one piece, or a parenthesised group. */
static void classify(const expression *ex, size_t begin, size_t end, operand *v)
{
    *v = (operand){.begin = begin, .end = end};
    const piece *last = &ex->items[end - 1];
    if (end - begin == 1) {
        classify_piece(ex, last, v);
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
        if (last->kind == SQL_TOKEN_STRING || last->kind == SQL_TOKEN_NUMBER)
            return; /* x + '1 day'::interval: the cast is the constant's alone */
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
                append_moment_mods(&mods, &v);
            }
        } else if ((piece_is(ex, i, "+") || piece_is(ex, i, "-")) && i > 0 &&
                   ends_operand(ex, i - 1) && i + 1 < ex->count) {
            classify(ex, operand_begin(ex, i), i, &left);
            classify(ex, i + 1, operand_end(ex, i + 1), &right);
            bool minus = piece_is(ex, i, "-");
            const operand *now = left.kind == VALUE_NOW ? &left : !minus ? &right : NULL;
            const operand *by = now == &left ? &right : &left;
            if (now && now->kind == VALUE_NOW && stands_alone(ex, left.begin, right.end)) {
                append_moment_mods(&mods, now);
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

/* Reports pieces [begin, end) as `what` SQLite cannot have, quoting their
 * source text (at most 60 bytes), then `why` ("" or ": ..."). */
static void report_span(translator *tr, const expression *ex, size_t begin, size_t end,
                        const sql_token *at, const char *what, const char *why)
{
    const piece *last = &ex->items[end - 1];
    const sql_token *last_token = last->origin;
    if (last->cast_origin && last->cast_origin > last_token)
        last_token = last->cast_origin + (last->cast_origin->kind == SQL_TOKEN_OPERATOR);
    const char *start = ex->items[begin].origin->start;
    const char *stop = last_token->start + last_token->length;
    int length = stop > start ? (int)(stop - start) : 0;
    if (length > 60)
        translate_report(tr, at, "cannot translate %s \"%.57s...\" to SQLite%s", what, start, why);
    else
        translate_report(tr, at, "cannot translate %s \"%.*s\" to SQLite%s", what, length, start,
                         why);
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

static const char *const type_names[] = {"",           "", "", "a date", "a time", "a time stamp",
                                         "an interval"};

/* Reports a comparison at piece i SQLite's text would decide otherwise:
 * of two date/time values of different types (a date's text sorts before
 * its midnight's), or of intervals (whose text does not sort by length). */
static bool check_comparison(translator *tr, const expression *ex, size_t i)
{
    static const char *const comparisons[] = {"<", "<=", ">", ">=", "=", "<>", "!=", NULL};
    const piece *p = &ex->items[i];
    if (p->kind != SQL_TOKEN_OPERATOR || !text_in(p->text, p->length, comparisons) || i == 0 ||
        i + 1 == ex->count || !ends_operand(ex, i - 1))
        return true;
    operand left, right;
    classify(ex, operand_begin(ex, i), i, &left);
    classify(ex, i + 1, operand_end(ex, i + 1), &right);
    cast_kind a = date_time_type(&left), b = date_time_type(&right);
    if (a == CAST_NONE || b == CAST_NONE || (a == b && a != CAST_INTERVAL))
        return true;
    char why[96];
    if (a == b)
        snprintf(why, sizeof why, ": SQLite would compare the intervals' text");
    else
        snprintf(why, sizeof why, ": SQLite would compare %s's text with %s's", type_names[a],
                 type_names[b]);
    report_span(tr, ex, left.begin, right.end, p->origin, "the comparison", why);
    return false;
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
            if (v.kind == VALUE_DATETIME && v.cast_changed) {
                report_span(tr, ex, begin, i + 1, p->cast_origin, "the date/time cast", "");
                return false;
            }
        }
        if (!check_comparison(tr, ex, i))
            return false;
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
        report_span(tr, ex, begin, end, p->origin, "date/time arithmetic", "");
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

/* Replaces the string constant [begin, end) with `function`(constant). */
static bool wrap_constant(expression *ex, size_t begin, size_t end, const char *function)
{
    const piece *constant = &ex->items[end - 1];
    char *text = strbuf_format("%s(%.*s)", function, (int)constant->length, constant->text);
    const sql_token *origin = constant->origin;
    if (!text || !translate_push_owned(ex, SQL_TOKEN_WORD, text, origin))
        return false;
    piece written = ex->items[--ex->count];
    ex->items[begin] = written;
    memmove(&ex->items[begin + 1], &ex->items[end], (ex->count - end) * sizeof *ex->items);
    ex->count -= end - begin - 1;
    return true;
}

bool translate_assign_datetime(translator *tr, expression *ex, cast_kind column_type,
                               sql_cursor source)
{
    if (ex->count == 0 || column_type == CAST_NONE)
        return true;
    operand v;
    classify(ex, 0, ex->count, &v);
    cast_kind from = date_time_type(&v);
    if (from == CAST_NONE || from == column_type || v.kind == VALUE_INTERVAL)
        return true;
    bool to_date_time =
        column_type == CAST_DATE || column_type == CAST_TIME || column_type == CAST_TIMESTAMP;
    moment_kind moment = column_type == CAST_DATE   ? MOMENT_DATE
                         : column_type == CAST_TIME ? MOMENT_TIME
                                                    : MOMENT_TIMESTAMP;
    char why[128];
    if (!to_date_time && from == CAST_DATE)
        return true; /* a date's text is the same in both */
    if (!to_date_time)
        snprintf(why, sizeof why,
                 ": PostgreSQL would store its text, with fractional seconds and time zone");
    else if (from == CAST_TIME || (from == CAST_DATE && column_type == CAST_TIME))
        snprintf(why, sizeof why, ": PostgreSQL does not assign %s to %s column", type_names[from],
                 type_names[column_type]);
    else if (v.kind == VALUE_NOW) { /* a time stamp's date or time of day, a date's midnight */
        strbuf mods = STRBUF_INIT;
        append_moment_mods(&mods, &v);
        if (from == CAST_DATE)
            strbuf_append_str(&mods, ", 'start of day'");
        bool ok = !mods.failed && replace_with_moment(ex, v.begin, v.end, moment, &mods);
        strbuf_free(&mods);
        return translate_note_memory(tr, ok);
    } else if (v.kind == VALUE_DATETIME && !v.cast_changed && v.end - v.begin == 1) {
        const char *function = from == CAST_DATE          ? "datetime"
                               : column_type == CAST_DATE ? "date"
                                                          : NULL;
        if (function)
            return translate_note_memory(tr, wrap_constant(ex, v.begin, v.end, function));
        snprintf(why, sizeof why, ": SQLite's time() would drop its fractional seconds");
    } else {
        return true;
    }
    char *text = sql_tokens_text(source.tokens, source.pos, source.end);
    if (!translate_note_memory(tr, text != NULL))
        return false;
    translate_report(tr, here(&source), "cannot translate the default \"%.60s\" to SQLite%s", text,
                     why);
    free(text);
    return false;
}
