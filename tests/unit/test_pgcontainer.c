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
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pgcontainer.h"
#include "strbuf.h"

static char engine_dir[PATH_MAX]; /* tests/container: the double */
static char state_dir[PATH_MAX];  /* FOSTER_FAKE_ENGINE_STATE */
static char empty_dir[PATH_MAX];  /* a PATH with no engine in it */

#define START_TIMEOUT 30.0 /* generous: the build machines are busy */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pg_container_options options_for(const char *engine, const char *run_id)
{
    pg_container_options options = {engine, NULL, run_id, START_TIMEOUT, NULL};
    return options;
}

static pg_container *start_or_fail(const pg_container_options *options)
{
    diag_list diags = DIAG_LIST_INIT;
    pg_container *container = pg_container_start(options, &diags);
    if (!container)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(container);
    ck_assert_int_eq(diags.count, 0);
    return container;
}

static void stop_and_free(pg_container *container)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = pg_container_stop(container, &diags);
    if (rc != 0)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    pg_container_free(container);
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

static char *calls_log(void)
{
    char *path = strbuf_format("%s/calls.log", state_dir);
    char *text = read_text(path);
    free(path);
    return text ? text : strdup("");
}

/* Each test sees only its own calls. */
static void forget_calls(void)
{
    char *path = strbuf_format("%s/calls.log", state_dir);
    FILE *file = fopen(path, "w");
    if (file)
        fclose(file);
    free(path);
}

/* A file of the double's record of container `name` (e.g. "port"), trimmed; NULL when none. */
static char *container_file(const char *name, const char *file)
{
    char *path = strbuf_format("%s/containers/%s/%s", state_dir, name, file);
    char *text = read_text(path);
    free(path);
    if (text)
        text[strcspn(text, "\n")] = '\0';
    return text;
}

static bool container_exists(const char *name)
{
    char *path = strbuf_format("%s/containers/%s", state_dir, name);
    struct stat st;
    bool exists = stat(path, &st) == 0;
    free(path);
    return exists;
}

/* Runs the double directly (a shell command line after "docker "); its exit status. */
static int fake_engine(const char *arguments)
{
    char *command = strbuf_format("docker %s >/dev/null 2>&1", arguments);
    int status = system(command);
    free(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A container foster did not start (no labels; nothing listens in it). */
static void start_foreign_container(const char *name)
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
static char *conninfo_value(const char *conninfo, const char *key)
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

static void assert_query(const pg_container *container, const char *sql, const char *expected)
{
    char *value = query_value(container, sql);
    ck_assert_str_eq(value, expected);
    free(value);
}

/* Whether `pid` runs (a zombie does not). */
static bool process_alive(long pid)
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

static void assert_failure(const diag_list *diags, const char *message, const char *hint)
{
    ck_assert_int_eq(diags->count, 1);
    ck_assert_str_eq(diags->items[0].message, message);
    if (hint) {
        ck_assert_ptr_nonnull(diags->items[0].hint);
        ck_assert_str_eq(diags->items[0].hint, hint);
    }
}

/* ---- starting ---- */

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
    char *log = calls_log();
    ck_assert_str_eq(log, "docker rm -f foster-stopped\n");
    free(log);
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

/* ---- failures ---- */

START_TEST(test_engine_down_is_reported_with_its_own_message)
{
    setenv("FOSTER_FAKE_ENGINE_DOWN", "1", 1);
    pg_container_options options = options_for("docker", "down");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "no container engine answered: docker: Cannot connect to the Docker daemon at "
                   "unix:///var/run/docker.sock. Is the docker daemon running?",
                   "start the container engine (is its daemon running?), or use -b cluster");
    diag_list_clear(&diags);
    char *log = calls_log();
    ck_assert_str_eq(log, "docker info\n");
    free(log);
}
END_TEST

START_TEST(test_no_engine_in_path_names_both_engines)
{
    setenv("PATH", empty_dir, 1);
    pg_container_options options = options_for(NULL, "nothing");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "no container engine answered: docker: not found in PATH; podman: not found "
                   "in PATH",
                   "install Docker or Podman, or use -b cluster");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_failed_run_quotes_the_engine)
{
    pg_container_options options = options_for("docker", "pull");
    options.image = "nosuch/postgres:16";
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "`docker run` of nosuch/postgres:16 failed (exit status 125): Error response "
                   "from daemon: pull access denied for nosuch/postgres, repository does not "
                   "exist or may require 'docker login': denied: requested access to the "
                   "resource is denied",
                   NULL);
    diag_list_clear(&diags);
}
END_TEST

