/*
 * commands_snapshot.c — `foster snapshot --from URL [--check] [TABLE...]`:
 * each table's schema file from the owner's live database, as its backend
 * kind's dump_schema gives it (PostgreSQL: pg_dump --schema-only -t TABLE,
 * else the catalogs; MySQL/MariaDB: mariadb-dump --no-data, else SHOW
 * CREATE TABLE; always read-only), with the enum types and domains a
 * PostgreSQL table is the first to use. Every file
 * is compared before any is written: one that foster did not write (nor
 * pg_dump) stops the command before anything changes.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drift_cli.h"
#include "myddl.h"
#include "smallfile.h"
#include "snapshot.h"
#include "strbuf.h"

typedef struct table_snapshot {
    const manifest_table *table;
    char *dump;  /* the dump tool's output for the table alone */
    char *types; /* CREATE TYPE / DOMAIN statements it is the first to use, or NULL */
    char *text;  /* the file's new contents */
    snapshot_state state;
} table_snapshot;

static const char *const state_names[] = {"new", "unchanged", "changed", "foreign"};

/* Each table's own dump; a table the owner lacks is a problem. */
static int dump_tables(drift_run *run, const backend_kind *kind, const char *url,
                       table_snapshot *snaps, table_model *model)
{
    for (size_t i = 0; i < run->table_count; i++) {
        const manifest_table *t = run->tables[i];
        const char *name = t->name;
        snaps[i].table = t;
        if (kind->dump_schema(url, &name, 1, &snaps[i].dump, &run->problems) < 0)
            return EXIT_DRIFT_ERROR;
        if (drift_read_dump(snaps[i].dump, t->name, model, &run->problems) < 0)
            return EXIT_DRIFT_ERROR;
        if (!model_find_table(model, t->name)) {
            diag *d = diag_add(&run->problems, run->manifest.path, t->line, 0,
                               "table %s is not in the owner's database", t->written_name);
            diag_set_hint(d, "check the URL and the table's name (schema-qualify it when it "
                             "is not on the search_path)");
            return EXIT_DRIFT_ERROR;
        }
    }
    return 0;
}

/* A type of the owner that tables use: not one of PostgreSQL's own (family "other"). */
static bool uses_owner_types(const table_model *model)
{
    for (size_t i = 0; i < model->table_count; i++)
        for (size_t k = 0; k < model->tables[i].column_count; k++)
            if (strcmp(model->tables[i].columns[k].family, "other") == 0)
                return true;
    return false;
}

/* Whether `name` is in `names` (count of them); else adds it. */
static bool seen_before(const char **names, size_t *count, const char *name)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    names[(*count)++] = name;
    return false;
}

/* The statements of `file` that create the types `table` is the first to use, or NULL. */
static char *types_first_used(const model_table *table, const ddl_file *file, const char **seen,
                              size_t *seen_count)
{
    strbuf types = STRBUF_INIT;
    for (size_t k = 0; table && k < table->column_count; k++) {
        const model_column *column = &table->columns[k];
        if (strcmp(column->family, "other") != 0 || seen_before(seen, seen_count, column->type))
            continue;
        char *statement = model_type_statement(file, column->type);
        if (statement)
            strbuf_appendf(&types, "%s\n", statement);
        free(statement);
    }
    return types.data ? strbuf_detach(&types) : NULL;
}

static size_t column_total(const table_model *model)
{
    size_t total = 0;
    for (size_t i = 0; i < model->table_count; i++)
        total += model->tables[i].column_count;
    return total;
}

