/*
 * mywait.c — waiting for a MySQL/MariaDB server. See mywait.h; the retry
 * loop itself is waitloop.c, shared with no engine in particular.
 */
#include "mywait.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "monotonic.h"
#include "myapi.h"
#include "myconn.h"
#include "strbuf.h"
#include "waitloop.h"

#define SINGLE_ATTEMPT_SECONDS 10.0

static const unsigned fatal_errors[] = {
    1044, /* ER_DBACCESS_DENIED_ERROR */
    1045, /* ER_ACCESS_DENIED_ERROR */
    1049, /* ER_BAD_DB_ERROR */
    1129, /* ER_HOST_IS_BLOCKED */
    1130, /* ER_HOST_NOT_PRIVILEGED */
    1251, /* ER_NOT_SUPPORTED_AUTH_MODE */
    1524, /* ER_PLUGIN_IS_NOT_LOADED */
    1698, /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR (unix_socket authentication) */
    1862, /* ER_MUST_CHANGE_PASSWORD_LOGIN */
    2026, /* CR_SSL_CONNECTION_ERROR */
    2059, /* CR_AUTH_PLUGIN_CANNOT_LOAD */
};

bool my_wait_error_is_retryable(unsigned number)
{
    for (size_t i = 0; i < sizeof fatal_errors / sizeof fatal_errors[0]; i++)
        if (fatal_errors[i] == number)
            return false;
    return true;
}

typedef struct attempt_context {
    const my_url *url;
    MYSQL *mysql;
} attempt_context;

/* Drives one non-blocking step to its end: `status` from a _start call; *status on return. */
static wait_attempt_result drive(wait_loop *loop, MYSQL *mysql, int *status, double until,
                                 double limit, char **reason,
                                 int (*resume)(MYSQL *mysql, int ready, void *result), void *result)
{
    while (*status) {
        short events = (short)(((*status & MYSQL_WAIT_READ) ? POLLIN : 0) |
                               ((*status & MYSQL_WAIT_WRITE) ? POLLOUT : 0) |
                               ((*status & MYSQL_WAIT_EXCEPT) ? POLLPRI : 0));
        double step_until = until;
        if (*status & MYSQL_WAIT_TIMEOUT) {
            double library = monotonic_seconds() + mysql_get_timeout_value_ms(mysql) / 1000.0;
            step_until = library < until ? library : until;
        }
        wait_poll_result waited = wait_loop_poll(loop, mysql_get_socket(mysql), events, step_until);
        if (waited == WAIT_POLL_INTERRUPTED)
            return WAIT_ATTEMPT_INTERRUPTED;
        int ready = waited == WAIT_POLL_DONE ? *status & ~MYSQL_WAIT_TIMEOUT : MYSQL_WAIT_TIMEOUT;
        if (waited == WAIT_POLL_TIMED_OUT && step_until >= until) {
            *reason = strbuf_format("no answer within %.1f s", limit);
            return *reason ? WAIT_ATTEMPT_NOT_READY : WAIT_ATTEMPT_NO_MEMORY;
        }
        *status = resume(mysql, ready, result);
    }
    return WAIT_ATTEMPT_READY;
}

static int resume_connect(MYSQL *mysql, int ready, void *result)
{
    return mysql_real_connect_cont((MYSQL **)result, mysql, ready);
}

static int resume_query(MYSQL *mysql, int ready, void *result)
{
    return mysql_real_query_cont((int *)result, mysql, ready);
}

static int resume_store(MYSQL *mysql, int ready, void *result)
{
    return mysql_store_result_cont((MYSQL_RES **)result, mysql, ready);
}

static wait_attempt_result failed(attempt_context *c, char **reason)
{
    unsigned number = mysql_errno(c->mysql);
    char *message = my_conn_error(c->mysql, c->url->password);
    *reason = message ? strbuf_format("%s (error %u)", message, number) : NULL;
    free(message);
    if (!*reason)
        return WAIT_ATTEMPT_NO_MEMORY;
    return my_wait_error_is_retryable(number) ? WAIT_ATTEMPT_NOT_READY : WAIT_ATTEMPT_FATAL;
}

