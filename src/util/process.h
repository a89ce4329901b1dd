/*
 * process.h — running the command under test: spawning it with foster's
 * environment, passing on the signals foster receives, and turning how it
 * ended into an exit status. Everything foster does with processes and
 * signals is here.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are caught for the whole run. Before
 * the command starts they only set process_interrupted (provisioning polls it
 * and stops). While it runs, they are forwarded to its process group (the
 * command runs in a group of its own, which has the terminal when foster is
 * the terminal's foreground job). If anything of the group is alive `grace`
 * seconds after a forwarded signal, the group gets SIGKILL, so that teardown
 * always happens; what the command leaves running when it ends is ended too
 * (on Linux also what left the group: foster is the subreaper of its tree).
 */
#ifndef FOSTER_PROCESS_H
#define FOSTER_PROCESS_H

#include <signal.h>
#include <stddef.h>

#include "diag.h"

/* The number of the first SIGINT/SIGTERM/SIGHUP received, or 0. */
extern volatile sig_atomic_t process_interrupted;

/* Installs the handlers; returns 0 or -1 with a diag. */
int process_catch_signals(diag_list *diags);

/* Exit statuses of a command that could not be started (as env(1) uses). */
#define PROCESS_CANNOT_EXECUTE 126
#define PROCESS_NOT_FOUND      127

/*
 * Runs argv[0] (looked up in PATH) with `env_count` NAME=VALUE pairs added to
 * foster's environment, waits for it and returns its exit status: its own
 * exit code, 128+N when signal N ended it, PROCESS_NOT_FOUND or
 * PROCESS_CANNOT_EXECUTE (with a diag) when it could not be started, or -1
 * with a diag when foster could not fork or wait. `settle` (may be NULL)
 * is called with `context` once the command has ended, before what it left
 * running is ended: work it started that must not stop half way (a reset's
 * next copy) finishes first.
 */
int process_run(char *const argv[], const char *const *names, const char *const *values,
                size_t env_count, double grace, void (*settle)(void *context), void *context,
                diag_list *diags);

#endif
