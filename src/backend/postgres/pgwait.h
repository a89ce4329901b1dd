/*
 * pgwait.h — waiting until a PostgreSQL server accepts connections, as
 * `foster wait` does and as the cluster and container backends do after
 * starting a server.
 *
 * Tells "not ready yet" (nothing listens yet, the server is starting up or
 * shutting down, too many connections) from "will never work" (bad URL,
 * authentication failed, no such database or role, no pg_hba.conf entry):
 * the first is retried with exponential backoff (from 5 ms, x1.5, capped at
 * 250 ms) until the timeout; the second fails at once with the server's
 * message. Ready means a real query (SELECT 1) succeeded `confirmations`
 * times in a row (the official container image restarts once during its
 * initialisation, so a single success can be a false start).
 */
#ifndef FOSTER_PGWAIT_H
#define FOSTER_PGWAIT_H

#include <signal.h>
#include <stdbool.h>

#include "diag.h"
#include "pqapi.h"

typedef enum pg_wait_result {
    PG_WAIT_READY = 0,
    PG_WAIT_TIMEOUT,     /* still not ready when the time ran out (diag: the last reason) */
    PG_WAIT_FATAL,       /* waiting cannot help (diag: the server's or libpq's message) */
    PG_WAIT_INTERRUPTED, /* *interrupt became non-zero */
} pg_wait_result;

/* Called about every second while waiting; `reason` says what the last attempt got. */
typedef void (*pg_wait_progress_fn)(void *context, double elapsed, const char *reason);

typedef struct pg_wait_options {
    /* seconds; <= 0 means one attempt (bounded by the conninfo's connect_timeout, else 10 s) */
    double timeout;
    int confirmations;            /* successes in a row that count as ready; < 1 means 1 */
    pg_wait_progress_fn progress; /* may be NULL */
    void *progress_context;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} pg_wait_options;

/*
 * Waits for the server `conninfo` (a URL or key=value string, as libpq takes;
 * "" means libpq's defaults and PG* environment) names. Messages never contain
 * a password: the URL is shown with its password replaced by "***".
 *
 * No attempt outlives the time left (nor the conninfo's connect_timeout), except
 * that a host name lookup cannot be cut short. One diag on TIMEOUT
 * ("URL: not ready after 2.0 s: connection refused (is a server listening?)";
 * with timeout <= 0 "URL: not ready: ...") and on FATAL ("URL: password
 * authentication failed for user \"app\""); none on READY or INTERRUPTED.
 * A conninfo libpq cannot parse is FATAL before any attempt. `options` may be
 * NULL (one attempt, one confirmation).
 */
pg_wait_result pg_wait(const char *conninfo, const pg_wait_options *options, diag_list *diags);

/*
 * `conninfo` with any password removed, for messages: a new string the caller
 * frees (NULL when memory ran out).
 */
char *pg_redact_conninfo(const char *conninfo);

/*
 * `message` (from libpq, about `conninfo`) with every form of conninfo's
 * passwords replaced by "***": libpq quotes the parts of a conninfo it
 * rejects, and takes the rest of a password with an unencoded "@" for the
 * host. A new string the caller frees (NULL when memory ran out).
 */
char *pg_redact_message(const char *conninfo, const char *message);

/*
 * Whether libpq can parse `conninfo` (a URL or key=value string): 0, or -1
 * with *problem set to what libpq said is wrong, any password removed (a new
 * string the caller frees; NULL when memory ran out).
 */
int pg_conninfo_check(const char *conninfo, char **problem);

/*
 * How foster reads a refused connection (pgfailure.c). A refusal the server
 * sent is judged by its SQLSTATE, which libpq 15 only hands over inside the
 * message, and only when the connection asked for verbose errors before it
 * was refused: call pg_failure_verbose_errors right after PQconnectStart, and
 * PQsetErrorVerbosity(conn, PQERRORS_DEFAULT) once connected.
 */
void pg_failure_verbose_errors(PGconn *conn);

/* connect_timeout of parsed options, else PGCONNECT_TIMEOUT, by libpq's rule (at least 2 s);
 * 0 when neither is set. */
double pg_connect_timeout(const PQconninfoOption *options);

/* The server's SQLSTATE in a verbose libpq message: true and `sqlstate` set, or false. */
bool pg_failure_sqlstate(const char *message, char sqlstate[6]);

/*
 * `message` as a person reads it: without the SQLSTATE that verbose errors
 * put after the severity, and without LOCATION lines. A new string the caller
 * frees (NULL when memory ran out).
 */
char *pg_failure_plain(const char *message);

/*
 * Whether a refused connection's (verbose) message says the server is busy in
 * a way that passes: "too many clients" for SQLSTATE 53300 (no free
 * connection slot, for the server, a role or a database), "starting up or
 * shutting down" for 57P03 (the code of both, of recovery and of a standby
 * not yet accepting connections). Returns that static phrase, or NULL.
 * Whatever the server's lc_messages.
 */
const char *pg_connect_busy_reason(const char *message);

#endif
