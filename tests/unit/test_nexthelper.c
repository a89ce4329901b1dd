/*
 * test_nexthelper.c — the resident helper (src/util/nexthelper.h), with
 * stand-in work that writes a journal: its socket is there when the start
 * returns, it answers `open` and `reset` (making the next copy after each),
 * and it leaves, taking its socket and lock file with it, when teardown asks,
 * when its run's record goes, when its server goes, on SIGTERM, and when
 * another helper takes its socket over (the file then names the new one).
 * And what an adversarial review found: a helper started with stdio closed,
 * a requester facing a stopped helper, a reset whose requester gave up, a
 * reset done by the requester under the lock; and a lock waited for while a
 * one-shot helper removed its file (CI caught that). This process is a
 * subreaper, so the helper is its child and its end can be waited for.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nexthelper.h"
#include "nexthelper_internal.h"
#include "scratch.h"
#include "strbuf.h"

static char *root;
static char *lock_path, *socket_path, *record_path, *journal_path, *fifo_path;

static char *at(const char *name)
{
    return strbuf_format("%s/%s", root, name);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* ---- the stand-in work, in the helper ---------------------------------- */

typedef struct stand_in {
    int server;    /* the FIFO's read end: its writer closing is the server going away */
    bool watching; /* there was a server to watch */
} stand_in;

static void note(const char *what)
{
    int fd = open(journal_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd >= 0) {
        ssize_t written = write(fd, what, strlen(what));
        (void)written;
        close(fd);
    }
}

static void stand_in_begin(void *context)
{
    stand_in *s = context;
    s->server = fifo_path ? open(fifo_path, O_RDONLY | O_NONBLOCK) : -1;
    s->watching = s->server >= 0;
    note("begin\n");
}

/* With a file "drop-server", the connection is lost during the work (libpq closes it). */
static void stand_in_prepare(void *context)
{
    stand_in *s = context;
    char *dropping = at("drop-server");
    if (s->server >= 0 && exists(dropping)) {
        close(s->server);
        s->server = -1;
    }
    free(dropping);
    note("prepare\n");
}

static int stand_in_reset(void *context)
{
    (void)context;
    char *failing = at("fail-reset");
    int rc = exists(failing) ? -1 : 0;
    free(failing);
    note(rc == 0 ? "reset\n" : "reset failed\n");
    return rc;
}

static int stand_in_open(void *context, strbuf *answer)
{
    (void)context;
    note("open\n");
    return strbuf_append(answer, "db\0marker\0", 10);
}

static int stand_in_watch(void *context)
{
    return ((stand_in *)context)->server;
}

static bool stand_in_alive(void *context)
{
    const stand_in *s = context;
    char byte;
    if (!s->watching)
        return true;                                         /* no server in this test */
    return s->server >= 0 && read(s->server, &byte, 1) != 0; /* 0: the writer is gone */
}

static void stand_in_end(void *context)
{
    (void)context;
    note("end\n");
}

static const next_helper_ops stand_in_ops = {
    .begin = stand_in_begin,
    .prepare = stand_in_prepare,
    .reset = stand_in_reset,
    .open = stand_in_open,
    .watch = stand_in_watch,
    .alive = stand_in_alive,
    .end = stand_in_end,
};

/* ---- the test's side -------------------------------------------------- */

static char *journal(void)
{
    FILE *file = fopen(journal_path, "r");
    strbuf text = STRBUF_INIT;
    strbuf_append_str(&text, "");
    char line[128];
    while (file && fgets(line, sizeof line, file))
        strbuf_append_str(&text, line);
    if (file)
        fclose(file);
    return strbuf_detach(&text);
}

