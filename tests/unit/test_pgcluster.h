/*
 * test_pgcluster.h — what the parts of the pgcluster test program share:
 * the temporary root and runtime directory main() makes, and helpers that
 * start, stop and query a cluster (test_pgcluster.c, which also has main and
 * the suite).
 *
 * The cases: test_pgcluster_running.c (a started server: private, fast and
 * unsafe on purpose, stopped without a trace), test_pgcluster_cache.c (the
 * cache of pristine data directories), test_pgcluster_failures.c (refusals
 * that name what is wrong, with fake server binaries) and
 * test_pgcluster_attach.c (finding a cluster again, as `down` and gc do).
 */
#ifndef FOSTER_TEST_PGCLUSTER_H
#define FOSTER_TEST_PGCLUSTER_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "pgcluster.h"

extern char *test_root; /* 0711: the server user may have to reach fake bindirs */
extern char runtime_dir[PATH_MAX];

double now_seconds(void);

/* Options for cluster `name` in runtime_dir, everything else by default. */
pg_cluster_options options_named(const char *name);
/* pg_cluster_start of cluster `name`, which must succeed without a diagnostic. */
pg_cluster *start_or_fail(const char *name);
/* pg_cluster_stop, which must succeed, then pg_cluster_free. */
void stop_or_fail(pg_cluster *cluster);
/* `sql`, run on database postgres, answers `expected` first. */
void assert_query(const pg_cluster *cluster, const char *sql, const char *expected);

bool path_exists(const char *path);
/* "a/b", a new string. */
char *path_join(const char *a, const char *b);
/* Whether a process is still running (a zombie counts as gone). */
bool process_running(pid_t pid);
/* A fresh, empty cache for this test alone (each test runs in its own process); a new string. */
char *use_private_cache(const char *name);

TCase *pgcluster_running_tcase(void);  /* test_pgcluster_running.c */
TCase *pgcluster_cache_tcase(void);    /* test_pgcluster_cache.c */
TCase *pgcluster_failures_tcase(void); /* test_pgcluster_failures.c */
TCase *pgcluster_attach_tcase(void);   /* test_pgcluster_attach.c */

#endif
