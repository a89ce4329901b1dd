/*
 * test_pgwait_unreachable.c — pg_wait when nothing answers as a server:
 * conninfo strings libpq refuses (fatal at once, the password hidden), no
 * listener or no socket file (retried until the timeout), a listener that
 * never speaks (bounded by the timeout and by connect_timeout), interrupts,
 * and the progress callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_pg_server.h"
#include "test_pgwait.h"

START_TEST(test_unparseable_conninfo_is_fatal_at_once)
{
    double elapsed = assert_wait_ends("host=127.0.0.1 password=HideMe99 bogus", 10, PG_WAIT_FATAL,
                                      "host=127.0.0.1 password=*** bogus: missing \"=\" "
                                      "after \"bogus\" in connection info string");
    ck_assert_double_lt(elapsed, 1.0); /* not the 10 s timeout; loose for a loaded machine */
}
END_TEST

/* libpq quotes the token it cannot decode, which here is the password. */
START_TEST(test_libpq_quoting_the_password_back_is_redacted)
{
    assert_wait_ends("postgresql://app:se%zzcret@127.0.0.1/db", 10, PG_WAIT_FATAL,
                     "postgresql://app:***@127.0.0.1/db: invalid percent-encoded token: \"***\"");
}
END_TEST

START_TEST(test_unknown_option_is_fatal)
{
    assert_wait_ends("host=127.0.0.1 nosuchoption=1", 10, PG_WAIT_FATAL,
                     "host=127.0.0.1 nosuchoption=1: invalid connection option \"nosuchoption\"");
}
END_TEST

START_TEST(test_bad_port_is_fatal_at_once)
{
    double elapsed = assert_wait_ends("host=127.0.0.1 port=99999", 10, PG_WAIT_FATAL,
                                      "host=127.0.0.1 port=99999: invalid port number: \"99999\"");
    ck_assert_double_lt(elapsed, 1.0);
}
END_TEST

/* libpq cuts "app:se@cret@host" at the first '@' and quotes "cret@127.0.0.1" as the host. */
START_TEST(test_unencoded_at_in_url_password_shows_no_piece_of_it)
{
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    pg_wait_result result =
        wait_for("postgresql://app:se@cret@127.0.0.1:1/db", 0, &diags, &elapsed);
    ck_assert_int_eq(result, PG_WAIT_TIMEOUT); /* a host name that does not resolve: retried */
    ck_assert_int_eq(diags.count, 1);
    const char *message = diags.items[0].message;
    static const char start[] = "postgresql://app:***@127.0.0.1:1/db: not ready: could not "
                                "translate host name \"***@127.0.0.1\" to address: ";
    ck_assert_msg(strncmp(message, start, strlen(start)) == 0, "message: %s", message);
    ck_assert_ptr_null(strstr(message, "cret"));
    ck_assert_ptr_nonnull(strstr(message, "(the name may not resolve yet)"));
    ck_assert_str_eq(diags.items[0].hint,
                     "write \"@\" in a URL's password as %40 and \"/\" as %2F");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_nobody_listening_is_a_timeout_after_the_timeout)
{
    int port = free_port();
    char url[128], expected[256];
    snprintf(url, sizeof url, "postgresql://app:%s@127.0.0.1:%d/postgres", SERVER_PASSWORD, port);
    snprintf(expected, sizeof expected,
             "postgresql://app:***@127.0.0.1:%d/postgres: not ready after 0.5 s: "
             "connection refused (is a server listening?)",
             port);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(url, 0.5, &diags, &elapsed), PG_WAIT_TIMEOUT);
    ck_assert_double_ge(elapsed, 0.5);
    ck_assert_double_lt(elapsed, 2.5);
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, expected);
    ck_assert_ptr_null(diags.items[0].hint);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_zero_timeout_is_one_attempt)
{
    int port = free_port();
    char conninfo[128], expected[256];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d", port);
    snprintf(expected, sizeof expected,
             "%s: not ready: connection refused (is a server listening?)", conninfo);
    double elapsed = assert_wait_ends(conninfo, 0, PG_WAIT_TIMEOUT, expected);
    ck_assert_double_lt(elapsed, 1.5);
}
END_TEST

START_TEST(test_missing_socket_file_is_not_ready)
{
    char conninfo[128], expected[256];
    snprintf(conninfo, sizeof conninfo, "host=%s port=%d user=app", cluster.root, free_port());
    snprintf(expected, sizeof expected,
             "%s: not ready after 0.2 s: no socket file (is a server running?)", conninfo);
    assert_wait_ends(conninfo, 0.2, PG_WAIT_TIMEOUT, expected);
}
END_TEST

START_TEST(test_silent_server_cannot_hold_an_attempt_past_the_timeout)
{
    int port;
    int listener = silent_listener(&port);
    char conninfo[128], expected[256];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d", port);
    snprintf(expected, sizeof expected, "%s: not ready after 0.5 s: no answer within 0.5 s",
             conninfo);
    double elapsed = assert_wait_ends(conninfo, 0.5, PG_WAIT_TIMEOUT, expected);
    ck_assert_double_ge(elapsed, 0.5);
    ck_assert_double_lt(elapsed, 2.5);
    close(listener);
}
END_TEST

