/*
 * expr_canon.c — an expression's tree (expr_parse.c) printed back in one
 * spelling (expr_canon.h): every operator in parentheses once, the casts
 * that say nothing dropped, ANY (ARRAY[...]) as IN.
 */
#include "expr_canon.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr_internal.h"
#include "strbuf.h"

/* ---- printer ---- */

/* Casts the server adds around varchar values, whatever they cast. */
static bool is_text_type(const char *type)
{
    static const char *const types[] = {
        "text", "character varying", "varchar", "bpchar", "character", "name", NULL};
    size_t length = strcspn(type, "([");
    for (size_t i = 0; types[i]; i++)
        if (strlen(types[i]) == length && strncmp(type, types[i], length) == 0)
            return true;
    return false;
}

/* Whether the string literal `s` ('...') holds a number (the server's '-1'::integer). */
static bool string_is_number(const char *s)
{
    size_t length = strlen(s);
    if (length < 3)
        return false;
    const char *p = s + 1 + (s[1] == '-');
    size_t n = expr_number_length(p);
    return n > 0 && p + n == s + length - 1 && isdigit((unsigned char)p[0]);
}

static void print_node(strbuf *sb, const node *n);

static void print_items(strbuf *sb, const node *n)
{
    for (size_t i = 0; i < n->item_count; i++) {
        if (i)
            strbuf_append_str(sb, ", ");
        print_node(sb, n->items[i]);
    }
}

/* A cast node with the casts that say nothing dropped; NULL when it is kept. */
static const node *through_cast(const node *n)
{
    while (n->kind == N_CAST) {
        nkind inner = n->left->kind;
        bool literal = inner == N_NUMBER || inner == N_STRING ||
                       (inner == N_UNARY && n->left->left->kind == N_NUMBER);
        if (!literal && !is_text_type(n->text))
            return n;
        n = n->left;
    }
    return n;
}

static void print_any(strbuf *sb, const node *n)
{
    const node *array = through_cast(n->right);
    bool as_in = array->kind == N_ARRAY && ((!n->negated && strcmp(n->text, "=") == 0) ||
                                            (n->negated && strcmp(n->text, "<>") == 0));
    strbuf_append_char(sb, '(');
    print_node(sb, n->left);
    if (as_in) {
        strbuf_append_str(sb, n->negated ? " not in (" : " in (");
        print_items(sb, array);
        strbuf_append_str(sb, "))");
        return;
    }
    strbuf_appendf(sb, " %s %s (", n->text, n->negated ? "all" : "any");
    print_node(sb, n->right);
    strbuf_append_str(sb, "))");
}

static void print_node(strbuf *sb, const node *n)
{
    if (n->kind == N_CAST) {
        const node *under = through_cast(n);
        if (under != n && under->kind == N_STRING && !is_text_type(n->text) &&
            string_is_number(under->text)) {
            strbuf_appendf(sb, "%.*s", (int)strlen(under->text) - 2, under->text + 1);
            return;
        }
        if (under != n)
            return print_node(sb, under);
        print_node(sb, n->left);
        strbuf_appendf(sb, "::%s", n->text);
        return;
    }
    switch (n->kind) {
    case N_STRING:
    case N_ATOM:
    case N_NUMBER:
        strbuf_append_str(sb, n->text);
        return;
    case N_UNARY:
        if (strcmp(n->text, "not") == 0) {
            strbuf_append_str(sb, "(not ");
            print_node(sb, n->left);
            strbuf_append_char(sb, ')');
        } else {
            strbuf_append_str(sb, n->text);
            print_node(sb, n->left);
        }
        return;
    case N_BINARY:
        strbuf_append_char(sb, '(');
        print_node(sb, n->left);
        strbuf_appendf(sb, " %s ", n->text);
        print_node(sb, n->right);
        strbuf_append_char(sb, ')');
        return;
    case N_POSTFIX:
        strbuf_append_char(sb, '(');
        print_node(sb, n->left);
        strbuf_appendf(sb, " %s)", n->text);
        return;
    case N_CALL:
        strbuf_appendf(sb, "%s(", n->text);
        print_items(sb, n);
        strbuf_append_char(sb, ')');
        return;
    case N_IN:
        strbuf_append_char(sb, '(');
        print_node(sb, n->left);
        strbuf_append_str(sb, n->negated ? " not in (" : " in (");
        print_items(sb, n);
        strbuf_append_str(sb, "))");
        return;
    case N_ARRAY:
        strbuf_append_str(sb, "array[");
        print_items(sb, n);
        strbuf_append_char(sb, ']');
        return;
    case N_ANY:
        print_any(sb, n);
        return;
    default:
        return;
    }
}

/* `text` with runs of white space as one space, trimmed. */
static char *collapsed(const char *text)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p)) {
            if (sb.length && !isspace((unsigned char)p[1]) && p[1])
                strbuf_append_char(&sb, ' ');
            continue;
        }
        strbuf_append_char(&sb, *p);
    }
    strbuf_append_str(&sb, "");
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

char *expr_canonical(const char *text)
{
    parser p = {0};
    node *root = expr_parse(&p, text);
    char *out = NULL;
    if (root) {
        strbuf sb = STRBUF_INIT;
        print_node(&sb, root);
        out = sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
    }
    expr_parser_free(&p);
    return out ? out : collapsed(text);
}

bool expr_same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return true;
    char *ca = expr_canonical(a), *cb = expr_canonical(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

/* The index after the ')' that closes the '(' at `open` of `s` (quotes skipped), or 0. */
static size_t group_end(const char *s, size_t open)
{
    int depth = 0;
    for (size_t i = open; s[i]; i++) {
        if (s[i] == '\'' || s[i] == '"') {
            size_t n = expr_quoted_length(s + i, s[i]);
            if (!n)
                return 0;
            i += n - 1;
        } else if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

static bool check_at(const char *s, size_t i)
{
    return strncasecmp(s + i, "check", 5) == 0 && (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
           (s[i + 5] == ' ' || s[i + 5] == '(');
}

char *expr_canonical_checks(const char *text)
{
    strbuf sb = STRBUF_INIT;
    size_t i = 0;
    while (text[i]) {
        if (text[i] == '\'' || text[i] == '"') {
            size_t n = expr_quoted_length(text + i, text[i]);
            n = n ? n : strlen(text + i);
            strbuf_append(&sb, text + i, n);
            i += n;
            continue;
        }
        size_t open = i + 5;
        while (text[open] == ' ')
            open++;
        size_t end = check_at(text, i) && text[open] == '(' ? group_end(text, open) : 0;
        if (!end) {
            strbuf_append_char(&sb, text[i++]);
            continue;
        }
        char *inside = strndup(text + open + 1, end - open - 2);
        char *canon = inside ? expr_canonical(inside) : NULL;
        if (!canon)
            sb.failed = true;
        strbuf_appendf(&sb, "check (%s)", canon ? canon : "");
        free(inside);
        free(canon);
        i = end;
    }
    strbuf_append_str(&sb, "");
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}
