/*
 * test_mysql.c — MySQL/MariaDB URLs (parsing, percent-decoding, redaction),
 * connections through libmariadb, and `wait` for MySQL URLs, against real
 * MariaDB servers (mysql_test_server.c): retried while nothing listens or the
 * server refuses for now, failed at once when waiting cannot help, bounded
 * by the timeout, and never a password in a message.
 */
#include <check.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "myconn.h"
#include "mysql_test_server.h"
#include "myurl.h"
#include "mywait.h"
#include "strbuf.h"

static mts_server shared; /* started by main, used by every server test */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static my_url parse_ok(const char *text)
{
    my_url url;
    diag_list diags = DIAG_LIST_INIT;
    int rc = my_url_parse(text, &url, &diags);
    if (rc != 0)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(diags.count, 0);
    return url;
}

/* Parses `text`, expecting a refusal whose message holds `expected` and no `secret`. */
static void parse_fails(const char *text, const char *expected, const char *secret)
{
    my_url url;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(my_url_parse(text, &url, &diags), -1);
    ck_assert_int_eq(diags.count, 1);
    const diag *d = diag_list_last(&diags);
    ck_assert_msg(strstr(d->message, expected), "\"%s\" lacks \"%s\"", d->message, expected);
    if (secret) {
        ck_assert_msg(!strstr(d->message, secret), "password in \"%s\"", d->message);
        ck_assert(!d->hint || !strstr(d->hint, secret));
    }
    ck_assert_ptr_null(url.user);
    ck_assert_ptr_null(url.host);
    diag_list_clear(&diags);
}

static char *url_text(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *url_text(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = strbuf_vformat(format, args);
    va_end(args);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(url_with_every_part)
{
    my_url url = parse_ok("mysql://app:secret@db.example:3307/shop");
    ck_assert_str_eq(url.user, "app");
    ck_assert_str_eq(url.password, "secret");
    ck_assert_str_eq(url.host, "db.example");
    ck_assert_uint_eq(url.port, 3307);
    ck_assert_str_eq(url.database, "shop");
    ck_assert_ptr_null(url.unix_socket);
    my_url_free(&url);
    url = parse_ok("MariaDB://root@[::1]:3306/");
    ck_assert_str_eq(url.host, "::1");
    ck_assert_uint_eq(url.port, 3306);
    ck_assert_ptr_null(url.password);
    ck_assert_ptr_null(url.database);
    my_url_free(&url);
    url = parse_ok("mysql://");
    ck_assert_ptr_null(url.user);
    ck_assert_ptr_null(url.host);
    ck_assert_uint_eq(url.port, 0);
    my_url_free(&url);
}
END_TEST

START_TEST(url_percent_decoding_and_raw_at_sign)
{
    my_url url = parse_ok("mysql://us%40er:p%40ss%2Fw%3Ard@h/my%20db?charset=utf8mb4");
    ck_assert_str_eq(url.user, "us@er");
    ck_assert_str_eq(url.password, "p@ss/w:rd");
    ck_assert_str_eq(url.database, "my db");
    ck_assert_str_eq(url.charset, "utf8mb4");
    my_url_free(&url);
    url = parse_ok("mysql://app:p@ss@h:1/db"); /* the last '@' ends the user part */
    ck_assert_str_eq(url.password, "p@ss");
    ck_assert_str_eq(url.host, "h");
    my_url_free(&url);
}
END_TEST

START_TEST(url_unix_socket)
{
    my_url url = parse_ok("mysql://app@localhost/?unix_socket=/run/my%20sql/mysqld.sock");
    ck_assert_str_eq(url.user, "app");
    ck_assert_str_eq(url.host, "localhost");
    ck_assert_str_eq(url.unix_socket, "/run/my sql/mysqld.sock");
    ck_assert_ptr_null(url.database);
    char *formatted = my_url_format(&url, "test_x", false);
    ck_assert_str_eq(formatted,
                     "mysql://app@localhost/test_x?unix_socket=/run/my%20sql/mysqld.sock");
    free(formatted);
    my_url_free(&url);
}
END_TEST

START_TEST(url_refusals_name_the_problem_without_the_password)
{
    parse_fails("postgresql://u:hunter2@h/db", "not a MySQL URL", "hunter2");
    parse_fails("mysql://u:hunter2@h:99999/db", "port is not a number from 1 to 65535", "hunter2");
    parse_fails("mysql://u:hunter2@h:x/db", "port", "hunter2");
    parse_fails("mysql://u:hun%zzter2@h/db", "password holds a '%' not followed by two hex digits",
                "hunter2");
    parse_fails("mysql://u:hun%00ter@h/db", "encoded NUL byte", "hun");
    parse_fails("mysql://u:pw@h/db?sslmode=x", "unknown parameter \"sslmode\"", NULL);
    parse_fails("mysql://u:pw@h/db?unix_socket=", "has no value", NULL);
    parse_fails("mysql://u:pw@h/db/extra", "at most one database name", NULL);
    parse_fails("mysql://u:pw@[::1/db", "not closed", NULL);
    parse_fails("mysql://u:sec/ret9@h:0/db", "port", "ret9");
    parse_fails("mysql://u:sec?ret9@h/db", "port", "ret9"); /* '?' must be %3F */
    /* An unencoded '/' in the password is read as part of it: the last '@' decides. */
    my_url url = parse_ok("mysql://u:sec/ret9@h/db");
    ck_assert_str_eq(url.password, "sec/ret9");
    ck_assert_str_eq(url.database, "db");
    my_url_free(&url);
    url = parse_ok("mysql://h/db?unix_socket=/run/a@b.sock");
    ck_assert_ptr_null(url.user);
    ck_assert_str_eq(url.host, "h");
    ck_assert_str_eq(url.unix_socket, "/run/a@b.sock");
    my_url_free(&url);
}
END_TEST

START_TEST(url_redaction)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"mysql://app:secret@h:3306/db", "mysql://app:***@h:3306/db"},
        {"mysql://app@h/db", "mysql://app@h/db"},
        {"mysql://h:3306/db", "mysql://h:3306/db"},
        {"mysql://app:p@ss@h/db", "mysql://app:***@h/db"},
        {"mysql://app:a/b?c@h/db", "mysql://app:***@h/db"},
        {"mariadb://:pw@h/", "mariadb://:***@h/"},
        {"postgres://u:pw@h/db", "postgres://***"},
        {"u:pw@h", "***"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *redacted = my_url_redact(cases[i].in);
        ck_assert_str_eq(redacted, cases[i].out);
        free(redacted);
    }
}
END_TEST