/* podman warns once per retry of a pull ("... Error: ...") before its own "Error:" line. */
START_TEST(test_failed_podman_run_quotes_its_final_error_not_a_retry_warning)
{
    pg_container_options options = options_for("podman", "podmanpull");
    options.image = "nosuch/postgres:16";
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "`podman run` of nosuch/postgres:16 failed (exit status 125): Error: "
                   "initializing source docker://nosuch/postgres:16: reading manifest 16 in "
                   "docker.io/nosuch/postgres: requested access to the resource is denied",
                   NULL);
    diag_list_clear(&diags);
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
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "container foster-crashnow (postgres:16) stopped before PostgreSQL was ready, "
                   "and the engine removed it",
                   "see why with: podman run --rm -e POSTGRES_PASSWORD=secret postgres:16");
    diag_list_clear(&diags);
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

START_TEST(test_interrupt_while_waiting_removes_the_container)
{
    setenv("FOSTER_FAKE_ENGINE_NEVER_READY", "1", 1);
    pg_container_options options = options_for("docker", "interrupted");
    options.interrupt = &interrupt_flag;
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, interrupt_soon, NULL), 0);
    diag_list diags = DIAG_LIST_INIT;
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    double elapsed = now_seconds() - start;
    pthread_join(thread, NULL);
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
    interrupt_flag = 0;
    pg_container_options options = options_for("docker", "interruptedrun");
    options.interrupt = &interrupt_flag;
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, interrupt_soon, NULL), 0);
    diag_list diags = DIAG_LIST_INIT;
    double start = now_seconds();
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    double elapsed = now_seconds() - start;
    pthread_join(thread, NULL);
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
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags,
                   "cannot name a container after run id \"a/b\": use letters, digits, '_', '.' "
                   "and '-' (at most 64)",
                   NULL);
    diag_list_clear(&diags);
    char *log = calls_log();
    ck_assert_str_eq(log, "");
    free(log);
}
END_TEST

START_TEST(test_unknown_engine_is_refused)
{
    pg_container_options options = options_for("lxc", "lxc");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(pg_container_start(&options, &diags));
    assert_failure(&diags, "unknown container engine \"lxc\"", "use docker or podman");
    diag_list_clear(&diags);
}
END_TEST

/* ---- the program ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

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
    nftw(state_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(empty_dir);
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
    const char *base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                       : getenv("TMPDIR") ? getenv("TMPDIR")
                                          : "/tmp";
    snprintf(state_dir, sizeof state_dir, "%s/foster-pgcontainer-XXXXXX", base);
    snprintf(empty_dir, sizeof empty_dir, "%s/foster-no-engine-XXXXXX", base);
    return mkdtemp(state_dir) && mkdtemp(empty_dir);
}

static Suite *pgcontainer_suite(void)
{
    Suite *suite = suite_create("pgcontainer");
    TCase *start = tcase_create("start");
    tcase_set_timeout(start, 60);
    tcase_add_checked_fixture(start, forget_calls, NULL);
    tcase_add_test(start, test_started_container_answers_queries_as_postgres);
    tcase_add_test(start, test_server_runs_without_durability);
    tcase_add_test(start, test_run_gets_name_labels_password_variable_port_and_settings);
    tcase_add_test(start, test_password_is_random_and_never_on_a_command_line);
    tcase_add_test(start, test_conninfo_uses_the_port_the_engine_published);
    tcase_add_test(start, test_the_127_0_0_1_address_is_chosen_among_published_ones);
    tcase_add_test(start, test_first_engine_that_answers_is_chosen);
    tcase_add_test(start, test_podman_is_used_throughout_when_asked_for);
    suite_add_tcase(suite, start);

    TCase *attach = tcase_create("attach and list");
    tcase_set_timeout(attach, 60);
    tcase_add_checked_fixture(attach, forget_calls, NULL);
    tcase_add_test(attach, test_attach_by_name_reads_back_password_and_port);
    tcase_add_test(attach, test_attached_container_can_be_stopped);
    tcase_add_test(attach, test_attach_to_a_missing_container_says_so);
    tcase_add_test(attach, test_attach_to_a_container_foster_did_not_start_is_refused);
    tcase_add_test(attach, test_list_shows_foster_containers_with_run_id_and_owner_pid);
    tcase_add_test(attach, test_list_without_an_answering_engine_is_empty);
    tcase_add_test(attach, test_list_of_an_engine_that_is_down_quotes_it);
    suite_add_tcase(suite, attach);

    TCase *stop = tcase_create("stop");
    tcase_set_timeout(stop, 60);
    tcase_add_checked_fixture(stop, forget_calls, NULL);
    tcase_add_test(stop, test_stop_removes_the_container_and_ends_its_server);
    tcase_add_test(stop, test_stop_of_a_container_already_gone_succeeds);
    suite_add_tcase(suite, stop);

    TCase *failures = tcase_create("failures");
    tcase_set_timeout(failures, 60);
    tcase_add_checked_fixture(failures, forget_calls, NULL);
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
    suite_add_tcase(suite, failures);
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
