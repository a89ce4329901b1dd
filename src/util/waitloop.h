/*
 * waitloop.h — the engine-neutral half of `foster wait`: retrying one
 * connection attempt with capped exponential backoff (from 5 ms, x1.5,
 * capped at 250 ms) until it succeeds `confirmations` times in a row, fails
 * for good, the time runs out or the caller is interrupted; and waiting on a
 * socket in 50 ms slices so that Ctrl-C is noticed at once and the progress
 * callback keeps its beat while one attempt hangs.
 *
 * An engine supplies the attempt (connect, one trivial query, and the
 * verdict: ready, not ready yet, or never) and its own messages; see
 * backend/mysql/mywait.c. The rules are those of pgwait.h.
 */
#ifndef FOSTER_WAITLOOP_H
#define FOSTER_WAITLOOP_H

#include <signal.h>
#include <stdbool.h>

typedef void (*wait_loop_progress_fn)(void *context, double elapsed, const char *reason);

typedef enum wait_attempt_result {
    WAIT_ATTEMPT_READY,
    WAIT_ATTEMPT_NOT_READY, /* try again (the reason says why) */
    WAIT_ATTEMPT_FATAL,     /* waiting cannot help */
    WAIT_ATTEMPT_INTERRUPTED,
    WAIT_ATTEMPT_NO_MEMORY,
} wait_attempt_result;

typedef enum wait_loop_result {
    WAIT_LOOP_READY,
    WAIT_LOOP_TIMEOUT,
    WAIT_LOOP_FATAL, /* an attempt said so, or memory ran out (reason NULL) */
    WAIT_LOOP_INTERRUPTED,
} wait_loop_result;

typedef struct wait_loop {
    /* Set by the caller. */
    double timeout;                 /* seconds; <= 0: one attempt */
    int confirmations;              /* < 1 means 1 */
    wait_loop_progress_fn progress; /* about every second; may be NULL */
    void *progress_context;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    /* Kept by the loop (wait_loop_begin sets them). */
    double start;
    double next_progress;
    char *last_reason; /* of the last failed attempt; NULL before the first */
} wait_loop;

/*
 * One attempt, given up at `until` (`limit` seconds from its start); sets
 * *reason to a new string saying what went wrong (NULL on READY). It waits
 * on its sockets with wait_loop_poll.
 */
typedef wait_attempt_result (*wait_attempt_fn)(void *context, wait_loop *loop, double until,
                                               double limit, char **reason);

/* Starts the clock. */
void wait_loop_begin(wait_loop *loop);

typedef enum wait_poll_result {
    WAIT_POLL_DONE,
    WAIT_POLL_TIMED_OUT,
    WAIT_POLL_INTERRUPTED
} wait_poll_result;

/*
 * Waits until `socket` has `events` (poll(2) events) or `until` comes
 * (socket < 0: sleeps until then and returns WAIT_POLL_DONE). A poll error
 * counts as DONE: the caller's library will say what went wrong.
 */
wait_poll_result wait_loop_poll(wait_loop *loop, int socket, short events, double until);

/*
 * Runs attempts until one of the ends above. `attempt_seconds` bounds each
 * attempt (0: only the deadline; with timeout <= 0 it must be > 0). On
 * TIMEOUT and FATAL, *reason is the last attempt's reason (a new string the
 * caller frees; NULL when memory ran out); NULL otherwise.
 */
wait_loop_result wait_loop_run(wait_loop *loop, double attempt_seconds, wait_attempt_fn attempt,
                               void *context, char **reason);

/* Frees what the loop kept. */
void wait_loop_end(wait_loop *loop);

#endif
