/*
 * mywait.h — waiting until a MySQL or MariaDB server accepts connections,
 * for `foster wait mysql://…` and for foster's own server (mysql-cluster).
 *
 * As for PostgreSQL (pgwait.h, and the shared loop in waitloop.h): "not ready
 * yet" is retried with capped exponential backoff (5 ms, x1.5, at most
 * 250 ms) until the timeout; "will never work" fails at once with the
 * server's message. Which is which is decided by the error number, never by
 * message text (servers translate their messages):
 *
 *   retried:  2002 no socket, or refused (libmariadb says 2002 for TCP too),
 *             2003 refused on TCP (MySQL's client),
 *             2006 server gone away, 2013 lost the connection (starting or
 *             shutting down), 1040 too many connections, 1203 and 1226 too
 *             many connections for the user, 1053 server shutting down,
 *             1927 connection killed, 4031 disconnected by the server,
 *             2005 unknown host (a compose service not yet in DNS), and any
 *             number not listed as fatal
 *   at once:  1044/1045 access denied, 1049 unknown database, 1129 host
 *             blocked, 1130 host not allowed, 1251/2059 authentication
 *             method, 1524 plugin not loaded, 1698 access denied (unix
 *             socket authentication), 1862 password expired, 2026 TLS,
 *             and a URL that does not parse
 *
 * Ready means `SELECT 1` succeeded `confirmations` times in a row. Every
 * attempt is non-blocking (libmariadb's _start/_cont API) and waits on its
 * socket in 50 ms slices, so it never outlives the time left and Ctrl-C is
 * noticed at once.
 */
#ifndef FOSTER_MYWAIT_H
#define FOSTER_MYWAIT_H

#include <signal.h>
#include <stdbool.h>

#include "diag.h"
#include "myurl.h"

typedef enum my_wait_result {
    MY_WAIT_READY = 0,
    MY_WAIT_TIMEOUT,     /* not ready when the time ran out (diag: the last reason) */
    MY_WAIT_FATAL,       /* waiting cannot help (diag: the server's message) */
    MY_WAIT_INTERRUPTED, /* *interrupt became non-zero (no diag) */
    MY_WAIT_BAD_URL,     /* the URL does not parse (diag from my_url_parse): exit 2 */
} my_wait_result;

typedef struct my_wait_options {
    double timeout;    /* seconds; <= 0: one attempt of at most 10 s */
    int confirmations; /* < 1 means 1 */
    void (*progress)(void *context, double elapsed, const char *reason); /* may be NULL */
    void *progress_context;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} my_wait_options;

/* Whether waiting can help after error `number` (see the table above). */
bool my_wait_error_is_retryable(unsigned number);

/*
 * Waits for the server `url` names. One diag on TIMEOUT ("mysql://app@h:3306/
 * db: not ready after 2.0 s: <message> (error 2003)", or "not ready:" with
 * one attempt), FATAL ("<URL>: Access denied for user … (error 1045)") and
 * BAD_URL; none otherwise. `options` may be NULL (one attempt).
 */
my_wait_result my_wait(const char *url, const my_wait_options *options, diag_list *diags);

/* The same for a parsed URL (never BAD_URL). */
my_wait_result my_wait_url(const my_url *url, const my_wait_options *options, diag_list *diags);

#endif
