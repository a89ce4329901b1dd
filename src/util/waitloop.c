/*
 * waitloop.c — retrying a connection attempt until a server is ready. See
 * waitloop.h.
 */
#include "waitloop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "monotonic.h"
#include "strbuf.h"

#define BACKOFF_FIRST_SECONDS  0.005
#define BACKOFF_FACTOR         1.5
#define BACKOFF_MAX_SECONDS    0.250
#define SLICE_SECONDS          0.050 /* longest wait before looking at *interrupt again */
#define PROGRESS_EVERY_SECONDS 1.0

void wait_loop_begin(wait_loop *loop)
{
    loop->start = monotonic_seconds();
    loop->next_progress = loop->start + PROGRESS_EVERY_SECONDS;
    loop->last_reason = NULL;
}

void wait_loop_end(wait_loop *loop)
{
    free(loop->last_reason);
    loop->last_reason = NULL;
}

/* Runs between slices of every wait: true when the caller asked us to stop. */
static bool tick(wait_loop *loop)
{
    double now = monotonic_seconds();
    if (loop->progress && now >= loop->next_progress) {
        loop->progress(loop->progress_context, now - loop->start,
                       loop->last_reason ? loop->last_reason : "no answer yet");
        loop->next_progress = now + PROGRESS_EVERY_SECONDS;
    }
    return loop->interrupt && *loop->interrupt;
}

wait_poll_result wait_loop_poll(wait_loop *loop, int socket, short events, double until)
{
    for (;;) {
        if (tick(loop))
            return WAIT_POLL_INTERRUPTED;
        double remaining = until - monotonic_seconds();
        if (remaining <= 0)
            return socket < 0 ? WAIT_POLL_DONE : WAIT_POLL_TIMED_OUT;
        double slice = remaining < SLICE_SECONDS ? remaining : SLICE_SECONDS;
        if (socket < 0) {
            struct timespec ts = {0, (long)(slice * 1e9)};
            nanosleep(&ts, NULL);
            continue;
        }
        struct pollfd pfd = {.fd = socket, .events = events};
        int ready = poll(&pfd, 1, (int)(slice * 1000) + 1); /* never 0: that would spin */
        if (ready > 0 || (ready < 0 && errno != EINTR))
            return WAIT_POLL_DONE;
    }
}

static void remember(wait_loop *loop, char *reason)
{
    free(loop->last_reason);
    loop->last_reason = reason;
}

/* Hands the last reason to the caller. */
static wait_loop_result finish(wait_loop *loop, wait_loop_result result, char **reason)
{
    *reason = loop->last_reason;
    loop->last_reason = NULL;
    return result;
}

wait_loop_result wait_loop_run(wait_loop *loop, double attempt_seconds, wait_attempt_fn attempt,
                               void *context, char **reason)
{
    *reason = NULL;
    bool single = loop->timeout <= 0;
    double deadline = loop->start + (single ? 0 : loop->timeout);
    int confirmations = loop->confirmations < 1 ? 1 : loop->confirmations;
    int successes = 0;
    double delay = BACKOFF_FIRST_SECONDS;
    for (;;) {
        double now = monotonic_seconds();
        double until = single ? now + attempt_seconds : deadline;
        if (attempt_seconds > 0 && now + attempt_seconds < until)
            until = now + attempt_seconds;
        char *why = NULL;
        switch (attempt(context, loop, until, until - now, &why)) {
        case WAIT_ATTEMPT_INTERRUPTED:
            free(why);
            return WAIT_LOOP_INTERRUPTED;
        case WAIT_ATTEMPT_NO_MEMORY:
            free(why);
            remember(loop, NULL);
            return WAIT_LOOP_FATAL;
        case WAIT_ATTEMPT_FATAL:
            remember(loop, why);
            return finish(loop, WAIT_LOOP_FATAL, reason);
        case WAIT_ATTEMPT_READY:
            free(why);
            if (++successes >= confirmations)
                return WAIT_LOOP_READY;
            remember(loop, strbuf_format("ready %d of %d times in a row so far", successes,
                                         confirmations));
            break;
        case WAIT_ATTEMPT_NOT_READY:
            successes = 0;
            /* An attempt the deadline cut short says less than the last answer the server gave. */
            if (!single && loop->last_reason && monotonic_seconds() >= deadline)
                free(why);
            else
                remember(loop, why);
            if (single)
                return finish(loop, WAIT_LOOP_TIMEOUT, reason);
            break;
        }
        double wake = monotonic_seconds() + delay;
        if (!single && wake > deadline)
            wake = deadline;
        if (wait_loop_poll(loop, -1, 0, wake) == WAIT_POLL_INTERRUPTED)
            return WAIT_LOOP_INTERRUPTED;
        if (!single && monotonic_seconds() >= deadline)
            return finish(loop, WAIT_LOOP_TIMEOUT, reason);
        delay = delay * BACKOFF_FACTOR > BACKOFF_MAX_SECONDS ? BACKOFF_MAX_SECONDS
                                                             : delay * BACKOFF_FACTOR;
    }
}
