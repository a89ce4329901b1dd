/*
 * pgtemplate.c — the `postgres` backend's template cache (pgtemplate.h): a
 * run whose inputs the server has a template of is a CREATE DATABASE ...
 * TEMPLATE foster_tpl_<key>; the first run of new inputs builds the
 * database as usual, under an advisory lock on the key, and keeps a copy of
 * its snapshot as the template. Runs that start together all wait for that
 * lock: the first builds, the others find the template when they get it and
 * copy it, so 16 CI jobs on one server build it once.
 */
#include "pgtemplate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend_kind.h"
#include "backend_postgres.h"
#include "pgkinds.h"
#include "monotonic.h"
#include "pgconn.h"
#include "pgmarker.h"
#include "sha256.h"
#include "strbuf.h"

/* The advisory lock's first key ("fost"); the second is the key's first 32 bits. */
#define PG_TEMPLATE_LOCK_CLASS "1718580084"
/* How long a run waits for another's build before building without the cache. */
#define PG_TEMPLATE_LOCK_WAIT_SECONDS 600
/* A hit rewrites the marker's `used` when it is older than this (a catalog write per hour). */
#define PG_TEMPLATE_TOUCH_SECONDS 3600

typedef enum template_state {
    TEMPLATE_ABSENT,
    TEMPLATE_READY,    /* marked, made from these inputs */
    TEMPLATE_STALE,    /* marked, made from other inputs with the same key */
    TEMPLATE_UNMARKED, /* a database of that name foster did not make */
} template_state;

static void identity_hash(const char *identity, char hex[65])
{
    sha256 h;
    sha256_init(&h);
    sha256_update(&h, identity, strlen(identity));
    sha256_final_hex(&h, hex);
}

/* The fields of a template marker. */
typedef struct template_marker {
    char key[65];
    char identity[65];
    long uid;
    long long used;
} template_marker;

static bool parse_marker(const char *comment, template_marker *m)
{
    int consumed = 0;
    return sscanf(comment,
                  PG_TEMPLATE_MARKER_PREFIX "%64[0-9a-f]; identity %64[0-9a-f]; uid %ld; "
                                            "used %lld%n",
                  m->key, m->identity, &m->uid, &m->used, &consumed) == 4 &&
           comment[consumed] == '\0';
}

/* Whether database `name` is the template its marker (`comment`) says. */
static bool is_template(const char *name, const char *comment, template_marker *m)
{
    return strncmp(name, PG_TEMPLATE_PREFIX, strlen(PG_TEMPLATE_PREFIX)) == 0 &&
           parse_marker(comment, m) && strcmp(name + strlen(PG_TEMPLATE_PREFIX), m->key) == 0;
}

static char *marker_text(const char *key, const char *identity_hex)
{
    return strbuf_format(PG_TEMPLATE_MARKER_PREFIX "%s; identity %s; uid %ld; used %lld", key,
                         identity_hex, (long)geteuid(), (long long)time(NULL));
}

/* The second key of the template's advisory lock, as text. */
static void lock_key(const char *key, char out[16])
{
    char first[9];
    snprintf(first, sizeof first, "%.8s", key);
    snprintf(out, 16, "%d", (int)(unsigned)strtoul(first, NULL, 16));
}

/* pg_try_advisory_lock on `key`: 1 got, 0 held by another session, -1 with a diag. */
static int try_lock(PGconn *admin, const char *key, diag_list *diags)
{
    char second[16];
    lock_key(key, second);
    const char *params[] = {second};
    PGresult *result =
        PQexecParams(admin, "SELECT pg_try_advisory_lock(" PG_TEMPLATE_LOCK_CLASS ", $1::int)", 1,
                     NULL, params, NULL, NULL, 0);
    int rc =
        PQresultStatus(result) == PGRES_TUPLES_OK ? strcmp(PQgetvalue(result, 0, 0), "t") == 0 : -1;
    if (rc < 0)
        pgconn_add_error(diags, admin, "cannot take the template's build lock");
    PQclear(result);
    return rc;
}

static void unlock(PGconn *admin, const char *key)
{
    char second[16];
    lock_key(key, second);
    const char *params[] = {second};
    PQclear(PQexecParams(admin, "SELECT pg_advisory_unlock(" PG_TEMPLATE_LOCK_CLASS ", $1::int)", 1,
                         NULL, params, NULL, NULL, 0));
}

