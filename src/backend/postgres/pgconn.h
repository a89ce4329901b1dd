/*
 * pgconn.h — libpq helpers shared by the PostgreSQL backend and its
 * servers. Every function that can fail adds one diag and returns -1 or NULL.
 */
#ifndef FOSTER_PGCONN_H
#define FOSTER_PGCONN_H

#include <signal.h>

#include "diag.h"
#include "pqapi.h"
#include "strbuf.h"

/* The first line of a libpq message without "ERROR:  "/"FATAL:  "; caller frees. */
char *pgconn_short_message(const char *message);

/* Adds "what: <the connection's last error>". */
void pgconn_add_error(diag_list *diags, PGconn *conn, const char *what);
/* Adds "what: <the failed result's message>". */
void pgconn_add_result_error(diag_list *diags, const PGresult *result, const char *what);

/*
 * PQconnectdb as foster connects: a refusal the server sends keeps its
 * SQLSTATE in the message (pgwait.h: pg_failure_verbose_errors), libpq's own
 * messages are in English, and connect_timeout is kept. Never NULL unless
 * memory ran out; check PQstatus, and read a failure with pgconn_error.
 */
PGconn *pgconn_open(const char *conninfo);

/* Why pgconn_open's connection failed: libpq's message, or "timeout expired"; NULL for NULL. */
const char *pgconn_error(PGconn *conn);

/*
 * How long a connection waits out a busy server: one that has no free
 * connection slot (SQLSTATE 53300, "too many clients") or does not accept
 * connections yet (57P03: starting up, in recovery, or shutting down), told
 * by the SQLSTATE whatever the server's language.
 */
typedef struct pgconn_patience {
    double seconds;                                  /* <= 0: FOSTER_BUSY_TIMEOUT, else 60 */
    void (*report)(void *context, const char *line); /* once, when it starts waiting; may be NULL */
    void *context;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} pgconn_patience;

/* The default bound in seconds: $FOSTER_BUSY_TIMEOUT when it is a number >= 0, else 60. */
double pgconn_busy_timeout(void);

/*
 * Connects to `conninfo` (URL or key=value); notices are silenced. A busy
 * server is retried with capped backoff (10 ms, x1.5, at most 500 ms, with
 * jitter) for `patience` (NULL: the default bound, silently). NULL with a
 * diag naming the server (password redacted) and what libpq said last.
 */
PGconn *pgconn_connect_patiently(const char *conninfo, const pgconn_patience *patience,
                                 diag_list *diags);

/* pgconn_connect_patiently with the default patience. */
PGconn *pgconn_connect(const char *conninfo, diag_list *diags);

/* Runs `sql`; 0, or -1 with the diag "what: <server message>". */
int pgconn_command(PGconn *conn, const char *sql, const char *what, diag_list *diags);

/* `name` as a quoted identifier, a new string the caller frees (NULL: no memory). */
char *pgconn_quote_identifier(PGconn *conn, const char *name);

/* schema.table (or table when `schema` is NULL), quoted; caller frees. */
char *pgconn_quote_table(PGconn *conn, const char *schema, const char *table);

/*
 * postgresql://user@host:port/database, or for a unix socket directory
 * postgresql://user@/database?host=/dir&port=N (docs/environment.md); no password ever.
 * Caller frees; NULL when memory ran out.
 */
char *pgconn_url(const char *user, const char *host, const char *port, const char *database);
/*
 * The dbname of a conninfo of keyword=value pairs, values bare or quoted as
 * pgconn_append_value quotes them, read without libpq (a new string); NULL
 * when `conninfo` is not of that form or names none (a URL, say: libpq's
 * PQconninfoParse reads the others).
 */
char *pgconn_database_named(const char *conninfo);

/*
 * Appends keyword='value' to a key=value connection string (a space first
 * unless `sb` is empty), quoting the value as libpq requires.
 */
void pgconn_append_value(strbuf *sb, const char *keyword, const char *value);

#endif
