/*
 * ctengine.h — running a container engine's command line (`docker` or
 * `podman`) for the `container` backend's servers (ctcontainer.h): finding the
 * engine that answers, running one engine command with its output captured,
 * bounded by a timeout and by the caller's interrupt flag, and quoting the
 * engine's errors in diags.
 *
 * Commands are run from an argv array, never through a shell. The one secret,
 * the superuser password, reaches the engine through its environment only
 * (the command line names the image's password variable, never its value), so
 * it never shows in ps. Shared by the engines' container kinds (PostgreSQL:
 * pgcontainer.c; MySQL/MariaDB: mycontainer.c).
 */
#ifndef FOSTER_CTENGINE_H
#define FOSTER_CTENGINE_H

#include <signal.h>
#include <stdbool.h>

#include "diag.h"

/* The engines foster knows, in the order they are tried: "docker", "podman". */
#define CT_ENGINE_COUNT 2
extern const char *const ct_engine_names[CT_ENGINE_COUNT];

/*
 * The entry of ct_engine_names spelled `name` (so engines compare as
 * pointers), or NULL when `name` is NULL or no engine foster knows.
 */
const char *ct_engine_known(const char *name);

/*
 * The engine to use: `wanted` when it answers `ENGINE info`, or (wanted NULL)
 * the first of ct_engine_names that does. Returns an entry of ct_engine_names,
 * or NULL with a diag: "unknown container engine ..." (wanted is neither),
 * "no container engine answered: docker: not found in PATH; podman: <the
 * error line `podman info` printed>" (with a hint to install or start one, or
 * to use -b `alternative`: the engine's backend without a container),
 * "interrupted while looking for a container engine" (*interrupt set;
 * `interrupt` may be NULL).
 */
const char *ct_engine_choose(const char *wanted, const char *alternative,
                             const volatile sig_atomic_t *interrupt, diag_list *diags);

/* One engine command. Everything is borrowed for the length of the call. */
typedef struct ct_engine_call {
    const char *engine;            /* "docker" or "podman" */
    const char *const *arguments;  /* after the engine's name; NULL-terminated, at least one */
    const char *password_variable; /* NULL, or the image's password variable: never inherited */
    const char *password;          /* NULL, or its value for the child's environment */
    double timeout;                /* seconds */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    /*
     * When interrupted, let the command finish (for a while) rather than kill
     * it: killing the client of `docker run` does not stop the engine, which
     * may make the container after a `rm -f` that came too early.
     */
    bool finish_when_interrupted;
} ct_engine_call;

/* What an engine command answered. */
typedef struct ct_engine_reply {
    int status; /* exit status, 128+N after signal N */
    char *out;  /* stdout, never NULL after success */
    char *err;  /* stderr, never NULL after success */
} ct_engine_reply;

/*
 * Runs the engine found in PATH with `call->arguments`: stdin is /dev/null,
 * stdout and stderr are read (up to about 1 MiB each), signals are back to
 * their defaults and no other descriptor of ours is inherited. Our
 * environment is passed on, without any call->password_variable of ours,
 * plus call->password under that name when it is set.
 *
 * Returns 0 when the engine ran to its end, whatever its exit status:
 * reply->status, ->out and ->err are set, and the caller frees them with
 * ct_engine_reply_free. Returns -1 with a diag (and nothing in *reply to
 * free) when the engine is not in PATH ("docker: not found in PATH"), could
 * not be started, gave no answer within call->timeout ("`docker run` gave no
 * answer within 30.0 s") or *call->interrupt was set ("interrupted while
 * waiting for `docker run`"); in the last two cases the engine process is
 * ended (SIGTERM, then SIGKILL after a second) before returning.
 */
int ct_engine_command(const ct_engine_call *call, ct_engine_reply *reply, diag_list *diags);

/* Frees what ct_engine_command put in *reply, and clears it; calling it again is fine. */
void ct_engine_reply_free(ct_engine_reply *reply);

/*
 * Adds "<what> (exit status N): <the engine's message>", where the message
 * is the line of reply->err worth quoting (the first that mentions an error,
 * else the first non-blank one, without a leading "docker: "), or "it printed
 * no message". Returns the new diag for a hint, NULL when memory ran out.
 */
diag *ct_engine_add_failure(diag_list *diags, const char *engine, const ct_engine_reply *reply,
                            const char *what);

/* Whether reply->err says the container does not exist (docker and podman spell it differently). */
bool ct_engine_says_no_such_container(const ct_engine_reply *reply);

/* The monotonic clock, in seconds, that the timeouts of engine commands are measured on. */

/* Whether the caller's interrupt flag (which may be NULL) is set. */
static inline bool ct_engine_interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt && *interrupt;
}

#endif
