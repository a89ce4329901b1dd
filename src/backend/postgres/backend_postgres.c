/*
 * backend_postgres.c — the PostgreSQL implementation of backend.h.
 *
 * A test database is a new database on a server that a pg_source provides,
 * marked with a COMMENT ON DATABASE naming the run. The owner's DDL runs as
 * pgschema.c says, in pg_restore's phases around the load. Fixtures go
 * through COPY ... FROM STDIN in CSV form, streamed; the server's "line N" is
 * mapped back to the fixture's own line.
 */
#include "backend_postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgconn.h"
#include "pgcopy.h"
#include "pgmarker.h"
#include "pgsource.h"
#include "pgwait.h"
#include "pqapi.h"
#include "strbuf.h"

/*
 * COPY data is sent in pieces of about this size: smaller than the socket's
 * send buffer (~208 KiB), so the server starts on a piece while foster reads
 * the next instead of idling until a bigger one has arrived whole.
 */
#define PG_COPY_CHUNK (64 * 1024)

pg_backend *as_pg(backend *b)
{
    return (pg_backend *)b;
}

/*
 * Remembers how to reach the test database, for the URL and PG* variables,
 * from a connection to its server (`conn`: to it, or to the server's
 * administrative database, with the same host, port and user).
 */
int pg_describe_connection(pg_backend *p, PGconn *conn)
{
    return pg_describe(p, PQhost(conn), PQport(conn), PQuser(conn), PQpass(conn));
}

int pg_describe(pg_backend *p, const char *host, const char *port, const char *user,
                const char *password)
{
    free(p->host); /* a reset reconnects: describe again */
    free(p->port);
    free(p->user);
    free(p->password);
    p->host = strdup(host ? host : "");
    p->port = strdup(port ? port : "5432");
    p->user = strdup(user ? user : "");
    p->password = password && *password ? strdup(password) : NULL;
    if (!p->host || !p->port || !p->user || (password && *password && !p->password))
        return -1;
    free(p->url);
    p->url = pgconn_url(p->user, p->host, p->port, p->database);
    return p->url ? 0 : -1;
}

