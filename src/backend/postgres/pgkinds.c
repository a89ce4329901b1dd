/*
 * pgkinds.c — the `postgres`, `cluster` and `container` backend kinds: each
 * makes a PostgreSQL backend on its own pg_source (pgsource.h) and reaches
 * the database of a recorded run through the same kind of source.
 */
#include "pgkinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_postgres.h"
#include "ctcontainer.h"
#include "nexthelper.h"
#include "pgconn.h"
#include "pgsource.h"
#include "pgwait.h"
#include "pqapi.h"
#include "strbuf.h"

/*
 * A backend on `source` (taken over), owned by setup's runtime directory and
 * patient with a busy server; NULL (source freed) when memory ran out.
 */
static backend *on_source(pg_source *source, const backend_setup *setup)
{
    backend *b = source ? backend_postgres_new(source) : NULL;
    if (!b && source)
        source->ops->free(source);
    pgconn_patience patience = {.seconds = 0,
                                .report = setup->report,
                                .context = setup->report_context,
                                .interrupt = setup->interrupt};
    if (b)
        backend_postgres_set_owner(b, setup->runtime_dir, &patience);
    return b;
}

static backend *postgres_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    *server = NULL;
    return on_source(pg_source_existing(setup->server_url), setup);
}

static backend *cluster_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    char name[32];
    snprintf(name, sizeof name, "cluster_%s", setup->run_id);
    *server = strbuf_format("%s/%s", setup->runtime_dir, name);
    return on_source(pg_source_cluster(setup->manifest->cluster_bindir, setup->runtime_dir, name,
                                       setup->interrupt),
                     setup);
}

static backend *container_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    const manifest *m = setup->manifest;
    *server = strbuf_format("%s/foster-%s", m->container_engine ? m->container_engine : "auto",
                            setup->run_id);
    return on_source(pg_source_container(m->container_engine, m->container_image, setup->run_id,
                                         setup->interrupt),
                     setup);
}

/*
 * The backend on an attached source, and the run's database as a conninfo
 * (open_existing reads its name, and the source says how to reach it): built
 * without libpq, which a reset the run's helper serves never loads.
 */
static backend_attach_result attached(pg_source *source, const backend_setup *setup,
                                      const backend_run *run, backend **out, char **target)
{
    strbuf named = STRBUF_INIT;
    if (run->database)
        pgconn_append_value(&named, "dbname", run->database);
    char *conninfo =
        run->database ? strbuf_detach(&named) : source->ops->conninfo(source, run->database);
    *out = on_source(source, setup);
    *target = *out ? conninfo : NULL;
    if (!*out)
        free(conninfo);
    return BACKEND_ATTACHED; /* out of memory shows as *out or *target NULL */
}

static backend_attach_result postgres_attach(const backend_setup *setup, const backend_run *run,
                                             backend **out, char **target, diag_list *diags)
{
    (void)diags;
    pg_source *source = pg_source_existing(setup->server_url);
    if (!source)
        return BACKEND_FAILED;
    return attached(source, setup, run, out, target);
}

/* A run whose server is gone: the helper that served it leaves, and its files go. */
static backend_attach_result gone(const backend_setup *setup, const backend_run *run)
{
    char *lock = next_helper_lock_path(setup->runtime_dir, run->database);
    next_helper_wait(lock, true);
    free(lock);
    return BACKEND_GONE;
}

static backend_attach_result cluster_attach(const backend_setup *setup, const backend_run *run,
                                            backend **out, char **target, diag_list *diags)
{
    if (!run->server || access(run->server, F_OK) < 0)
        return gone(setup, run); /* the whole server is gone */
    pg_source *source = pg_source_cluster_attach(run->server, run->server_pid, diags);
    if (!source)
        return BACKEND_FAILED;
    char *death = source->ops->describe_death(source);
    if (death) {
        /* The server died (killed, or stopped behind foster's back): what it held is lost
         * with it, and its directory, foster's own, goes now instead of failing forever. */
        diag_list ignored = DIAG_LIST_INIT;
        source->ops->stop(source, &ignored);
        source->ops->free(source);
        diag_list_clear(&ignored);
        free(death);
        return gone(setup, run);
    }
    return attached(source, setup, run, out, target);
}