/* Connects and runs SELECT 1 on c->mysql (prepared, non-blocking). */
static wait_attempt_result connect_and_query(attempt_context *c, wait_loop *loop, double until,
                                             double limit, char **reason)
{
    const my_url *url = c->url;
    MYSQL *connected = NULL;
    int status = mysql_real_connect_start(&connected, c->mysql, url->host, url->user,
                                          url->password ? url->password : "", url->database,
                                          url->port, url->unix_socket, 0);
    wait_attempt_result result =
        drive(loop, c->mysql, &status, until, limit, reason, resume_connect, &connected);
    if (result != WAIT_ATTEMPT_READY)
        return result;
    if (!connected)
        return failed(c, reason);
    int query_error = 0;
    status = mysql_real_query_start(&query_error, c->mysql, "SELECT 1", 8);
    result = drive(loop, c->mysql, &status, until, limit, reason, resume_query, &query_error);
    if (result != WAIT_ATTEMPT_READY)
        return result;
    if (query_error)
        return failed(c, reason);
    MYSQL_RES *rows = NULL;
    status = mysql_store_result_start(&rows, c->mysql);
    result = drive(loop, c->mysql, &status, until, limit, reason, resume_store, &rows);
    if (rows)
        mysql_free_result(rows);
    else if (result == WAIT_ATTEMPT_READY)
        return failed(c, reason);
    return result;
}

static wait_attempt_result attempt_once(void *context, wait_loop *loop, double until, double limit,
                                        char **reason)
{
    attempt_context *c = context;
    c->mysql = mysql_init(NULL);
    if (!c->mysql)
        return WAIT_ATTEMPT_NO_MEMORY;
    my_conn_set_options(c->mysql, c->url, 0);
    mysql_options(c->mysql, MYSQL_OPT_NONBLOCK, 0);
    wait_attempt_result result = connect_and_query(c, loop, until, limit, reason);
    mysql_close(c->mysql); /* also aborts an attempt cut short */
    c->mysql = NULL;
    return result;
}

static void report(const my_url *url, const my_wait_options *options, wait_loop_result result,
                   const char *reason, diag_list *diags)
{
    char *subject = my_url_format(url, NULL, false);
    const char *server = subject ? subject : "server";
    const char *text = reason ? reason : "out of memory";
    if (result == WAIT_LOOP_TIMEOUT && options->timeout > 0)
        diag_add(diags, NULL, 0, 0, "%s: not ready after %.1f s: %s", server, options->timeout,
                 text);
    else if (result == WAIT_LOOP_TIMEOUT)
        diag_add(diags, NULL, 0, 0, "%s: not ready: %s", server, text);
    else if (result == WAIT_LOOP_FATAL)
        diag_add(diags, NULL, 0, 0, "%s: %s", server, text);
    free(subject);
}

my_wait_result my_wait_url(const my_url *url, const my_wait_options *options, diag_list *diags)
{
    static const my_wait_options defaults = {0};
    options = options ? options : &defaults;
    wait_loop loop = {.timeout = options->timeout,
                      .confirmations = options->confirmations,
                      .progress = options->progress,
                      .progress_context = options->progress_context,
                      .interrupt = options->interrupt};
    wait_loop_begin(&loop);
    attempt_context context = {.url = url};
    char *reason = NULL;
    double attempt_seconds = options->timeout <= 0 ? SINGLE_ATTEMPT_SECONDS : 0;
    wait_loop_result result =
        wait_loop_run(&loop, attempt_seconds, attempt_once, &context, &reason);
    report(url, options, result, reason, diags);
    free(reason);
    wait_loop_end(&loop);
    switch (result) {
    case WAIT_LOOP_READY:
        return MY_WAIT_READY;
    case WAIT_LOOP_TIMEOUT:
        return MY_WAIT_TIMEOUT;
    case WAIT_LOOP_INTERRUPTED:
        return MY_WAIT_INTERRUPTED;
    default:
        return MY_WAIT_FATAL;
    }
}

my_wait_result my_wait(const char *url, const my_wait_options *options, diag_list *diags)
{
    my_url parsed;
    if (my_url_parse(url, &parsed, diags) < 0)
        return MY_WAIT_BAD_URL;
    my_wait_result result = my_wait_url(&parsed, options, diags);
    my_url_free(&parsed);
    return result;
}
