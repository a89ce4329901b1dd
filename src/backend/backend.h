/*
 * backend.h — "a database foster can provision into": one interface, one
 * implementation per engine (backend_sqlite.c; PostgreSQL next). Commands and
 * the session never ask which engine they talk to; they call these functions.
 *
 * Life of a backend: backend_*_new -> create (empty database carrying the
 * marker) -> create_tables (pre-data) -> load_begin -> (table_begin,
 * table_row..., table_end | exec_sql)... -> load_end(commit) ->
 * finish_schema (post-data, then triggers) -> snapshot -> ... -> drop -> free.
 * This is pg_restore's order (src/sql/ddl_phase.h says which statement is
 * which): indexes and keys are built once over the loaded rows, foreign keys
 * validated by one join each, and no owner's trigger fires on a fixture row.
 * Or, for a database that exists already: backend_*_new -> open_existing
 * (checks the marker) -> load... / drop -> free.
 *
 * Every function returns 0, or -1 after adding one diag (the file and line of
 * the input at fault when there is one, else the engine's message).
 */
#ifndef FOSTER_BACKEND_H
#define FOSTER_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "backend_row.h"
#include "diag.h"
#include "schema.h"
#include "sqlsplit.h"

typedef struct backend backend;

/* One environment variable for the command under test. */
typedef struct env_var {
    char *name;
    char *value;
} env_var;

