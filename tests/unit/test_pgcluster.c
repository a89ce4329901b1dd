/*
 * test_pgcluster.c — the `cluster` backend's own PostgreSQL server, with
 * real servers: started from the cache, private, fast and unsafe on purpose,
 * stopped without a trace; the cache made once and mended when broken;
 * refusals that name what is wrong.
 *
 * Needs a PostgreSQL server installation (found as foster finds it). Every
 * test uses a private runtime directory and cache under one temporary root.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgcluster.h"
#include "pgcluster_internal.h" /* pg_cluster_bindir_resolve */
#include "strbuf.h"

static char test_root[256]; /* 0711: the server user may have to reach fake bindirs */
static char runtime_dir[PATH_MAX];

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pg_cluster_options options_named(const char *name)
{
    pg_cluster_options options = {NULL, runtime_dir, name, NULL, NULL};
    return options;
}

static pg_cluster *start_or_fail(const char *name)
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

static void stop_or_fail(pg_cluster *cluster)
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

static void assert_query(const pg_cluster *cluster, const char *sql, const char *expected)
{
    char *value = query_value(cluster, sql);
    ck_assert_str_eq(value, expected);
    free(value);
}

static bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static char *path_join(const char *a, const char *b)
{
    char *path = strbuf_format("%s/%s", a, b);
    ck_assert_ptr_nonnull(path);
    return path;
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

/* Whether a process is still running (a zombie counts as gone). */
static bool process_running(pid_t pid)
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
static char *use_private_cache(const char *name)
{
    char *cache = path_join(test_root, name);
    ck_assert_int_eq(mkdir(cache, 0700), 0);
    ck_assert_int_eq(setenv("XDG_CACHE_HOME", cache, 1), 0);
    return cache;
}

/* The one complete cache entry under cache/foster (a new string), or NULL. */
static char *find_cache_entry(const char *cache)
{
    char *base = path_join(cache, "foster");
    DIR *dir = opendir(base);
    char *found = NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, "pgdata-", 7) != 0 || strchr(entry->d_name, '.'))
            continue;
        ck_assert_ptr_null(found);
        found = path_join(base, entry->d_name);
    }
    if (dir)
        closedir(dir);
    free(base);
    return found;
}

static void write_script(const char *directory, const char *name, const char *text)
{
    char *path = path_join(directory, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0755), 0);
    free(path);
}

/* A bindir whose initdb makes just enough of a data directory, and whose postgres is `server`. */
static char *fake_bindir(const char *name, const char *initdb, const char *server)
{
    char *bindir = path_join(test_root, name);
    ck_assert_int_eq(mkdir(bindir, 0755), 0);
    write_script(bindir, "initdb", initdb);
    write_script(bindir, "postgres", server);
    return bindir;
}

static const char fake_initdb[] = "#!/bin/sh\n"
                                  "while [ $# -gt 0 ]; do [ \"$1\" = -D ] && data=$2; shift; done\n"
                                  "mkdir -p \"$data/global\" && chmod 700 \"$data\" &&\n"
                                  "echo 15 > \"$data/PG_VERSION\" && echo x > "
                                  "\"$data/global/pg_control\"\n";

/* ---- a started server ---- */

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

/* ---- the cache ---- */

START_TEST(test_cold_cache_is_filled_and_the_next_start_is_faster)
{
    char *cache = use_private_cache("cache-cold");
    ck_assert_ptr_null(find_cache_entry(cache));

    double started = now_seconds();
    pg_cluster *cluster = start_or_fail("cold");
    double cold = now_seconds() - started;
    stop_or_fail(cluster);

    char *entry = find_cache_entry(cache);
    ck_assert_ptr_nonnull(entry);
    const char *expected_files[] = {"foster-complete", "PG_VERSION", "global/pg_control"};
    for (size_t i = 0; i < 3; i++) {
        char *path = path_join(entry, expected_files[i]);
        ck_assert_msg(path_exists(path), "%s missing", path);
        free(path);
    }

    started = now_seconds();
    cluster = start_or_fail("warm");
    double warm = now_seconds() - started;
    assert_query(cluster, "SELECT 1", "1");
    stop_or_fail(cluster);
    fprintf(stderr, "pgcluster: cold start %.3f s, warm start %.3f s\n", cold, warm);
    ck_assert_double_lt(warm, cold);
    free(entry);
    free(cache);
}
END_TEST

