/*
 * test_pgrefusal.c — how foster reads a PostgreSQL connection that fails.
 *
 * A refusal the server sends is judged by its SQLSTATE, never by its words,
 * which a server translates into its lc_messages: the fake servers below
 * refuse in German, and with English words that say the opposite of their
 * code. What libpq says itself carries no code and is read in English even
 * when the process runs in a German locale (the "locale" case: it builds
 * de_DE.UTF-8 with localedef under a private LOCPATH, and the program exits
 * 77 with the reason when that cannot be done; run it alone with
 * CK_RUN_CASE=locale).
 */
#include <check.h>
#include <libpq-fe.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_pg_server.h"
#include "german_locale.h"
#include "pgconn.h"
#include "pgwait.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stop_fake(pid_t fake)
{
    kill(fake, SIGKILL);
    waitpid(fake, NULL, 0);
}

/* ---- pg_wait: what one refusal means, by its code ------------------------------------- */

static const struct refusal {
    const char *sqlstate, *words;
    pg_wait_result expected;
    const char *reason; /* what the diag ends with */
} refusals[] = {
    /* German words, as a server with lc_messages = 'de_DE.UTF-8' sends them */
    {"3D000", "Datenbank »app« existiert nicht", PG_WAIT_FATAL, "Datenbank »app« existiert nicht"},
    {"28P01", "Passwort-Authentifizierung für Benutzer »app« fehlgeschlagen", PG_WAIT_FATAL,
     "Passwort-Authentifizierung für Benutzer »app« fehlgeschlagen"},
    {"42501", "keine Berechtigung für Datenbank »app«", PG_WAIT_FATAL,
     "keine Berechtigung für Datenbank »app«"},
    {"57P03", "das Datenbanksystem startet", PG_WAIT_TIMEOUT, "das Datenbanksystem startet"},
    {"53300", "tut mir leid, schon zu viele Verbindungen", PG_WAIT_TIMEOUT, "too many connections"},
    /* English words that say the opposite of the code: the code decides */
    {"57P03", "database \"app\" does not exist", PG_WAIT_TIMEOUT,
     "database \"app\" does not exist"},
    {"3D000", "the database system is starting up", PG_WAIT_FATAL,
     "the database system is starting up"},
};