static backend_attach_result container_attach(const backend_setup *setup, const backend_run *run,
                                              backend **out, char **target, diag_list *diags)
{
    diag_list attach_problems = DIAG_LIST_INIT;
    pg_source *source = pg_source_container_attach(run->server, &attach_problems);
    /* removed by the engine (a restart removes --rm containers): gone */
    bool removed = !source && diag_list_last_kind(&attach_problems) == DIAG_NOT_FOUND;
    if (removed) {
        diag_list_clear(&attach_problems);
        return gone(setup, run);
    }
    diag_list_move(diags, &attach_problems);
    if (!source)
        return BACKEND_FAILED;
    return attached(source, setup, run, out, target);
}

/* Host and port a connection string leads to, with libpq's defaults filled in. */
static void server_of(const char *conninfo, char *host, size_t host_size, char *port,
                      size_t port_size)
{
    const char *h = getenv("PGHOST"), *p = getenv("PGPORT");
    PQconninfoOption *options = PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = options; o && o->keyword; o++) {
        if (o->val && *o->val && strcmp(o->keyword, "host") == 0)
            h = o->val;
        if (o->val && *o->val && strcmp(o->keyword, "port") == 0)
            p = o->val;
    }
    snprintf(host, host_size, "%s", h && *h ? h : "/var/run/postgresql");
    snprintf(port, port_size, "%s", p && *p ? p : "5432");
    PQconninfoFree(options);
}

/*
 * A database missing from the server foster points at now is gone only if
 * that is the server the run used: -u (or the manifest) may have changed
 * since, and the database may be alive elsewhere.
 */
static bool postgres_database_gone(const backend_setup *setup, const backend_run *run,
                                   diag_list *diags)
{
    char recorded_host[512], recorded_port[32], host[512], port[32];
    server_of(run->url, recorded_host, sizeof recorded_host, recorded_port, sizeof recorded_port);
    server_of(setup->server_url, host, sizeof host, port, sizeof port);
    if (strcmp(recorded_host, host) == 0 && strcmp(recorded_port, port) == 0)
        return true;
    diag *d = diag_add(diags, NULL, 0, 0,
                       "run %s was made on the server at %s:%s, not on %s:%s where foster "
                       "looks now",
                       run->run_id, recorded_host, recorded_port, host, port);
    diag_set_hint(d, "give that server with -u URL (or [postgres] url) to remove the run");
    return false;
}

static void stop_source(pg_source *source)
{
    diag_list ignored = DIAG_LIST_INIT;
    if (source) {
        source->ops->stop(source, &ignored);
        source->ops->free(source);
    }
    diag_list_clear(&ignored);
}

static void cluster_stop_recorded(const backend_run *run)
{
    diag_list ignored = DIAG_LIST_INIT;
    if (run->server && access(run->server, F_OK) == 0)
        stop_source(pg_source_cluster_attach(run->server, run->server_pid, &ignored));
    diag_list_clear(&ignored);
}

static void container_stop_recorded(const backend_run *run)
{
    diag_list ignored = DIAG_LIST_INIT;
    if (run->server)
        stop_source(pg_source_container_attach(run->server, &ignored));
    diag_list_clear(&ignored);
}

static const char *pg_server_location(backend *b, pid_t *server_pid)
{
    pg_source *source = as_pg(b)->source;
    const char *location = source ? source->ops->location(source) : NULL;
    if (location)
        *server_pid = source->ops->server_pid(source);
    return location;
}

static int pg_start_server(backend *b, diag_list *diags)
{
    pg_source *source = as_pg(b)->source;
    return source ? source->ops->start(source, diags) : 0;
}

