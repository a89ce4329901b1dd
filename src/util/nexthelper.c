/*
 * nexthelper.c — the detached helper that makes a run's next copy: the lock
 * file, the double fork and the wait. See nexthelper.h.
 */
#include "nexthelper.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

char *next_helper_lock_path(const char *runtime_dir, const char *database)
{
    return runtime_dir && database ? strbuf_format("%s/%s.next.lock", runtime_dir, database) : NULL;
}

void next_helper_wait(const char *lock_path, bool remove)
{
    int fd = lock_path ? open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW) : -1;
    for (int waited = 0;
         fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && waited < NEXT_HELPER_WAIT_SECONDS * 500;
         waited++)
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    if (fd >= 0 && remove)
        unlink(lock_path);
    if (fd >= 0)
        close(fd); /* releases the lock */
}

/* In the helper: quiet, the work, then the lock file goes (whoever waits on it goes on). */
static void helper_main(const char *lock_path, void (*work)(void *context), void *context)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    work(context);
    unlink(lock_path);
}

int next_helper_start(const char *lock_path, void (*work)(void *context), void *context)
{
    int fd = lock_path ? open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    int rc = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : -1;
    sigset_t all, before;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &before); /* the helper is never stopped half way */
    pid_t child = rc == 0 ? fork() : -1;
    if (child == 0) {
        /* Detached twice: no zombie for a parent that lives on, no terminal's signals. */
        setsid();
        if (fork() == 0)
            helper_main(lock_path, work, context);
        _exit(0);
    }
    if (child > 0)
        waitpid(child, NULL, 0);
    sigprocmask(SIG_SETMASK, &before, NULL);
    if (child < 0 && fd >= 0)
        unlink(lock_path);
    if (fd >= 0)
        close(fd); /* the helper keeps the lock */
    return child > 0 ? 0 : -1;
}
