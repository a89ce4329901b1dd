/*
 * pgmarker.c — creating, recognising and dropping marked databases. See
 * pgmarker.h.
 */
#include "pgmarker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"
#include "strbuf.h"

bool pg_marker_name_fits(const char *name, const char *run_id)
{
    if (strncmp(name, "test_", 5) != 0 || strlen(run_id) != 8)
        return false;
    static const char *const suffixes[] = {"", "_tpl", "_next", "_old"};
    for (const char *at = strstr(name + 5, run_id); at; at = strstr(at + 1, run_id)) {
        if (at[-1] != '_' || at - 1 == name + 4)
            continue;
        const char *rest = at + 8;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (strcmp(rest, suffixes[i]) == 0)
                return true;
        if (rest[0] == '_' && rest[1] && strspn(rest + 1, "0123456789") == strlen(rest + 1))
            return true;
    }
    return false;
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
        state = db_marker_is(text) ? 2 : 1;
        if (state == 2 && comment && !(*comment = strdup(text))) {
            diag_add(diags, NULL, 0, 0, "out of memory");
            state = -1;
        }
    }
    PQclear(result);
    return state;
}

int pg_database_exists(PGconn *admin, const char *name, diag_list *diags)
{
    int state = marker_state(admin, name, NULL, diags);
    return state < 0 ? -1 : state > 0;
}

int pg_marker_read(PGconn *admin, const char *name, bool *marked, char **comment, diag_list *diags)
{
    int state = marker_state(admin, name, comment, diags);
    *marked = state == 2;
    return state < 0 ? -1 : state > 0;
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
    return pg_drop_created(admin, name, diags);
}

int pg_drop_created(PGconn *admin, const char *name, diag_list *diags)
{
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

static void marked_database_free(pg_marked_database *d)
{
    free(d->name);
    d->name = NULL;
    db_marker_free(&d->marker);
}

int pg_marked_databases(PGconn *admin, pg_marked_database **out, size_t *count, diag_list *diags)
{
    *out = NULL;
    *count = 0;
    PGresult *result = PQexec(admin, "SELECT datname, shobj_description(oid, 'pg_database') "
                                     "FROM pg_database WHERE shobj_description(oid, "
                                     "'pg_database') LIKE '" DB_MARKER_PREFIX "%' "
                                     "ORDER BY datname");
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        pgconn_add_result_error(diags, result, "cannot list the server's databases");
        PQclear(result);
        return -1;
    }
    int rows = PQntuples(result);
    *out = calloc(rows ? (size_t)rows : 1, sizeof **out);
    for (int i = 0; *out && i < rows; i++) {
        pg_marked_database *d = &(*out)[*count];
        if (db_marker_parse(PQgetvalue(result, i, 1), &d->marker) < 0) {
            marked_database_free(d);
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
    for (size_t i = 0; i < count; i++)
        marked_database_free(&databases[i]);
    free(databases);
}

int pg_remark_run(PGconn *admin, const char *name, const char *marker, diag_list *diags)
{
    char *pattern = strbuf_format("%s%%", name);
    const char *params[] = {pattern, name};
    PGresult *result =
        pattern ? PQexecParams(admin,
                               "SELECT datname FROM pg_database WHERE datname LIKE $1 AND "
                               "shobj_description(oid, 'pg_database') = "
                               "(SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                               "WHERE datname = $2)",
                               2, NULL, params, NULL, NULL, 0)
                : NULL;
    int rc = PQresultStatus(result) == PGRES_TUPLES_OK ? 0 : -1;
    if (rc < 0)
        pgconn_add_error(diags, admin, "cannot list the run's databases");
    for (int i = 0; rc == 0 && i < PQntuples(result); i++)
        rc = pg_mark_database(admin, PQgetvalue(result, i, 0), marker, diags);
    PQclear(result);
    free(pattern);
    return rc;
}

/* Whether the database `database` is connected to holds a table, view or sequence of its own. */
static int holds_tables(PGconn *database, diag_list *diags)
{
    PGresult *result = PQexec(database, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                                        "n.oid = c.relnamespace WHERE n.nspname NOT IN "
                                        "('pg_catalog', 'information_schema', 'pg_toast')");
    int rc = -1;
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
        rc = strcmp(PQgetvalue(result, 0, 0), "0") != 0;
    else
        pgconn_add_error(diags, database, "cannot look into the half-made database");
    PQclear(result);
    return rc;
}

int pg_adopt_half_made(PGconn *admin, PGconn *database, const char *name, const char *run_id,
                       const char *marker, const char **why, diag_list *diags)
{
    *why = NULL;
    const char *params[] = {name};
    PGresult *result = PQexecParams(admin,
                                    "SELECT shobj_description(oid, 'pg_database') IS NULL "
                                    "FROM pg_database WHERE datname = $1",
                                    1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        pgconn_add_error(diags, admin, "cannot look for the half-made database");
        PQclear(result);
        return -1;
    }
    bool exists = PQntuples(result) == 1;
    bool uncommented = exists && strcmp(PQgetvalue(result, 0, 0), "t") == 0;
    PQclear(result);
    int tables = exists && uncommented && database ? holds_tables(database, diags) : 0;
    if (!exists)
        *why = "it does not exist";
    else if (!pg_marker_name_fits(name, run_id))
        *why = "its name is not one foster gives its run";
    else if (!uncommented)
        *why = "it carries a comment that is not foster's marker";
    else if (!database)
        *why = "it does not carry foster's marker and cannot be looked into";
    else if (tables != 0)
        *why = "it does not carry foster's marker and holds tables";
    if (tables < 0)
        return -1;
    if (*why)
        return 0;
    return pg_mark_database(admin, name, marker, diags) == 0 ? 1 : -1;
}