static char *pg_describe_death(backend *b)
{
    pg_source *source = as_pg(b)->source;
    return source && source->ops->describe_death ? source->ops->describe_death(source) : NULL;
}

static int pg_stop_server(backend *b, diag_list *diags)
{
    pg_source *source = as_pg(b)->source;
    return source && source->ephemeral ? source->ops->stop(source, diags) : 0;
}

static bool postgres_takes_url(const char *url)
{
    if (strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0)
        return true;
    /* key=value pairs; not another scheme's URL with a query (mysql://h/?unix_socket=…) */
    size_t scheme = strspn(url, "abcdefghijklmnopqrstuvwxyz0123456789+.-");
    return strchr(url, '=') != NULL && !(scheme > 0 && strncmp(url + scheme, "://", 3) == 0);
}

static char *postgres_url_problem(const char *url)
{
    char *problem = NULL;
    if (pg_conninfo_check(url, &problem) == 0)
        return NULL;
    return problem ? problem : strdup("out of memory");
}

static backend *postgres_for_url(void)
{
    return backend_postgres_new(NULL);
}

static backend_wait_result postgres_wait(const char *url, const backend_wait_options *options,
                                         diag_list *diags)
{
    pg_wait_options wait = {.timeout = options->timeout,
                            .confirmations = options->confirmations,
                            .progress = options->progress,
                            .progress_context = options->progress_context,
                            .interrupt = options->interrupt};
    switch (pg_wait(url, &wait, diags)) {
    case PG_WAIT_READY:
        return BACKEND_WAIT_READY;
    case PG_WAIT_TIMEOUT:
        return BACKEND_WAIT_TIMEOUT;
    case PG_WAIT_INTERRUPTED:
        return BACKEND_WAIT_INTERRUPTED;
    default:
        return BACKEND_WAIT_FAILED;
    }
}

const backend_kind postgres_kind = {
    .name = "postgres",
    .dialect = SCHEMA_POSTGRES,
    .needs_own_manifest = true,
    .make = postgres_make,
    .attach = postgres_attach,
    .database_gone = postgres_database_gone,
    .finish_half_made = pg_finish_half_made,
    .start_server = pg_start_server,
    .describe_death = pg_describe_death,
    .server_location = pg_server_location,
    .stop_server = pg_stop_server,
    .collect_garbage = pg_collect_server_garbage,
    .collect_templates = pg_collect_server_templates,
    .takes_url = postgres_takes_url,
    .for_url = postgres_for_url,
    .url_problem = postgres_url_problem,
    .redact = pg_redact_conninfo,
    .wait = postgres_wait,
    .secret_suffix = ".pgpass",
    .secret_variable = "PGPASSFILE",
    .write_secret = pg_write_secret,
    .client_command = pg_client_command,
    .dump_schema = pg_dump_schema,
};

const backend_kind cluster_kind = {
    .name = "cluster",
    .dialect = SCHEMA_POSTGRES,
    .make = cluster_make,
    .attach = cluster_attach,
    .stop_recorded_server = cluster_stop_recorded,
    .start_server = pg_start_server,
    .describe_death = pg_describe_death,
    .server_location = pg_server_location,
    .stop_server = pg_stop_server,
    .collect_templates = pg_collect_cluster_templates,
    .secret_suffix = ".pgpass",
    .secret_variable = "PGPASSFILE",
    .write_secret = pg_write_secret,
    .client_command = pg_client_command,
};

const backend_kind container_kind = {
    .name = "container",
    .dialect = SCHEMA_POSTGRES,
    .make = container_make,
    .attach = container_attach,
    .stop_recorded_server = container_stop_recorded,
    .start_server = pg_start_server,
    .describe_death = pg_describe_death,
    .server_location = pg_server_location,
    .stop_server = pg_stop_server,
    .collect_garbage = ct_collect_container_garbage, /* every engine's containers */
    .secret_suffix = ".pgpass",
    .secret_variable = "PGPASSFILE",
    .write_secret = pg_write_secret,
    .client_command = pg_client_command,
};
