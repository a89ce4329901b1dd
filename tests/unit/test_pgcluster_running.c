/*
 * test_pgcluster_running.c — a started `cluster` server: it answers as
 * postgres on a socket in its private directory and on no TCP address, runs
 * without durability and never as root; stop ends it and removes its
 * directory, even after it died; two start at once and stay apart.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "test_pgcluster.h"

static void execute(const pg_cluster *cluster, const char *sql)
{
    char *conninfo = pg_cluster_conninfo(cluster, "postgres");
    PGconn *conn = PQconnectdb(conninfo);
    free(conninfo);
    PGresult *result = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(result) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(conn));
    PQclear(result);
    PQfinish(conn);
}

/* The uid a process runs as, from /proc/PID/status; -1 when it cannot be read. */
static long process_uid(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    long uid = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Uid:", 4) == 0)
            uid = strtol(line + 4, NULL, 10);
    if (f)
        fclose(f);
    return uid;
}

START_TEST(test_started_server_answers_queries_as_postgres)
{
    pg_cluster *cluster = start_or_fail("answers");
    ck_assert_str_eq(pg_cluster_user(cluster), "postgres");
    ck_assert_int_eq(pg_cluster_port(cluster), 5432);
    assert_query(cluster, "SELECT 1 + 1", "2");
    assert_query(cluster, "SELECT current_user", "postgres");
    assert_query(cluster, "SELECT current_setting('server_encoding')", "UTF8");
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_conninfo_names_socket_port_user_and_database)
{
    pg_cluster *cluster = start_or_fail("conninfo");
    char *conninfo = pg_cluster_conninfo(cluster, "test_x");
    char *expected = strbuf_format("host='%s' port=5432 user='postgres' dbname='test_x'",
                                   pg_cluster_socket_dir(cluster));
    ck_assert_str_eq(conninfo, expected);
    free(conninfo);
    free(expected);
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_server_listens_on_no_tcp_address)
{
    pg_cluster *cluster = start_or_fail("notcp");
    assert_query(cluster, "SHOW listen_addresses", "");
    char *socket_dirs = strbuf_format("\"%s\"", pg_cluster_socket_dir(cluster));
    assert_query(cluster, "SHOW unix_socket_directories", socket_dirs);
    free(socket_dirs);
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_server_runs_without_durability)
{
    pg_cluster *cluster = start_or_fail("nosync");
    assert_query(cluster, "SHOW fsync", "off");
    assert_query(cluster, "SHOW full_page_writes", "off");
    assert_query(cluster, "SHOW synchronous_commit", "off");
    assert_query(cluster, "SHOW max_connections", "100");
    assert_query(cluster, "SHOW autovacuum", "off");
    assert_query(cluster, "SHOW wal_recycle", "off");
    assert_query(cluster, "SHOW wal_init_zero", "off");
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_directory_is_private_and_holds_the_socket)
{
    pg_cluster *cluster = start_or_fail("private");
    char *expected_name = path_join(runtime_dir, "private");
    ck_assert_str_eq(pg_cluster_directory(cluster), expected_name);
    free(expected_name);

    struct stat st;
    ck_assert_int_eq(stat(pg_cluster_directory(cluster), &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 07777, 0700);
    char *real = realpath(pg_cluster_directory(cluster), NULL);
    ck_assert_str_eq(real, pg_cluster_socket_dir(cluster));
    free(real);

    char *socket = path_join(pg_cluster_socket_dir(cluster), ".s.PGSQL.5432");
    ck_assert_int_eq(stat(socket, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    free(socket);

    char *data = path_join(pg_cluster_socket_dir(cluster), "data");
    ck_assert_int_eq(stat(data, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0700);
    free(data);
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_server_never_runs_as_root)
{
    pg_cluster *cluster = start_or_fail("notroot");
    long uid = process_uid(pg_cluster_pid(cluster));
    if (geteuid() == 0) {
        struct passwd *account = getpwnam("postgres");
        if (!account)
            account = getpwnam("nobody");
        ck_assert_ptr_nonnull(account);
        long expected = (long)account->pw_uid;
        ck_assert_int_ne(uid, 0);
        ck_assert_int_eq(uid, expected);
        struct stat st;
        ck_assert_int_eq(stat(pg_cluster_directory(cluster), &st), 0);
        ck_assert_int_eq(st.st_uid, expected);
    } else {
        ck_assert_int_eq(uid, (long)geteuid());
    }
    stop_or_fail(cluster);
}
END_TEST

START_TEST(test_stop_ends_the_server_and_removes_its_directory)
{
    pg_cluster *cluster = start_or_fail("stops");
    pid_t pid = pg_cluster_pid(cluster);
    char *directory = strdup(pg_cluster_directory(cluster));
    char *home = strdup(pg_cluster_socket_dir(cluster));
    ck_assert(process_running(pid));
    double started = now_seconds();
    stop_or_fail(cluster);
    fprintf(stderr, "pgcluster: stop took %.3f s\n", now_seconds() - started);
    ck_assert(!path_exists(directory));
    ck_assert(!path_exists(home));
    ck_assert_int_eq(kill(pid, 0), -1); /* reaped, not merely dead */
    ck_assert_int_eq(errno, ESRCH);
    free(directory);
    free(home);
}
END_TEST

START_TEST(test_stop_after_the_server_died_still_removes_the_directory)
{
    pg_cluster *cluster = start_or_fail("died");
    char *directory = strdup(pg_cluster_directory(cluster));
    ck_assert_int_eq(kill(pg_cluster_pid(cluster), SIGKILL), 0);
    stop_or_fail(cluster);
    ck_assert(!path_exists(directory));
    free(directory);
}
END_TEST

typedef struct concurrent_start {
    const char *name;
    pg_cluster *cluster;
    diag_list diags;
} concurrent_start;

static void *start_in_thread(void *argument)
{
    concurrent_start *start = argument;
    pg_cluster_options options = options_named(start->name);
    start->cluster = pg_cluster_start(&options, &start->diags);
    return NULL;
}

START_TEST(test_two_clusters_start_at_once_and_are_separate)
{
    free(use_private_cache("cache-concurrent")); /* cold: both race to build one entry */
    concurrent_start starts[2] = {{"left", NULL, DIAG_LIST_INIT}, {"right", NULL, DIAG_LIST_INIT}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, start_in_thread, &starts[i]), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        diag_list_print(&starts[i].diags, "error", stderr);
        ck_assert_ptr_nonnull(starts[i].cluster);
    }
    ck_assert_int_ne(pg_cluster_pid(starts[0].cluster), pg_cluster_pid(starts[1].cluster));
    ck_assert_str_ne(pg_cluster_socket_dir(starts[0].cluster),
                     pg_cluster_socket_dir(starts[1].cluster));
    /* Each answers on its own socket, with its own data. */
    execute(starts[0].cluster, "CREATE TABLE only_left (id int)");
    assert_query(starts[0].cluster, "SELECT count(*) FROM pg_class WHERE relname = 'only_left'",
                 "1");
    assert_query(starts[1].cluster, "SELECT count(*) FROM pg_class WHERE relname = 'only_left'",
                 "0");
    stop_or_fail(starts[0].cluster);
    assert_query(starts[1].cluster, "SELECT 1", "1"); /* stopping one leaves the other */
    stop_or_fail(starts[1].cluster);
}
END_TEST

TCase *pgcluster_running_tcase(void)
{
    TCase *running = tcase_create("running");
    tcase_set_timeout(running, 60);
    tcase_add_test(running, test_started_server_answers_queries_as_postgres);
    tcase_add_test(running, test_conninfo_names_socket_port_user_and_database);
    tcase_add_test(running, test_server_listens_on_no_tcp_address);
    tcase_add_test(running, test_server_runs_without_durability);
    tcase_add_test(running, test_directory_is_private_and_holds_the_socket);
    tcase_add_test(running, test_server_never_runs_as_root);
    tcase_add_test(running, test_stop_ends_the_server_and_removes_its_directory);
    tcase_add_test(running, test_stop_after_the_server_died_still_removes_the_directory);
    tcase_add_test(running, test_two_clusters_start_at_once_and_are_separate);
    return running;
}
