/* diag.c — the list of problems every parser and backend reports into. */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *copy_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

diag *diag_addv(diag_list *list, const char *file, int line, int column, const char *fmt,
                va_list args)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        diag *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return NULL;
        list->items = items;
        list->capacity = capacity;
    }
    char *message = strbuf_vformat(fmt, args);
    if (!message)
        return NULL;
    diag *d = &list->items[list->count++];
    d->file = copy_or_null(file);
    d->line = line;
    d->column = column;
    d->message = message;
    d->hint = NULL;
    d->kind = DIAG_ERROR;
    d->violation = NULL;
    return d;
}

static void key_rows_free(diag_violation *v)
{
    strings_free(v->key_columns, v->key_count);
    strings_free(v->key_values, v->key_count * v->key_row_count);
    v->key_columns = v->key_values = NULL;
    v->key_count = v->key_row_count = 0;
}

static void violation_free(diag_violation *v)
{
    if (!v)
        return;
    key_rows_free(v);
    free(v->table);
    free(v->constraint);
    free(v->column);
    free(v->value);
    free(v);
}

void diag_set_violation(diag *d, const char *table, const char *constraint, const char *column,
                        const char *value, long long row)
{
    if (!d)
        return;
    diag_violation *v = calloc(1, sizeof *v);
    if (!v)
        return;
    v->table = copy_or_null(table);
    v->constraint = copy_or_null(constraint);
    v->column = copy_or_null(column);
    v->value = copy_or_null(value);
    v->row = row;
    if ((table && !v->table) || (column && !v->column) || (value && !v->value)) {
        violation_free(v);
        return;
    }
    violation_free(d->violation);
    d->violation = v;
    d->kind = DIAG_ENGINE;
}

/* `count` copies of `strings` (NULL entries stay NULL), or NULL when memory ran out. */
static char **copy_strings(const char *const *strings, size_t count)
{
    char **copies = calloc(count ? count : 1, sizeof *copies);
    for (size_t i = 0; copies && i < count; i++)
        if (strings[i] && !(copies[i] = strdup(strings[i]))) {
            strings_free(copies, count);
            return NULL;
        }
    return copies;
}

int diag_set_key_rows(diag *d, size_t key_count, const char *const *columns, size_t row_count,
                      const char *const *values)
{
    if (!d || !d->violation)
        return 0;
    diag_violation *v = d->violation;
    key_rows_free(v);
    v->key_columns = copy_strings(columns, key_count);
    v->key_values = copy_strings(values, key_count * row_count);
    if (!v->key_columns || !v->key_values) {
        strings_free(v->key_columns, key_count);
        strings_free(v->key_values, key_count * row_count);
        v->key_columns = v->key_values = NULL;
        return -1;
    }
    v->key_count = key_count;
    v->key_row_count = row_count;
    return 0;
}

diag *diag_set_kind(diag *d, diag_kind kind)
{
    if (d)
        d->kind = kind;
    return d;
}

diag_kind diag_list_last_kind(const diag_list *list)
{
    return list->count ? list->items[list->count - 1].kind : DIAG_NONE;
}

diag *diag_add(diag_list *list, const char *file, int line, int column, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(list, file, line, column, fmt, args);
    va_end(args);
    return d;
}

void diag_set_hint(diag *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list args;
    va_start(args, fmt);
    char *hint = strbuf_vformat(fmt, args);
    va_end(args);
    free(d->hint);
    d->hint = hint;
}

void diag_list_move(diag_list *to, diag_list *from)
{
    for (size_t i = 0; i < from->count; i++) {
        diag *src = &from->items[i];
        diag *d = diag_add(to, src->file, src->line, src->column, "%s", src->message);
        if (d && src->hint)
            d->hint = strdup(src->hint);
        diag_set_kind(d, src->kind);
        if (d) { /* the violation moves with its diag */
            d->violation = src->violation;
            src->violation = NULL;
        }
    }
    diag_list_clear(from);
}

const diag *diag_list_last(const diag_list *list)
{
    return list->count ? &list->items[list->count - 1] : NULL;
}

char *diag_format(const diag *d)
{
    if (!d->file)
        return strdup(d->message);
    if (d->line > 0 && d->column > 0)
        return strbuf_format("%s:%d:%d: %s", d->file, d->line, d->column, d->message);
    if (d->line > 0)
        return strbuf_format("%s:%d: %s", d->file, d->line, d->message);
    return strbuf_format("%s: %s", d->file, d->message);
}

void diag_print(const diag *d, const char *severity, FILE *out)
{
    char *text = diag_format(d);
    fprintf(out, "foster: %s: %s\n", severity, text ? text : d->message);
    free(text);
    if (d->hint)
        fprintf(out, "hint: %s\n", d->hint);
}

void diag_list_print(const diag_list *list, const char *severity, FILE *out)
{
    for (size_t i = 0; i < list->count; i++)
        diag_print(&list->items[i], severity, out);
}

void diag_list_clear(diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].file);
        free(list->items[i].message);
        free(list->items[i].hint);
        violation_free(list->items[i].violation);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}
