/*
 * test_pgcontainer_start.c — starting the `container` backend's server: it
 * answers as postgres, runs without durability, and gets its name, labels,
 * password (never on a command line), published port and settings from the
 * engine's command line; the engine that answers first, or the one asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "test_pgcontainer.h"

START_TEST(test_started_container_answers_queries_as_postgres)
{
    pg_container_options options = options_for("docker", "answers");
    pg_container *container = start_or_fail(&options);
    ck_assert_str_eq(pg_container_name(container), "foster-answers");
    ck_assert_str_eq(pg_container_engine(container), "docker");
    assert_query(container, "SELECT current_user || ' ' || current_database()",
                 "postgres postgres");
    stop_and_free(container);
}
END_TEST

START_TEST(test_server_runs_without_durability)
{
    pg_container_options options = options_for("docker", "durability");
    pg_container *container = start_or_fail(&options);
    assert_query(container,
                 "SELECT current_setting('fsync') || current_setting('full_page_writes') || "
                 "current_setting('synchronous_commit')",
                 "offoffoff");
    stop_and_free(container);
}
END_TEST

START_TEST(test_run_gets_name_labels_password_variable_port_and_settings)
{
    pg_container_options options = options_for("docker", "arguments");
    pg_container *container = start_or_fail(&options);
    char *log = calls_log();
    char *expected = strbuf_format(
        "docker info\n"
        "docker run -d --rm --name foster-arguments --label foster=1 --label foster.run=arguments "
        "--label foster.pid=%ld -e POSTGRES_PASSWORD -p 127.0.0.1::5432 postgres:16 -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off\n"
        "docker port foster-arguments 5432/tcp\n",
        (long)getpid());
    ck_assert_msg(strncmp(log, expected, strlen(expected)) == 0, "calls:\n%s", log);
    free(expected);
    free(log);
    stop_and_free(container);
}
END_TEST

START_TEST(test_password_is_random_and_never_on_a_command_line)
{
    pg_container_options options = options_for("docker", "secret");
    pg_container *container = start_or_fail(&options);
    char *conninfo = pg_container_conninfo(container, "postgres");
    char *password = conninfo_value(conninfo, "password");
    ck_assert_uint_eq(strlen(password), 24);
    ck_assert_uint_eq(strspn(password, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789"),
                      24);
    /* The engine got it through its environment ... */
    char *env = container_file("foster-secret", "env");
    char *expected = strbuf_format("POSTGRES_PASSWORD=%s", password);
    ck_assert_str_eq(env, expected);
    /* ... and never in an argument. */
    char *log = calls_log();
    ck_assert_ptr_nonnull(strstr(log, " -e POSTGRES_PASSWORD "));
    ck_assert_msg(strstr(log, password) == NULL, "password in argv:\n%s", log);
    free(log);
    free(expected);
    free(env);
    free(password);
    free(conninfo);
    stop_and_free(container);
}
END_TEST

START_TEST(test_conninfo_uses_the_port_the_engine_published)
{
    pg_container_options options = options_for("docker", "port");
    pg_container *container = start_or_fail(&options);
    char *conninfo = pg_container_conninfo(container, "app");
    char *port = container_file("foster-port", "port");
    char *password = conninfo_value(conninfo, "password");
    char *expected = strbuf_format(
        "host='127.0.0.1' port=%s user='postgres' password='%s' dbname='app'", port, password);
    ck_assert_str_eq(conninfo, expected);
    free(expected);
    free(password);
    free(port);
    free(conninfo);
    stop_and_free(container);
}
END_TEST

START_TEST(test_the_127_0_0_1_address_is_chosen_among_published_ones)
{
    setenv("FOSTER_FAKE_ENGINE_PORT_EXTRA", "1", 1); /* 0.0.0.0:P+1 and [::]:P+2 come first */
    pg_container_options options = options_for("docker", "addresses");
    pg_container *container = start_or_fail(&options);
    char *conninfo = pg_container_conninfo(container, "postgres");
    char *host = conninfo_value(conninfo, "host");
    char *port = container_file("foster-addresses", "port");
    char *expected_port = strbuf_format(" port=%s ", port);
    ck_assert_str_eq(host, "127.0.0.1");
    ck_assert_ptr_nonnull(strstr(conninfo, expected_port));
    assert_query(container, "SELECT 'reached'", "reached");
    free(expected_port);
    free(port);
    free(host);
    free(conninfo);
    stop_and_free(container);
}
END_TEST

START_TEST(test_first_engine_that_answers_is_chosen)
{
    setenv("FOSTER_FAKE_ENGINE_DOWN", "docker", 1);
    pg_container_options options = options_for(NULL, "either");
    pg_container *container = start_or_fail(&options);
    ck_assert_str_eq(pg_container_engine(container), "podman");
    char *log = calls_log();
    const char *expected = "docker info\npodman info\npodman run -d --rm --name foster-either ";
    ck_assert_msg(strncmp(log, expected, strlen(expected)) == 0, "calls:\n%s", log);
    free(log);
    assert_query(container, "SELECT 1", "1");
    stop_and_free(container);
}
END_TEST

START_TEST(test_podman_is_used_throughout_when_asked_for)
{
    pg_container_options options = options_for("podman", "podman");
    pg_container *container = start_or_fail(&options);
    diag_list diags = DIAG_LIST_INIT;
    size_t count = 0;
    /* The podman double accepts only podman's `ps` template. */
    pg_container_entry *entries = pg_container_list("podman", &count, &diags);
    ck_assert_ptr_nonnull(entries);
    ck_assert_uint_eq(count, 1);
    ck_assert_str_eq(entries[0].engine, "podman");
    ck_assert_str_eq(entries[0].name, "foster-podman");
    pg_container_list_free(entries, count);
    stop_and_free(container);
    char *log = calls_log();
    size_t lines = 0;
    for (const char *line = log; *line; line = strchr(line, '\n') + 1, lines++)
        ck_assert_msg(strncmp(line, "podman ", 7) == 0, "calls:\n%s", log);
    ck_assert_uint_ge(lines, 5); /* info, run, port, ps, rm (and inspects while waiting) */
    free(log);
}
END_TEST

TCase *pgcontainer_start_tcase(void)
{
    TCase *start = pgcontainer_tcase("start");
    tcase_add_test(start, test_started_container_answers_queries_as_postgres);
    tcase_add_test(start, test_server_runs_without_durability);
    tcase_add_test(start, test_run_gets_name_labels_password_variable_port_and_settings);
    tcase_add_test(start, test_password_is_random_and_never_on_a_command_line);
    tcase_add_test(start, test_conninfo_uses_the_port_the_engine_published);
    tcase_add_test(start, test_the_127_0_0_1_address_is_chosen_among_published_ones);
    tcase_add_test(start, test_first_engine_that_answers_is_chosen);
    tcase_add_test(start, test_podman_is_used_throughout_when_asked_for);
    return start;
}