START_TEST(test_single_attempt_is_bounded_by_connect_timeout)
{
    int port;
    int listener = silent_listener(&port);
    char conninfo[128], expected[256];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d connect_timeout=2", port);
    snprintf(expected, sizeof expected, "%s: not ready: no answer within 2.0 s", conninfo);
    double elapsed = assert_wait_ends(conninfo, 0, PG_WAIT_TIMEOUT, expected);
    ck_assert_double_ge(elapsed, 2.0);
    ck_assert_double_lt(elapsed, 4.0);
    close(listener);
}
END_TEST

START_TEST(test_interrupt_already_set_returns_at_once)
{
    volatile sig_atomic_t interrupt = 1;
    pg_wait_options options = {.timeout = 10, .interrupt = &interrupt};
    diag_list diags = DIAG_LIST_INIT;
    char conninfo[64];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d", free_port());
    double start = now();
    ck_assert_int_eq(pg_wait(conninfo, &options, &diags), PG_WAIT_INTERRUPTED);
    ck_assert_double_lt(now() - start, 1.0);
    ck_assert_int_eq(diags.count, 0);
}
END_TEST

START_TEST(test_interrupt_while_waiting_stops_promptly)
{
    volatile sig_atomic_t interrupt = 0;
    progress_log log = {.interrupt_at_first_call = &interrupt};
    pg_wait_options options = {.timeout = 10,
                               .progress = record_progress,
                               .progress_context = &log,
                               .interrupt = &interrupt};
    diag_list diags = DIAG_LIST_INIT;
    char conninfo[64];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d", free_port());
    double start = now();
    ck_assert_int_eq(pg_wait(conninfo, &options, &diags), PG_WAIT_INTERRUPTED);
    double elapsed = now() - start;
    ck_assert_double_ge(elapsed, 1.0);
    ck_assert_double_lt(elapsed, 2.5); /* the flag is read every 50 ms; the timeout is 10 s */
    ck_assert_int_eq(log.calls, 1);
    ck_assert_int_eq(diags.count, 0);
}
END_TEST

START_TEST(test_progress_reports_each_second_with_the_last_reason)
{
    progress_log log = {0};
    pg_wait_options options = {
        .timeout = 2.9, .progress = record_progress, .progress_context = &log};
    diag_list diags = DIAG_LIST_INIT;
    char conninfo[64];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d", free_port());
    ck_assert_int_eq(pg_wait(conninfo, &options, &diags), PG_WAIT_TIMEOUT);
    ck_assert_int_eq(log.calls, 2);
    ck_assert_double_ge(log.elapsed[0], 1.0);
    ck_assert_double_lt(log.elapsed[0], 1.9);
    ck_assert_double_ge(log.elapsed[1] - log.elapsed[0], 0.9); /* a second apart */
    ck_assert_double_lt(log.elapsed[1], 2.9);
    ck_assert_str_eq(log.reasons[0], "connection refused (is a server listening?)");
    ck_assert_str_eq(log.reasons[1], "connection refused (is a server listening?)");
    diag_list_clear(&diags);
}
END_TEST

/* "" is libpq's defaults: messages then name the host and port those chose. */
START_TEST(test_empty_conninfo_is_named_by_its_defaults)
{
    int port = free_port();
    char port_text[16], expected[256];
    snprintf(port_text, sizeof port_text, "%d", port);
    setenv("PGHOST", cluster.root, 1);
    setenv("PGPORT", port_text, 1);
    snprintf(expected, sizeof expected,
             "default server (host=%s port=%d): not ready: no socket file (is a server running?)",
             cluster.root, port);
    diag_list diags = DIAG_LIST_INIT;
    pg_wait_result result = pg_wait("", NULL, &diags);
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    ck_assert_int_eq(result, PG_WAIT_TIMEOUT);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

void pgwait_add_unreachable_tests(TCase *tc)
{
    tcase_add_test(tc, test_unparseable_conninfo_is_fatal_at_once);
    tcase_add_test(tc, test_libpq_quoting_the_password_back_is_redacted);
    tcase_add_test(tc, test_unknown_option_is_fatal);
    tcase_add_test(tc, test_bad_port_is_fatal_at_once);
    tcase_add_test(tc, test_unencoded_at_in_url_password_shows_no_piece_of_it);
    tcase_add_test(tc, test_nobody_listening_is_a_timeout_after_the_timeout);
    tcase_add_test(tc, test_zero_timeout_is_one_attempt);
    tcase_add_test(tc, test_missing_socket_file_is_not_ready);
    tcase_add_test(tc, test_silent_server_cannot_hold_an_attempt_past_the_timeout);
    tcase_add_test(tc, test_single_attempt_is_bounded_by_connect_timeout);
    tcase_add_test(tc, test_interrupt_already_set_returns_at_once);
    tcase_add_test(tc, test_interrupt_while_waiting_stops_promptly);
    tcase_add_test(tc, test_progress_reports_each_second_with_the_last_reason);
    tcase_add_test(tc, test_empty_conninfo_is_named_by_its_defaults);
}
