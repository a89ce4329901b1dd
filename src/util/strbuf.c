/* strbuf.c — growable strings; see strbuf.h. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strbuf_reserve(strbuf *sb, size_t extra)
{
    if (sb->failed)
        return -1;
    size_t needed = sb->length + extra + 1;
    if (needed <= sb->capacity)
        return 0;
    size_t capacity = sb->capacity ? sb->capacity : 64;
    while (capacity < needed)
        capacity *= 2;
    char *data = realloc(sb->data, capacity);
    if (!data) {
        sb->failed = true;
        return -1;
    }
    sb->data = data;
    sb->capacity = capacity;
    return 0;
}

int strbuf_append(strbuf *sb, const char *s, size_t length)
{
    if (strbuf_reserve(sb, length) < 0)
        return -1;
    memcpy(sb->data + sb->length, s, length);
    sb->length += length;
    sb->data[sb->length] = '\0';
    return 0;
}

int strbuf_append_str(strbuf *sb, const char *s)
{
    return strbuf_append(sb, s, strlen(s));
}

int strbuf_append_replaced(strbuf *sb, const char *text, const char *find, const char *with)
{
    size_t length = strlen(find);
    for (const char *hit; length && (hit = strstr(text, find)) != NULL; text = hit + length) {
        strbuf_append(sb, text, (size_t)(hit - text));
        strbuf_append_str(sb, with);
    }
    return strbuf_append_str(sb, text) < 0 || sb->failed ? -1 : 0;
}

int strbuf_append_char(strbuf *sb, char c)
{
    if (strbuf_reserve(sb, 1) < 0)
        return -1;
    sb->data[sb->length++] = c; /* no memcpy call for one byte: the loaders append millions */
    sb->data[sb->length] = '\0';
    return 0;
}

int strbuf_appendf(strbuf *sb, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = strbuf_vformat(fmt, args);
    va_end(args);
    if (!text) {
        sb->failed = true;
        return -1;
    }
    int rc = strbuf_append_str(sb, text);
    free(text);
    return rc;
}

int strbuf_append_identifier(strbuf *sb, const char *identifier)
{
    int rc = strbuf_append_char(sb, '"');
    for (const char *p = identifier; *p && rc == 0; p++)
        rc = *p == '"' ? strbuf_append(sb, "\"\"", 2) : strbuf_append_char(sb, *p);
    return rc == 0 ? strbuf_append_char(sb, '"') : rc;
}

int strbuf_append_shell_quoted(strbuf *sb, const char *value)
{
    int rc = strbuf_append_char(sb, '\'');
    for (const char *p = value; *p && rc == 0; p++)
        rc = *p == '\'' ? strbuf_append(sb, "'\\''", 4) : strbuf_append_char(sb, *p);
    return rc == 0 ? strbuf_append_char(sb, '\'') : rc;
}

char *strbuf_detach(strbuf *sb)
{
    if (sb->failed) {
        strbuf_free(sb);
        return NULL;
    }
    char *data = sb->data ? sb->data : strdup("");
    *sb = (strbuf)STRBUF_INIT;
    return data;
}

const char *strbuf_str(const strbuf *sb)
{
    return sb->data ? sb->data : "";
}

void strbuf_reset(strbuf *sb)
{
    sb->length = 0;
    sb->failed = false;
    if (sb->data)
        sb->data[0] = '\0';
}

void strbuf_free(strbuf *sb)
{
    free(sb->data);
    *sb = (strbuf)STRBUF_INIT;
}

char *strbuf_vformat(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (length < 0)
        return NULL;
    char *text = malloc((size_t)length + 1);
    if (text)
        vsnprintf(text, (size_t)length + 1, fmt, args);
    return text;
}

char *strbuf_format(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = strbuf_vformat(fmt, args);
    va_end(args);
    return text;
}

bool str_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

const char *str_plural(long long count, const char *one, const char *many)
{
    return count == 1 ? one : many;
}

void strings_free(char **strings, size_t count)
{
    for (size_t i = 0; strings && i < count; i++)
        free(strings[i]);
    free(strings);
}
