/*
 * capture.h — running a helper program (pg_dump) and keeping what it
 * printed: stdout and stderr read in full, its exit status returned. For
 * tools foster reads from, not for the command under test (process.h).
 */
#ifndef FOSTER_CAPTURE_H
#define FOSTER_CAPTURE_H

#include <stddef.h>

#include "diag.h"

/*
 * Runs argv[0] (looked up in PATH; spawner.h starts it) with foster's
 * environment, each names[i] set to values[i] (or dropped when that is NULL),
 * stdin from /dev/null, no other descriptor of foster's. *out and *err get what it
 * wrote (new strings, never NULL on success). Returns its exit status (128+N
 * for signal N, 127 when it was not found, with *err saying so), or -1 with a
 * diag when foster could not run it (pipe, fork, memory).
 */
int capture_run(char *const argv[], const char *const *names, const char *const *values,
                size_t env_count, char **out, char **err, diag_list *diags);

#endif