int pg_connect_database(pg_backend *p, diag_list *diags)
{
    char *conninfo = p->source->ops->conninfo(p->source, p->database);
    if (!conninfo)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    p->db = pgconn_connect_patiently(conninfo, &p->patience, diags);
    free(conninfo);
    if (!p->db)
        return -1;
    if (pg_describe_connection(p, p->db) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    return 0;
}

int pg_ensure_database(pg_backend *p, diag_list *diags)
{
    return p->db ? 0 : pg_connect_database(p, diags);
}

int pg_connect_admin(pg_backend *p, diag_list *diags)
{
    if (p->admin)
        return 0;
    char *conninfo = p->source->ops->conninfo(p->source, NULL);
    if (!conninfo)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    p->admin = pgconn_connect_patiently(conninfo, &p->patience, diags);
    free(conninfo);
    if (!p->admin)
        return -1;
    return 0;
}

/* "<database>_<suffix>": the snapshot, the next copy and the workers' copies. */
char *pg_sibling_name(const pg_backend *p, const char *suffix)
{
    return strbuf_format("%s_%s", p->database, suffix);
}

int pg_server_ready(pg_backend *p, diag_list *diags)
{
    return p->source->ops->start(p->source, diags) < 0 || pg_connect_admin(p, diags) < 0 ? -1 : 0;
}

/* CREATE DATABASE `database_name` TEMPLATE `template`, then its marker. 0 or -1. */
static int create_marked(pg_backend *p, const char *database_name, const char *run_id,
                         const char *template, diag_list *diags)
{
    free(p->database);
    free(p->marker);
    p->database = strdup(database_name);
    p->marker = db_marker_text(run_id, p->runtime_dir, false);
    if (!p->database || !p->marker)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    char *sql = pg_create_database_sql(p->admin, database_name, template);
    int rc = sql ? pgconn_command(p->admin, sql, "cannot create the test database", diags) : -1;
    free(sql);
    if (rc < 0)
        return -1;
    p->created = true;
    if (pg_mark_database(p->admin, database_name, p->marker, diags) < 0)
        return -1;
    p->marked = true;
    return 0;
}

int pg_create_from(pg_backend *p, const char *database_name, const char *run_id,
                   const char *template, diag_list *diags)
{
    return create_marked(p, database_name, run_id, template, diags) < 0
               ? -1
               : pg_connect_database(p, diags);
}

int pg_clone_database(pg_backend *p, const char *database_name, const char *run_id,
                      const char *template, diag_list *diags)
{
    if (create_marked(p, database_name, run_id, template, diags) < 0)
        return -1;
    /* The same server, port and user as the administrative connection. */
    return pg_describe_connection(p, p->admin) < 0
               ? (diag_add(diags, NULL, 0, 0, "out of memory"), -1)
               : 0;
}

int pg_take_back_create(pg_backend *p, diag_list *diags)
{
    PQfinish(p->db);
    p->db = NULL;
    bool server_goes = !p->source_borrowed && p->source->ephemeral;
    if (p->created && !server_goes && p->admin &&
        (p->marked ? pg_drop_marked : pg_drop_created)(p->admin, p->database, diags) == 0)
        p->created = p->marked = false;
    if (!p->source_borrowed)
        p->source->ops->stop(p->source, diags);
    return -1;
}

static int pg_create(backend *b, const char *database_name, const char *run_id, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    /* template0: nothing a site added to template1 leaks in. */
    if (pg_server_ready(p, diags) == 0 &&
        pg_create_from(p, database_name, run_id, "template0", diags) == 0)
        return 0;
    return pg_take_back_create(p, diags);
}

static diag_kind pg_open_existing(backend *b, const char *url, bool *marked, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (p->source)
        return pg_open_recorded(p, url, marked, diags);
    if (!(p->source = pg_source_existing(url)))
        return diag_add(diags, NULL, 0, 0, "out of memory"), DIAG_OUT_OF_MEMORY;
    diag_list problems = DIAG_LIST_INIT;
    p->db = pgconn_connect_patiently(url, &p->patience, &problems);
    if (!p->db) {
        bool gone = pg_database_listed(p, url) == 0;
        if (!gone)
            diag_list_move(diags, &problems);
        diag_list_clear(&problems);
        return gone ? DIAG_NOT_FOUND : DIAG_ENGINE;
    }
    p->database = strdup(PQdb(p->db));
    if (!p->database || pg_describe_connection(p, p->db) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), DIAG_OUT_OF_MEMORY;
    if (pg_marker_read(p->db, p->database, marked, &p->marker, diags) < 0)
        return DIAG_ENGINE;
    p->marked = *marked;
    return DIAG_NONE;
}

static int pg_load_begin(backend *b, const schema_set *schemas, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    p->schemas = schemas;
    if (pg_ensure_database(p, diags) < 0 ||
        pgconn_command(p->db, "BEGIN", "cannot start the load", diags) < 0)
        return -1;
    /* Only the cycles' foreign keys were made deferrable; defer them. */
    return pgconn_command(p->db, "SET CONSTRAINTS ALL DEFERRED", "cannot defer constraints", diags);
}

static void forget_copy(pg_backend *p)
{
    free(p->table);
    free(p->file);
    for (size_t i = 0; i < p->column_count; i++)
        free(p->columns[i]);
    free(p->columns);
    pg_copy_lines_free(&p->lines);
    p->table = p->file = NULL;
    p->columns = NULL;
    p->column_count = 0;
    strbuf_reset(&p->copy_buffer);
}

static int pg_table_begin(backend *b, const char *schema, const char *table,
                          const backend_row *header, const char *file, bool deferred,
                          diag_list *diags)
{
    pg_backend *p = as_pg(b);
    (void)deferred; /* deferral is per constraint here: see pg_load_begin */
    forget_copy(p);
    p->table = strdup(table);
    p->file = strdup(file);
    p->columns = calloc(header->count ? header->count : 1, sizeof *p->columns);
    char *name = pgconn_quote_table(p->db, schema, table);
    if (!p->table || !p->file || !p->columns || !name) {
        free(name);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    strbuf sql = STRBUF_INIT;
    strbuf_appendf(&sql, "COPY %s (", name);
    free(name);
    for (size_t i = 0; i < header->count; i++) {
        char *column = pgconn_quote_identifier(p->db, header->fields[i].value);
        p->columns[p->column_count++] = strdup(header->fields[i].value);
        strbuf_appendf(&sql, "%s%s", i ? ", " : "", column ? column : "\"\"");
        free(column);
    }
    strbuf_append_str(&sql, ") FROM STDIN WITH (FORMAT csv)");
    PGresult *result = PQexec(p->db, strbuf_str(&sql));
    strbuf_free(&sql);
    if (PQresultStatus(result) == PGRES_COPY_IN) {
        PQclear(result);
        return 0;
    }
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    diag_add(diags, file, header->line, 0, "cannot load into \"%s\": %s", table,
             message ? message : "failed");
    free(message);
    PQclear(result);
    return -1;
}

static int flush_copy(pg_backend *p, diag_list *diags)
{
    if (!p->copy_buffer.length)
        return 0;
    if (PQputCopyData(p->db, p->copy_buffer.data, (int)p->copy_buffer.length) != 1) {
        pgconn_add_error(diags, p->db, "cannot send fixture rows");
        return -1;
    }
    strbuf_reset(&p->copy_buffer);
    return 0;
}

static int pg_table_row(backend *b, const backend_row *row, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    for (size_t i = 0; i < row->count; i++) {
        if (i)
            strbuf_append_char(&p->copy_buffer, ',');
        pg_copy_append_field(&p->copy_buffer, &row->fields[i]);
    }
    strbuf_append_char(&p->copy_buffer, '\n');
    if (p->copy_buffer.failed || pg_copy_note_line(&p->lines, row->line) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    return p->copy_buffer.length >= PG_COPY_CHUNK ? flush_copy(p, diags) : 0;
}

/* The column number of `column` in the header, for messages. */
static int header_column(const pg_backend *p, const char *column)
{
    for (size_t i = 0; i < p->column_count; i++)
        if (strcmp(p->columns[i], column) == 0)
            return (int)i + 1;
    return 0;
}

/*
 * Turns a failed COPY or constraint check into a diag: at the fixture's line
 * when COPY names the record, else with the violation as data (table,
 * constraint, key column and value) for src/fixtures/ to find the line.
 * `file`: the file being copied, NULL for a deferred check.
 */
diag *pg_add_load_error(pg_backend *p, PGresult *result, const char *file, diag_list *diags)
{
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    const char *detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    char column[128];
    long long record =
        pg_copy_context_record(PQresultErrorField(result, PG_DIAG_CONTEXT), column, sizeof column);
    int line = record > 0 ? pg_copy_line_of_record(&p->lines, record) : 0;
    diag *d = diag_add(diags, file, line, 0, "%s%s%s", message ? message : "failed",
                       detail ? ": " : "", detail ? detail : "");
    /* The key of a unique or foreign key violation: PostgreSQL's DETAIL format. */
    char key_column[128], key_value[256];
    if (!line && detail && sscanf(detail, "Key (%127[^)])=(%255[^)])", key_column, key_value) == 2)
        diag_set_violation(d, PQresultErrorField(result, PG_DIAG_TABLE_NAME),
                           PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME), key_column,
                           key_value, record > 0 ? record : 0);
    if (d && column[0] && record > 0) {
        int index = header_column(p, column);
        if (index && file && str_has_suffix(file, ".csv"))
            diag_set_hint(d, "column %d of the header, \"%s\"", index, column);
        else if (index)
            diag_set_hint(d, "column \"%s\"", column);
    }
    free(message);
    return d;
}

static int pg_table_end(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    int rc = flush_copy(p, diags);
    if (PQputCopyEnd(p->db, rc == 0 ? NULL : "foster: stopped") != 1 && rc == 0) {
        pgconn_add_error(diags, p->db, "cannot finish COPY");
        rc = -1;
    }
    PGresult *result;
    while ((result = PQgetResult(p->db))) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && rc == 0) {
            pg_add_load_error(p, result, p->file, diags);
            rc = -1;
        }
        PQclear(result);
    }
    forget_copy(p);
    return rc;
}

