/*
 * test_pgcluster.c — the `cluster` backend's own PostgreSQL server, with
 * real servers: started from the cache, private, fast and unsafe on purpose,
 * stopped without a trace; the cache made once and mended when broken;
 * refusals that name what is wrong.
 *
 * Needs a PostgreSQL server installation (found as foster finds it). Every
 * test uses a private runtime directory and cache under one temporary root.
 *
 * This file: main, the suite and the helpers the cases share
 * (test_pgcluster.h); the cases are in the files that header lists.
 */
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scratch.h"
#include "strbuf.h"
#include "test_pgcluster.h"

char *test_root;
char runtime_dir[PATH_MAX];

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

pg_cluster_options options_named(const char *name)
{
    pg_cluster_options options = {NULL, runtime_dir, name, NULL, NULL};
    return options;
}

pg_cluster *start_or_fail(const char *name)
{
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named(name);
    pg_cluster *cluster = pg_cluster_start(&options, &diags);
    if (!cluster)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(cluster);
    ck_assert_int_eq(diags.count, 0);
    return cluster;
}

void stop_or_fail(pg_cluster *cluster)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = pg_cluster_stop(cluster, &diags);
    if (rc != 0)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    pg_cluster_free(cluster);
}

/* The first column of the first row of `sql`, run on database postgres; a new string. */
static char *query_value(const pg_cluster *cluster, const char *sql)
{
    char *conninfo = pg_cluster_conninfo(cluster, "postgres");
    ck_assert_ptr_nonnull(conninfo);
    PGconn *conn = PQconnectdb(conninfo);
    free(conninfo);
    ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "connect: %s", PQerrorMessage(conn));
    PGresult *result = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(result) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(conn));
    char *value = strdup(PQgetvalue(result, 0, 0));
    PQclear(result);
    PQfinish(conn);
    return value;
}

void assert_query(const pg_cluster *cluster, const char *sql, const char *expected)
{
    char *value = query_value(cluster, sql);
    ck_assert_str_eq(value, expected);
    free(value);
}

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

char *path_join(const char *a, const char *b)
{
    char *path = strbuf_format("%s/%s", a, b);
    ck_assert_ptr_nonnull(path);
    return path;
}

/* Whether a process is still running (a zombie counts as gone). */
bool process_running(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return kill(pid, 0) == 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *state = strrchr(text, ')');
    return !(state && (state[2] == 'Z' || state[2] == 'X'));
}

/* A fresh, empty cache for this test alone (each test runs in its own process). */
char *use_private_cache(const char *name)
{
    char *cache = path_join(test_root, name);
    ck_assert_int_eq(mkdir(cache, 0700), 0);
    ck_assert_int_eq(setenv("XDG_CACHE_HOME", cache, 1), 0);
    return cache;
}

/* ---- the test program ---- */

/* Stops whatever a failed test left running (a failed assertion ends its process at once). */
static void stop_leftovers(void)
{
    DIR *dir = opendir(runtime_dir);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        /* No ck_assert here: this runs outside any test. */
        char *directory = strbuf_format("%s/%s", runtime_dir, entry->d_name);
        char *marker = directory ? strbuf_format("%s/foster-cluster", directory) : NULL;
        FILE *f = marker ? fopen(marker, "r") : NULL;
        long pid = -1;
        if (f && fscanf(f, "%ld", &pid) != 1)
            pid = -1;
        if (f)
            fclose(f);
        diag_list diags = DIAG_LIST_INIT;
        pg_cluster *cluster = pid >= 0 ? pg_cluster_attach(directory, (pid_t)pid, &diags) : NULL;
        if (cluster) {
            fprintf(stderr, "pgcluster: stopping leftover cluster %s\n", directory);
            pg_cluster_stop(cluster, &diags);
            pg_cluster_free(cluster);
        }
        diag_list_clear(&diags);
        free(marker);
        free(directory);
    }
    if (dir)
        closedir(dir);
}

static Suite *pgcluster_suite(void)
{
    Suite *suite = suite_create("pgcluster");
    suite_add_tcase(suite, pgcluster_running_tcase());
    suite_add_tcase(suite, pgcluster_cache_tcase());
    suite_add_tcase(suite, pgcluster_failures_tcase());
    suite_add_tcase(suite, pgcluster_attach_tcase());
    return suite;
}

int main(void)
{
    /* Without a server installed there is nothing to test: 77 tells meson "skipped". */
    if (system("b=$(pg_config --bindir 2>/dev/null); test -x \"$b/postgres\" && exit 0; "
               "for f in /usr/lib/postgresql/*/bin/postgres; do test -x \"$f\" && exit 0; done; "
               "exit 1") != 0) {
        fprintf(stderr, "test_pgcluster: no PostgreSQL server installed, skipping\n");
        return 77;
    }
    /* Memory-backed when possible (a data directory copy on a virtual disk is slow), else
     * under /tmp. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
    test_root = scratch_make_in(base, "test_pgcluster-");
    if (!test_root || chmod(test_root, 0711) < 0) {
        perror("test_pgcluster: cannot make a temporary directory");
        return EXIT_FAILURE;
    }
    snprintf(runtime_dir, sizeof runtime_dir, "%s/run", test_root);
    char cache[PATH_MAX];
    snprintf(cache, sizeof cache, "%s/cache", test_root);
    if (mkdir(runtime_dir, 0700) < 0 || mkdir(cache, 0700) < 0 ||
        setenv("XDG_CACHE_HOME", cache, 1) < 0) {
        perror("test_pgcluster: cannot prepare the test directory");
        return EXIT_FAILURE;
    }

    SRunner *runner = srunner_create(pgcluster_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);

    stop_leftovers();
    if (scratch_remove(test_root) != 0)
        fprintf(stderr, "test_pgcluster: could not remove %s\n", test_root);
    free(test_root);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
