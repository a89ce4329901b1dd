/*
 * schema_pick.c — where each table's statements come from when its schema
 * file holds more than that table: the owner's whole dump ([foster]
 * schema_dump, plain or pg_dump -Fc) or a schema file of several tables.
 * Each source file is read once; each table gets a file of its own
 * statements (ddl_select_table), and what they need besides (types,
 * domains, functions, sequences, extensions) goes, once, into a support
 * file of that source, which runs before every table with the preludes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddl_select.h"
#include "myddl.h"
#include "process.h"
#include "schema_internal.h"
#include "schema_source.h"
#include "strbuf.h"

/* pg_dump -Fc archives start with these five bytes. */
static bool is_custom_archive(const char *path)
{
    char magic[5] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "PGDMP", 5) == 0;
}

/* pg_dump -Fc: its SQL as pg_restore writes it, read from a private directory. */
static int read_custom_archive(const char *path, ddl_file *out, diag_list *diags)
{
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = strbuf_format("%s/foster-restore.XXXXXX", tmp);
    char *sql = dir && mkdtemp(dir) ? strbuf_format("%s/dump.sql", dir) : NULL;
    if (!sql) {
        diag_add(diags, path, 0, 0, "cannot make a directory to read the archive: %s",
                 strerror(errno));
        free(dir);
        return -1;
    }
    char *argv[] = {"pg_restore", "--schema-only", "-f", sql, (char *)path, NULL};
    int status = process_run(argv, NULL, NULL, 0, 0, NULL, NULL, diags);
    int rc = -1;
    if (status == 0) {
        rc = ddl_load_file(sql, path, out, diags);
    } else if (status > 0) {
        diag *d =
            diag_add(diags, path, 0, 0,
                     "pg_restore could not read this pg_dump archive (exit status %d)", status);
        diag_set_hint(d, status == PROCESS_NOT_FOUND
                             ? "install the PostgreSQL client (Debian: postgresql-client), or "
                               "give the dump as plain SQL (pg_dump -s without -Fc)"
                             : "give the dump as plain SQL (pg_dump -s without -Fc)");
    }
    unlink(sql);
    rmdir(dir);
    free(sql);
    free(dir);
    return rc;
}

/* pg_dump -Ft archives are tar files: "ustar" at byte 257. */
static bool is_tar_archive(const char *path)
{
    char magic[5] = {0};
    FILE *f = fopen(path, "rb");
    bool tar = f && fseek(f, 257, SEEK_SET) == 0 && fread(magic, 1, sizeof magic, f) == 5 &&
               memcmp(magic, "ustar", 5) == 0;
    if (f)
        fclose(f);
    return tar;
}

/* The source read from `path`, read now if it was not yet. */
static ddl_file *source_file(schema_set *set, const char *path, diag_list *diags)
{
    for (size_t i = 0; i < set->source_count; i++)
        if (strcmp(set->sources[i].display_name, path) == 0)
            return set->source_support[i] ? &set->sources[i] : NULL;
    ddl_file *grown = realloc(set->sources, (set->source_count + 1) * sizeof *grown);
    bool **taken = realloc(set->source_support, (set->source_count + 1) * sizeof *taken);
    if (grown)
        set->sources = grown;
    if (taken)
        set->source_support = taken;
    if (!grown || !taken) {
        diag_add(diags, path, 0, 0, "out of memory");
        return NULL;
    }
    ddl_file *file = &set->sources[set->source_count];
    memset(file, 0, sizeof *file);
    set->source_support[set->source_count++] = NULL;
    int rc = -1;
    if (is_tar_archive(path))
        diag_set_hint(diag_add(diags, path, 0, 0, "is a tar archive (pg_dump -Ft), not SQL"),
                      "give the dump as plain SQL (pg_dump -s) or as pg_dump -Fc");
    else if (is_custom_archive(path))
        rc = read_custom_archive(path, file, diags);
    else
        rc = schema_read_file(set->manifest, path, false, set->dialect, file, diags);
    if (!file->display_name)
        file->display_name = strdup(path);
    if (rc < 0)
        return NULL;
    set->source_support[set->source_count - 1] =
        calloc(file->statement_count + 1, sizeof **set->source_support);
    return set->source_support[set->source_count - 1] ? file : NULL;
}

/*
 * MySQL: the copies analysed, each trigger keeping the sql_mode the SET
 * statements of `from` gave it (they are not copied: they belong to no table).
 */
static int copy_mysql_statements(const ddl_file *from, const size_t *indexes, sql_script *script,
                                 ddl_file *out, diag_list *diags)
{
    int rc = my_ddl_analyze(script, from->display_name, out, diags);
    for (size_t k = 0; rc == 0 && k < out->statement_count; k++) {
        const char *mode = from->statements[indexes[k]].sql_mode;
        ddl_statement *copy = &out->statements[k];
        if (!mode || copy->sql_mode)
            continue;
        if (!(copy->sql_mode = strdup(mode))) {
            diag_add(diags, from->display_name, 0, 0, "out of memory");
            rc = -1;
        }
    }
    return rc;
}