START_TEST(url_format_round_trip)
{
    my_url url = parse_ok("mysql://a%20b:p%40ss@h:3307/d?charset=latin1");
    char *with = my_url_format(&url, NULL, true);
    char *without = my_url_format(&url, "other", false);
    ck_assert_str_eq(with, "mysql://a%20b:p%40ss@h:3307/d?charset=latin1");
    ck_assert_str_eq(without, "mysql://a%20b@h:3307/other?charset=latin1");
    my_url again = parse_ok(with);
    ck_assert_str_eq(again.user, "a b");
    ck_assert_str_eq(again.password, "p@ss");
    my_url_free(&again);
    my_url_free(&url);
    free(with);
    free(without);
}
END_TEST

START_TEST(connect_over_tcp_and_socket)
{
    char *tcp = url_text("mysql://" MTS_USER ":" MTS_PASSWORD "@127.0.0.1:%d/mysql", shared.port);
    char *socket = url_text("mysql://root@localhost/?unix_socket=%s", shared.socket);
    const char *texts[] = {tcp, socket};
    const char *expected_user[] = {"app@localhost", "root@localhost"};
    for (int i = 0; i < 2; i++) {
        my_url url = parse_ok(texts[i]);
        diag_list diags = DIAG_LIST_INIT;
        MYSQL *mysql = my_conn_open(&url, NULL, 5, NULL, &diags);
        if (!mysql)
            diag_list_print(&diags, "error", stderr);
        ck_assert_ptr_nonnull(mysql);
        bool found;
        char *user = my_conn_query_value(mysql, "SELECT CURRENT_USER()", &found, &diags);
        ck_assert(found);
        ck_assert_msg(strncmp(user, expected_user[i], 4) == 0, "user %s", user);
        char *charset = my_conn_query_value(mysql, "SELECT @@character_set_client", &found, &diags);
        ck_assert_str_eq(charset, "utf8mb4");
        free(user);
        free(charset);
        mysql_close(mysql);
        my_url_free(&url);
    }
    free(tcp);
    free(socket);
}
END_TEST

START_TEST(connect_refused_names_server_and_error_number_not_password)
{
    char *text = url_text("mysql://" MTS_USER ":WrongHorse42@127.0.0.1:%d/", shared.port);
    my_url url = parse_ok(text);
    diag_list diags = DIAG_LIST_INIT;
    unsigned number = 0;
    ck_assert_ptr_null(my_conn_open(&url, NULL, 5, &number, &diags));
    ck_assert_uint_eq(number, 1045);
    const diag *d = diag_list_last(&diags);
    ck_assert_msg(strstr(d->message, "mysql://app@127.0.0.1:") == d->message, "%s", d->message);
    ck_assert_msg(strstr(d->message, "(error 1045)"), "%s", d->message);
    ck_assert(!strstr(d->message, "WrongHorse42"));
    diag_list_clear(&diags);
    my_url_free(&url);
    free(text);
}
END_TEST

