/*
 * test_session.c — the library API (foster.h) on the example project:
 * what provisioning creates, what teardown removes, what keep/attach do.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foster.h"
#include "scratch.h"
#include "strbuf.h"
#include "test_library.h"

static char *runtime_dir;
static char *manifest_path;

static void setup(void)
{
    runtime_dir = scratch_make("foster-test-session-");
    ck_assert_ptr_nonnull(runtime_dir);
    setenv("FOSTER_RUNTIME_DIR", runtime_dir, 1);
    manifest_path = strbuf_format("%s/foster.ini", getenv("FOSTER_SOURCE_ROOT"));
}

static int count_entries(const char *directory)
{
    char *command = strbuf_format("ls -A '%s' | wc -l", directory);
    FILE *p = popen(command, "r");
    int count = -1;
    ck_assert_int_eq(fscanf(p, "%d", &count), 1);
    pclose(p);
    free(command);
    return count;
}

static void teardown(void)
{
    ck_assert_int_eq(count_entries(runtime_dir), 0); /* nothing left behind */
    rmdir(runtime_dir);
    free(runtime_dir);
    free(manifest_path);
}

static foster_session *open_example(bool in_memory)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = manifest_path;
    options.sqlite_in_memory = in_memory;
    foster_session *session = NULL;
    foster_result result = foster_open(&options, &session);
    ck_assert_msg(result == FOSTER_OK, "%s", foster_errmsg(session));
    return session;
}

static long long count_rows(const char *path, const char *table)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
    sqlite3_stmt *stmt;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    sqlite3_close(db);
    return count;
}

START_TEST(test_provision_creates_private_file_with_tables_and_rows)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    const char *path = session_env_value(session, "FOSTER_SQLITE_PATH");
    ck_assert_ptr_nonnull(path);
    ck_assert_str_eq(session_env_value(session, "FOSTER_BACKEND"), "sqlite");
    ck_assert_str_eq(session_env_value(session, "FOSTER_RUN_ID"), foster_run_id(session));
    char *url = strbuf_format("sqlite:///%s", path);
    ck_assert_str_eq(session_env_value(session, "DATABASE_URL"), url);
    free(url);
    ck_assert_int_eq(strncmp(path, runtime_dir, strlen(runtime_dir)), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(stat(runtime_dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(count_rows(path, "auth_user"), 4);
    ck_assert_int_eq(count_rows(path, "trading_sharestransfer"), 3);
    /* the database, its pristine copy (for reset) and the run record */
    ck_assert_int_eq(count_entries(runtime_dir), 3);
    ck_assert_int_eq(foster_teardown(session), FOSTER_OK);
    ck_assert_int_eq(access(path, F_OK), -1);
    foster_close(session);
}
END_TEST

START_TEST(test_close_tears_down)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    foster_close(session); /* teardown() asserts the directory is empty */
}
END_TEST

START_TEST(test_in_memory_touches_no_file)
{
    foster_session *session = open_example(true);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    ck_assert_str_eq(foster_url(session), "sqlite:///:memory:");
    ck_assert_ptr_null(session_env_value(session, "FOSTER_SQLITE_PATH"));
    ck_assert_int_eq(count_entries(runtime_dir), 0);
    foster_close(session);
}
END_TEST

START_TEST(test_kept_run_is_found_by_attach_and_removed)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    ck_assert_int_eq(foster_keep(session), FOSTER_OK);
    char run_id[16];
    snprintf(run_id, sizeof run_id, "%s", foster_run_id(session));
    char *path = strdup(session_env_value(session, "FOSTER_SQLITE_PATH"));
    foster_close(session);
    ck_assert_int_eq(access(path, F_OK), 0); /* kept */

    session = open_example(false);
    ck_assert_int_eq(foster_attach(session, NULL), FOSTER_OK);
    ck_assert_str_eq(foster_run_id(session), run_id);
    ck_assert_int_eq(foster_teardown(session), FOSTER_OK);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(foster_attach(session, NULL), FOSTER_ERROR_NOT_FOUND);
    foster_close(session);
    free(path);
}
END_TEST

