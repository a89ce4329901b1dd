/*
 * session.c — the library behind foster.h: a manifest, its schemas, one
 * backend, and the run record that lets a later process find what this one
 * made. Every command of the CLI is a few calls of these functions.
 */
#include "foster.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "backend_kind.h"
#include "backend_kinds.h"
#include "diag.h"
#include "fixtures.h"
#include "manifest.h"
#include "monotonic.h"
#include "runstate.h"
#include "schema.h"
#include "session.h"
#include "strbuf.h"
#include "template_cache.h"

void session_progress(foster_session *s, const char *fmt, ...)
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

int session_read_manifest(foster_session *s)
{
    s->manifest_loaded = true;
    if (manifest_load(s->manifest_path, &s->manifest, &s->problems) < 0 ||
        manifest_resolve(&s->manifest, &s->problems) < 0)
        return -1;
    return 0;
}

foster_result foster_open(const foster_options *options, foster_session **out)
{
    foster_session *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return FOSTER_ERROR_NOMEM;
    s->options = *options;
    const char *path = options->manifest_path;
    if (!path && getenv("FOSTER_CONFIG") && *getenv("FOSTER_CONFIG"))
        path = getenv("FOSTER_CONFIG");
    bool failed = false;
    s->manifest_path = path ? copy_option(path, &failed) : foster_find_manifest();
    bool not_found = !s->manifest_path && !failed;
    if (not_found) /* the session still serves what needs no manifest (down RUN_ID, gc) */
        s->manifest_path = copy_option("foster.ini", &failed);
    s->postgres_url = copy_option(options->postgres_url, &failed);
    s->options.manifest_path = s->manifest_path;
    s->options.postgres_url = s->postgres_url;
    s->options.backend = NULL;
    if (failed)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    if (not_found) {
        session_manifest_not_found(&s->problems);
        return session_fail(s, FOSTER_ERROR_MANIFEST);
    }
    if (options->record_only)
        return FOSTER_OK; /* a recorded run needs no schema; see session_read_manifest */
    if (session_read_manifest(s) < 0)
        return session_fail(s, FOSTER_ERROR_MANIFEST);

    s->backend_name =
        copy_option(options->backend ? options->backend : s->manifest.backend, &failed);
    if (failed || !s->backend_name)
        s->backend_name = strdup(backend_kind_name(0));
    if (!s->backend_name)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    if (!(s->kind = backend_kind_choose(s->backend_name, &s->manifest))) {
        diag *d = diag_add(&s->problems, NULL, 0, 0, "unknown backend \"%s\"", s->backend_name);
        char *names = backend_kind_names(", ", " or ");
        diag_set_hint(d, "choose %s", names ? names : "a backend foster knows");
        free(names);
        return session_fail(s, FOSTER_ERROR_MANIFEST);
    }
    /* A kind that reaches no server by URL reads only -u: the manifest's URLs are
     * checked by foster_check (and libpq is not loaded for a SQLite run). */
    if (session_check_urls(s, s->kind->takes_url != NULL) < 0)
        return session_fail(s, FOSTER_ERROR_MANIFEST);
    s->dialect = s->kind->dialect;
    s->schemas_loaded = true;
    if (schema_set_load(&s->manifest, s->dialect, &s->schemas, &s->problems) < 0)
        return session_fail(s, FOSTER_ERROR_INPUT);
    return FOSTER_OK;
}

/* The server the postgres backend uses: -u, the manifest's url, or libpq's PG*. */
const char *session_server_conninfo(const foster_session *s)
{
    if (s->postgres_url)
        return s->postgres_url;
    if (s->manifest.postgres_url)
        return s->manifest.postgres_url;
    return "";
}

/* -v: a connection had to wait for a busy server, and for how long at most. */
static void report_busy(void *context, const char *line)
{
    foster_session *s = context;
    if (s->options.verbose)
        session_progress(s, "%s", line);
}

