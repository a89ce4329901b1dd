/*
 * pgcontainer_internal.h — what the parts of the `container` backend's server
 * share:
 *
 *     pgcontainer.c         the container's life: start (run, port,
 *                           readiness), stop, the handle and its accessors
 *     pgcontainer_attach.c  containers an earlier foster started: attach by
 *                           name (inspect), list (ps), for down and gc
 *     pgengine.c            running the engine's command line (pgengine.h)
 *
 * The engine commands used, and what is read from their answers:
 *     info                                 exit status: does the engine answer?
 *     run -d --rm --name N --label ... -e POSTGRES_PASSWORD -p 127.0.0.1::5432 IMAGE -c ...
 *     port N 5432/tcp                      "127.0.0.1:49153" (one line per address)
 *     inspect --format INSPECT_FORMAT N    labels as JSON, then the environment
 *     inspect --format {{.State.Status}} N "running" while it runs
 *     logs --tail 5 N                      quoted when the server never got ready
 *     ps -a --filter label=foster=1 --format ...   name, run id, owner pid
 *     rm -f N
 *
 * Private to src/backend/postgres/pgcontainer*.c; the interface is pgcontainer.h.
 */
#ifndef FOSTER_PGCONTAINER_INTERNAL_H
#define FOSTER_PGCONTAINER_INTERNAL_H

#include <signal.h>

#include "diag.h"
#include "pgcontainer.h"

#define COMMAND_TIMEOUT_SECONDS 30.0 /* port, inspect, ps, rm */

struct pg_container {
    const char *engine; /* one of pg_engine_names */
    char *name;
    char *host; /* where the published port is reached: 127.0.0.1, or ::1 */
    int port;
    char *password;
};

static inline void pg_container_add_out_of_memory(diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "out of memory");
}

/*
 * A handle for the container `name` of `engine` (an entry of
 * pg_engine_names, borrowed), with no host, port or password yet; free with
 * pg_container_free. NULL with a diag when memory ran out.
 */
pg_container *pg_container_new(const char *engine, const char *name, diag_list *diags);

/*
 * Sets container->host and ->port from `ENGINE port NAME 5432/tcp`.
 * 0, or -1 with a diag (the engine failed, or its answer has no usable address).
 */
int pg_container_discover_port(pg_container *container, const volatile sig_atomic_t *interrupt,
                               diag_list *diags);

#endif
