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
#include "pgconn.h"
#include "pgmarker.h"

void pg_finish_pending(pg_backend *p)
{
    if (!p->next_pending)
        return;
    p->next_pending = false;
    bool created = true;
    PGresult *result;
    while ((result = PQgetResult(p->admin))) {
        created = created && PQresultStatus(result) == PGRES_COMMAND_OK;
        PQclear(result);
    }
    char *next = pg_sibling_name(p, "next");
    diag_list ignored = DIAG_LIST_INIT; /* without it, the next reset copies the template */
    if (created && next)
        pg_mark_database(p->admin, next, p->marker, &ignored);
    diag_list_clear(&ignored);
    free(next);
}

int pg_snapshot(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    /* A template must have no sessions: foster's own is the only one yet. */
    PQfinish(p->db);
    p->db = NULL;
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

/*
 * Drop the database and put a copy of the template in its place: the copy
 * made ahead of time (renamed: about a millisecond) when there is one, else a
 * new one. Then, if asked, start the following copy without waiting for it.
 */
/* Most milliseconds a reset waits for foster's own closed session to end. */
#define PG_SESSION_EXIT_WAIT_MS 200

/*
 * Closes foster's session on the database and waits until its server process
 * is gone: DROP DATABASE, even WITH (FORCE), otherwise finds it still exiting
 * and waits for it in 100 ms steps.
 */
static void close_own_session(pg_backend *p)
{
    if (!p->db)
        return;
    char pid[16];
    snprintf(pid, sizeof pid, "%d", PQbackendPID(p->db));
    PQfinish(p->db);
    p->db = NULL;
    const char *params[] = {pid};
    for (int waited = 0; waited < PG_SESSION_EXIT_WAIT_MS; waited++) {
        PGresult *result = PQexecParams(p->admin, "SELECT 1 FROM pg_stat_activity WHERE pid = $1",
                                        1, NULL, params, NULL, NULL, 0);
        bool gone = PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) == 0;
        PQclear(result);
        if (gone)
            return;
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
    }
}

/* Which of the template and the next copy exist: one query. */
static void siblings_present(pg_backend *p, const char *template, const char *next,
                             bool *have_template, bool *have_next)
{
    const char *params[] = {template, next};
    PGresult *result =
        PQexecParams(p->admin, "SELECT datname FROM pg_database WHERE datname IN ($1, $2)", 2, NULL,
                     params, NULL, NULL, 0);
    *have_template = *have_next = false;
    for (int i = 0; PQresultStatus(result) == PGRES_TUPLES_OK && i < PQntuples(result); i++) {
        *have_template = *have_template || strcmp(PQgetvalue(result, i, 0), template) == 0;
        *have_next = *have_next || strcmp(PQgetvalue(result, i, 0), next) == 0;
    }
    PQclear(result);
}

int pg_reset(backend *b, bool keep_next_ready, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_connect_admin(p, diags) < 0)
        return -1;
    pg_finish_pending(p);
    close_own_session(p);
    char *next = pg_sibling_name(p, "next");
    char *template = pg_sibling_name(p, "tpl");
    if (!next || !template) {
        free(next);
        free(template);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    bool have_template, have_next;
    siblings_present(p, template, next, &have_template, &have_next);
    int rc = have_template
                 ? 0
                 : (diag_add(diags, NULL, 0, 0, "no template %s to reset from", template), -1);
    if (rc == 0)
        rc = pg_drop_marked(p->admin, p->database, diags);
    if (rc == 0 && have_next) {
        char *from = pgconn_quote_identifier(p->admin, next);
        char *to = pgconn_quote_identifier(p->admin, p->database);
        char *sql = from && to ? strbuf_format("ALTER DATABASE %s RENAME TO %s", from, to) : NULL;
        rc = sql ? pgconn_command(p->admin, sql, "cannot put the next copy in place", diags) : -1;
        free(from);
        free(to);
        free(sql);
    } else if (rc == 0) {
        rc = pg_create_marked(p->admin, p->database, template, p->marker, diags);
    }
    if (rc == 0 && keep_next_ready) {
        char *sql = pg_create_database_sql(p->admin, next, template);
        p->next_pending = sql && PQsendQuery(p->admin, sql) == 1;
        free(sql);
    }
    free(next);
    free(template);
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