backend_setup session_setup(const foster_session *s)
{
    return (backend_setup){.manifest = &s->manifest,
                           .server_url = session_server_conninfo(s),
                           .runtime_dir = s->runtime_dir,
                           .run_id = s->run_id,
                           .interrupt = s->options.interrupt,
                           .report = report_busy,
                           .report_context = (void *)s};
}

/* The backend for this session's kind (run id known), not yet connected. */
static foster_result make_backend(foster_session *s)
{
    bool in_memory = s->options.sqlite_in_memory && s->kind->in_memory;
    if (!in_memory && !s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    backend_setup setup = session_setup(s);
    if (in_memory)
        setup.runtime_dir = NULL;
    char *server = NULL;
    s->backend = s->kind->make(&setup, &server, &s->problems);
    if (server) {
        /* Known before the server starts, so a killed run can be found. */
        free(s->record.server);
        s->record.server = server;
    }
    return s->backend ? FOSTER_OK : session_fail(s, FOSTER_ERROR_NOMEM);
}

bool session_usable(foster_session *s)
{
    if (s->manifest_loaded && s->schemas_loaded && s->schemas.files)
        return true;
    diag_add(&s->problems, NULL, 0, 0, "the session's manifest could not be read");
    return false;
}

/* What was taken from a dump and why (-v), and with `notes` what SQLite leaves out. */
void session_report_schema_choices(foster_session *s, const schema_set *set, bool notes)
{
    for (size_t i = 0; s->options.verbose && i < set->taken_count; i++)
        session_progress(s, "taken from %s", set->taken[i]);
    if (notes)
        session_report_notes_of(s, &set->notes);
}

/* Loads everything into SQLite in memory: the whole load, without a server. */
static int dry_run_in_memory(const schema_set *set, diag_list *problems)
{
    const backend_kind *kind = NULL;
    for (size_t i = 0; !kind && backend_kind_at(i); i++)
        if (backend_kind_at(i)->in_memory && backend_kind_at(i)->dialect == SCHEMA_SQLITE)
            kind = backend_kind_at(i);
    backend_setup in_memory = {.run_id = "check"};
    char *server = NULL;
    backend *b = kind ? kind->make(&in_memory, &server, problems) : NULL;
    free(server);
    if (!b)
        return diag_add(problems, NULL, 0, 0, "out of memory"), -1;
    fixtures_loader loader = {.backend = b, .schemas = set, .finish_schema = true};
    int rc = b->ops->create(b, "check", "check", problems);
    if (rc == 0)
        rc = b->ops->create_tables(b, set, problems);
    if (rc == 0)
        rc = fixtures_load_manifest(&loader, problems);
    b->ops->free(b);
    return rc;
}

foster_result foster_check(foster_session *s)
{
    session_clear_error(s);
    if (!session_usable(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    if (session_check_urls(s, true) < 0)
        return session_fail(s, FOSTER_ERROR_MANIFEST);
    if (fixtures_check(&s->schemas, &s->problems) < 0)
        return session_fail(s, FOSTER_ERROR_INPUT);
    if (s->dialect == SCHEMA_SQLITE)
        session_report_schema_choices(s, &s->schemas, true);
    if (s->dialect == SCHEMA_SQLITE)
        return dry_run_in_memory(&s->schemas, &s->problems) == 0
                   ? FOSTER_OK
                   : session_fail(s, FOSTER_ERROR_INPUT);
    /*
     * PostgreSQL without a server: when the owner's DDL also translates to
     * SQLite, a dry run there still finds broken keys and duplicate rows
     * (not type errors: SQLite stores what it is given).
     */
    schema_set translated = {0};
    diag_list untranslatable = DIAG_LIST_INIT;
    int rc = 0;
    if (schema_set_load(&s->manifest, SCHEMA_SQLITE, &translated, &untranslatable) == 0) {
        session_report_schema_choices(s, &translated, true);
        rc = dry_run_in_memory(&translated, &s->problems);
    } else
        session_progress(s, "check: the schema does not translate to SQLite, so foreign keys "
                            "and unique rows of the fixtures were not tried without a server");
    diag_list_clear(&untranslatable);
    schema_set_free(&translated);
    return rc == 0 ? FOSTER_OK : session_fail(s, FOSTER_ERROR_INPUT);
}

char *session_absolute_path(const char *path)
{
    char *resolved = realpath(path, NULL);
    return resolved ? resolved : strdup(path);
}

int session_write_record(foster_session *s)
{
    if (!s->runtime_dir)
        return 0; /* in memory: nothing can outlive the process */
    return run_record_write(s->runtime_dir, &s->record, &s->problems);
}

/* Tells foster_options.load_progress where a file's load stands. */
static void report_load(foster_session *s, const foster_load_status *status)
{
    if (s->options.load_progress)
        s->options.load_progress(s->options.load_progress_context, status);
}

/* Seconds between two calls of foster_options.load_progress for one file. */
#define LOAD_PROGRESS_EVERY_SECONDS 0.1

void session_report_tick(void *context, const char *table, const char *file, long long rows,
                         long long bytes_read, long long bytes_total, double seconds)
{
    foster_session *s = context;
    if (seconds < s->load_progress_told + LOAD_PROGRESS_EVERY_SECONDS &&
        seconds >= s->load_progress_told)
        return;
    s->load_progress_told = seconds;
    report_load(s,
                &(foster_load_status){table, file, rows, bytes_read, bytes_total, seconds, false});
}

void session_report_table(void *context, const char *table, const char *file, long long rows,
                          double seconds)
{
    foster_session *s = context;
    s->load_progress_told = 0;
    report_load(s, &(foster_load_status){table, file, rows, 0, 0, seconds, true});
    if (table)
        session_progress(s, "loaded %-24s %7lld %s from %s (%.1f ms)", table, rows,
                         str_plural(rows, "row", "rows"), file, seconds * 1e3);
    else
        session_progress(s, "ran %lld %s from %s (%.1f ms)", rows,
                         str_plural(rows, "statement", "statements"), file, seconds * 1e3);
}

bool session_interrupted(const foster_session *s)
{
    return s->options.interrupt && *s->options.interrupt;
}

foster_result session_stop_interrupted(foster_session *s)
{
    diag_set_kind(diag_add(&s->problems, NULL, 0, 0, "interrupted while provisioning"),
                  DIAG_INTERRUPTED);
    return FOSTER_ERROR_INTERRUPTED;
}

/*
 * A server foster starts outlives a SIGKILL of foster: the record named its
 * directory before it started (the intent); once it runs, the record says
 * which process it is (the fact). Between the two, the server's own marker
 * names it (see pgcluster.h), and gc finds it by that.
 */
static foster_result start_server(foster_session *s)
{
    if (!s->kind->start_server)
        return FOSTER_OK;
    if (s->kind->start_server(s->backend, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    pid_t server_pid = 0;
    const char *location =
        s->kind->server_location ? s->kind->server_location(s->backend, &server_pid) : NULL;
    if (!location)
        return FOSTER_OK;
    free(s->record.server);
    s->record.server = strdup(location);
    s->record.server_pid = server_pid;
    return s->record.server && session_write_record(s) == 0 ? FOSTER_OK : FOSTER_ERROR_SYSTEM;
}

/* The server, then the database: created (or cloned from the cache) and recorded. */
static foster_result create_database(foster_session *s, template_cache *cache, bool *hit)
{
    backend *b = s->backend;
    foster_result result = start_server(s);
    if (result != FOSTER_OK)
        return result;
    /* The database's name is in the record already: a half-made one is found by it. */
    if (template_cache_create(s, cache, hit) != FOSTER_OK)
        return FOSTER_ERROR_DATABASE;
    s->state = SESSION_PROVISIONED;
    free(s->record.url);
    s->record.url = strdup(b->ops->url(b));
    if (!s->record.url || session_write_record(s) < 0)
        return FOSTER_ERROR_SYSTEM;
    session_progress(s, "run %s: %s database %s", s->run_id, b->ops->name, b->ops->url(b));
    return FOSTER_OK;
}

/* Everything of provisioning that the template cache `cache` decides. */
static foster_result provision_cached(foster_session *s, template_cache *cache, double started)
{
    backend *b = s->backend;
    bool hit = false;
    foster_result result = create_database(s, cache, &hit);
    if (result != FOSTER_OK)
        return result;
    session_report_notes(s); /* what the schema lost on this engine: built or copied */
    double step = monotonic_seconds();
    result = template_cache_fill(s, cache, &hit);
    if (result == FOSTER_OK && hit)
        session_report_notes(s); /* what the copy left out holds for the cached one too */
    if (result == FOSTER_OK && !hit)
        result = session_build_from_inputs(s, &step);
    if (result != FOSTER_OK)
        return result;
    double loaded = monotonic_seconds();
    if (b->ops->snapshot(b, &s->problems) < 0 || session_interrupted(s))
        return session_interrupted(s) ? session_stop_interrupted(s) : FOSTER_ERROR_DATABASE;
    if (!hit)
        template_cache_store(s, cache);
    if (hit)
        session_progress(s, "kept a pristine copy in %.1f ms; database ready in %.1f ms",
                         (monotonic_seconds() - loaded) * 1e3,
                         (monotonic_seconds() - started) * 1e3);
    else
        session_progress(
            s,
            "loaded fixtures in %.1f ms, kept a pristine copy in %.1f ms; database ready in "
            "%.1f ms",
            (loaded - step) * 1e3, (monotonic_seconds() - loaded) * 1e3,
            (monotonic_seconds() - started) * 1e3);
    return FOSTER_OK;
}

static foster_result provision_steps(foster_session *s)
{
    double started = monotonic_seconds();
    template_cache cache;
    template_cache_open(s, &cache); /* before the server starts: it may start from the cache */
    foster_result result = provision_cached(s, &cache, started);
    template_cache_close(&cache);
    return result == FOSTER_OK ? session_make_copies(s) : result;
}

foster_result session_build_environment(foster_session *s)
{
    backend *b = s->backend;
    env_list_free(s->env, s->env_count);
    s->env = NULL;
    s->env_count = 0;
    if (b->ops->environment(b, &s->env, &s->env_count) < 0 ||
        env_list_add(&s->env, &s->env_count, "FOSTER_BACKEND", b->ops->name) < 0 ||
        env_list_add(&s->env, &s->env_count, "FOSTER_RUN_ID", s->run_id) < 0 ||
        session_add_secret_environment(s) < 0)
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

/* A server of foster's own that died explains the failure better than libpq's "closed". */
static void say_if_server_died(foster_session *s)
{
    char *death =
        s->backend && s->kind->describe_death ? s->kind->describe_death(s->backend) : NULL;
    if (!death)
        return;
    diag_list first = DIAG_LIST_INIT;
    diag_add(&first, NULL, 0, 0, "%s", death);
    diag_list_move(&first, &s->problems);
    diag_list_clear(&s->problems);
    s->problems = first;
    free(death);
}

foster_result foster_provision(foster_session *s)
{
    session_clear_error(s);
    if (!session_usable(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    if (s->state == SESSION_PROVISIONED) {
        diag_add(&s->problems, NULL, 0, 0, "this session has provisioned a database already");
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    if (runstate_new_id(s->run_id, &s->problems) < 0)
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    run_record_free(&s->record);
    foster_result result = make_backend(s);
    if (result != FOSTER_OK)
        return result;
    free(s->database_name);
    s->database_name = strbuf_format("test_%s_%s", s->manifest.name, s->run_id);
    s->record.run_id = strdup(s->run_id);
    s->record.pid = getpid();
    s->record.manifest = session_absolute_path(s->manifest.path);
    s->record.backend = strdup(s->backend_name);
    s->record.database = s->database_name ? strdup(s->database_name) : NULL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s->record.started = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
    if (!s->database_name || !s->record.run_id || !s->record.manifest || !s->record.backend ||
        !s->record.database || run_record_set_identity(&s->record) < 0)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    /* The record comes first: a run killed from here on can be found and reaped. */
    if (session_write_record(s) < 0)
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    if (s->runtime_dir)
        janitor_reap_dead_runs(s);

    result = provision_steps(s);
    if (result == FOSTER_OK)
        result = session_build_environment(s);
    if (result == FOSTER_OK)
        result = session_write_client_file(s);
    if (result == FOSTER_OK)
        s->backend->ops->release(s->backend); /* no connection held while the tests run */
    if (result != FOSTER_OK) {
        say_if_server_died(s);
        diag_list teardown_problems = DIAG_LIST_INIT;
        session_drop_copies(s, &teardown_problems);
        if (s->state == SESSION_PROVISIONED)
            s->backend->ops->drop(s->backend, &teardown_problems);
        diag_list_move(&s->problems, &teardown_problems);
        s->backend->ops->free(s->backend);
        s->backend = NULL;
        s->state = SESSION_OPENED;
        if (s->runtime_dir) {
            session_remove_secret(s->kind, s->runtime_dir, s->run_id);
            run_record_remove(s->runtime_dir, s->run_id, &s->problems);
        }
        return session_fail(s, result);
    }
    return FOSTER_OK;
}

char *session_secret_path(const foster_session *s)
{
    return session_secret_file(s->kind, s->runtime_dir, s->run_id);
}

char *session_secret_file(const backend_kind *kind, const char *runtime_dir, const char *run_id)
{
    if (!kind->secret_suffix)
        return NULL;
    return strbuf_format("%s/%s%s", runtime_dir, run_id, kind->secret_suffix);
}

foster_result foster_teardown(foster_session *s)
{
    session_clear_error(s);
    if (s->state != SESSION_PROVISIONED)
        return FOSTER_OK;
    double started = monotonic_seconds();
    int rc = session_drop_recorded_copies(s); /* those an earlier process made */
    session_drop_copies(s, &s->problems);
    if (rc == 0)
        rc = s->backend->ops->drop(s->backend, &s->problems);
    if (rc == 0 && s->runtime_dir) {
        session_remove_secret(s->kind, s->runtime_dir, s->run_id);
        rc = run_record_remove(s->runtime_dir, s->run_id, &s->problems);
    }
    if (rc < 0)
        return session_fail(s, session_name_leftover(s));
    session_progress(s, "teardown: removed %s (%.1f ms)", s->database_name,
                     (monotonic_seconds() - started) * 1e3);
    s->backend->ops->free(s->backend);
    s->backend = NULL;
    s->state = SESSION_GONE;
    s->kept = false;
    return FOSTER_OK;
}

void foster_settle(foster_session *s)
{
    if (s && s->state == SESSION_PROVISIONED && s->backend->ops->settle)
        s->backend->ops->settle(s->backend);
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

void foster_close(foster_session *s)
{
    if (!s)
        return;
    if (s->state == SESSION_PROVISIONED && !s->kept)
        foster_teardown(s);
    /* Copies still here were kept with the database: free their handles, not the databases. */
    for (size_t i = 0; i < s->copy_count; i++)
        s->copies[i]->ops->free(s->copies[i]);
    free(s->copies);
    if (s->backend)
        s->backend->ops->free(s->backend);
    env_list_free(s->env, s->env_count);
    run_record_free(&s->record);
    if (s->schemas_loaded)
        schema_set_free(&s->schemas);
    if (s->manifest_loaded)
        manifest_free(&s->manifest);
    session_clear_error(s);
    free(s->manifest_path);
    free(s->backend_name);
    free(s->postgres_url);
    free(s->runtime_dir);
    free(s->database_name);
    free(s);
}