START_TEST(test_attach_refuses_a_database_without_marker)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    ck_assert_int_eq(foster_keep(session), FOSTER_OK);
    char *path = strdup(session_env_value(session, "FOSTER_SQLITE_PATH"));
    char run_id[16];
    snprintf(run_id, sizeof run_id, "%s", foster_run_id(session));
    foster_close(session);

    sqlite3 *db; /* somebody swapped the file for one foster did not make */
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA application_id = 0", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    session = open_example(false);
    ck_assert_int_eq(foster_attach(session, run_id), FOSTER_ERROR_NOT_MARKED);
    ck_assert_ptr_nonnull(strstr(foster_errmsg(session), "marker"));
    foster_close(session);
    ck_assert_int_eq(access(path, F_OK), 0); /* left alone */
    ck_assert_int_eq(count_rows(path, "auth_user"), 4);

    unlink(path);
    char *pristine = strbuf_format("%s.pristine", path);
    unlink(pristine);
    free(pristine);
    char *record = strbuf_format("%s/%s.run", runtime_dir, run_id);
    unlink(record);
    free(record);
    free(path);
}
END_TEST

START_TEST(test_missing_manifest_names_the_file)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = "/nonexistent/foster.ini";
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_ERROR_MANIFEST);
    ck_assert_ptr_nonnull(strstr(foster_errmsg(session), "/nonexistent/foster.ini"));
    ck_assert_int_ge(foster_problem_count(session), 1);
    ck_assert_int_eq(foster_provision(session), FOSTER_ERROR_MISUSE);
    foster_close(session);
}
END_TEST

START_TEST(test_problem_parts_give_file_line_and_message_apart)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = "/nonexistent/foster.ini";
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_ERROR_MANIFEST);
    const char *file = NULL;
    int line = -1, column = -1;
    foster_problem_location(session, 0, &file, &line, &column);
    ck_assert_str_eq(file, "/nonexistent/foster.ini");
    ck_assert_int_eq(line, 0);
    ck_assert_int_eq(column, 0);
    ck_assert_str_eq(foster_problem_message(session, 0),
                     "cannot read manifest: No such file or directory");
    foster_close(session);
}
END_TEST

/* Without manifest_path and $FOSTER_CONFIG: foster.ini here or in the nearest parent. */
START_TEST(test_manifest_is_found_in_the_nearest_parent)
{
    char *project = strbuf_format("%s/project", runtime_dir);
    char *deep = strbuf_format("%s/a/b", project);
    char *command = strbuf_format(
        "mkdir -p '%s' && printf '[foster]\\nname = p\\n' > '%s/foster.ini'", deep, project);
    ck_assert_int_eq(system(command), 0);
    char *saved = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(deep), 0);
    unsetenv("FOSTER_CONFIG");
    char *found = foster_find_manifest();
    ck_assert_str_eq(found, "../../foster.ini");
    free(found);
    foster_options options;
    foster_options_init(&options);
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    foster_close(session);
    ck_assert_int_eq(chdir(project), 0);
    found = foster_find_manifest();
    ck_assert_str_eq(found, "foster.ini");
    free(found);
    unlink("foster.ini");
    ck_assert_int_eq(chdir(deep), 0);
    ck_assert_ptr_null(foster_find_manifest());
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_ERROR_MANIFEST);
    ck_assert_ptr_nonnull(strstr(foster_errmsg(session), "no foster.ini found; looked in "));
    ck_assert_ptr_nonnull(strstr(foster_errmsg(session), "FOSTER_CONFIG"));
    foster_close(session);
    ck_assert_int_eq(chdir(saved), 0);
    free(command);
    command = strbuf_format("rm -r '%s'", project);
    ck_assert_int_eq(system(command), 0);
    free(command);
    free(saved);
    free(deep);
    free(project);
}
END_TEST

START_TEST(test_check_passes_on_the_example)
{
    foster_session *session = open_example(true);
    ck_assert_msg(foster_check(session) == FOSTER_OK, "%s", foster_errmsg(session));
    ck_assert_int_eq(foster_problem_count(session), 0);
    foster_close(session);
}
END_TEST

START_TEST(test_interrupt_stops_provisioning_and_leaves_nothing)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = manifest_path;
    volatile sig_atomic_t interrupt = SIGTERM;
    options.interrupt = &interrupt;
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    ck_assert_int_eq(foster_provision(session), FOSTER_ERROR_INTERRUPTED);
    ck_assert_ptr_null(foster_url(session));
    foster_close(session);
}
END_TEST

