/*
 * test_mysql_cluster.c — mysql-cluster, foster's own MariaDB server, with
 * real servers: private (socket only), durability off, as `mysql` when root,
 * the pid handed to the caller before waiting, the cache made once and
 * mended when broken, attach and stop from another handle, and nothing left
 * behind. Prints the cold and warm start times.
 *
 * Every test uses a private runtime directory and cache under one temporary
 * root; skipped with the reason when mariadbd is not installed.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <mysql.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mycluster.h"
#include "myconn.h"
#include "scratch.h"
#include "strbuf.h"

static char *test_root;
static char runtime_dir[128];
static char cache_dir[128];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct started_call {
    int calls;
    pid_t pid;
    char directory[256];
} started_call;

static int record_started(void *context, const char *directory, pid_t pid)
{
    started_call *call = context;
    call->calls++;
    call->pid = pid;
    snprintf(call->directory, sizeof call->directory, "%s", directory);
    return 0;
}

static my_cluster *start_named(const char *name, started_call *call)
{
    my_cluster_options options = {.directory = runtime_dir, .name = name};
    if (call) {
        options.started = record_started;
        options.started_context = call;
    }
    diag_list diags = DIAG_LIST_INIT;
    my_cluster *cluster = my_cluster_start(&options, &diags);
    if (!cluster)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(cluster);
    ck_assert_int_eq(diags.count, 0);
    return cluster;
}

/* The first value of `sql` on the cluster, through its URL. */
static char *query(const my_cluster *cluster, const char *sql)
{
    char *text = my_cluster_url(cluster, NULL);
    my_url url;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(my_url_parse(text, &url, &diags), 0);
    MYSQL *mysql = my_conn_open(&url, NULL, 5, NULL, &diags);
    if (!mysql)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(mysql);
    bool found;
    char *value = my_conn_query_value(mysql, sql, &found, &diags);
    ck_assert_msg(found, "%s: no value", sql);
    mysql_close(mysql);
    my_url_free(&url);
    free(text);
    return value;
}

static void assert_value(const my_cluster *cluster, const char *sql, const char *expected)
{
    char *value = query(cluster, sql);
    ck_assert_msg(strcmp(value, expected) == 0, "%s: %s, expected %s", sql, value, expected);
    free(value);
}

static bool process_alive(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char text[512] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *state = strrchr(text, ')');
    return !(state && (state[2] == 'Z' || state[2] == 'X'));
}

static uid_t process_uid(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld", (long)pid);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_uid;
}

static int count_entries(const char *directory, const char *prefix)
{
    DIR *dir = opendir(directory);
    if (!dir)
        return 0;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (strncmp(entry->d_name, prefix, strlen(prefix)) == 0)
            count++;
    closedir(dir);
    return count;
}

static void stop_and_assert_gone(my_cluster *cluster)
{
    pid_t pid = my_cluster_pid(cluster);
    char directory[256];
    snprintf(directory, sizeof directory, "%s", my_cluster_directory(cluster));
    char *socket_path = strdup(my_cluster_socket(cluster));
    diag_list diags = DIAG_LIST_INIT;
    int rc = my_cluster_stop(cluster, &diags);
    if (rc != 0)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    my_cluster_free(cluster);
    struct stat st;
    ck_assert_int_ne(lstat(directory, &st), 0);
    ck_assert_int_ne(lstat(socket_path, &st), 0); /* a relocated home is gone too */
    ck_assert(!process_alive(pid));
    free(socket_path);
}

