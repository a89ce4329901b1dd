/*
 * session.c — the library behind foster.h: a manifest, its schemas, one
 * backend, and the run record that lets a later process find what this one
 * made. Every command of the CLI is a few calls of these functions.
 */
#include "foster.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "diag.h"
#include "fixtures.h"
#include "manifest.h"
#include "pgsource.h"
#include "pgwait.h"
#include "runstate.h"
#include "schema.h"
#include "session.h"
#include "strbuf.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(foster_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(foster_session *s, const char *fmt, ...)
{
    if (!s->options.progress)
        return;
    va_list args;
    va_start(args, fmt);
    char *line = strbuf_vformat(fmt, args);
    va_end(args);
    if (line)
        s->options.progress(s->options.progress_context, line);
    free(line);
}

static void forget_problem_lines(foster_session *s)
{
    for (size_t i = 0; s->problem_lines && i < s->problems.count; i++)
        free(s->problem_lines[i]);
    free(s->problem_lines);
    s->problem_lines = NULL;
}

static void clear_error(foster_session *s)
{
    forget_problem_lines(s);
    diag_list_clear(&s->problems);
    free(s->errmsg);
    s->errmsg = NULL;
}

/* Turns the collected problems into the result; the first one is the message. */
static foster_result fail(foster_session *s, foster_result result)
{
    forget_problem_lines(s);
    free(s->errmsg);
    s->errmsg = NULL;
    if (!s->problems.count)
        diag_add(&s->problems, NULL, 0, 0, "%s",
                 result == FOSTER_ERROR_NOMEM ? "out of memory" : "failed");
    const diag *first = &s->problems.items[0];
    char *text = diag_format(first);
    if (text && first->hint) {
        s->errmsg = strbuf_format("%s\nhint: %s", text, first->hint);
        free(text);
    } else {
        s->errmsg = text;
    }
    return result;
}

void foster_options_init(foster_options *options)
{
    memset(options, 0, sizeof *options);
}

const char *foster_version(void)
{
    return FOSTER_VERSION;
}

static char *copy_option(const char *value, bool *failed)
{
    if (!value)
        return NULL;
    char *copy = strdup(value);
    if (!copy)
        *failed = true;
    return copy;
}

static bool backend_known(const char *name)
{
    return strcmp(name, "sqlite") == 0 || strcmp(name, "postgres") == 0 ||
           strcmp(name, "cluster") == 0 || strcmp(name, "container") == 0;
}

foster_result foster_open(const foster_options *options, foster_session **out)
{
    foster_session *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return FOSTER_ERROR_NOMEM;
    s->options = *options;
    const char *path = options->manifest_path;
    if (!path)
        path = getenv("FOSTER_CONFIG") && *getenv("FOSTER_CONFIG") ? getenv("FOSTER_CONFIG")
                                                                   : "foster.ini";
    bool failed = false;
    s->manifest_path = copy_option(path, &failed);
    s->postgres_url = copy_option(options->postgres_url, &failed);
    s->options.manifest_path = s->manifest_path;
    s->options.postgres_url = s->postgres_url;
    s->options.backend = NULL;
    if (failed)
        return fail(s, FOSTER_ERROR_NOMEM);

    s->manifest_loaded = true;
    if (manifest_load(s->manifest_path, &s->manifest, &s->problems) < 0 ||
        manifest_resolve(&s->manifest, &s->problems) < 0)
        return fail(s, FOSTER_ERROR_MANIFEST);

    s->backend_name =
        copy_option(options->backend ? options->backend : s->manifest.backend, &failed);
    if (failed || !s->backend_name)
        s->backend_name = strdup("sqlite");
    if (!s->backend_name)
        return fail(s, FOSTER_ERROR_NOMEM);
    if (!backend_known(s->backend_name)) {
        diag *d = diag_add(&s->problems, NULL, 0, 0, "unknown backend \"%s\"", s->backend_name);
        diag_set_hint(d, "choose sqlite, postgres, cluster or container");
        return fail(s, FOSTER_ERROR_MANIFEST);
    }
    s->dialect = strcmp(s->backend_name, "sqlite") == 0 ? SCHEMA_SQLITE : SCHEMA_POSTGRES;
    s->schemas_loaded = true;
    if (schema_set_load(&s->manifest, s->dialect, &s->schemas, &s->problems) < 0)
        return fail(s, FOSTER_ERROR_INPUT);
    return FOSTER_OK;
}

