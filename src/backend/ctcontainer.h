/*
 * ctcontainer.h — a database server in a container, started through the
 * `docker` or `podman` command line (ctengine.h): what the `container`
 * backend's engines share. The server inside is described by a ct_server
 * (PostgreSQL: pgcontainer.c; MySQL/MariaDB: mycontainer.c), which also
 * decides when it is ready (its own client, ct_container_watch).
 *
 * A container runs the image with a random password for the server's
 * superuser (in the image's password variable, passed through the
 * environment of the engine process, never on its command line), publishes
 * the server's port on 127.0.0.1 only with an ephemeral host port, carries
 * labels naming foster, the run id and the owning pid (`foster=1`,
 * `foster.run=<id>`, `foster.pid=<pid>`), and is started with `--rm` so the
 * engine removes it when it stops. Its name is the server's prefix and the
 * run id ("foster-<run id>" for PostgreSQL, "foster-mysql-<run id>").
 *
 * Implemented by ctcontainer.c (start, stop, readiness helpers, the handle),
 * ctcontainer_attach.c (attach, list) and ctcontainer_gc.c (gc).
 */
#ifndef FOSTER_CTCONTAINER_H
#define FOSTER_CTCONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct ct_container ct_container;

/* What differs by the server in the image. */
typedef struct ct_server {
    const char *title;             /* "PostgreSQL", "MariaDB": for messages */
    const char *name_prefix;       /* "foster-": the container is <prefix><run id> */
    const char *password_variable; /* the image's superuser password: "POSTGRES_PASSWORD" */
    const char *port;              /* the server's port in the container: "5432/tcp" */
    const char *publish;           /* `-p`: "127.0.0.1::5432" */
    const char *alternative;       /* the backend without a container, for hints: "cluster" */
    const char *const *arguments;  /* after the image (server settings); NULL-terminated */
} ct_server;

typedef struct ct_container_options {
    const ct_server *server;
    const char *engine; /* "docker", "podman", or NULL: whichever answers `info` */
    const char *image;
    const char *run_id;                     /* for the name and the labels */
    double timeout;                         /* seconds for `run` (the pull included) */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} ct_container_options;

/*
 * Chooses the engine, runs the container and discovers its published port;
 * the caller then waits for readiness with its own client. NULL with a diag
 * on failure; a container that was started is removed again before
 * returning (not one whose name was taken already: that one is not ours).
 * The diags: an invalid run id, "no container engine answered: ...", the
 * engine's message when `run` fails, "container NAME (IMAGE) stopped before
 * <title> was ready".
 */
ct_container *ct_container_run(const ct_container_options *options, diag_list *diags);

/*
 * A container an earlier foster started (down, gc): by engine and name.
 * Verifies the foster labels (`ENGINE inspect`) before returning it; NULL with
 * a diag when it is missing (DIAG_NOT_FOUND) or not foster's (DIAG_NOT_MARKED).
 * With `server`, the password is read back from the container's environment
 * (nothing secret is ever recorded) and the published port is found; NULL
 * server (gc, which only removes) reads neither.
 */
ct_container *ct_container_attach(const char *engine, const char *name, const ct_server *server,
                                  diag_list *diags);

/*
 * The container a run record's location names ("<engine>/<name>"; engine
 * "auto" when the run was killed before it chose one: each is tried), as
 * ct_container_attach.
 */
ct_container *ct_container_attach_location(const char *location, const ct_server *server,
                                           diag_list *diags);

const char *ct_container_name(const ct_container *container);     /* <prefix><run id> */
const char *ct_container_engine(const ct_container *container);   /* the engine used */
const char *ct_container_host(const ct_container *container);     /* 127.0.0.1 or ::1 */
int ct_container_port(const ct_container *container);             /* the published port */
const char *ct_container_password(const ct_container *container); /* the superuser's */

/* Removes the container (`ENGINE rm -f NAME`): 0 (also when it was gone), or -1 with a diag. */
int ct_container_stop(ct_container *container, diag_list *diags);

/* Frees the handle; does not stop the container. NULL is fine. */
void ct_container_free(ct_container *container);

/*
 * Readiness: the server's client retries while this progress callback of
 * theirs watches the container (context: a ct_container_watch), about once a
 * second: it sets `stop` when the caller's interrupt is set or when the
 * container is gone (asking the engine at most once a second).
 */
typedef struct ct_container_watch {
    const ct_container *container;
    const volatile sig_atomic_t *caller_interrupt;
    volatile sig_atomic_t stop; /* the client's interrupt flag */
    bool gone;                  /* the container stopped (and --rm removed it) */
    double next_check;          /* monotonic seconds: no status check before */
} ct_container_watch;
void ct_container_watch_progress(void *context, double elapsed, const char *reason);

/*
 * Adds why the container did not get ready: it stopped (watch->gone),
 * "interrupted while waiting for container NAME", or "container NAME
 * (IMAGE): <why>" with the last lines of its log.
 */
void ct_container_not_ready(const ct_container_watch *watch, const char *image, const char *why,
                            diag_list *diags);

/*
 * Lists foster's containers (label foster=1) for gc: an array of *count
 * entries followed by one whose name is NULL, which the caller frees with
 * ct_container_list_free. `engine` NULL: each engine that answers (none
 * answering is an empty list, not an error). NULL with a diag when the named
 * engine fails. owner_pid is 0 when the label is missing.
 */
typedef struct ct_container_entry {
    char *engine;
    char *name;
    char *run_id;
    pid_t owner_pid;
} ct_container_entry;
ct_container_entry *ct_container_list(const char *engine, size_t *count, diag_list *diags);
void ct_container_list_free(ct_container_entry *entries, size_t count);

/*
 * gc of every engine's containers (whatever the server inside): those of
 * dead, unkept runs recorded here are removed with their records; others
 * are named and left (ctcontainer_gc.c). A backend_gc hook.
 */
struct backend_gc;
void ct_collect_container_garbage(struct backend_gc *gc);

#endif
