/*
 * pgwait.c — waiting until a PostgreSQL server accepts connections. See pgwait.h.
 *
 * Every attempt uses libpq's asynchronous API (PQconnectStart, PQconnectPoll,
 * PQsendQuery) and waits on the socket in slices of at most 50 ms, so that an
 * attempt never outlives the remaining time (libpq's own connect_timeout only
 * applies to its blocking calls), Ctrl-C is noticed at once and the progress
 * callback keeps its beat even while one attempt hangs. The one blocking step
 * left is the host name lookup inside PQconnectStart (getaddrinfo).
 *
 * Which failures are worth waiting out is decided in pgfailure.c, by the
 * server's SQLSTATE where it sent one; keeping passwords out of the messages
 * is pgredact.c's job.
 */
#include "pgwait.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clocale.h"
#include "pgwait_internal.h"
#include "pqapi.h"
#include "strbuf.h"
#include "waitloop.h"

/* With timeout <= 0 the one attempt still needs a bound when the conninfo sets no
 * connect_timeout: a host that drops packets would otherwise hang it for minutes. */
#define SINGLE_ATTEMPT_SECONDS 10.0

/* One attempt's verdict (waitloop.h). */
typedef wait_attempt_result attempt_result;
#define ATTEMPT_READY       WAIT_ATTEMPT_READY
#define ATTEMPT_NOT_READY   WAIT_ATTEMPT_NOT_READY
#define ATTEMPT_FATAL       WAIT_ATTEMPT_FATAL
#define ATTEMPT_INTERRUPTED WAIT_ATTEMPT_INTERRUPTED
#define ATTEMPT_NO_MEMORY   WAIT_ATTEMPT_NO_MEMORY

typedef struct waiter {
    const char *conninfo;
    const pg_wait_options *options;
    char *subject; /* the conninfo as messages show it */
    pg_redact_secrets secrets;
    wait_loop loop; /* the retrying, backoff and progress (waitloop.h) */
} waiter;

typedef enum wait_outcome { WAIT_DONE, WAIT_TIMED_OUT, WAIT_INTERRUPTED } wait_outcome;

/* Waits until `socket` has `events` (socket < 0: just sleeps) or `until` comes. */
static wait_outcome wait_until(waiter *w, int socket, short events, double until)
{
    switch (wait_loop_poll(&w->loop, socket, events, until)) {
    case WAIT_POLL_INTERRUPTED:
        return WAIT_INTERRUPTED;
    case WAIT_POLL_TIMED_OUT:
        return WAIT_TIMED_OUT;
    default:
        return WAIT_DONE;
    }
}

static attempt_result fail_with_message(const char *message, char **reason)
{
    return pg_failure_classify_message(message, reason) == PG_FAILURE_FATAL ? ATTEMPT_FATAL
                                                                            : ATTEMPT_NOT_READY;
}

static char *timed_out_reason(double limit)
{
    return strbuf_format("no answer within %.1f s", limit);
}

static void ignore_notice(void *context, const char *message)
{
    (void)context;
    (void)message;
}

/* Connects (PQconnectPoll driven by poll(2)); CONNECTION_OK when the result is ATTEMPT_READY. */
static attempt_result connect_once(waiter *w, PGconn *conn, double until, double limit,
                                   char **reason)
{
    PostgresPollingStatusType status =
        PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        int socket = PQsocket(conn);
        wait_outcome waited = wait_until(w, socket, events, until);
        if (waited == WAIT_INTERRUPTED)
            return ATTEMPT_INTERRUPTED;
        if (waited == WAIT_TIMED_OUT) {
            *reason = timed_out_reason(limit);
            return *reason ? ATTEMPT_NOT_READY : ATTEMPT_NO_MEMORY;
        }
        status = PQconnectPoll(conn);
    }
    if (status == PGRES_POLLING_OK)
        return ATTEMPT_READY;
    attempt_result result = fail_with_message(PQerrorMessage(conn), reason);
    return *reason ? result : ATTEMPT_NO_MEMORY;
}

/* SELECT 1 on a connected `conn`. */
static attempt_result query_once(waiter *w, PGconn *conn, double until, double limit, char **reason)
{
    if (!PQsendQuery(conn, "SELECT 1")) {
        attempt_result result = fail_with_message(PQerrorMessage(conn), reason);
        return *reason ? result : ATTEMPT_NO_MEMORY;
    }
    while (PQisBusy(conn)) {
        wait_outcome waited = wait_until(w, PQsocket(conn), POLLIN, until);
        if (waited == WAIT_INTERRUPTED)
            return ATTEMPT_INTERRUPTED;
        if (waited == WAIT_TIMED_OUT) {
            *reason = timed_out_reason(limit);
            return *reason ? ATTEMPT_NOT_READY : ATTEMPT_NO_MEMORY;
        }
        if (!PQconsumeInput(conn))
            break; /* PQgetResult reports the lost connection */
    }
    attempt_result result = ATTEMPT_READY;
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (result == ATTEMPT_READY && PQresultStatus(res) != PGRES_TUPLES_OK) {
            const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            if (sqlstate && primary) {
                *reason = strdup(primary);
                result = pg_failure_classify_sqlstate(sqlstate) == PG_FAILURE_FATAL
                             ? ATTEMPT_FATAL
                             : ATTEMPT_NOT_READY;
            } else { /* no SQLSTATE: libpq lost the connection */
                const char *message = PQresultErrorMessage(res);
                result = fail_with_message(*message ? message : PQerrorMessage(conn), reason);
            }
            if (!*reason)
                result = ATTEMPT_NO_MEMORY;
        }
        PQclear(res);
    }
    return result;
}

