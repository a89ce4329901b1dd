/*
 * nexthelper.c — the detached helper that makes a run's next copy: the lock
 * file, the double fork and the wait. See nexthelper.h; the resident
 * helper's socket is nexthelper_serve.c's.
 */
#include "nexthelper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "nexthelper_internal.h"
#include "smallfile.h"
#include "strbuf.h"

char *next_helper_lock_path(const char *runtime_dir, const char *database)
{
    return runtime_dir && database ? strbuf_format("%s/%s.next.lock", runtime_dir, database) : NULL;
}

int next_helper_above_stdio(int fd)
{
    if (fd < 0 || fd > STDERR_FILENO)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    int saved = errno;
    close(fd);
    errno = saved;
    return moved;
}

/* Takes the lock of the file open at `fd`, waiting until `until` (monotonic seconds); 0 or -1. */
static int lock_patiently(int fd, double until)
{
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (monotonic_seconds() >= until)
            return -1;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    return 0;
}

/*
 * Opens the lock file at `path` (made when `create`) and takes its lock, at
 * once or (`patient`) within NEXT_HELPER_WAIT_SECONDS. A holder that removes
 * the file releases the lock of a file nobody finds any more: one who
 * waited for it opens the file the path names now, or finds none. The
 * descriptor, above stdio; else -1, and *opened tells whether there was a
 * file (held, then, by a helper that kept it past the wait).
 */
static int lock_current(const char *path, bool create, bool patient, bool *opened)
{
    double until = monotonic_seconds() + (patient ? NEXT_HELPER_WAIT_SECONDS : 0);
    *opened = false;
    for (int tries = 0; path && tries < 100; tries++) {
        int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
        int fd = next_helper_above_stdio(open(path, flags, 0600));
        *opened = fd >= 0;
        if (fd < 0 || lock_patiently(fd, until) < 0) {
            if (fd >= 0)
                close(fd);
            return -1;
        }
        if (smallfile_names_open_file(path, fd))
            return fd;
        close(fd); /* removed while this waited: try the one there now */
    }
    return -1;
}

/* The lock, held for a helper to come: the file names no helper meanwhile, so a resident
 * one that leaves does not remove it. */
int next_helper_hold(const char *lock_path)
{
    bool opened;
    int fd = lock_current(lock_path, true, true, &opened);
    if (fd >= 0 && ftruncate(fd, 0) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

void next_helper_release(int held)
{
    if (held >= 0)
        close(held);
}

void next_helper_wait(const char *lock_path, bool remove)
{
    if (lock_path && remove)
        next_helper_ask(lock_path, NEXT_HELPER_STOP, NULL); /* a resident helper: it leaves */
    /* At most NEXT_HELPER_WAIT_SECONDS, then on without the lock: a helper whose server
     * hangs must not hang us. */
    bool opened;
    int fd = lock_current(lock_path, false, true, &opened);
    if ((fd >= 0 || opened) && remove)
        unlink(lock_path);
    char *socket = lock_path && remove ? next_helper_socket_path(lock_path) : NULL;
    if (socket)
        unlink(socket); /* left by a helper that was killed (a `run` ends its orphans) */
    free(socket);
    if (fd >= 0)
        close(fd); /* releases the lock */
}

/* Closes descriptors `first` to `last`: at once where the kernel can, else one by one. */
static void close_all(int first, int last)
{
    if (first > last || close_range((unsigned)first, (unsigned)last, 0) == 0)
        return;
    long most = sysconf(_SC_OPEN_MAX);
    for (int fd = first; fd <= last && fd < (most > 0 && most < 65536 ? most : 65536); fd++)
        close(fd);
}

/*
 * In the helper, first: stdio on /dev/null and every other descriptor of the
 * parent's closed but the lock's (its connections are the parent's to close,
 * and a pipe kept open, to a shell's `$(foster up)`, would never end), files
 * private to the user, the root as its directory (it pins no folder or mount
 * of its starter's), and the helper's process id in the lock file.
 */
static void detach_descriptors(int lock_fd, int listener)
{
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    int low = listener >= 0 && listener < lock_fd ? listener : lock_fd;
    int high = listener > lock_fd ? listener : lock_fd;
    close_all(STDERR_FILENO + 1, low - 1);
    close_all(low + 1, high - 1);
    close_all(high + 1, INT_MAX);
    umask(077);
    int at_root = chdir("/");
    (void)at_root; /* else it stays where it was: harmless */
    char pid[24];
    int length = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(lock_fd, 0) == 0 && pwrite(lock_fd, pid, (size_t)length, 0) < 0)
        return; /* only a help to whoever looks for the helper */
}

typedef struct helper_body {
    void (*work)(void *context);     /* one-shot */
    const next_helper_ops *resident; /* or resident, */
    const char *record_path;         /* while this file is there */
    void *context;
} helper_body;

static void helper_main(int lock_fd, const char *lock_path, next_helper_socket *listening,
                        const helper_body *body)
{
    detach_descriptors(lock_fd, listening->fd);
    if (body->work) {
        body->work(body->context);
        if (next_helper_lock_names_me(lock_fd, lock_path))
            unlink(lock_path); /* before the lock goes, with the process */
        return;
    }
    body->resident->begin(body->context);
    body->resident->prepare(body->context);
    next_helper_serve(lock_fd, lock_path, listening, body->record_path, body->resident,
                      body->context);
}

/*
 * Starts the helper with the lock `held` (next_helper_hold), or taken here
 * when it is free. Its descriptors are above stdio: a caller started with 0,
 * 1 or 2 closed would otherwise see the helper's /dev/null replace them. The
 * file is emptied first: until the helper writes its own process id there,
 * it must not name a helper this one replaces (which removes the file on
 * leaving when it still names it).
 */
static int start(const char *lock_path, int held, const helper_body *body)
{
    bool opened;
    int fd = held >= 0 ? held : lock_current(lock_path, true, false, &opened);
    int rc = fd >= 0 && ftruncate(fd, 0) == 0 ? 0 : -1;
    /* A resident helper's socket is there before this returns: a request sent at once
     * (a `down` right after `up`) waits for the helper instead of finding none. */
    next_helper_socket listening = {.fd = -1};
    if (rc == 0 && body->resident)
        next_helper_listen(lock_path, &listening);
    sigset_t all, before;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &before); /* the helper is never stopped half way */
    pid_t child = rc == 0 ? fork() : -1;
    if (child == 0) {
        /* Detached twice: no zombie for a parent that lives on, no terminal's signals. */
        setsid();
        pid_t helper = fork();
        if (helper == 0) {
            helper_main(fd, lock_path, &listening, body);
            _exit(0);
        }
        _exit(helper > 0 ? 0 : 1); /* 1: no helper, as when the first fork fails */
    }
    int status = 0;
    bool started = child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
                   WEXITSTATUS(status) == 0;
    sigprocmask(SIG_SETMASK, &before, NULL);
    if (!started && fd >= 0 && rc == 0)
        unlink(lock_path);
    next_helper_socket_close(&listening, !started); /* the helper keeps it */
    if (fd >= 0)
        close(fd); /* the helper keeps the lock */
    return started ? 0 : -1;
}

int next_helper_start(const char *lock_path, int held, void (*work)(void *context), void *context)
{
    return start(lock_path, held, &(helper_body){work, NULL, NULL, context});
}

int next_helper_start_resident(const char *lock_path, int held, const char *record_path,
                               const next_helper_ops *ops, void *context)
{
    return start(lock_path, held, &(helper_body){NULL, ops, record_path, context});
}