START_TEST(test_cache_entry_without_its_marker_is_rebuilt)
{
    char *cache = use_private_cache("cache-broken");
    stop_or_fail(start_or_fail("fill"));
    char *entry = find_cache_entry(cache);
    ck_assert_ptr_nonnull(entry);
    char *marker = path_join(entry, "foster-complete");
    char *planted = path_join(entry, "planted-by-test");
    ck_assert_int_eq(unlink(marker), 0);
    FILE *f = fopen(planted, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);

    pg_cluster *cluster = start_or_fail("rebuilt");
    assert_query(cluster, "SELECT 1", "1");
    char *in_cluster = path_join(pg_cluster_socket_dir(cluster), "data/planted-by-test");
    ck_assert(!path_exists(in_cluster)); /* the broken entry was not used */
    free(in_cluster);
    stop_or_fail(cluster);

    ck_assert(path_exists(marker));
    ck_assert(!path_exists(planted));
    free(marker);
    free(planted);
    free(entry);
    free(cache);
}
END_TEST

/* ---- failures ---- */

START_TEST(test_bindir_without_a_server_is_named)
{
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named("badbin");
    options.bindir = "/nonexistent/pgbin";
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message,
                     "no PostgreSQL server in /nonexistent/pgbin: it needs the programs postgres "
                     "and initdb");
    ck_assert_str_eq(diags.items[0].hint,
                     "set [cluster] bindir to the directory that holds postgres and initdb");
    char *directory = path_join(runtime_dir, "badbin");
    ck_assert(!path_exists(directory));
    free(directory);
    diag_list_clear(&diags);
}
END_TEST

/* Lines in `path`: how often the fake pg_config below ran. */
static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    int lines = 0;
    for (int c; f && (c = fgetc(f)) != EOF;)
        lines += c == '\n';
    if (f)
        fclose(f);
    return lines;
}

/* A pg_config on PATH that answers `bindir` and counts its runs in `count`. */
static void write_pg_config(const char *folder, const char *bindir, const char *count)
{
    char *script = strbuf_format("#!/bin/sh\necho run >> '%s'\necho '%s'\n", count, bindir);
    write_script(folder, "pg_config", script);
    free(script);
}

START_TEST(test_pg_config_answer_is_memorised_until_what_it_depends_on_changes)
{
    char *first = fake_bindir("memo-first", fake_initdb, "#!/bin/sh\nexit 0\n");
    char *second = fake_bindir("memo-second", fake_initdb, "#!/bin/sh\nexit 0\n");
    char *folder = path_join(test_root, "memo-path");
    char *count = path_join(test_root, "memo-count");
    ck_assert_int_eq(mkdir(folder, 0755), 0);
    write_pg_config(folder, first, count);
    char *saved_path = strdup(getenv("PATH"));
    char *path = strbuf_format("%s:%s", folder, saved_path);
    setenv("PATH", path, 1);
    diag_list diags = DIAG_LIST_INIT;

    char *found = pg_cluster_bindir_resolve(NULL, &diags);
    ck_assert_str_eq(found, first);
    free(found);
    found = pg_cluster_bindir_resolve(NULL, &diags);
    ck_assert_str_eq(found, first);
    free(found);
    ck_assert_int_eq(count_lines(count), 1); /* the second answer came from the memo */

    usleep(10000); /* a change time the memo cannot mistake */
    write_pg_config(folder, second, count);
    found = pg_cluster_bindir_resolve(NULL, &diags);
    ck_assert_str_eq(found, second);
    free(found);
    ck_assert_int_eq(count_lines(count), 2); /* a changed pg_config is asked again */

    char *server = path_join(second, "postgres");
    ck_assert_int_eq(unlink(server), 0);
    found = pg_cluster_bindir_resolve(NULL, &diags); /* the memorised folder lost its server */
    ck_assert_int_eq(count_lines(count), 3);
    ck_assert(found == NULL || strcmp(found, second) != 0);
    free(found);

    setenv("PATH", saved_path, 1);
    diag_list_clear(&diags);
    free(server);
    free(saved_path);
    free(path);
    free(count);
    free(folder);
    free(second);
    free(first);
}
END_TEST

START_TEST(test_server_that_exits_while_starting_fails_at_once_quoting_its_log)
{
    char *bindir = fake_bindir("bin-exits", fake_initdb,
                               "#!/bin/sh\necho 'FATAL:  fake server refuses to start' >&2\n"
                               "exit 3\n");
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named("exits");
    options.bindir = bindir;
    double started = now_seconds();
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_double_lt(now_seconds() - started, 5.0); /* not the 30 s readiness timeout */
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, "the PostgreSQL server exited while starting "
                                             "(exit status 3):\n"
                                             "  FATAL:  fake server refuses to start");
    char *directory = path_join(runtime_dir, "exits");
    ck_assert(!path_exists(directory));
    free(directory);
    diag_list_clear(&diags);
    free(bindir);
}
END_TEST

/* The server's settings as a fake postgres prints them, on a data directory of `version`. */
static char *settings_given_to_server(const char *name, const char *version)
{
    char *initdb = strbuf_format("#!/bin/sh\n"
                                 "while [ $# -gt 0 ]; do [ \"$1\" = -D ] && data=$2; shift; done\n"
                                 "mkdir -p \"$data/global\" && chmod 700 \"$data\" &&\n"
                                 "echo %s > \"$data/PG_VERSION\" && echo x > "
                                 "\"$data/global/pg_control\"\n",
                                 version);
    char *bindir = fake_bindir(name, initdb, "#!/bin/sh\necho \"settings: $*\" >&2\nexit 3\n");
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named(name);
    options.bindir = bindir;
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    char *message = strdup(diags.items[0].message);
    diag_list_clear(&diags);
    free(bindir);
    free(initdb);
    return message;
}

