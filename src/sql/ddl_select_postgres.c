/*
 * ddl_select_postgres.c — one table's statements out of a PostgreSQL dump
 * (pg_dump --schema-only, or a hand-written file of several tables).
 *
 * First the table's own statements: those about the table or one of its
 * partitions (CREATE/ALTER TABLE, CREATE INDEX, OWNED BY sequences, ATTACH
 * PARTITION), the triggers, policies and rules on them, and the ALTER INDEX
 * ... ATTACH PARTITION of their indexes. Then, following names: every type,
 * domain, function, sequence or collation a taken statement names is taken too, and
 * what it names in turn (a trigger's function, the types in that function's
 * body), and the CREATE SCHEMA of the schemas those live in. Extensions and
 * the settings that change how DDL is read are always taken: what an
 * extension provides cannot be told from the dump.
 */
#include <stdlib.h>
#include <string.h>

#include "ddl_select.h"
#include "strbuf.h"

typedef struct selector {
    const ddl_file *file;
    char **tables; /* the table and its partitions */
    size_t table_count;
    bool *taken;
    char **reasons;
    bool *support;
    bool failed; /* out of memory */
} selector;

static bool in_list(char *const *items, size_t count, const char *name)
{
    for (size_t i = 0; name && i < count; i++)
        if (strcmp(items[i], name) == 0)
            return true;
    return false;
}

static bool is_selected_table(const selector *s, const char *name)
{
    return in_list(s->tables, s->table_count, name);
}

static void add_table(selector *s, const char *name)
{
    char **grown = realloc(s->tables, (s->table_count + 1) * sizeof *grown);
    char *copy = strdup(name);
    if (grown)
        s->tables = grown;
    if (!grown || !copy) {
        free(copy);
        s->failed = true;
        return;
    }
    s->tables[s->table_count++] = copy;
}

/* The table, then its partitions and theirs (PARTITION OF or ATTACH PARTITION). */
static void collect_partitions(selector *s, const char *table)
{
    add_table(s, table);
    for (bool grew = true; grew && !s->failed;) {
        grew = false;
        for (size_t i = 0; i < s->file->statement_count; i++) {
            const ddl_statement *st = &s->file->statements[i];
            if (st->object == DDL_OBJECT_TABLE && st->parent && st->object_name &&
                is_selected_table(s, st->parent) && !is_selected_table(s, st->object_name)) {
                add_table(s, st->object_name);
                grew = true;
            }
        }
    }
}

/* "trigger film_touch on film", "table film": a statement as a reason names it. */
static char *describe(const ddl_statement *st)
{
    const char *kind = ddl_object_kind_name(st->object);
    const char *name = st->object_name ? st->object_name : st->table;
    const char *on = st->on_table                     ? st->on_table
                     : st->object != DDL_OBJECT_TABLE ? st->table
                                                      : NULL;
    if (st->object == DDL_OBJECT_SEQUENCE && st->table)
        return strbuf_format("sequence %s owned by %s", name ? name : "?", st->table);
    if (st->object == DDL_OBJECT_TABLE && st->parent)
        return strbuf_format("partition %s of %s", name ? name : "?", st->parent);
    if (on)
        return strbuf_format("%s %s on %s", kind, name ? name : "?", on);
    return strbuf_format("%s %s", kind, name ? name : "?");
}

static void take(selector *s, size_t i, bool support, char *reason)
{
    if (s->taken[i]) {
        free(reason);
        return;
    }
    s->taken[i] = true;
    s->support[i] = support;
    s->reasons[i] = reason;
}

static bool is_own_statement(const selector *s, const ddl_statement *st)
{
    if (st->kind == DDL_SKIP || st->kind == DDL_SETTING)
        return false;
    if (st->table && is_selected_table(s, st->table))
        return true;
    if (st->object == DDL_OBJECT_TABLE && st->object_name && is_selected_table(s, st->object_name))
        return true;
    return (st->object == DDL_OBJECT_TRIGGER || st->object == DDL_OBJECT_POLICY ||
            st->object == DDL_OBJECT_RULE) &&
           is_selected_table(s, st->on_table);
}