/* Waits (at most 5 s) until the lock file is there and not held: the helper is idle. */
static void wait_idle(void)
{
    for (int i = 0; i < 500; i++) {
        int fd = open(lock_path, O_RDONLY);
        bool idle = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
        if (fd >= 0)
            close(fd);
        if (idle)
            return;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    ck_abort_msg("the helper is not idle after 5 s");
}

static pid_t helper_pid(void)
{
    FILE *file = fopen(lock_path, "r");
    long pid = 0;
    ck_assert_ptr_nonnull(file);
    ck_assert_int_eq(fscanf(file, "%ld", &pid), 1);
    fclose(file);
    return (pid_t)pid;
}

/* Waits (at most 5 s) for the helper `pid` to end; its status. */
static int wait_gone(pid_t pid)
{
    for (int i = 0; i < 500; i++) {
        int status = 0;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        ck_assert_int_eq(got, 0);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    ck_abort_msg("the helper %ld still runs after 5 s", (long)pid);
    return -1;
}

static stand_in context;

static pid_t start_helper(void)
{
    ck_assert_int_eq(
        next_helper_start_resident(lock_path, -1, record_path, &stand_in_ops, &context), 0);
    ck_assert_msg(exists(socket_path), "no socket when the start returns");
    wait_idle();
    return helper_pid();
}

static void assert_left_nothing(void)
{
    ck_assert_msg(!exists(socket_path), "the socket is left");
    ck_assert_msg(!exists(lock_path), "the lock file is left");
}

static void setup(void)
{
    root = scratch_make("foster-nexthelper.");
    ck_assert_ptr_nonnull(root);
    lock_path = at("test_db.next.lock");
    socket_path = at("test_db.next.sock");
    record_path = at("0123abcd.run");
    journal_path = at("journal");
    fifo_path = NULL;
    int fd = open(record_path, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void teardown(void)
{
    ck_assert_int_eq(scratch_remove(root), 0);
    free(root);
    free(lock_path);
    free(socket_path);
    free(record_path);
    free(journal_path);
    free(fifo_path);
}

/* Asks the helper `pid` to leave, as teardown does: it ends having done `expected`, and
 * nothing of it is left. */
static void stop_and_expect(pid_t pid, const char *expected)
{
    next_helper_wait(lock_path, true);
    ck_assert_int_eq(wait_gone(pid), 0);
    char *text = journal();
    ck_assert_str_eq(text, expected);
    free(text);
    assert_left_nothing();
}

START_TEST(test_it_makes_the_copy_then_answers_open_and_reset_until_asked_to_leave)
{
    pid_t pid = start_helper();
    char *text = journal();
    ck_assert_str_eq(text, "begin\nprepare\n");
    free(text);
    strbuf said = STRBUF_INIT;
    ck_assert_int_eq(next_helper_request_open(lock_path, &said), 0);
    ck_assert_uint_eq(said.length, 10);
    ck_assert_int_eq(memcmp(said.data, "db\0marker\0", 10), 0);
    strbuf_free(&said);
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0);
    wait_idle(); /* the next copy is made after the answer */
    ck_assert_int_eq(helper_pid(), pid);
    stop_and_expect(pid, "begin\nprepare\nopen\nreset\nprepare\nend\n");
}
END_TEST

START_TEST(test_a_failed_reset_is_said_and_the_helper_stays)
{
    pid_t pid = start_helper();
    char *failing = at("fail-reset");
    close(open(failing, O_WRONLY | O_CREAT, 0600));
    ck_assert_int_eq(next_helper_request_reset(lock_path), -1);
    unlink(failing);
    free(failing);
    wait_idle();
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0);
    stop_and_expect(pid, "begin\nprepare\nreset failed\nprepare\nreset\nprepare\nend\n");
}
END_TEST

START_TEST(test_it_leaves_when_its_runs_record_goes)
{
    pid_t pid = start_helper();
    unlink(record_path);
    ck_assert_int_eq(wait_gone(pid), 0);
    char *text = journal();
    ck_assert_str_eq(text, "begin\nprepare\nend\n");
    free(text);
    assert_left_nothing();
    ck_assert_int_eq(next_helper_request_reset(lock_path), -1); /* nobody answers */
}
END_TEST

START_TEST(test_it_leaves_when_its_server_goes)
{
    fifo_path = at("server");
    ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
    pid_t pid = start_helper();
    int writer = open(fifo_path, O_WRONLY);
    ck_assert_int_ge(writer, 0);
    nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0); /* the server is there: it stays */
    close(writer);
    ck_assert_int_eq(wait_gone(pid), 0);
    assert_left_nothing();
}
END_TEST

START_TEST(test_it_leaves_when_its_server_was_lost_during_its_work)
{
    fifo_path = at("server");
    ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
    pid_t pid = start_helper();
    int writer = open(fifo_path, O_WRONLY); /* the server stays: only the connection goes */
    ck_assert_int_ge(writer, 0);
    char *dropping = at("drop-server");
    close(open(dropping, O_WRONLY | O_CREAT, 0600));
    free(dropping);
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0);
    ck_assert_int_eq(wait_gone(pid), 0);
    close(writer);
    char *text = journal();
    ck_assert_str_eq(text, "begin\nprepare\nreset\nprepare\nend\n");
    free(text);
    assert_left_nothing();
}
END_TEST

START_TEST(test_sigterm_ends_a_waiting_helper_which_cleans_up)
{
    pid_t pid = start_helper();
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    int status = wait_gone(pid);
    ck_assert(WIFEXITED(status)); /* not killed: it left */
    char *text = journal();
    ck_assert_str_eq(text, "begin\nprepare\nend\n");
    free(text);
    assert_left_nothing();
}
END_TEST