typedef struct backend_ops {
    const char *name; /* FOSTER_BACKEND: "sqlite" or "postgres" */
    /* An array column takes a JSON fixture's list as PostgreSQL's array literal
     * ('{"a","b"}'); false: as JSON text (where arrays are translated to TEXT). */
    bool array_literals;

    /* Creates the empty test database `database_name`, marked as run `run_id`'s. */
    int (*create)(backend *b, const char *database_name, const char *run_id, diag_list *diags);

    /*
     * Opens an existing database by URL; `*marked` tells whether it carries
     * foster's marker. Returns DIAG_NONE, DIAG_NOT_FOUND (no diag) when the
     * database does not exist, or another kind with a diag.
     */
    diag_kind (*open_existing)(backend *b, const char *url, bool *marked, diag_list *diags);

    /*
     * Runs the pre-data statements of `schemas` (DDL_PHASE_PRE_DATA: types,
     * sequences, every CREATE TABLE with what is inline in it), in dependency
     * order. The fixtures then load into tables without the keys and indexes
     * finish_schema adds; foreign keys written inline (REFERENCES in CREATE
     * TABLE) are in place already and checked row by row.
     */
    int (*create_tables)(backend *b, const schema_set *schemas, diag_list *diags);

    /*
     * After the load has committed: runs the post-data statements of
     * `schemas` (indexes, then the primary, unique and foreign keys ALTER
     * TABLE adds; SQLite: its indexes, then PRAGMA foreign_key_check once),
     * then the triggers. A key the loaded rows break is reported as data
     * (diag_set_violation: table, constraint, column, value; `duplicate` for
     * a repeated unique key), which src/fixtures/ maps to the fixture's
     * file:line:column; the engine's wording is kept ("duplicate key value
     * violates unique constraint ... already exists", "insert or update on
     * table ... violates foreign key constraint"). Called only when
     * create_tables was (provisioning, check), never by `load`.
     */
    int (*finish_schema)(backend *b, const schema_set *schemas, diag_list *diags);

    /*
     * Starts the one transaction all fixtures load in, foreign keys enforced.
     * `schemas` (borrowed until load_end) tells which fixtures feed which table.
     */
    int (*load_begin)(backend *b, const schema_set *schemas, diag_list *diags);

    /*
     * Starts loading rows of `file` into `table` (in `schema`, NULL for the
     * default one) for the columns the header names.
     * `deferred`: the table references itself or is in a cycle, so its foreign
     * keys are checked by check_deferred rather than row by row.
     */
    int (*table_begin)(backend *b, const char *schema, const char *table, const backend_row *header,
                       const char *file, bool deferred, diag_list *diags);
    int (*table_row)(backend *b, const backend_row *row, diag_list *diags);
    int (*table_end)(backend *b, diag_list *diags);

    /*
     * Checks the foreign keys of the deferred tables loaded since the last
     * call (a whole cycle, once all its tables are in), naming the fixture
     * line of each offending row.
     */
    int (*check_deferred)(backend *b, diag_list *diags);

    /* Runs one statement of a .sql fixture. */
    int (*exec_sql)(backend *b, const sql_statement *statement, const char *file, diag_list *diags);

    /* Commits (after checking what is deferred and moving sequences past the
     * loaded keys) or rolls back. */
    int (*load_end)(backend *b, bool commit, diag_list *diags);

    /*
     * Remembers the database as it is now (just provisioned), so that reset
     * can return to it: SQLite keeps a pristine copy, PostgreSQL a template
     * database (marked, never handed out).
     */
    int (*snapshot)(backend *b, diag_list *diags);

    /*
     * The template cache (both optional; NULL: the engine keeps none).
     * template_restore, right after create: fills the database from the
     * entry `key` of the directory `cache_dir` when that entry was made for
     * exactly `identity` (the text `key` hashes), and sets *hit, so that
     * create_tables, the load and finish_schema are skipped; *hit false and
     * no diag when there is no such entry. 0, or -1 with a diag.
     * template_store, after snapshot on a miss: keeps the snapshot as entry
     * `key` (atomically: a reader sees all of an entry or none of it), then
     * evicts the least recently used beyond the cache's count and age
     * limits. 0, or -1 with a diag (the caller goes on: the cache is
     * optional).
     */
    int (*template_restore)(backend *b, const char *cache_dir, const char *key,
                            const char *identity, bool *hit, diag_list *diags);
    int (*template_store)(backend *b, const char *cache_dir, const char *key, const char *identity,
                          diag_list *diags);

    /*
     * Optional, for an engine that keeps its templates on its server
     * (PostgreSQL; template_restore is then NULL): as create, but when the
     * server holds a template made from exactly `identity` (key `key`), the
     * new database is a copy of it and *hit is set. On a miss the engine
     * may hold a lock on the server until template_store (or drop, or
     * free): concurrent runs of the same inputs wait for one build and
     * copy it rather than each building it. `why` (of `why_size` bytes)
     * gets a phrase for -v: why a miss, or how long the hit waited.
     * template_store then ignores cache_dir. 0, or -1 with a diag.
     * prefer_template (optional), before the server starts: a server that
     * goes with the run may start from a data directory cached for `key`
     * (the cluster), which create_cached then copies from. 0, or -1 (no
     * memory).
     */
    int (*prefer_template)(backend *b, const char *key);
    int (*create_cached)(backend *b, const char *database_name, const char *run_id, const char *key,
                         const char *identity, bool *hit, char *why, size_t why_size,
                         diag_list *diags);

    /*
     * Returns the database to its snapshot. Other SQLite connections see the
     * new content at their next statement; PostgreSQL connections to the
     * database are ended (clients reconnect). `keep_next_ready`: PostgreSQL
     * starts making the following reset's copy before returning, without
     * waiting for it (for a process that lives on, such as a C test suite).
     */
    int (*reset)(backend *b, bool keep_next_ready, diag_list *diags);

    /*
     * Optional: waits (bounded) until the engine's detached helper has made
     * the next copy a reset started (by this process or by a `foster reset`
     * command), so that ending a command's leftovers never stops it half
     * way. NULL: the engine leaves nothing running.
     */
    void (*settle)(backend *b);

    /*
     * A new database copied from the snapshot, named after this one plus
     * "_<suffix>", for a parallel test worker; returned as its own backend,
     * whose drop removes only the copy. NULL with a diag.
     */
    backend *(*copy)(backend *b, const char *suffix, diag_list *diags);

    /*
     * Per-test isolation on foster's own connection: begin marks the state,
     * end rolls everything since back (SAVEPOINT / ROLLBACK TO).
     */
    int (*test_begin)(backend *b, diag_list *diags);
    int (*test_end)(backend *b, diag_list *diags);

    /* The connection foster holds: a sqlite3 * or a PGconn *. */
    void *(*connection)(const backend *b);

    /* Removes the database, its snapshot and its next copy (all must carry the marker). */
    int (*drop)(backend *b, diag_list *diags);

    /*
     * Removes the workers' copy "_<suffix>" that an earlier process made
     * (down, reaping: the run record lists the copies). It must carry the
     * marker; one that is missing already is fine. 0, or -1 with a diag.
     */
    int (*drop_copy)(backend *b, const char *suffix, diag_list *diags);

    /* Marks the database (and its siblings) as kept on purpose by `up`/--keep. 0 or -1. */
    int (*mark_kept)(backend *b, diag_list *diags);

    /*
     * Closes the connections foster needs no more once provisioned, so a
     * run holds none while its command runs; they reopen on use.
     */
    void (*release)(backend *b);

    /* The database's name (SQLite: its file name); valid while the backend lives. */
    const char *(*database)(const backend *b);

    /* The database's URL without password; valid while the backend lives. */
    const char *(*url)(const backend *b);

    /* Adds the engine's variables (DATABASE_URL first). Returns 0 or -1 (no memory). */
    int (*environment)(const backend *b, env_var **vars, size_t *count);

    /* Closes connections and frees everything (does not drop). */
    void (*free)(backend *b);
} backend_ops;

struct backend {
    const backend_ops *ops;
};

/*
 * SQLite. `directory`: where a file-backed database is created (0700, the
 * caller's); NULL for an in-process ":memory:" database.
 */
backend *backend_sqlite_new(const char *directory);

/*
 * PostgreSQL, on the server `source` provides (taken over: freed with the
 * backend). For open_existing only, `source` may be NULL.
 */
struct pg_source;
backend *backend_postgres_new(struct pg_source *source);

/*
 * Who owns a PostgreSQL backend's databases: the runtime directory its
 * marker names (made absolute), and how its connections wait out a busy
 * server (copied; NULL: the default bound, silently).
 */
struct pgconn_patience;
void backend_postgres_set_owner(backend *b, const char *runtime_dir,
                                const struct pgconn_patience *patience);

/* Appends {strdup(name), strdup(value)} to a growing array; -1 when memory ran out. */
int env_list_add(env_var **vars, size_t *count, const char *name, const char *value);
void env_list_free(env_var *vars, size_t count);

#endif
