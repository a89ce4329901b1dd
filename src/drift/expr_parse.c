/*
 * expr_parse.c — an SQL expression read into a small tree (expr_internal.h):
 * the lexer and the parser, with PostgreSQL's precedence, lowest first: OR,
 * AND, NOT, IS, comparison (and ANY/ALL), LIKE/IN/BETWEEN, other operators,
 * + -, * / %, ^, unary minus, ::.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "expr_internal.h"
#include "strbuf.h"

/* ---- lexer ---- */

static bool is_op_char(char c)
{
    return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

size_t expr_quoted_length(const char *s, char quote)
{
    size_t i = 1;
    for (;;) {
        if (!s[i])
            return 0;
        if (s[i] == quote && s[i + 1] == quote) {
            i += 2;
            continue;
        }
        if (s[i] == quote)
            return i + 1;
        i++;
    }
}

size_t expr_number_length(const char *s)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i]) || s[i] == '.')
        i++;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (isdigit((unsigned char)s[i + 1]) ||
         ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
        i += 2;
        while (isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* An operator's length by PostgreSQL's rule: a trailing + or - is its own unless
 * the operator has one of ~ ! @ # % ^ & | ` ?. */
static size_t operator_length(const char *s)
{
    size_t n = 0;
    while (is_op_char(s[n]) && !(s[n] == '-' && s[n + 1] == '-') &&
           !(s[n] == '/' && s[n + 1] == '*'))
        n++;
    bool special = false;
    for (size_t i = 0; i < n; i++)
        if (strchr("~!@#%^&|`?", s[i]))
            special = true;
    while (n > 1 && !special && (s[n - 1] == '+' || s[n - 1] == '-'))
        n--;
    return n ? n : 1;
}

/* The next token of `s` at *i; its length in *length; T_END at the end, -1 on bad input. */
static int lex_one(const char *s, size_t *i, tkind *kind, size_t *length)
{
    while (isspace((unsigned char)s[*i]))
        (*i)++;
    const char *p = s + *i;
    char c = *p;
    if (!c)
        return *kind = T_END, *length = 0, 0;
    if (c == '\'' || c == '"') {
        *kind = c == '\'' ? T_STRING : T_QUOTED;
        *length = expr_quoted_length(p, c);
        return *length ? 0 : -1;
    }
    if (isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
        size_t n = 0;
        while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '$' ||
               (unsigned char)p[n] >= 0x80)
            n++;
        return *kind = T_WORD, *length = n, 0;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)p[1])))
        return *kind = T_NUMBER, *length = expr_number_length(p), 0;
    if (c == ':' && p[1] == ':')
        return *kind = T_CAST, *length = 2, 0;
    if (strchr("()[],.", c))
        return *kind = T_PUNCT, *length = 1, 0;
    if (is_op_char(c))
        return *kind = T_OP, *length = operator_length(p), 0;
    return -1;
}

static void free_tokens(tok *toks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(toks[i].text);
    free(toks);
}

/* The tokens of `s`, ending with T_END; NULL on bad input or no memory. */
static tok *lex(const char *s, size_t *count)
{
    size_t n = 0, capacity = 16, i = 0;
    tok *toks = malloc(capacity * sizeof *toks);
    for (;;) {
        tkind kind;
        size_t length;
        if (!toks || lex_one(s, &i, &kind, &length) < 0)
            return free_tokens(toks, n), NULL;
        if (n == capacity) {
            tok *grown = realloc(toks, (capacity *= 2) * sizeof *toks);
            if (!grown)
                return free_tokens(toks, n), NULL;
            toks = grown;
        }
        toks[n].kind = kind;
        toks[n].text = strndup(s + i, length);
        if (!toks[n++].text)
            return free_tokens(toks, n - 1), NULL;
        if (kind == T_WORD)
            for (char *q = toks[n - 1].text; *q; q++)
                *q = (char)tolower((unsigned char)*q);
        i += length;
        if (kind == T_END)
            break;
    }
    *count = n;
    return toks;
}

/* ---- parser ---- */

static const tok *peek(const parser *p, size_t ahead)
{
    size_t i = p->pos + ahead;
    return &p->toks[i < p->count ? i : p->count - 1];
}