static void take_own_statements(selector *s)
{
    for (size_t i = 0; i < s->file->statement_count; i++) {
        const ddl_statement *st = &s->file->statements[i];
        if (is_own_statement(s, st)) {
            char *reason = describe(st);
            s->failed |= !reason;
            take(s, i, false, reason);
        }
    }
}

/* ALTER INDEX parent ATTACH PARTITION child, when a taken statement names the child. */
static void take_index_attachments(selector *s, char *const *mentions, size_t count)
{
    for (size_t i = 0; i < s->file->statement_count; i++) {
        const ddl_statement *st = &s->file->statements[i];
        if (st->object == DDL_OBJECT_INDEX && st->parent && !s->taken[i] &&
            in_list(mentions, count, st->object_name)) {
            char *reason =
                strbuf_format("index %s: partition of index %s", st->object_name, st->parent);
            s->failed |= !reason;
            take(s, i, false, reason);
        }
    }
}

static bool is_support_kind(ddl_object_kind kind)
{
    return kind == DDL_OBJECT_TYPE || kind == DDL_OBJECT_DOMAIN || kind == DDL_OBJECT_FUNCTION ||
           kind == DDL_OBJECT_SEQUENCE || kind == DDL_OBJECT_COLLATION;
}

/* Takes the definitions of `name` (not tables'): CREATE and ALTER of the object. */
static bool take_definitions(selector *s, const char *name, const ddl_statement *by)
{
    bool took = false;
    for (size_t i = 0; i < s->file->statement_count; i++) {
        const ddl_statement *st = &s->file->statements[i];
        if (s->taken[i] || st->kind == DDL_SKIP || !is_support_kind(st->object) ||
            !st->object_name || strcmp(st->object_name, name) != 0)
            continue;
        if (st->table && !is_selected_table(s, st->table))
            continue; /* OWNED BY a table that is not taken */
        char *who = describe(by);
        char *reason =
            who ? strbuf_format("%s %s: named by %s", ddl_object_kind_name(st->object), name, who)
                : NULL;
        free(who);
        s->failed |= !reason;
        take(s, i, true, reason);
        took = true;
    }
    return took;
}

/* Follows names from every taken statement until nothing new is taken. */
static void follow_names(selector *s)
{
    bool *followed = calloc(s->file->statement_count + 1, sizeof *followed);
    if (!followed) {
        s->failed = true;
        return;
    }
    for (bool grew = true; grew && !s->failed;) {
        grew = false;
        for (size_t i = 0; i < s->file->statement_count && !s->failed; i++) {
            if (!s->taken[i] || followed[i])
                continue;
            followed[i] = true;
            char **mentions = NULL;
            long count = ddl_statement_mentions(&s->file->statements[i], &mentions);
            if (count < 0) {
                s->failed = true;
                break;
            }
            for (long m = 0; m < count; m++)
                grew |= take_definitions(s, mentions[m], &s->file->statements[i]);
            if (!s->support[i])
                take_index_attachments(s, mentions, (size_t)count);
            grew = true;
            strings_free(mentions, (size_t)count);
        }
    }
    free(followed);
}

/* Whether `name` ("billing.status") lives in `schema`. */
static bool lives_in(const char *name, const char *schema)
{
    size_t length = strlen(schema);
    return strncmp(name, schema, length) == 0 && name[length] == '.';
}

/* The CREATE SCHEMA of every schema a taken type, domain, function, sequence or collation
 * lives in: it is of no use without it. A table's own schema the backend makes. */
static void take_schemas(selector *s)
{
    for (size_t i = 0; i < s->file->statement_count && !s->failed; i++) {
        const ddl_statement *schema = &s->file->statements[i];
        if (s->taken[i] || schema->object != DDL_OBJECT_SCHEMA || !schema->object_name ||
            !ddl_statement_creates(schema))
            continue;
        for (size_t k = 0; k < s->file->statement_count; k++) {
            const ddl_statement *st = &s->file->statements[k];
            if (!s->taken[k] || !s->support[k] || !st->object_name ||
                !lives_in(st->object_name, schema->object_name))
                continue;
            char *what = describe(st);
            char *reason =
                what ? strbuf_format("schema %s: holds %s", schema->object_name, what) : NULL;
            free(what);
            s->failed |= !reason;
            take(s, i, true, reason);
            break;
        }
    }
}

