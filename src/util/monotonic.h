/*
 * monotonic.h — seconds on the monotonic clock, for every timeout and
 * timing in foster (never the wall clock, which may jump).
 */
#ifndef FOSTER_MONOTONIC_H
#define FOSTER_MONOTONIC_H

#include <time.h>

static inline double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
