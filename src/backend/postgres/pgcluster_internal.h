/*
 * pgcluster_internal.h — what the parts of the ephemeral PostgreSQL server
 * share:
 *
 *     pgcluster.c          the lifecycle: start, attach, stop, the accessors
 *     pgcluster_server.c   the postmaster: its settings, starting it, waiting
 *                          until it answers, stopping it
 *     pgcluster_cache.c    the cache of pristine data directories, and initdb
 *     pgcluster_bindir.c   finding the server programs (postgres, initdb)
 *     pgcluster_spawn.c    running them, as an account PostgreSQL accepts
 *     pgcluster_files.c    the small files: markers, pid lines, the log's tail
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

#define CLUSTER_SUPERUSER "postgres"
#define CLUSTER_MARKER    "foster-cluster" /* in the home: the postmaster's pid, "0" before */
#define MAX_SERVER_GROUPS 64

struct pg_cluster {
    char *directory; /* what the caller named: the home, or (as root) a symlink to it */
    char *home;      /* the real private directory: socket dir, log, marker, data/ */
    char *data;
    int port;
    pid_t pid;
    bool child; /* started by this process, so waitpid reaps it */
};

static inline bool pg_cluster_interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt && *interrupt;
}

/* ---- the small files (pgcluster_files.c) ---- */

/* Reads a whole small file (at most about `limit` bytes) into a new string; NULL (errno set)
 * when it cannot. A symlink is not followed. */
char *pg_cluster_read_small_file(const char *path, size_t limit);

/* Writes `text` to `path` through a temporary file and rename, so readers see all or nothing.
 * 0, or -1 with errno set. */
int pg_cluster_write_file_atomically(const char *path, const char *text);

/* The pid written as the first line of `path`, 0 when absent, -1 when unreadable or malformed. */
pid_t pg_cluster_read_pid_line(const char *path);

/* The last lines of a log file, each on its own line indented by two spaces (for quoting in a
 * diag); "" when the file is empty or unreadable; NULL only when memory ran out. */
char *pg_cluster_log_tail(const char *path);

/* ---- running the server programs (pgcluster_spawn.c) ---- */

/* Who initdb and the server run as: ourselves, or (when we are root) a system user. */
typedef struct pg_cluster_account {
    bool switch_user;
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_SERVER_GROUPS];
    int group_count;
    char name[64];
} pg_cluster_account;

/* Ourselves, or as root the `postgres` user, else `nobody`. 0, or -1 with a diag (root and
 * neither user exists). */
int pg_cluster_account_resolve(pg_cluster_account *account, diag_list *diags);

/* Whether the account can reach `path` (search permission on every directory on the way). */
bool pg_cluster_account_can_traverse(const pg_cluster_account *account, const char *path);

typedef struct pg_cluster_spawn_spec {
    char *const *argv;                 /* argv[0] is a path */
    const char *cwd;                   /* NULL: stay */
    int output_fd;                     /* becomes stdout and stderr */
    bool new_session;                  /* setsid: the server outlives us and ignores our terminal */
    const pg_cluster_account *account; /* NULL: run as ourselves */
} pg_cluster_spawn_spec;

/* Forks and execs; returns the child's pid, or -1 with a diag. */
pid_t pg_cluster_spawn(const pg_cluster_spawn_spec *spec, diag_list *diags);

/* Waits for a child, through EINTR. Returns its wait status, or -1. */
int pg_cluster_wait_child(pid_t pid);

/* "exit status N", "signal N" or "wait status N"; a new string (NULL: no memory). */
char *pg_cluster_describe_status(int status);

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

/* ---- the postmaster (pgcluster_server.c) ---- */

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
