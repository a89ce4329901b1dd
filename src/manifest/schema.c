/*
 * schema.c — reads every schema file a manifest names, checks them against
 * the manifest and each other, and orders the tables. See schema.h.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "schema_internal.h"
#include "schema_source.h"

/* The manifest index of the file that creates `name`, or -1. */
static long owning_file(const schema_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (ddl_file_table(&set->files[i], name))
            return (long)i;
    return -1;
}

static int add_edge(order_edge **edges, size_t *count, size_t *capacity, size_t from, size_t to)
{
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 16;
        order_edge *more = realloc(*edges, grown * sizeof *more);
        if (!more)
            return -1;
        *edges = more;
        *capacity = grown;
    }
    (*edges)[(*count)++] = (order_edge){from, to};
    return 0;
}

/*
 * Collects the edges "file i references file j" from the DDL and the
 * manifest's depends, reporting references to tables nobody creates.
 */
static int collect_edges(const schema_set *set, order_edge **edges, size_t *edge_count,
                         diag_list *diags)
{
    size_t capacity = 0;
    int rc = 0;
    for (size_t i = 0; i < set->count; i++) {
        const ddl_file *file = &set->files[i];
        const manifest_table *table = &set->manifest->tables[i];
        for (size_t s = 0; s < file->statement_count; s++) {
            const ddl_statement *st = &file->statements[s];
            for (size_t r = 0; r < st->reference_count; r++) {
                long target = owning_file(set, st->references[r]);
                if (target < 0) {
                    diag *d = diag_add(diags, file->display_name, st->source->line, 0,
                                       "\"%s\" references table \"%s\", which no schema file "
                                       "of the manifest creates",
                                       st->table ? st->table : table->name, st->references[r]);
                    diag_set_hint(d, "add a [table %s] section to %s", st->references[r],
                                  set->manifest->path);
                    rc = -1;
                } else if (add_edge(edges, edge_count, &capacity, i, (size_t)target) < 0) {
                    return -1;
                }
            }
        }
        for (size_t d = 0; d < table->depends_count; d++) {
            long target = owning_file(set, table->depends[d]);
            if (target >= 0 && add_edge(edges, edge_count, &capacity, i, (size_t)target) < 0)
                return -1;
        }
    }
    return rc;
}

ddl_file *schema_add_prelude(schema_set *set, diag_list *diags)
{
    ddl_file *grown = realloc(set->preludes, (set->prelude_count + 1) * sizeof *grown);
    if (!grown) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    set->preludes = grown;
    memset(&grown[set->prelude_count], 0, sizeof *grown);
    return &grown[set->prelude_count++];
}

static int load_preludes(schema_set *set, diag_list *diags)
{
    const manifest *m = set->manifest;
    int rc = 0;
    for (size_t i = 0; i < m->prelude_count; i++) {
        ddl_file *file = m->prelude_paths[i] ? schema_add_prelude(set, diags) : NULL;
        if (!file || schema_read_file(m, m->prelude_paths[i], false, set->dialect, file, diags) < 0)
            rc = -1;
    }
    return rc;
}

static int load_files(schema_set *set, schema_dialect dialect, diag_list *diags)
{
    int rc = load_preludes(set, diags);
    for (size_t i = 0; i < set->count; i++) {
        const manifest_table *table = &set->manifest->tables[i];
        const char *path = table->schema_path;
        if (!path) {
            rc = -1; /* manifest_resolve reported it */
            continue;
        }
        if (dialect == SCHEMA_SQLITE && table->sqlite_schema_path) {
            path = table->sqlite_schema_path;
            if (schema_read_file(set->manifest, path, true, dialect, &set->files[i], diags) < 0)
                rc = -1;
        } else if (dialect == SCHEMA_MYSQL && table->mysql_schema_path) {
            path = table->mysql_schema_path; /* the project's MySQL DDL of a PostgreSQL table */
            if (schema_read_file(set->manifest, path, false, dialect, &set->files[i], diags) < 0)
                rc = -1;
        } else if (schema_take_table(set, i, diags) < 0) {
            rc = -1;
            continue;
        }
        if (rc == 0 && !ddl_file_table(&set->files[i], table->name)) {
            diag *d = diag_add(diags, path, 0, 0, "does not create table \"%s\"", table->name);
            diag_set_hint(d,
                          "the schema file of [table %s] (line %d of %s) must contain its "
                          "CREATE TABLE",
                          table->written_name, table->line, set->manifest->path);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = schema_pick_support(set, diags);
    return rc;
}

/* The manifest index of the table taken from the dump whose statement is at `line`, or -1. */
static long dump_table_at(const schema_set *set, int line)
{
    long found = -1;
    int best = 0;
    for (size_t i = 0; i < set->count; i++) {
        const ddl_file *file = &set->files[i];
        if (!set->manifest->tables[i].from_dump)
            continue;
        for (size_t s = 0; s < file->statement_count; s++) {
            int at = file->statements[s].source->line;
            if (at <= line && at > best) {
                best = at;
                found = (long)i;
            }
        }
    }
    return found;
}

/* A problem in the dump: the SQLite file to write is the table's, not the dump's. */
static void hint_for_dump(const schema_set *set, diag *d)
{
    const manifest *m = set->manifest;
    if (!d->file || !m->schema_dump_path || strcmp(d->file, m->schema_dump_path) != 0)
        return;
    long table = dump_table_at(set, d->line);
    if (table < 0)
        diag_set_hint(d,
                      "write <table>.sqlite.sql in %s for the tables that need this; foster "
                      "uses it instead of the dump on SQLite",
                      m->schemas_dir);
    else
        diag_set_hint(d,
                      "write a SQLite version of table %s in %s/%s.sqlite.sql; foster uses it "
                      "instead of the dump on SQLite",
                      m->tables[table].name, m->schemas_dir, m->tables[table].name);
}

/* strict = true: what SQLite leaves out (the notes, and the ownership and comments
 * named as details) is refused, each at its file:line; returns -1. */
static int refuse_strict(schema_set *set, diag_list *diags)
{
    diag_list *lists[] = {&set->notes.notes, &set->notes.details};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->count; i++)
            diag_set_hint(&lists[l]->items[i],
                          "strict = true in [foster] makes what SQLite leaves out an error; "
                          "remove it, or give a <table>.sqlite.sql");
        diag_list_move(diags, lists[l]);
    }
    return -1;
}

