/*
 * strbuf.h — a growable, always NUL-terminated string, printf into new
 * strings, and the one small string test foster needs twice. Used wherever foster builds SQL, paths
 * or messages.
 */
#ifndef FOSTER_STRBUF_H
#define FOSTER_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;    /* NULL until the first append; then NUL-terminated */
    size_t length; /* bytes before the NUL */
    size_t capacity;
    bool failed; /* an append ran out of memory; data holds what fit before */
} strbuf;

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/* Each append returns 0, or -1 (and sets `failed`) when memory ran out. */
int strbuf_append(strbuf *sb, const char *s, size_t length);
int strbuf_append_str(strbuf *sb, const char *s);
int strbuf_append_char(strbuf *sb, char c);
int strbuf_appendf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends `text` with every occurrence of `find` (not empty) made `with`. */
int strbuf_append_replaced(strbuf *sb, const char *text, const char *find, const char *with);

/* Appends `identifier` as a double-quoted SQL identifier ("a""b"). */
int strbuf_append_identifier(strbuf *sb, const char *identifier);

/* Appends `value` in single quotes for a POSIX shell ('\'' for a quote). */
int strbuf_append_shell_quoted(strbuf *sb, const char *value);

/*
 * Returns the string (never NULL on success: "" for an empty buffer) and
 * leaves `sb` empty; the caller frees it. Returns NULL when an append failed.
 */
char *strbuf_detach(strbuf *sb);

/* The contents so far ("" when empty); valid until the next append. */
const char *strbuf_str(const strbuf *sb);

void strbuf_reset(strbuf *sb); /* keeps the memory, forgets the contents */
void strbuf_free(strbuf *sb);

/* Whether `s` ends with `suffix`. */
bool str_has_suffix(const char *s, const char *suffix);

/* `one` when `count` is 1, else `many`: "1 row", "2 rows", "0 rows". */
const char *str_plural(long long count, const char *one, const char *many);

/* printf into a new string the caller frees; NULL when memory ran out. */
char *strbuf_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *strbuf_vformat(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

/* Frees `count` strings (NULL entries too) and the array holding them (NULL: nothing). */
void strings_free(char **strings, size_t count);

#endif