/*
 * Checks the deferred foreign keys now. A violation names the table; the
 * offending row is looked for in that table's fixtures.
 */
static int check_constraints(pg_backend *p, diag_list *diags)
{
    PGresult *result = PQexec(p->db, "SET CONSTRAINTS ALL IMMEDIATE");
    int rc = 0;
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
        pg_add_load_error(p, result, NULL, diags);
        rc = -1;
    }
    PQclear(result);
    return rc;
}

static int pg_check_deferred(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (check_constraints(p, diags) < 0)
        return -1;
    return pgconn_command(p->db, "SET CONSTRAINTS ALL DEFERRED", "cannot defer constraints", diags);
}

static int pg_exec_sql(backend *b, const sql_statement *statement, const char *file,
                       diag_list *diags)
{
    return pg_run_statement(as_pg(b), statement, file, diags);
}

static int pg_load_end(backend *b, bool commit, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    forget_copy(p);
    if (commit && check_constraints(p, diags) == 0 && pg_move_sequences(p, diags) == 0 &&
        pgconn_command(p->db, "COMMIT", "cannot commit the fixtures", diags) == 0)
        return 0;
    diag_list ignored = DIAG_LIST_INIT;
    pgconn_command(p->db, "ROLLBACK", "rollback", &ignored);
    diag_list_clear(&ignored);
    return commit ? -1 : 0;
}