START_TEST(test_a_second_helper_takes_the_socket_over_and_the_first_leaves)
{
    pid_t first = start_helper();
    pid_t second = start_helper();
    ck_assert_int_ne(first, second);
    ck_assert_int_eq(wait_gone(first), 0);
    ck_assert_msg(exists(socket_path), "the first took the second's socket with it");
    ck_assert_int_eq(helper_pid(), second);
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0);
    next_helper_wait(lock_path, true);
    ck_assert_int_eq(wait_gone(second), 0);
    assert_left_nothing();
}
END_TEST

START_TEST(test_without_room_for_a_socket_it_makes_the_copy_and_leaves)
{
    free(lock_path);
    free(socket_path);
    char name[160];
    memset(name, 'd', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    lock_path = strbuf_format("%s/%s.next.lock", root, name); /* too long for a socket's path */
    socket_path = strbuf_format("%s/%s.next.sock", root, name);
    ck_assert_int_eq(
        next_helper_start_resident(lock_path, -1, record_path, &stand_in_ops, &context), 0);
    for (int i = 0; i < 500 && exists(lock_path); i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    char *text = journal();
    ck_assert_str_eq(text, "begin\nprepare\nend\n");
    free(text);
    assert_left_nothing();
    ck_assert_int_eq(next_helper_request_reset(lock_path), -1);
}
END_TEST

START_TEST(test_teardown_removes_what_a_killed_helper_left)
{
    pid_t pid = start_helper();
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    wait_gone(pid);
    ck_assert(exists(socket_path));
    ck_assert_int_eq(next_helper_request_reset(lock_path), -1); /* nobody answers */
    next_helper_wait(lock_path, true);
    assert_left_nothing();
}
END_TEST

START_TEST(test_a_helper_started_with_stdio_closed_keeps_its_lock_and_socket)
{
    pid_t starter = fork();
    if (starter == 0) { /* as `foster up <&- >&- 2>&-` */
        close(STDIN_FILENO);
        close(STDOUT_FILENO);
        close(STDERR_FILENO);
        _exit(next_helper_start_resident(lock_path, -1, record_path, &stand_in_ops, &context) == 0
                  ? 0
                  : 1);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(starter, &status, 0), starter);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    wait_idle();
    pid_t pid = helper_pid(); /* its own: not lost to its stdio on /dev/null */
    strbuf said = STRBUF_INIT;
    ck_assert_int_eq(next_helper_request_open(lock_path, &said), 0);
    strbuf_free(&said);
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert(WIFEXITED(wait_gone(pid)));
    assert_left_nothing();
}
END_TEST

START_TEST(test_a_request_to_a_stopped_helper_ends_in_time)
{
    pid_t pid = start_helper();
    ck_assert_int_eq(kill(pid, SIGSTOP), 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path);
    int queued[64], count = 0;
    while (count < 64) { /* fill its backlog, as many waiting test workers would */
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ck_assert_int_ge(fd, 0);
        if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
            close(fd);
            break;
        }
        queued[count++] = fd;
    }
    ck_assert_int_lt(count, 64);
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    ck_assert_int_eq(next_helper_ask_within(lock_path, "reset", NULL, 0.5), -1);
    clock_gettime(CLOCK_MONOTONIC, &after);
    double took = (double)(after.tv_sec - before.tv_sec) + (after.tv_nsec - before.tv_nsec) / 1e9;
    ck_assert_double_lt(took, 4.0); /* not the 120 s of a request; loose for a loaded machine */
    while (count > 0)
        close(queued[--count]);
    ck_assert_int_eq(kill(pid, SIGCONT), 0);
    stop_and_expect(pid, "begin\nprepare\nend\n");
}
END_TEST

START_TEST(test_a_reset_whose_requester_gave_up_is_not_done)
{
    pid_t pid = start_helper();
    int lock = open(lock_path, O_RDWR);
    ck_assert_int_eq(flock(lock, LOCK_EX), 0); /* as a reset by another process would */
    ck_assert_int_eq(next_helper_ask_within(lock_path, "reset", NULL, 0.3), -1);
    close(lock); /* the helper gets to the request now: its requester has gone */
    wait_idle();
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0); /* and it serves the next one */
    wait_idle();
    stop_and_expect(pid, "begin\nprepare\nreset\nprepare\nend\n");
}
END_TEST

START_TEST(test_a_takeover_never_leaves_the_file_naming_the_helper_replaced)
{
    pid_t previous = start_helper();
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(
            next_helper_start_resident(lock_path, -1, record_path, &stand_in_ops, &context), 0);
        FILE *file = fopen(lock_path, "r"); /* at once: the new helper may not have written */
        long named = 0;
        ck_assert_ptr_nonnull(file);
        if (fscanf(file, "%ld", &named) != 1)
            named = 0;
        fclose(file);
        ck_assert_int_ne(named, previous);
        ck_assert_int_eq(wait_gone(previous), 0);
        wait_idle();
        ck_assert_msg(exists(lock_path), "the replaced helper removed its successor's lock file");
        previous = helper_pid();
    }
    next_helper_wait(lock_path, true);
    ck_assert_int_eq(wait_gone(previous), 0);
    assert_left_nothing();
}
END_TEST

