/*
 * test_gc_rules.c — the rules `gc` and reaping decide by (docs/safety.md),
 * without a server: which run ids are accepted, which database names fit a
 * run, which refused connections count as a busy server, and how a run
 * record's owner is judged across hosts, boots and PID namespaces.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "identity.h"
#include "pgmarker.h"
#include "pgwait.h"
#include "runstate.h"
#include "scratch.h"

START_TEST(run_ids_are_eight_hex_digits_never_paths)
{
    ck_assert(runstate_valid_id("1a2b3c4d"));
    ck_assert(runstate_valid_id("deadbeef"));
    const char *bad[] = {"../victim", "..",       "",         "1a2b3c4",
                         "1a2b3c4d5", "1A2B3C4D", "1a2b/c4d", "1a2b3c4g"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!runstate_valid_id(bad[i]), "accepted %s", bad[i]);
    ck_assert(!runstate_valid_id(NULL));
}
END_TEST

START_TEST(database_names_fit_only_their_run)
{
    const char *run = "1a2b3c4d";
    const char *fit[] = {"test_app_1a2b3c4d",     "test_app_1a2b3c4d_tpl", "test_app_1a2b3c4d_next",
                         "test_app_1a2b3c4d_old", "test_app_1a2b3c4d_12",  "test_my_app_1a2b3c4d",
                         "test_1a2b3c4d_1a2b3c4d"};
    for (size_t i = 0; i < sizeof fit / sizeof fit[0]; i++)
        ck_assert_msg(pg_marker_name_fits(fit[i], run), "refused %s", fit[i]);
    const char *unfit[] = {"renamed_by_hand",        "prod",
                           "test_app_1a2b3c4e",      "test_app_1a2b3c4d_",
                           "test_app_1a2b3c4d_x",    "test_app_1a2b3c4d_tpl2",
                           "app_1a2b3c4d",           "test_1a2b3c4d",
                           "test_app_1a2b3c4dextra", "test_app_x1a2b3c4d"};
    for (size_t i = 0; i < sizeof unfit / sizeof unfit[0]; i++)
        ck_assert_msg(!pg_marker_name_fits(unfit[i], run), "accepted %s", unfit[i]);
}
END_TEST

START_TEST(marker_names_owner_namespace_directory_and_kept)
{
    process_identity me;
    process_identity_get(&me);
    char *marker = db_marker_text("1a2b3c4d", "/run/user/1000/foster; odd", true);
    ck_assert_ptr_nonnull(marker);
    ck_assert(strncmp(marker, DB_MARKER_PREFIX "1a2b3c4d; pid ", strlen(DB_MARKER_PREFIX) + 14) ==
              0);
    ck_assert_ptr_nonnull(strstr(marker, me.pid_ns));
    ck_assert_ptr_nonnull(strstr(marker, me.boot_id));
    ck_assert_ptr_nonnull(strstr(marker, "; kept 1; dir /run/user/1000/foster; odd"));
    free(marker);
}
END_TEST

/* By the SQLSTATE of a verbose message (pgconn_open asks for those), never by its words. */
START_TEST(only_too_many_clients_and_starting_up_are_busy)
{
    ck_assert_str_eq(pg_connect_busy_reason("connection to server on socket \"/x/.s.PGSQL.5432\" "
                                            "failed: FATAL:  53300: sorry, too many clients "
                                            "already\n"),
                     "too many clients");
    ck_assert_str_eq(pg_connect_busy_reason("FATAL:  53300: verbleibende Verbindungen sind "
                                            "reserviert\nLOCATION:  InitPostgres, postinit.c:1"),
                     "too many clients");
    ck_assert_str_eq(pg_connect_busy_reason("FATAL:  57P03: das Datenbanksystem startet"),
                     "starting up or shutting down");
    ck_assert_ptr_null(pg_connect_busy_reason("FATAL:  57P01: terminating connection due to "
                                              "administrator command"));
    ck_assert_ptr_null(pg_connect_busy_reason("FATAL:  28P01: password authentication failed"));
    /* no code: not the server's refusal, whatever the words say */
    ck_assert_ptr_null(pg_connect_busy_reason("FATAL:  sorry, too many clients already"));
    ck_assert_ptr_null(pg_connect_busy_reason("Connection refused"));
    ck_assert_ptr_null(pg_connect_busy_reason(NULL));
}
END_TEST

static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

START_TEST(owner_is_judged_only_in_its_own_namespace)
{
    char *directory = scratch_make("foster-gc-rules-");
    ck_assert_ptr_nonnull(directory);
    run_record r = {0};
    r.run_id = strdup("1a2b3c4d");
    r.pid = getpid();
    r.copies = 3;
    ck_assert_int_eq(run_record_set_identity(&r), 0);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run_record_write(directory, &r, &diags), 0);
    run_record back;
    ck_assert_int_eq(run_record_read(directory, "1a2b3c4d", &back, &diags), 0);
    const char *why = NULL;
    ck_assert_int_eq(run_record_owner(&back, &why), RUN_OWNER_ALIVE);
    ck_assert_int_eq(back.copies, 3);
    back.pid = dead_pid();
    ck_assert_int_eq(run_record_owner(&back, &why), RUN_OWNER_DEAD);
    free(back.pid_ns);
    back.pid_ns = strdup("pid:[1]");
    ck_assert_int_eq(run_record_owner(&back, &why), RUN_OWNER_FOREIGN);
    ck_assert_str_eq(why, "made in another PID namespace");
    free(back.pid_ns);
    back.pid_ns = NULL; /* an older foster's record */
    ck_assert_int_eq(run_record_owner(&back, &why), RUN_OWNER_FOREIGN);
    run_record_free(&back);
    ck_assert_int_eq(run_record_read(directory, "../victim", &back, &diags), -1);
    ck_assert_int_eq(run_record_remove(directory, "../victim", &diags), -1);
    ck_assert_int_eq(run_record_remove(directory, "1a2b3c4d", &diags), 0);
    run_record_free(&r);
    diag_list_clear(&diags);
    ck_assert_int_eq(rmdir(directory), 0);
    free(directory);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("gc_rules");
    TCase *c = tcase_create("rules");
    tcase_add_test(c, run_ids_are_eight_hex_digits_never_paths);
    tcase_add_test(c, database_names_fit_only_their_run);
    tcase_add_test(c, marker_names_owner_namespace_directory_and_kept);
    tcase_add_test(c, only_too_many_clients_and_starting_up_are_busy);
    tcase_add_test(c, owner_is_judged_only_in_its_own_namespace);
    suite_add_tcase(suite, c);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
