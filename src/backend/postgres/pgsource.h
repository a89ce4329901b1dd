/*
 * pgsource.h — where a PostgreSQL server comes from: an existing server
 * (the `postgres` backend) or an ephemeral cluster foster starts (`cluster`;
 * `container` later). The PostgreSQL backend talks to a server through this
 * small interface and never asks which kind it has.
 */
#ifndef FOSTER_PGSOURCE_H
#define FOSTER_PGSOURCE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct pg_source pg_source;

typedef struct pg_source_ops {
    /* Makes the server available (starts it, for a cluster). 0 or -1 with a diag. */
    int (*start)(pg_source *source, diag_list *diags);
    /*
     * libpq connection string for database `database` (NULL: the server's
     * administrative database), a new string the caller frees; may hold a
     * password, so it is never printed (pg_redact_conninfo).
     */
    char *(*conninfo)(const pg_source *source, const char *database);
    /* Gives the server back (stops and removes a cluster). 0 or -1 with a diag. */
    int (*stop)(pg_source *source, diag_list *diags);
    /* Where the server lives, for the run record: a cluster's directory, or NULL. */
    const char *(*location)(const pg_source *source);
    pid_t (*server_pid)(const pg_source *source); /* 0 when foster did not start it */
    /* A server foster started that died: what happened and where its log is (caller
     * frees); NULL while it runs, or when foster did not start it. May be NULL. */
    char *(*describe_death)(pg_source *source);
    /*
     * Optional, for a server that goes with the run but whose data
     * directory can be cached (the cluster; pgcluster.h's template cache):
     * prefer_template, before start, names the template key of this run's
     * inputs (0, or -1 when memory ran out); from_template says whether the
     * server started from the data directory cached for it; keep_template
     * asks stop to keep the data directory for it.
     */
    int (*prefer_template)(pg_source *source, const char *key);
    bool (*from_template)(const pg_source *source);
    void (*keep_template)(pg_source *source);
    void (*free)(pg_source *source);
} pg_source_ops;

struct pg_source {
    const pg_source_ops *ops;
    /* true when stop() removes every database with the server, so the test
     * database need not be dropped first. */
    bool ephemeral;
};

/*
 * An existing server: `conninfo` is a URL or key=value string ("" means
 * libpq's PG* environment and defaults). Copied. NULL when memory ran out.
 */
pg_source *pg_source_existing(const char *conninfo);

/*
 * An ephemeral cluster (pgcluster.h) started in `directory` under `name`,
 * from `bindir` (NULL: found). Copied. NULL when memory ran out.
 */
pg_source *pg_source_cluster(const char *bindir, const char *directory, const char *name,
                             const volatile sig_atomic_t *interrupt);

/*
 * A PostgreSQL container (pgcontainer.h) for run `run_id`; `engine` and
 * `image` NULL for the defaults. Copied. NULL when memory ran out. Its
 * location is "<engine>/<container name>".
 */
pg_source *pg_source_container(const char *engine, const char *image, const char *run_id,
                               const volatile sig_atomic_t *interrupt);

/* The container at `location` ("<engine>/<name>"), checked to be foster's. */
pg_source *pg_source_container_attach(const char *location, diag_list *diags);

/* A cluster an earlier process started (down, gc). NULL with a diag if it is not one. */
pg_source *pg_source_cluster_attach(const char *location, pid_t pid, diag_list *diags);

#endif
