/*
 * pgreset.c — keeping PostgreSQL tests apart: the template made right after
 * provisioning, reset by swapping in a copy of it (made ahead of time when
 * the process lives on, IntegreSQL's idea without its server), copies for
 * parallel workers, and per-test savepoints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_postgres.h"
#include "monotonic.h"
#include "nexthelper.h"
#include "pgconn.h"
#include "pgmarker.h"

void pg_finish_pending(pg_backend *p)
{
    if (!p->next_pending)
        return;
    p->next_pending = false;
    /* Background work goes as a pipeline, each statement followed by a sync. */
    int synced = 0;
    while (synced < p->pending_syncs) {
        PGresult *result = PQgetResult(p->admin);
        if (!result && PQstatus(p->admin) != CONNECTION_OK)
            break; /* the connection is gone: nothing more comes */
        if (!result)
            continue; /* the end of one statement's results */
        if (PQresultStatus(result) == PGRES_PIPELINE_SYNC)
            synced++;
        else if (PQresultStatus(result) == PGRES_FATAL_ERROR && PQstatus(p->admin) != CONNECTION_OK)
            synced = p->pending_syncs; /* the connection is gone: nothing more comes */
        PQclear(result);
    }
    PQexitPipelineMode(p->admin);
}

/*
 * Sends `count` statements as a pipeline, a sync after each (so that each
 * runs alone, as DROP and CREATE DATABASE must), without waiting for them.
 */
static void send_in_background(pg_backend *p, char *const *statements, int count)
{
    if (PQenterPipelineMode(p->admin) != 1)
        return;
    int sent = 0;
    for (int i = 0; i < count && statements[i]; i++) {
        if (PQsendQueryParams(p->admin, statements[i], 0, NULL, NULL, NULL, NULL, 0) != 1 ||
            PQpipelineSync(p->admin) != 1)
            break;
        sent++;
    }
    p->next_pending = true;
    p->pending_syncs = sent;
}

/* CREATE DATABASE <db>_next from the template and mark it, in the background. */
static void prepare_next(pg_backend *p, const char *next, const char *template,
                         const char *drop_first)
{
    char *quoted = pgconn_quote_identifier(p->admin, next);
    char *literal = PQescapeLiteral(p->admin, p->marker, strlen(p->marker));
    char *statements[3] = {NULL, NULL, NULL};
    int n = 0;
    if (drop_first)
        statements[n++] = strbuf_format("DROP DATABASE IF EXISTS %s WITH (FORCE)", drop_first);
    statements[n++] = pg_create_database_sql(p->admin, next, template);
    statements[n++] =
        quoted && literal ? strbuf_format("COMMENT ON DATABASE %s IS %s", quoted, literal) : NULL;
    send_in_background(p, statements, n);
    for (int i = 0; i < n; i++)
        free(statements[i]);
    free(quoted);
    PQfreemem(literal);
}

/* Most seconds foster waits for the sessions it ends to be gone: they end in
 * milliseconds, but a loaded machine (a CI runner) may take longer. */
#define PG_SESSION_EXIT_WAIT_SECONDS 2.0

/*
 * Closes foster's own session on the database and ends the tests' ones,
 * waiting (1 ms polls, bounded in time) until their server processes are gone: a
 * rename needs no session at all, and a DROP DATABASE, even WITH (FORCE),
 * that finds one still exiting waits for it in 100 ms steps. What does not
 * end in time makes the rename or drop fail with the server's reason.
 */
void pg_end_sessions(pg_backend *p)
{
    PQfinish(p->db);
    p->db = NULL;
    const char *params[] = {p->database};
    double until = monotonic_seconds() + PG_SESSION_EXIT_WAIT_SECONDS;
    for (;;) {
        /* pg_stat_activity's own function: the view also joins pg_database and pg_authid,
         * whose caches every CREATE and DROP DATABASE invalidates (1.5 ms against 0.3). */
        PGresult *result = PQexecParams(p->admin,
                                        "SELECT pg_terminate_backend(pid) FROM "
                                        "pg_stat_get_activity(NULL) WHERE datid = "
                                        "(SELECT oid FROM pg_database WHERE datname = $1)",
                                        1, NULL, params, NULL, NULL, 0);
        bool none = PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) == 0;
        PQclear(result);
        if (none || monotonic_seconds() >= until)
            return;
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
    }
}

/*
 * On a server that goes with the run, the cached template the database was
 * cloned from is already its pristine state, and nobody else's: renamed and
 * marked as the run's snapshot in one round trip, instead of a second copy.
 */