START_TEST(test_a_reset_done_by_the_requester_holds_the_lock_into_the_helper)
{
    int held = next_helper_hold(lock_path);
    ck_assert_int_ge(held, 3);
    /* while it is held, no other start can take it */
    ck_assert_int_eq(
        next_helper_start_resident(lock_path, -1, record_path, &stand_in_ops, &context), -1);
    ck_assert_int_eq(
        next_helper_start_resident(lock_path, held, record_path, &stand_in_ops, &context), 0);
    wait_idle();
    pid_t pid = helper_pid();
    ck_assert_int_eq(next_helper_request_reset(lock_path), 0);
    wait_idle();
    stop_and_expect(pid, "begin\nprepare\nreset\nprepare\nend\n");
}
END_TEST

START_TEST(test_a_helper_leaving_while_a_reset_holds_the_lock_leaves_the_file)
{
    pid_t pid = start_helper();
    int held = next_helper_hold(lock_path); /* as a reset doing it itself, after a "fail" */
    ck_assert_int_ge(held, 3);
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert(WIFEXITED(wait_gone(pid)));
    ck_assert_msg(exists(lock_path), "the helper removed the file whose lock the reset holds");
    ck_assert_int_eq(
        next_helper_start_resident(lock_path, held, record_path, &stand_in_ops, &context), 0);
    wait_idle();
    stop_and_expect(helper_pid(), "begin\nprepare\nend\nbegin\nprepare\nend\n");
}
END_TEST

/* A one-shot helper's work: a while on its copy, then a line in the journal. */
static void slow_copy(void *context)
{
    (void)context;
    nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    note("copy\n");
}

START_TEST(test_a_lock_waited_for_is_the_one_its_file_names_after_a_one_shot_helper)
{
    ck_assert_int_eq(next_helper_start(lock_path, -1, slow_copy, NULL), 0);
    /* the helper removes its file as it ends: the lock this waited for must not be that
     * file's, which nobody finds any more */
    int held = next_helper_hold(lock_path);
    ck_assert_int_ge(held, 3);
    struct stat mine, named;
    ck_assert_int_eq(fstat(held, &mine), 0);
    ck_assert_int_eq(stat(lock_path, &named), 0);
    ck_assert_msg(mine.st_ino == named.st_ino, "the lock held is on a file removed");
    ck_assert_int_eq(next_helper_start(lock_path, held, slow_copy, NULL), 0);
    next_helper_wait(lock_path, true); /* as `down` does: it finds the second helper */
    char *text = journal();
    ck_assert_str_eq(text, "copy\ncopy\n");
    free(text);
    assert_left_nothing();
}
END_TEST

static Suite *nexthelper_suite(void)
{
    Suite *suite = suite_create("nexthelper");
    TCase *tc = tcase_create("resident");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_it_makes_the_copy_then_answers_open_and_reset_until_asked_to_leave);
    tcase_add_test(tc, test_a_failed_reset_is_said_and_the_helper_stays);
    tcase_add_test(tc, test_it_leaves_when_its_runs_record_goes);
    tcase_add_test(tc, test_it_leaves_when_its_server_goes);
    tcase_add_test(tc, test_it_leaves_when_its_server_was_lost_during_its_work);
    tcase_add_test(tc, test_sigterm_ends_a_waiting_helper_which_cleans_up);
    tcase_add_test(tc, test_a_second_helper_takes_the_socket_over_and_the_first_leaves);
    tcase_add_test(tc, test_without_room_for_a_socket_it_makes_the_copy_and_leaves);
    tcase_add_test(tc, test_teardown_removes_what_a_killed_helper_left);
    tcase_add_test(tc, test_a_helper_started_with_stdio_closed_keeps_its_lock_and_socket);
    tcase_add_test(tc, test_a_request_to_a_stopped_helper_ends_in_time);
    tcase_add_test(tc, test_a_reset_whose_requester_gave_up_is_not_done);
    tcase_add_test(tc, test_a_takeover_never_leaves_the_file_naming_the_helper_replaced);
    tcase_add_test(tc, test_a_reset_done_by_the_requester_holds_the_lock_into_the_helper);
    tcase_add_test(tc, test_a_lock_waited_for_is_the_one_its_file_names_after_a_one_shot_helper);
    tcase_add_test(tc, test_a_helper_leaving_while_a_reset_holds_the_lock_leaves_the_file);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(nexthelper_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
