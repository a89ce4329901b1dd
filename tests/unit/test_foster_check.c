/*
 * test_foster_check.c — the Check fixture of foster_check.h on the example
 * project, run without fork so that only foster's rollback (or reset) can
 * keep one test's changes from the next. The tests of each case run in order
 * and the second of each pair fails if the first one's change survived.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "foster_check.h"
#include "strbuf.h"

/* The manifest's path comes from the environment: main() fills it in. */
FOSTER_CHECK_FIXTURE(rolled_back, NULL)
FOSTER_CHECK_FIXTURE(reset, NULL)

static long long count(foster_session *session, const char *sql)
{
    sqlite3_stmt *stmt;
    sqlite3 *db = foster_connection(session);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void delete_shares(foster_session *session)
{
    ck_assert_int_eq(count(session, "SELECT count(*) FROM trading_shares"), 8);
    ck_assert_int_eq(
        sqlite3_exec(foster_connection(session), "DELETE FROM trading_shares", NULL, NULL, NULL),
        SQLITE_OK);
    ck_assert_int_eq(count(session, "SELECT count(*) FROM trading_shares"), 0);
}

START_TEST(test_first_test_deletes_rows)
{
    delete_shares(rolled_back.session);
}
END_TEST

START_TEST(test_second_test_sees_them_again_after_rollback)
{
    delete_shares(rolled_back.session);
}
END_TEST

START_TEST(test_first_test_deletes_rows_then_reset)
{
    delete_shares(reset.session);
}
END_TEST

START_TEST(test_second_test_sees_them_again_after_reset)
{
    delete_shares(reset.session);
}
END_TEST

int main(void)
{
    char *manifest_path = strbuf_format("%s/foster.ini", getenv("FOSTER_SOURCE_ROOT"));
    rolled_back.manifest = manifest_path;
    reset.manifest = manifest_path;
    reset.reset_each_test = true;

    Suite *suite = suite_create("foster_check");
    TCase *rollback_case = tcase_create("rollback");
    rolled_back_add_to(rollback_case);
    tcase_add_test(rollback_case, test_first_test_deletes_rows);
    tcase_add_test(rollback_case, test_second_test_sees_them_again_after_rollback);
    suite_add_tcase(suite, rollback_case);
    TCase *reset_case = tcase_create("reset");
    reset_add_to(reset_case);
    tcase_add_test(reset_case, test_first_test_deletes_rows_then_reset);
    tcase_add_test(reset_case, test_second_test_sees_them_again_after_reset);
    suite_add_tcase(suite, reset_case);

    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_NOFORK); /* isolation must come from foster alone */
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    free(manifest_path);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
