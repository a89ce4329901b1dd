/*
 * test_process.c — how the command under test is started and how its end
 * becomes foster's exit status.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "scratch.h"
#include "spawner.h"

static int run(const char *script, const char *name, const char *value, diag_list *diags)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    const char *names[] = {name};
    const char *values[] = {value};
    return process_run(argv, names, values, name ? 1 : 0, 1.0, NULL, NULL, diags);
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
    ck_assert_int_eq(process_run(argv, NULL, NULL, 0, 1.0, NULL, NULL, &diags), PROCESS_NOT_FOUND);
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
    ck_assert_int_eq(process_run(argv, NULL, NULL, 0, 1.0, NULL, NULL, &diags),
                     PROCESS_CANNOT_EXECUTE);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "Permission denied"));
    unlink(path);
    diag_list_clear(&diags);
}
END_TEST

/*
 * Sends `signo` to this process (foster's place) once the command has made the file whose
 * path this returns: its trap is set by then (a signal sent sooner would meet sh's default).
 */
static const char *signal_once_ready(int signo)
{
    static char ready[64];
    snprintf(ready, sizeof ready, "/tmp/foster-process-ready.%ld", (long)getpid());
    unlink(ready);
    pid_t parent = getpid();
    if (fork() == 0) {
        for (int i = 0; i < 1000 && access(ready, F_OK) != 0; i++)
            usleep(10 * 1000);
        kill(parent, signo);
        _exit(0);
    }
    return ready;
}

/* Runs a command that sets `trap`, then loops for 10 s; `signo` reaches foster (this process)
 * once the trap is set. The command's status. */
static int run_trapped(const char *trap, int signo, diag_list *diags)
{
    char script[256];
    const char *ready = signal_once_ready(signo);
    snprintf(script, sizeof script,
             "%s; : > %s; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done", trap, ready);
    int status = run(script, NULL, NULL, diags);
    unlink(ready);
    return status;
}

START_TEST(test_signal_is_forwarded_and_ignoring_it_ends_in_sigkill)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(process_catch_signals(&diags), 0);
    /* A command that ignores SIGTERM: foster's own SIGTERM is passed on,
     * then SIGKILL follows after the grace period (1 s here). */
    ck_assert_int_eq(run_trapped("trap '' TERM", SIGTERM, &diags), 128 + 9);
    ck_assert_int_eq(process_interrupted, SIGTERM);
}
END_TEST

/* process_run's settle in this test: waits (at most 10 s) for the file `path`. */
static void wait_for_file(void *path)
{
    for (int i = 0; i < 1000 && access(path, F_OK) != 0; i++)
        usleep(10 * 1000);
}

/* A command that leaves work running which SIGTERM cannot stop and which outlasts the grace
 * (1 s) by far: ended by SIGKILL, unless settle waits for it first. Whether it got to its
 * end. */
static bool leftover_finished(void (*settle)(void *))
{
    char *dir = scratch_make("foster-settle.");
    ck_assert_ptr_nonnull(dir);
    char done[64], script[160];
    snprintf(done, sizeof done, "%s/done", dir);
    snprintf(script, sizeof script, "(trap '' TERM; sleep 4; touch %s) & exit 0", done);
    char *argv[] = {"sh", "-c", script, NULL};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(process_run(argv, NULL, NULL, 0, 1.0, settle, done, &diags), 0);
    bool finished = access(done, F_OK) == 0;
    unlink(done);
    rmdir(dir);
    free(dir);
    return finished;
}

START_TEST(test_settle_comes_before_the_leftovers_are_ended)
{
    ck_assert_msg(!leftover_finished(NULL), "the leftover was not ended");
    ck_assert_msg(leftover_finished(wait_for_file), "the leftover was ended before settle");
}
END_TEST

START_TEST(test_forwarded_signal_reaches_the_command)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(process_catch_signals(&diags), 0);
    ck_assert_int_eq(run_trapped("trap 'exit 7' HUP", SIGHUP, &diags), 7);
}
END_TEST

