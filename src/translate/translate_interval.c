/*
 * translate_interval.c — a PostgreSQL interval constant as SQLite date
 * modifiers: '1 day 02:00:00' is ", '+1 days', '+2 hours'". Days, weeks,
 * hours, minutes and seconds have a fixed length in UTC, which is what
 * SQLite's 'now' is, so they move a time stamp exactly as PostgreSQL does.
 * Months and years do not: PostgreSQL stops at the end of a shorter month
 * (January 31 plus a month is February 28), SQLite runs on into March.
 * See translate_expression.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "translate_expression.h"

/* Units SQLite has a modifier for, as PostgreSQL spells them (lower case). */
static const struct {
    const char *names[4];
    const char *modifier;
    int factor;
} interval_units[] = {
    {{"day", "days", NULL}, "days", 1},
    {{"week", "weeks", NULL}, "days", 7},
    {{"hour", "hours", NULL}, "hours", 1},
    {{"minute", "minutes", "min", "mins"}, "minutes", 1},
    {{"second", "seconds", "sec", "secs"}, "seconds", 1},
};

static const char *const calendar_units[] = {"year",  "years",  "mon", "mons",
                                             "month", "months", NULL};

long long translate_read_digits(const char **at, const char *end)
{
    const char *p = *at;
    long long value = 0;
    while (p < end && isdigit((unsigned char)*p) && p - *at < 9)
        value = value * 10 + (*p++ - '0');
    if (p == *at || (p < end && isdigit((unsigned char)*p)))
        return -1;
    *at = p;
    return value;
}

static void append_modifier(strbuf *out, int sign, long long value, const char *fraction,
                            size_t fraction_length, const char *unit)
{
    if (value == 0 && fraction_length == 0)
        return;
    strbuf_appendf(out, ", '%c%lld", sign < 0 ? '-' : '+', value);
    if (fraction_length)
        strbuf_appendf(out, ".%.*s", (int)fraction_length, fraction);
    strbuf_appendf(out, " %s'", unit);
}

/* [+-]H:MM[:SS[.fff]] at [word, end): hours, minutes, seconds. */
static bool read_clock(const char *word, const char *end, int sign, strbuf *out)
{
    const char *p = word;
    if (p < end && (*p == '+' || *p == '-'))
        sign = *p++ == '-' ? -sign : sign;
    long long hours = translate_read_digits(&p, end);
    if (hours < 0 || p >= end || *p++ != ':')
        return false;
    const char *two = p;
    long long minutes = translate_read_digits(&p, end);
    if (minutes < 0 || p - two != 2 || minutes > 59)
        return false;
    long long seconds = 0;
    const char *fraction = NULL;
    size_t fraction_length = 0;
    if (p < end && *p == ':') {
        two = ++p;
        seconds = translate_read_digits(&p, end);
        if (seconds < 0 || p - two != 2 || seconds > 59)
            return false;
        if (p < end && *p == '.') {
            fraction = ++p;
            while (p < end && isdigit((unsigned char)*p))
                p++;
            fraction_length = (size_t)(p - fraction);
            if (fraction_length == 0)
                return false;
        }
    }
    if (p != end)
        return false;
    append_modifier(out, sign, hours, NULL, 0, "hours");
    append_modifier(out, sign, minutes, NULL, 0, "minutes");
    append_modifier(out, sign, seconds, fraction, fraction_length, "seconds");
    return true;
}

/* [+-]N then a unit word: the modifier, or the calendar unit met. */
static interval_reading read_amount(const char *word, const char *word_end, const char *unit,
                                    const char *unit_end, int sign, strbuf *out)
{
    const char *p = word;
    if (p < word_end && (*p == '+' || *p == '-'))
        sign = *p++ == '-' ? -sign : sign;
    long long amount = translate_read_digits(&p, word_end);
    if (amount < 0 || p != word_end)
        return INTERVAL_UNREADABLE;
    size_t length = (size_t)(unit_end - unit);
    if (text_in(unit, length, calendar_units))
        return INTERVAL_CALENDAR;
    for (size_t k = 0; k < sizeof interval_units / sizeof interval_units[0]; k++) {
        for (size_t n = 0; n < 4 && interval_units[k].names[n]; n++) {
            if (text_is(unit, length, interval_units[k].names[n])) {
                append_modifier(out, sign, amount * interval_units[k].factor, NULL, 0,
                                interval_units[k].modifier);
                return INTERVAL_EXACT;
            }
        }
    }
    return INTERVAL_UNREADABLE;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    return p;
}

static const char *word_end(const char *p, const char *end)
{
    while (p < end && *p != ' ')
        p++;
    return p;
}

interval_reading translate_interval_modifiers(const char *text, size_t length, bool negate,
                                              strbuf *out)
{
    if (length < 2 || text[0] != '\'' || text[length - 1] != '\'' ||
        memchr(text + 1, '\'', length - 2))
        return INTERVAL_UNREADABLE;
    const char *p = text + 1;
    const char *end = text + length - 1;
    int sign = negate ? -1 : 1;
    const char *last = end; /* a trailing "ago" turns every part round */
    while (last > p && last[-1] == ' ')
        last--;
    if (last - p >= 4 && text_is(last - 3, 3, "ago") && last[-4] == ' ') {
        sign = -sign;
        end = last - 4;
    }
    p = skip_spaces(p, end);
    if (p == end)
        return INTERVAL_UNREADABLE;
    while (p < end) {
        const char *word = p;
        const char *past = word_end(p, end);
        if (memchr(word, ':', (size_t)(past - word))) {
            if (!read_clock(word, past, sign, out))
                return INTERVAL_UNREADABLE;
            p = skip_spaces(past, end);
            continue;
        }
        const char *unit = skip_spaces(past, end);
        const char *unit_end = word_end(unit, end);
        interval_reading reading = read_amount(word, past, unit, unit_end, sign, out);
        if (reading != INTERVAL_EXACT)
            return reading;
        p = skip_spaces(unit_end, end);
    }
    return INTERVAL_EXACT;
}
