/*
 * backend_postgres.c — the PostgreSQL implementation of backend.h.
 *
 * A test database is a new database on a server that a pg_source provides,
 * marked with a COMMENT ON DATABASE naming the run. The owner's DDL runs as
 * written (minus what ddl.c says a throwaway copy skips), in two passes:
 * everything but foreign keys, file by file in dependency order, then the
 * foreign keys, so that cycles can be created at all. Foreign keys of tables
 * in a cycle are made DEFERRABLE (still INITIALLY IMMEDIATE, so the
 * application sees the owner's behaviour) and deferred while loading.
 * Fixtures go through COPY ... FROM STDIN in CSV form, streamed; the server's
 * "line N" is mapped back to the fixture's own line.
 */
#include "backend.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "pgconn.h"
#include "pgcopy.h"
#include "pgsource.h"
#include "pgwait.h"
#include "strbuf.h"

/* What every foster database's comment starts with: the marker of rule 1. */
#define PG_MARKER_PREFIX "foster test database; run "

/* COPY data is sent in pieces of about this size. */
#define PG_COPY_CHUNK (256 * 1024)

typedef struct pg_backend {
    backend base;
    pg_source *source;
    PGconn *admin; /* to the server's administrative database */
    PGconn *db;    /* to the test database */
    char *database;
    char *url;
    char *host, *port, *user, *password;
    bool created, marked;
    bool source_borrowed; /* a copy: the server belongs to the backend it was copied from */
    bool next_pending;    /* CREATE DATABASE <db>_next was sent and not yet collected */
    char *marker;         /* the COMMENT every database of this run carries */
    int server_version;
    const schema_set *schemas; /* given to load_begin: whose fixtures are whose */

    /* The COPY in progress. */
    char *table, *file;
    char **columns;
    size_t column_count;
    strbuf copy_buffer;
    pg_copy_lines lines;
} pg_backend;

static pg_backend *as_pg(backend *b)
{
    return (pg_backend *)b;
}

