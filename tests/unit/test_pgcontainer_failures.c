/*
 * test_pgcontainer_failures.c — each way starting a container fails, with
 * the message that says why: no engine, an engine down, a failed or slow
 * `run`, a name taken, a server never ready, a container that stops or goes,
 * an interrupt, a bad run id or engine; and what is left (only a container
 * foster did not start).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_pgcontainer.h"

START_TEST(test_engine_down_is_reported_with_its_own_message)
{
    setenv("FOSTER_FAKE_ENGINE_DOWN", "1", 1);
    pg_container_options options = options_for("docker", "down");
    assert_start_fails(
        &options,
        "no container engine answered: docker: Cannot connect to the Docker daemon at "
        "unix:///var/run/docker.sock. Is the docker daemon running?",
        "start the container engine (is its daemon running?), or use -b cluster");
    assert_calls_are("docker info\n");
}
END_TEST

START_TEST(test_no_engine_in_path_names_both_engines)
{
    setenv("PATH", empty_dir, 1);
    pg_container_options options = options_for(NULL, "nothing");
    assert_start_fails(&options,
                       "no container engine answered: docker: not found in PATH; podman: not found "
                       "in PATH",
                       "install Docker or Podman, or use -b cluster");
}
END_TEST

START_TEST(test_failed_run_quotes_the_engine)
{
    pg_container_options options = options_for("docker", "pull");
    options.image = "nosuch/postgres:16";
    assert_start_fails(
        &options,
        "`docker run` of nosuch/postgres:16 failed (exit status 125): Error response "
        "from daemon: pull access denied for nosuch/postgres, repository does not "
        "exist or may require 'docker login': denied: requested access to the "
        "resource is denied",
        NULL);
}
END_TEST

/* podman warns once per retry of a pull ("... Error: ...") before its own "Error:" line. */
START_TEST(test_failed_podman_run_quotes_its_final_error_not_a_retry_warning)
{
    pg_container_options options = options_for("podman", "podmanpull");
    options.image = "nosuch/postgres:16";
    assert_start_fails(&options,
                       "`podman run` of nosuch/postgres:16 failed (exit status 125): Error: "
                       "initializing source docker://nosuch/postgres:16: reading manifest 16 in "
                       "docker.io/nosuch/postgres: requested access to the resource is denied",
                       NULL);
}
END_TEST

START_TEST(test_run_without_an_answer_in_time_is_ended_and_its_container_removed)
{
    setenv("FOSTER_FAKE_ENGINE_PULL_SECONDS", "30", 1);
    pg_container_options options = options_for("docker", "slowpull");
    options.timeout = 1.0;
    diag_list diags = DIAG_LIST_INIT;
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    double elapsed = now_seconds() - start;
    ck_assert_msg(elapsed < 5, "took %.1f s", elapsed);
    assert_failure(&diags, "`docker run` gave no answer within 1.0 s",
                   "pulling the image can take long: run `docker pull postgres:16` first, or "
                   "allow more time");
    diag_list_clear(&diags);
    char *log = calls_log();
    ck_assert_msg(strstr(log, "\ndocker rm -f foster-slowpull\n") != NULL, "calls:\n%s", log);
    free(log);
}
END_TEST

START_TEST(test_name_already_taken_is_reported_and_that_container_kept)
{
    start_foreign_container("foster-taken");
    forget_calls();
    pg_container_options options = options_for("docker", "taken");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    ck_assert_msg(strstr(diags.items[0].message,
                         "`docker run` of postgres:16 failed (exit status 125): Error response "
                         "from daemon: Conflict. The container name \"/foster-taken\" is already "
                         "in use") == diags.items[0].message,
                  "%s", diags.items[0].message);
    diag_list_clear(&diags);
    ck_assert(container_exists("foster-taken"));
    char *log = calls_log();
    ck_assert_msg(strstr(log, " rm ") == NULL, "calls:\n%s", log);
    free(log);
    ck_assert_int_eq(fake_engine("rm -f foster-taken"), 0);
}
END_TEST

START_TEST(test_server_never_ready_times_out_and_the_container_is_removed)
{
    setenv("FOSTER_FAKE_ENGINE_NEVER_READY", "1", 1);
    pg_container_options options = options_for("docker", "never");
    options.timeout = 4.5; /* bounds the whole start; the wait gets what `docker run` left */
    diag_list diags = DIAG_LIST_INIT;
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    double elapsed = now_seconds() - start;
    ck_assert_msg(elapsed < 12, "took %.1f s", elapsed);
    ck_assert_int_eq(diags.count, 1);
    const char *message = diags.items[0].message;
    ck_assert_msg(
        strncmp(message, "container foster-never (postgres:16): host='127.0.0.1' port=", 60) == 0,
        "%s", message);
    ck_assert_msg(strstr(message, "password='") == NULL, "%s", message);
    ck_assert_msg(strstr(message, ": not ready after ") != NULL, "%s", message);
    ck_assert_msg(strstr(message, "connection refused (is a server listening?)\n"
                                  "    fake engine: this container never listens") != NULL,
                  "%s", message);
    ck_assert_str_eq(diags.items[0].hint, "the lines above are the end of the container's log");
    diag_list_clear(&diags);
    char *log = calls_log();
    ck_assert_msg(strstr(log, "docker logs --tail 5 foster-never\ndocker rm -f foster-never\n"),
                  "calls:\n%s", log);
    free(log);
    ck_assert(!container_exists("foster-never"));
}
END_TEST

