/*
 * test_pgcluster_attach.c — a cluster found again by its directory and
 * server pid, as `down` and gc do: the wrong pid or a directory that is no
 * cluster is refused and nothing is killed; an attached cluster, or one
 * whose server never started, is stopped and removed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"
#include "test_pgcluster.h"

START_TEST(test_attach_with_the_wrong_pid_is_refused_and_kills_nothing)
{
    pg_cluster *cluster = start_or_fail("wrongpid");
    pid_t pid = pg_cluster_pid(cluster);
    pid_t wrong = getpid(); /* a live process that is not the postmaster */
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_cluster_attach(pg_cluster_directory(cluster), wrong, &diags));
    ck_assert_int_eq(diags.count, 1);
    char *expected = strbuf_format("the cluster in %s belongs to server process %ld, not %ld",
                                   pg_cluster_directory(cluster), (long)pid, (long)wrong);
    ck_assert_str_eq(diags.items[0].message, expected);
    free(expected);
    diag_list_clear(&diags);
    ck_assert(process_running(pid));
    assert_query(cluster, "SELECT 1", "1");
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_attached_cluster_can_be_stopped)
{
    pg_cluster *started = start_or_fail("attached");
    pid_t pid = pg_cluster_pid(started);
    char *directory = strdup(pg_cluster_directory(started));
    pg_cluster_free(started); /* as `up` leaves it */

    diag_list diags = DIAG_LIST_INIT;
    pg_cluster *cluster = pg_cluster_attach(directory, pid, &diags);
    ck_assert_ptr_nonnull(cluster);
    ck_assert_int_eq(pg_cluster_pid(cluster), pid);
    assert_query(cluster, "SELECT 1", "1");
    stop_or_fail(cluster);
    ck_assert(!path_exists(directory));
    ck_assert(!process_running(pid));
    int status;
    ck_assert_int_eq(waitpid(pid, &status, WNOHANG), pid); /* it had exited: reap it */
    free(directory);
}
END_TEST

START_TEST(test_attach_to_a_directory_that_is_no_cluster_is_refused)
{
    char *directory = path_join(test_root, "not-a-cluster");
    ck_assert_int_eq(mkdir(directory, 0700), 0);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_cluster_attach(directory, 12345, &diags));
    ck_assert_int_eq(diags.count, 1);
    char *expected =
        strbuf_format("%s is not a foster cluster (it has no foster-cluster marker)", directory);
    ck_assert_str_eq(diags.items[0].message, expected);
    ck_assert(path_exists(directory));
    free(expected);
    free(directory);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_cluster_whose_server_never_started_is_removed_by_stop)
{
    /* What a foster killed during initdb leaves: a marked directory with pid 0. */
    char *directory = path_join(test_root, "never-started");
    ck_assert_int_eq(mkdir(directory, 0700), 0);
    char *marker = path_join(directory, "foster-cluster");
    FILE *f = fopen(marker, "w");
    ck_assert_ptr_nonnull(f);
    fputs("0\n", f);
    fclose(f);
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster *cluster = pg_cluster_attach(directory, 0, &diags);
    ck_assert_ptr_nonnull(cluster);
    char *conninfo = pg_cluster_conninfo(cluster, "it's");
    char *expected =
        strbuf_format("host='%s' port=5432 user='postgres' dbname='it\\'s'", directory);
    ck_assert_str_eq(conninfo, expected);
    stop_or_fail(cluster);
    ck_assert(!path_exists(directory));
    free(conninfo);
    free(expected);
    free(marker);
    free(directory);
}
END_TEST

TCase *pgcluster_attach_tcase(void)
{
    TCase *attach = tcase_create("attach");
    tcase_set_timeout(attach, 60);
    tcase_add_test(attach, test_attach_with_the_wrong_pid_is_refused_and_kills_nothing);
    tcase_add_test(attach, test_attached_cluster_can_be_stopped);
    tcase_add_test(attach, test_attach_to_a_directory_that_is_no_cluster_is_refused);
    tcase_add_test(attach, test_cluster_whose_server_never_started_is_removed_by_stop);
    return attach;
}
