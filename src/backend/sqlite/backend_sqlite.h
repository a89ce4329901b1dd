/*
 * backend_sqlite.h — the inside of the SQLite backend, shared by
 * backend_sqlite.c (the database: create, open, drop, reset, copies) and
 * sqlite_load.c (fixture rows in, foreign keys checked). Not installed.
 */
#ifndef FOSTER_BACKEND_SQLITE_H
#define FOSTER_BACKEND_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>

#include "backend.h"
#include "ddl_phase.h"

/* "fost" — the value of PRAGMA application_id in every database foster creates. */
#define FOSTER_SQLITE_APPLICATION_ID 0x666f7374

/* A fixture whose foreign keys are checked after its rows are in. */
typedef struct pending_check {
    char *table;
    char *file;
} pending_check;

typedef struct sqlite_backend {
    backend base;
    char *directory; /* NULL: in memory */
    char *path;      /* the database file, or NULL in memory */
    char *url;
    bool created;           /* this backend made the database (and may drop it) */
    bool schema_unfinished; /* create_tables ran, finish_schema not yet: rows load
                               with foreign keys off, checked once at the end */
    bool marked;
    sqlite3 *db;
    sqlite3 *pristine;   /* the snapshot (a file beside the database, or memory) */
    char *pristine_path; /* NULL in memory */
    char *restored_from; /* the cached template file the database was copied from, or NULL */

    /* The table being loaded. */
    sqlite3_stmt *insert;
    char *table;
    char *file;
    char **columns; /* header names, for messages */
    size_t column_count;
    bool in_cycle;    /* its foreign keys wait until the whole cycle is in */
    bool check_later; /* in a cycle, or its foreign keys are DEFERRABLE INITIALLY DEFERRED */

    /* Fixtures loaded since the last check of deferred foreign keys. */
    pending_check *pending;
    size_t pending_count;
} sqlite_backend;

sqlite_backend *as_sqlite(backend *b);

/* Adds "what: <SQLite's message>" at file:line. */
void sqlite_add_error(sqlite_backend *s, diag_list *diags, const char *file, int line,
                      const char *what);

/* Runs `sql` (several statements allowed); -1 with a diag on failure. */
int sqlite_exec(sqlite_backend *s, const char *sql, diag_list *diags);

/* How often (10 ms apart) a reset waits for another connection's lock. */
#define SQLITE_BUSY_TRIES 500

/* The hint of a write that failed for want of room. */
#define SQLITE_DISK_HINT                                                                           \
    "the file system holding it is full (or failing): free space there, or set "                   \
    "FOSTER_RUNTIME_DIR to a directory with room"

/* The diag of a reset or copy that another connection's lock kept out. */
void sqlite_locked_diag(diag_list *diags, const char *path, const char *what);

/*
 * Makes the database file `path` (open as `db`, not in a transaction) the
 * bytes of the database file `from_path`, under an EXCLUSIVE lock, so that
 * every connection sees the new content (sqlite_filecopy.c): 1 done, 0 when
 * it cannot be done so (WAL mode: use sqlite_copy_database), -1 with the diag
 * "what: why".
 */
int sqlite_copy_file(sqlite3 *db, const char *path, const char *from_path, const char *what,
                     diag_list *diags);

/* sqlite_copy_file where it can, else sqlite_copy_database (from `from`); 0 or -1. */
int sqlite_copy_fast(sqlite3 *from, const char *from_path, sqlite3 *to, const char *to_path,
                     const char *what, diag_list *diags);

/* Copies every page of `from` into `to`, waiting out other connections' locks; 0 or -1. */
int sqlite_copy_database(sqlite3 *from, sqlite3 *to, const char *what, const char *path,
                         diag_list *diags);

/* Creates (0600, O_EXCL) and opens a new database file, or memory for NULL; NULL with a diag. */
sqlite3 *sqlite_open_new(const char *path, diag_list *diags);

/* The template cache (sqlite_template.c), as backend_ops. */
int sqlite_template_restore(backend *b, const char *cache_dir, const char *key,
                            const char *identity, bool *hit, diag_list *diags);
int sqlite_template_store(backend *b, const char *cache_dir, const char *key, const char *identity,
                          diag_list *diags);

/*
 * `gc --templates`: removes every entry of the SQLite template cache in
 * `cache_dir` (one without its identity file or whose database lacks
 * foster's marker is named and left), one line per entry to `say`.
 * Returns how many could not be removed.
 */
int sqlite_templates_remove(const char *cache_dir, bool dry_run,
                            void (*say)(void *context, const char *line), void *context);

/* Whether the SQLite file at `path` carries foster's marker (false when unreadable). */
bool sqlite_file_has_marker(const char *path);

/*
 * Runs the statements of `schemas->sqlite` in `phase` (ddl_text_phase), in
 * order. A unique index the loaded rows break is reported as a violation
 * (sqlite_report_duplicate). 0, or -1 with a diag.
 */
int sqlite_run_phase(sqlite_backend *s, const schema_set *schemas, ddl_phase phase,
                     diag_list *diags);

/*
 * "UNIQUE constraint failed: t.c" while building a unique index over loaded
 * rows: a diag in the words of a row refused on arrival, carrying the first
 * repeated value as a duplicate violation (src/fixtures/ finds its line).
 */
void sqlite_report_duplicate(sqlite_backend *s, const char *error, diag_list *diags);

/* After the load (sqlite_load.c, as backend_ops): indexes, foreign keys checked once, triggers. */
int sqlite_finish_schema(backend *b, const schema_set *schemas, diag_list *diags);

/* Loading (sqlite_load.c), as backend_ops. */
int sqlite_load_begin(backend *b, const schema_set *schemas, diag_list *diags);
int sqlite_table_begin(backend *b, const char *schema, const char *table, const backend_row *header,
                       const char *file, bool deferred, diag_list *diags);
int sqlite_table_row(backend *b, const backend_row *row, diag_list *diags);
int sqlite_table_end(backend *b, diag_list *diags);
int sqlite_check_deferred(backend *b, diag_list *diags);
int sqlite_exec_sql(backend *b, const sql_statement *statement, const char *file, diag_list *diags);
int sqlite_load_end(backend *b, bool commit, diag_list *diags);

/* Forgets the table being loaded / the pending foreign key checks. */
void sqlite_forget_table(sqlite_backend *s);
void sqlite_forget_pending(sqlite_backend *s);

#endif
