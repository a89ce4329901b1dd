/*
 * ctcontainer_internal.h — what the parts of the `container` backend's
 * servers share:
 *
 *     ctcontainer.c         the container's life: run, port, readiness
 *                           helpers, stop, the handle and its accessors
 *     ctcontainer_attach.c  containers an earlier foster started: attach by
 *                           name (inspect), list (ps), for down and gc
 *     ctcontainer_gc.c      gc of foster's containers of dead runs
 *     ctengine.c            running the engine's command line (ctengine.h)
 *
 * The engine commands used, and what is read from their answers:
 *     info                                 exit status: does the engine answer?
 *     run -d --rm --name N --label ... -e PASSWORD_VARIABLE -p 127.0.0.1::PORT IMAGE ARGS...
 *     port N PORT/tcp                      "127.0.0.1:49153" (one line per address)
 *     inspect --format INSPECT_FORMAT N    labels as JSON, then the environment
 *     inspect --format {{.State.Status}} N "running" while it runs
 *     logs --tail 5 N                      quoted when the server never got ready
 *     ps -a --filter label=foster=1 --format ...   name, run id, owner pid
 *     rm -f N
 *
 * Private to src/backend/ctcontainer*.c; the interface is ctcontainer.h.
 */
#ifndef FOSTER_CTCONTAINER_INTERNAL_H
#define FOSTER_CTCONTAINER_INTERNAL_H

#include <signal.h>

#include "ctcontainer.h"
#include "diag.h"

#define COMMAND_TIMEOUT_SECONDS 30.0 /* port, inspect, ps, rm */

struct ct_container {
    const char *engine;      /* one of ct_engine_names */
    const ct_server *server; /* NULL: attached for removal only */
    char *name;
    char *host; /* where the published port is reached: 127.0.0.1, or ::1 */
    int port;
    char *password;
};

static inline void ct_container_add_out_of_memory(diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "out of memory");
}

/*
 * A handle for the container `name` of `engine` (an entry of
 * ct_engine_names, borrowed), with no host, port or password yet; free with
 * ct_container_free. NULL with a diag when memory ran out.
 */
ct_container *ct_container_new(const char *engine, const char *name, diag_list *diags);

/*
 * Sets container->host and ->port from `ENGINE port NAME <server's port>`.
 * 0, or -1 with a diag (the engine failed, or its answer has no usable address).
 */
int ct_container_discover_port(ct_container *container, const volatile sig_atomic_t *interrupt,
                               diag_list *diags);

#endif
