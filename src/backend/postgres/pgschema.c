/*
 * pgschema.c — the owner's DDL on PostgreSQL, in pg_restore's phases
 * (src/sql/ddl_phase.h): before the load, the pre-data statements (schemas,
 * types, sequences, CREATE TABLE) file by file in dependency order; after
 * it, in one transaction, the indexes and the primary and unique keys, then
 * the foreign keys (one validating join each, instead of a trigger call per
 * row; cycles need no special order), then the triggers. DDL runs as written,
 * minus what ddl.c says a throwaway copy skips.
 *
 * Foreign keys of tables in a cycle are made DEFERRABLE (still INITIALLY
 * IMMEDIATE, so the application sees the owner's behaviour), so that `load`
 * can later defer them while rows of the whole cycle arrive.
 *
 * A key the loaded rows break is reported as data (table, constraint, and
 * the conflicting rows, found by the key's own comparison: pgconflict.c), in
 * the words PostgreSQL uses when a row breaks it on arrival, for
 * src/fixtures/ to name the fixture line: only the failing path pays for
 * finding it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_postgres.h"
#include "ddl_phase.h"
#include "pgconn.h"
#include "strbuf.h"

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

/* "PostgreSQL rejected the statement: ..." at the statement's place. */
static void add_statement_error(PGresult *result, bool maps_positions, const sql_statement *source,
                                const char *file, diag_list *diags)
{
    const char *position = PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION);
    int line = source ? source->line : 0, column = 0;
    if (position && source && maps_positions)
        position_in_statement(source, atoi(position), &line, &column);
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    diag *d = diag_add(diags, source ? file : NULL, line, column,
                       "PostgreSQL rejected the statement: %s", message ? message : "failed");
    const char *hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT);
    if (hint)
        diag_set_hint(d, "%s", hint);
    free(message);
}

