/*
 * pgcontainer.h — a PostgreSQL server in a container, started through the
 * `docker` or `podman` command line: the `container` backend's server.
 *
 * The container runs the configured image (default postgres:16) with a
 * random superuser password (POSTGRES_PASSWORD, passed through the
 * environment of the engine process, never on its command line), publishes
 * 5432 on 127.0.0.1 only with an ephemeral host port (`-p 127.0.0.1::5432`),
 * carries labels naming foster, the run id and the owning pid
 * (`foster.run=<id>`, `foster.pid=<pid>`, `foster=1`), and is started with
 * `--rm` so the engine removes it when it stops. Readiness goes through
 * pg_wait with two confirmations (the official image restarts once while it
 * initialises). Settings for a throwaway server (fsync=off, ...) are passed as
 * postgres arguments.
 *
 * The engine: options->engine ("docker" or "podman"); NULL means the first of
 * them whose `ENGINE info` succeeds. No engine answering is an error that
 * names each engine tried and what it said.
 *
 * Implemented by pgcontainer.c (start, stop, the handle) and
 * pgcontainer_attach.c (attach, list), over pgengine.h (running the engine).
 */
#ifndef FOSTER_PGCONTAINER_H
#define FOSTER_PGCONTAINER_H

#include <signal.h>
#include <sys/types.h>

#include "diag.h"

typedef struct pg_container pg_container;

typedef struct pg_container_options {
    const char *engine; /* "docker", "podman", or NULL: whichever answers `info` */
    const char *image;  /* NULL: "postgres:16" */
    const char *run_id; /* for the name (foster-<run id>) and labels */
    double timeout;     /* seconds to wait for readiness; <= 0: 60 */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} pg_container_options;

/*
 * Pulls nothing itself (the engine pulls on run), starts the container,
 * discovers the published port (`ENGINE port NAME 5432/tcp`), and waits
 * until it is ready. `timeout` covers all of it, the pull included. NULL with
 * a diag on failure; a container that was started is removed again before
 * returning (not one whose name was taken already: that one is not ours).
 * The diags: "no container engine answered: docker: not found in PATH;
 * podman: <the error line `podman info` printed>", the engine's message
 * when `run` fails, the readiness failure with the last lines of the
 * container's log, "container NAME (IMAGE) stopped before PostgreSQL was
 * ready" (noticed within about a second), "interrupted ..." (while waiting
 * for readiness, *interrupt is noticed within about a second).
 */
pg_container *pg_container_start(const pg_container_options *options, diag_list *diags);

/*
 * A container an earlier foster started (down, gc): by engine and name.
 * Verifies the foster labels (`ENGINE inspect`) before returning it; NULL with
 * a diag when it is missing or not foster's. The password is read back from
 * the container's environment (inspect), so nothing secret is ever recorded.
 */
pg_container *pg_container_attach(const char *engine, const char *name, diag_list *diags);

/* libpq connection string (with the password) to `database`; caller frees. */
char *pg_container_conninfo(const pg_container *container, const char *database);
const char *pg_container_name(const pg_container *container);   /* foster-<run id> */
const char *pg_container_engine(const pg_container *container); /* the engine used */

/*
 * Lists foster's containers (label foster=1) as "name pid run_id" triples,
 * for gc: an array of *count entries followed by one whose name is NULL, which
 * the caller frees with pg_container_list_free. `engine` NULL: each engine
 * that answers (none answering is an empty list, not an error). NULL with a
 * diag when the named engine fails. owner_pid is 0 when the label is missing.
 */
typedef struct pg_container_entry {
    char *engine;
    char *name;
    char *run_id;
    pid_t owner_pid;
} pg_container_entry;
pg_container_entry *pg_container_list(const char *engine, size_t *count, diag_list *diags);
void pg_container_list_free(pg_container_entry *entries, size_t count);

/* Removes the container (`ENGINE rm -f NAME`): 0 (also when it was gone), or -1 with a diag. */
int pg_container_stop(pg_container *container, diag_list *diags);

/* Frees the handle; does not stop the container. NULL is fine. */
void pg_container_free(pg_container *container);

#endif