/* The test database with its snapshot and next copy. */
static int drop_all(pg_backend *p, diag_list *diags)
{
    if (pg_connect_admin(p, diags) < 0)
        return -1;
    pg_finish_pending(p);
    pg_end_sessions(p); /* else the drop waits for them in 100 ms steps */
    int rc = pg_drop_marked(p->admin, p->database, diags);
    const char *suffixes[] = {"next", "old", "tpl"};
    for (size_t i = 0; rc == 0 && !p->source_borrowed && i < 3; i++) {
        char *name = pg_sibling_name(p, suffixes[i]);
        rc = name ? pg_drop_marked(p->admin, name, diags) : -1;
        free(name);
    }
    return rc;
}

/*
 * A cluster that keeps its data directory for the template cache: the run's
 * databases go first, so that the cache holds the template alone. When they
 * cannot (the server died), nothing is kept, and the server goes as usual.
 */
static void keep_template_only(pg_backend *p)
{
    diag_list ignored = DIAG_LIST_INIT;
    if (drop_all(p, &ignored) == 0)
        p->source->ops->keep_template(p->source);
    diag_list_clear(&ignored);
    p->keeping_template = false;
}

static int pg_drop(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (!p->created && !p->marked) {
        diag_add(diags, NULL, 0, 0, "refusing to drop a database foster did not create");
        return -1;
    }
    forget_copy(p);
    PQfinish(p->db);
    p->db = NULL;
    pg_wait_for_helper(p, true); /* the next copy's helper: done, its lock file gone */
    int rc = 0;
    /* An ephemeral server goes with everything in it: no need to drop first. */
    if (!p->source->ephemeral || p->source_borrowed)
        rc = drop_all(p, diags);
    else if (p->keeping_template)
        keep_template_only(p);
    PQfinish(p->admin);
    p->admin = NULL;
    if (!p->source_borrowed && p->source->ops->stop(p->source, diags) < 0)
        rc = -1;
    return rc;
}

static const char *pg_database(const backend *b)
{
    return ((const pg_backend *)b)->database;
}

static const char *pg_url(const backend *b)
{
    return ((const pg_backend *)b)->url;
}

static int pg_environment(const backend *b, env_var **vars, size_t *count)
{
    const pg_backend *p = (const pg_backend *)b;
    if (env_list_add(vars, count, "DATABASE_URL", p->url) < 0 ||
        env_list_add(vars, count, "PGHOST", p->host) < 0 ||
        env_list_add(vars, count, "PGPORT", p->port) < 0 ||
        env_list_add(vars, count, "PGDATABASE", p->database) < 0 ||
        env_list_add(vars, count, "PGUSER", p->user) < 0)
        return -1;
    if (p->password && env_list_add(vars, count, "PGPASSWORD", p->password) < 0)
        return -1;
    return 0;
}

static void pg_free(backend *b)
{
    pg_backend *p = as_pg(b);
    if (!p)
        return;
    forget_copy(p);
    strbuf_free(&p->copy_buffer);
    /* Guarded: a one-shot reset its helper served never loads libpq, nor should this. */
    if (p->db)
        PQfinish(p->db);
    if (p->admin) {
        pg_finish_pending(p);
        PQfinish(p->admin);
    }
    if (p->source && !p->source_borrowed)
        p->source->ops->free(p->source);
    free(p->marker);
    free(p->template_key);
    free(p->private_template);
    free(p->runtime_dir);
    free(p->database);
    free(p->url);
    free(p->host);
    free(p->port);
    free(p->user);
    if (p->password)
        explicit_bzero(p->password, strlen(p->password));
    free(p->password);
    free(p);
}

static const backend_ops pg_ops = {
    .name = "postgres",
    .array_literals = true,
    .create = pg_create,
    .open_existing = pg_open_existing,
    .create_tables = pg_create_tables,
    .finish_schema = pg_finish_schema,
    .load_begin = pg_load_begin,
    .table_begin = pg_table_begin,
    .table_row = pg_table_row,
    .table_end = pg_table_end,
    .check_deferred = pg_check_deferred,
    .exec_sql = pg_exec_sql,
    .load_end = pg_load_end,
    .snapshot = pg_snapshot,
    .prefer_template = pg_prefer_template,
    .create_cached = pg_create_cached,
    .template_store = pg_template_store,
    .reset = pg_reset,
    .settle = pg_settle,
    .copy = pg_copy,
    .test_begin = pg_test_begin,
    .test_end = pg_test_end,
    .connection = pg_connection,
    .drop = pg_drop,
    .drop_copy = pg_drop_copy,
    .mark_kept = pg_mark_kept,
    .release = pg_release,
    .database = pg_database,
    .url = pg_url,
    .environment = pg_environment,
    .free = pg_free,
};

backend *backend_postgres_new(struct pg_source *source)
{
    pg_backend *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->base.ops = &pg_ops;
    p->source = source;
    return &p->base;
}