START_TEST(test_container_that_stops_while_starting_fails_before_the_timeout)
{
    setenv("FOSTER_FAKE_ENGINE_CRASH", "1", 1);
    pg_container_options options = options_for("docker", "crash");
    diag_list diags = DIAG_LIST_INIT;
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    double elapsed = now_seconds() - start;
    ck_assert_msg(elapsed < 8, "took %.1f s", elapsed);
    assert_failure(&diags,
                   "container foster-crash (postgres:16) stopped before PostgreSQL was ready, "
                   "and the engine removed it",
                   "see why with: docker run --rm -e POSTGRES_PASSWORD=secret postgres:16");
    diag_list_clear(&diags);
    ck_assert(!container_exists("foster-crash"));
}
END_TEST

/* A real engine can remove a container that died at once (--rm) before `port` is asked. */
START_TEST(test_container_gone_before_its_port_is_asked_is_reported_as_stopped)
{
    setenv("FOSTER_FAKE_ENGINE_CRASH", "at-once", 1);
    pg_container_options options = options_for("podman", "crashnow");
    assert_start_fails(
        &options,
        "container foster-crashnow (postgres:16) stopped before PostgreSQL was ready, "
        "and the engine removed it",
        "see why with: podman run --rm -e POSTGRES_PASSWORD=secret postgres:16");
    ck_assert(!container_exists("foster-crashnow"));
}
END_TEST

static volatile sig_atomic_t interrupt_flag;

static void *interrupt_soon(void *unused)
{
    (void)unused;
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    interrupt_flag = 1;
    return NULL;
}

/* Starts run `run_id` on docker, interrupted 0.3 s in; the start must fail. How long it took. */
static double start_interrupted_soon(const char *run_id, diag_list *diags)
{
    interrupt_flag = 0;
    pg_container_options options = options_for("docker", run_id);
    options.interrupt = &interrupt_flag;
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, interrupt_soon, NULL), 0);
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, diags));
    double elapsed = now_seconds() - start;
    pthread_join(thread, NULL);
    return elapsed;
}

START_TEST(test_interrupt_while_waiting_removes_the_container)
{
    setenv("FOSTER_FAKE_ENGINE_NEVER_READY", "1", 1);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed = start_interrupted_soon("interrupted", &diags);
    ck_assert_msg(elapsed < 5, "took %.1f s", elapsed);
    ck_assert_int_eq(diags.count, 1);
    ck_assert_msg(strstr(diags.items[0].message, "interrupted while ") == diags.items[0].message,
                  "%s", diags.items[0].message);
    diag_list_clear(&diags);
    ck_assert(!container_exists("foster-interrupted"));
}
END_TEST

/*
 * Interrupted while `run` works (here: "pulls" for 1 s): the run is let finish,
 * as a real engine makes the container even when its client is killed, and
 * only then removed.
 */
START_TEST(test_interrupt_during_run_lets_it_finish_then_removes_the_container)
{
    setenv("FOSTER_FAKE_ENGINE_PULL_SECONDS", "1", 1);
    diag_list diags = DIAG_LIST_INIT;
    double elapsed = start_interrupted_soon("interruptedrun", &diags);
    ck_assert_msg(elapsed >= 0.9 && elapsed < 10, "took %.1f s (the run takes 1 s)", elapsed);
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, "interrupted while waiting for `docker run`");
    diag_list_clear(&diags);
    char *log = calls_log();
    ck_assert_msg(strstr(log, "\ndocker rm -f foster-interruptedrun\n") != NULL, "calls:\n%s", log);
    free(log);
    ck_assert(!container_exists("foster-interruptedrun"));
    interrupt_flag = 0;
}
END_TEST

START_TEST(test_run_id_that_cannot_name_a_container_is_refused)
{
    pg_container_options options = options_for("docker", "a/b");
    assert_start_fails(
        &options,
        "cannot name a container after run id \"a/b\": use letters, digits, '_', '.' "
        "and '-' (at most 64)",
        NULL);
    assert_calls_are("");
}
END_TEST

START_TEST(test_unknown_engine_is_refused)
{
    pg_container_options options = options_for("lxc", "lxc");
    assert_start_fails(&options, "unknown container engine \"lxc\"", "use docker or podman");
}
END_TEST

TCase *pgcontainer_failures_tcase(void)
{
    TCase *failures = pgcontainer_tcase("failures");
    tcase_add_test(failures, test_engine_down_is_reported_with_its_own_message);
    tcase_add_test(failures, test_no_engine_in_path_names_both_engines);
    tcase_add_test(failures, test_failed_run_quotes_the_engine);
    tcase_add_test(failures, test_failed_podman_run_quotes_its_final_error_not_a_retry_warning);
    tcase_add_test(failures, test_run_without_an_answer_in_time_is_ended_and_its_container_removed);
    tcase_add_test(failures, test_name_already_taken_is_reported_and_that_container_kept);
    tcase_add_test(failures, test_server_never_ready_times_out_and_the_container_is_removed);
    tcase_add_test(failures, test_container_that_stops_while_starting_fails_before_the_timeout);
    tcase_add_test(failures, test_container_gone_before_its_port_is_asked_is_reported_as_stopped);
    tcase_add_test(failures, test_interrupt_while_waiting_removes_the_container);
    tcase_add_test(failures, test_interrupt_during_run_lets_it_finish_then_removes_the_container);
    tcase_add_test(failures, test_run_id_that_cannot_name_a_container_is_refused);
    tcase_add_test(failures, test_unknown_engine_is_refused);
    return failures;
}