START_TEST(cold_then_warm_start_private_and_unsafe)
{
    started_call call = {0};
    double start = now();
    my_cluster *cluster = start_named("cold", &call);
    double cold = now() - start;
    ck_assert_int_eq(call.calls, 1);
    ck_assert_int_eq(call.pid, my_cluster_pid(cluster));
    ck_assert_str_eq(call.directory, my_cluster_directory(cluster));
    assert_value(cluster, "SELECT @@skip_networking", "1");
    assert_value(cluster, "SELECT @@innodb_flush_log_at_trx_commit", "0");
    assert_value(cluster, "SELECT @@innodb_doublewrite", "0");
    assert_value(cluster, "SELECT @@log_bin", "0");
    assert_value(cluster, "SELECT @@sync_binlog", "0");
    assert_value(cluster, "SELECT @@character_set_server", "utf8mb4");
    char *socket_value = query(cluster, "SELECT @@socket");
    ck_assert_str_eq(socket_value, my_cluster_socket(cluster));
    free(socket_value);
    /* the marker names the server */
    char marker[512];
    snprintf(marker, sizeof marker, "%s/foster-mysql-cluster", my_cluster_directory(cluster));
    FILE *f = fopen(marker, "r");
    ck_assert_ptr_nonnull(f);
    long marked = 0;
    ck_assert_int_eq(fscanf(f, "%ld", &marked), 1);
    fclose(f);
    ck_assert_int_eq(marked, my_cluster_pid(cluster));
    if (geteuid() == 0) {
        struct passwd *mysql_user = getpwnam("mysql");
        ck_assert_ptr_nonnull(mysql_user);
        ck_assert_int_eq(process_uid(my_cluster_pid(cluster)), mysql_user->pw_uid);
    }
    ck_assert_int_eq(count_entries(cache_dir, "mydata-"), 2); /* the entry and its lock */
    stop_and_assert_gone(cluster);

    start = now();
    cluster = start_named("warm", NULL);
    double warm = now() - start;
    assert_value(cluster,
                 "SELECT COUNT(*) FROM mysql.user WHERE user = 'root' AND host = 'localhost'", "1");
    stop_and_assert_gone(cluster);
    printf("mysql-cluster start: cold (mariadb-install-db into the cache) %.2f s, "
           "warm (copy from the cache) %.2f s\n",
           cold, warm);
    ck_assert_double_lt(warm, cold);
    ck_assert_int_eq(count_entries(runtime_dir, ""), 2); /* . and .. */
}
END_TEST

START_TEST(broken_cache_entry_is_made_again)
{
    my_cluster *cluster = start_named("first", NULL);
    stop_and_assert_gone(cluster);
    char command[512];
    snprintf(command, sizeof command, "rm -f %s/mydata-*/ibdata1", cache_dir);
    ck_assert_int_eq(system(command), 0);
    cluster = start_named("mended", NULL);
    assert_value(cluster, "SELECT 1", "1");
    stop_and_assert_gone(cluster);
    snprintf(command, sizeof command, "test -s %s/mydata-*/ibdata1", cache_dir);
    ck_assert_int_eq(system(command), 0);
}
END_TEST

START_TEST(attach_and_stop_from_another_handle)
{
    my_cluster *cluster = start_named("kept", NULL);
    char directory[256];
    snprintf(directory, sizeof directory, "%s", my_cluster_directory(cluster));
    pid_t pid = my_cluster_pid(cluster);
    my_cluster_free(cluster); /* as `up` leaves it */
    ck_assert(process_alive(pid));

    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(my_cluster_attach(directory, pid + 1, &diags));
    ck_assert_msg(strstr(diag_list_last(&diags)->message, "belongs to server process"), "%s",
                  diag_list_last(&diags)->message);
    ck_assert_ptr_null(my_cluster_attach(runtime_dir, pid, &diags));
    ck_assert_msg(strstr(diag_list_last(&diags)->message, "not a foster MySQL cluster"), "%s",
                  diag_list_last(&diags)->message);
    diag_list_clear(&diags);
    ck_assert(process_alive(pid));

    my_cluster *attached = my_cluster_attach(directory, pid, &diags);
    ck_assert_ptr_nonnull(attached);
    assert_value(attached, "SELECT 2", "2");
    stop_and_assert_gone(attached);
}
END_TEST