static bool at_word(const parser *p, size_t ahead, const char *word)
{
    const tok *t = peek(p, ahead);
    return t->kind == T_WORD && strcmp(t->text, word) == 0;
}

static bool at(const parser *p, size_t ahead, tkind kind, const char *text)
{
    const tok *t = peek(p, ahead);
    return t->kind == kind && (!text || strcmp(t->text, text) == 0);
}

static bool accept(parser *p, tkind kind, const char *text)
{
    if (!at(p, 0, kind, text))
        return false;
    p->pos++;
    return true;
}

static bool accept_word(parser *p, const char *word)
{
    if (!at_word(p, 0, word))
        return false;
    p->pos++;
    return true;
}

static node *new_node(parser *p, nkind kind, const char *text, node *left, node *right)
{
    if (p->failed)
        return NULL;
    node *n = calloc(1, sizeof *n);
    if (!n) {
        p->failed = true;
        return NULL;
    }
    n->kind = kind;
    n->text = text;
    n->left = left;
    n->right = right;
    n->next_allocated = p->allocated;
    p->allocated = n;
    return n;
}

static void add_item(parser *p, node *n, node *item)
{
    if (!n || !item)
        return;
    node **grown = realloc(n->items, (n->item_count + 1) * sizeof *grown);
    if (!grown) {
        p->failed = true;
        return;
    }
    n->items = grown;
    n->items[n->item_count++] = item;
}

static node *fail(parser *p)
{
    p->failed = true;
    return NULL;
}

static node *parse_or(parser *p);
static node *parse_other(parser *p);
static node *parse_unary(parser *p);

/* Words that end an operand: they are the grammar's, never a name. */
static bool is_reserved(const char *word)
{
    static const char *const words[] = {"and",    "or",      "not",     "is",      "in",   "like",
                                        "ilike",  "between", "isnull",  "notnull", "any",  "all",
                                        "some",   "case",    "when",    "then",    "else", "end",
                                        "select", "from",    "similar", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(word, words[i]) == 0)
            return true;
    return false;
}

/* Comma-separated expressions up to `close`, into `n`'s items. */
static void parse_list(parser *p, node *n, const char *close)
{
    if (accept(p, T_PUNCT, close))
        return;
    do
        add_item(p, n, parse_or(p));
    while (!p->failed && accept(p, T_PUNCT, ","));
    if (!accept(p, T_PUNCT, close))
        p->failed = true;
}

/* A name, possibly qualified, or a call. */
static node *parse_name(parser *p)
{
    const tok *first = peek(p, 0);
    if (first->kind == T_WORD && is_reserved(first->text))
        return fail(p);
    p->pos++;
    node *n = new_node(p, N_ATOM, first->text, NULL, NULL);
    if (at(p, 0, T_PUNCT, ".") && (peek(p, 1)->kind == T_WORD || peek(p, 1)->kind == T_QUOTED)) {
        /* a qualified name: the last part is what both sides agree on */
        p->pos += 2;
        if (n)
            n->text = p->toks[p->pos - 1].text;
    }
    if (!accept(p, T_PUNCT, "("))
        return n;
    n->kind = N_CALL;
    if (accept(p, T_OP, "*")) {
        add_item(p, n, new_node(p, N_ATOM, "*", NULL, NULL));
        if (!accept(p, T_PUNCT, ")"))
            return fail(p);
        return n;
    }
    parse_list(p, n, ")");
    return n;
}

static node *parse_primary(parser *p)
{
    const tok *t = peek(p, 0);
    if (accept(p, T_PUNCT, "(")) {
        node *inner = parse_or(p);
        return accept(p, T_PUNCT, ")") ? inner : fail(p);
    }
    if (t->kind == T_NUMBER || t->kind == T_STRING) {
        p->pos++;
        return new_node(p, t->kind == T_NUMBER ? N_NUMBER : N_STRING, t->text, NULL, NULL);
    }
    if (at_word(p, 0, "array") && at(p, 1, T_PUNCT, "[")) {
        p->pos += 2;
        node *n = new_node(p, N_ARRAY, "array", NULL, NULL);
        parse_list(p, n, "]");
        return n;
    }
    if (t->kind == T_WORD || t->kind == T_QUOTED)
        return parse_name(p);
    return fail(p);
}

/* A type after "::": words ("character varying", "timestamp with time zone"), (n), [];
 * a new string, NULL (and failed) on bad input or no memory. */
