/*
 * backend_mysql.h — the MySQL/MariaDB implementation of backend.h, shared by
 * its files (private to src/backend/mysql/):
 *
 *     backend_mysql.c   create, open, tables, fixtures, drop, environment
 *     mycopy.c          snapshot, reset, --jobs copies, savepoints, kept marker
 *     mykeys.c          foreign keys checked by foster after the load
 *     mykinds.c         the `mysql` and `mysql-cluster` kinds
 *     mycontainer.c     the `container` kind with a MySQL/MariaDB image
 *     mygc.c            gc of dead runs' databases on the `mysql` kind's server
 *     myclient.c        how a user reaches a kept database: option file, client
 *
 * A test database is a new database on a server (an existing one, or foster's
 * own mysql-cluster server), carrying foster's marker (mydb.h) with the run,
 * pid, host, boot, PID namespace, uid, runtime directory and whether it is kept.
 * Its siblings "<database>_tpl" (the pristine copy reset restores) and
 * "<database>_<n>" (the workers' copies) carry the same marker.
 */
#ifndef FOSTER_BACKEND_MYSQL_H
#define FOSTER_BACKEND_MYSQL_H

#include <signal.h>
#include <stdbool.h>

#include "backend.h"
#include "ctcontainer.h"
#include "myapi.h"
#include "mycluster.h"
#include "myload.h"
#include "myurl.h"

typedef struct my_backend {
    backend base;
    my_url server;     /* the server (admin connection); database ignored */
    char *server_text; /* the URL as given, parsed at create/open (NULL: parsed already) */
    int server_line;   /* its line in the manifest, 0 for -u */
    const char *manifest_path;
    /* mysql-cluster: foster's own server */
    my_cluster *cluster;
    char *bindir, *cluster_name;
    /* container (mycontainer.c): the server in a container, its engine and image */
    ct_container *container;
    char *container_engine, *container_image, *container_location;
    const volatile sig_atomic_t *interrupt;
    bool borrowed; /* a --jobs copy: the server and siblings are its parent's */
    MYSQL *admin, *db;
    char *database, *run_id, *runtime_dir, *marker;
    char *url;        /* DATABASE_URL without the password */
    char *url_secret; /* DATABASE_URL with it (handed to the command only) */
    bool created, marked;
    bool hide_password; /* kept or reached again: DATABASE_URL without the password */
    const schema_set *schemas;
    my_table_load *load;
    char *load_table;
    int savepoints;
    bool sql_ran; /* a .sql fixture's statement ran: its SETs are undone before other rows */
} my_backend;

my_backend *as_my(backend *b);

/* A new backend: on the server `url` names (copied; parsed at create), or on its own cluster. */
backend *backend_mysql_new(const char *url, const char *manifest_path, int url_line);
backend *backend_mysql_cluster_new(const char *bindir, const char *runtime_dir, const char *name,
                                   const volatile sig_atomic_t *interrupt);
/* Reaching a cluster an earlier process started (taken over). */
backend *backend_mysql_on_cluster(my_cluster *cluster);
void backend_mysql_set_owner(backend *b, const char *runtime_dir, const char *run_id);

/* Stops foster's own server of the backend (cluster, container), if any. 0, or -1 with a diag. */
int my_stop_own_server(my_backend *m, diag_list *diags);
/* Parses the server URL when not yet done. 0, or -1 with a diag. */
int my_backend_parse_server(my_backend *m, diag_list *diags);
/* The admin connection (no database), opened on first use. 0, or -1 with a diag. */
int my_backend_admin(my_backend *m, diag_list *diags);
/* A connection to database `name` (NULL: none) on the backend's server; NULL with a diag. */
MYSQL *my_backend_connect(my_backend *m, const char *name, diag_list *diags);
/* Describes the database (url, url_secret) after its name is known. 0 or -1 (memory). */
int my_backend_describe(my_backend *m);
/* The marker text for this backend's run, `kept` or not; caller frees. */
char *my_backend_marker(const my_backend *m, bool kept);
/* "<database>_<suffix>"; caller frees. */
char *my_sibling_name(const my_backend *m, const char *suffix);

/*
 * myschema.c: the backend_ops entries that run the owner's statements: the
 * schema files' phases before the load (create_tables) and after the commit
 * (finish_schema: indexes and keys, foreign keys checked, then the triggers),
 * and a .sql fixture's statements (exec_sql). 0, or -1 with a diag at the
 * refused statement's file:line:column.
 */
int my_create_tables(backend *b, const schema_set *schemas, diag_list *diags);
int my_finish_schema(backend *b, const schema_set *schemas, diag_list *diags);
int my_exec_sql(backend *b, const sql_statement *statement, const char *file, diag_list *diags);

/* mycopy.c: the backend_ops entries. */
int my_snapshot(backend *b, diag_list *diags);
int my_reset(backend *b, bool keep_next_ready, diag_list *diags);
backend *my_copy(backend *b, const char *suffix, diag_list *diags);
int my_drop_copy(backend *b, const char *suffix, diag_list *diags);
int my_test_begin(backend *b, diag_list *diags);
int my_test_end(backend *b, diag_list *diags);
int my_mark_kept(backend *b, diag_list *diags);
/* Copies database `from` (tables with their keys, rows; `triggers` too) into the empty `to`. */
int my_copy_database(MYSQL *admin, const char *from, const char *to, bool triggers,
                     diag_list *diags);
/* Creates in `to` the triggers of `from` (selects `to` on `admin`). 0, or -1 with a diag. */
int my_copy_triggers(MYSQL *admin, const char *from, const char *to, diag_list *diags);
/* The base tables and sequences of `schema` but foster's marker table, the sequences first
 * (a table's default may name one), then by name; `sequences` (may be NULL): how many of
 * them are sequences. NULL with a diag. */
char **my_list_tables(MYSQL *admin, const char *schema, size_t *count, size_t *sequences,
                      diag_list *diags);
/* The rows of a one-column query on `schema` (appended as "= 'schema'"); NULL with a diag. */
char **my_list_names(MYSQL *mysql, const char *sql_before, const char *schema,
                     const char *sql_after, size_t *count, diag_list *diags);

/*
 * mynext.c: the next reset's copy "<database>_next", made by a detached
 * helper (it outlives a one-shot `foster reset`) from the snapshot, without
 * triggers (a table with triggers cannot move to another database). Starts
 * it and returns at once; nothing without a runtime directory (its lock).
 */
void my_prepare_next_detached(my_backend *m);
/* Waits (bounded) for the run's helper to finish; `remove`: also removes its lock file. */
void my_wait_for_helper(my_backend *m, bool remove);
/* backend_ops.settle: waits for the run's helper, its lock file left. */
void my_settle(backend *b);
/*
 * Swaps the ready copy in: the database's triggers dropped, its tables moved
 * to "<database>_old" and the copy's into it in one RENAME TABLE, the
 * defaults that name the copy's sequences made to name the database's own,
 * the snapshot's triggers created. -1 with a diag when there is no copy or a
 * step failed (the database is then as it was, maybe without its triggers,
 * or holds the copy's tables: the caller rebuilds it from the snapshot).
 */
int my_swap_in_next(my_backend *m, const char *tpl, diag_list *diags);

/* mykeys.c: every foreign key of the connection's database holds; else a diag per key. */
int my_check_foreign_keys(MYSQL *db, diag_list *diags);

#endif