START_TEST(test_server_refusal_is_read_by_its_sqlstate)
{
    const struct refusal *r = &refusals[_i];
    int port;
    pid_t fake = spawn_fake_server(&port, false, r->sqlstate, r->words);
    char conninfo[64], expected[256];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d sslmode=disable", port);
    if (r->expected == PG_WAIT_FATAL)
        snprintf(expected, sizeof expected, "%s: %s", conninfo, r->reason);
    else
        snprintf(expected, sizeof expected, "%s: not ready after 0.5 s: %s", conninfo, r->reason);
    /* A refusal that is final must end long before its timeout; one that is retried must
     * end at it (0.5 s, which its message names). */
    double timeout = r->expected == PG_WAIT_FATAL ? 5.0 : 0.5;
    pg_wait_options options = {.timeout = timeout, .confirmations = 1};
    diag_list diags = DIAG_LIST_INIT;
    double start = now();
    pg_wait_result result = pg_wait(conninfo, &options, &diags);
    double elapsed = now() - start;
    stop_fake(fake);
    ck_assert_int_eq(result, r->expected);
    if (r->expected == PG_WAIT_FATAL)
        ck_assert_double_lt(elapsed, 4.0); /* at once, not at the timeout */
    ck_assert_int_eq((int)diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
}
END_TEST

/* ---- every connection foster makes: a busy server is waited out, whatever its language -- */

typedef struct busy_log {
    int calls;
    char line[256];
} busy_log;

static void record_busy(void *context, const char *line)
{
    busy_log *log = context;
    if (log->calls++ == 0)
        snprintf(log->line, sizeof log->line, "%s", line);
}

/* Connects with a bound of `seconds`; *elapsed set, the diag's message copied into `message`. */
static PGconn *connect_to_fake(int port, double seconds, busy_log *log, double *elapsed,
                               char *message, size_t size)
{
    char conninfo[64];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d sslmode=disable", port);
    pgconn_patience patience = {.seconds = seconds, .report = record_busy, .context = log};
    diag_list diags = DIAG_LIST_INIT;
    double start = now();
    PGconn *conn = pgconn_connect_patiently(conninfo, &patience, &diags);
    *elapsed = now() - start;
    snprintf(message, size, "%s", diags.count ? diags.items[0].message : "");
    diag_list_clear(&diags);
    return conn;
}

static const char *const busy_refusals[][3] = {
    {"53300", "tut mir leid, schon zu viele Verbindungen", "too many clients"},
    {"53300", "verbleibende Verbindungen sind reserviert", "too many clients"},
    {"57P03", "das Datenbanksystem startet", "starting up or shutting down"},
};

START_TEST(test_busy_server_in_german_is_waited_out)
{
    int port;
    pid_t fake = spawn_fake_server(&port, false, busy_refusals[_i][0], busy_refusals[_i][1]);
    busy_log log = {0};
    double elapsed;
    char message[512], expected[128];
    PGconn *conn = connect_to_fake(port, 1.0, &log, &elapsed, message, sizeof message);
    stop_fake(fake);
    ck_assert_ptr_null(conn);
    ck_assert_int_eq(log.calls, 1);
    snprintf(expected, sizeof expected, "server busy (%s); retrying for up to 1 s",
             busy_refusals[_i][2]);
    ck_assert_str_eq(log.line, expected);
    ck_assert_double_ge(elapsed, 0.5); /* retried until about the bound */
    /* the server's own words, without the code that verbose errors add */
    snprintf(expected, sizeof expected, "FATAL:  %s", busy_refusals[_i][1]);
    ck_assert_ptr_nonnull(strstr(message, expected));
    ck_assert_ptr_null(strstr(message, busy_refusals[_i][0]));
}
END_TEST

START_TEST(test_refusal_for_good_in_german_fails_at_once)
{
    int port;
    pid_t fake = spawn_fake_server(&port, false, "3D000", "Datenbank »app« existiert nicht");
    busy_log log = {0};
    double elapsed;
    char message[512];
    PGconn *conn = connect_to_fake(port, 5.0, &log, &elapsed, message, sizeof message);
    stop_fake(fake);
    ck_assert_ptr_null(conn);
    ck_assert_int_eq(log.calls, 0);
    ck_assert_double_lt(elapsed, 4.0); /* not the 5 s bound */
    ck_assert_ptr_nonnull(strstr(message, "FATAL:  Datenbank »app« existiert nicht"));
    ck_assert_ptr_null(strstr(message, "3D000"));
    ck_assert_ptr_nonnull(strstr(message, "cannot connect to host=127.0.0.1 port="));
}
END_TEST

/* pgconn_open keeps libpq's connect_timeout, which PQconnectdb applied. */
START_TEST(test_connect_timeout_is_kept)
{
    int port;
    int listener = silent_listener(&port);
    char conninfo[96];
    snprintf(conninfo, sizeof conninfo, "host=127.0.0.1 port=%d connect_timeout=2", port);
    double start = now();
    PGconn *conn = pgconn_open(conninfo);
    double elapsed = now() - start;
    close(listener);
    ck_assert_ptr_nonnull(conn);
    ck_assert_int_ne(PQstatus(conn), CONNECTION_OK);
    ck_assert_str_eq(pgconn_error(conn), "timeout expired");
    ck_assert_double_ge(elapsed, 2.0);
    ck_assert_double_lt(elapsed, 4.0);
    PQfinish(conn);
}
END_TEST

/* ---- libpq's own words, in a process whose locale is German ---------------------------- */

/* Makes the process's locale German (german_locale.c) and checks libpq speaks it; 0 or -1. */
static int german_process_why(char *problem, size_t size)
{
    if (german_locale(problem, size) < 0)
        return -1;
    /* libpq must speak German here, or the test would prove nothing. */
    PGconn *probe = PQconnectdb("host=127.0.0.1 port=99999");
    bool german = !strstr(PQerrorMessage(probe), "invalid port number");
    PQfinish(probe);
    if (!german)
        snprintf(problem, size, "libpq has no German messages here (libpq5's de translation)");
    return german ? 0 : -1;
}

static int german_process(void)
{
    char problem[256];
    return german_process_why(problem, sizeof problem);
}

START_TEST(test_bad_option_is_fatal_in_a_german_process)
{
    ck_assert_int_eq(german_process(), 0);
    pg_wait_options options = {.timeout = 5, .confirmations = 1};
    diag_list diags = DIAG_LIST_INIT;
    double start = now();
    pg_wait_result result = pg_wait("host=127.0.0.1 port=99999", &options, &diags);
    ck_assert_int_eq(result, PG_WAIT_FATAL);
    ck_assert_double_lt(now() - start, 1.0);
    ck_assert_str_eq(diags.items[0].message,
                     "host=127.0.0.1 port=99999: invalid port number: \"99999\"");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_missing_socket_is_named_in_a_german_process)
{
    ck_assert_int_eq(german_process(), 0);
    pg_wait_options options = {.timeout = 0.3, .confirmations = 1};
    diag_list diags = DIAG_LIST_INIT;
    pg_wait_result result = pg_wait("host=/nonexistent port=5432", &options, &diags);
    ck_assert_int_eq(result, PG_WAIT_TIMEOUT);
    char expected[128]; /* foster's own figures follow the process's LC_NUMERIC: "0,3 s" */
    snprintf(expected, sizeof expected,
             "host=/nonexistent port=5432: not ready after %.1f s: no socket file (is a server "
             "running?)",
             0.3);
    ck_assert_str_eq(diags.items[0].message, expected);
    diag_list_clear(&diags);
    /* and the caller's locale is back once foster has connected */
    ck_assert_str_eq(setlocale(LC_MESSAGES, NULL), "de_DE.UTF-8");
}
END_TEST

static Suite *pgrefusal_suite(void)
{
    Suite *suite = suite_create("pgrefusal");
    TCase *refusal = tcase_create("refusal");
    tcase_set_timeout(refusal, 60);
    tcase_add_loop_test(refusal, test_server_refusal_is_read_by_its_sqlstate, 0,
                        (int)(sizeof refusals / sizeof refusals[0]));
    tcase_add_loop_test(refusal, test_busy_server_in_german_is_waited_out, 0,
                        (int)(sizeof busy_refusals / sizeof busy_refusals[0]));
    tcase_add_test(refusal, test_refusal_for_good_in_german_fails_at_once);
    tcase_add_test(refusal, test_connect_timeout_is_kept);
    suite_add_tcase(suite, refusal);
    TCase *german = tcase_create("locale");
    tcase_set_timeout(german, 60);
    tcase_add_test(german, test_bad_option_is_fatal_in_a_german_process);
    tcase_add_test(german, test_missing_socket_is_named_in_a_german_process);
    suite_add_tcase(suite, german);
    return suite;
}

int main(void)
{
    const char *only = getenv("CK_RUN_CASE");
    if (only && strcmp(only, "locale") == 0) {
        if (!german_locale_probe(german_process_why)) {
            printf("SKIP: the German-locale tests need a German locale and libpq's German "
                   "messages (see above)\n");
            return 77;
        }
    }
    SRunner *runner = srunner_create(pgrefusal_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
