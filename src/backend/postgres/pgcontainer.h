/*
 * pgcontainer.h — a PostgreSQL server in a container, started through the
 * `docker` or `podman` command line: the `container` backend's server when
 * the image is PostgreSQL's. The container itself (engine, labels, port,
 * removal, gc) is ctcontainer.h's, shared with the MySQL/MariaDB engine; this
 * is what is PostgreSQL's own: the image's password variable
 * (POSTGRES_PASSWORD), its port 5432, settings for a throwaway server
 * (fsync=off, ...) as postgres arguments, and readiness through pg_wait with
 * two confirmations (the official image restarts once while it initialises).
 * The container is "foster-<run id>".
 */
#ifndef FOSTER_PGCONTAINER_H
#define FOSTER_PGCONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ctcontainer.h"
#include "diag.h"

typedef ct_container pg_container;
typedef ct_container_entry pg_container_entry;

typedef struct pg_container_options {
    const char *engine; /* "docker", "podman", or NULL: whichever answers `info` */
    const char *image;  /* NULL: "postgres:16" */
    const char *run_id; /* for the name (foster-<run id>) and labels */
    double timeout;     /* seconds to wait for readiness; <= 0: 60 */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} pg_container_options;

/*
 * Starts the container (ct_container_run) and waits until PostgreSQL is
 * ready. `timeout` covers all of it, the pull included. NULL with a diag on
 * failure (ct_container_run's, or the readiness failure with the last lines
 * of the container's log, "container NAME (IMAGE) stopped before PostgreSQL
 * was ready", "interrupted ..."); a container that was started is removed
 * again before returning.
 */
pg_container *pg_container_start(const pg_container_options *options, diag_list *diags);

/* A container an earlier foster started (ct_container_attach), with its password. */
pg_container *pg_container_attach(const char *engine, const char *name, diag_list *diags);

/* The container the run record's location names ("<engine>/<name>", engine "auto": either). */
pg_container *pg_container_attach_location(const char *location, diag_list *diags);

/* libpq connection string (with the password) to `database`; caller frees. */
char *pg_container_conninfo(const pg_container *container, const char *database);

static inline const char *pg_container_name(const pg_container *container)
{
    return ct_container_name(container);
}
static inline const char *pg_container_engine(const pg_container *container)
{
    return ct_container_engine(container);
}
static inline pg_container_entry *pg_container_list(const char *engine, size_t *count,
                                                    diag_list *diags)
{
    return ct_container_list(engine, count, diags);
}
static inline void pg_container_list_free(pg_container_entry *entries, size_t count)
{
    ct_container_list_free(entries, count);
}
static inline int pg_container_stop(pg_container *container, diag_list *diags)
{
    return ct_container_stop(container, diags);
}
static inline void pg_container_free(pg_container *container)
{
    ct_container_free(container);
}

#endif
