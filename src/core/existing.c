/*
 * existing.c — reaching databases that exist already: a run kept by `up`
 * or --keep (foster_attach, for down and reset), any test database by URL
 * (foster_load), and a PostgreSQL server that may not be up yet (foster_wait).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_kinds.h"
#include "fixtures.h"
#include "pgwait.h"
#include "session.h"
#include "strbuf.h"

/* The fields of the session's run record that its kind reads. */
static backend_run recorded_run(const foster_session *s)
{
    return (backend_run){.run_id = s->run_id,
                         .database = s->database_name,
                         .url = s->record.url,
                         .server = s->record.server,
                         .server_pid = s->record.server_pid};
}

/*
 * Opens the database of `run` through `kind` into *out, and checks its
 * marker. FOSTER_ERROR_NOT_FOUND when it is gone (*out may be set: the
 * server it was on), FOSTER_ERROR_NOT_MARKED (*out freed) when not foster's.
 */
static foster_result open_run(const backend_kind *kind, const backend_setup *setup,
                              const backend_run *run, backend **out, diag_list *problems)
{
    char *target = NULL;
    size_t problems_before = problems->count;
    backend_attach_result attached = kind->attach(setup, run, out, &target, problems);
    if (attached == BACKEND_GONE)
        return FOSTER_ERROR_NOT_FOUND;
    if (attached == BACKEND_FAILED)
        return problems->count > problems_before ? FOSTER_ERROR_DATABASE : FOSTER_ERROR_NOMEM;
    bool marked = false;
    diag_kind opened = *out && target ? (*out)->ops->open_existing(*out, target, &marked, problems)
                                      : DIAG_OUT_OF_MEMORY;
    free(target);
    if (opened == DIAG_NONE && marked)
        return FOSTER_OK;
    if (opened == DIAG_NOT_FOUND && kind->database_gone &&
        !kind->database_gone(setup, run, problems))
        return FOSTER_ERROR_INPUT;
    if (opened == DIAG_NOT_FOUND)
        return FOSTER_ERROR_NOT_FOUND; /* the database is gone: see foster_attach */
    if (opened == DIAG_NONE)
        diag_set_kind(diag_add(problems, NULL, 0, 0,
                               "%s does not carry foster's marker; leaving it alone",
                               run->database),
                      DIAG_NOT_MARKED);
    if (*out)
        (*out)->ops->free(*out);
    *out = NULL;
    return opened == DIAG_NONE            ? FOSTER_ERROR_NOT_MARKED
           : opened == DIAG_OUT_OF_MEMORY ? FOSTER_ERROR_NOMEM
                                          : FOSTER_ERROR_DATABASE;
}

static void say_nothing(void *context, const char *line)
{
    (void)context;
    (void)line;
}

/* progress callback of a kind's finish_half_made */
static void say_progress(void *context, const char *line)
{
    session_progress(context, "%s", line);
}

/* The kind a record names; NULL with a diag when this foster has none of that name. */
static const backend_kind *recorded_kind(const run_record *r, diag_list *problems)
{
    const char *name = r->backend ? r->backend : "";
    const backend_kind *kind = backend_kind_of_run(name, r->server);
    if (!kind)
        diag_add(problems, NULL, 0, 0, "run %s used the %s backend, which this foster cannot reach",
                 r->run_id, name);
    return kind;
}

/*
 * Opens the database of the run in s->record through the kind it was made
 * with. For a server that was not foster's own, the way in (and any
 * password) comes from this session's options and manifest, as when it was
 * created: records hold no passwords.
 */
static foster_result open_recorded(foster_session *s)
{
    const backend_kind *kind = recorded_kind(&s->record, &s->problems);
    if (!kind)
        return FOSTER_ERROR_INPUT;
    s->kind = kind;
    /* A record-only session reads the manifest only for the server it names. */
    if (kind->needs_own_manifest && !s->manifest_loaded && session_read_manifest(s) < 0)
        return FOSTER_ERROR_MANIFEST;
    backend_setup setup = session_setup(s);
    backend_run run = recorded_run(s);
    return open_run(kind, &setup, &run, &s->backend, &s->problems);
}