START_TEST(refusals_leave_nothing_behind)
{
    diag_list diags = DIAG_LIST_INIT;
    my_cluster_options options = {
        .bindir = "/nonexistent/bin", .directory = runtime_dir, .name = "nobin"};
    ck_assert_ptr_null(my_cluster_start(&options, &diags));
    ck_assert_msg(strstr(diag_list_last(&diags)->message,
                         "no MariaDB server (mariadbd or mysqld) in /nonexistent/bin"),
                  "%s", diag_list_last(&diags)->message);
    ck_assert_ptr_nonnull(diag_list_last(&diags)->hint);
    volatile sig_atomic_t stop = 1;
    options = (my_cluster_options){.directory = runtime_dir, .name = "stopped", .interrupt = &stop};
    ck_assert_ptr_null(my_cluster_start(&options, &diags));
    ck_assert(strstr(diag_list_last(&diags)->message, "interrupted"));
    options = (my_cluster_options){.directory = runtime_dir, .name = "a/b"};
    ck_assert_ptr_null(my_cluster_start(&options, &diags));
    ck_assert(strstr(diag_list_last(&diags)->message, "invalid cluster name"));
    diag_list_clear(&diags);
    ck_assert_int_eq(count_entries(runtime_dir, ""), 2);
}
END_TEST

static int refuse_record(void *context, const char *directory, pid_t pid)
{
    (void)directory;
    *(pid_t *)context = pid;
    return -1;
}

START_TEST(a_failing_record_stops_the_server)
{
    pid_t pid = 0;
    my_cluster_options options = {.directory = runtime_dir,
                                  .name = "norecord",
                                  .started = refuse_record,
                                  .started_context = &pid};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(my_cluster_start(&options, &diags));
    ck_assert_int_gt(pid, 0);
    ck_assert(!process_alive(pid));
    ck_assert_int_eq(count_entries(runtime_dir, ""), 2);
}
END_TEST

/* After a failed test: stops every cluster still in the runtime directory, by its marker. */
static void sweep_leftovers(void)
{
    DIR *dir = opendir(runtime_dir);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char directory[512], marker[600];
        snprintf(directory, sizeof directory, "%s/%s", runtime_dir, entry->d_name);
        snprintf(marker, sizeof marker, "%s/foster-mysql-cluster", directory);
        FILE *f = fopen(marker, "r");
        long pid = 0;
        if (f && fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        if (f)
            fclose(f);
        diag_list diags = DIAG_LIST_INIT;
        my_cluster *cluster = my_cluster_attach(directory, (pid_t)pid, &diags);
        if (cluster && my_cluster_stop(cluster, &diags) == 0)
            fprintf(stderr, "test_mysql_cluster: stopped the leftover cluster %s\n", directory);
        my_cluster_free(cluster);
        diag_list_clear(&diags);
    }
    if (dir)
        closedir(dir);
}

int main(void)
{
    if (access("/usr/sbin/mariadbd", X_OK) != 0) {
        printf("SKIP: mariadbd is not installed (apt-get install mariadb-server)\n");
        return 77;
    }
    test_root = scratch_make("foster-mycluster-");
    if (!test_root)
        return 1;
    snprintf(runtime_dir, sizeof runtime_dir, "%s/run", test_root);
    snprintf(cache_dir, sizeof cache_dir, "%s/cache/foster", test_root);
    char xdg[160];
    snprintf(xdg, sizeof xdg, "%s/cache", test_root);
    setenv("XDG_CACHE_HOME", xdg, 1);
    if (mkdir(runtime_dir, 0700) < 0)
        return 1;
    Suite *suite = suite_create("mysql_cluster");
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, cold_then_warm_start_private_and_unsafe);
    tcase_add_test(tc, broken_cache_entry_is_made_again);
    tcase_add_test(tc, attach_and_stop_from_another_handle);
    tcase_add_test(tc, refusals_leave_nothing_behind);
    tcase_add_test(tc, a_failing_record_stops_the_server);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    sweep_leftovers();
    scratch_remove(test_root);
    free(test_root);
    return failed == 0 ? 0 : 1;
}
