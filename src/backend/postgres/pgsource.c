/*
 * pgsource.c — the existing-server and ephemeral-cluster implementations
 * of pgsource.h.
 */
#include "pgsource.h"

#include <stdlib.h>
#include <string.h>

#include "pgcluster.h"
#include "pgconn.h"
#include "pgcontainer.h"
#include "pqapi.h"
#include "strbuf.h"

typedef struct existing_source {
    pg_source base;
    char *conninfo;
} existing_source;

static int existing_start(pg_source *source, diag_list *diags)
{
    (void)source;
    (void)diags;
    return 0;
}

/*
 * libpq merges a later dbname over an expanded URL or key=value string; a
 * key=value string built here does the same, so both forms work.
 */
static char *with_database(const char *conninfo, const char *database)
{
    if (!database)
        return strdup(conninfo);
    PQconninfoOption *options = PQconninfoParse(conninfo, NULL);
    if (!options)
        return NULL;
    strbuf sb = STRBUF_INIT;
    for (PQconninfoOption *o = options; o->keyword; o++)
        if (o->val && strcmp(o->keyword, "dbname") != 0)
            pgconn_append_value(&sb, o->keyword, o->val);
    PQconninfoFree(options);
    pgconn_append_value(&sb, "dbname", database);
    return strbuf_detach(&sb);
}

/* Whether the connection string names a database itself. */
static bool names_database(const char *conninfo)
{
    PQconninfoOption *options = PQconninfoParse(conninfo, NULL);
    bool named = false;
    for (PQconninfoOption *o = options; o && o->keyword; o++)
        named = named || (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val);
    PQconninfoFree(options);
    return named;
}

/*
 * The administrative connection goes to the database the URL names, else to
 * "postgres" (as createdb does) — never to $PGDATABASE or the user's name,
 * which may be a database a test is using, or none at all.
 */
static char *existing_conninfo(const pg_source *source, const char *database)
{
    const char *conninfo = ((const existing_source *)source)->conninfo;
    if (!database && !names_database(conninfo))
        database = "postgres";
    return with_database(conninfo, database);
}

static int existing_stop(pg_source *source, diag_list *diags)
{
    (void)source;
    (void)diags;
    return 0;
}

static const char *no_location(const pg_source *source)
{
    (void)source;
    return NULL;
}

static pid_t no_pid(const pg_source *source)
{
    (void)source;
    return 0;
}

static void existing_free(pg_source *source)
{
    existing_source *e = (existing_source *)source;
    if (!e)
        return;
    free(e->conninfo);
    free(e);
}

static const pg_source_ops existing_ops = {
    .start = existing_start,
    .conninfo = existing_conninfo,
    .stop = existing_stop,
    .location = no_location,
    .server_pid = no_pid,
    .free = existing_free,
};

pg_source *pg_source_existing(const char *conninfo)
{
    existing_source *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->base.ops = &existing_ops;
    if (!(e->conninfo = strdup(conninfo ? conninfo : ""))) {
        free(e);
        return NULL;
    }
    return &e->base;
}

typedef struct cluster_source {
    pg_source base;
    pg_cluster_options options;
    char *bindir, *directory, *name;
    char *template_key;
    pg_cluster *cluster;
} cluster_source;

static int cluster_start(pg_source *source, diag_list *diags)
{
    cluster_source *c = (cluster_source *)source;
    if (c->cluster)
        return 0;
    c->cluster = pg_cluster_start(&c->options, diags);
    return c->cluster ? 0 : -1;
}

static char *cluster_conninfo(const pg_source *source, const char *database)
{
    const cluster_source *c = (const cluster_source *)source;
    return pg_cluster_conninfo(c->cluster, database ? database : "postgres");
}

static int cluster_stop(pg_source *source, diag_list *diags)
{
    cluster_source *c = (cluster_source *)source;
    if (!c->cluster)
        return 0;
    if (pg_cluster_stop(c->cluster, diags) < 0)
        return -1; /* kept: foster_teardown may be called again, and tries again */
    pg_cluster_free(c->cluster);
    c->cluster = NULL;
    return 0;
}

static const char *cluster_location(const pg_source *source)
{
    const cluster_source *c = (const cluster_source *)source;
    return c->cluster ? pg_cluster_directory(c->cluster) : NULL;
}

static pid_t cluster_pid(const pg_source *source)
{
    const cluster_source *c = (const cluster_source *)source;
    return c->cluster ? pg_cluster_pid(c->cluster) : 0;
}

static char *cluster_describe_death(pg_source *source)
{
    cluster_source *c = (cluster_source *)source;
    return c->cluster ? pg_cluster_describe_death(c->cluster) : NULL;
}

/* Before start: the data directory cached for `key` starts the server when there is one. */
static int cluster_prefer_template(pg_source *source, const char *key)
{
    cluster_source *c = (cluster_source *)source;
    free(c->template_key);
    c->template_key = strdup(key);
    c->options.template_key = c->template_key;
    return c->template_key ? 0 : -1;
}

