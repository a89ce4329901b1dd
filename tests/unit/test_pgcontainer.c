/*
 * test_pgcontainer.c — the `container` backend's server, through a test
 * double of the engine's command line (tests/container/docker, and podman as
 * a link to it) that starts a REAL PostgreSQL per container: the arguments
 * foster passes, port discovery, readiness, labels, attach, listing, removal
 * and the failure messages all run for real against a real server.
 *
 * The double is first in PATH; its state (containers, calls.log with every
 * call's argv) lives in one temporary directory for the whole program, on
 * /dev/shm when there is one. Needs a PostgreSQL installation.
 *
 * This file: main, the suite and the helpers the cases share
 * (test_pgcontainer.h); the cases are in the files that header lists.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scratch.h"
#include "strbuf.h"
#include "test_pgcontainer.h"

static char engine_dir[PATH_MAX]; /* tests/container: the double */
static char *state_dir;           /* FOSTER_FAKE_ENGINE_STATE */
char *empty_dir;

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

pg_container_options options_for(const char *engine, const char *run_id)
{
    pg_container_options options = {engine, NULL, run_id, START_TIMEOUT, NULL};
    return options;
}

pg_container *start_or_fail(const pg_container_options *options)
{
    diag_list diags = DIAG_LIST_INIT;
    pg_container *container = pg_container_start(options, &diags);
    if (!container)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(container);
    ck_assert_int_eq(diags.count, 0);
    return container;
}

void stop_and_free(pg_container *container)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = pg_container_stop(container, &diags);
    if (rc != 0)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    pg_container_free(container);
}

void assert_start_fails(const pg_container_options *options, const char *message, const char *hint)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(options, &diags));
    assert_failure(&diags, message, hint);
    diag_list_clear(&diags);
}

/* The whole of a small file, a new string; NULL when it cannot be read. */
static char *read_text(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file)
        return NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "");
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, file)) > 0)
        strbuf_append(&sb, buffer, n);
    fclose(file);
    return strbuf_detach(&sb);
}

char *calls_log(void)
{
    char *path = strbuf_format("%s/calls.log", state_dir);
    char *text = read_text(path);
    free(path);
    return text ? text : strdup("");
}

void assert_calls_are(const char *expected)
{
    char *log = calls_log();
    ck_assert_str_eq(log, expected);
    free(log);
}

/* Each test sees only its own calls. */
void forget_calls(void)
{
    char *path = strbuf_format("%s/calls.log", state_dir);
    FILE *file = fopen(path, "w");
    if (file)
        fclose(file);
    free(path);
}

/* A file of the double's record of container `name` (e.g. "port"), trimmed; NULL when none. */
char *container_file(const char *name, const char *file)
{
    char *path = strbuf_format("%s/containers/%s/%s", state_dir, name, file);
    char *text = read_text(path);
    free(path);
    if (text)
        text[strcspn(text, "\n")] = '\0';
    return text;
}

bool container_exists(const char *name)
{
    char *path = strbuf_format("%s/containers/%s", state_dir, name);
    struct stat st;
    bool exists = stat(path, &st) == 0;
    free(path);
    return exists;
}