/* Remembers how to reach the test database, for the URL and PG* variables. */
static int describe_connection(pg_backend *p)
{
    const char *host = PQhost(p->db);
    const char *port = PQport(p->db);
    const char *user = PQuser(p->db);
    const char *password = PQpass(p->db);
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

static int connect_database(pg_backend *p, diag_list *diags)
{
    char *conninfo = p->source->ops->conninfo(p->source, p->database);
    if (!conninfo)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    p->db = pgconn_connect(conninfo, diags);
    free(conninfo);
    if (!p->db)
        return -1;
    if (describe_connection(p) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    return 0;
}

static int connect_admin(pg_backend *p, diag_list *diags)
{
    if (p->admin)
        return 0;
    char *conninfo = p->source->ops->conninfo(p->source, NULL);
    if (!conninfo)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    p->admin = pgconn_connect(conninfo, diags);
    free(conninfo);
    if (!p->admin)
        return -1;
    p->server_version = PQserverVersion(p->admin);
    return 0;
}

/* "<database>_<suffix>": the snapshot, the next copy and the workers' copies. */
static char *sibling_name(const pg_backend *p, const char *suffix)
{
    return strbuf_format("%s_%s", p->database, suffix);
}

/*
 * CREATE DATABASE `name` from `template`, then the run's marker on it.
 * FILE_COPY is the faster strategy for a database this small (PostgreSQL 15+).
 */
static char *create_sql(const pg_backend *p, const char *name, const char *template)
{
    char *quoted = pgconn_quote_identifier(p->admin, name);
    char *quoted_template = pgconn_quote_identifier(p->admin, template);
    char *sql = quoted && quoted_template
                    ? strbuf_format("CREATE DATABASE %s TEMPLATE %s%s", quoted, quoted_template,
                                    p->server_version >= 150000 ? " STRATEGY FILE_COPY" : "")
                    : NULL;
    free(quoted);
    free(quoted_template);
    return sql;
}

static int mark_database(pg_backend *p, const char *name, diag_list *diags)
{
    char *quoted = pgconn_quote_identifier(p->admin, name);
    char *literal = PQescapeLiteral(p->admin, p->marker, strlen(p->marker));
    char *sql =
        quoted && literal ? strbuf_format("COMMENT ON DATABASE %s IS %s", quoted, literal) : NULL;
    int rc = sql ? pgconn_command(p->admin, sql, "cannot mark the test database", diags)
                 : (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
    free(quoted);
    PQfreemem(literal);
    free(sql);
    return rc;
}

static int create_marked(pg_backend *p, const char *name, const char *template, diag_list *diags)
{
    char *sql = create_sql(p, name, template);
    if (!sql)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    int rc = pgconn_command(p->admin, sql, "cannot create a test database", diags);
    free(sql);
    return rc == 0 ? mark_database(p, name, diags) : -1;
}

static int pg_create(backend *b, const char *database_name, const char *run_id, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (p->source->ops->start(p->source, diags) < 0 || connect_admin(p, diags) < 0)
        return -1;
    p->database = strdup(database_name);
    p->marker = strbuf_format(PG_MARKER_PREFIX "%s; pid %ld", run_id, (long)getpid());
    if (!p->database || !p->marker)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    /* template0: nothing a site added to template1 leaks in. */
    char *sql = create_sql(p, database_name, "template0");
    int rc = sql ? pgconn_command(p->admin, sql, "cannot create the test database", diags) : -1;
    free(sql);
    if (rc < 0)
        return -1;
    p->created = true;
    if (mark_database(p, database_name, diags) < 0)
        return -1;
    p->marked = true;
    return connect_database(p, diags);
}

/*
 * Whether database `name` carries the marker (rule 1); its comment goes to
 * *comment (caller frees) when the caller wants it. *marked is false for a
 * database that does not exist.
 */
static int has_marker(PGconn *conn, const char *name, bool *marked, char **comment,
                      diag_list *diags)
{
    const char *params[] = {name};
    PGresult *result = PQexecParams(conn,
                                    "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
                                    "FROM pg_database WHERE datname = $1",
                                    1, NULL, params, NULL, NULL, 0);
    int rc = 0;
    *marked = false;
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        char *message = pgconn_short_message(PQresultErrorMessage(result));
        diag_add(diags, NULL, 0, 0, "cannot read the marker of %s: %s", name,
                 message ? message : "failed");
        free(message);
        rc = -1;
    } else if (PQntuples(result) == 1) {
        const char *text = PQgetvalue(result, 0, 0);
        *marked = strncmp(text, PG_MARKER_PREFIX, strlen(PG_MARKER_PREFIX)) == 0;
        if (comment && *marked && !(*comment = strdup(text)))
            rc = -1;
    }
    PQclear(result);
    return rc;
}

static int pg_open_existing(backend *b, const char *url, bool *marked, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (!p->source) {
        p->source = pg_source_existing(url);
        if (!p->source)
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    diag_list problems = DIAG_LIST_INIT;
    p->db = pgconn_connect(url, &problems);
    if (!p->db) {
        /* SQLSTATE 3D000 is not exposed for connections: the text is all there is. */
        const diag *d = diag_list_last(&problems);
        bool gone = d && strstr(d->message, "database \"") && strstr(d->message, "does not exist");
        if (!gone)
            diag_list_move(diags, &problems);
        diag_list_clear(&problems);
        return gone ? 1 : -1;
    }
    p->database = strdup(PQdb(p->db));
    if (!p->database || describe_connection(p) < 0)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (has_marker(p->db, p->database, marked, &p->marker, diags) < 0)
        return -1;
    p->marked = *marked;
    return 0;
}

/* Positions in a statement's text become file lines and columns. */
static void position_in_statement(const sql_statement *st, int offset, int *line, int *column)
{
    *line = st->line;
    *column = st->column;
    for (int i = 0; i + 1 < offset && st->text[i]; i++) {
        if (st->text[i] == '\n') {
            ++*line;
            *column = 1;
        } else {
            ++*column;
        }
    }
}

static int run_statement(pg_backend *p, const char *sql, const sql_statement *source,
                         const char *file, diag_list *diags)
{
    PGresult *result = PQexec(p->db, sql);
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        PQclear(result);
        return 0;
    }
    const char *position = PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION);
    int line = source->line, column = 0;
    if (position && sql == source->text)
        position_in_statement(source, atoi(position), &line, &column);
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    diag *d = diag_add(diags, file, line, column, "PostgreSQL rejected the statement: %s",
                       message ? message : "failed");
    const char *hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT);
    if (hint)
        diag_set_hint(d, "%s", hint);
    free(message);
    PQclear(result);
    return -1;
}

static bool is_foreign_key_statement(const ddl_statement *st)
{
    return st->kind == DDL_ALTER_TABLE && st->reference_count > 0;
}

/* Foreign keys of a table in a cycle: DEFERRABLE, so the load can defer them. */
static char *deferrable_version(const char *sql)
{
    if (strcasestr(sql, "deferrable"))
        return strdup(sql);
    return strbuf_format("%s DEFERRABLE INITIALLY IMMEDIATE", sql);
}

