/*
 * pgcluster.h — an ephemeral PostgreSQL server that foster starts itself and
 * removes afterwards: the `cluster` backend's server.
 *
 * The server runs from a private 0700 directory (data directory and unix
 * socket inside it), listens on no TCP address, with fsync, full_page_writes
 * and synchronous_commit off. It is not a child that dies with foster: it runs
 * in its own session, so that `foster up` can leave it running for `down`.
 *
 * Speed: initdb costs ~0.45 s; so a pristine data directory per server version
 * and user is kept in a cache ($XDG_CACHE_HOME/foster or ~/.cache/foster),
 * made once under a lock (flock), verified before use (PG_VERSION and
 * global/pg_control present, a completion marker written last), and copied
 * for each run. Readiness is polled with pg_wait's fine backoff, not pg_ctl's
 * 100 ms steps.
 *
 * Root: PostgreSQL refuses to run as root. When foster runs as root, initdb
 * and the server run as the `postgres` user if it exists, else `nobody`, and
 * the directories they need are given to that user.
 *
 * The private directory (called "home" below) holds:
 *     foster-cluster   marker: the postmaster's pid, one line ("0" before it started)
 *     postgres.log     initdb's and the server's output (quoted in diags when they fail)
 *     data/            the data directory, 0700
 *     .s.PGSQL.5432    the socket: port is always 5432, as the socket is private anyway
 * As a normal user the home is `directory`/`name` itself. As root it cannot be:
 * the runtime directory is 0700 root, which the server user cannot enter (and
 * opening it would weaken it for everybody), so the home is a fresh
 * /dev/shm/foster-<name>-XXXXXX (else under $TMPDIR or /tmp) owned by the
 * server user, and `directory`/`name` is a symlink to it. pg_cluster_directory
 * is always `directory`/`name`; pg_cluster_socket_dir is the home.
 *
 * Server settings (on the command line, not in the data directory):
 * listen_addresses='', unix_socket_permissions=0700, fsync, full_page_writes
 * and synchronous_commit off, wal_level=minimal, max_connections=100,
 * shared_buffers=32MB, dynamic_shared_memory_type=mmap (nothing left in
 * /dev/shm after a crash), autovacuum=off (the server lives for one run),
 * wal_recycle=off and wal_init_zero=off (no spare WAL in cached data directories).
 * initdb: -A trust -U postgres -E UTF8 --locale=C --wal-segsize=1 --no-sync.
 *
 * Cache layout: <cache>/pgdata-<16 hex digits>/ (a pristine data directory
 * with a `foster-complete` marker, its key made from the postgres binary's
 * real path, inode, size and change time, and the initdb flags) and
 * <cache>/pgdata-<key>.lock. An entry that fails the check (marker missing
 * or for another binary, PG_VERSION or global/pg_control missing) is removed
 * and made again. When the cache directory cannot be made or belongs to
 * another user, every start runs initdb instead (slower, not an error).
 */
#ifndef FOSTER_PGCLUSTER_H
#define FOSTER_PGCLUSTER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct pg_cluster pg_cluster;

typedef struct pg_cluster_options {
    const char *bindir; /* NULL: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin */
    const char *directory; /* where the cluster's own directory is created (the runtime dir) */
    const char *name;      /* its name inside `directory`, e.g. "cluster_<run id>" */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    /* The template cache key of this run's inputs: the data directory kept for it starts the
     * server when there is one (NULL: none). */
    const char *template_key;
} pg_cluster_options;

/*
 * Creates the cluster directory, fills it from the cache (making the cache
 * first when needed), starts the server and waits until it accepts
 * connections (30 s at most; a server that exits meanwhile fails at once).
 * Returns the cluster, or NULL after adding a diag (nothing is left behind
 * then: a half-made directory is removed, a started server is stopped). The
 * diag quotes the last lines of the log when initdb or the server failed,
 * names the directory when `bindir` holds no postgres and initdb, and says
 * "interrupted" when *interrupt became non-zero. `directory`/`name` must not
 * exist yet; `name` must not contain '/'.
 *
 * The server is a child of the calling process until that process exits:
 * do not reap it with waitpid(-1, ...) elsewhere (pg_cluster_stop copes if
 * something did).
 */
pg_cluster *pg_cluster_start(const pg_cluster_options *options, diag_list *diags);

/*
 * Finds a cluster that an earlier process started (for `down` and `gc`):
 * `directory` is what pg_cluster_directory returned then, `pid` the server's
 * process id as recorded, or 0 when the record is behind (killed before it
 * said which server started): then the marker's pid counts, else that of
 * the server's postmaster.pid, and pg_cluster_stop signals it only once it
 * has checked that the process is this cluster's postmaster. Returns NULL with a diag when the
 * directory is not a foster cluster (no marker, or a relocated home's symlink that dangles: then
 * nothing is left but the symlink, which the caller may unlink), or when `pid` is not the one its
 * marker and postmaster.pid name.
 */
/*
 * When the cluster's server has died (crashed, killed): "the PostgreSQL
 * server (pid N) died; the end of its log <home>/postgres.log:" followed by
 * its last lines, a new string the caller frees. NULL while it runs.
 */
char *pg_cluster_describe_death(pg_cluster *cluster);

pg_cluster *pg_cluster_attach(const char *directory, pid_t pid, diag_list *diags);

/*
 * libpq connection string for the cluster's superuser, to database
 * `database` (e.g. "host=/dir port=5432 user=postgres dbname=postgres"), a new
 * string the caller frees. The URL form for DATABASE_URL is
 * postgresql://USER@/DATABASE?host=DIR&port=PORT. Values are single-quoted
 * as libpq wants. NULL when memory ran out.
 */
char *pg_cluster_conninfo(const pg_cluster *cluster, const char *database);
const char *pg_cluster_directory(const pg_cluster *cluster); /* the private directory */
const char *pg_cluster_socket_dir(const pg_cluster *cluster);
const char *pg_cluster_user(const pg_cluster *cluster);
int pg_cluster_port(const pg_cluster *cluster);
pid_t pg_cluster_pid(const pg_cluster *cluster); /* the postmaster */

/*
 * Stops the server (immediate shutdown: nothing in it is worth keeping; waits
 * until the postmaster is gone, SIGKILL after a few seconds) and removes the
 * directory. 0, or -1 with a diag (the directory then stays, for a later
 * try). Safe on a server that already died. On an attached cluster, a
 * signal is sent only when postmaster.pid still names the pid and (where
 * /proc tells) that process works in the cluster's data directory: a pid
 * reused by another process is never signalled.
 */
int pg_cluster_stop(pg_cluster *cluster, diag_list *diags);

/*
 * The template cache: a run whose inputs have no cached data directory
 * (pg_cluster_from_template false) builds its database and the template
 * foster_tpl_<key> on the server, then asks to keep it; pg_cluster_stop then
 * stops the server cleanly (fast shutdown, a checkpoint) and copies the data
 * directory into the cache as <cache>/pgtpl-<16 hex digits>/ (its key made
 * from the server binary, the initdb flags and the template key, marked
 * `foster-complete` like pgdata-*), before removing the cluster. The next run
 * of the same inputs copies it, starts, and clones the template. The 4 most
 * recently used are kept, none unused for 14 days (each a whole data
 * directory); `gc --templates` removes them all.
 */
bool pg_cluster_from_template(const pg_cluster *cluster);
void pg_cluster_keep_template(pg_cluster *cluster);

/* Frees the handle; does not stop the server. NULL is fine. */
void pg_cluster_free(pg_cluster *cluster);

#endif
