/*
 * commands_drift.c — the commands on the owner's schema: `snapshot` (the
 * schema files from the owner's live database), `diff` (the files against
 * the owner, or against another snapshot) and `schema` (the files as foster
 * reads them, for model checkers). The owner's DDL comes from its backend
 * kind's dump_schema (pg_dump, read-only); both sides are read by the same
 * DDL reader into table models (src/drift/) and compared there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_kind.h"
#include "backend_kinds.h"
#include "cli.h"
#include "ddl.h"
#include "drift_cli.h"
#include "manifest.h"
#include "model_mysql.h"
#include "snapshot.h"
#include "strbuf.h"

void drift_run_free(drift_run *run)
{
    manifest_free(&run->manifest);
    free(run->tables);
    diag_list_clear(&run->problems);
}

/* The problems found, on stderr (and as JSON on stdout with --json); returns `status`. */
int drift_report_problems(drift_run *run, int status)
{
    if (run->c->json)
        diags_print_json(stdout, &run->problems);
    diag_list_print(&run->problems, "error", stderr);
    return status;
}

/* The manifest -c, $FOSTER_CONFIG or the nearest foster.ini names; its paths resolved. */
int drift_load_manifest(drift_run *run, bool files_may_be_missing)
{
    const char *config = run->c->manifest;
    if (!config && getenv("FOSTER_CONFIG") && *getenv("FOSTER_CONFIG"))
        config = getenv("FOSTER_CONFIG");
    char *found = config ? NULL : foster_find_manifest();
    if (!config && !found) {
        diag *d = diag_add(&run->problems, NULL, 0, 0, "no foster.ini found");
        diag_set_hint(d, "run foster in the project's folder, or give the manifest with -c FILE");
        return EXIT_USAGE;
    }
    int rc = manifest_load(config ? config : found, &run->manifest, &run->problems);
    free(found);
    if (rc < 0)
        return EXIT_USAGE;
    diag_list resolve = DIAG_LIST_INIT;
    if (manifest_resolve(&run->manifest, &resolve) < 0 && !files_may_be_missing) {
        diag_list_move(&run->problems, &resolve);
        return EXIT_USAGE;
    }
    diag_list_clear(&resolve);
    return 0;
}

/* The tables named by the arguments from `first` on, else every table of the manifest. */
int drift_choose_tables(drift_run *run, int first)
{
    const manifest *m = &run->manifest;
    size_t count = run->c->arg_count > first ? (size_t)(run->c->arg_count - first) : m->table_count;
    run->tables = calloc(count + 1, sizeof *run->tables);
    if (!run->tables)
        return diag_add(&run->problems, NULL, 0, 0, "out of memory"), EXIT_DRIFT_ERROR;
    for (size_t i = 0; i < count; i++) {
        if (run->c->arg_count <= first) {
            run->tables[run->table_count++] = &m->tables[i];
            continue;
        }
        char *name = ddl_normalize_name(run->c->args[first + (int)i]);
        const manifest_table *t = name ? manifest_find_table(m, name) : NULL;
        free(name);
        if (!t) {
            diag *d = diag_add(&run->problems, m->path, 0, 0, "no table %s in the manifest",
                               run->c->args[first + (int)i]);
            diag_set_hint(d, "add a [table %s] section, or name one of its tables",
                          run->c->args[first + (int)i]);
            return EXIT_USAGE;
        }
        run->tables[run->table_count++] = t;
    }
    return 0;
}

const char **drift_table_names(const drift_run *run)
{
    const char **names = calloc(run->table_count + 1, sizeof *names);
    for (size_t i = 0; names && i < run->table_count; i++)
        names[i] = run->tables[i]->name;
    return names;
}

/* Adds the schema file at `path` (as `display`) to `model`: only `table`, and every type. */
int drift_add_schema_file(table_model *model, const char *path, const char *display,
                          const char *table, sql_dialect dialect, diag_list *problems)
{
    return model_add_path(model, path, display, dialect, table, problems);
}

/* Our side: each chosen table's schema file. */
static int read_our_model(drift_run *run, table_model *model)
{
    for (size_t i = 0; i < run->table_count; i++) {
        const manifest_table *t = run->tables[i];
        if (drift_add_schema_file(model, t->schema_path, t->schema_path, t->name,
                                  run->manifest.dialect, &run->problems) < 0)
            return -1;
    }
    /* The types and domains of the preludes (no table matches ""). */
    const manifest *m = &run->manifest;
    for (size_t i = 0; i < m->prelude_count && m->prelude_paths; i++)
        if (drift_add_schema_file(model, m->prelude_paths[i], m->prelude_paths[i], "", m->dialect,
                                  &run->problems) < 0)
            return -1;
    return 0;
}

/* Their side from SQL text (a dump): every table and type in it. */
int drift_read_dump(const char *sql, const char *label, table_model *model, diag_list *problems)
{
    return model_add_text(model, sql, label, SQL_DIALECT_UNKNOWN, NULL, problems);
}

