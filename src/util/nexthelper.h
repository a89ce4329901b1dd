/*
 * nexthelper.h — the detached helper that makes a run's next copy ahead of
 * its reset, engine-neutral: the helper is a grandchild in a session of its
 * own (stdio on /dev/null, every signal blocked, so never stopped half way)
 * that holds an exclusive lock on <runtime>/<database>.next.lock, taken
 * before the fork and let go when its work is done. Reset and teardown (and
 * so gc's reaping) take that lock before they touch the run's databases, so
 * they wait for the helper; teardown then removes the file. Used by
 * backend/postgres/pgnext.c and backend/mysql/mynext.c.
 */
#ifndef FOSTER_NEXTHELPER_H
#define FOSTER_NEXTHELPER_H

#include <stdbool.h>

/* Most seconds reset or teardown wait for a helper before going on without it. */
#define NEXT_HELPER_WAIT_SECONDS 120

/* "<runtime_dir>/<database>.next.lock", a new string; NULL when either is NULL (or memory). */
char *next_helper_lock_path(const char *runtime_dir, const char *database);

/*
 * Waits for the helper holding `lock_path` (polled, at most
 * NEXT_HELPER_WAIT_SECONDS: a helper whose server hangs must not hang
 * teardown); removes the file when `remove`. Nothing to wait for when the
 * file is not there (or `lock_path` is NULL).
 */
void next_helper_wait(const char *lock_path, bool remove);

/*
 * Takes the lock at `lock_path` and starts the detached helper, which runs
 * `work(context)` (in the helper: a copy of this process, whose connections
 * it must neither use nor close) and then removes the file. 0 when the
 * helper started; -1 when it could not (the lock was held, or no fork).
 */
int next_helper_start(const char *lock_path, void (*work)(void *context), void *context);

#endif
