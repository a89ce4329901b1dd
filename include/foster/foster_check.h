/*
 * foster_check.h — Check fixtures over foster, for C projects whose tests
 * read tables another system owns: the database is provisioned once per
 * test case (TCase) and every test runs inside a savepoint that is rolled
 * back after it (or, with .reset_each_test, the database is reset).
 *
 *     #include <foster_check.h>
 *
 *     FOSTER_CHECK_FIXTURE(trading, "foster.ini")
 *
 *     START_TEST(test_transfer_moves_cash)
 *     {
 *         sqlite3 *db = foster_connection(trading.session);
 *         ... change and assert; the change is gone for the next test ...
 *     }
 *     END_TEST
 *
 *     TCase *tc = tcase_create("transfers");
 *     trading_add_to(tc);            // provisioning once, rollback per test
 *     tcase_add_test(tc, test_transfer_moves_cash);
 *
 * The fixture provisions SQLite in memory unless the manifest (or .backend)
 * says otherwise. It works in Check's fork mode and in CK_NOFORK mode: in
 * fork mode each test runs in a child process that rolls back on its own
 * copy of the connection before it exits.
 *
 * Header only: link with foster (pkg-config foster) and Check.
 */
#ifndef FOSTER_CHECK_H
#define FOSTER_CHECK_H

#include <check.h>
#include <stdbool.h>

#include "foster.h"

typedef struct foster_check_fixture {
    const char *manifest;    /* the manifest's path */
    const char *backend;     /* NULL: the manifest's backend */
    bool reset_each_test;    /* true: foster_reset after each test instead of a rollback */
    foster_session *session; /* set while the test case runs */
} foster_check_fixture;

/* Provisions (the test case's unchecked setup); a failure aborts with foster's message. */
static inline void foster_check_provision(foster_check_fixture *fc)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = fc->manifest;
    options.backend = fc->backend;
    options.sqlite_in_memory = true;
    if (foster_open(&options, &fc->session) != FOSTER_OK ||
        foster_provision(fc->session) != FOSTER_OK)
        ck_abort_msg("foster: %s", foster_errmsg(fc->session));
}

/* Tears down (the test case's unchecked teardown). */
static inline void foster_check_close(foster_check_fixture *fc)
{
    foster_close(fc->session);
    fc->session = NULL;
}

/* Before each test: mark the state (unless resetting instead). */
static inline void foster_check_begin(foster_check_fixture *fc)
{
    if (!fc->reset_each_test && foster_test_begin(fc->session) != FOSTER_OK)
        ck_abort_msg("foster: %s", foster_errmsg(fc->session));
}

/* After each test: roll back to the mark, or reset. */
static inline void foster_check_end(foster_check_fixture *fc)
{
    foster_result result =
        fc->reset_each_test ? foster_reset(fc->session) : foster_test_end(fc->session);
    if (result != FOSTER_OK)
        ck_abort_msg("foster: %s", foster_errmsg(fc->session));
}

/*
 * Defines `static foster_check_fixture NAME` for `manifest_path` and NAME_add_to(tc),
 * which adds the fixtures above to a TCase. Set NAME.backend or
 * NAME.reset_each_test before the suite runs to change them.
 */
#define FOSTER_CHECK_FIXTURE(name, manifest_path)                                                  \
    static foster_check_fixture name = {.manifest = (manifest_path)};                              \
    static void name##_case_setup(void)                                                            \
    {                                                                                              \
        foster_check_provision(&name);                                                             \
    }                                                                                              \
    static void name##_case_teardown(void)                                                         \
    {                                                                                              \
        foster_check_close(&name);                                                                 \
    }                                                                                              \
    static void name##_test_setup(void)                                                            \
    {                                                                                              \
        foster_check_begin(&name);                                                                 \
    }                                                                                              \
    static void name##_test_teardown(void)                                                         \
    {                                                                                              \
        foster_check_end(&name);                                                                   \
    }                                                                                              \
    static inline void name##_add_to(TCase *tc)                                                    \
    {                                                                                              \
        tcase_add_unchecked_fixture(tc, name##_case_setup, name##_case_teardown);                  \
        tcase_add_checked_fixture(tc, name##_test_setup, name##_test_teardown);                    \
    }

#endif