static bool succeeded(PGresult *result)
{
    ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

int pg_run_statement(pg_backend *p, const sql_statement *source, const char *file, diag_list *diags)
{
    PGresult *result = PQexec(p->db, source->text);
    int rc = succeeded(result) ? 0 : -1;
    if (rc < 0)
        add_statement_error(result, true, source, file, diags);
    PQclear(result);
    return rc;
}

void pg_statement_failed(pg_backend *p, PGresult *result, bool maps_positions,
                         const sql_statement *source, const char *file, bool post_data,
                         diag_list *diags)
{
    /* After the load, a key the rows break is a violation, anything else the DDL's fault. */
    const char *state = post_data ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
    if (state && strcmp(state, "23503") == 0) /* foreign_key_violation */
        pg_add_load_error(p, result, NULL, diags);
    else if (state && (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0))
        pg_conflict_note(p, result, source, diags); /* unique_violation, exclusion_violation */
    else
        add_statement_error(result, maps_positions, source, file, diags);
}

static bool is_foreign_key_statement(const ddl_statement *st)
{
    return st->kind == DDL_ALTER_TABLE && st->reference_count > 0;
}

/* Foreign keys of a table in a cycle: DEFERRABLE, so `load` can defer them. */
static char *deferrable_version(const char *sql)
{
    if (strcasestr(sql, "deferrable"))
        return strdup(sql);
    return strbuf_format("%s DEFERRABLE INITIALLY IMMEDIATE", sql);
}

/* Whether a prelude (the owner's CREATE SCHEMA a dump's support objects need) makes `name`. */
static bool prelude_creates_schema(const schema_set *schemas, const char *name)
{
    for (size_t k = 0; k < schemas->prelude_count; k++)
        for (size_t s = 0; s < schemas->preludes[k].statement_count; s++) {
            const ddl_statement *st = &schemas->preludes[k].statements[s];
            if (st->object == DDL_OBJECT_SCHEMA && st->object_name &&
                strcmp(st->object_name, name) == 0 && ddl_statement_creates(st))
                return true;
        }
    return false;
}

/* The tables' schemas the preludes, which run next, do not create. */
static int create_schemas(pg_backend *p, const schema_set *schemas, diag_list *diags)
{
    for (size_t i = 0; i < schemas->count; i++) {
        const ddl_table *table = schema_set_table(schemas, i);
        if (!table || !table->schema || prelude_creates_schema(schemas, table->schema))
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

/* Which statements one pass over the files runs. */
typedef enum pass {
    PASS_PRE_DATA,
    PASS_KEYS_AND_INDEXES, /* post-data but foreign keys */
    PASS_FOREIGN_KEYS,
    PASS_TRIGGERS,
} pass;

static bool in_pass(const ddl_statement *st, pass which)
{
    switch (ddl_statement_phase(st)) {
    case DDL_PHASE_PRE_DATA:
        return which == PASS_PRE_DATA;
    case DDL_PHASE_POST_DATA:
        return which == (is_foreign_key_statement(st) ? PASS_FOREIGN_KEYS : PASS_KEYS_AND_INDEXES);
    case DDL_PHASE_TRIGGERS:
        return which == PASS_TRIGGERS;
    default:
        return false;
    }
}

static bool sets_search_path(const ddl_statement *st)
{
    return st->kind == DDL_SETTING && strncasecmp(st->source->text, "SELECT", 6) == 0;
}

int pg_search_path_begin(pg_batch *batch, const ddl_file *file, bool pre_data, bool *set,
                         diag_list *diags)
{
    *set = false;
    for (size_t s = 0; s < file->statement_count; s++) {
        const ddl_statement *st = &file->statements[s];
        if (!sets_search_path(st))
            continue;
        *set = true;
        if (!pre_data &&
            pg_batch_add(batch, st->source->text, st->source, file->display_name, false, diags) < 0)
            return -1;
    }
    return 0;
}

int pg_search_path_done(pg_batch *batch, bool set, diag_list *diags)
{
    return set ? pg_batch_add(batch, "SET LOCAL search_path TO DEFAULT", NULL, NULL, false, diags)
               : 0;
}

/* A pass's statements of one file, its own search_path around them. */
static int send_file(pg_batch *batch, const schema_set *schemas, size_t i, pass which,
                     diag_list *diags)
{
    const ddl_file *file = &schemas->files[i];
    bool path_set;
    if (pg_search_path_begin(batch, file, which == PASS_PRE_DATA, &path_set, diags) < 0)
        return -1;
    for (size_t s = 0; s < file->statement_count; s++) {
        const ddl_statement *st = &file->statements[s];
        if (!in_pass(st, which))
            continue;
        char *sql = NULL;
        if (which == PASS_FOREIGN_KEYS && schemas->cyclic[i] &&
            !(sql = deferrable_version(st->source->text)))
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
        int rc = pg_batch_add(batch, sql ? sql : st->source->text, st->source, file->display_name,
                              which != PASS_PRE_DATA, diags);
        free(sql);
        if (rc < 0)
            return -1;
    }
    return pg_search_path_done(batch, path_set, diags);
}

/* One pass over the files, in dependency order, sent as a pipeline (pgbatch.c). */
static int run_pass(pg_backend *p, const schema_set *schemas, pass which, diag_list *diags)
{
    pg_batch batch;
    pg_batch_begin(&batch, p);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < schemas->count; k++)
        rc = send_file(&batch, schemas, schemas->order[k], which, diags);
    return pg_batch_end(&batch, rc, diags);
}

static int commit_or_roll_back(pg_backend *p, int rc, const char *what, diag_list *diags)
{
    if (rc == 0)
        return pgconn_command(p->db, "COMMIT", what, diags);
    diag_list ignored = DIAG_LIST_INIT;
    pgconn_command(p->db, "ROLLBACK", "rollback", &ignored);
    diag_list_clear(&ignored);
    return -1;
}

int pg_create_tables(backend *b, const schema_set *schemas, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pgconn_command(p->db, "BEGIN", "cannot start a transaction", diags) < 0)
        return -1;
    /* pg_dump files empty the search_path; the fixtures' names need public. */
    int rc = create_schemas(p, schemas, diags);
    if (rc == 0)
        rc = pg_run_preludes(p, schemas, DDL_PHASE_PRE_DATA, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, PASS_PRE_DATA, diags);
    return commit_or_roll_back(p, rc, "cannot commit the tables", diags);
}

int pg_finish_schema(backend *b, const schema_set *schemas, diag_list *diags)
{
    pg_backend *p = as_pg(b);
    if (pg_ensure_database(p, diags) < 0 ||
        pgconn_command(p->db, "BEGIN", "cannot start a transaction", diags) < 0)
        return -1;
    int rc = pg_run_preludes(p, schemas, DDL_PHASE_POST_DATA, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, PASS_KEYS_AND_INDEXES, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, PASS_FOREIGN_KEYS, diags);
    if (rc == 0)
        rc = pg_run_preludes(p, schemas, DDL_PHASE_TRIGGERS, diags);
    if (rc == 0)
        rc = run_pass(p, schemas, PASS_TRIGGERS, diags);
    rc = commit_or_roll_back(p, rc, "cannot commit the keys and indexes", diags);
    if (p->conflict) /* the rows that broke a key, now that the pass is rolled back */
        pg_conflict_locate(p, diags);
    return rc;
}
