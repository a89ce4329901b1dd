/*
 * pgbatch.c — a schema pass's statements sent as a pipeline: each is sent
 * without waiting for the one before to be answered, and the answers are
 * read at a sync every PG_BATCH_CHUNK statements and at the end. On a
 * pg_dump of an owner's schema (hundreds of CREATE INDEX and ALTER TABLE,
 * each a fraction of a millisecond on the server) the round trip was most of
 * each statement's cost: 0.12 ms each on the 11-table bench schema's 59
 * statements, 7 ms of its 27 ms of keys, indexes and tables.
 *
 * The first statement that fails is reported as it would have been alone (at
 * its file and line; a key the rows break as a violation); the server skips
 * the rest of the pipeline, and the transaction they are in is rolled back
 * by the caller. The chunks keep the answers unread at any time small: a
 * client that only sends while the server only answers would otherwise
 * block on a full socket both ways.
 */
#include <stdlib.h>

#include "backend_postgres.h"

/* Statements sent between two syncs. */
#define PG_BATCH_CHUNK 200

void pg_batch_begin(pg_batch *b, pg_backend *p)
{
    *b = (pg_batch){.p = p};
}

/* Adds "what: <the connection's error>"; the batch has failed. -1. */
static int fail(pg_batch *b, const char *what, diag_list *diags)
{
    pgconn_add_error(diags, b->p->db, what);
    b->failed = true;
    return -1;
}

/* Reads the answers of the statements sent since the last sync, up to and with the sync. */
static int read_answers(pg_batch *b, diag_list *diags)
{
    PGconn *conn = b->p->db;
    size_t at = 0;
    for (;;) {
        PGresult *result = PQgetResult(conn);
        if (!result) {
            if (PQstatus(conn) != CONNECTION_OK)
                break; /* nothing more comes */
            at++;      /* the end of one statement's answer */
            continue;
        }
        ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_PIPELINE_SYNC) {
            PQclear(result);
            break;
        }
        if (status == PGRES_FATAL_ERROR && !b->failed && at < b->count) {
            const pg_batch_item *item = &b->items[at];
            pg_statement_failed(b->p, result, item->maps_positions, item->source, item->file,
                                item->post_data, diags);
            b->failed = true;
        } else if (status == PGRES_FATAL_ERROR && !b->failed) {
            pgconn_add_result_error(diags, result, "PostgreSQL rejected a statement");
            b->failed = true;
        }
        PQclear(result);
    }
    if (PQstatus(conn) != CONNECTION_OK && !b->failed)
        fail(b, "lost the connection to the server", diags);
    b->count = 0;
    return b->failed ? -1 : 0;
}

static int sync_and_read(pg_batch *b, diag_list *diags)
{
    return PQpipelineSync(b->p->db) == 1 ? read_answers(b, diags)
                                         : fail(b, "cannot send the schema", diags);
}

int pg_batch_add(pg_batch *b, const char *sql, const sql_statement *source, const char *file,
                 bool post_data, diag_list *diags)
{
    if (b->failed)
        return -1;
    if (!b->piping) {
        if (PQenterPipelineMode(b->p->db) != 1)
            return fail(b, "cannot send the schema as a pipeline", diags);
        b->piping = true;
    }
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 64;
        pg_batch_item *items = realloc(b->items, capacity * sizeof *items);
        if (!items)
            return diag_add(diags, NULL, 0, 0, "out of memory"), b->failed = true, -1;
        b->items = items;
        b->capacity = capacity;
    }
    /* libpq copies the text into its buffer: `sql` may go once this returns */
    if (PQsendQueryParams(b->p->db, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return fail(b, "cannot send the schema", diags);
    b->items[b->count++] = (pg_batch_item){source, file, source && sql == source->text, post_data};
    return b->count < PG_BATCH_CHUNK ? 0 : sync_and_read(b, diags);
}

int pg_batch_end(pg_batch *b, int rc, diag_list *diags)
{
    if (b->piping && !(b->failed && PQstatus(b->p->db) != CONNECTION_OK))
        rc = sync_and_read(b, diags) < 0 ? -1 : rc;
    if (b->piping)
        PQexitPipelineMode(b->p->db);
    free(b->items);
    *b = (pg_batch){0};
    return rc;
}