START_TEST(quoting)
{
    strbuf sb = STRBUF_INIT;
    my_append_identifier(&sb, "we`ird");
    ck_assert_str_eq(strbuf_str(&sb), "`we``ird`");
    strbuf_free(&sb);
    my_url url = parse_ok("mysql://root@localhost/?unix_socket=x");
    free(url.unix_socket);
    url.unix_socket = strdup(shared.socket);
    diag_list diags = DIAG_LIST_INIT;
    MYSQL *mysql = my_conn_open(&url, NULL, 5, NULL, &diags);
    ck_assert_ptr_nonnull(mysql);
    strbuf_append_str(&sb, "SELECT ");
    my_conn_append_string(&sb, mysql, "it's a \\ \"test\"", 16);
    bool found;
    char *value = my_conn_query_value(mysql, strbuf_str(&sb), &found, &diags);
    ck_assert_str_eq(value, "it's a \\ \"test\"");
    free(value);
    strbuf_free(&sb);
    mysql_close(mysql);
    my_url_free(&url);
}
END_TEST

/* ---- wait ---- */

static my_wait_result wait_for(const char *url, double timeout, diag_list *diags, double *elapsed)
{
    my_wait_options options = {.timeout = timeout};
    double start = now();
    my_wait_result result = my_wait(url, &options, diags);
    *elapsed = now() - start;
    return result;
}

START_TEST(wait_error_table)
{
    unsigned retried[] = {2002, 2003, 2005, 2006, 2013, 1040, 1053, 1203, 1226, 1927};
    unsigned fatal[] = {1044, 1045, 1049, 1130, 1698, 2059};
    for (size_t i = 0; i < sizeof retried / sizeof retried[0]; i++)
        ck_assert_msg(my_wait_error_is_retryable(retried[i]), "%u", retried[i]);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        ck_assert_msg(!my_wait_error_is_retryable(fatal[i]), "%u", fatal[i]);
}
END_TEST

START_TEST(wait_ready_at_once)
{
    char *text = url_text("mysql://" MTS_USER ":" MTS_PASSWORD "@127.0.0.1:%d/mysql", shared.port);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(text, 10, &diags, &elapsed), MY_WAIT_READY);
    ck_assert_int_eq(diags.count, 0);
    ck_assert_double_lt(elapsed, 5); /* not the 10 s timeout; loose for a loaded machine */
    free(text);
}
END_TEST

START_TEST(wait_retries_until_the_server_starts)
{
    mts_server late;
    mts_prepare(&late, "late", false);
    char *text = url_text("mysql://root@localhost/?unix_socket=%s", late.socket);
    mts_start_after(&late, 0.8);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    my_wait_result result = wait_for(text, 30, &diags, &elapsed);
    if (result != MY_WAIT_READY)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(result, MY_WAIT_READY);
    ck_assert_double_ge(elapsed, 0.8);
    char *version = mts_value(&late, "SELECT VERSION()");
    ck_assert_ptr_nonnull(strstr(version, "MariaDB"));
    free(version);
    mts_stop(&late);
    free(text);
}
END_TEST

START_TEST(wait_fails_at_once_on_access_denied)
{
    char *text = url_text("mysql://" MTS_USER ":WrongHorse42@127.0.0.1:%d/", shared.port);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(text, 20, &diags, &elapsed), MY_WAIT_FATAL);
    ck_assert_double_lt(elapsed, 8);
    const diag *d = diag_list_last(&diags);
    ck_assert_msg(strstr(d->message, "(error 1045)"), "%s", d->message);
    ck_assert_msg(strstr(d->message, "mysql://app@127.0.0.1:") == d->message, "%s", d->message);
    ck_assert(!strstr(d->message, "WrongHorse42"));
    diag_list_clear(&diags);
    free(text);
}
END_TEST

START_TEST(wait_fails_at_once_on_unknown_database)
{
    char *text =
        url_text("mysql://" MTS_USER ":" MTS_PASSWORD "@127.0.0.1:%d/no_such_db", shared.port);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(text, 20, &diags, &elapsed), MY_WAIT_FATAL);
    ck_assert_double_lt(elapsed, 8);
    ck_assert_msg(strstr(diag_list_last(&diags)->message, "(error 1049)"), "%s",
                  diag_list_last(&diags)->message);
    ck_assert(!strstr(diag_list_last(&diags)->message, MTS_PASSWORD));
    diag_list_clear(&diags);
    free(text);
}
END_TEST