static int adopt_private_template(pg_backend *p, const char *snapshot, diag_list *diags)
{
    PQfinish(p->db); /* a template must have no sessions: no reconnection (below) */
    p->db = NULL;
    char *from = pgconn_quote_identifier(p->admin, p->private_template);
    char *to = pgconn_quote_identifier(p->admin, snapshot);
    char *marker = PQescapeLiteral(p->admin, p->marker, strlen(p->marker));
    char *sql = from && to && marker
                    ? strbuf_format("ALTER DATABASE %s RENAME TO %s; COMMENT ON DATABASE %s IS %s; "
                                    "ALTER DATABASE %s ALLOW_CONNECTIONS false",
                                    from, to, to, marker, to)
                    : NULL;
    int rc = sql ? pgconn_command(p->admin, sql, "cannot keep the template as the snapshot", diags)
                 : (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
    free(from);
    free(to);
    PQfreemem(marker);
    free(sql);
    return rc;
}

int pg_snapshot(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (p->private_template) {
        char *snapshot = pg_sibling_name(p, "tpl");
        int rc = snapshot ? adopt_private_template(p, snapshot, diags)
                          : (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
        free(snapshot);
        return rc;
    }
    /* A template must have no sessions: foster's own is the only one yet, and
     * CREATE DATABASE finding it still exiting would wait for it in 100 ms steps. */
    pg_end_sessions(p);
    char *template = pg_sibling_name(p, "tpl");
    char *quoted = template ? pgconn_quote_identifier(p->admin, template) : NULL;
    char *closed =
        quoted ? strbuf_format("ALTER DATABASE %s ALLOW_CONNECTIONS false", quoted) : NULL;
    int rc = closed ? pg_create_marked(p->admin, template, p->database, p->marker, diags) : -1;
    /* Nobody connects to the template by mistake (a session would block copies). */
    if (rc == 0)
        rc = pgconn_command(p->admin, closed, "cannot close the template", diags);
    free(template);
    free(quoted);
    free(closed);
    /* No reconnection: a session of foster's on the database would block
     * whoever copies it (Django's test --parallel does); the next use reconnects. */
    return rc;
}

/* Which of the template, the next copy (marked) and an old copy exist: one query. */
static void siblings_present(pg_backend *p, const char *template, const char *next, const char *old,
                             bool *have_template, bool *have_next, bool *have_old)
{
    const char *params[] = {template, next, old};
    PGresult *result = PQexecParams(p->admin,
                                    "SELECT datname, coalesce(shobj_description(oid, "
                                    "'pg_database'), '') LIKE '" DB_MARKER_PREFIX "%' "
                                    "FROM pg_database WHERE datname IN ($1, $2, $3)",
                                    3, NULL, params, NULL, NULL, 0);
    *have_template = *have_next = *have_old = false;
    for (int i = 0; PQresultStatus(result) == PGRES_TUPLES_OK && i < PQntuples(result); i++) {
        const char *name = PQgetvalue(result, i, 0);
        bool marked = strcmp(PQgetvalue(result, i, 1), "t") == 0;
        *have_template = *have_template || strcmp(name, template) == 0;
        *have_next = *have_next || (marked && strcmp(name, next) == 0);
        *have_old = *have_old || strcmp(name, old) == 0;
    }
    PQclear(result);
}

/* The copy made ahead of time takes the database's place; the old one goes to <db>_old. */
static int swap_in_next(pg_backend *p, const char *next, const char *old, diag_list *diags)
{
    char *current = pgconn_quote_identifier(p->admin, p->database);
    char *spare = pgconn_quote_identifier(p->admin, next);
    char *retired = pgconn_quote_identifier(p->admin, old);
    char *sql =
        current && spare && retired
            ? strbuf_format("ALTER DATABASE %s RENAME TO %s; ALTER DATABASE %s RENAME TO %s",
                            current, retired, spare, current)
            : NULL;
    int rc = sql ? pgconn_command(p->admin, sql, "cannot put the next copy in place", diags) : -1;
    free(current);
    free(spare);
    free(retired);
    free(sql);
    return rc;
}

int pg_put_pristine(pg_backend *p, bool *retired, diag_list *diags)
{
    *retired = false;
    pg_end_sessions(p);
    char *next = pg_sibling_name(p, "next");
    char *template = pg_sibling_name(p, "tpl");
    char *old = pg_sibling_name(p, "old");
    int rc = next && template && old ? 0 : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "out of memory");
    bool have_template = false, have_next = false, have_old = false;
    if (rc == 0)
        siblings_present(p, template, next, old, &have_template, &have_next, &have_old);
    if (rc == 0 && !have_template) {
        diag_add(diags, NULL, 0, 0, "no template %s to reset from", template);
        rc = -1;
    }
    if (rc == 0 && have_old) /* left by a process that died before dropping it */
        rc = pg_drop_marked(p->admin, old, diags);
    if (rc == 0 && have_next) {
        rc = swap_in_next(p, next, old, diags);
        *retired = rc == 0;
    } else if (rc == 0) {
        rc = pg_drop_marked(p->admin, p->database, diags);
        if (rc == 0)
            rc = pg_create_marked(p->admin, p->database, template, p->marker, diags);
    }
    free(next);
    free(template);
    free(old);
    return rc;
}

/*
 * Returns the database to the template's state (pg_put_pristine), then gets
 * the next copy under way: in a process that lives on, a pipeline nobody
 * waits for until the next reset; else the run's detached helper
 * (pgnext.c), which a one-shot reset asks first to do it all.
 */
int pg_reset(backend *b, bool keep_next_ready, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (!keep_next_ready && !p->admin && pg_serves_resets_by_helper(p)) {
        if (p->db) { /* the helper ends the sessions: this one would be left broken */
            PQfinish(p->db);
            p->db = NULL;
        }
        if (pg_reset_by_helper(p) == 0)
            return 0;
    }
    if (pg_connect_admin(p, diags) < 0)
        return -1;
    pg_finish_pending(p);
    /* A one-shot reset holds the helper's lock until the helper it starts below has it: no
     * helper resets under it. A process that lives on makes its next copy itself. */
    int held = -1;
    if (keep_next_ready)
        pg_wait_for_helper(p, false);
    else
        held = pg_hold_helper(p);
    bool retired = false;
    int rc = pg_put_pristine(p, &retired, diags);
    char *old = retired ? pg_sibling_name(p, "old") : NULL;
    if (rc == 0 && keep_next_ready) {
        char *next = pg_sibling_name(p, "next");
        char *template = pg_sibling_name(p, "tpl");
        char *quoted_old = old ? pgconn_quote_identifier(p->admin, old) : NULL;
        if (next && template && (!old || quoted_old))
            prepare_next(p, next, template, quoted_old);
        free(next);
        free(template);
        free(quoted_old);
    } else if (rc == 0) {
        int started = pg_prepare_next_detached(p, held);
        held = -1; /* handed over */
        if (started < 0 && old)
            rc = pg_drop_marked(p->admin, old, diags); /* else the next reset copies */
    }
    next_helper_release(held);
    free(old);
    return rc;
}

backend *pg_copy(backend *b, const char *suffix, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_connect_admin(p, diags) < 0)
        return NULL;
    pg_finish_pending(p);
    pg_backend *c = (pg_backend *)backend_postgres_new(p->source);
    char *template = pg_sibling_name(p, "tpl");
    if (!c || !template || !(c->database = pg_sibling_name(p, suffix)) ||
        !(c->marker = strdup(p->marker))) {
        free(template);
        if (c)
            c->source_borrowed = true, b->ops->free(&c->base);
        return diag_add(diags, NULL, 0, 0, "out of memory"), NULL;
    }
    c->source_borrowed = true;
    c->patience = p->patience;
    int rc = pg_create_marked(p->admin, c->database, template, p->marker, diags);
    free(template);
    if (rc == 0) {
        c->created = c->marked = true;
        c->host = strdup(p->host);
        c->port = strdup(p->port);
        c->user = strdup(p->user);
        c->password = p->password ? strdup(p->password) : NULL;
        c->url = pgconn_url(p->user, p->host, p->port, c->database);
    }
    if (rc < 0 || !c->host || !c->port || !c->user || !c->url || (p->password && !c->password)) {
        if (rc == 0)
            pg_drop_marked(p->admin, c->database, diags);
        b->ops->free(&c->base);
        return rc < 0 ? NULL : (diag_add(diags, NULL, 0, 0, "out of memory"), NULL);
    }
    return &c->base;
}

int pg_test_begin(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_ensure_database(p, diags) < 0)
        return -1;
    return pgconn_command(p->db, "BEGIN; SAVEPOINT foster_test", "cannot begin the test", diags);
}

int pg_test_end(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_ensure_database(p, diags) < 0)
        return -1;
    return pgconn_command(p->db, "ROLLBACK", "cannot roll the test back", diags);
}

void *pg_connection(const backend *b)
{
    pg_backend *p = (pg_backend *)b; /* connecting on first use changes no visible state */
    diag_list ignored = DIAG_LIST_INIT;
    pg_ensure_database(p, &ignored);
    diag_list_clear(&ignored);
    return p->db;
}
