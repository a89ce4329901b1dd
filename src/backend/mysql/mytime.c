/*
 * mytime.c — fixture timestamps with a UTC offset, on MySQL/MariaDB. See myload.h.
 *
 * PostgreSQL writes a timestamptz as "2024-03-01 08:12:44+00" (COPY, pg_dump,
 * the CSV fixtures of a PostgreSQL project); MariaDB's DATETIME and TIMESTAMP
 * take no offset at all (MySQL 8 only "+HH:MM"). Such a value is stored as the
 * same instant in UTC without its offset, which is how Django (USE_TZ) stores
 * aware datetimes on MySQL.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "myload.h"

/* `count` digits at *p as a number (advances *p); -1 when they are not all digits. */
static int digits(const char **p, const char *end, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++, (*p)++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return -1;
        value = value * 10 + (**p - '0');
    }
    return value;
}

/* "+HH", "+HHMM", "+HH:MM", "-…" or "Z" from p to end: the offset in seconds east; false if not
 * one. */
static bool read_offset(const char *p, const char *end, long *seconds)
{
    if (end - p == 1 && *p == 'Z') {
        *seconds = 0;
        return true;
    }
    if (p >= end || (*p != '+' && *p != '-'))
        return false;
    int sign = *p++ == '-' ? -1 : 1;
    int hours = digits(&p, end, 2), minutes = 0;
    if (p < end && *p == ':')
        p++;
    if (p < end)
        minutes = digits(&p, end, 2);
    if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59 || p != end)
        return false;
    *seconds = sign * (hours * 3600L + minutes * 60L);
    return true;
}

bool my_time_to_utc(const char *value, size_t length, char *out, size_t size)
{
    const char *p = value, *end = value + length;
    struct tm tm = {0};
    int year = digits(&p, end, 4);
    bool date = year >= 0 && p < end && *p++ == '-';
    tm.tm_mon = date ? digits(&p, end, 2) - 1 : -1;
    date = date && tm.tm_mon >= 0 && p < end && *p++ == '-';
    tm.tm_mday = date ? digits(&p, end, 2) : -1;
    date = date && tm.tm_mday > 0 && p < end && (*p == ' ' || *p == 'T') && ++p;
    tm.tm_hour = date ? digits(&p, end, 2) : -1;
    date = date && tm.tm_hour >= 0 && p < end && *p++ == ':';
    tm.tm_min = date ? digits(&p, end, 2) : -1;
    date = date && tm.tm_min >= 0 && p < end && *p++ == ':';
    tm.tm_sec = date ? digits(&p, end, 2) : -1;
    if (!date || tm.tm_sec < 0)
        return false;
    const char *fraction = p;
    if (p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p); p++)
            ;
    size_t fraction_length = (size_t)(p - fraction);
    long offset;
    if (!read_offset(p, end, &offset) || fraction_length > 7)
        return false;
    tm.tm_year = year - 1900;
    time_t utc = timegm(&tm) - offset;
    struct tm shifted;
    if (!gmtime_r(&utc, &shifted))
        return false;
    int written = snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d%.*s", shifted.tm_year + 1900,
                           shifted.tm_mon + 1, shifted.tm_mday, shifted.tm_hour, shifted.tm_min,
                           shifted.tm_sec, (int)fraction_length, fraction);
    return written > 0 && (size_t)written < size;
}
