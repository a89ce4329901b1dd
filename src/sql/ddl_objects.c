/*
 * ddl_objects.c — what object each statement of a schema file creates or
 * alters (a type, a domain, a function, a trigger on a table, a partition
 * of a table...) and which names it mentions. This is what choosing one
 * table's statements out of a whole dump needs (ddl_select.c): the objects
 * a dump defines, and which of them a table's statements name.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl_internal.h"
#include "strbuf.h"

const char *ddl_object_kind_name(ddl_object_kind kind)
{
    static const char *const names[] = {
        [DDL_OBJECT_NONE] = "statement",      [DDL_OBJECT_TABLE] = "table",
        [DDL_OBJECT_SEQUENCE] = "sequence",   [DDL_OBJECT_INDEX] = "index",
        [DDL_OBJECT_TYPE] = "type",           [DDL_OBJECT_DOMAIN] = "domain",
        [DDL_OBJECT_FUNCTION] = "function",   [DDL_OBJECT_TRIGGER] = "trigger",
        [DDL_OBJECT_EXTENSION] = "extension", [DDL_OBJECT_SCHEMA] = "schema",
        [DDL_OBJECT_VIEW] = "view",           [DDL_OBJECT_POLICY] = "policy",
        [DDL_OBJECT_RULE] = "rule",           [DDL_OBJECT_COLLATION] = "collation",
        [DDL_OBJECT_OTHER] = "statement",
    };
    return names[kind];
}

typedef struct object_word {
    const char *word;
    ddl_object_kind kind;
} object_word;

static const object_word object_words[] = {
    {"TABLE", DDL_OBJECT_TABLE},
    {"SEQUENCE", DDL_OBJECT_SEQUENCE},
    {"INDEX", DDL_OBJECT_INDEX},
    {"TYPE", DDL_OBJECT_TYPE},
    {"DOMAIN", DDL_OBJECT_DOMAIN},
    {"FUNCTION", DDL_OBJECT_FUNCTION},
    {"PROCEDURE", DDL_OBJECT_FUNCTION},
    {"AGGREGATE", DDL_OBJECT_FUNCTION},
    {"TRIGGER", DDL_OBJECT_TRIGGER},
    {"EXTENSION", DDL_OBJECT_EXTENSION},
    {"SCHEMA", DDL_OBJECT_SCHEMA},
    {"VIEW", DDL_OBJECT_VIEW},
    {"MATERIALIZED", DDL_OBJECT_VIEW},
    {"POLICY", DDL_OBJECT_POLICY},
    {"RULE", DDL_OBJECT_RULE},
    {"COLLATION", DDL_OBJECT_COLLATION},
    {NULL, DDL_OBJECT_NONE},
};

/* Index of the word naming the object kind: after CREATE [OR REPLACE] and its adjectives. */
static size_t object_word_index(const sql_tokens *t)
{
    static const char *const adjectives[] = {"OR",         "REPLACE",   "GLOBAL",    "LOCAL",
                                             "TEMP",       "TEMPORARY", "UNLOGGED",  "UNIQUE",
                                             "CONSTRAINT", "TRUSTED",   "RECURSIVE", NULL};
    size_t i = 1;
    for (bool more = true; more;) {
        more = false;
        for (size_t k = 0; adjectives[k]; k++)
            if (word_at(t, i, adjectives[k])) {
                i++;
                more = true;
                break;
            }
    }
    return i;
}

/* The normalised name at `i` (moving `i` past it), or NULL; *failed on out of memory. */
static char *name_at(const sql_tokens *t, size_t *i, bool *failed)
{
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, i, &name);
    char *result = NULL;
    if (rc > 0) {
        const char *schema = name.count >= 2 && strcmp(name.part[name.count - 2], "public") != 0
                                 ? name.part[name.count - 2]
                                 : NULL;
        result = schema ? strbuf_format("%s.%s", schema, name.part[name.count - 1])
                        : strdup(name.part[name.count - 1]);
        if (!result)
            *failed = true;
    } else if (rc < 0) {
        *failed = true;
    }
    sql_name_parts_free(&name);
    return result;
}

/* The first "ON [ONLY] name" at or after `i`: a trigger's, policy's or rule's table. */
static char *table_after_on(const sql_tokens *t, size_t i, bool *failed)
{
    for (; i < t->count; i = sql_skip_group(t, i, t->count)) {
        if (!word_at(t, i, "ON"))
            continue;
        i++;
        if (word_at(t, i, "ONLY"))
            i++;
        return name_at(t, &i, failed);
    }
    return NULL;
}

/* A rule's table: CREATE RULE name AS ON event TO table. */
static char *rule_table(const sql_tokens *t, size_t i, bool *failed)
{
    for (; i + 2 < t->count; i = sql_skip_group(t, i, t->count)) {
        if (word_at(t, i, "ON") && word_at(t, i + 2, "TO")) {
            i += 3;
            return name_at(t, &i, failed);
        }
    }
    return NULL;
}

/* The partitioned table of CREATE TABLE x PARTITION OF parent. */
static char *partition_parent(const sql_tokens *t, size_t i, bool *failed)
{
    if (word_at(t, i, "PARTITION") && word_at(t, i + 1, "OF")) {
        i += 2;
        return name_at(t, &i, failed);
    }
    return NULL;
}