START_TEST(test_script_without_interpreter_line_runs_with_sh)
{
    /* execvp runs such a file with /bin/sh; posix_spawnp alone would say ENOEXEC. */
    char path[] = "/tmp/foster-test-script-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static const char body[] = "test \"$1\" = one && exit 9\nexit 1\n";
    ck_assert_int_eq(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
    close(fd);
    chmod(path, 0700);
    diag_list diags = DIAG_LIST_INIT;
    char *argv[] = {path, "one", NULL};
    int status = process_run(argv, NULL, NULL, 0, 1.0, NULL, NULL, &diags);
    unlink(path);
    ck_assert_int_eq(status, 9);
    ck_assert_int_eq(diags.count, 0);
}
END_TEST

/* Runs argv with `spec`'s settings, its stdout into a string (static, one line). */
static const char *spawn_output(spawn_spec *spec)
{
    static char line[4096];
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    spec->out = fds[1];
    int error = 0;
    pid_t pid = spawn_start(spec, &error);
    close(fds[1]);
    ck_assert_msg(pid > 0, "spawn_start: %s", strerror(error));
    size_t used = 0;
    ssize_t got;
    while ((got = read(fds[0], line + used, sizeof line - 1 - used)) > 0)
        used += (size_t)got;
    close(fds[0]);
    line[used] = '\0';
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return line;
}

START_TEST(test_child_gets_default_signals_and_an_empty_mask)
{
    /* What foster ignores or blocks must not reach the program it starts. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    char *argv[] = {"sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status", NULL};
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.search_path = true;
    const char *out = spawn_output(&spec);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    signal(SIGPIPE, SIG_DFL);
    /* grep's own status: nothing blocked; SIGPIPE (bit 13) not ignored. */
    const char *blk = strstr(out, "SigBlk:");
    const char *ign = strstr(out, "SigIgn:");
    ck_assert_ptr_nonnull(blk);
    ck_assert_ptr_nonnull(ign);
    ck_assert_int_eq(strtoull(blk + 7, NULL, 16), 0);
    ck_assert_int_eq(strtoull(ign + 7, NULL, 16) & (1ULL << (SIGPIPE - 1)), 0);
}
END_TEST

START_TEST(test_environment_replaces_and_unsets)
{
    setenv("FOSTER_TEST_KEEP", "kept", 1);
    setenv("FOSTER_TEST_GONE", "secret", 1);
    setenv("FOSTER_TEST_SET", "old", 1);
    const char *names[] = {"FOSTER_TEST_GONE", "FOSTER_TEST_SET"};
    const char *values[] = {NULL, "new"};
    char **envp = spawn_environment(names, values, 2);
    ck_assert_ptr_nonnull(envp);
    char *argv[] = {"/bin/sh", "-c",
                    "echo \"$FOSTER_TEST_KEEP/${FOSTER_TEST_GONE-unset}/$FOSTER_TEST_SET\"", NULL};
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.envp = envp;
    ck_assert_str_eq(spawn_output(&spec), "kept/unset/new\n");
    spawn_environment_free(envp);
}
END_TEST

START_TEST(test_new_session_and_closed_descriptors)
{
    int stray = open("/dev/null", O_RDONLY); /* not CLOEXEC: close_others must close it */
    ck_assert_int_ge(stray, 3);
    char script[128];
    snprintf(script, sizeof script,
             "test \"$(ps -o sid= -p $$ | tr -d ' ')\" = $$ && test ! -e /proc/self/fd/%d && "
             "pwd",
             stray);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.group = SPAWN_NEW_SESSION;
    spec.close_others = true;
    spec.in = SPAWN_DEV_NULL;
    spec.cwd = "/";
    ck_assert_str_eq(spawn_output(&spec), "/\n");
    close(stray);
}
END_TEST

START_TEST(test_spawn_as_another_user)
{
    struct passwd *nobody = getpwnam("nobody");
    if (geteuid() != 0 || !nobody) {
        printf("SKIP spawn as another user: needs root and a `nobody` user\n");
        return;
    }
    char *argv[] = {"/bin/sh", "-c", "echo $(id -u):$(id -G)", NULL};
    gid_t groups[] = {nobody->pw_gid};
    spawn_user user = {nobody->pw_uid, nobody->pw_gid, groups, 1};
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.user = &user;
    char expected[64];
    snprintf(expected, sizeof expected, "%u:%u\n", (unsigned)nobody->pw_uid,
             (unsigned)nobody->pw_gid);
    ck_assert_str_eq(spawn_output(&spec), expected);
    /* A program that is not there is the caller's error, not the child's exit status. */
    char *missing[] = {"/nonexistent/program", NULL};
    spec.argv = missing;
    spec.out = SPAWN_INHERIT;
    int error = 0;
    ck_assert_int_eq(spawn_start(&spec, &error), -1);
    ck_assert_int_eq(error, ENOENT);
}
END_TEST

static Suite *process_suite(void)
{
    Suite *suite = suite_create("process");
    TCase *tc = tcase_create("run");
    tcase_add_test(tc, test_exit_status_is_the_commands);
    tcase_add_test(tc, test_death_by_signal_is_128_plus_n);
    tcase_add_test(tc, test_environment_reaches_the_command);
    tcase_add_test(tc, test_settle_comes_before_the_leftovers_are_ended);
    tcase_add_test(tc, test_missing_command_is_127_with_message);
    tcase_add_test(tc, test_non_executable_file_is_126);
    tcase_add_test(tc, test_signal_is_forwarded_and_ignoring_it_ends_in_sigkill);
    tcase_add_test(tc, test_forwarded_signal_reaches_the_command);
    tcase_add_test(tc, test_script_without_interpreter_line_runs_with_sh);
    tcase_add_test(tc, test_child_gets_default_signals_and_an_empty_mask);
    tcase_add_test(tc, test_environment_replaces_and_unsets);
    tcase_add_test(tc, test_new_session_and_closed_descriptors);
    tcase_add_test(tc, test_spawn_as_another_user);
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