/* Runs the double directly (a shell command line after "docker "); its exit status. */
int fake_engine(const char *arguments)
{
    char *command = strbuf_format("docker %s >/dev/null 2>&1", arguments);
    int status = system(command);
    free(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A container foster did not start (no labels; nothing listens in it). */
void start_foreign_container(const char *name)
{
    char *arguments = strbuf_format("run -d --rm --name %s -e POSTGRES_PASSWORD "
                                    "-p 127.0.0.1::5432 postgres:16",
                                    name);
    setenv("FOSTER_FAKE_ENGINE_NEVER_READY", "1", 1);
    setenv("POSTGRES_PASSWORD", "not-foster", 1);
    ck_assert_int_eq(fake_engine(arguments), 0);
    unsetenv("FOSTER_FAKE_ENGINE_NEVER_READY");
    unsetenv("POSTGRES_PASSWORD");
    free(arguments);
}

/* The value of keyword `key` in one of our conninfo strings (key='value'), a new string. */
char *conninfo_value(const char *conninfo, const char *key)
{
    char *pattern = strbuf_format("%s='", key);
    const char *start = strstr(conninfo, pattern);
    ck_assert_msg(start != NULL, "no %s in %s", key, conninfo);
    start += strlen(pattern);
    free(pattern);
    return strbuf_format("%.*s", (int)strcspn(start, "'"), start);
}

static char *query_value(const pg_container *container, const char *sql)
{
    char *conninfo = pg_container_conninfo(container, "postgres");
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

void assert_query(const pg_container *container, const char *sql, const char *expected)
{
    char *value = query_value(container, sql);
    ck_assert_str_eq(value, expected);
    free(value);
}

/* Whether `pid` runs (a zombie does not). */
bool process_alive(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    char *stat = read_text(path);
    if (!stat)
        return false;
    const char *after_name = strrchr(stat, ')');
    bool alive = after_name && after_name[1] == ' ' && after_name[2] != 'Z';
    free(stat);
    return alive;
}

void assert_failure(const diag_list *diags, const char *message, const char *hint)
{
    ck_assert_int_eq(diags->count, 1);
    ck_assert_str_eq(diags->items[0].message, message);
    if (hint) {
        ck_assert_ptr_nonnull(diags->items[0].hint);
        ck_assert_str_eq(diags->items[0].hint, hint);
    }
}

/* ---- the program ---- */

/* Whatever a failed test left: every container through the double, then the state directory. */
static void remove_leftovers(void)
{
    char *containers = strbuf_format("%s/containers", state_dir);
    DIR *dir = opendir(containers);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char *arguments = strbuf_format("rm -f '%s'", entry->d_name);
        fake_engine(arguments);
        free(arguments);
    }
    if (dir)
        closedir(dir);
    free(containers);
    scratch_remove(state_dir);
    rmdir(empty_dir);
    free(state_dir);
    free(empty_dir);
}

/* tests/container from $FOSTER_SOURCE_ROOT, else from where this file was compiled. */
static bool find_engine_dir(void)
{
    const char *root = getenv("FOSTER_SOURCE_ROOT");
    char resolved[PATH_MAX];
    if (!root) {
        if (!realpath(__FILE__, resolved))
            return false;
        root = dirname(dirname(dirname(resolved))); /* tests/unit/test_pgcontainer.c */
    }
    snprintf(engine_dir, sizeof engine_dir, "%s/tests/container", root);
    char docker[PATH_MAX + 8];
    snprintf(docker, sizeof docker, "%s/docker", engine_dir);
    return access(docker, X_OK) == 0;
}

static bool make_directories(void)
{
    struct stat st;
    /* On /dev/shm when there is one, else under /tmp (NULL). */
    const char *base =
        stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
    state_dir = scratch_make_in(base, "foster-pgcontainer-");
    empty_dir = state_dir ? scratch_make_in(base, "foster-no-engine-") : NULL;
    return state_dir && empty_dir;
}

TCase *pgcontainer_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, forget_calls, NULL);
    return tc;
}

static Suite *pgcontainer_suite(void)
{
    Suite *suite = suite_create("pgcontainer");
    suite_add_tcase(suite, pgcontainer_start_tcase());
    suite_add_tcase(suite, pgcontainer_attach_tcase());
    suite_add_tcase(suite, pgcontainer_stop_tcase());
    suite_add_tcase(suite, pgcontainer_failures_tcase());
    return suite;
}

int main(void)
{
    if (!find_engine_dir()) {
        fprintf(stderr, "test_pgcontainer: cannot find tests/container/docker "
                        "(set FOSTER_SOURCE_ROOT)\n");
        return EXIT_FAILURE;
    }
    if (!make_directories()) {
        fprintf(stderr, "test_pgcontainer: cannot make a temporary directory: %s\n",
                strerror(errno));
        return EXIT_FAILURE;
    }
    const char *path = getenv("PATH");
    char *search = strbuf_format("%s:%s", engine_dir, path ? path : "/usr/bin:/bin");
    setenv("PATH", search, 1);
    free(search);
    setenv("FOSTER_FAKE_ENGINE_STATE", state_dir, 1);
    static const char *const modes[] = {
        "FOSTER_FAKE_ENGINE_DOWN",         "FOSTER_FAKE_ENGINE_NEVER_READY",
        "FOSTER_FAKE_ENGINE_CRASH",        "FOSTER_FAKE_ENGINE_PORT_EXTRA",
        "FOSTER_FAKE_ENGINE_PULL_SECONDS", "POSTGRES_PASSWORD"};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        unsetenv(modes[i]);

    SRunner *runner = srunner_create(pgcontainer_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    remove_leftovers();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