/* A new file of copies of `count` statements of `from` (their lines kept). */
static int copy_statements(const ddl_file *from, const size_t *indexes, size_t count, ddl_file *out,
                           diag_list *diags)
{
    sql_script script = {calloc(count ? count : 1, sizeof *script.items), 0};
    if (!script.items)
        return diag_add(diags, from->display_name, 0, 0, "out of memory"), -1;
    for (size_t k = 0; k < count; k++) {
        const sql_statement *source = from->statements[indexes[k]].source;
        sql_statement *copy = &script.items[script.count];
        *copy = *source;
        if (!(copy->text = strdup(source->text))) {
            sql_script_free(&script);
            return diag_add(diags, from->display_name, 0, 0, "out of memory"), -1;
        }
        script.count++;
    }
    if (from->dialect == SQL_DIALECT_MYSQL)
        return copy_mysql_statements(from, indexes, &script, out, diags);
    int rc = ddl_analyze(&script, from->display_name, out, diags);
    out->dialect = from->dialect;
    return rc;
}

static int remember_reason(schema_set *set, const char *file, const char *reason)
{
    char *line = strbuf_format("%s: %s", file, reason);
    char **grown = line ? realloc(set->taken, (set->taken_count + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(line);
        return -1;
    }
    set->taken = grown;
    set->taken[set->taken_count++] = line;
    return 0;
}

/* -v lists what was taken and why: support objects, and the table's own parts but its own
 * CREATE and ALTER TABLEs. */
static int remember_reasons(schema_set *set, const ddl_file *source, const bool *support_taken,
                            const ddl_selection *picked)
{
    for (size_t k = 0; k < picked->count; k++) {
        const ddl_pick *pick = &picked->items[k];
        const ddl_statement *st = &source->statements[pick->statement];
        bool plain_table = st->object == DDL_OBJECT_TABLE && !st->parent;
        if (!pick->reason || plain_table || (pick->support && support_taken[pick->statement]))
            continue;
        if (remember_reason(set, source->display_name, pick->reason) < 0)
            return -1;
    }
    return 0;
}

/* A statement about a partition (or attaching one), which SQLite does without. */
static bool is_partition_statement(const ddl_file *source, const ddl_statement *st)
{
    if (st->parent)
        return true;
    const char *table = st->table ? st->table : st->on_table;
    return table && ddl_partition_parent(source, table);
}

int schema_pick_table(schema_set *set, size_t index, diag_list *diags)
{
    const manifest *m = set->manifest;
    const manifest_table *table = &m->tables[index];
    ddl_file *source = source_file(set, table->schema_path, diags);
    if (!source)
        return -1;
    bool *support_taken = set->source_support[source - set->sources];
    if (!table->from_dump && source->table_count <= 1) /* one table: all of it, as before */
        return schema_copy_whole(source, &set->files[index], diags);
    int line = table->schema_line ? table->schema_line : table->line;
    ddl_selection picked = {0};
    if (ddl_select_table(source, table->name, m->path, line, &picked, diags) < 0) {
        ddl_selection_free(&picked);
        return -1;
    }
    size_t *own = calloc(picked.count + 1, sizeof *own);
    size_t own_count = 0;
    int rc = own && remember_reasons(set, source, support_taken, &picked) == 0 ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < picked.count; k++) {
        if (set->dialect == SCHEMA_SQLITE && !picked.items[k].support &&
            is_partition_statement(source, &source->statements[picked.items[k].statement]))
            continue; /* one plain table on SQLite: the partitions' rows load into it */
        if (!picked.items[k].support)
            own[own_count++] = picked.items[k].statement;
        else
            support_taken[picked.items[k].statement] = true;
    }
    if (rc < 0)
        diag_add(diags, source->display_name, 0, 0, "out of memory");
    else
        rc = copy_statements(source, own, own_count, &set->files[index], diags);
    free(own);
    ddl_selection_free(&picked);
    return rc;
}

int schema_take_table(schema_set *set, size_t index, diag_list *diags)
{
    const manifest_table *table = &set->manifest->tables[index];
    if (table->from_dump)
        return schema_pick_table(set, index, diags);
    ddl_file *file = &set->files[index];
    if (schema_read_file(set->manifest, table->schema_path, false, set->dialect, file, diags) < 0)
        return -1;
    if (file->table_count <= 1)
        return 0; /* one table: all of it, as written */
    ddl_file_free(file);
    return schema_pick_table(set, index, diags);
}

int schema_copy_whole(const ddl_file *source, ddl_file *out, diag_list *diags)
{
    size_t *all = calloc(source->statement_count + 1, sizeof *all);
    if (!all)
        return diag_add(diags, source->display_name, 0, 0, "out of memory"), -1;
    for (size_t i = 0; i < source->statement_count; i++)
        all[i] = i;
    int rc = copy_statements(source, all, source->statement_count, out, diags);
    free(all);
    return rc;
}

int schema_pick_support(schema_set *set, diag_list *diags)
{
    for (size_t s = 0; s < set->source_count; s++) {
        const ddl_file *source = &set->sources[s];
        const bool *support_taken = set->source_support[s];
        size_t *indexes = calloc(source->statement_count + 1, sizeof *indexes);
        if (!indexes)
            return diag_add(diags, source->display_name, 0, 0, "out of memory"), -1;
        size_t count = 0;
        for (size_t i = 0; support_taken && i < source->statement_count; i++)
            if (support_taken[i])
                indexes[count++] = i;
        int rc = 0;
        if (count) {
            ddl_file *file = schema_add_prelude(set, diags);
            rc = file ? copy_statements(source, indexes, count, file, diags) : -1;
        }
        free(indexes);
        if (rc < 0)
            return -1;
    }
    return 0;
}
