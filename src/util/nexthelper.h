/*
 * nexthelper.h — the detached helper that makes a run's next copy ahead of
 * its reset, engine-neutral: the helper is a grandchild in a session of its
 * own (stdio on /dev/null, no other descriptor of its parent's, every signal
 * blocked, so never stopped half way, in `/`) that holds an exclusive lock
 * on <runtime>/<database>.next.lock, taken before the fork, while it works.
 * Reset and teardown (and so gc's reaping) take that lock before they touch
 * the run's databases, so they wait for the helper; teardown then removes
 * the file. A reset that does the work itself holds the lock until the
 * helper it starts has it (next_helper_hold).
 *
 * A one-shot helper makes the copy, removes the lock file and leaves (used
 * by backend/mysql/mynext.c). A resident one (backend/postgres/pgnext.c)
 * stays after the copy, the lock let go and its process id in the lock file,
 * listening on <runtime>/<database>.next.sock: a one-shot `foster reset`
 * asks it what the database is (`open`: the marker, read from the server)
 * and to swap the copy in (`reset`), which spares the command loading the
 * client library and connecting (most of its time); the helper then makes
 * the following copy, the lock held again. It leaves when teardown asks it to,
 * when its socket is removed or replaced or its run's record is gone
 * (checked every second), when its server goes away, and on SIGTERM, SIGINT
 * or SIGHUP (taken only while it waits: a `run` ends its command's leftovers
 * so, and a helper a reset started inside the run is one).
 */
#ifndef FOSTER_NEXTHELPER_H
#define FOSTER_NEXTHELPER_H

#include <stdbool.h>

#include "strbuf.h"

/* Most seconds reset or teardown wait for a helper before going on without it. */
#define NEXT_HELPER_WAIT_SECONDS 120

/* "<runtime_dir>/<database>.next.lock", a new string; NULL when either is NULL (or memory). */
char *next_helper_lock_path(const char *runtime_dir, const char *database);

/*
 * Waits for the helper holding `lock_path` (polled, at most
 * NEXT_HELPER_WAIT_SECONDS: a helper whose server hangs must not hang
 * teardown); when `remove`, first asks a resident helper to leave, then
 * removes the file. Nothing to wait for when the file is not there (or
 * `lock_path` is NULL).
 */
void next_helper_wait(const char *lock_path, bool remove);

/*
 * Takes the lock at `lock_path` (making the file), waiting for a helper
 * that holds it as next_helper_wait does: a descriptor that holds it, for
 * next_helper_start* to hand over to the helper or next_helper_release to
 * let go; -1 when it could not be had in time (or `lock_path` is NULL).
 */
int next_helper_hold(const char *lock_path);
void next_helper_release(int held);

/*
 * Takes the lock at `lock_path` (or uses `held`, from next_helper_hold; -1:
 * none) and starts the one-shot helper, which runs `work(context)` (in the
 * helper: a copy of this process, whose connections it must neither use nor
 * close) and then removes the file. 0 when the helper started; -1 when it
 * could not (the lock was held, or no fork). `held` is closed either way.
 */
int next_helper_start(const char *lock_path, int held, void (*work)(void *context), void *context);

/* What a resident helper does, each call in the helper process. */
typedef struct next_helper_ops {
    /* First, once: forgets what the copy of the starting process holds (its
     * connections are the parent's, their descriptors already closed). */
    void (*begin)(void *context);
    /* Makes the next copy, the lock held: after the start and after each reset. */
    void (*prepare)(void *context);
    /* Swaps the next copy in for a `reset` request, the lock held: 0, or -1
     * (the requester then resets by itself, and says why when it cannot). */
    int (*reset)(void *context);
    /* Says, for an `open` request, what the requester would otherwise connect to
     * learn: appends it to `answer` (the engine's own form). 0, or -1 when it
     * cannot (the requester then asks the server itself). */
    int (*open)(void *context, strbuf *answer);
    /* A descriptor to watch while waiting for requests (a connection to the
     * server the helper holds), or -1 for none. */
    int (*watch)(void *context);
    /* Whether the server is still there: asked when the watched descriptor turned
     * readable, and whenever there is none to watch (a connection lost while the
     * helper worked is gone before it waits). */
    bool (*alive)(void *context);
    /* Last, once: lets go of what the helper holds. */
    void (*end)(void *context);
} next_helper_ops;

/*
 * As next_helper_start, for a resident helper (see above) that runs
 * `ops->begin` and `ops->prepare`, then serves requests while the file
 * `record_path` (its run's record) exists; where the socket cannot be made
 * (a path too long for one, say), it leaves after the copy, as a one-shot
 * helper does. 0 when the helper started; -1 when it could not.
 */
int next_helper_start_resident(const char *lock_path, int held, const char *record_path,
                               const next_helper_ops *ops, void *context);

/*
 * Asks the run's resident helper to reset: 0 once it has swapped the next
 * copy in; -1 when no helper listens, or it could not (the caller then
 * resets by itself). Waits at most NEXT_HELPER_WAIT_SECONDS, as for the lock,
 * connecting included; a helper that finds its requester gone when it
 * comes to the request does not reset.
 */
int next_helper_request_reset(const char *lock_path);

/*
 * Asks the run's resident helper what ops->open says, appended to `said`:
 * 0, or -1 when no helper listens, or it could not say.
 */
int next_helper_request_open(const char *lock_path, strbuf *said);

#endif
