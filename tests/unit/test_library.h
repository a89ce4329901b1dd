/*
 * test_library.h — what the programs that test the library (foster.h)
 * share: the value of one of a session's variables; and, for those on
 * foster's own PostgreSQL server (the cluster backend), a start that skips
 * when no server is installed and gives the run a runtime directory of its
 * own, and the run of their tests.
 */
#ifndef FOSTER_TEST_LIBRARY_H
#define FOSTER_TEST_LIBRARY_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "foster.h"
#include "scratch.h"

/* The value of the session's variable `wanted` (PGHOST...), NULL when it has none. */
static inline const char *session_env_value(const foster_session *session, const char *wanted)
{
    for (size_t i = 0; i < foster_env_count(session); i++) {
        const char *name, *value;
        foster_env_get(session, i, &name, &value);
        if (strcmp(name, wanted) == 0)
            return value;
    }
    return NULL;
}

/*
 * Before a cluster suite: makes `*runtime_dir`, a scratch directory whose
 * name starts with `prefix` (scratch.h; a new string the caller frees).
 * 0 when the tests can run; else the program's exit status: 77 (skipped,
 * and says why) when no PostgreSQL server is installed, 1 on failure.
 */
static inline int cluster_suite_setup(const char *prefix, char **runtime_dir)
{
    *runtime_dir = NULL;
    if (access("/usr/lib/postgresql", F_OK) != 0 && system("pg_config --bindir >/dev/null 2>&1")) {
        printf("SKIP: no PostgreSQL server installed\n");
        return 77;
    }
    *runtime_dir = scratch_make(prefix);
    if (!*runtime_dir) {
        perror(prefix);
        return EXIT_FAILURE;
    }
    return 0;
}

/*
 * Runs `tests` (count of them) as suite `name` with FOSTER_RUNTIME_DIR set
 * to `runtime_dir` (made by cluster_suite_setup), then removes that folder.
 * The program's exit status.
 */
static inline int cluster_suite_run(const char *name, const char *runtime_dir,
                                    const TTest *const *tests, size_t count)
{
    setenv("FOSTER_RUNTIME_DIR", runtime_dir, 1);
    Suite *suite = suite_create(name);
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 120);
    for (size_t i = 0; i < count; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    rmdir(runtime_dir);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