/* The server the postgres backend uses: -u, the manifest's url, or libpq's PG*. */
static const char *server_conninfo(const foster_session *s)
{
    if (s->postgres_url)
        return s->postgres_url;
    if (s->manifest.postgres_url)
        return s->manifest.postgres_url;
    return "";
}

static bool is_cluster(const char *backend_name)
{
    return strcmp(backend_name, "cluster") == 0;
}

/* The backend for this session's engine (run id known), not yet connected. */
static foster_result make_backend(foster_session *s)
{
    if (strcmp(s->backend_name, "container") == 0) {
        diag *d = diag_add(&s->problems, NULL, 0, 0,
                           "the container backend is not available in this version of foster");
        diag_set_hint(d, "use -b cluster for a PostgreSQL server foster starts itself");
        return fail(s, FOSTER_ERROR_INPUT);
    }
    bool in_memory = s->options.sqlite_in_memory && s->dialect == SCHEMA_SQLITE;
    if (!in_memory && !s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return fail(s, FOSTER_ERROR_SYSTEM);
    if (s->dialect == SCHEMA_SQLITE) {
        s->backend = backend_sqlite_new(in_memory ? NULL : s->runtime_dir);
        return s->backend ? FOSTER_OK : fail(s, FOSTER_ERROR_NOMEM);
    }
    pg_source *source = NULL;
    if (is_cluster(s->backend_name)) {
        char name[32];
        snprintf(name, sizeof name, "cluster_%s", s->run_id);
        source = pg_source_cluster(s->manifest.cluster_bindir, s->runtime_dir, name,
                                   s->options.interrupt);
        /* Known before the server starts, so a killed run can be found. */
        free(s->record.server);
        s->record.server = strbuf_format("%s/%s", s->runtime_dir, name);
    } else {
        source = pg_source_existing(server_conninfo(s));
    }
    s->backend = source ? backend_postgres_new(source) : NULL;
    if (!s->backend && source)
        source->ops->free(source);
    s->source = s->backend ? source : NULL;
    return s->backend ? FOSTER_OK : fail(s, FOSTER_ERROR_NOMEM);
}

static bool session_usable(foster_session *s)
{
    if (s->manifest_loaded && s->schemas_loaded && s->schemas.files)
        return true;
    diag_add(&s->problems, NULL, 0, 0, "the session's manifest could not be read");
    return false;
}

foster_result foster_check(foster_session *s)
{
    clear_error(s);
    if (!session_usable(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    if (fixtures_check(&s->schemas, &s->problems) < 0)
        return fail(s, FOSTER_ERROR_INPUT);
    if (s->dialect != SCHEMA_SQLITE)
        return FOSTER_OK;
    /* Without a server, SQLite in memory can still try the whole load. */
    backend *b = backend_sqlite_new(NULL);
    if (!b)
        return fail(s, FOSTER_ERROR_NOMEM);
    fixtures_loader loader = {.backend = b, .schemas = &s->schemas};
    int rc = b->ops->create(b, "check", "check", &s->problems);
    if (rc == 0)
        rc = b->ops->create_tables(b, &s->schemas, &s->problems);
    if (rc == 0)
        rc = fixtures_load_manifest(&loader, &s->problems);
    b->ops->free(b);
    return rc == 0 ? FOSTER_OK : fail(s, FOSTER_ERROR_INPUT);
}

static char *absolute_path(const char *path)
{
    char *resolved = realpath(path, NULL);
    return resolved ? resolved : strdup(path);
}

static int write_record(foster_session *s)
{
    if (!s->runtime_dir)
        return 0; /* in memory: nothing can outlive the process */
    return run_record_write(s->runtime_dir, &s->record, &s->problems);
}

static void report_table(void *context, const char *table, const char *file, long long rows,
                         double seconds)
{
    foster_session *s = context;
    if (table)
        progress(s, "loaded %-24s %7lld rows from %s (%.1f ms)", table, rows, file, seconds * 1e3);
    else
        progress(s, "ran %lld statements from %s (%.1f ms)", rows, file, seconds * 1e3);
}

/* -v: the statements provisioning ran, each as "file:line: its first line". */
static void report_statement(foster_session *s, const char *file, int line, const char *sql)
{
    progress(s, "  %s:%d: %.*s%s", file, line, (int)strcspn(sql, "\n"), sql,
             strchr(sql, '\n') ? " ..." : "");
}

static void report_statements(foster_session *s)
{
    const schema_set *set = &s->schemas;
    if (s->dialect == SCHEMA_SQLITE) {
        for (size_t i = 0; i < set->sqlite.count; i++)
            report_statement(s, set->sqlite.items[i].file, set->sqlite.items[i].line,
                             set->sqlite.items[i].sql);
        return;
    }
    for (size_t k = 0; k < set->count; k++) {
        const ddl_file *file = &set->files[set->order[k]];
        for (size_t i = 0; i < file->statement_count; i++)
            if (file->statements[i].kind != DDL_SKIP)
                report_statement(s, file->display_name, file->statements[i].source->line,
                                 file->statements[i].source->text);
    }
}

static bool interrupted(const foster_session *s)
{
    return s->options.interrupt && *s->options.interrupt;
}

/* foster_options.jobs: one database per parallel worker, copied from the snapshot. */
static foster_result make_copies(foster_session *s)
{
    if (s->options.jobs <= 1)
        return FOSTER_OK;
    double started = now_seconds();
    s->copies = calloc((size_t)s->options.jobs, sizeof *s->copies);
    if (!s->copies)
        return FOSTER_ERROR_NOMEM;
    for (int i = 1; i <= s->options.jobs; i++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "%d", i);
        backend *copy = s->backend->ops->copy(s->backend, suffix, &s->problems);
        if (!copy)
            return FOSTER_ERROR_DATABASE;
        s->copies[s->copy_count++] = copy;
    }
    progress(s, "made %d copies for parallel workers in %.1f ms", s->options.jobs,
             (now_seconds() - started) * 1e3);
    return FOSTER_OK;
}

static void drop_copies(foster_session *s, diag_list *problems)
{
    for (size_t i = 0; i < s->copy_count; i++) {
        s->copies[i]->ops->drop(s->copies[i], problems);
        s->copies[i]->ops->free(s->copies[i]);
    }
    free(s->copies);
    s->copies = NULL;
    s->copy_count = 0;
}

static foster_result provision_steps(foster_session *s)
{
    backend *b = s->backend;
    double started = now_seconds();
    if (b->ops->create(b, s->database_name, s->run_id, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    s->state = SESSION_PROVISIONED;
    free(s->record.url);
    s->record.url = strdup(b->ops->url(b));
    if (s->source && s->source->ops->location(s->source)) {
        free(s->record.server);
        s->record.server = strdup(s->source->ops->location(s->source));
        s->record.server_pid = s->source->ops->server_pid(s->source);
    }
    if (!s->record.url || write_record(s) < 0)
        return FOSTER_ERROR_SYSTEM;
    progress(s, "run %s: %s database %s", s->run_id, b->ops->name, b->ops->url(b));

    double step = now_seconds();
    if (b->ops->create_tables(b, &s->schemas, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    strbuf names = STRBUF_INIT;
    for (size_t k = 0; k < s->schemas.count; k++)
        strbuf_appendf(&names, "%s%s", k ? ", " : "", s->manifest.tables[s->schemas.order[k]].name);
    progress(s, "created %zu tables in %.1f ms: %s", s->schemas.count, (now_seconds() - step) * 1e3,
             strbuf_str(&names));
    strbuf_free(&names);
    if (s->options.verbose)
        report_statements(s);
    if (interrupted(s)) {
        diag_add(&s->problems, NULL, 0, 0, "interrupted while provisioning");
        return FOSTER_ERROR_INTERRUPTED;
    }

    step = now_seconds();
    fixtures_loader loader = {.backend = b,
                              .schemas = &s->schemas,
                              .report = report_table,
                              .report_context = s,
                              .interrupt = s->options.interrupt};
    if (fixtures_load_manifest(&loader, &s->problems) < 0)
        return loader.interrupted ? FOSTER_ERROR_INTERRUPTED : FOSTER_ERROR_INPUT;
    double loaded = now_seconds();
    if (b->ops->snapshot(b, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    progress(s,
             "loaded fixtures in %.1f ms, kept a pristine copy in %.1f ms; database ready in "
             "%.1f ms",
             (loaded - step) * 1e3, (now_seconds() - loaded) * 1e3,
             (now_seconds() - started) * 1e3);
    return make_copies(s);
}

static foster_result build_environment(foster_session *s)
{
    backend *b = s->backend;
    env_list_free(s->env, s->env_count);
    s->env = NULL;
    s->env_count = 0;
    if (b->ops->environment(b, &s->env, &s->env_count) < 0 ||
        env_list_add(&s->env, &s->env_count, "FOSTER_BACKEND", b->ops->name) < 0 ||
        env_list_add(&s->env, &s->env_count, "FOSTER_RUN_ID", s->run_id) < 0)
        return FOSTER_ERROR_NOMEM;
    if (!s->copy_count)
        return FOSTER_OK;
    char jobs[24];
    snprintf(jobs, sizeof jobs, "%zu", s->copy_count);
    if (env_list_add(&s->env, &s->env_count, "FOSTER_JOBS", jobs) < 0)
        return FOSTER_ERROR_NOMEM;
    for (size_t i = 0; i < s->copy_count; i++) {
        char name[40];
        snprintf(name, sizeof name, "DATABASE_URL_%zu", i + 1);
        if (env_list_add(&s->env, &s->env_count, name, s->copies[i]->ops->url(s->copies[i])) < 0)
            return FOSTER_ERROR_NOMEM;
    }
    return FOSTER_OK;
}

foster_result foster_provision(foster_session *s)
{
    clear_error(s);
    if (!session_usable(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    if (s->state == SESSION_PROVISIONED) {
        diag_add(&s->problems, NULL, 0, 0, "this session has provisioned a database already");
        return fail(s, FOSTER_ERROR_MISUSE);
    }
    if (runstate_new_id(s->run_id, &s->problems) < 0)
        return fail(s, FOSTER_ERROR_SYSTEM);
    run_record_free(&s->record);
    foster_result result = make_backend(s);
    if (result != FOSTER_OK)
        return result;
    free(s->database_name);
    s->database_name = strbuf_format("test_%s_%s", s->manifest.name, s->run_id);
    s->record.run_id = strdup(s->run_id);
    s->record.pid = getpid();
    s->record.manifest = absolute_path(s->manifest.path);
    s->record.backend = strdup(s->backend_name);
    s->record.database = s->database_name ? strdup(s->database_name) : NULL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s->record.started = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
    if (!s->database_name || !s->record.run_id || !s->record.manifest || !s->record.backend ||
        !s->record.database)
        return fail(s, FOSTER_ERROR_NOMEM);
    /* The record comes first: a run killed from here on can be found and reaped. */
    if (write_record(s) < 0)
        return fail(s, FOSTER_ERROR_SYSTEM);
    if (s->runtime_dir)
        janitor_reap_dead_runs(s);

    result = provision_steps(s);
    if (result == FOSTER_OK)
        result = build_environment(s);
    if (result != FOSTER_OK) {
        diag_list teardown_problems = DIAG_LIST_INIT;
        drop_copies(s, &teardown_problems);
        if (s->state == SESSION_PROVISIONED)
            s->backend->ops->drop(s->backend, &teardown_problems);
        diag_list_move(&s->problems, &teardown_problems);
        s->backend->ops->free(s->backend);
        s->backend = NULL;
        s->source = NULL;
        s->state = SESSION_OPENED;
        if (s->runtime_dir)
            run_record_remove(s->runtime_dir, s->run_id, &s->problems);
        return fail(s, result);
    }
    return FOSTER_OK;
}

foster_result foster_teardown(foster_session *s)
{
    clear_error(s);
    if (s->state != SESSION_PROVISIONED)
        return FOSTER_OK;
    double started = now_seconds();
    drop_copies(s, &s->problems);
    int rc = s->backend->ops->drop(s->backend, &s->problems);
    if (rc == 0 && s->runtime_dir)
        rc = run_record_remove(s->runtime_dir, s->run_id, &s->problems);
    if (rc < 0)
        return fail(s, FOSTER_ERROR_DATABASE);
    progress(s, "teardown: removed %s (%.1f ms)", s->database_name,
             (now_seconds() - started) * 1e3);
    s->backend->ops->free(s->backend);
    s->backend = NULL;
    s->source = NULL;
    s->state = SESSION_GONE;
    s->kept = false;
    return FOSTER_OK;
}

foster_result foster_keep(foster_session *s)
{
    clear_error(s);
    if (s->state != SESSION_PROVISIONED || !s->runtime_dir) {
        diag_add(&s->problems, NULL, 0, 0,
                 s->runtime_dir ? "nothing provisioned to keep"
                                : "an in-memory database cannot outlive its process");
        return fail(s, FOSTER_ERROR_MISUSE);
    }
    s->record.kept = true;
    if (write_record(s) < 0)
        return fail(s, FOSTER_ERROR_SYSTEM);
    s->kept = true;
    return FOSTER_OK;
}

/*
 * Opens the database of the run in s->record through the backend it was
 * made with, and checks its marker. For a PostgreSQL server that was not
 * foster's own, the way in (and any password) comes from this session's
 * options and manifest, as when it was created: records hold no passwords.
 */
static foster_result open_recorded(foster_session *s)
{
    const char *kind = s->record.backend ? s->record.backend : "";
    char *target = NULL;
    if (strcmp(kind, "sqlite") == 0) {
        s->backend = backend_sqlite_new(s->runtime_dir);
        target = strdup(s->record.url);
    } else if (strcmp(kind, "postgres") == 0 || is_cluster(kind)) {
        if (is_cluster(kind) && (!s->record.server || access(s->record.server, F_OK) < 0))
            return FOSTER_ERROR_NOT_FOUND; /* the whole server is gone */
        s->source = is_cluster(kind) ? pg_source_cluster_attach(s->record.server,
                                                                s->record.server_pid, &s->problems)
                                     : pg_source_existing(server_conninfo(s));
        if (!s->source)
            return s->problems.count ? FOSTER_ERROR_DATABASE : FOSTER_ERROR_NOMEM;
        s->backend = backend_postgres_new(s->source);
        if (!s->backend)
            s->source->ops->free(s->source);
        target = s->source->ops->conninfo(s->source, s->database_name);
    } else {
        diag_add(&s->problems, NULL, 0, 0,
                 "run %s used the %s backend, which this foster cannot reach", s->run_id, kind);
        return FOSTER_ERROR_INPUT;
    }
    if (!s->backend || !target) {
        free(target);
        return FOSTER_ERROR_NOMEM;
    }
    bool marked = false;
    int rc = s->backend->ops->open_existing(s->backend, target, &marked, &s->problems);
    free(target);
    if (rc == 0 && marked)
        return FOSTER_OK;
    if (rc > 0)
        return FOSTER_ERROR_NOT_FOUND; /* the database is gone: see foster_attach */
    if (rc == 0)
        diag_add(&s->problems, NULL, 0, 0, "%s does not carry foster's marker; leaving it alone",
                 s->database_name);
    s->backend->ops->free(s->backend);
    s->backend = NULL;
    s->source = NULL;
    return rc == 0 ? FOSTER_ERROR_NOT_MARKED : FOSTER_ERROR_DATABASE;
}

foster_result foster_attach(foster_session *s, const char *run_id)
{
    clear_error(s);
    if (s->state == SESSION_PROVISIONED) {
        diag_add(&s->problems, NULL, 0, 0, "this session has a database already");
        return fail(s, FOSTER_ERROR_MISUSE);
    }
    if (!s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return fail(s, FOSTER_ERROR_SYSTEM);
    run_record_free(&s->record);
    int found;
    if (run_id) {
        found = run_record_read(s->runtime_dir, run_id, &s->record, &s->problems);
    } else {
        char *manifest = absolute_path(s->manifest_path);
        if (!manifest)
            return fail(s, FOSTER_ERROR_NOMEM);
        found = run_record_find_kept(s->runtime_dir, manifest, &s->record, &s->problems);
        free(manifest);
    }
    if (found < 0)
        return fail(s, FOSTER_ERROR_SYSTEM);
    if (found > 0) {
        diag *d = run_id ? diag_add(&s->problems, NULL, 0, 0, "no run %s", run_id)
                         : diag_add(&s->problems, s->manifest_path, 0, 0,
                                    "no database left by `foster up` for this manifest");
        diag_set_hint(d, "runs are recorded in %s", s->runtime_dir);
        return fail(s, FOSTER_ERROR_NOT_FOUND);
    }
    if (!s->record.url) {
        /* Killed before the database existed: only the record remains. */
        run_record_remove(s->runtime_dir, s->record.run_id, &s->problems);
        diag_add(&s->problems, NULL, 0, 0, "run %s never created its database", s->record.run_id);
        return fail(s, FOSTER_ERROR_NOT_FOUND);
    }
    snprintf(s->run_id, sizeof s->run_id, "%s", s->record.run_id);
    free(s->database_name);
    s->database_name = strdup(s->record.database ? s->record.database : s->record.url);
    if (!s->database_name)
        return fail(s, FOSTER_ERROR_NOMEM);
    foster_result result = open_recorded(s);
    if (result == FOSTER_ERROR_NOT_FOUND) {
        /* Removed by hand, or its server went away: only the record is left. */
        progress(s, "run %s: %s is already gone; removing its record", s->run_id, s->database_name);
        s->state = SESSION_GONE;
        return run_record_remove(s->runtime_dir, s->run_id, &s->problems) == 0
                   ? FOSTER_OK
                   : fail(s, FOSTER_ERROR_SYSTEM);
    }
    if (result != FOSTER_OK)
        return fail(s, result);
    s->state = SESSION_PROVISIONED;
    s->kept = true;
    result = build_environment(s);
    return result == FOSTER_OK ? FOSTER_OK : fail(s, result);
}

static bool is_postgres_url(const char *url)
{
    return strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0 ||
           strchr(url, '=') != NULL;
}

foster_result foster_load(foster_session *s, const char *url, const char *const *files,
                          size_t file_count, bool force)
{
    clear_error(s);
    if (!session_usable(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    backend *b = is_postgres_url(url) ? backend_postgres_new(NULL) : backend_sqlite_new(NULL);
    if (!b)
        return fail(s, FOSTER_ERROR_NOMEM);
    bool marked = false;
    foster_result result = FOSTER_OK;
    if (b->ops->open_existing(b, url, &marked, &s->problems) < 0) {
        result = FOSTER_ERROR_DATABASE;
    } else if (!marked && !(force && strstr(b->ops->database(b), "test"))) {
        /* Rule 1: only names made for tests may be loaded into without the marker. */
        diag *d = diag_add(&s->problems, NULL, 0, 0,
                           "refusing to load into %s: it is not a database foster created",
                           b->ops->url(b));
        diag_set_hint(d, force ? "--force works only for databases whose name contains \"test\""
                               : "use --force to load anyway (the name must contain \"test\")");
        result = FOSTER_ERROR_NOT_MARKED;
    } else {
        fixtures_loader loader = {.backend = b,
                                  .schemas = &s->schemas,
                                  .report = report_table,
                                  .report_context = s,
                                  .interrupt = s->options.interrupt};
        if (fixtures_load_files(&loader, files, file_count, &s->problems) < 0)
            result = loader.interrupted ? FOSTER_ERROR_INTERRUPTED : FOSTER_ERROR_INPUT;
    }
    b->ops->free(b);
    return result == FOSTER_OK ? FOSTER_OK : fail(s, result);
}

static void report_wait(void *context, double elapsed, const char *reason)
{
    const foster_options *options = context;
    char *line = strbuf_format("waiting for the server (%.1f s): %s", elapsed, reason);
    if (line)
        options->progress(options->progress_context, line);
    free(line);
}

foster_result foster_wait(const char *url, double timeout, const foster_options *options,
                          char *message, size_t message_size)
{
    pg_wait_options wait = {.timeout = timeout, .confirmations = 1};
    if (options && options->progress) {
        wait.progress = report_wait;
        wait.progress_context = (void *)options;
    }
    if (options)
        wait.interrupt = options->interrupt;
    diag_list diags = DIAG_LIST_INIT;
    pg_wait_result result = pg_wait(url ? url : "", &wait, &diags);
    const diag *last = diag_list_last(&diags);
    if (message_size)
        snprintf(message, message_size, "%s", last ? last->message : "ready");
    diag_list_clear(&diags);
    switch (result) {
    case PG_WAIT_READY:
        return FOSTER_OK;
    case PG_WAIT_TIMEOUT:
        return FOSTER_ERROR_TIMEOUT;
    case PG_WAIT_INTERRUPTED:
        return FOSTER_ERROR_INTERRUPTED;
    default:
        return FOSTER_ERROR_DATABASE;
    }
}

/* The session must have a database (provisioned or attached) for these. */
static bool has_database(foster_session *s)
{
    if (s->state == SESSION_PROVISIONED)
        return true;
    diag_add(&s->problems, NULL, 0, 0, "the session has no test database");
    return false;
}

foster_result foster_reset(foster_session *s)
{
    clear_error(s);
    if (!has_database(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    double started = now_seconds();
    /* A process that lives on (not a one-shot `foster reset`) gets the next copy ready. */
    bool lives_on = s->options.sqlite_in_memory || !s->kept;
    if (s->backend->ops->reset(s->backend, lives_on, &s->problems) < 0)
        return fail(s, FOSTER_ERROR_DATABASE);
    progress(s, "reset %s in %.1f ms", s->database_name, (now_seconds() - started) * 1e3);
    return FOSTER_OK;
}

foster_result foster_test_begin(foster_session *s)
{
    clear_error(s);
    if (!has_database(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    return s->backend->ops->test_begin(s->backend, &s->problems) == 0
               ? FOSTER_OK
               : fail(s, FOSTER_ERROR_DATABASE);
}

foster_result foster_test_end(foster_session *s)
{
    clear_error(s);
    if (!has_database(s))
        return fail(s, FOSTER_ERROR_MISUSE);
    return s->backend->ops->test_end(s->backend, &s->problems) == 0
               ? FOSTER_OK
               : fail(s, FOSTER_ERROR_DATABASE);
}

void *foster_connection(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->backend->ops->connection(s->backend) : NULL;
}

const char *foster_backend(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->backend->ops->name : NULL;
}

const char *foster_run_id(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->run_id : NULL;
}

const char *foster_url(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->backend->ops->url(s->backend) : NULL;
}

size_t foster_env_count(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->env_count : 0;
}

void foster_env_get(const foster_session *s, size_t index, const char **name, const char **value)
{
    *name = s->env[index].name;
    *value = s->env[index].value;
}

const char *foster_errmsg(const foster_session *s)
{
    if (!s)
        return "out of memory";
    return s->errmsg ? s->errmsg : "no error";
}

size_t foster_problem_count(const foster_session *s)
{
    return s ? s->problems.count : 0;
}

const char *foster_problem(const foster_session *s, size_t index)
{
    foster_session *mutable = (foster_session *)s; /* the cache is not part of the state */
    if (!mutable->problem_lines) {
        mutable->problem_lines = calloc(s->problems.count ? s->problems.count : 1, sizeof(char *));
        if (!mutable->problem_lines)
            return s->problems.items[index].message;
    }
    if (!mutable->problem_lines[index])
        mutable->problem_lines[index] = diag_format(&s->problems.items[index]);
    return mutable->problem_lines[index] ? mutable->problem_lines[index]
                                         : s->problems.items[index].message;
}

const char *foster_problem_hint(const foster_session *s, size_t index)
{
    return s->problems.items[index].hint;
}

void foster_close(foster_session *s)
{
    if (!s)
        return;
    if (s->state == SESSION_PROVISIONED && !s->kept)
        foster_teardown(s);
    if (s->backend)
        s->backend->ops->free(s->backend);
    env_list_free(s->env, s->env_count);
    run_record_free(&s->record);
    if (s->schemas_loaded)
        schema_set_free(&s->schemas);
    if (s->manifest_loaded)
        manifest_free(&s->manifest);
    clear_error(s);
    free(s->manifest_path);
    free(s->backend_name);
    free(s->postgres_url);
    free(s->runtime_dir);
    free(s->database_name);
    free(s);
}
