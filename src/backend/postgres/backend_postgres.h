/*
 * backend_postgres.h — the inside of the PostgreSQL backend, shared by
 * backend_postgres.c (create, schema, load, drop) and pgreset.c (snapshot,
 * reset, copies, savepoints). Not installed.
 */
#ifndef FOSTER_BACKEND_POSTGRES_H
#define FOSTER_BACKEND_POSTGRES_H

#include <stdbool.h>

#include "backend.h"
#include "pgconn.h"
#include "pgcopy.h"
#include "pgsource.h"
#include "pqapi.h"
#include "strbuf.h"

typedef struct pg_backend {
    backend base;
    pg_source *source;
    PGconn *admin; /* to the server's administrative database */
    PGconn *db;    /* to the test database */
    char *database;
    char *url;
    char *host, *port, *user, *password;
    bool created, marked;
    bool source_borrowed;      /* a copy: the server belongs to the backend it was copied from */
    bool next_pending;         /* background work (drop the old copy, make the next) is under way */
    int pending_syncs;         /* its statements, each ended by a pipeline sync */
    char *marker;              /* the COMMENT every database of this run carries */
    const schema_set *schemas; /* given to load_begin: whose fixtures are whose */
    char *runtime_dir;         /* absolute, named in the marker; NULL when unknown */
    pgconn_patience patience;  /* how every connection waits out a busy server */
    char *template_key;        /* the server template this run builds, lock held; NULL: none */
    bool keeping_template;     /* the cluster keeps its data directory at stop: drop first */
    char *private_template;    /* on a server that goes with the run, the cached template the
                                  database was cloned from: renamed to be its snapshot */

    struct pg_conflict *conflict; /* a key the loaded rows broke, to locate (pgconflict.c) */

    /* The COPY in progress. */
    char *table, *file;
    char **columns;
    size_t column_count;
    strbuf copy_buffer;
    pg_copy_lines lines;
} pg_backend;

pg_backend *as_pg(backend *b);

/*
 * Whether the server lists the database `url` names: 1, 0, or -1 when that
 * cannot be told (pgowner.c: asked of the catalog).
 */
int pg_database_listed(pg_backend *p, const char *url);

/* Connects the backend to its test database / to the server's administrative database. */
int pg_connect_database(pg_backend *p, diag_list *diags);
int pg_connect_admin(pg_backend *p, diag_list *diags);
/* Connects to the test database unless connected: foster holds no session on it while the
 * tests run (a session blocks CREATE DATABASE ... TEMPLATE), and reconnects on use. */
int pg_ensure_database(pg_backend *p, diag_list *diags);

/* Sets the host, port, user, password (NULL or "": none) and the URL they make. 0 or -1. */
int pg_describe(pg_backend *p, const char *host, const char *port, const char *user,
                const char *password);
/* pg_describe with what `conn` reached. */
int pg_describe_connection(pg_backend *p, PGconn *conn);

/* Starts the server (a no-op for an existing one) and connects to its administrative database. */
int pg_server_ready(pg_backend *p, diag_list *diags);

/*
 * CREATE DATABASE `database_name` TEMPLATE `template`, marked as run
 * `run_id`'s, then connects to it (pg_server_ready first). 0 or -1.
 */
int pg_create_from(pg_backend *p, const char *database_name, const char *run_id,
                   const char *template, diag_list *diags);

/*
 * After a create that failed half-way: takes back what it made, the
 * database it created moments ago (marked or not: no other process can have
 * made it under this run's name) and the server it started. The session
 * drops only a database that was provisioned, and the run's record goes
 * with the failure. Returns -1.
 */
int pg_take_back_create(pg_backend *p, diag_list *diags);

/*
 * As pg_create_from, for a copy of a template that is complete already: no
 * connection to it is opened (none is needed before the tests reconnect),
 * its URL is described from the administrative connection's.
 */
int pg_clone_database(pg_backend *p, const char *database_name, const char *run_id,
                      const char *template, diag_list *diags);

/* pgtemplate.c, as backend_ops: the template cache on the server. */
int pg_create_cached(backend *b, const char *database_name, const char *run_id, const char *key,
                     const char *identity, bool *hit, char *why, size_t why_size, diag_list *diags);
