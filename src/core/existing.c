/*
 * existing.c — reaching databases that exist already: a run kept by `up`
 * or --keep (foster_attach, for down and reset), any test database by URL
 * (foster_load), and a PostgreSQL server that may not be up yet (foster_wait).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "pgconn.h"
#include "pgmarker.h"
#include "pgwait.h"
#include "session.h"
#include "strbuf.h"

/* Host and port a connection string leads to, with libpq's defaults filled in. */
static void server_of(const char *conninfo, char *host, size_t host_size, char *port,
                      size_t port_size)
{
    const char *h = getenv("PGHOST"), *p = getenv("PGPORT");
    PQconninfoOption *options = PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = options; o && o->keyword; o++) {
        if (o->val && *o->val && strcmp(o->keyword, "host") == 0)
            h = o->val;
        if (o->val && *o->val && strcmp(o->keyword, "port") == 0)
            p = o->val;
    }
    snprintf(host, host_size, "%s", h && *h ? h : "/var/run/postgresql");
    snprintf(port, port_size, "%s", p && *p ? p : "5432");
    PQconninfoFree(options);
}

/*
 * A database missing from the server foster points at now is gone only if
 * that is the server the run used: -u (or the manifest) may have changed
 * since, and the database may be alive elsewhere.
 */
static bool recorded_on_this_server(foster_session *s)
{
    char recorded_host[512], recorded_port[32], host[512], port[32];
    server_of(s->record.url, recorded_host, sizeof recorded_host, recorded_port,
              sizeof recorded_port);
    server_of(session_server_conninfo(s), host, sizeof host, port, sizeof port);
    if (strcmp(recorded_host, host) == 0 && strcmp(recorded_port, port) == 0)
        return true;
    diag *d = diag_add(&s->problems, NULL, 0, 0,
                       "run %s was made on the server at %s:%s, not on %s:%s where foster "
                       "looks now",
                       s->run_id, recorded_host, recorded_port, host, port);
    diag_set_hint(d, "give that server with -u URL (or [postgres] url) to remove the run");
    return false;
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
    } else if (strcmp(kind, "postgres") == 0 || session_is_cluster(kind) ||
               strcmp(kind, "container") == 0) {
        if (session_is_cluster(kind) && (!s->record.server || access(s->record.server, F_OK) < 0))
            return FOSTER_ERROR_NOT_FOUND; /* the whole server is gone */
        if (strcmp(kind, "container") == 0) {
            diag_list attach_problems = DIAG_LIST_INIT;
            s->source = pg_source_container_attach(s->record.server, &attach_problems);
            /* removed by the engine (a restart removes --rm containers): gone */
            const diag *d = diag_list_last(&attach_problems);
            bool gone = !s->source && d && strcasestr(d->message, "no such");
            diag_list_move(&s->problems, &attach_problems);
            if (gone) {
                diag_list_clear(&s->problems);
                return FOSTER_ERROR_NOT_FOUND;
            }
        } else if (session_is_cluster(kind))
            s->source =
                pg_source_cluster_attach(s->record.server, s->record.server_pid, &s->problems);
        else
            s->source = pg_source_existing(session_server_conninfo(s));
        if (!s->source)
            return s->problems.count ? FOSTER_ERROR_DATABASE : FOSTER_ERROR_NOMEM;
        s->backend = backend_postgres_new(s->source);
        if (!s->backend)
            s->source->ops->free(s->source);
        else
            session_set_postgres_owner(s, s->backend);
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
    if (rc > 0 && strcmp(kind, "postgres") == 0 && !recorded_on_this_server(s))
        return FOSTER_ERROR_INPUT;
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

/*
 * A run on an existing server killed between CREATE DATABASE and its COMMENT
 * left a database its record names but no marker: when it fits the run and
 * holds nothing (pg_adopt_half_made), it is marked and dropped. Says what it did.
 */
static void finish_half_made(foster_session *s)
{
    if (!s->record.backend || strcmp(s->record.backend, "postgres") != 0 || !s->record.database)
        return;
    pg_source *source = pg_source_existing(session_server_conninfo(s));
    char *admin_info = source ? source->ops->conninfo(source, NULL) : NULL;
    char *database_info = source ? source->ops->conninfo(source, s->record.database) : NULL;
    char *marker = pg_marker_text(s->record.run_id, NULL, false);
    diag_list problems = DIAG_LIST_INIT;
    PGconn *admin = admin_info && marker ? pgconn_connect(admin_info, &problems) : NULL;
    diag_list absent = DIAG_LIST_INIT; /* a database that was never created cannot be reached */
    PGconn *database = admin ? pgconn_connect(database_info, &absent) : NULL;
    const char *why = NULL;
    int adopted = admin ? pg_adopt_half_made(admin, database, s->record.database, s->record.run_id,
                                             marker, &why, &problems)
                        : -1;
    if (adopted > 0 && pg_drop_marked(admin, s->record.database, &problems) == 0)
        session_progress(s, "run %s: dropped its half-made database %s", s->record.run_id,
                         s->record.database);
    else if (adopted == 0 && strcmp(why, "it does not exist") != 0)
        session_progress(s, "left database %s: %s", s->record.database, why);
    else if (adopted != 0) {
        const diag *d = diag_list_last(&problems);
        session_progress(s, "could not finish the half-made database %s: %s", s->record.database,
                         d ? d->message : "out of memory");
    }
    PQfinish(database);
    PQfinish(admin);
    diag_list_clear(&absent);
    diag_list_clear(&problems);
    free(marker);
    free(admin_info);
    free(database_info);
    if (source)
        source->ops->free(source);
}

/* The server (container, cluster) a run recorded before it had a database. */
static void stop_recorded_server(foster_session *s)
{
    const char *kind = s->record.backend ? s->record.backend : "";
    diag_list ignored = DIAG_LIST_INIT;
    pg_source *source = NULL;
    if (s->record.server && strcmp(kind, "container") == 0)
        source = pg_source_container_attach(s->record.server, &ignored);
    else if (s->record.server && session_is_cluster(kind) && access(s->record.server, F_OK) == 0)
        source = pg_source_cluster_attach(s->record.server, s->record.server_pid, &ignored);
    if (source) {
        source->ops->stop(source, &ignored);
        source->ops->free(source);
    }
    diag_list_clear(&ignored);
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
        diag_set_hint(d, "runs are recorded in %s", s->runtime_dir);
        return session_fail(s, FOSTER_ERROR_NOT_FOUND);
    }
    if (!s->record.url) {
        /* Killed before the database was made and marked: the record remains,
         * perhaps the server it was starting, perhaps a half-made database. */
        stop_recorded_server(s);
        finish_half_made(s);
        run_record_remove(s->runtime_dir, s->record.run_id, &s->problems);
        diag_add(&s->problems, NULL, 0, 0, "run %s never created its database", s->record.run_id);
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
        if (s->source && s->source->ephemeral)
            s->source->ops->stop(s->source, &s->problems);
        session_progress(s, "run %s: %s is already gone; removing its record", s->run_id,
                         s->database_name);
        s->state = SESSION_GONE;
        return run_record_remove(s->runtime_dir, s->run_id, &s->problems) == 0
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

static bool is_postgres_url(const char *url)
{
    return strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0 ||
           strchr(url, '=') != NULL;
}

char *foster_url_problem(const char *url, bool postgres)
{
    char *problem = NULL;
    if ((!postgres && !is_postgres_url(url)) || pg_conninfo_check(url, &problem) == 0)
        return NULL;
    return problem ? problem : strdup("out of memory");
}

/* One diag for each server URL (options, [postgres] url at its line) libpq cannot read. */
int session_check_urls(foster_session *s)
{
    const char *urls[] = {s->postgres_url, s->manifest.postgres_url};
    int rc = 0;
    for (size_t i = 0; i < 2; i++) {
        char *problem = urls[i] ? foster_url_problem(urls[i], true) : NULL;
        if (!problem)
            continue;
        diag *d = i == 0 ? diag_add(&s->problems, NULL, 0, 0, "server URL: %s", problem)
                         : diag_add(&s->problems, s->manifest.path, s->manifest.postgres_url_line,
                                    0, "url of [postgres]: %s", problem);
        diag_set_hint(d, "expected postgresql://USER@HOST:PORT/DATABASE or key=value pairs");
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
    backend *b = own                    ? s->backend
                 : is_postgres_url(url) ? backend_postgres_new(NULL)
                                        : backend_sqlite_new(NULL);
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
    int opened = own ? 0 : b->ops->open_existing(b, url, &marked, &s->problems);
    if (opened != 0) {
        bool postgres = is_postgres_url(url);
        char *shown = opened > 0 && postgres ? pg_redact_conninfo(url) : NULL;
        if (opened > 0)
            diag_add(&s->problems, NULL, 0, 0, "%s: no such database",
                     !postgres ? url
                     : shown   ? shown
                               : "the database");
        free(shown);
        result = opened > 0 ? FOSTER_ERROR_NOT_FOUND : FOSTER_ERROR_DATABASE;
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
        if (fixtures_load_files(&loader, files, file_count, &s->problems) < 0)
            result = loader.interrupted ? FOSTER_ERROR_INTERRUPTED : FOSTER_ERROR_INPUT;
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
    const char *said = result == PG_WAIT_READY         ? "ready"
                       : result == PG_WAIT_INTERRUPTED ? "interrupted while waiting for the server"
                                                       : "the server is not ready";
    if (message_size)
        snprintf(message, message_size, "%s", last ? last->message : said);
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