/* The enum types and domains, each in the snapshot of the first table that uses it. */
static int add_types(drift_run *run, const backend_kind *kind, const char *url,
                     table_snapshot *snaps, const table_model *model)
{
    if (kind->dialect != SCHEMA_POSTGRES || !uses_owner_types(model))
        return 0; /* MySQL's enum is the column's own type */
    char *sql = NULL;
    if (kind->dump_schema(url, NULL, 0, &sql, &run->problems) < 0)
        return EXIT_DRIFT_ERROR;
    sql_script script = {0};
    ddl_file file = {0};
    int rc = sql_split(sql, strlen(sql), "pg_dump", &script, &run->problems) < 0 ||
                     ddl_analyze(&script, "pg_dump", &file, &run->problems) < 0
                 ? EXIT_DRIFT_ERROR
                 : 0;
    const char **seen = calloc(column_total(model) + 1, sizeof *seen);
    size_t seen_count = 0;
    if (!rc && !seen)
        rc = EXIT_DRIFT_ERROR;
    for (size_t i = 0; !rc && i < run->table_count; i++)
        snaps[i].types = types_first_used(model_find_table(model, run->tables[i]->name), &file,
                                          seen, &seen_count);
    free(seen);
    ddl_file_free(&file);
    free(sql);
    return rc;
}

/* The schema file at `path` read in `dialect` (UNKNOWN: told from the file). */
static int load_any_dialect(const char *path, sql_dialect dialect, ddl_file *file, diag_list *diags)
{
    char *text = smallfile_read(path, 64u << 20);
    if (!text)
        return -1;
    if (dialect == SQL_DIALECT_UNKNOWN)
        dialect = sql_dialect_detect(text, strlen(text), NULL);
    int rc = dialect == SQL_DIALECT_MYSQL
                 ? my_ddl_analyze_text(text, strlen(text), path, file, diags)
                 : ddl_load_file(path, path, file, diags);
    free(text);
    return rc;
}

/*
 * Whether `t`'s schema file holds other tables too (the manifest's schema_dump,
 * or a multi-table file its schema key names): one table's dump would replace
 * them all. False after a diag naming the file.
 */
static bool file_is_the_tables_own(drift_run *run, const manifest_table *t)
{
    if (t->from_dump) {
        diag *d = diag_add(&run->problems, run->manifest.path, t->line, 0,
                           "table %s comes from schema_dump %s: not overwritten with one table",
                           t->written_name, t->schema_path);
        diag_set_hint(d,
                      "give [table %s] a schema key naming a file of its own, or refresh "
                      "the dump itself with pg_dump --schema-only",
                      t->written_name);
        return false;
    }
    if (access(t->schema_path, F_OK) != 0)
        return true;
    ddl_file file = {0};
    diag_list ignored = DIAG_LIST_INIT;
    const char *other = NULL;
    if (load_any_dialect(t->schema_path, run->manifest.dialect, &file, &ignored) == 0)
        for (size_t k = 0; k < file.table_count && !other; k++)
            if (strcmp(file.tables[k].name, t->name) != 0)
                other = file.tables[k].name;
    if (other) {
        diag *d = diag_add(&run->problems, t->schema_path, 1, 0,
                           "not overwritten: it creates table %s too", other);
        diag_set_hint(d, "give [table %s] a schema key naming a file of its own", t->written_name);
    }
    ddl_file_free(&file);
    diag_list_clear(&ignored);
    return other == NULL;
}

/*
 * Where a table's DDL came from, for its file's header: what a dump's first line
 * "-- Read by foster from SOURCE" says (a dump foster read itself, as from the
 * catalogs), else the dump tool's command. A new string.
 */
static char *dump_source(const char *dump, const char *table)
{
    static const char prefix[] = "-- Read by foster from ";
    if (strncmp(dump, prefix, sizeof prefix - 1) == 0)
        return strndup(dump + sizeof prefix - 1, strcspn(dump + sizeof prefix - 1, "\n"));
    return strbuf_format("pg_dump --schema-only -t %s", table);
}

