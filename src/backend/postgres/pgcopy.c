/*
 * pgcopy.c — encoding fixture rows for COPY and mapping the server's record
 * numbers back to fixture lines. See pgcopy.h.
 */
#include "pgcopy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pg_copy_jump {
    long long record; /* first record of a run of consecutive lines */
    int line;         /* its line in the fixture */
};

int pg_copy_note_line(pg_copy_lines *lines, int line)
{
    lines->records++;
    if (lines->count && line == lines->last_line + 1) {
        lines->last_line = line;
        return 0;
    }
    if (lines->count == lines->capacity) {
        size_t capacity = lines->capacity ? lines->capacity * 2 : 16;
        struct pg_copy_jump *jumps = realloc(lines->jumps, capacity * sizeof *jumps);
        if (!jumps)
            return -1;
        lines->jumps = jumps;
        lines->capacity = capacity;
    }
    lines->jumps[lines->count++] = (struct pg_copy_jump){lines->records, line};
    lines->last_line = line;
    return 0;
}

int pg_copy_line_of_record(const pg_copy_lines *lines, long long record)
{
    int line = 0;
    for (size_t i = 0; i < lines->count && lines->jumps[i].record <= record; i++)
        line = lines->jumps[i].line + (int)(record - lines->jumps[i].record);
    return record <= lines->records ? line : 0;
}

void pg_copy_lines_free(pg_copy_lines *lines)
{
    free(lines->jumps);
    memset(lines, 0, sizeof *lines);
}

void pg_copy_append_field(strbuf *sb, const backend_field *f)
{
    if (f->is_null)
        return;
    bool quote = f->length == 0 || strpbrk(f->value, ",\"\r\n") != NULL ||
                 (f->length == 2 && f->value[0] == '\\' && f->value[1] == '.');
    if (!quote) {
        strbuf_append(sb, f->value, f->length);
        return;
    }
    strbuf_append_char(sb, '"');
    const char *start = f->value;
    const char *end = f->value + f->length;
    for (const char *q; (q = memchr(start, '"', (size_t)(end - start))); start = q + 1) {
        strbuf_append(sb, start, (size_t)(q - start) + 1);
        strbuf_append_char(sb, '"');
    }
    strbuf_append(sb, start, (size_t)(end - start));
    strbuf_append_char(sb, '"');
}

long long pg_copy_context_record(const char *context, char *column, size_t column_size)
{
    column[0] = '\0';
    const char *at = context ? strstr(context, ", line ") : NULL;
    if (!at)
        return 0;
    long long record = strtoll(at + 7, NULL, 10);
    const char *named = strstr(at, ", column ");
    if (named) {
        named += 9;
        size_t length = strcspn(named, ":");
        snprintf(column, column_size, "%.*s", (int)length, named);
    }
    return record;
}
