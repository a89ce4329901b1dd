/*
 * test_pgcontainer.h — what the parts of the pgcontainer test program share:
 * the engine double's directories, and helpers that start and stop
 * containers, read the double's record and query the server
 * (test_pgcontainer.c, which also has main and the suite).
 *
 * The cases: test_pgcontainer_start.c (a started container and the engine's
 * command lines), test_pgcontainer_attach.c (attach, list, stop) and
 * test_pgcontainer_failures.c (each way a start fails, and what it leaves).
 */
#ifndef FOSTER_TEST_PGCONTAINER_H
#define FOSTER_TEST_PGCONTAINER_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>

#include "pgcontainer.h"

extern char *empty_dir; /* a PATH with no engine in it */

#define START_TIMEOUT 30.0 /* generous: the build machines are busy */

double now_seconds(void);

/* Options to start run `run_id` on `engine` (NULL: the first that answers), START_TIMEOUT. */
pg_container_options options_for(const char *engine, const char *run_id);
/* pg_container_start, which must succeed without a diagnostic. */
pg_container *start_or_fail(const pg_container_options *options);
/* pg_container_stop, which must succeed, then pg_container_free. */
void stop_and_free(pg_container *container);
/* pg_container_start, which must fail with exactly `message` (and `hint`, unless NULL). */
void assert_start_fails(const pg_container_options *options, const char *message, const char *hint);

/* Every call of the double since the test began ("docker run ...\n" a line), a new string. */
char *calls_log(void);
/* The calls of the double since the test began are exactly `expected`. */
void assert_calls_are(const char *expected);
/* Each test sees only its own calls (the fixture of every test case; also callable). */
void forget_calls(void);
/* A file of the double's record of container `name` (e.g. "port"), trimmed; NULL when none. */
char *container_file(const char *name, const char *file);
bool container_exists(const char *name);
/* Runs the double directly (a shell command line after "docker "); its exit status. */
int fake_engine(const char *arguments);
/* A container foster did not start (no labels; nothing listens in it). */
void start_foreign_container(const char *name);

/* The value of keyword `key` in one of our conninfo strings (key='value'), a new string. */
char *conninfo_value(const char *conninfo, const char *key);
/* The first value `sql` answers on the container's database postgres, as a string. */
void assert_query(const pg_container *container, const char *sql, const char *expected);
/* Whether `pid` runs (a zombie does not). */
bool process_alive(long pid);
/* Exactly one diagnostic, with this message (and this hint, unless NULL). */
void assert_failure(const diag_list *diags, const char *message, const char *hint);

/* A test case named `name`: a 60 s timeout, and forget_calls before each test. */
TCase *pgcontainer_tcase(const char *name);

TCase *pgcontainer_start_tcase(void);    /* test_pgcontainer_start.c */
TCase *pgcontainer_attach_tcase(void);   /* test_pgcontainer_attach.c */
TCase *pgcontainer_stop_tcase(void);     /* test_pgcontainer_attach.c */
TCase *pgcontainer_failures_tcase(void); /* test_pgcontainer_failures.c */

#endif
