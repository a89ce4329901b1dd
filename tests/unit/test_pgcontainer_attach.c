/*
 * test_pgcontainer_attach.c — a container found again by name (attach),
 * listed among foster's own, and stopped: the server ends, the container
 * goes, and one already gone is no error; a container foster did not start
 * is refused and kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_pgcontainer.h"

/* ---- attach and list ---- */

START_TEST(test_attach_by_name_reads_back_password_and_port)
{
    pg_container_options options = options_for("docker", "attach");
    pg_container *started = start_or_fail(&options);
    diag_list diags = DIAG_LIST_INIT;
    pg_container *attached = pg_container_attach("docker", "foster-attach", &diags);
    if (!attached)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(attached);
    char *started_conninfo = pg_container_conninfo(started, "postgres");
    char *attached_conninfo = pg_container_conninfo(attached, "postgres");
    ck_assert_str_eq(attached_conninfo, started_conninfo);
    ck_assert_str_eq(pg_container_name(attached), "foster-attach");
    ck_assert_str_eq(pg_container_engine(attached), "docker");
    assert_query(attached, "SELECT 'attached'", "attached");
    free(started_conninfo);
    free(attached_conninfo);
    pg_container_free(attached);
    stop_and_free(started);
}
END_TEST

START_TEST(test_attached_container_can_be_stopped)
{
    pg_container_options options = options_for("docker", "attachstop");
    pg_container *started = start_or_fail(&options);
    pg_container_free(started); /* as `foster up` leaves it */
    diag_list diags = DIAG_LIST_INIT;
    pg_container *attached = pg_container_attach("docker", "foster-attachstop", &diags);
    ck_assert_ptr_nonnull(attached);
    stop_and_free(attached);
    ck_assert(!container_exists("foster-attachstop"));
}
END_TEST

START_TEST(test_attach_to_a_missing_container_says_so)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_attach("docker", "foster-nowhere", &diags));
    assert_failure(&diags,
                   "cannot find container foster-nowhere: `docker inspect` (exit status 1): "
                   "Error: No such object: foster-nowhere",
                   NULL);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_attach_to_a_container_foster_did_not_start_is_refused)
{
    start_foreign_container("somebody-elses");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_attach("docker", "somebody-elses", &diags));
    assert_failure(&diags,
                   "container somebody-elses is not one of foster's: it lacks the labels "
                   "foster=1 and foster.run",
                   "foster only stops containers it started");
    diag_list_clear(&diags);
    ck_assert(container_exists("somebody-elses"));
    ck_assert_int_eq(fake_engine("rm -f somebody-elses"), 0);
}
END_TEST

START_TEST(test_list_shows_foster_containers_with_run_id_and_owner_pid)
{
    start_foreign_container("not-listed");
    pg_container_options options = options_for("docker", "listed");
    pg_container *container = start_or_fail(&options);
    diag_list diags = DIAG_LIST_INIT;
    size_t count = 99;
    pg_container_entry *entries = pg_container_list("docker", &count, &diags);
    ck_assert_ptr_nonnull(entries);
    ck_assert_int_eq(diags.count, 0);
    ck_assert_uint_eq(count, 1);
    ck_assert_str_eq(entries[0].engine, "docker");
    ck_assert_str_eq(entries[0].name, "foster-listed");
    ck_assert_str_eq(entries[0].run_id, "listed");
    ck_assert_int_eq(entries[0].owner_pid, getpid());
    ck_assert_ptr_null(entries[1].name); /* the terminator */
    pg_container_list_free(entries, count);
    stop_and_free(container);
    ck_assert_int_eq(fake_engine("rm -f not-listed"), 0);
}
END_TEST

START_TEST(test_list_without_an_answering_engine_is_empty)
{
    setenv("FOSTER_FAKE_ENGINE_DOWN", "1", 1);
    diag_list diags = DIAG_LIST_INIT;
    size_t count = 99;
    pg_container_entry *entries = pg_container_list(NULL, &count, &diags);
    ck_assert_ptr_nonnull(entries);
    ck_assert_uint_eq(count, 0);
    ck_assert_int_eq(diags.count, 0);
    ck_assert_ptr_null(entries[0].name);
    pg_container_list_free(entries, count);
}
END_TEST

START_TEST(test_list_of_an_engine_that_is_down_quotes_it)
{
    setenv("FOSTER_FAKE_ENGINE_DOWN", "1", 1);
    diag_list diags = DIAG_LIST_INIT;
    size_t count = 99;
    ck_assert_ptr_null(pg_container_list("docker", &count, &diags));
    ck_assert_uint_eq(count, 0);
    assert_failure(&diags,
                   "cannot list foster's containers: `docker ps` (exit status 1): Cannot connect "
                   "to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon "
                   "running?",
                   NULL);
    diag_list_clear(&diags);
}
END_TEST

/* ---- stop ---- */

START_TEST(test_stop_removes_the_container_and_ends_its_server)
{
    pg_container_options options = options_for("docker", "stopped");
    pg_container *container = start_or_fail(&options);
    char *pid_text = container_file("foster-stopped", "data/postmaster.pid");
    ck_assert_ptr_nonnull(pid_text);
    long postmaster = strtol(pid_text, NULL, 10);
    ck_assert(process_alive(postmaster));
    forget_calls();
    stop_and_free(container);
    assert_calls_are("docker rm -f foster-stopped\n");
    ck_assert(!process_alive(postmaster));
    ck_assert(!container_exists("foster-stopped"));
    diag_list diags = DIAG_LIST_INIT;
    size_t count = 99;
    pg_container_entry *entries = pg_container_list("docker", &count, &diags);
    ck_assert_uint_eq(count, 0);
    pg_container_list_free(entries, count);
    free(pid_text);
}
END_TEST

START_TEST(test_stop_of_a_container_already_gone_succeeds)
{
    pg_container_options options = options_for("docker", "gone");
    pg_container *container = start_or_fail(&options);
    ck_assert_int_eq(fake_engine("rm -f foster-gone"), 0);
    ck_assert(!container_exists("foster-gone"));
    stop_and_free(container);
}
END_TEST

TCase *pgcontainer_attach_tcase(void)
{
    TCase *attach = pgcontainer_tcase("attach and list");
    tcase_add_test(attach, test_attach_by_name_reads_back_password_and_port);
    tcase_add_test(attach, test_attached_container_can_be_stopped);
    tcase_add_test(attach, test_attach_to_a_missing_container_says_so);
    tcase_add_test(attach, test_attach_to_a_container_foster_did_not_start_is_refused);
    tcase_add_test(attach, test_list_shows_foster_containers_with_run_id_and_owner_pid);
    tcase_add_test(attach, test_list_without_an_answering_engine_is_empty);
    tcase_add_test(attach, test_list_of_an_engine_that_is_down_quotes_it);
    return attach;
}

TCase *pgcontainer_stop_tcase(void)
{
    TCase *stop = pgcontainer_tcase("stop");
    tcase_add_test(stop, test_stop_removes_the_container_and_ends_its_server);
    tcase_add_test(stop, test_stop_of_a_container_already_gone_succeeds);
    return stop;
}
