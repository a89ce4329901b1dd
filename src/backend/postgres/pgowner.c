/*
 * pgowner.c — who owns a PostgreSQL backend's databases, and what a run
 * holds on its server: a recorded run's database found again (its marker
 * read from the catalog, or told by the run's helper), the runtime
 * directory its marker names, the marker rewritten as "kept" by `up` (which
 * starts the first reset's copy), the copies an earlier process made
 * (dropped by down and reaping), how its connections wait out a busy
 * server, and letting go of the connections it no longer needs. See
 * docs/safety.md.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_postgres.h"
#include "pgconn.h"
#include "pgmarker.h"

int pg_drop_copy(backend *b, const char *suffix, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_connect_admin(p, diags) < 0)
        return -1;
    char *name = pg_sibling_name(p, suffix);
    int rc = name ? pg_drop_marked(p->admin, name, diags) : -1;
    free(name);
    return rc;
}

/* The marker again, now saying "kept 1", on the database and every sibling of the run. */
int pg_mark_kept(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    char run_id[9];
    if (!db_marker_run_id(p->marker, run_id))
        return 0; /* not a database this process marked: nothing to say */
    char *marker = db_marker_text(run_id, p->runtime_dir, true);
    int rc = marker && pg_connect_admin(p, diags) == 0 ? 0 : -1;
    if (rc == 0)
        pg_finish_pending(p);
    if (rc == 0 && (rc = pg_remark_run(p->admin, p->database, marker, diags)) == 0) {
        free(p->marker);
        p->marker = marker;
        marker = NULL;
    }
    free(marker);
    /* The database outlives this process, and its resets come from one-shot commands:
     * the first one's copy is made now, by the detached helper, while the tests start. */
    if (rc == 0)
        pg_prepare_next_detached(p, -1); /* else the first reset copies */
    return rc;
}

void pg_release(backend *b)
{
    pg_backend *p = as_pg(b);
    if (p->admin && !p->next_pending) {
        PQfinish(p->admin);
        p->admin = NULL;
    }
}

void backend_postgres_set_owner(backend *b, const char *runtime_dir,
                                const pgconn_patience *patience)
{
    pg_backend *p = as_pg(b);
    free(p->runtime_dir);
    p->runtime_dir = runtime_dir ? realpath(runtime_dir, NULL) : NULL;
    if (patience)
        p->patience = *patience;
}

/*
 * Whether the server lists the database `url` names: 1, 0, or -1 when that
 * cannot be told. The catalog is asked, from the server's administrative
 * database: a refused connection says why only for the first reason the
 * server found (a missing role hides a missing database).
 */
int pg_database_listed(pg_backend *p, const char *url)
{
    PQconninfoOption *options = PQconninfoParse(url, NULL);
    const char *name = NULL;
    for (PQconninfoOption *o = options; o && o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val)
            name = o->val;
    char *conninfo = name ? p->source->ops->conninfo(p->source, "postgres") : NULL;
    diag_list ignored = DIAG_LIST_INIT;
    PGconn *admin = conninfo ? pgconn_connect(conninfo, &ignored) : NULL;
    int listed = admin ? pg_database_exists(admin, name, &ignored) : -1;
    PQfinish(admin);
    free(conninfo);
    PQconninfoFree(options);
    diag_list_clear(&ignored);
    return listed;
}

/* The dbname a conninfo or URL names (caller frees), or NULL: the conninfo the kinds
 * write without libpq, any other form with it. */
static char *recorded_database_name(const char *url)
{
    char *name = pgconn_database_named(url);
    if (name)
        return name;
    PQconninfoOption *options = PQconninfoParse(url, NULL);
    for (PQconninfoOption *o = options; o && o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val)
            name = strdup(o->val);
    PQconninfoFree(options);
    return name;
}

diag_kind pg_open_recorded(pg_backend *p, const char *url, bool *marked, diag_list *diags)
{
    free(p->database);
    if (!(p->database = recorded_database_name(url)))
        return diag_add(diags, NULL, 0, 0, "no database named in the run's URL"), DIAG_BAD_INPUT;
    /* The run's helper, when it runs, read the catalog: then libpq need not be loaded here. */
    if (pg_serves_resets_by_helper(p) && pg_open_by_helper(p) == 0)
        return *marked = p->marked = true, DIAG_NONE;
    if (pg_connect_admin(p, diags) < 0)
        return DIAG_ENGINE;
    int exists = pg_marker_read(p->admin, p->database, marked, &p->marker, diags);
    if (exists <= 0)
        return exists < 0 ? DIAG_ENGINE : DIAG_NOT_FOUND;
    if (pg_describe_connection(p, p->admin) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), DIAG_OUT_OF_MEMORY;
    p->marked = *marked;
    return DIAG_NONE;
}
