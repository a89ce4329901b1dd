/*
 * manifest_expand.c — expands ${VAR} and ${VAR:-default} references in
 * manifest values from the environment ($$ is a literal $).
 */
#include "manifest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ${A:-${B:-...}} nesting allowed in defaults. */
#define EXPANSION_MAX_DEPTH 16

typedef struct expansion {
    const char *value; /* the whole value, for messages */
    const char *file;
    int line;
    manifest_getenv_fn getenv_fn;
    void *context;
    diag_list *diags;
} expansion;

/* Index of the '}' closing the reference whose name starts at `start`, or `length`. */
static size_t closing_brace(const char *text, size_t length, size_t start)
{
    int depth = 1;
    for (size_t i = start; i < length; i++) {
        if (text[i] == '$' && i + 1 < length && (text[i + 1] == '$' || text[i + 1] == '{')) {
            depth += text[i + 1] == '{';
            i++;
        } else if (text[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return length;
}

/* Appends `text` with its references expanded. Returns 0, or -1 after a diag. */
static int expand_text(const expansion *e, const char *text, size_t length, int depth, strbuf *out)
{
    if (depth > EXPANSION_MAX_DEPTH) {
        diag_add(e->diags, e->file, e->line, 0,
                 "references nested more than %d deep in \"%s\"; expected fewer",
                 EXPANSION_MAX_DEPTH, e->value);
        return -1;
    }
    size_t i = 0;
    while (i < length) {
        if (text[i] != '$' || i + 1 == length || (text[i + 1] != '{' && text[i + 1] != '$')) {
            strbuf_append_char(out, text[i++]);
            continue;
        }
        if (text[i + 1] == '$') { /* $$ is one literal $ */
            strbuf_append_char(out, '$');
            i += 2;
            continue;
        }
        size_t close = closing_brace(text, length, i + 2);
        if (close == length) {
            diag_add(e->diags, e->file, e->line, 0,
                     "unterminated \"${\" in \"%s\"; expected \"}\" after the variable name",
                     e->value);
            return -1;
        }
        const char *name = text + i + 2;
        size_t name_length = 0;
        while (name + name_length < text + close &&
               (isalnum((unsigned char)name[name_length]) || name[name_length] == '_'))
            name_length++;
        const char *rest = name + name_length;
        size_t rest_length = (size_t)(text + close - rest);
        bool has_default = rest_length >= 2 && rest[0] == ':' && rest[1] == '-';
        if (name_length == 0 || isdigit((unsigned char)name[0]) ||
            (rest_length > 0 && !has_default)) {
            diag_add(e->diags, e->file, e->line, 0,
                     "invalid reference \"%.*s\" in \"%s\"; expected ${NAME} or "
                     "${NAME:-default}",
                     (int)(close - i + 1), text + i, e->value);
            return -1;
        }
        char *variable = strndup(name, name_length);
        if (!variable) {
            out->failed = true;
            return 0;
        }
        const char *found = e->getenv_fn(variable, e->context);
        free(variable);
        if (has_default && (!found || *found == '\0')) {
            if (expand_text(e, rest + 2, rest_length - 2, depth + 1, out) < 0)
                return -1;
        } else if (found) {
            strbuf_append_str(out, found);
        }
        i = close + 1;
    }
    return 0;
}

static const char *process_getenv(const char *name, void *context)
{
    (void)context;
    return getenv(name);
}

char *manifest_expand(const char *value, const char *file, int line, manifest_getenv_fn getenv_fn,
                      void *context, diag_list *diags)
{
    expansion e = {value, file, line, getenv_fn ? getenv_fn : process_getenv, context, diags};
    strbuf out = STRBUF_INIT;
    if (expand_text(&e, value, strlen(value), 0, &out) < 0) {
        strbuf_free(&out);
        return NULL;
    }
    char *expanded = strbuf_detach(&out);
    if (!expanded)
        diag_add(diags, file, line, 0, "out of memory");
    return expanded;
}