/* New contents and states; a foreign file is a problem (exit 2, nothing written). */
static int compare_files(drift_run *run, table_snapshot *snaps)
{
    int rc = 0;
    for (size_t i = 0; i < run->table_count; i++) {
        const manifest_table *t = snaps[i].table;
        if (!file_is_the_tables_own(run, t)) {
            snaps[i].state = SNAPSHOT_FOREIGN;
            rc = EXIT_USAGE;
            continue;
        }
        char *source = dump_source(snaps[i].dump, t->written_name);
        snaps[i].text =
            source ? snapshot_text(t->name, source, snaps[i].types, snaps[i].dump) : NULL;
        free(source);
        if (!snaps[i].text)
            return diag_add(&run->problems, NULL, 0, 0, "out of memory"), EXIT_DRIFT_ERROR;
        if (snapshot_compare(t->schema_path, t->name, snaps[i].text, &snaps[i].state,
                             &run->problems) < 0)
            return EXIT_DRIFT_ERROR;
        if (snaps[i].state == SNAPSHOT_FOREIGN)
            rc = EXIT_USAGE;
    }
    return rc;
}

static int write_files(drift_run *run, table_snapshot *snaps, size_t *changed)
{
    *changed = 0;
    for (size_t i = 0; i < run->table_count; i++) {
        if (snaps[i].state == SNAPSHOT_SAME)
            continue;
        (*changed)++;
        if (!run->c->check &&
            snapshot_write(snaps[i].table->schema_path, snaps[i].text, &run->problems) < 0)
            return EXIT_DRIFT_ERROR;
    }
    return 0;
}

static void print_result(const drift_run *run, const table_snapshot *snaps, size_t changed)
{
    const cli *c = run->c;
    if (c->json) {
        printf("{\"changed\": %s, \"written\": %s, \"files\": [", changed ? "true" : "false",
               changed && !c->check ? "true" : "false");
        for (size_t i = 0; i < run->table_count; i++) {
            printf("%s{\"table\": ", i ? ", " : "");
            print_json_string(stdout, snaps[i].table->name);
            fputs(", \"file\": ", stdout);
            print_json_string(stdout, snaps[i].table->schema_path);
            printf(", \"state\": \"%s\"}", state_names[snaps[i].state]);
        }
        puts("]}");
    }
    for (size_t i = 0; i < run->table_count && !c->quiet; i++) {
        const char *path = snaps[i].table->schema_path;
        if (snaps[i].state == SNAPSHOT_SAME)
            fprintf(stderr, "foster: snapshot: %s unchanged\n", path);
        else
            fprintf(stderr, "foster: snapshot: %s %s%s\n", path, c->check ? "would be " : "",
                    snaps[i].state == SNAPSHOT_NEW ? "created" : "rewritten");
    }
}

int command_snapshot(const cli *c)
{
    if (!c->from_url) {
        usage_error(c, "snapshot needs --from URL (the owner's database)");
        return EXIT_USAGE;
    }
    drift_run run = {.c = c};
    table_model model = {0};
    table_snapshot *snaps = NULL;
    size_t changed = 0;
    const backend_kind *kind = NULL;
    int rc = drift_load_manifest(&run, true);
    if (!rc)
        rc = drift_choose_tables(&run, 0);
    if (!rc && !(kind = drift_owner_kind(&run, "--from", c->from_url)))
        rc = EXIT_USAGE;
    if (!rc && !(snaps = calloc(run.table_count + 1, sizeof *snaps)))
        rc = EXIT_DRIFT_ERROR;
    if (!rc)
        rc = dump_tables(&run, kind, c->from_url, snaps, &model);
    if (!rc)
        rc = add_types(&run, kind, c->from_url, snaps, &model);
    if (!rc)
        rc = compare_files(&run, snaps);
    if (!rc)
        rc = write_files(&run, snaps, &changed);
    if (rc) {
        rc = drift_report_problems(&run, rc);
    } else {
        print_result(&run, snaps, changed);
        rc = c->check && changed ? EXIT_PROBLEMS : 0;
    }
    for (size_t i = 0; snaps && i < run.table_count; i++) {
        free(snaps[i].dump);
        free(snaps[i].types);
        free(snaps[i].text);
    }
    free(snaps);
    table_model_free(&model);
    drift_run_free(&run);
    return rc;
}
