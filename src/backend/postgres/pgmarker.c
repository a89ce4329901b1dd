/*
 * pgmarker.c — creating, recognising and dropping marked databases. See
 * pgmarker.h.
 */
#include "pgmarker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgconn.h"
#include "strbuf.h"

char *pg_marker_text(const char *run_id)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    return strbuf_format(PG_MARKER_PREFIX "%s; pid %ld; host %s", run_id, (long)getpid(), host);
}

static bool is_marker(const char *comment)
{
    return strncmp(comment, PG_MARKER_PREFIX, strlen(PG_MARKER_PREFIX)) == 0;
}

char *pg_create_database_sql(PGconn *admin, const char *name, const char *template)
{
    char *quoted = pgconn_quote_identifier(admin, name);
    char *quoted_template = pgconn_quote_identifier(admin, template);
    char *sql = quoted && quoted_template
                    ? strbuf_format("CREATE DATABASE %s TEMPLATE %s%s", quoted, quoted_template,
                                    PQserverVersion(admin) >= 150000 ? " STRATEGY FILE_COPY" : "")
                    : NULL;
    free(quoted);
    free(quoted_template);
    return sql;
}

int pg_mark_database(PGconn *admin, const char *name, const char *marker, diag_list *diags)
{
    char *quoted = pgconn_quote_identifier(admin, name);
    char *literal = PQescapeLiteral(admin, marker, strlen(marker));
    char *sql =
        quoted && literal ? strbuf_format("COMMENT ON DATABASE %s IS %s", quoted, literal) : NULL;
    int rc = sql ? pgconn_command(admin, sql, "cannot mark the test database", diags)
                 : (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
    free(quoted);
    PQfreemem(literal);
    free(sql);
    return rc;
}

int pg_create_marked(PGconn *admin, const char *name, const char *template, const char *marker,
                     diag_list *diags)
{
    char *sql = pg_create_database_sql(admin, name, template);
    if (!sql)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    int rc = pgconn_command(admin, sql, "cannot create a test database", diags);
    free(sql);
    return rc == 0 ? pg_mark_database(admin, name, marker, diags) : -1;
}

/*
 * -1 on error (with a diag), 0 when `name` does not exist, 1 unmarked, 2
 * marked (its comment then into *comment when `comment` is not NULL; caller
 * frees): one query.
 */
static int marker_state(PGconn *admin, const char *name, char **comment, diag_list *diags)
{
    const char *params[] = {name};
    PGresult *result = PQexecParams(admin,
                                    "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
                                    "FROM pg_database WHERE datname = $1",
                                    1, NULL, params, NULL, NULL, 0);
    int state = -1;
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        char *message = pgconn_short_message(PQresultErrorMessage(result));
        diag_add(diags, NULL, 0, 0, "cannot read the marker of %s: %s", name,
                 message ? message : "failed");
        free(message);
    } else if (PQntuples(result) == 0) {
        state = 0;
    } else {
        const char *text = PQgetvalue(result, 0, 0);
        state = is_marker(text) ? 2 : 1;
        if (state == 2 && comment && !(*comment = strdup(text))) {
            diag_add(diags, NULL, 0, 0, "out of memory");
            state = -1;
        }
    }
    PQclear(result);
    return state;
}

int pg_marker_read(PGconn *admin, const char *name, bool *marked, char **comment, diag_list *diags)
{
    int state = marker_state(admin, name, comment, diags);
    *marked = state == 2;
    return state < 0 ? -1 : 0;
}

int pg_drop_marked(PGconn *admin, const char *name, diag_list *diags)
{
    int state = marker_state(admin, name, NULL, diags);
    if (state <= 0)
        return state;
    if (state == 1) {
        diag_add(diags, NULL, 0, 0,
                 "refusing to drop database \"%s\": it does not carry foster's marker", name);
        return -1;
    }
    char *quoted = pgconn_quote_identifier(admin, name);
    /* WITH (FORCE) ends the sessions the tests left open (PostgreSQL 13+). */
    char *sql = quoted ? strbuf_format("DROP DATABASE IF EXISTS %s%s", quoted,
                                       PQserverVersion(admin) >= 130000 ? " WITH (FORCE)" : "")
                       : NULL;
    int rc = sql ? pgconn_command(admin, sql, "cannot drop a test database", diags) : -1;
    free(quoted);
    free(sql);
    return rc;
}

/* "foster test database; run ID; pid N; host H" into its parts. */
static int parse_marker(const char *comment, pg_marked_database *out)
{
    char run_id[64] = "", host[256] = "";
    long pid = 0;
    int fields =
        sscanf(comment, PG_MARKER_PREFIX "%63[^;]; pid %ld; host %255[^\n]", run_id, &pid, host);
    if (fields < 2)
        return -1;
    out->run_id = strdup(run_id);
    out->host = strdup(host);
    out->pid = (pid_t)pid;
    return out->run_id && out->host ? 0 : -1;
}

int pg_marked_databases(PGconn *admin, pg_marked_database **out, size_t *count, diag_list *diags)
{
    *out = NULL;
    *count = 0;
    PGresult *result = PQexec(admin, "SELECT datname, shobj_description(oid, 'pg_database') "
                                     "FROM pg_database WHERE shobj_description(oid, "
                                     "'pg_database') LIKE '" PG_MARKER_PREFIX "%' "
                                     "ORDER BY datname");
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        char *message = pgconn_short_message(PQresultErrorMessage(result));
        diag_add(diags, NULL, 0, 0, "cannot list the server's databases: %s",
                 message ? message : "failed");
        free(message);
        PQclear(result);
        return -1;
    }
    int rows = PQntuples(result);
    *out = calloc(rows ? (size_t)rows : 1, sizeof **out);
    for (int i = 0; *out && i < rows; i++) {
        pg_marked_database *d = &(*out)[*count];
        if (parse_marker(PQgetvalue(result, i, 1), d) < 0) {
            free(d->run_id);
            free(d->host);
            memset(d, 0, sizeof *d);
            continue;
        }
        if (!(d->name = strdup(PQgetvalue(result, i, 0))))
            break;
        ++*count;
    }
    PQclear(result);
    if (!*out)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    return 0;
}

void pg_marked_databases_free(pg_marked_database *databases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(databases[i].name);
        free(databases[i].run_id);
        free(databases[i].host);
    }
    free(databases);
}