/* The kind that reads the owner's schema at `url`, or NULL after a usage message. */
const backend_kind *drift_owner_kind(drift_run *run, const char *option, const char *url)
{
    const backend_kind *kind = backend_kind_for_url(url);
    if (kind && kind->dump_schema && kind->takes_url)
        return kind;
    diag *d = diag_add(&run->problems, NULL, 0, 0,
                       "%s: foster cannot read the schema of this "
                       "database",
                       option);
    diag_set_hint(d, "give the owner's database as postgresql://USER@HOST:PORT/DATABASE");
    return NULL;
}

/* `url` without its password, for messages and labels (a new string). */
char *drift_owner_label(const backend_kind *kind, const char *url)
{
    char *redacted = kind->redact ? kind->redact(url) : strdup(url);
    return redacted ? redacted : strdup("the owner's database");
}

/* ---- diff ---- */

/* Their side from another snapshot's folder: the same file names in `dir`. */
static int read_dir_model(drift_run *run, const char *dir, table_model *model)
{
    for (size_t i = 0; i < run->table_count; i++) {
        const manifest_table *t = run->tables[i];
        char *path = t->schema ? strbuf_format("%s/%s", dir, t->schema)
                               : strbuf_format("%s/%s.sql", dir, t->written_name);
        int rc = path ? 0 : -1;
        if (path && access(path, F_OK) == 0)
            rc = drift_add_schema_file(model, path, path, t->name, run->manifest.dialect,
                                       &run->problems);
        free(path);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int read_their_model(drift_run *run, table_model *model, char **label)
{
    const cli *c = run->c;
    if (c->against_dir) {
        *label = strdup(c->against_dir);
        return read_dir_model(run, c->against_dir, model);
    }
    const backend_kind *kind = drift_owner_kind(run, "--against", c->against_url);
    if (!kind)
        return -2;
    *label = drift_owner_label(kind, c->against_url);
    char *sql = NULL;
    int rc = kind->dump_schema(c->against_url, NULL, 0, &sql, &run->problems);
    if (rc == 0)
        rc = drift_read_dump(sql, *label, model, &run->problems);
    free(sql);
    return rc;
}

static int diff_usage(const cli *c)
{
    if (!c->against_url == !c->against_dir) {
        usage_error(c, "diff takes one of --against URL and --against-dir DIR");
        return EXIT_USAGE;
    }
    if (c->arg_count) {
        usage_error(c, "diff takes no arguments");
        return EXIT_USAGE;
    }
    return 0;
}

int command_diff(const cli *c)
{
    int rc = diff_usage(c);
    if (rc)
        return rc;
    drift_run run = {.c = c};
    table_model ours = {0}, theirs = {0};
    drift_report drift = {0};
    char *label = NULL;
    const char **names = NULL;
    rc = drift_load_manifest(&run, false);
    if (!rc)
        rc = drift_choose_tables(&run, 0);
    if (!rc && read_our_model(&run, &ours) < 0)
        rc = EXIT_DRIFT_ERROR;
    int their_rc = rc ? 0 : read_their_model(&run, &theirs, &label);
    if (their_rc)
        rc = their_rc == -2 ? EXIT_USAGE : EXIT_DRIFT_ERROR;
    if (!rc && (!(names = drift_table_names(&run)) ||
                drift_compare(&ours, &theirs, names, run.table_count, c->strict, &drift) < 0)) {
        diag_add(&run.problems, NULL, 0, 0, "out of memory");
        rc = EXIT_DRIFT_ERROR;
    }
    if (rc) {
        rc = drift_report_problems(&run, rc);
    } else {
        char *ours_label = strbuf_format("%s (schema files)", run.manifest.path);
        if (c->json)
            drift_print_json(stdout, &drift, ours_label, label);
        else
            drift_print_text(stdout, &drift, ours_label, label);
        if (!c->quiet)
            fprintf(stderr, "foster: diff: %s\n",
                    drift.count ? "the schema files and the owner differ" : "no drift");
        rc = drift.count ? EXIT_PROBLEMS : 0;
        free(ours_label);
    }
    free(names);
    free(label);
    drift_report_free(&drift);
    table_model_free(&ours);
    table_model_free(&theirs);
    drift_run_free(&run);
    return rc;
}

/* ---- schema ---- */

int command_schema(const cli *c)
{
    drift_run run = {.c = c};
    table_model model = {0};
    const char **names = NULL;
    int rc = drift_load_manifest(&run, false);
    if (!rc)
        rc = drift_choose_tables(&run, 0);
    if (!rc && read_our_model(&run, &model) < 0)
        rc = EXIT_DRIFT_ERROR;
    if (!rc && !(names = drift_table_names(&run)))
        rc = EXIT_DRIFT_ERROR;
    if (rc)
        rc = drift_report_problems(&run, rc);
    else
        model_print(stdout, &model, names, run.table_count, c->json);
    free(names);
    table_model_free(&model);
    drift_run_free(&run);
    return rc;
}