static long long count_on(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return count;
}

/* Text of the first column of the first row of `sql` on `db` (NULL: no row), a new string. */
static char *text_on(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    char *text = sqlite3_step(stmt) == SQLITE_ROW
                     ? strdup((const char *)sqlite3_column_text(stmt, 0))
                     : NULL;
    sqlite3_finalize(stmt);
    return text;
}

/* A connection of the test's own to the session's database file, as a second program would have. */
static sqlite3 *open_other(foster_session *session)
{
    sqlite3 *other;
    ck_assert_int_eq(sqlite3_open(session_env_value(session, "FOSTER_SQLITE_PATH"), &other),
                     SQLITE_OK);
    return other;
}

static void assert_intact(sqlite3 *db)
{
    char *check = text_on(db, "PRAGMA integrity_check");
    ck_assert_str_eq(check, "ok");
    free(check);
}

START_TEST(test_reset_restores_deleted_and_inserted_rows_in_memory)
{
    foster_session *session = open_example(true);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    ck_assert_str_eq(foster_backend(session), "sqlite");
    sqlite3 *db = foster_connection(session);
    ck_assert_int_eq(sqlite3_exec(db,
                                  "DELETE FROM trading_sharestransfer; "
                                  "INSERT INTO trading_company (name, ticker) VALUES ('X', 'X')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(count_on(db, "SELECT count(*) FROM trading_sharestransfer"), 0);
    ck_assert_int_eq(foster_reset(session), FOSTER_OK);
    ck_assert_int_eq(count_on(db, "SELECT count(*) FROM trading_sharestransfer"), 3);
    ck_assert_int_eq(count_on(db, "SELECT count(*) FROM trading_company"), 5);
    foster_close(session);
}
END_TEST

/* A reset of a file in rollback-journal mode (a copy of its bytes) and in WAL mode, which a
 * test may set (SQLite's backup then), as another connection sees it. */
START_TEST(test_reset_of_a_file_is_seen_by_another_connection)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    sqlite3 *other = open_other(session);
    if (_i == 1) {
        char *mode = text_on(other, "PRAGMA journal_mode = WAL");
        ck_assert_str_eq(mode, "wal");
        free(mode);
    }
    ck_assert_int_eq(sqlite3_exec(other, "DELETE FROM trading_shares", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(foster_reset(session), FOSTER_OK);
    ck_assert_int_eq(count_on(other, "SELECT count(*) FROM trading_shares"), 8);
    assert_intact(other);
    sqlite3_close(other);
    foster_close(session);
}
END_TEST

/*
 * A reset copies the pristine file's bytes (sqlite_filecopy.c): a connection
 * that cached pages before it must not take them for current after it, even
 * when the same number of writes follows (the file change counter moves on).
 */
START_TEST(test_reset_of_a_file_leaves_no_connection_a_stale_cache)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    const char *path = session_env_value(session, "FOSTER_SQLITE_PATH");
    sqlite3 *reader, *writer;
    ck_assert_int_eq(sqlite3_open(path, &reader), SQLITE_OK);
    ck_assert_int_eq(sqlite3_open(path, &writer), SQLITE_OK);
    /* Had a reset put the pristine file's counter back, the write after the next reset
     * would give the file the very counter the reader's cache holds. */
    ck_assert_int_eq(foster_reset(session), FOSTER_OK);
    ck_assert_int_eq(sqlite3_exec(writer,
                                  "INSERT INTO trading_company (name, ticker) VALUES ('X', 'XX')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char *seen =
        text_on(reader, "SELECT group_concat(ticker) FROM trading_company WHERE name = 'X'");
    ck_assert_str_eq(seen, "XX");
    free(seen);
    ck_assert_int_eq(foster_reset(session), FOSTER_OK);
    ck_assert_int_eq(sqlite3_exec(writer,
                                  "INSERT INTO trading_company (name, ticker) VALUES ('X', 'YY')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    seen = text_on(reader, "SELECT group_concat(ticker) FROM trading_company WHERE name = 'X'");
    ck_assert_str_eq(seen, "YY");
    free(seen);
    ck_assert_int_eq(count_on(reader, "SELECT count(*) FROM trading_company"), 6); /* 5 and YY */
    assert_intact(reader);
    sqlite3_close(reader);
    sqlite3_close(writer);
    foster_close(session);
}
END_TEST

/* A connection in the middle of a transaction keeps the reset out, which says so. */
START_TEST(test_reset_waits_for_an_open_transaction_then_names_it)
{
    foster_session *session = open_example(false);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    sqlite3 *other = open_other(session);
    ck_assert_int_eq(sqlite3_exec(other, "BEGIN; DELETE FROM trading_shares", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_ne(foster_reset(session), FOSTER_OK);
    ck_assert_ptr_nonnull(strstr(foster_errmsg(session),
                                 "cannot reset the test database: the database stayed locked by "
                                 "another connection"));
    ck_assert_int_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(foster_reset(session), FOSTER_OK); /* and works once it is over */
    ck_assert_int_eq(count_on(other, "SELECT count(*) FROM trading_shares"), 8);
    sqlite3_close(other);
    foster_close(session);
}
END_TEST

START_TEST(test_test_end_rolls_back_what_the_test_did)
{
    foster_session *session = open_example(true);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    sqlite3 *db = foster_connection(session);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(foster_test_begin(session), FOSTER_OK);
        ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM trading_shares", NULL, NULL, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(count_on(db, "SELECT count(*) FROM trading_shares"), 0);
        ck_assert_int_eq(foster_test_end(session), FOSTER_OK);
        ck_assert_int_eq(count_on(db, "SELECT count(*) FROM trading_shares"), 8);
    }
    foster_close(session);
}
END_TEST

START_TEST(test_jobs_give_independent_copies_removed_at_teardown)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = manifest_path;
    options.jobs = 2;
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    ck_assert_int_eq(foster_provision(session), FOSTER_OK);
    ck_assert_str_eq(session_env_value(session, "FOSTER_JOBS"), "2");
    const char *first = session_env_value(session, "DATABASE_URL_1");
    const char *second = session_env_value(session, "DATABASE_URL_2");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_nonnull(second);
    ck_assert_str_ne(first, second);
    sqlite3 *one, *two;
    ck_assert_int_eq(sqlite3_open(first + strlen("sqlite:///"), &one), SQLITE_OK);
    ck_assert_int_eq(sqlite3_open(second + strlen("sqlite:///"), &two), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(one, "DELETE FROM trading_shares", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(count_on(one, "SELECT count(*) FROM trading_shares"), 0);
    ck_assert_int_eq(count_on(two, "SELECT count(*) FROM trading_shares"), 8);
    sqlite3_close(one);
    sqlite3_close(two);
    foster_close(session); /* teardown() asserts that every copy is gone */
}
END_TEST

static Suite *session_suite(void)
{
    Suite *suite = suite_create("session");
    TCase *tc = tcase_create("example");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_provision_creates_private_file_with_tables_and_rows);
    tcase_add_test(tc, test_close_tears_down);
    tcase_add_test(tc, test_in_memory_touches_no_file);
    tcase_add_test(tc, test_kept_run_is_found_by_attach_and_removed);
    tcase_add_test(tc, test_attach_refuses_a_database_without_marker);
    tcase_add_test(tc, test_missing_manifest_names_the_file);
    tcase_add_test(tc, test_problem_parts_give_file_line_and_message_apart);
    tcase_add_test(tc, test_manifest_is_found_in_the_nearest_parent);
    tcase_add_test(tc, test_check_passes_on_the_example);
    tcase_add_test(tc, test_interrupt_stops_provisioning_and_leaves_nothing);
    tcase_add_test(tc, test_reset_restores_deleted_and_inserted_rows_in_memory);
    tcase_add_loop_test(tc, test_reset_of_a_file_is_seen_by_another_connection, 0, 2);
    tcase_add_test(tc, test_reset_of_a_file_leaves_no_connection_a_stale_cache);
    tcase_add_test(tc, test_reset_waits_for_an_open_transaction_then_names_it);
    tcase_add_test(tc, test_test_end_rolls_back_what_the_test_did);
    tcase_add_test(tc, test_jobs_give_independent_copies_removed_at_teardown);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(session_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