/* The subject of messages when the conninfo is empty: what libpq's defaults chose. */
static void describe_default_server(waiter *w, PGconn *conn)
{
    const char *host = PQhost(conn);
    const char *port = PQport(conn);
    char *subject = strbuf_format("default server (host=%s port=%s)", host && *host ? host : "?",
                                  port && *port ? port : "?");
    if (subject) {
        free(w->subject);
        w->subject = subject;
    }
}

/* One connection and SELECT 1, given up at `until` (`limit` seconds from now). */
static attempt_result attempt_once(void *context, wait_loop *loop, double until, double limit,
                                   char **reason)
{
    waiter *w = context;
    (void)loop; /* w->loop */
    *reason = NULL;
    c_locale_scope english = c_locale_begin(); /* libpq's own messages are read by their words */
    PGconn *conn = PQconnectStart(w->conninfo);
    attempt_result result = ATTEMPT_NO_MEMORY;
    if (conn) {
        pg_failure_verbose_errors(conn);
        PQsetNoticeProcessor(conn, ignore_notice, NULL);
        if (!*w->subject)
            describe_default_server(w, conn);
        result = connect_once(w, conn, until, limit, reason);
        if (result == ATTEMPT_READY)
            result = query_once(w, conn, until, limit, reason);
        PQfinish(conn);
    }
    c_locale_end(english);
    return result;
}

double pg_connect_timeout(const PQconninfoOption *options)
{
    const char *value = getenv("PGCONNECT_TIMEOUT");
    for (const PQconninfoOption *o = options; o && o->keyword; o++)
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val)
            value = o->val;
    long seconds = value ? strtol(value, NULL, 10) : 0;
    if (seconds <= 0)
        return 0;
    return seconds < 2 ? 2 : (double)seconds; /* libpq's own rule */
}

static pg_wait_result report(waiter *w, pg_wait_result result, const char *reason, diag_list *diags)
{
    char *clean = reason ? pg_redact_scrub(reason, &w->secrets) : NULL;
    const char *text = clean ? clean : "out of memory";
    diag *d = NULL;
    if (result == PG_WAIT_TIMEOUT && w->options->timeout > 0) /* the time asked for */
        d = diag_add(diags, NULL, 0, 0, "%s: not ready after %.1f s: %s", w->subject,
                     w->options->timeout, text);
    else if (result == PG_WAIT_TIMEOUT) /* the one attempt failed */
        d = diag_add(diags, NULL, 0, 0, "%s: not ready: %s", w->subject, text);
    else if (result == PG_WAIT_FATAL)
        d = diag_add(diags, NULL, 0, 0, "%s: %s", w->subject, text);
    if (w->secrets.unencoded_url_password)
        diag_set_hint(d, "write \"@\" in a URL's password as %%40 and \"/\" as %%2F");
    free(clean);
    return result;
}

static pg_wait_result run_loop(waiter *w, double attempt_seconds, diag_list *diags)
{
    char *reason = NULL;
    wait_loop_result result = wait_loop_run(&w->loop, attempt_seconds, attempt_once, w, &reason);
    pg_wait_result outcome = PG_WAIT_READY;
    if (result == WAIT_LOOP_INTERRUPTED)
        outcome = PG_WAIT_INTERRUPTED;
    else if (result == WAIT_LOOP_TIMEOUT)
        outcome = report(w, PG_WAIT_TIMEOUT, reason, diags);
    else if (result == WAIT_LOOP_FATAL)
        outcome = report(w, PG_WAIT_FATAL, reason, diags);
    free(reason);
    return outcome;
}

pg_wait_result pg_wait(const char *conninfo, const pg_wait_options *options, diag_list *diags)
{
    static const pg_wait_options defaults = {0};
    waiter w = {.conninfo = conninfo ? conninfo : "", .options = options ? options : &defaults};
    w.loop = (wait_loop){.timeout = w.options->timeout,
                         .confirmations = w.options->confirmations,
                         .progress = w.options->progress,
                         .progress_context = w.options->progress_context,
                         .interrupt = w.options->interrupt};
    wait_loop_begin(&w.loop);
    w.subject = pg_redact_conninfo_secrets(w.conninfo, &w.secrets);
    if (!w.subject || w.secrets.failed) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        free(w.subject);
        pg_redact_secrets_free(&w.secrets);
        return PG_WAIT_FATAL;
    }
    pg_wait_result result;
    char *error = NULL;
    c_locale_scope english = c_locale_begin(); /* libpq's own messages are read by their words */
    PQconninfoOption *parsed = PQconninfoParse(w.conninfo, &error);
    c_locale_end(english);
    if (!parsed) { /* rejected at once: waiting cannot mend a malformed string */
        char *reason = NULL;
        if (error)
            pg_failure_classify_message(error, &reason);
        result = report(&w, PG_WAIT_FATAL, reason, diags);
        free(reason);
    } else {
        double attempt_seconds = pg_connect_timeout(parsed);
        if (w.options->timeout <= 0 && attempt_seconds == 0)
            attempt_seconds = SINGLE_ATTEMPT_SECONDS;
        result = run_loop(&w, attempt_seconds, diags);
    }
    PQconninfoFree(parsed);
    PQfreemem(error);
    wait_loop_end(&w.loop);
    free(w.subject);
    pg_redact_secrets_free(&w.secrets);
    return result;
}