static void take_extensions_and_settings(selector *s)
{
    for (size_t i = 0; i < s->file->statement_count; i++) {
        const ddl_statement *st = &s->file->statements[i];
        if (st->kind == DDL_SETTING) {
            take(s, i, true, NULL);
        } else if (st->object == DDL_OBJECT_EXTENSION && st->kind != DDL_SKIP) {
            char *reason =
                strbuf_format("extension %s: created by the dump; what it provides may be used",
                              st->object_name ? st->object_name : "?");
            s->failed |= !reason;
            take(s, i, true, reason);
        }
    }
}

static bool creates_view(const ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->object == DDL_OBJECT_VIEW && st->object_name &&
            strcmp(st->object_name, name) == 0 && ddl_statement_creates(st))
            return true;
    }
    return false;
}

static int report_unusable(const ddl_file *file, const char *table, const char *manifest_path,
                           int manifest_line, diag_list *diags)
{
    const char *parent = ddl_partition_parent(file, table);
    if (creates_view(file, table)) {
        diag *d = diag_add(diags, manifest_path, manifest_line, 0,
                           "\"%s\" is a view in %s; foster creates tables only", table,
                           file->display_name);
        diag_set_hint(d,
                      "give [table %s] a schema file of its own with a CREATE TABLE of the "
                      "view's columns, and fixtures for its rows",
                      table);
    } else if (parent) {
        diag *d = diag_add(diags, manifest_path, manifest_line, 0,
                           "table \"%s\" is a partition of \"%s\" in %s", table, parent,
                           file->display_name);
        diag_set_hint(d, "list [table %s] instead: its partitions come with it", parent);
    } else {
        diag *d = diag_add(diags, file->display_name, 0, 0, "does not create table \"%s\"", table);
        diag_set_hint(d, "the [table %s] of line %d of %s must be created in this file", table,
                      manifest_line, manifest_path);
    }
    return -1;
}

static int fill_selection(selector *s, ddl_selection *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->file->statement_count; i++)
        n += s->taken[i];
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (!out->items)
        return -1;
    for (size_t i = 0; i < s->file->statement_count; i++) {
        if (!s->taken[i])
            continue;
        out->items[out->count++] = (ddl_pick){i, s->support[i], s->reasons[i]};
        s->reasons[i] = NULL;
    }
    return 0;
}

int ddl_select_table_postgres(const ddl_file *file, const char *table, const char *manifest_path,
                              int manifest_line, ddl_selection *out, diag_list *diags)
{
    if (!ddl_file_table(file, table) || ddl_partition_parent(file, table))
        return report_unusable(file, table, manifest_path, manifest_line, diags);
    size_t n = file->statement_count ? file->statement_count : 1;
    selector s = {.file = file};
    s.taken = calloc(n, sizeof *s.taken);
    s.support = calloc(n, sizeof *s.support);
    s.reasons = calloc(n, sizeof *s.reasons);
    s.failed = !s.taken || !s.support || !s.reasons;
    if (!s.failed) {
        collect_partitions(&s, table);
        take_own_statements(&s);
        take_extensions_and_settings(&s);
        follow_names(&s);
        take_schemas(&s);
    }
    int rc = s.failed || fill_selection(&s, out) < 0 ? -1 : 0;
    if (rc < 0)
        diag_add(diags, file->display_name, 0, 0, "out of memory while choosing table \"%s\"",
                 table);
    for (size_t i = 0; s.reasons && i < file->statement_count; i++)
        free(s.reasons[i]);
    strings_free(s.tables, s.table_count);
    free(s.taken);
    free(s.support);
    free(s.reasons);
    return rc;
}