/* wal_recycle and wal_init_zero came with PostgreSQL 12: an older server would refuse them. */
START_TEST(test_settings_an_older_server_does_not_know_are_left_out)
{
    char *settings = settings_given_to_server("bin-version-15", "15");
    ck_assert_ptr_nonnull(strstr(settings, "-c autovacuum=off"));
    ck_assert_ptr_nonnull(strstr(settings, "-c wal_recycle=off -c wal_init_zero=off"));
    free(settings);
    settings = settings_given_to_server("bin-version-11", "11");
    ck_assert_ptr_nonnull(strstr(settings, "-c autovacuum=off"));
    ck_assert_ptr_null(strstr(settings, "wal_recycle"));
    ck_assert_ptr_null(strstr(settings, "wal_init_zero"));
    free(settings);
}
END_TEST

START_TEST(test_failing_initdb_is_reported_with_its_output)
{
    free(use_private_cache("cache-initdb-fails"));
    char *bindir = fake_bindir("bin-initdb-fails",
                               "#!/bin/sh\necho 'initdb: error: fake disk full' >&2\nexit 1\n",
                               "#!/bin/sh\nexit 0\n");
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named("initdbfails");
    options.bindir = bindir;
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    char *expected = strbuf_format("%s/initdb failed (exit status 1):\n"
                                   "  initdb: error: fake disk full",
                                   bindir);
    ck_assert_str_eq(diags.items[0].message, expected);
    char *directory = path_join(runtime_dir, "initdbfails");
    ck_assert(!path_exists(directory));
    free(directory);
    free(expected);
    diag_list_clear(&diags);
    free(bindir);
}
END_TEST

START_TEST(test_interrupted_start_leaves_nothing)
{
    volatile sig_atomic_t interrupt = SIGINT;
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named("interrupted");
    options.interrupt = &interrupt;
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, "interrupted while starting the PostgreSQL server");
    char *directory = path_join(runtime_dir, "interrupted");
    ck_assert(!path_exists(directory));
    free(directory);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_name_with_a_slash_is_refused)
{
    diag_list diags = DIAG_LIST_INIT;
    pg_cluster_options options = options_named("../escape");
    ck_assert_ptr_null(pg_cluster_start(&options, &diags));
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, "invalid cluster name \"../escape\"");
    diag_list_clear(&diags);
}
END_TEST

/* ---- attaching (down, gc) ---- */

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

/* ---- the test program ---- */

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *where)
{
    (void)st;
    (void)where;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

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
    suite_add_tcase(suite, running);

    TCase *cache = tcase_create("cache");
    tcase_set_timeout(cache, 60);
    tcase_add_test(cache, test_cold_cache_is_filled_and_the_next_start_is_faster);
    tcase_add_test(cache, test_cache_entry_without_its_marker_is_rebuilt);
    suite_add_tcase(suite, cache);

    TCase *failures = tcase_create("failures");
    tcase_set_timeout(failures, 60);
    tcase_add_test(failures, test_bindir_without_a_server_is_named);
    tcase_add_test(failures, test_pg_config_answer_is_memorised_until_what_it_depends_on_changes);
    tcase_add_test(failures, test_server_that_exits_while_starting_fails_at_once_quoting_its_log);
    tcase_add_test(failures, test_failing_initdb_is_reported_with_its_output);
    tcase_add_test(failures, test_settings_an_older_server_does_not_know_are_left_out);
    tcase_add_test(failures, test_interrupted_start_leaves_nothing);
    tcase_add_test(failures, test_name_with_a_slash_is_refused);
    suite_add_tcase(suite, failures);

    TCase *attach = tcase_create("attach");
    tcase_set_timeout(attach, 60);
    tcase_add_test(attach, test_attach_with_the_wrong_pid_is_refused_and_kills_nothing);
    tcase_add_test(attach, test_attached_cluster_can_be_stopped);
    tcase_add_test(attach, test_attach_to_a_directory_that_is_no_cluster_is_refused);
    tcase_add_test(attach, test_cluster_whose_server_never_started_is_removed_by_stop);
    suite_add_tcase(suite, attach);
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
    /* Memory-backed when possible: a data directory copy on a virtual disk is slow. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(test_root, sizeof test_root, "%s/test_pgcluster-XXXXXX", base);
    if (!mkdtemp(test_root) || chmod(test_root, 0711) < 0) {
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
    if (nftw(test_root, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "test_pgcluster: could not remove %s\n", test_root);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