void pg_template_unlock(pg_backend *p)
{
    if (p->template_key && p->admin)
        unlock(p->admin, p->template_key);
    free(p->template_key);
    p->template_key = NULL;
}

/* What the server holds under `name`. 0, or -1 with a diag. */
static int read_state(PGconn *admin, const char *name, const char *identity_hex,
                      template_state *state, template_marker *m, diag_list *diags)
{
    const char *params[] = {name};
    PGresult *result = PQexecParams(admin,
                                    "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
                                    "FROM pg_database WHERE datname = $1",
                                    1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        pgconn_add_error(diags, admin, "cannot look for the cached template");
        PQclear(result);
        return -1;
    }
    if (PQntuples(result) == 0)
        *state = TEMPLATE_ABSENT;
    else if (!is_template(name, PQgetvalue(result, 0, 0), m))
        *state = TEMPLATE_UNMARKED;
    else
        *state = strcmp(m->identity, identity_hex) == 0 ? TEMPLATE_READY : TEMPLATE_STALE;
    PQclear(result);
    return 0;
}

/* DROP DATABASE `name`, which must be a marked template: checked again here. */
static int drop_template(PGconn *admin, const char *name, diag_list *diags)
{
    template_state state;
    template_marker m;
    if (read_state(admin, name, "", &state, &m, diags) < 0)
        return -1;
    if (state == TEMPLATE_ABSENT)
        return 0;
    if (state == TEMPLATE_UNMARKED)
        return diag_add(diags, NULL, 0, 0,
                        "refusing to drop database \"%s\": it does not carry foster's template "
                        "marker",
                        name),
               -1;
    char *quoted = pgconn_quote_identifier(admin, name);
    char *sql = quoted ? strbuf_format("DROP DATABASE IF EXISTS %s", quoted) : NULL;
    int rc = sql ? pgconn_command(admin, sql, "cannot drop a cached template", diags) : -1;
    free(quoted);
    free(sql);
    return rc;
}

/*
 * Waits for the build lock of `key` (polling, so that an interrupt is seen):
 * 1 got, 0 not, -1 with a diag (no connection). Between polls this run holds
 * no session: on a crowded server, waiters holding theirs could take every
 * slot the builder needs to load the template, and all would wait out the
 * busy bound (256 runs on 100 connections did, once in CI).
 */
static int wait_for_lock(pg_backend *p, const char *key, double *waited, diag_list *diags)
{
    double started = monotonic_seconds();
    long pause_ms = 20;
    int got;
    while ((got = try_lock(p->admin, key, diags)) == 0) {
        *waited = monotonic_seconds() - started;
        if (*waited > PG_TEMPLATE_LOCK_WAIT_SECONDS ||
            (p->patience.interrupt && *p->patience.interrupt))
            return 0;
        PQfinish(p->admin);
        p->admin = NULL;
        nanosleep(&(struct timespec){pause_ms / 1000, (pause_ms % 1000) * 1000 * 1000}, NULL);
        pause_ms = pause_ms * 3 / 2 < 500 ? pause_ms * 3 / 2 : 500;
        if (pg_connect_admin(p, diags) < 0)
            return -1;
    }
    *waited = monotonic_seconds() - started;
    return got;
}

/* Rewrites the marker's `used` when it is old (least recently used templates go first). */
static void touch(PGconn *admin, const char *name, const template_marker *m)
{
    if ((long long)time(NULL) - m->used < PG_TEMPLATE_TOUCH_SECONDS)
        return;
    char *marker = marker_text(m->key, m->identity);
    diag_list ignored = DIAG_LIST_INIT;
    if (marker)
        pg_mark_database(admin, name, marker, &ignored);
    diag_list_clear(&ignored);
    free(marker);
}

/*
 * The database as a copy of the template. When the copy cannot be made (gc
 * dropped the template meanwhile, or it is another user's), it is built
 * without the cache instead, and `why` says so. 0, or -1 with a diag.
 */