START_TEST(wait_times_out_when_nothing_listens)
{
    char *text = url_text("mysql://app:pw@127.0.0.1:%d/", mts_free_port());
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(text, 0.6, &diags, &elapsed), MY_WAIT_TIMEOUT);
    ck_assert_double_ge(elapsed, 0.6);
    ck_assert_double_lt(elapsed, 3);
    const char *message = diag_list_last(&diags)->message;
    ck_assert_msg(strstr(message, "not ready after 0.6 s:") &&
                      (strstr(message, "(error 2003)") || strstr(message, "(error 2002)")),
                  "%s", message);
    diag_list_clear(&diags);
    free(text);
    /* One attempt (timeout 0) at a socket that does not exist. */
    text = url_text("mysql://root@localhost/?unix_socket=%s/none.sock", mts_root());
    ck_assert_int_eq(wait_for(text, 0, &diags, &elapsed), MY_WAIT_TIMEOUT);
    message = diag_list_last(&diags)->message;
    ck_assert_msg(strstr(message, ": not ready: ") && strstr(message, "(error 2002)"), "%s",
                  message);
    diag_list_clear(&diags);
    free(text);
}
END_TEST

START_TEST(wait_retries_too_many_connections)
{
    mts_exec(&shared, "CREATE USER IF NOT EXISTS limited@'%' IDENTIFIED BY 'Lim1ted-pw' "
                      "WITH MAX_USER_CONNECTIONS 1");
    char *text = url_text("mysql://limited:Lim1ted-pw@127.0.0.1:%d/", shared.port);
    my_url url = parse_ok(text);
    diag_list diags = DIAG_LIST_INIT;
    MYSQL *held = my_conn_open(&url, NULL, 5, NULL, &diags);
    ck_assert_ptr_nonnull(held);
    double elapsed;
    ck_assert_int_eq(wait_for(text, 0.5, &diags, &elapsed), MY_WAIT_TIMEOUT);
    ck_assert_double_ge(elapsed, 0.5);
    ck_assert_msg(strstr(diag_list_last(&diags)->message, "'limited' has exceeded") &&
                      strstr(diag_list_last(&diags)->message, "(error 1226)"),
                  "%s", diag_list_last(&diags)->message);
    diag_list_clear(&diags);
    mysql_close(held);
    ck_assert_int_eq(wait_for(text, 5, &diags, &elapsed), MY_WAIT_READY);
    my_url_free(&url);
    free(text);
}
END_TEST

START_TEST(wait_bad_url_and_interrupt)
{
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for("mysql://u:topsecret@h:0/", 5, &diags, &elapsed), MY_WAIT_BAD_URL);
    ck_assert(!strstr(diag_list_last(&diags)->message, "topsecret"));
    diag_list_clear(&diags);
    volatile sig_atomic_t stop = 1;
    char *text = url_text("mysql://app:pw@127.0.0.1:%d/", mts_free_port());
    my_wait_options options = {.timeout = 10, .interrupt = &stop};
    double start = now();
    ck_assert_int_eq(my_wait(text, &options, &diags), MY_WAIT_INTERRUPTED);
    ck_assert_double_lt(now() - start, 1);
    ck_assert_int_eq(diags.count, 0);
    free(text);
}
END_TEST

static Suite *mysql_suite(void)
{
    Suite *suite = suite_create("mysql");
    TCase *url = tcase_create("url");
    tcase_add_test(url, url_with_every_part);
    tcase_add_test(url, url_percent_decoding_and_raw_at_sign);
    tcase_add_test(url, url_unix_socket);
    tcase_add_test(url, url_refusals_name_the_problem_without_the_password);
    tcase_add_test(url, url_redaction);
    tcase_add_test(url, url_format_round_trip);
    suite_add_tcase(suite, url);
    TCase *conn = tcase_create("connection");
    tcase_add_test(conn, connect_over_tcp_and_socket);
    tcase_add_test(conn, connect_refused_names_server_and_error_number_not_password);
    tcase_add_test(conn, quoting);
    suite_add_tcase(suite, conn);
    TCase *wait = tcase_create("wait");
    tcase_set_timeout(wait, 60);
    tcase_add_test(wait, wait_error_table);
    tcase_add_test(wait, wait_ready_at_once);
    tcase_add_test(wait, wait_retries_until_the_server_starts);
    tcase_add_test(wait, wait_fails_at_once_on_access_denied);
    tcase_add_test(wait, wait_fails_at_once_on_unknown_database);
    tcase_add_test(wait, wait_times_out_when_nothing_listens);
    tcase_add_test(wait, wait_retries_too_many_connections);
    tcase_add_test(wait, wait_bad_url_and_interrupt);
    suite_add_tcase(suite, wait);
    return suite;
}

int main(void)
{
    const char *reason = NULL;
    int setup = mts_setup(&reason);
    if (setup < 0) {
        printf("%s: %s\n", setup == -1 ? "SKIP" : "FAIL", reason);
        mts_cleanup();
        return setup == -1 ? 77 : 1;
    }
    mts_prepare(&shared, "shared", true);
    mts_start(&shared);
    SRunner *runner = srunner_create(mysql_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    mts_stop(&shared);
    mts_cleanup();
    return failed == 0 ? 0 : 1;
}
