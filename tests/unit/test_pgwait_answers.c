/*
 * test_pgwait_answers.c — pg_wait against servers that answer but are not
 * (yet) to be used: fake servers refusing the login or the first query, each
 * SQLSTATE read as "wait" or "give up"; a real server that starts a second
 * late; one whose connection slots are all taken until the progress callback
 * frees them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fake_pg_server.h"
#include "test_pgwait.h"

/*
 * pg_wait (`timeout`, one confirmation) on a fake server that answers every
 * connection with `sqlstate` and `message`, instead of the login or
 * (`at_query`) to the first query; `conninfo` gets what was waited on:
 * host=127.0.0.1 port=P, then `more`. The fake is gone when this returns.
 */
static pg_wait_result wait_for_fake_server(bool at_query, const char *sqlstate, const char *message,
                                           const char *more, double timeout, char conninfo[64],
                                           diag_list *diags, double *elapsed)
{
    int port;
    pid_t fake = spawn_fake_server(&port, at_query, sqlstate, message);
    snprintf(conninfo, 64, "host=127.0.0.1 port=%d%s", port, more);
    pg_wait_result result = wait_for(conninfo, timeout, diags, elapsed);
    kill(fake, SIGKILL);
    waitpid(fake, NULL, 0);
    return result;
}

static const char *const not_yet_messages[][2] = {
    {"57P03", "the database system is starting up"},
    {"57P03", "the database system is shutting down"},
    {"57P03", "the database system is in recovery mode"},
    {"53300", "sorry, too many clients already"},
};

START_TEST(test_server_not_ready_yet_is_waited_out)
{
    char conninfo[64];
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    pg_wait_result result =
        wait_for_fake_server(false, not_yet_messages[_i][0], not_yet_messages[_i][1],
                             " sslmode=disable", 1.0, conninfo, &diags, &elapsed);
    ck_assert_int_eq(result, PG_WAIT_TIMEOUT);
    ck_assert_double_ge(elapsed, 1.0);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: not ready after 1.0 s: %s", conninfo,
             _i == 3 ? "too many connections" : not_yet_messages[_i][1]);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

/* With sslmode=prefer (the default) too: the fake's "N" to SSLRequest is followed through. */
START_TEST(test_fake_server_rejection_is_fatal_with_its_message)
{
    char conninfo[64];
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    pg_wait_result result =
        wait_for_fake_server(false, "28000",
                             "no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", "
                             "database \"app\", no encryption",
                             "", 10, conninfo, &diags, &elapsed);
    ck_assert_int_eq(result, PG_WAIT_FATAL);
    ck_assert_double_lt(elapsed, 1.0);
    char expected[256];
    snprintf(expected, sizeof expected,
             "%s: no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"app\", "
             "no encryption",
             conninfo);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

/* SELECT 1 failing after the login: the SQLSTATE decides (57: wait, others: give up). */
START_TEST(test_query_error_retried_by_its_sqlstate)
{
    char conninfo[64], expected[256];
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    pg_wait_result result =
        wait_for_fake_server(true, "57P01", "terminating connection due to administrator command",
                             "", 0.3, conninfo, &diags, &elapsed);
    snprintf(expected, sizeof expected,
             "%s: not ready after 0.3 s: terminating connection due to administrator command",
             conninfo);
    ck_assert_int_eq(result, PG_WAIT_TIMEOUT);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_query_error_with_other_sqlstate_is_fatal)
{
    char conninfo[64], expected[256];
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    pg_wait_result result = wait_for_fake_server(true, "0A000", "this server cannot run queries",
                                                 "", 10, conninfo, &diags, &elapsed);
    snprintf(expected, sizeof expected, "%s: this server cannot run queries", conninfo);
    ck_assert_int_eq(result, PG_WAIT_FATAL);
    ck_assert_double_lt(elapsed, 1.0);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_server_starting_later_is_waited_for)
{
    ck_assert_int_eq(atexit(stop_test_server_at_exit), 0);
    stop_previous_server();
    test_server_port = free_port();
    progress_log log = {0};
    pg_wait_options options = {
        .timeout = 10, .confirmations = 2, .progress = record_progress, .progress_context = &log};
    char *url = server_url("app:" SERVER_PASSWORD, "postgres");
    diag_list diags = DIAG_LIST_INIT;
    double start = now();
    test_server = spawn_server(test_server_port, 1.0, NULL);
    pg_wait_result result = pg_wait(url, &options, &diags);
    double elapsed = now() - start;
    ck_assert_msg(result == PG_WAIT_READY, "%s", diags.count ? diags.items[0].message : "");
    ck_assert_double_ge(elapsed, 1.0);
    ck_assert_double_lt(elapsed, 8.0);
    ck_assert_int_ge(log.calls, 1);
    ck_assert_str_eq(log.reasons[0], "connection refused (is a server listening?)");
    ck_assert_int_eq(diags.count, 0);
    fprintf(stderr, "pg_wait: server started after 1 s was ready after %.3f s\n", elapsed);
    free(url);
    stop_test_server_at_exit();
}
END_TEST

/* max_connections=2, both taken: pg_wait waits until the progress callback frees them. */
START_TEST(test_too_many_connections_is_waited_out)
{
    static const char *const few_connections[] = {"-c", "max_connections=2", "-c",
                                                  "superuser_reserved_connections=0", NULL};
    start_test_server(few_connections);
    char *url = server_url("app:" SERVER_PASSWORD, "postgres");
    progress_log log = {0};
    for (size_t i = 0; i < 2; i++) {
        log.release_at_first_call[i] = PQconnectdb(url);
        ck_assert_int_eq(PQstatus(log.release_at_first_call[i]), CONNECTION_OK);
    }
    pg_wait_options options = {
        .timeout = 10, .progress = record_progress, .progress_context = &log};
    diag_list diags = DIAG_LIST_INIT;
    double start = now();
    pg_wait_result result = pg_wait(url, &options, &diags);
    double elapsed = now() - start;
    ck_assert_msg(result == PG_WAIT_READY, "%s", diags.count ? diags.items[0].message : "");
    ck_assert_double_ge(elapsed, 1.0);
    ck_assert_double_lt(elapsed, 6.0);
    ck_assert_str_eq(log.reasons[0], "too many connections");
    free(url);
    stop_test_server_at_exit();
}
END_TEST

void pgwait_add_answer_tests(TCase *tc)
{
    tcase_add_loop_test(tc, test_server_not_ready_yet_is_waited_out, 0,
                        sizeof not_yet_messages / sizeof not_yet_messages[0]);
    tcase_add_test(tc, test_fake_server_rejection_is_fatal_with_its_message);
    tcase_add_test(tc, test_query_error_retried_by_its_sqlstate);
    tcase_add_test(tc, test_query_error_with_other_sqlstate_is_fatal);
    tcase_add_test(tc, test_server_starting_later_is_waited_for);
    tcase_add_test(tc, test_too_many_connections_is_waited_out);
}