static int read_create(ddl_statement *st, const sql_tokens *t, bool *failed)
{
    size_t i = object_word_index(t);
    const object_word *w = object_words;
    while (w->word && !word_at(t, i, w->word))
        w++;
    st->object = w->word ? w->kind : DDL_OBJECT_OTHER;
    i += w->kind == DDL_OBJECT_VIEW && word_at(t, i, "MATERIALIZED") ? 2 : 1;
    if (word_at(t, i, "CONCURRENTLY"))
        i++;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    if (st->object == DDL_OBJECT_INDEX && word_at(t, i, "ON"))
        return 0; /* an index without a name */
    if (st->object == DDL_OBJECT_OTHER)
        return 0;
    st->object_name = name_at(t, &i, failed);
    if (st->object == DDL_OBJECT_TABLE)
        st->parent = partition_parent(t, i, failed);
    if (st->object == DDL_OBJECT_TRIGGER || st->object == DDL_OBJECT_POLICY)
        st->on_table = table_after_on(t, i, failed);
    else if (st->object == DDL_OBJECT_RULE)
        st->on_table = rule_table(t, i, failed);
    return 0;
}

/* ALTER TABLE [ONLY] parent ATTACH PARTITION child; other ALTERs name their object. */
static void read_alter(ddl_statement *st, const sql_tokens *t, bool *failed)
{
    const object_word *w = object_words;
    while (w->word && !word_at(t, 1, w->word))
        w++;
    st->object = w->word ? w->kind : DDL_OBJECT_OTHER;
    if (!w->word)
        return;
    size_t i = w->kind == DDL_OBJECT_TABLE ? ddl_alter_table_name_index(t) : 2;
    if (w->kind != DDL_OBJECT_TABLE && word_at(t, i, "IF") && word_at(t, i + 1, "EXISTS"))
        i += 2;
    st->object_name = name_at(t, &i, failed);
    if ((w->kind == DDL_OBJECT_TABLE || w->kind == DDL_OBJECT_INDEX) && word_at(t, i, "ATTACH") &&
        word_at(t, i + 1, "PARTITION")) {
        i += 2;
        char *child = name_at(t, &i, failed);
        st->parent = st->object_name;
        st->object_name = child;
    }
}

int ddl_read_object(ddl_statement *st, const sql_tokens *t)
{
    bool failed = false;
    if (st->kind == DDL_SKIP || st->kind == DDL_SETTING || t->count == 0)
        return 0;
    if (word_at(t, 0, "CREATE"))
        read_create(st, t, &failed);
    else if (word_at(t, 0, "ALTER"))
        read_alter(st, t, &failed);
    else
        st->object = DDL_OBJECT_OTHER;
    return failed ? -1 : 0;
}

bool ddl_statement_creates(const ddl_statement *statement)
{
    return statement->tokenized ? word_at(&statement->tokens, 0, "CREATE")
                                : strncasecmp(statement->source->text, "CREATE", 6) == 0;
}

/* ---- mentions ---- */

typedef struct name_list {
    char **items;
    size_t count;
    bool failed;
} name_list;

static void add_name(name_list *list, char *name)
{
    if (!name) {
        list->failed = true;
        return;
    }
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], name) == 0) {
            free(name);
            return;
        }
    char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (!grown) {
        free(name);
        list->failed = true;
        return;
    }
    list->items = grown;
    list->items[list->count++] = name;
}

/* The text between a string constant's quotes: 'x', E'x', $tag$x$tag$. */
static char *string_contents(const sql_token *token)
{
    const char *s = token->start;
    size_t n = token->length;
    if (n >= 2 && s[0] == '$') {
        const char *close = memchr(s + 1, '$', n - 1);
        size_t tag = close ? (size_t)(close - s) + 1 : n;
        return n >= 2 * tag ? strndup(s + tag, n - 2 * tag) : NULL;
    }
    while (n > 0 && *s != '\'') {
        s++;
        n--;
    }
    return n >= 2 ? strndup(s + 1, n - 2) : NULL;
}

static void collect_names(const sql_statement *source, name_list *list, int depth);

static void collect_in_string(const sql_token *token, name_list *list, int depth)
{
    char *text = string_contents(token);
    if (!text)
        return;
    sql_statement inner = {text, token->line, token->column, false};
    collect_names(&inner, list, depth + 1);
    free(text);
}

static void collect_in_tokens(const sql_tokens *t, name_list *list, int depth)
{
    for (size_t i = 0; i < t->count && !list->failed;) {
        if (t->items[i].kind == SQL_TOKEN_STRING && depth < 2) {
            collect_in_string(&t->items[i++], list, depth);
        } else if (is_name_token(t, i)) {
            bool failed = false;
            char *name = name_at(t, &i, &failed);
            if (failed)
                list->failed = true;
            else
                add_name(list, name);
        } else {
            i++;
        }
    }
}

static void collect_names(const sql_statement *source, name_list *list, int depth)
{
    sql_tokens t = {0};
    diag_list ignored = DIAG_LIST_INIT;
    if (sql_tokenize(source, NULL, &t, &ignored) == 0)
        collect_in_tokens(&t, list, depth);
    sql_tokens_free(&t);
    diag_list_clear(&ignored);
}

long ddl_statement_mentions(const ddl_statement *statement, char ***out)
{
    name_list list = {NULL, 0, false};
    if (statement->tokenized) /* the tokens ddl_analyze kept */
        collect_in_tokens(&statement->tokens, &list, 0);
    else
        collect_names(statement->source, &list, 0);
    if (list.failed) {
        strings_free(list.items, list.count);
        *out = NULL;
        return -1;
    }
    *out = list.items;
    return (long)list.count;
}
