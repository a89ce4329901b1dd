/*
 * pgnext.c — the next reset's copy, made ahead by a detached helper. A
 * one-shot `foster reset` cannot keep a pipeline running after it exits, as
 * a process that lives on does (pgreset.c); so after the reset, a child
 * process of its own session (stdio on /dev/null, signals blocked) drops the
 * retired copy and creates <db>_next from the template, marked, while the
 * command returns at once. The next reset then only swaps it in by two
 * renames.
 *
 * The helper holds an exclusive lock on <runtime>/<db>.next.lock (taken
 * before the fork, so it is never unlocked while the helper lives); reset,
 * teardown and gc's reaping take that lock before they touch the run's
 * databases, so they wait for the helper to finish (it never stops half
 * way: a database created without its marker would be nobody's to drop),
 * and teardown removes the file.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend_postgres.h"
#include "pgconn.h"
#include "pgmarker.h"

/* Most seconds reset or teardown wait for a helper before going on without it. */
#define PG_HELPER_WAIT_SECONDS 120

static char *lock_path(const pg_backend *p)
{
    return p->runtime_dir ? strbuf_format("%s/%s.next.lock", p->runtime_dir, p->database) : NULL;
}

void pg_wait_for_helper(pg_backend *p, bool remove)
{
    char *path = lock_path(p);
    int fd = path ? open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW) : -1;
    /* Polled, not blocking: a helper whose server hangs must not hang teardown. */
    for (int waited = 0;
         fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && waited < PG_HELPER_WAIT_SECONDS * 500;
         waited++)
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    if (fd >= 0 && remove)
        unlink(path);
    if (fd >= 0)
        close(fd); /* releases the lock */
    free(path);
}

/* In the helper: drop the retired copy, make the next one, let go of the lock. */
static void helper_main(const char *lock, const char *conninfo, const char *old, const char *next,
                        const char *template, const char *marker)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    diag_list ignored = DIAG_LIST_INIT;
    PGconn *admin = PQconnectdb(conninfo);
    int rc = PQstatus(admin) == CONNECTION_OK ? 0 : -1;
    if (rc == 0 && old)
        rc = pg_drop_marked(admin, old, &ignored);
    if (rc == 0)
        pg_create_marked(admin, next, template, marker, &ignored);
    PQfinish(admin);
    diag_list_clear(&ignored);
    unlink(lock); /* whoever opened it before waits on the lock, and then goes on */
}

int pg_prepare_next_detached(pg_backend *p, const char *old, const char *next, const char *template)
{
    char *path = lock_path(p);
    char *conninfo = p->source->ops->conninfo(p->source, NULL);
    int fd = path && conninfo ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    int rc = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : -1;
    sigset_t all, before;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &before); /* the helper is never stopped half way */
    pid_t child = rc == 0 ? fork() : -1;
    if (child == 0) {
        /* Detached twice (no zombie for a parent that lives on, no terminal's
         * signals); the parent's connections are never used nor finished here. */
        setsid();
        if (fork() == 0)
            helper_main(path, conninfo, old, next, template, p->marker);
        _exit(0);
    }
    int status;
    if (child > 0)
        waitpid(child, &status, 0);
    sigprocmask(SIG_SETMASK, &before, NULL);
    if (child < 0 && fd >= 0)
        unlink(path);
    if (fd >= 0)
        close(fd); /* the helper keeps the lock */
    free(path);
    free(conninfo);
    return child > 0 ? 0 : -1;
}