int pg_prefer_template(backend *b, const char *key);
int pg_template_store(backend *b, const char *cache_dir, const char *key, const char *identity,
                      diag_list *diags);
/* Gives the template build lock back (closing the admin connection also does). */
void pg_template_unlock(pg_backend *p);

/* "<database>_<suffix>": the snapshot (tpl), the next copy (next) and workers' copies. */
char *pg_sibling_name(const pg_backend *p, const char *suffix);

/* Collects the CREATE DATABASE of the next copy, if one is under way. */
void pg_finish_pending(pg_backend *p);
/*
 * Closes foster's own session on the run's database and ends the others,
 * waiting (1 ms polls, bounded) until their server processes are gone.
 */
void pg_end_sessions(pg_backend *p);

/*
 * Runs `source` of the file `file` (a fixture's SQL); a refusal is a diag at
 * the statement's line and the column PostgreSQL names. 0 or -1.
 */
int pg_run_statement(pg_backend *p, const sql_statement *source, const char *file,
                     diag_list *diags);

/*
 * A schema statement refused by the server, as a diag at its place in
 * `file` (the column PostgreSQL names when `maps_positions`: the text sent
 * was the source's own); after the load (`post_data`), a key the rows break
 * is a violation instead, for src/fixtures/ to name the row. `source` NULL:
 * a statement of foster's own, said without a place.
 */
void pg_statement_failed(pg_backend *p, PGresult *result, bool maps_positions,
                         const sql_statement *source, const char *file, bool post_data,
                         diag_list *diags);

/*
 * pgconflict.c: a unique or exclusion key the loaded rows break when it is
 * built (SQLSTATE 23505, 23P01 after the load). pg_conflict_note adds the
 * diag (in PostgreSQL's words for a row refused on arrival, its DETAIL, the
 * violation's table and constraint) and remembers the key, from the DETAIL
 * and `source`, the statement that failed (may be NULL); returns the diag.
 * Once the pass is rolled back, pg_conflict_locate finds two rows that
 * conflict by the key's own comparison and gives that diag their values
 * (diag_set_key_rows); nothing when they cannot be found. Both forget the
 * key; pg_conflict_forget only that.
 */
typedef struct pg_conflict pg_conflict;
diag *pg_conflict_note(pg_backend *p, PGresult *result, const sql_statement *source,
                       diag_list *diags);
void pg_conflict_locate(pg_backend *p, diag_list *diags);
void pg_conflict_forget(pg_backend *p);

/*
 * pgbatch.c: a schema pass's statements sent as a pipeline, answered at a
 * sync every 200 statements and at the end; the first refusal is reported
 * as pg_statement_failed says it. Begin, add (0, or -1 once a statement
 * failed or the connection did), end with the pass's own result (`rc`):
 * that, or -1 when a statement failed.
 */
typedef struct pg_batch_item {
    const sql_statement *source;
    const char *file;
    bool maps_positions, post_data;
} pg_batch_item;
typedef struct pg_batch {
    pg_backend *p;
    pg_batch_item *items; /* those sent since the last sync */
    size_t count, capacity;
    bool piping, failed;
} pg_batch;
void pg_batch_begin(pg_batch *b, pg_backend *p);
int pg_batch_add(pg_batch *b, const char *sql, const sql_statement *source, const char *file,
                 bool post_data, diag_list *diags);
int pg_batch_end(pg_batch *b, int rc, diag_list *diags);

/*
 * A file's own search_path (pgschema.c): pg_dump's set_config('search_path',
 * '', ...) is honoured for that file's statements in every phase and undone
 * after it (pg_search_path_done), so that the next file, hand-written with
 * unqualified names, is read with the server's. pg_search_path_begin sets
 * *set when the file has one and, outside the pre-data phase (which runs it
 * in the file's own order), adds it to `batch` before the file's statements.
 */
int pg_search_path_begin(pg_batch *batch, const ddl_file *file, bool pre_data, bool *set,
                         diag_list *diags);
int pg_search_path_done(pg_batch *batch, bool set, diag_list *diags);

