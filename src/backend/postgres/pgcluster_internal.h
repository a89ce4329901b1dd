/*
 * pgcluster_internal.h — what the parts of the ephemeral PostgreSQL server
 * share:
 *
 *     pgcluster.c          the lifecycle: start, attach, stop, the accessors
 *     pgcluster_server.c   the postmaster: its settings, starting it, waiting
 *                          until it answers, stopping it
 *     pgcluster_cache.c    the cache of pristine data directories, and initdb
 *     pgcluster_bindir.c   finding the server programs (postgres, initdb)
 *     pgcluster_spawn.c    the account PostgreSQL accepts (running programs as
 *                          it, and the small files, are util's server_account.h
 *                          and smallfile.h)
 *
 * Private to src/backend/postgres/pgcluster*.c; the interface is pgcluster.h.
 */
#ifndef FOSTER_PGCLUSTER_INTERNAL_H
#define FOSTER_PGCLUSTER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "diag.h"
#include "pgcluster.h"
#include "server_account.h"
#include "smallfile.h"

#define CLUSTER_SUPERUSER "postgres"
#define CLUSTER_MARKER    "foster-cluster" /* in the home: the postmaster's pid, "0" before */

struct pg_cluster {
    char *directory; /* what the caller named: the home, or (as root) a symlink to it */
    char *home;      /* the real private directory: socket dir, log, marker, data/ */
    char *data;
    int port;
    pid_t pid;
    bool child; /* started by this process, so waitpid reaps it */
    /* The template cache (pgcluster.h): the key asked for, where the server binary is. */
    char *template_key;
    char *bindir;
    bool from_template; /* the data directory is the one cached for template_key */
    bool keep_template; /* stop keeps the data directory as template_key's */
};

static inline bool pg_cluster_interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt && *interrupt;
}

/* ---- the small files and running the server programs (src/util) ---- */

/*
 * The generic halves live in util (smallfile.h, server_account.h), shared with
 * MariaDB's mysql-cluster; these names keep the cluster's files as they were.
 */
typedef server_account pg_cluster_account;
typedef server_spawn_spec pg_cluster_spawn_spec;
#define pg_cluster_read_small_file       smallfile_read
#define pg_cluster_write_file_atomically smallfile_write_atomically
#define pg_cluster_read_pid_line         smallfile_read_pid_line
#define pg_cluster_log_tail              smallfile_log_tail
#define pg_cluster_account_can_traverse  server_account_can_traverse
#define pg_cluster_spawn                 server_spawn
#define pg_cluster_wait_child            server_wait_child
#define pg_cluster_describe_status       server_describe_status

/* Ourselves, or as root the `postgres` user, else `nobody`. 0, or -1 with a diag (root and
 * neither user exists). (pgcluster_spawn.c) */
int pg_cluster_account_resolve(pg_cluster_account *account, diag_list *diags);

/* ---- finding the server programs (pgcluster_bindir.c) ---- */

/*
 * The absolute directory holding postgres and initdb: `configured` when set
 * (NULL with a diag when it holds no server), else `pg_config --bindir`, else
 * the newest /usr/lib/postgresql/N/bin. A new string the caller frees; NULL
 * with a diag when none is found.
 */
char *pg_cluster_bindir_resolve(const char *configured, diag_list *diags);

/* ---- the data directory (pgcluster_cache.c) ---- */

/*
 * Fills cluster->data: a copy of the cached pristine directory, made first
 * when missing or broken, or a fresh initdb when there is no usable cache.
 * initdb's output goes to `log_fd` (`log_path`, quoted when it fails).
 * 0, or -1 with a diag.
 */
int pg_cluster_cache_make_data_directory(const pg_cluster *cluster, const char *bindir,
                                         const pg_cluster_account *account, int log_fd,
                                         const char *log_path,
                                         const volatile sig_atomic_t *interrupt, diag_list *diags);

/*
 * The data directory cached for cluster->template_key (pgcluster.h: the
 * template cache) copied into cluster->data: 1 copied, 0 none cached, -1
 * with a diag.
 */
int pg_cluster_cache_copy_template(const pg_cluster *cluster, const pg_cluster_account *account,
                                   const volatile sig_atomic_t *interrupt, diag_list *diags);

/* Keeps cluster->data (its server stopped cleanly) as the entry of cluster->template_key. */
void pg_cluster_cache_keep_template(const pg_cluster *cluster);

/* ---- the postmaster (pgcluster_server.c) ---- */

/* Fast shutdown (SIGINT: a checkpoint, then exit), waited for. 0 when it exited in time. */
int pg_cluster_server_stop_cleanly(pg_cluster *cluster);

/* Starts the server on cluster->data and records its pid in the marker. 0, or -1 with a diag
 * (cluster->pid is set once it runs, even then). */
int pg_cluster_server_start(pg_cluster *cluster, const char *bindir,
                            const pg_cluster_account *account, int log_fd, diag_list *diags);

/* Waits until the started server answers a query (30 s at most; a server that exits meanwhile
 * fails at once, quoting the log at `log_path`). 0, or -1 with a diag. */
int pg_cluster_server_wait_ready(pg_cluster *cluster, const char *log_path,
                                 const volatile sig_atomic_t *interrupt, diag_list *diags);

/* Whether the server this cluster started has exited (reaping it when it is our child). */
bool pg_cluster_server_died(pg_cluster *cluster);

/* Stops the server, if it still runs and is this cluster's, and removes the shared memory a
 * killed one left behind. 0, or -1 with a diag when it does not exit even after SIGKILL. */
int pg_cluster_server_stop(pg_cluster *cluster, diag_list *diags);

#endif