/* Removes a torn-down run's secret file (and its directory) and record. */
static int forget_run(const backend_kind *kind, const char *runtime_dir, const char *run_id,
                      diag_list *problems)
{
    session_remove_secret(kind, runtime_dir, run_id);
    return run_record_remove(runtime_dir, run_id, problems);
}

foster_result existing_tear_down(const foster_session *s, const run_record *r,
                                 foster_progress_fn progress, void *context, diag_list *problems)
{
    const backend_kind *kind = recorded_kind(r, problems);
    if (!kind)
        return FOSTER_ERROR_INPUT;
    backend_setup setup = session_setup(s);
    setup.run_id = r->run_id;
    backend_run run = {.run_id = r->run_id,
                       .database = r->database ? r->database : r->url,
                       .url = r->url,
                       .server = r->server,
                       .server_pid = r->server_pid};
    if (!r->url || !run.database) {
        /* died before making and marking its database: perhaps a half-made one,
         * perhaps a server it was starting */
        if (kind->finish_half_made && r->database)
            kind->finish_half_made(&setup, &run, progress ? progress : say_nothing, context);
        if (kind->stop_recorded_server)
            kind->stop_recorded_server(&run);
        run_record_remove(s->runtime_dir, r->run_id, problems);
        return FOSTER_OK;
    }
    backend *b = NULL;
    foster_result result = open_run(kind, &setup, &run, &b, problems);
    int rc = 0;
    for (int i = 1; result == FOSTER_OK && i <= r->copies; i++) {
        char suffix[16]; /* the workers' copies the run recorded (--jobs) */
        snprintf(suffix, sizeof suffix, "%d", i);
        if (b->ops->drop_copy(b, suffix, problems) < 0)
            rc = -1;
    }
    if (result == FOSTER_OK && rc == 0)
        rc = b->ops->drop(b, problems);
    else if (result == FOSTER_ERROR_NOT_FOUND && b && kind->stop_server)
        kind->stop_server(b, problems);
    if (result == FOSTER_OK || result == FOSTER_ERROR_NOT_FOUND)
        rc = rc == 0 ? forget_run(kind, s->runtime_dir, r->run_id, problems) : rc;
    if (b)
        b->ops->free(b);
    if (result == FOSTER_ERROR_NOT_FOUND)
        result = FOSTER_OK;
    return result == FOSTER_OK && rc < 0 ? FOSTER_ERROR_DATABASE : result;
}

/*
 * A run killed between creating its database and marking it may have left a
 * half-made database: its kind finishes it (PostgreSQL: marks and drops it
 * when it fits the run and holds nothing). Says what it did.
 */
static void finish_half_made(foster_session *s)
{
    const backend_kind *kind =
        backend_kind_of_run(s->record.backend ? s->record.backend : "", s->record.server);
    if (!kind || !kind->finish_half_made || !s->record.database)
        return;
    backend_setup setup = session_setup(s);
    backend_run run = recorded_run(s);
    run.run_id = s->record.run_id;
    run.database = s->record.database;
    kind->finish_half_made(&setup, &run, say_progress, s);
}

/* The server (container, cluster) a run recorded before it had a database. */
static void stop_recorded_server(foster_session *s)
{
    const backend_kind *kind =
        backend_kind_of_run(s->record.backend ? s->record.backend : "", s->record.server);
    backend_run run = recorded_run(s);
    run.run_id = s->record.run_id;
    if (kind && kind->stop_recorded_server)
        kind->stop_recorded_server(&run);
}

