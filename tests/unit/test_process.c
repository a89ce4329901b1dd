/*
 * test_process.c — how the command under test is started and how its end
 * becomes foster's exit status.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process.h"

static int run(const char *script, const char *name, const char *value, diag_list *diags)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    const char *names[] = {name};
    const char *values[] = {value};
    return process_run(argv, names, values, name ? 1 : 0, 1.0, diags);
}

START_TEST(test_exit_status_is_the_commands)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run("exit 0", NULL, NULL, &diags), 0);
    ck_assert_int_eq(run("exit 3", NULL, NULL, &diags), 3);
    ck_assert_int_eq(run("exit 255", NULL, NULL, &diags), 255);
    ck_assert_int_eq(diags.count, 0);
}
END_TEST

START_TEST(test_death_by_signal_is_128_plus_n)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run("kill -TERM $$", NULL, NULL, &diags), 128 + 15);
    ck_assert_int_eq(run("kill -KILL $$", NULL, NULL, &diags), 128 + 9);
}
END_TEST

START_TEST(test_environment_reaches_the_command)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        run("test \"$DATABASE_URL\" = sqlite:////x", "DATABASE_URL", "sqlite:////x", &diags), 0);
}
END_TEST

START_TEST(test_missing_command_is_127_with_message)
{
    diag_list diags = DIAG_LIST_INIT;
    char *argv[] = {"foster-no-such-command", NULL};
    ck_assert_int_eq(process_run(argv, NULL, NULL, 0, 1.0, &diags), PROCESS_NOT_FOUND);
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, "foster-no-such-command: command not found");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_non_executable_file_is_126)
{
    diag_list diags = DIAG_LIST_INIT;
    char path[] = "/tmp/foster-test-process-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char *argv[] = {path, NULL};
    ck_assert_int_eq(process_run(argv, NULL, NULL, 0, 1.0, &diags), PROCESS_CANNOT_EXECUTE);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "Permission denied"));
    unlink(path);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_signal_is_forwarded_and_ignoring_it_ends_in_sigkill)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(process_catch_signals(&diags), 0);
    /* A command that ignores SIGTERM: foster's own SIGTERM is passed on,
     * then SIGKILL follows after the grace period (1 s here). */
    pid_t parent = getpid();
    if (fork() == 0) {
        usleep(300 * 1000);
        kill(parent, SIGTERM);
        _exit(0);
    }
    int status = run("trap '' TERM; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
                     NULL, NULL, &diags);
    ck_assert_int_eq(status, 128 + 9);
    ck_assert_int_eq(process_interrupted, SIGTERM);
}
END_TEST

START_TEST(test_forwarded_signal_reaches_the_command)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(process_catch_signals(&diags), 0);
    pid_t parent = getpid();
    if (fork() == 0) {
        usleep(300 * 1000);
        kill(parent, SIGHUP);
        _exit(0);
    }
    int status = run("trap 'exit 7' HUP; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
                     NULL, NULL, &diags);
    ck_assert_int_eq(status, 7);
}
END_TEST

static Suite *process_suite(void)
{
    Suite *suite = suite_create("process");
    TCase *tc = tcase_create("run");
    tcase_add_test(tc, test_exit_status_is_the_commands);
    tcase_add_test(tc, test_death_by_signal_is_128_plus_n);
    tcase_add_test(tc, test_environment_reaches_the_command);
    tcase_add_test(tc, test_missing_command_is_127_with_message);
    tcase_add_test(tc, test_non_executable_file_is_126);
    tcase_add_test(tc, test_signal_is_forwarded_and_ignoring_it_ends_in_sigkill);
    tcase_add_test(tc, test_forwarded_signal_reaches_the_command);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(process_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
