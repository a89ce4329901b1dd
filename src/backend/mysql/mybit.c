/*
 * mybit.c — fixture text for a BIT(n) column, on MySQL/MariaDB. See myload.h.
 *
 * LOAD DATA and a quoted INSERT value hand a BIT column the string's bytes:
 * "1" is 0x31, out of range for BIT(1), the usual boolean of JPA/Hibernate
 * schemas. So the text is read here as the number it means and sent as a
 * number: true/false, a decimal number, b'0101' or 0b0101, 0x1f or x'1f'.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "myload.h"

/* Digit `c` in `base` (2, 10 or 16), or -1. */
static int digit_value(char c, int base)
{
    int v = isdigit((unsigned char)c)                  ? c - '0'
            : base == 16 && isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10
                                                       : -1;
    return v < base ? v : -1;
}

/* The digits from p to end in `base`, into *out; false when none, one is not a digit or too big. */
static bool number(const char *p, const char *end, int base, unsigned long long *out)
{
    unsigned long long value = 0;
    if (p == end)
        return false;
    for (; p < end; p++) {
        int d = digit_value(*p, base);
        if (d < 0 || value > (~0ULL - (unsigned)d) / (unsigned)base)
            return false;
        value = value * (unsigned)base + (unsigned)d;
    }
    *out = value;
    return true;
}

/* Whether `text` (length bytes) is prefix, digits and suffix; *out gets the digits' value. */
static bool written(const char *text, size_t length, const char *prefix, const char *suffix,
                    int base, unsigned long long *out)
{
    size_t before = strlen(prefix), after = strlen(suffix);
    return length > before + after && strncasecmp(text, prefix, before) == 0 &&
           strncasecmp(text + length - after, suffix, after) == 0 &&
           number(text + before, text + length - after, base, out);
}

bool my_bit_value(const char *text, size_t length, unsigned width, unsigned long long *out)
{
    unsigned long long value;
    if (length == 4 && strncasecmp(text, "true", 4) == 0)
        value = 1;
    else if (length == 5 && strncasecmp(text, "false", 5) == 0)
        value = 0;
    else if (!written(text, length, "b'", "'", 2, &value) &&
             !written(text, length, "0b", "", 2, &value) &&
             !written(text, length, "x'", "'", 16, &value) &&
             !written(text, length, "0x", "", 16, &value) &&
             !number(text, text + length, 10, &value))
        return false;
    if (width < 64 && value >> width)
        return false;
    *out = value;
    return true;
}