static char *parse_type(parser *p)
{
    static const char *const more[] = {"varying", "precision", "with", "without",
                                       "time",    "zone",      NULL};
    const tok *t = peek(p, 0);
    if (t->kind != T_WORD && t->kind != T_QUOTED)
        return fail(p), NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, t->text);
    p->pos++;
    for (size_t i = 0; more[i]; i++)
        if (at_word(p, 0, more[i])) {
            strbuf_appendf(&sb, " %s", more[i]);
            p->pos++;
            i = (size_t)-1; /* from the first again: "with time zone" */
        }
    if (accept(p, T_PUNCT, "(")) {
        strbuf_append_char(&sb, '(');
        while (!p->failed && !accept(p, T_PUNCT, ")")) {
            if (peek(p, 0)->kind == T_END)
                p->failed = true;
            strbuf_append_str(&sb, peek(p, 0)->text);
            p->pos++;
        }
        strbuf_append_char(&sb, ')');
    }
    while (at(p, 0, T_PUNCT, "[") && at(p, 1, T_PUNCT, "]")) {
        strbuf_append_str(&sb, "[]");
        p->pos += 2;
    }
    if (sb.failed || p->failed) {
        p->failed = true;
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static node *parse_cast(parser *p)
{
    node *n = parse_primary(p);
    while (!p->failed && accept(p, T_CAST, NULL)) {
        char *type = parse_type(p);
        node *cast = new_node(p, N_CAST, type, n, NULL);
        if (!cast)
            return free(type), fail(p);
        n = cast; /* its type is freed with it */
    }
    return n;
}

static node *parse_unary(parser *p)
{
    if (at(p, 0, T_OP, "-") || at(p, 0, T_OP, "+")) {
        const char *op = peek(p, 0)->text;
        p->pos++;
        return new_node(p, N_UNARY, op, parse_unary(p), NULL);
    }
    return parse_cast(p);
}

static node *parse_binary_level(parser *p, node *(*next)(parser *), const char *const *ops)
{
    node *n = next(p);
    for (;;) {
        const tok *t = peek(p, 0);
        size_t i = 0;
        while (ops[i] && !(t->kind == T_OP && strcmp(t->text, ops[i]) == 0))
            i++;
        if (!ops[i] || p->failed)
            return n;
        p->pos++;
        n = new_node(p, N_BINARY, t->text, n, next(p));
    }
}

static node *parse_pow(parser *p)
{
    static const char *const ops[] = {"^", NULL};
    return parse_binary_level(p, parse_unary, ops);
}

static node *parse_mul(parser *p)
{
    static const char *const ops[] = {"*", "/", "%", NULL};
    return parse_binary_level(p, parse_pow, ops);
}

static node *parse_add(parser *p)
{
    static const char *const ops[] = {"+", "-", NULL};
    return parse_binary_level(p, parse_mul, ops);
}

static bool is_comparison(const char *op)
{
    static const char *const ops[] = {"=", "<>", "!=", "<", ">", "<=", ">=", NULL};
    for (size_t i = 0; ops[i]; i++)
        if (strcmp(op, ops[i]) == 0)
            return true;
    return false;
}

/* Any operator that is not arithmetic nor a comparison (||, ~, @>...). */
static node *parse_other(parser *p)
{
    node *n = parse_add(p);
    while (!p->failed && peek(p, 0)->kind == T_OP && !is_comparison(peek(p, 0)->text)) {
        const char *op = peek(p, 0)->text;
        p->pos++;
        n = new_node(p, N_BINARY, op, n, parse_add(p));
    }
    return n;
}

/* x [NOT] IN (...), x [NOT] LIKE/ILIKE y, x [NOT] BETWEEN a AND b. */
static node *parse_like(parser *p)
{
    node *n = parse_other(p);
    while (!p->failed) {
        bool negated = at_word(p, 0, "not") && (at_word(p, 1, "in") || at_word(p, 1, "like") ||
                                                at_word(p, 1, "ilike") || at_word(p, 1, "between"));
        p->pos += negated;
        if (accept_word(p, "in")) {
            if (!accept(p, T_PUNCT, "("))
                return fail(p);
            node *in = new_node(p, N_IN, "in", n, NULL);
            if (in)
                in->negated = negated;
            parse_list(p, in, ")");
            n = in;
        } else if (at_word(p, 0, "like") || at_word(p, 0, "ilike")) {
            const char *op = strcmp(peek(p, 0)->text, "like") == 0 ? (negated ? "!~~" : "~~")
                                                                   : (negated ? "!~~*" : "~~*");
            p->pos++;
            n = new_node(p, N_BINARY, op, n, parse_other(p));
        } else if (accept_word(p, "between")) {
            node *low = parse_other(p);
            if (!accept_word(p, "and"))
                return fail(p);
            node *high = parse_other(p);
            node *ge = new_node(p, N_BINARY, negated ? "<" : ">=", n, low);
            node *le = new_node(p, N_BINARY, negated ? ">" : "<=", n, high);
            n = new_node(p, N_BINARY, negated ? "or" : "and", ge, le);
        } else {
            return n;
        }
    }
    return n;
}

/* x op y, and x op ANY/ALL (array). */
static node *parse_comparison(parser *p)
{
    node *n = parse_like(p);
    while (!p->failed && peek(p, 0)->kind == T_OP && is_comparison(peek(p, 0)->text)) {
        const char *op = strcmp(peek(p, 0)->text, "!=") == 0 ? "<>" : peek(p, 0)->text;
        p->pos++;
        bool all = at_word(p, 0, "all");
        if ((all || at_word(p, 0, "any") || at_word(p, 0, "some")) && at(p, 1, T_PUNCT, "(")) {
            p->pos += 2;
            node *array = parse_or(p);
            if (!accept(p, T_PUNCT, ")"))
                return fail(p);
            n = new_node(p, N_ANY, op, n, array);
            if (n)
                n->negated = all;
        } else {
            n = new_node(p, N_BINARY, op, n, parse_like(p));
        }
    }
    return n;
}

/* x IS [NOT] NULL/TRUE/FALSE, x ISNULL, x NOTNULL. */
static node *parse_is(parser *p)
{
    node *n = parse_comparison(p);
    while (!p->failed) {
        if (accept_word(p, "isnull") || accept_word(p, "notnull")) {
            bool not = strcmp(p->toks[p->pos - 1].text, "notnull") == 0;
            n = new_node(p, N_POSTFIX, not ? "is not null" : "is null", n, NULL);
            continue;
        }
        if (!accept_word(p, "is"))
            return n;
        bool not = accept_word(p, "not");
        const char *what = peek(p, 0)->text;
        if (!(at_word(p, 0, "null") || at_word(p, 0, "true") || at_word(p, 0, "false") ||
              at_word(p, 0, "unknown")))
            return fail(p);
        p->pos++;
        static const char *const forms[][2] = {{"is null", "is not null"},
                                               {"is true", "is not true"},
                                               {"is false", "is not false"},
                                               {"is unknown", "is not unknown"}};
        size_t k = what[0] == 'n' ? 0 : what[0] == 't' ? 1 : what[0] == 'f' ? 2 : 3;
        n = new_node(p, N_POSTFIX, forms[k][not ], n, NULL);
    }
    return n;
}

static node *parse_not(parser *p)
{
    if (accept_word(p, "not"))
        return new_node(p, N_UNARY, "not", parse_not(p), NULL);
    return parse_is(p);
}

static node *parse_and(parser *p)
{
    node *n = parse_not(p);
    while (!p->failed && accept_word(p, "and"))
        n = new_node(p, N_BINARY, "and", n, parse_not(p));
    return n;
}

static node *parse_or(parser *p)
{
    node *n = parse_and(p);
    while (!p->failed && accept_word(p, "or"))
        n = new_node(p, N_BINARY, "or", n, parse_and(p));
    return n;
}

void expr_parser_free(parser *p)
{
    for (node *n = p->allocated, *next; n; n = next) {
        next = n->next_allocated;
        if (n->kind == N_CAST)
            free((char *)n->text);
        free(n->items);
        free(n);
    }
    free_tokens(p->toks, p->count);
}

node *expr_parse(parser *p, const char *text)
{
    p->toks = lex(text, &p->count);
    if (!p->toks)
        return NULL;
    node *root = parse_or(p);
    return !p->failed && root && peek(p, 0)->kind == T_END ? root : NULL;
}