static int clone_template(pg_backend *p, const char *database_name, const char *run_id,
                          const char *template, const template_marker *m, bool *hit, char *why,
                          size_t why_size, diag_list *diags)
{
    diag_list failed = DIAG_LIST_INIT;
    int rc = pg_clone_database(p, database_name, run_id, template, &failed);
    if (rc == 0) {
        *hit = true;
        touch(p->admin, template, m);
    } else if (!p->created) {
        const diag *d = diag_list_last(&failed);
        snprintf(why, why_size, "%s could not be copied (%s): built without the cache", template,
                 d ? d->message : "?");
        rc = pg_create_from(p, database_name, run_id, "template0", diags);
    } else {
        diag_list_move(diags, &failed);
    }
    diag_list_clear(&failed);
    return rc;
}

/* After the build lock: the template another run built meanwhile, or this run builds it. */
static int create_locked(pg_backend *p, const char *database_name, const char *run_id,
                         const char *key, const char *identity_hex, const char *template,
                         double waited, bool *hit, char *why, size_t why_size, diag_list *diags)
{
    template_state state;
    template_marker m;
    if (read_state(p->admin, template, identity_hex, &state, &m, diags) < 0) {
        unlock(p->admin, key);
        return -1;
    }
    if (state == TEMPLATE_READY) {
        unlock(p->admin, key);
        snprintf(why, why_size, "another run built it while this one waited %.0f ms", waited * 1e3);
        return clone_template(p, database_name, run_id, template, &m, hit, why, why_size, diags);
    }
    if (state == TEMPLATE_UNMARKED) {
        unlock(p->admin, key);
        snprintf(why, why_size,
                 "database %s exists without foster's template marker: left alone, built "
                 "without the cache",
                 template);
        return pg_create_from(p, database_name, run_id, "template0", diags);
    }
    if (state == TEMPLATE_STALE && drop_template(p->admin, template, diags) < 0) {
        unlock(p->admin, key);
        return -1;
    }
    snprintf(why, why_size, "%s; this run builds %s",
             state == TEMPLATE_STALE ? "the server's template of this key was made from other "
                                       "inputs"
                                     : "no template made from these inputs on this server yet",
             template);
    if (!(p->template_key = strdup(key))) {
        unlock(p->admin, key);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    return pg_create_from(p, database_name, run_id, "template0", diags);
}

int pg_prefer_template(backend *b, const char *key)
{
    pg_backend *p = as_pg(b);
    return p->source->ops->prefer_template ? p->source->ops->prefer_template(p->source, key) : 0;
}

/*
 * On a server that goes with the run: the cluster started from the data
 * directory cached for these inputs holds their template; else this run
 * builds it, and the cluster keeps its data directory at stop.
 */
static int create_on_own_server(pg_backend *p, const char *database_name, const char *run_id,
                                const char *key, const char *identity, bool *hit, char *why,
                                size_t why_size, diag_list *diags)
{
    const pg_source_ops *ops = p->source->ops;
    if (!ops->keep_template) {
        snprintf(why, why_size, "none on a server that goes with the run");
        return pg_create_from(p, database_name, run_id, "template0", diags);
    }
    char identity_hex[65];
    identity_hash(identity, identity_hex);
    char *template = strbuf_format(PG_TEMPLATE_PREFIX "%s", key);
    template_state state = TEMPLATE_ABSENT;
    template_marker m;
    int rc = template ? 0 : -1;
    if (rc == 0 && ops->from_template(p->source))
        rc = read_state(p->admin, template, identity_hex, &state, &m, diags);
    if (rc == 0 && state == TEMPLATE_READY) {
        snprintf(why, why_size, "the server started from the data directory cached for them");
        rc = clone_template(p, database_name, run_id, template, &m, hit, why, why_size, diags);
        /* Nobody else uses this server: its template can be the run's snapshot. */
        if (rc == 0 && *hit && !(p->private_template = strdup(template))) {
            diag_add(diags, NULL, 0, 0, "out of memory");
            rc = -1;
        }
    } else if (rc == 0) {
        snprintf(why, why_size,
                 "no data directory cached for these inputs yet: this run keeps "
                 "one when it stops the server");
        p->template_key = strdup(key);
        rc = p->template_key ? pg_create_from(p, database_name, run_id, "template0", diags) : -1;
    }
    free(template);
    return rc;
}

static int create_cached(pg_backend *p, const char *database_name, const char *run_id,
                         const char *key, const char *identity, bool *hit, char *why,
                         size_t why_size, diag_list *diags)
{
    *hit = false;
    why[0] = '\0';
    if (pg_server_ready(p, diags) < 0)
        return -1;
    if (p->source->ephemeral)
        return create_on_own_server(p, database_name, run_id, key, identity, hit, why, why_size,
                                    diags);
    char identity_hex[65];
    identity_hash(identity, identity_hex);
    char *template = strbuf_format(PG_TEMPLATE_PREFIX "%s", key);
    template_state state;
    template_marker m;
    int rc = template ? read_state(p->admin, template, identity_hex, &state, &m, diags) : -1;
    if (rc == 0 && state == TEMPLATE_READY) {
        rc = clone_template(p, database_name, run_id, template, &m, hit, why, why_size, diags);
    } else if (rc == 0) {
        double waited = 0;
        int got = wait_for_lock(p, key, &waited, diags);
        if (got > 0)
            rc = create_locked(p, database_name, run_id, key, identity_hex, template, waited, hit,
                               why, why_size, diags);
        else if (got == 0) {
            snprintf(why, why_size,
                     "another run held the build lock of %s for %.0f s: built "
                     "without the cache",
                     template, waited);
            rc = pg_create_from(p, database_name, run_id, "template0", diags);
        } else
            rc = -1;
    }
    if (!template)
        diag_add(diags, NULL, 0, 0, "out of memory");
    free(template);
    return rc;
}

int pg_create_cached(backend *b, const char *database_name, const char *run_id, const char *key,
                     const char *identity, bool *hit, char *why, size_t why_size, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (create_cached(p, database_name, run_id, key, identity, hit, why, why_size, diags) == 0)
        return 0;
    *hit = false;
    return pg_take_back_create(p, diags);
}

/* Makes `template` from this run's snapshot, closed to connections, marker last. */
static int make_template(pg_backend *p, const char *template, const char *identity,
                         diag_list *diags)
{
    char identity_hex[65];
    identity_hash(identity, identity_hex);
    char *snapshot = pg_sibling_name(p, "tpl");
    char *create = snapshot ? pg_create_database_sql(p->admin, template, snapshot) : NULL;
    char *quoted = pgconn_quote_identifier(p->admin, template);
    char *closed =
        quoted ? strbuf_format("ALTER DATABASE %s ALLOW_CONNECTIONS false", quoted) : NULL;
    char *marker = marker_text(p->template_key, identity_hex);
    int rc = create && closed && marker ? 0 : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = pgconn_command(p->admin, create, "cannot make the cached template", diags);
    bool made = rc == 0;
    if (rc == 0)
        rc = pgconn_command(p->admin, closed, "cannot close the cached template", diags);
    if (rc == 0)
        rc = pg_mark_database(p->admin, template, marker, diags);
    if (rc < 0 && made) {
        /* Made under this run's lock a moment ago, unmarked: this run's to remove. */
        char *drop = strbuf_format("DROP DATABASE IF EXISTS %s", quoted);
        diag_list ignored = DIAG_LIST_INIT;
        if (drop)
            pgconn_command(p->admin, drop, "drop", &ignored);
        diag_list_clear(&ignored);
        free(drop);
    }
    free(snapshot);
    free(create);
    free(quoted);
    free(closed);
    free(marker);
    return rc;
}

int pg_template_store(backend *b, const char *cache_dir, const char *key, const char *identity,
                      diag_list *diags)
{
    pg_backend *p = as_pg(b);
    (void)cache_dir; /* the template lives on the server */
    if (!p->template_key || strcmp(p->template_key, key) != 0)
        return 0; /* another run built it, or its place is taken */
    char *template = strbuf_format(PG_TEMPLATE_PREFIX "%s", key);
    int rc = template ? make_template(p, template, identity, diags) : -1;
    if (rc == 0 && p->source->ephemeral) {
        p->keeping_template = true; /* the cluster keeps its data directory: see pg_drop */
        free(p->template_key);
        p->template_key = NULL;
    } else if (rc == 0) {
        pg_templates_evict(p->admin, false, template, false, NULL, NULL, diags);
    }
    pg_template_unlock(p);
    free(template);
    return rc;
}

/* One marked template, for eviction. */
typedef struct listed_template {
    char *name;
    template_marker marker;
} listed_template;

static int by_use_newest_first(const void *a, const void *b)
{
    long long x = ((const listed_template *)a)->marker.used;
    long long y = ((const listed_template *)b)->marker.used;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void say(void (*report)(void *, const char *), void *context, char *line)
{
    if (report && line)
        report(context, line);
    free(line);
}

/* The server's marked templates, newest use first; look-alikes told to `report`. */
static listed_template *list_templates(PGconn *admin, size_t *count,
                                       void (*report)(void *, const char *), void *context,
                                       diag_list *diags)
{
    *count = 0;
    PGresult *result =
        PQexec(admin, "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') "
                      "FROM pg_database WHERE datname LIKE 'foster\\_tpl\\_%' ORDER BY datname");
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        pgconn_add_error(diags, admin, "cannot list the cached templates");
        PQclear(result);
        return NULL;
    }
    int rows = PQntuples(result);
    listed_template *list = calloc(rows ? (size_t)rows : 1, sizeof *list);
    for (int i = 0; list && i < rows; i++) {
        const char *name = PQgetvalue(result, i, 0);
        listed_template *t = &list[*count];
        if (!is_template(name, PQgetvalue(result, i, 1), &t->marker))
            say(report, context,
                strbuf_format("left database %s: it does not carry foster's template marker",
                              name));
        else if ((t->name = strdup(name)))
            ++*count;
    }
    PQclear(result);
    if (!list)
        diag_add(diags, NULL, 0, 0, "out of memory");
    else if (*count)
        qsort(list, *count, sizeof *list, by_use_newest_first);
    return list;
}

/* Drops one listed template unless a run holds its build lock. 0, or -1 (told). */
static int evict_one(PGconn *admin, const listed_template *t, bool dry_run,
                     void (*report)(void *, const char *), void *context)
{
    diag_list problems = DIAG_LIST_INIT;
    int got = try_lock(admin, t->marker.key, &problems);
    int rc = 0;
    if (got == 0)
        say(report, context,
            strbuf_format("left template %s: a run is building or replacing it", t->name));
    else if (got > 0 && dry_run)
        say(report, context, strbuf_format("would drop template %s", t->name));
    else if (got > 0 && drop_template(admin, t->name, &problems) == 0)
        say(report, context, strbuf_format("dropped template %s", t->name));
    else {
        const diag *d = diag_list_last(&problems);
        say(report, context,
            strbuf_format("could not drop template %s: %s", t->name, d ? d->message : "?"));
        rc = -1;
    }
    if (got > 0)
        unlock(admin, t->marker.key);
    diag_list_clear(&problems);
    return rc;
}

int pg_templates_evict(PGconn *admin, bool all, const char *keep, bool dry_run,
                       void (*report)(void *context, const char *line), void *context,
                       diag_list *diags)
{
    size_t count = 0;
    listed_template *list = list_templates(admin, &count, report, context, diags);
    if (!list)
        return -1;
    long long oldest = (long long)time(NULL) - (long long)PG_TEMPLATE_MAX_AGE_DAYS * 24 * 3600;
    int failures = 0;
    for (size_t i = 0; i < count; i++) {
        listed_template *t = &list[i];
        bool evicted = all || i >= PG_TEMPLATE_MAX || t->marker.used < oldest;
        if (evicted && !(keep && strcmp(t->name, keep) == 0) &&
            evict_one(admin, t, dry_run, report, context) < 0)
            failures++;
        free(t->name);
    }
    free(list);
    return failures;
}

void pg_collect_server_templates(backend_gc *gc)
{
    if (!gc->own_kind)
        return;
    diag_list problems = DIAG_LIST_INIT;
    PGconn *admin = pgconn_connect(gc->setup->server_url, &problems);
    int failures = admin ? pg_templates_evict(admin, true, NULL, gc->dry_run, backend_gc_say_line,
                                              gc, &problems)
                         : -1;
    if (failures < 0) {
        const diag *d = diag_list_last(&problems);
        backend_gc_say(gc, "could not look at the server's templates: %s",
                       d ? d->message : "failed");
        failures = 1;
    }
    gc->failures += failures;
    PQfinish(admin);
    diag_list_clear(&problems);
}
