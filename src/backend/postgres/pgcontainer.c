/*
 * pgcontainer.c — PostgreSQL in a docker or podman container: what the
 * PostgreSQL image needs of the shared container (ctcontainer.h), and
 * readiness through pg_wait. See pgcontainer.h.
 */
#include "pgcontainer.h"

#include <stdlib.h>

#include "monotonic.h"
#include "pgconn.h"
#include "pgwait.h"
#include "strbuf.h"

#define DEFAULT_IMAGE           "postgres:16"
#define DEFAULT_TIMEOUT_SECONDS 60.0
#define MIN_WAIT_SECONDS        1.0 /* readiness gets at least this, however long `run` took */
#define SUPERUSER               "postgres"

/* Settings for a throwaway server, as postgres arguments after the image. */
static const char *const server_arguments[] = {
    "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off", NULL};

static const ct_server postgres_server = {
    .title = "PostgreSQL",
    .name_prefix = "foster-",
    .password_variable = "POSTGRES_PASSWORD",
    .port = "5432/tcp",
    .publish = "127.0.0.1::5432",
    .alternative = "cluster",
    .arguments = server_arguments,
};

char *pg_container_conninfo(const pg_container *container, const char *database)
{
    strbuf sb = STRBUF_INIT;
    pgconn_append_value(&sb, "host", ct_container_host(container));
    strbuf_appendf(&sb, " port=%d", ct_container_port(container));
    pgconn_append_value(&sb, "user", SUPERUSER);
    pgconn_append_value(&sb, "password", ct_container_password(container));
    pgconn_append_value(&sb, "dbname", database);
    return strbuf_detach(&sb);
}

pg_container *pg_container_attach(const char *engine, const char *name, diag_list *diags)
{
    return ct_container_attach(engine, name, &postgres_server, diags);
}

pg_container *pg_container_attach_location(const char *location, diag_list *diags)
{
    return ct_container_attach_location(location, &postgres_server, diags);
}

static int wait_until_ready(const pg_container *container, const char *image, double timeout,
                            const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *conninfo = pg_container_conninfo(container, "postgres");
    if (!conninfo) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    ct_container_watch watch = {container, interrupt, 0, false, 0};
    pg_wait_options options = {.timeout = timeout,
                               .confirmations = 2, /* the official image restarts once */
                               .progress = ct_container_watch_progress,
                               .progress_context = &watch,
                               .interrupt = &watch.stop};
    diag_list waited = DIAG_LIST_INIT;
    pg_wait_result result = pg_wait(conninfo, &options, &waited);
    free(conninfo);
    if (result != PG_WAIT_READY) {
        const diag *why = diag_list_last(&waited);
        ct_container_not_ready(&watch, image, why ? why->message : NULL, diags);
    }
    diag_list_clear(&waited);
    return result == PG_WAIT_READY ? 0 : -1;
}

pg_container *pg_container_start(const pg_container_options *options, diag_list *diags)
{
    double timeout = options->timeout > 0 ? options->timeout : DEFAULT_TIMEOUT_SECONDS;
    double deadline = monotonic_seconds() + timeout;
    const char *image = options->image && *options->image ? options->image : DEFAULT_IMAGE;
    ct_container_options run = {&postgres_server, options->engine, image,
                                options->run_id,  timeout,         options->interrupt};
    pg_container *container = ct_container_run(&run, diags);
    if (!container)
        return NULL;
    double left = deadline - monotonic_seconds();
    if (wait_until_ready(container, image, left > MIN_WAIT_SECONDS ? left : MIN_WAIT_SECONDS,
                         options->interrupt, diags) < 0) {
        ct_container_stop(container, diags);
        ct_container_free(container);
        return NULL;
    }
    return container;
}
