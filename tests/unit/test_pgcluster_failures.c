/*
 * test_pgcluster_failures.c — a cluster that cannot start says why, and
 * leaves nothing: no server in the bindir, a server or initdb that fails
 * (fake binaries quoting their output), settings an older server lacks,
 * an interrupt, a bad name; and pg_config's answer memorised.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgcluster_internal.h" /* pg_cluster_bindir_resolve */
#include "strbuf.h"
#include "test_pgcluster.h"

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

/* A failed start left no directory for cluster `name` in the runtime directory. */
static void assert_no_directory_for(const char *name)
{
    char *directory = path_join(runtime_dir, name);
    ck_assert(!path_exists(directory));
    free(directory);
}

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
    assert_no_directory_for("badbin");
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
    assert_no_directory_for("exits");
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
    assert_no_directory_for("initdbfails");
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
    assert_no_directory_for("interrupted");
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

TCase *pgcluster_failures_tcase(void)
{
    TCase *failures = tcase_create("failures");
    tcase_set_timeout(failures, 60);
    tcase_add_test(failures, test_bindir_without_a_server_is_named);
    tcase_add_test(failures, test_pg_config_answer_is_memorised_until_what_it_depends_on_changes);
    tcase_add_test(failures, test_server_that_exits_while_starting_fails_at_once_quoting_its_log);
    tcase_add_test(failures, test_failing_initdb_is_reported_with_its_output);
    tcase_add_test(failures, test_settings_an_older_server_does_not_know_are_left_out);
    tcase_add_test(failures, test_interrupted_start_leaves_nothing);
    tcase_add_test(failures, test_name_with_a_slash_is_refused);
    return failures;
}