static bool cluster_from_template(const pg_source *source)
{
    const cluster_source *c = (const cluster_source *)source;
    return c->cluster && pg_cluster_from_template(c->cluster);
}

static void cluster_keep_template(pg_source *source)
{
    cluster_source *c = (cluster_source *)source;
    if (c->cluster)
        pg_cluster_keep_template(c->cluster);
}

static void cluster_free(pg_source *source)
{
    cluster_source *c = (cluster_source *)source;
    if (!c)
        return;
    pg_cluster_free(c->cluster);
    free(c->template_key);
    free(c->bindir);
    free(c->directory);
    free(c->name);
    free(c);
}

static const pg_source_ops cluster_ops = {
    .start = cluster_start,
    .conninfo = cluster_conninfo,
    .stop = cluster_stop,
    .location = cluster_location,
    .server_pid = cluster_pid,
    .describe_death = cluster_describe_death,
    .prefer_template = cluster_prefer_template,
    .from_template = cluster_from_template,
    .keep_template = cluster_keep_template,
    .free = cluster_free,
};

pg_source *pg_source_cluster(const char *bindir, const char *directory, const char *name,
                             const volatile sig_atomic_t *interrupt)
{
    cluster_source *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->base.ops = &cluster_ops;
    c->base.ephemeral = true;
    c->bindir = bindir ? strdup(bindir) : NULL;
    c->directory = strdup(directory);
    c->name = strdup(name);
    if ((bindir && !c->bindir) || !c->directory || !c->name) {
        cluster_free(&c->base);
        return NULL;
    }
    c->options = (pg_cluster_options){c->bindir, c->directory, c->name, interrupt, NULL};
    return &c->base;
}

pg_source *pg_source_cluster_attach(const char *location, pid_t pid, diag_list *diags)
{
    pg_cluster *cluster = pg_cluster_attach(location, pid, diags);
    if (!cluster)
        return NULL;
    cluster_source *c = calloc(1, sizeof *c);
    if (!c) {
        pg_cluster_free(cluster);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    c->base.ops = &cluster_ops;
    c->base.ephemeral = true;
    c->cluster = cluster;
    return &c->base;
}

typedef struct container_source {
    pg_source base;
    pg_container_options options;
    char *engine, *image, *run_id;
    pg_container *container;
    char *location; /* "<engine>/<name>", for the run record */
} container_source;

static int container_start(pg_source *source, diag_list *diags)
{
    container_source *c = (container_source *)source;
    if (c->container)
        return 0;
    c->container = pg_container_start(&c->options, diags);
    return c->container ? 0 : -1;
}

static char *container_conninfo(const pg_source *source, const char *database)
{
    const container_source *c = (const container_source *)source;
    return pg_container_conninfo(c->container, database ? database : "postgres");
}

static int container_stop(pg_source *source, diag_list *diags)
{
    container_source *c = (container_source *)source;
    if (!c->container)
        return 0;
    if (pg_container_stop(c->container, diags) < 0)
        return -1; /* kept: foster_teardown may be called again, and tries again */
    pg_container_free(c->container);
    c->container = NULL;
    return 0;
}

static const char *container_location(const pg_source *source)
{
    container_source *c = (container_source *)source;
    if (!c->container)
        return NULL;
    free(c->location);
    c->location =
        strbuf_format("%s/%s", pg_container_engine(c->container), pg_container_name(c->container));
    return c->location;
}

static void container_free(pg_source *source)
{
    container_source *c = (container_source *)source;
    if (!c)
        return;
    pg_container_free(c->container);
    free(c->engine);
    free(c->image);
    free(c->run_id);
    free(c->location);
    free(c);
}

static const pg_source_ops container_ops = {
    .start = container_start,
    .conninfo = container_conninfo,
    .stop = container_stop,
    .location = container_location,
    .server_pid = no_pid,
    .free = container_free,
};

pg_source *pg_source_container(const char *engine, const char *image, const char *run_id,
                               const volatile sig_atomic_t *interrupt)
{
    container_source *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->base.ops = &container_ops;
    c->base.ephemeral = true;
    c->engine = engine ? strdup(engine) : NULL;
    c->image = image ? strdup(image) : NULL;
    c->run_id = strdup(run_id);
    if ((engine && !c->engine) || (image && !c->image) || !c->run_id) {
        container_free(&c->base);
        return NULL;
    }
    c->options = (pg_container_options){
        .engine = c->engine, .image = c->image, .run_id = c->run_id, .interrupt = interrupt};
    return &c->base;
}

pg_source *pg_source_container_attach(const char *location, diag_list *diags)
{
    pg_container *container = pg_container_attach_location(location, diags);
    if (!container)
        return NULL;
    container_source *c = calloc(1, sizeof *c);
    if (!c) {
        pg_container_free(container);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    c->base.ops = &container_ops;
    c->base.ephemeral = true;
    c->container = container;
    return &c->base;
}