/* SQLite: translate the owner's DDL; a .sqlite.sql file runs as written. */
static int translate(schema_set *set, diag_list *diags)
{
    const ddl_file **to_translate =
        calloc(set->count + set->prelude_count + 1, sizeof *to_translate);
    if (!to_translate)
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < set->prelude_count; k++)
        to_translate[n++] = &set->preludes[k];
    for (size_t k = 0; k < set->count; k++) {
        size_t i = set->order[k];
        if (!set->manifest->tables[i].sqlite_schema_path)
            to_translate[n++] = &set->files[i];
    }
    size_t reported = diags->count;
    int rc = schema_translate_sqlite(to_translate, n, &set->sqlite, &set->notes, diags);
    for (size_t i = reported; i < diags->count; i++)
        hint_for_dump(set, &diags->items[i]);
    if (rc == 0 && set->manifest->strict && (set->notes.notes.count || set->notes.details.count))
        rc = refuse_strict(set, diags);
    free(to_translate);
    if (rc < 0)
        return -1;
    for (size_t k = 0; k < set->count; k++) {
        size_t i = set->order[k];
        if (!set->manifest->tables[i].sqlite_schema_path)
            continue;
        const ddl_file *file = &set->files[i];
        for (size_t s = 0; s < file->statement_count; s++) {
            if (file->statements[s].kind == DDL_SKIP)
                continue;
            sqlite_statement *items =
                realloc(set->sqlite.items, (set->sqlite.count + 1) * sizeof *items);
            if (!items)
                return -1;
            set->sqlite.items = items;
            char *sql = strdup(file->statements[s].source->text);
            if (!sql)
                return -1;
            items[set->sqlite.count++] = (sqlite_statement){
                .sql = sql, .file = file->display_name, .line = file->statements[s].source->line};
        }
    }
    return 0;
}

int schema_set_load(const manifest *m, schema_dialect dialect, schema_set *out, diag_list *diags)
{
    out->manifest = m;
    out->dialect = dialect;
    out->count = m->table_count;
    size_t n = m->table_count ? m->table_count : 1;
    out->files = calloc(n, sizeof *out->files);
    out->order = calloc(n, sizeof *out->order);
    out->cyclic = calloc(n, sizeof *out->cyclic);
    if (!out->files || !out->order || !out->cyclic) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    if (load_files(out, dialect, diags) < 0)
        return -1;

    order_edge *edges = NULL;
    size_t edge_count = 0;
    int rc = collect_edges(out, &edges, &edge_count, diags);
    if (rc == 0 && order_tables(out->count, edges, edge_count, out->order, out->cyclic) < 0) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        rc = -1;
    }
    free(edges);
    if (rc == 0 && dialect == SCHEMA_SQLITE && translate(out, diags) < 0) {
        if (!diags->count)
            diag_add(diags, NULL, 0, 0, "out of memory");
        rc = -1;
    }
    return rc;
}

const ddl_table *schema_set_table(const schema_set *set, size_t index)
{
    return ddl_file_table(&set->files[index], set->manifest->tables[index].name);
}

void schema_set_free(schema_set *set)
{
    for (size_t i = 0; set->files && i < set->count; i++)
        ddl_file_free(&set->files[i]);
    for (size_t i = 0; i < set->prelude_count; i++)
        ddl_file_free(&set->preludes[i]);
    free(set->preludes);
    for (size_t i = 0; i < set->source_count; i++) {
        ddl_file_free(&set->sources[i]);
        free(set->source_support[i]);
    }
    free(set->sources);
    free(set->source_support);
    for (size_t i = 0; i < set->taken_count; i++)
        free(set->taken[i]);
    free(set->taken);
    free(set->files);
    free(set->order);
    free(set->cyclic);
    sqlite_script_free(&set->sqlite);
    translate_notes_clear(&set->notes);
    memset(set, 0, sizeof *set);
}
