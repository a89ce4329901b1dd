/*
 * mycluster.h — a throwaway MariaDB server that foster starts itself and
 * removes afterwards: the `mysql-cluster` backend's server.
 *
 * The server listens on a unix socket in a private 0700 directory and on no
 * TCP address (--skip-networking), with durability off (innodb_flush_log_at_
 * trx_commit=0, innodb_doublewrite=0, skip-log-bin, sync_binlog=0,
 * performance_schema off, a 4 MB redo log), utf8mb4 by default. It runs in
 * its own session, so that `foster up` can leave it for `down`; `root` has no
 * password, which is safe because only the directory's owner can reach the
 * socket.
 *
 * Speed: mariadb-install-db costs ~3 s, so a pristine data directory per
 * server binary is kept in foster's cache (dircache.h, entries "mydata-<key>"),
 * made once under a lock and copied for each run (~22 MB, sparse).
 * Readiness is polled over the socket with mywait's fine backoff.
 *
 * Root: MariaDB will not run as root without --user, and the runtime
 * directory is 0700 root; as root, install-db and the server run as the
 * `mysql` user (else `nobody`), in a fresh /dev/shm/foster-<name>-XXXXXX (else
 * under $TMPDIR or /tmp) given to that user, and `directory`/`name` is a
 * symlink to it, as for PostgreSQL's cluster.
 *
 * The private directory (the "home") holds:
 *     foster-mysql-cluster  marker: the server's pid, one line ("0" before it started)
 *     mariadb.log           install-db's and the server's output (quoted in diags)
 *     data/                 the data directory
 *     mysqld.sock           the socket, mysqld.pid the server's pid file
 */
#ifndef FOSTER_MYCLUSTER_H
#define FOSTER_MYCLUSTER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct my_cluster my_cluster;

typedef struct my_cluster_options {
    /* `[mysql-cluster] bindir`: the directory holding mariadbd (or mysqld); NULL: /usr/sbin,
       then PATH. mariadb-install-db is looked for beside it, in ../bin and ../scripts. */
    const char *bindir;
    const char *directory; /* where the cluster's own directory is made (the runtime dir) */
    const char *name;      /* its name inside `directory`, e.g. "mysql_<run id>" */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    /*
     * Called once the server process exists and before waiting for it, with the
     * cluster's directory and the server's pid: the caller writes them to the run
     * record here, so that a foster killed while the server starts leaves a record
     * `gc` can follow. May be NULL. A non-zero return stops the start (the server
     * is stopped and removed; the callback should have added a diag).
     */
    int (*started)(void *context, const char *directory, pid_t pid);
    void *started_context;
} my_cluster_options;

/*
 * Creates the directory, fills it from the cache (making the cache entry first
 * when needed), starts the server and waits until it answers (30 s at most; a
 * server that exits meanwhile fails at once, quoting its log). The cluster, or
 * NULL after a diag with nothing left behind. `directory`/`name` must not
 * exist; `name` must not contain '/'.
 */
my_cluster *my_cluster_start(const my_cluster_options *options, diag_list *diags);

/*
 * Finds a cluster an earlier process started (down, gc): `directory` as
 * my_cluster_directory returned it, `pid` the server's (0 when it never
 * started). NULL with a diag when it is not a foster MySQL cluster or `pid` is
 * not the one its marker names.
 */
my_cluster *my_cluster_attach(const char *directory, pid_t pid, diag_list *diags);

/* mysql://root@localhost/<database>?unix_socket=<home>/mysqld.sock (no password); caller frees. */
char *my_cluster_url(const my_cluster *cluster, const char *database);
const char *my_cluster_directory(const my_cluster *cluster); /* what the caller named */
const char *my_cluster_socket(const my_cluster *cluster);
pid_t my_cluster_pid(const my_cluster *cluster);

/*
 * Stops the server (SIGKILL: nothing in it is worth keeping; only when its pid
 * file still names the pid and, where /proc tells, the process works in the
 * cluster's data directory) and removes the directory. 0, or -1 with a diag
 * (the directory then stays). Safe on a server that already died.
 */
int my_cluster_stop(my_cluster *cluster, diag_list *diags);

/* Frees the handle; does not stop the server. NULL is fine. */
void my_cluster_free(my_cluster *cluster);

#endif