/*
 * A failed COPY or constraint check as a diag: at the fixture's line when
 * COPY names the record, else with the violation as data (table, constraint,
 * key column and value) for src/fixtures/ to find the line. `file`: the file
 * being copied, NULL otherwise. Returns the diag (NULL when memory ran out).
 */
diag *pg_add_load_error(pg_backend *p, PGresult *result, const char *file, diag_list *diags);

/*
 * pgsequences.c: moves every sequence a column takes its values from past
 * the largest value loaded into that column. 0, or -1 with a diag.
 */
int pg_move_sequences(pg_backend *p, diag_list *diags);

/* pgschema.c, as backend_ops: the pre-data statements, then after the load the rest. */
/* Runs the statements of the schema set's preludes (pgprelude.c) whose load phase
 * (ddl_phase) is `phase`, in order; a missing extension is named with its package. */
int pg_run_preludes(pg_backend *p, const schema_set *schemas, int phase, diag_list *diags);

int pg_create_tables(backend *b, const schema_set *schemas, diag_list *diags);
int pg_finish_schema(backend *b, const schema_set *schemas, diag_list *diags);

/*
 * pgnext.c: the next reset's copy made by the run's detached helper, for a
 * process that does not live on (`up`, a one-shot `foster reset`). Starts
 * the helper, which drops <db>_old (when there, and marked) and creates
 * <db>_next from the template, marked, then stays to serve resets; returns
 * without waiting. `held`: the helper's lock, held since a reset began
 * (pg_hold_helper), handed over to the helper (closed either way); -1: none.
 * 0, or -1 when no helper could start (no runtime directory, its lock held,
 * no fork).
 */
int pg_prepare_next_detached(pg_backend *p, int held);

/* Whether the run's helper stays to serve resets (on a server of the run's own). */
bool pg_serves_resets_by_helper(const pg_backend *p);
/* Asks the run's helper to reset the database: 0 when it did, -1 when there is none or it
 * could not (the caller then resets by itself). Needs neither libpq nor a connection. */
int pg_reset_by_helper(pg_backend *p);
/* Asks the run's helper whether the database exists and carries the marker (it reads the
 * catalog), and how the server is reached: 0, with the marker and the connection described,
 * when it does; -1 when there is no helper or it could not say. Needs no libpq. */
int pg_open_by_helper(pg_backend *p);

/*
 * pgreset.c: ends the sessions on the database and puts a pristine copy in
 * its place: the next copy made ahead, swapped in by two renames (the
 * database retired as <db>_old: *retired), else a new copy of the template.
 * Connected to the administrative database. 0 or -1.
 */
int pg_put_pristine(pg_backend *p, bool *retired, diag_list *diags);

/* Waits (bounded) for the run's helper to finish; `remove`: also removes its lock file. */
void pg_wait_for_helper(pg_backend *p, bool remove);
/* Waits (bounded) for the run's helper to finish and holds its lock (next_helper_hold):
 * no helper works on the databases until it is let go or handed over. -1: not held. */
int pg_hold_helper(pg_backend *p);
/* backend_ops.settle: waits for the run's helper, its lock file left. */
void pg_settle(backend *b);

/* pgreset.c, as backend_ops. */
int pg_snapshot(backend *b, diag_list *diags);
int pg_reset(backend *b, bool keep_next_ready, diag_list *diags);
backend *pg_copy(backend *b, const char *suffix, diag_list *diags);
int pg_test_begin(backend *b, diag_list *diags);
int pg_test_end(backend *b, diag_list *diags);
void *pg_connection(const backend *b);

/*
 * pgowner.c: a recorded run's database (its kind gave the source): whether it
 * exists and carries the marker, read from the catalog on the connection to
 * the administrative database (or told by the run's helper, which read it
 * so). No session is opened on the database itself: a reset would have to
 * wait for it to end. As backend_ops.open_existing.
 */
diag_kind pg_open_recorded(pg_backend *p, const char *url, bool *marked, diag_list *diags);

/* pgowner.c, as backend_ops. */
int pg_drop_copy(backend *b, const char *suffix, diag_list *diags);
int pg_mark_kept(backend *b, diag_list *diags);
void pg_release(backend *b);

#endif