static int create_schemas(pg_backend *p, const schema_set *schemas, diag_list *diags)
{
    for (size_t i = 0; i < schemas->count; i++) {
        const ddl_table *table = schema_set_table(schemas, i);
        if (!table || !table->schema)
            continue;
        char *name = pgconn_quote_identifier(p->db, table->schema);
        char *sql = name ? strbuf_format("CREATE SCHEMA IF NOT EXISTS %s", name) : NULL;
        int rc = sql ? pgconn_command(p->db, sql, "cannot create schema", diags) : -1;
        free(name);
        free(sql);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Pass 1: all but foreign keys; pass 2: the foreign keys. */
static int run_pass(pg_backend *p, const schema_set *schemas, bool foreign_keys, diag_list *diags)
{
    for (size_t k = 0; k < schemas->count; k++) {
        size_t i = schemas->order[k];
        const ddl_file *file = &schemas->files[i];
        for (size_t s = 0; s < file->statement_count; s++) {
            const ddl_statement *st = &file->statements[s];
            if (st->kind == DDL_SKIP || is_foreign_key_statement(st) != foreign_keys)
                continue;
            char *sql = NULL;
            if (foreign_keys && schemas->cyclic[i] && !(sql = deferrable_version(st->source->text)))
                return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
            int rc = run_statement(p, sql ? sql : st->source->text, st->source, file->display_name,
                                   diags);
            free(sql);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int pg_create_tables(backend *b, const schema_set *schemas, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    /* pg_dump files empty the search_path; the fixtures' names need public. */
    if (pgconn_command(p->db, "BEGIN", "cannot start a transaction", diags) < 0)
        return -1;
    int rc = create_schemas(p, schemas, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, false, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, true, diags);
    if (rc == 0)
        return pgconn_command(p->db, "COMMIT", "cannot commit the tables", diags);
    pgconn_command(p->db, "ROLLBACK", "rollback", &(diag_list)DIAG_LIST_INIT);
    return -1;
}

static int pg_load_begin(backend *b, const schema_set *schemas, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    p->schemas = schemas;
    if (pgconn_command(p->db, "BEGIN", "cannot start the load", diags) < 0)
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

static int pg_table_begin(backend *b, const char *schema, const char *table, const csv_row *header,
                          const char *file, bool deferred, diag_list *diags)
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

static int pg_table_row(backend *b, const csv_row *row, diag_list *diags)
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
 * Turns a failed COPY or constraint check into a diag at the fixture's line.
 * `files` are where the offending row may be: the file being copied, or all
 * fixtures of the table a deferred check names.
 */
static void add_load_error(pg_backend *p, PGresult *result, char *const *files, size_t file_count,
                           diag_list *diags)
{
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    const char *detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    char column[128];
    long long record =
        pg_copy_context_record(PQresultErrorField(result, PG_DIAG_CONTEXT), column, sizeof column);
    const char *file = file_count ? files[0] : NULL;
    int line = record > 0 ? pg_copy_line_of_record(&p->lines, record) : 0;
    int field_column = 0;
    char key_column[128], key_value[256];
    if (!line && detail && sscanf(detail, "Key (%127[^)])=(%255[^)])", key_column, key_value) == 2)
        for (size_t f = 0; f < file_count && !line; f++)
            if ((line = fixtures_find_value(files[f], key_column, key_value, &field_column)))
                file = files[f];
    diag *d = diag_add(diags, file, line, field_column, "%s%s%s", message ? message : "failed",
                       detail ? ": " : "", detail ? detail : "");
    if (d && column[0] && record > 0) {
        int index = header_column(p, column);
        if (index)
            diag_set_hint(d, "column %d of the header, \"%s\"", index, column);
    }
    free(message);
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
            add_load_error(p, result, &p->file, 1, diags);
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
        const char *table = PQresultErrorField(result, PG_DIAG_TABLE_NAME);
        const manifest_table *owner = NULL;
        const schema_set *schemas = p->schemas;
        for (size_t i = 0; schemas && table && i < schemas->count && !owner; i++) {
            const ddl_table *t = schema_set_table(schemas, i);
            if (t && strcmp(t->bare_name, table) == 0)
                owner = &schemas->manifest->tables[i];
        }
        add_load_error(p, result, owner ? owner->fixture_paths : NULL,
                       owner ? owner->fixture_path_count : 0, diags);
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
    return run_statement(as_pg(b), statement->text, statement, file, diags);
}

/*
 * After loading: every sequence owned by a column (serial, identity) is
 * moved past the largest value loaded, as Django's sqlsequencereset does.
 */
static const char reset_sequences_sql[] =
    "DO $foster$ DECLARE r record; m bigint; BEGIN "
    "FOR r IN SELECT c.oid::regclass AS tbl, a.attname AS col, "
    "  pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS seq "
    "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
    "  JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
    "  AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "  AND n.nspname NOT LIKE 'pg_toast%' LOOP "
    "  CONTINUE WHEN r.seq IS NULL; "
    "  EXECUTE format('SELECT max(%I)::bigint FROM %s', r.col, r.tbl) INTO m; "
    "  IF m IS NOT NULL AND m >= (SELECT seqmin FROM pg_sequence "
    "      WHERE seqrelid = r.seq::regclass) THEN "
    "    PERFORM setval(r.seq, m, true); END IF; "
    "END LOOP; END $foster$";

static int pg_load_end(backend *b, bool commit, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    forget_copy(p);
    if (commit && check_constraints(p, diags) == 0 &&
        pgconn_command(p->db, reset_sequences_sql, "cannot move sequences past the fixtures",
                       diags) == 0 &&
        pgconn_command(p->db, "COMMIT", "cannot commit the fixtures", diags) == 0)
        return 0;
    diag_list ignored = DIAG_LIST_INIT;
    pgconn_command(p->db, "ROLLBACK", "rollback", &ignored);
    diag_list_clear(&ignored);
    return commit ? -1 : 0;
}

/* Collects the CREATE DATABASE of the next copy, if one is under way. */
static void finish_pending(pg_backend *p)
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
    char *next = sibling_name(p, "next");
    diag_list ignored = DIAG_LIST_INIT; /* without it, the next reset copies the template */
    if (created && next)
        mark_database(p, next, &ignored);
    diag_list_clear(&ignored);
    free(next);
}

/* Drops `name` if it exists and carries the marker; refuses one without it. */
static int drop_marked(pg_backend *p, const char *name, diag_list *diags)
{
    bool marked = false;
    PGresult *exists = NULL;
    const char *params[] = {name};
    exists = PQexecParams(p->admin, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, params,
                          NULL, NULL, 0);
    bool present = PQresultStatus(exists) == PGRES_TUPLES_OK && PQntuples(exists) == 1;
    PQclear(exists);
    if (!present)
        return 0;
    if (has_marker(p->admin, name, &marked, NULL, diags) < 0)
        return -1;
    if (!marked) {
        diag_add(diags, NULL, 0, 0,
                 "refusing to drop database \"%s\": it does not carry foster's marker", name);
        return -1;
    }
    char *quoted = pgconn_quote_identifier(p->admin, name);
    /* WITH (FORCE) ends the sessions the tests left open (PostgreSQL 13+). */
    char *sql = quoted ? strbuf_format("DROP DATABASE IF EXISTS %s%s", quoted,
                                       p->server_version >= 130000 ? " WITH (FORCE)" : "")
                       : NULL;
    int rc = sql ? pgconn_command(p->admin, sql, "cannot drop a test database", diags) : -1;
    free(quoted);
    free(sql);
    return rc;
}

/* The test database with its snapshot and next copy. */
static int drop_all(pg_backend *p, diag_list *diags)
{
    if (connect_admin(p, diags) < 0)
        return -1;
    finish_pending(p);
    int rc = drop_marked(p, p->database, diags);
    const char *suffixes[] = {"next", "tpl"};
    for (size_t i = 0; rc == 0 && !p->source_borrowed && i < 2; i++) {
        char *name = sibling_name(p, suffixes[i]);
        rc = name ? drop_marked(p, name, diags) : -1;
        free(name);
    }
    return rc;
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
    int rc = 0;
    /* An ephemeral server goes with everything in it: no need to drop first. */
    if (!p->source->ephemeral || p->source_borrowed)
        rc = drop_all(p, diags);
    PQfinish(p->admin);
    p->admin = NULL;
    if (!p->source_borrowed && p->source->ops->stop(p->source, diags) < 0)
        rc = -1;
    return rc;
}

static int pg_snapshot(backend *b, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    /* A template must have no sessions: foster's own is the only one yet. */
    PQfinish(p->db);
    p->db = NULL;
    char *template = sibling_name(p, "tpl");
    char *quoted = template ? pgconn_quote_identifier(p->admin, template) : NULL;
    char *closed =
        quoted ? strbuf_format("ALTER DATABASE %s ALLOW_CONNECTIONS false", quoted) : NULL;
    int rc = closed ? create_marked(p, template, p->database, diags) : -1;
    /* Nobody connects to the template by mistake (a session would block copies). */
    if (rc == 0)
        rc = pgconn_command(p->admin, closed, "cannot close the template", diags);
    free(template);
    free(quoted);
    free(closed);
    if (rc == 0)
        rc = connect_database(p, diags);
    return rc;
}

static bool database_exists(pg_backend *p, const char *name)
{
    const char *params[] = {name};
    PGresult *result = PQexecParams(p->admin, "SELECT 1 FROM pg_database WHERE datname = $1", 1,
                                    NULL, params, NULL, NULL, 0);
    bool exists = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
    PQclear(result);
    return exists;
}

/*
 * Drop the database and put a copy of the template in its place: the copy
 * made ahead of time (renamed: about a millisecond) when there is one, else a
 * new one. Then, if asked, start the following copy without waiting for it.
 */
static int pg_reset(backend *b, bool keep_next_ready, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (connect_admin(p, diags) < 0)
        return -1;
    finish_pending(p);
    PQfinish(p->db);
    p->db = NULL;
    char *next = sibling_name(p, "next");
    char *template = sibling_name(p, "tpl");
    if (!next || !template) {
        free(next);
        free(template);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    int rc = database_exists(p, template)
                 ? 0
                 : (diag_add(diags, NULL, 0, 0, "no template %s to reset from", template), -1);
    bool have_next = rc == 0 && database_exists(p, next);
    if (rc == 0)
        rc = drop_marked(p, p->database, diags);
    if (rc == 0 && have_next) {
        char *from = pgconn_quote_identifier(p->admin, next);
        char *to = pgconn_quote_identifier(p->admin, p->database);
        char *sql = from && to ? strbuf_format("ALTER DATABASE %s RENAME TO %s", from, to) : NULL;
        rc = sql ? pgconn_command(p->admin, sql, "cannot put the next copy in place", diags) : -1;
        free(from);
        free(to);
        free(sql);
    } else if (rc == 0) {
        rc = create_marked(p, p->database, template, diags);
    }
    if (rc == 0 && keep_next_ready) {
        char *sql = create_sql(p, next, template);
        p->next_pending = sql && PQsendQuery(p->admin, sql) == 1;
        free(sql);
    }
    free(next);
    free(template);
    return rc == 0 ? connect_database(p, diags) : -1;
}

static backend *pg_copy(backend *b, const char *suffix, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (connect_admin(p, diags) < 0)
        return NULL;
    finish_pending(p);
    pg_backend *c = (pg_backend *)backend_postgres_new(p->source);
    char *template = sibling_name(p, "tpl");
    if (!c || !template || !(c->database = sibling_name(p, suffix)) ||
        !(c->marker = strdup(p->marker))) {
        free(template);
        if (c)
            c->source_borrowed = true, b->ops->free(&c->base);
        return diag_add(diags, NULL, 0, 0, "out of memory"), NULL;
    }
    c->source_borrowed = true;
    c->server_version = p->server_version;
    int rc = create_marked(p, c->database, template, diags);
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
            drop_marked(p, c->database, diags);
        b->ops->free(&c->base);
        return rc < 0 ? NULL : (diag_add(diags, NULL, 0, 0, "out of memory"), NULL);
    }
    return &c->base;
}

static int pg_test_begin(backend *b, diag_list *diags)
{
    return pgconn_command(as_pg(b)->db, "BEGIN; SAVEPOINT foster_test", "cannot begin the test",
                          diags);
}

static int pg_test_end(backend *b, diag_list *diags)
{
    return pgconn_command(as_pg(b)->db, "ROLLBACK", "cannot roll the test back", diags);
}

static void *pg_connection(const backend *b)
{
    return ((const pg_backend *)b)->db;
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
    PQfinish(p->db);
    PQfinish(p->admin);
    if (p->admin)
        finish_pending(p);
    if (p->source && !p->source_borrowed)
        p->source->ops->free(p->source);
    free(p->marker);
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
    .create = pg_create,
    .open_existing = pg_open_existing,
    .create_tables = pg_create_tables,
    .load_begin = pg_load_begin,
    .table_begin = pg_table_begin,
    .table_row = pg_table_row,
    .table_end = pg_table_end,
    .check_deferred = pg_check_deferred,
    .exec_sql = pg_exec_sql,
    .load_end = pg_load_end,
    .snapshot = pg_snapshot,
    .reset = pg_reset,
    .copy = pg_copy,
    .test_begin = pg_test_begin,
    .test_end = pg_test_end,
    .connection = pg_connection,
    .drop = pg_drop,
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