foster_result foster_attach(foster_session *s, const char *run_id)
{
    session_clear_error(s);
    if (s->state == SESSION_PROVISIONED) {
        diag_add(&s->problems, NULL, 0, 0, "this session has a database already");
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    if (run_id && !runstate_valid_id(run_id)) {
        diag *d = diag_add(&s->problems, NULL, 0, 0, "\"%s\" is not a run id", run_id);
        diag_set_hint(d, "a run id is the 8 hex digits `foster up` prints (FOSTER_RUN_ID)");
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    if (!s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    run_record_free(&s->record);
    int found;
    if (run_id) {
        found = run_record_read(s->runtime_dir, run_id, &s->record, &s->problems);
    } else {
        char *manifest = session_absolute_path(s->manifest_path);
        if (!manifest)
            return session_fail(s, FOSTER_ERROR_NOMEM);
        found = run_record_find_kept(s->runtime_dir, manifest, &s->record, &s->problems);
        free(manifest);
    }
    if (found < 0)
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    if (found > 0) {
        diag *d = run_id ? diag_add(&s->problems, NULL, 0, 0, "no run %s", run_id)
                         : diag_add(&s->problems, s->manifest_path, 0, 0,
                                    "no database left by `foster up` for this manifest");
        diag_set_hint(diag_set_kind(d, DIAG_NOT_FOUND), "runs are recorded in %s", s->runtime_dir);
        return session_fail(s, FOSTER_ERROR_NOT_FOUND);
    }
    if (!s->record.url) {
        /* Killed before the database was made and marked: the record remains,
         * perhaps the server it was starting, perhaps a half-made database. */
        stop_recorded_server(s);
        finish_half_made(s);
        run_record_remove(s->runtime_dir, s->record.run_id, &s->problems);
        diag_set_kind(diag_add(&s->problems, NULL, 0, 0, "run %s never created its database",
                               s->record.run_id),
                      DIAG_NOT_FOUND);
        return session_fail(s, FOSTER_ERROR_NOT_FOUND);
    }
    snprintf(s->run_id, sizeof s->run_id, "%s", s->record.run_id);
    free(s->database_name);
    s->database_name = strdup(s->record.database ? s->record.database : s->record.url);
    if (!s->database_name)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    foster_result result = open_recorded(s);
    if (result == FOSTER_ERROR_NOT_FOUND) {
        /* Removed by hand, or its server went away: only the record is left; and
         * an ephemeral server that still runs goes with it. */
        if (s->backend && s->kind->stop_server)
            s->kind->stop_server(s->backend, &s->problems);
        session_progress(s, "run %s: %s is already gone; removing its record", s->run_id,
                         s->database_name);
        s->state = SESSION_GONE;
        return forget_run(s->kind, s->runtime_dir, s->run_id, &s->problems) == 0
                   ? FOSTER_OK
                   : session_fail(s, FOSTER_ERROR_SYSTEM);
    }
    if (result != FOSTER_OK)
        return session_fail(s, result);
    s->state = SESSION_PROVISIONED;
    s->kept = true;
    result = session_build_environment(s);
    return result == FOSTER_OK ? FOSTER_OK : session_fail(s, result);
}

/* Whether `url` is a server's (a kind that takes URLs claims it), not a file's. */
static bool is_server_url(const char *url)
{
    const backend_kind *kind = backend_kind_for_url(url);
    return kind && kind->takes_url;
}

char *foster_url_problem(const char *url, bool postgres)
{
    char *problem = NULL;
    if (!postgres && !is_server_url(url))
        return NULL;
    /* The kind whose URL it is reads it; what no kind claims is taken for libpq's. */
    const backend_kind *kind = backend_kind_for_url(url);
    if (kind && kind->takes_url && kind->url_problem)
        return kind->url_problem(url);
    if (pg_conninfo_check(url, &problem) == 0)
        return NULL;
    return problem ? problem : strdup("out of memory");
}

/*
 * One diag for each server URL (options; with `manifest`, [postgres] and
 * [mysql] url at their lines) its kind cannot read.
 */
int session_check_urls(foster_session *s, bool manifest)
{
    const char *urls[] = {s->postgres_url, s->manifest.postgres_url, s->manifest.mysql_url};
    const int lines[] = {0, s->manifest.postgres_url_line, s->manifest.mysql_url_line};
    int rc = 0;
    for (size_t i = 0; i < (manifest ? 3 : 1); i++) {
        char *problem = urls[i] ? foster_url_problem(urls[i], true) : NULL;
        if (!problem)
            continue;
        static const char *const formats[] = {"server URL: %s", "url of [postgres]: %s",
                                              "url of [mysql]: %s"};
        diag *d =
            diag_add(&s->problems, i ? s->manifest.path : NULL, lines[i], 0, formats[i], problem);
        diag_set_hint(d, i == 2 ? "expected mysql://USER:PASSWORD@HOST:PORT/"
                                : "expected postgresql://USER@HOST:PORT/DATABASE or key=value "
                                  "pairs");
        free(problem);
        rc = -1;
    }
    return rc;
}

foster_result foster_load(foster_session *s, const char *url, const char *const *files,
                          size_t file_count, bool force)
{
    session_clear_error(s);
    if (!session_usable(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    /* No URL: the session's own database (provisioned or attached, so marked). */
    bool own = !url;
    if (own && s->state != SESSION_PROVISIONED) {
        diag_add(&s->problems, NULL, 0, 0, "no database to load into: give a URL");
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    const backend_kind *kind = own ? NULL : backend_kind_for_url(url);
    backend *b = own ? s->backend : kind ? kind->for_url() : NULL;
    char *problem = own ? NULL : foster_url_problem(url, false);
    if (problem) {
        diag_add(&s->problems, NULL, 0, 0, "%s", problem);
        free(problem);
        if (b)
            b->ops->free(b);
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    if (!b)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    bool marked = own;
    foster_result result = FOSTER_OK;
    diag_kind opened = own ? DIAG_NONE : b->ops->open_existing(b, url, &marked, &s->problems);
    if (opened != DIAG_NONE) {
        char *shown = opened == DIAG_NOT_FOUND && kind && kind->redact ? kind->redact(url) : NULL;
        if (opened == DIAG_NOT_FOUND)
            diag_set_kind(diag_add(&s->problems, NULL, 0, 0, "%s: no such database",
                                   !kind || !kind->redact ? url
                                   : shown                ? shown
                                                          : "the database"),
                          DIAG_NOT_FOUND);
        free(shown);
        result = opened == DIAG_NOT_FOUND ? FOSTER_ERROR_NOT_FOUND : FOSTER_ERROR_DATABASE;
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
                                  .report = session_report_table,
                                  .tick = session_report_tick,
                                  .report_context = s,
                                  .interrupt = s->options.interrupt};
        translate_notes skipped = {0};
        loader.details = &skipped.details;
        if (fixtures_load_files(&loader, files, file_count, &s->problems) < 0)
            result = loader.interrupted ? FOSTER_ERROR_INTERRUPTED : FOSTER_ERROR_INPUT;
        session_report_notes_of(s, &skipped);
        translate_notes_clear(&skipped);
    }
    if (!own)
        b->ops->free(b);
    return result == FOSTER_OK ? FOSTER_OK : session_fail(s, result);
}

static void report_wait(void *context, double elapsed, const char *reason)
{
    const foster_options *options = context;
    char *line = strbuf_format("waiting for the server (%.1f s): %s", elapsed, reason);
    if (line)
        options->progress(options->progress_context, line);
    free(line);
}

/* The kind that waits for `url`: the one that takes it, else the first that can wait. */
static const backend_kind *waiting_kind(const char *url)
{
    const backend_kind *kind = backend_kind_for_url(url);
    for (size_t i = 0; !(kind && kind->wait) && backend_kind_at(i); i++)
        kind = backend_kind_at(i);
    return kind && kind->wait ? kind : NULL;
}

foster_result foster_wait(const char *url, double timeout, const foster_options *options,
                          char *message, size_t message_size)
{
    backend_wait_options wait = {.timeout = timeout, .confirmations = 1};
    if (options && options->progress) {
        wait.progress = report_wait;
        wait.progress_context = (void *)options;
    }
    if (options)
        wait.interrupt = options->interrupt;
    diag_list diags = DIAG_LIST_INIT;
    const backend_kind *kind = waiting_kind(url ? url : "");
    backend_wait_result result =
        kind ? kind->wait(url ? url : "", &wait, &diags) : BACKEND_WAIT_FAILED;
    const diag *last = diag_list_last(&diags);
    const char *said = result == BACKEND_WAIT_READY ? "ready"
                       : result == BACKEND_WAIT_INTERRUPTED
                           ? "interrupted while waiting for the server"
                           : "the server is not ready";
    if (message_size)
        snprintf(message, message_size, "%s", last ? last->message : said);
    diag_list_clear(&diags);
    switch (result) {
    case BACKEND_WAIT_READY:
        return FOSTER_OK;
    case BACKEND_WAIT_TIMEOUT:
        return FOSTER_ERROR_TIMEOUT;
    case BACKEND_WAIT_INTERRUPTED:
        return FOSTER_ERROR_INTERRUPTED;
    default:
        return FOSTER_ERROR_DATABASE;
    }
}
