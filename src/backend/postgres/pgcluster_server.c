/*
 * pgcluster_server.c — the postmaster of an ephemeral cluster: its settings
 * for a throwaway test server, starting it in its own session, waiting
 * until it answers a query (with pg_wait's fine backoff, not pg_ctl's
 * 100 ms steps), and stopping it with an immediate shutdown, taking care
 * never to signal a process that merely reuses its pid.
 */
#include "pgcluster_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "pgwait.h"
#include "strbuf.h"

#define START_TIMEOUT_SECONDS 30.0
#define STOP_TIMEOUT_SECONDS  5.0
#define KILL_TIMEOUT_SECONDS  2.0

static void sleep_seconds(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Whether the postmaster is gone; reaps it when it is our child. */
static bool server_gone(pg_cluster *cluster)
{
    return server_process_gone(cluster->pid, &cluster->child);
}

bool pg_cluster_server_died(pg_cluster *cluster)
{
    return cluster->pid > 0 && server_gone(cluster);
}

static bool wait_until_gone(pg_cluster *cluster, double seconds)
{
    return server_process_wait_gone(cluster->pid, &cluster->child, seconds);
}

/*
 * Whether cluster->pid is still this cluster's postmaster, so that signals
 * never reach a process that merely reuses the number: its postmaster.pid
 * must name it, and (where /proc tells) it must be working in the data
 * directory, as a postmaster does.
 */
static bool server_is_ours(const pg_cluster *cluster)
{
    char *pid_file = strbuf_format("%s/postmaster.pid", cluster->data);
    bool ours =
        pid_file && server_process_is_ours(cluster->pid, cluster->child, pid_file, cluster->data);
    free(pid_file);
    return ours;
}

/* postmaster.pid's text into *text (caller frees; NULL when unreadable) and its line `number`. */
static const char *postmaster_pid_line(const pg_cluster *cluster, int number, char **text)
{
    char *path = strbuf_format("%s/postmaster.pid", cluster->data);
    *text = path ? pg_cluster_read_small_file(path, 4096) : NULL;
    free(path);
    const char *line = *text;
    for (int i = 1; line && i < number; i++) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return line;
}

/*
 * A postmaster that was killed (rather than shut down) leaves its small
 * System V segment behind, and postmaster.pid, which names it. A new server
 * on the same data directory would remove it; as the directory is about to
 * go, we do: only a segment that this postmaster created. (Its orphaned
 * children may still be attached for a moment; IPC_RMID frees the segment
 * when the last of them detaches.)
 */
static void remove_leftover_shared_memory(const pg_cluster *cluster)
{
    char *text;
    const char *line = postmaster_pid_line(cluster, 7, &text);
    unsigned long key, id;
    struct shmid_ds segment;
    if (text && atol(text) == (long)cluster->pid && line &&
        sscanf(line, "%lu %lu", &key, &id) == 2 && id <= INT_MAX &&
        shmctl((int)id, IPC_STAT, &segment) == 0 && segment.shm_cpid == cluster->pid)
        shmctl((int)id, IPC_RMID, NULL);
    free(text);
}

int pg_cluster_server_stop_cleanly(pg_cluster *cluster)
{
    if (cluster->pid <= 0 || server_gone(cluster) || !server_is_ours(cluster))
        return -1;
    kill(cluster->pid, SIGINT);
    return wait_until_gone(cluster, STOP_TIMEOUT_SECONDS) ? 0 : -1;
}

int pg_cluster_server_stop(pg_cluster *cluster, diag_list *diags)
{
    if (cluster->pid > 0 && !server_gone(cluster) && server_is_ours(cluster)) {
        /* Immediate shutdown: nothing in a throwaway server is worth a checkpoint. */
        kill(cluster->pid, SIGQUIT);
        if (!wait_until_gone(cluster, STOP_TIMEOUT_SECONDS)) {
            kill(cluster->pid, SIGKILL);
            if (!wait_until_gone(cluster, KILL_TIMEOUT_SECONDS)) {
                diag_add(diags, NULL, 0, 0,
                         "the PostgreSQL server of %s (pid %ld) does not exit, even after SIGKILL",
                         cluster->directory, (long)cluster->pid);
                return -1;
            }
        }
    }
    cluster->child = false;
    if (cluster->pid > 0)
        remove_leftover_shared_memory(cluster);
    return 0;
}

/* unix_socket_directories=<home>, double-quoted as that list wants ("" for a quote). */
static char *socket_directories_setting(const char *home)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "unix_socket_directories=\"");
    for (const char *p = home; *p; p++) {
        if (*p == '"')
            strbuf_append_char(&sb, '"');
        strbuf_append_char(&sb, *p);
    }
    strbuf_append_char(&sb, '"');
    return strbuf_detach(&sb);
}

/* The major version PG_VERSION in the data directory names (15, or 9 for 9.6); 0 when unknown. */
static int data_major_version(const pg_cluster *cluster)
{
    char *path = strbuf_format("%s/PG_VERSION", cluster->data);
    char *text = path ? pg_cluster_read_small_file(path, 64) : NULL;
    int major = text ? atoi(text) : 0;
    free(path);
    free(text);
    return major;
}

/* Server settings for a throwaway test server (command-line -c options). */
static char **server_argv(const pg_cluster *cluster, const char *bindir)
{
    enum { SETTINGS = 18 };
    char *settings[SETTINGS] = {
        socket_directories_setting(cluster->home),
        strdup("listen_addresses="),
        strbuf_format("port=%d", cluster->port),
        strdup("unix_socket_permissions=0700"),
        strdup("fsync=off"),
        strdup("full_page_writes=off"),
        strdup("synchronous_commit=off"),
        strdup("wal_level=minimal"), /* no WAL for tables made and filled in one transaction */
        strdup("max_wal_senders=0"), /* required by wal_level=minimal */
        strdup("max_connections=100"),
        strdup("shared_buffers=32MB"),
        strdup("huge_pages=off"),
        /* Segments as files in data/pg_dynshmem, not /dev/shm: removed with the directory even
           after a crash, and no strain on a container's 64 MB /dev/shm. */
        strdup("dynamic_shared_memory_type=mmap"),
        strdup("logging_collector=off"),
        strdup("log_destination=stderr"),
        /* A server that lives for one run: autovacuum would only vacuum the freshly loaded
           template at the first start of its cached data directory, racing the run for the
           CPU and dirtying pages that each CREATE DATABASE's checkpoint then writes (a warm
           run of 105,000 rows took 270 ms instead of 90). */
        strdup("autovacuum=off"),
        /* Old WAL segments are removed, not renamed for reuse, and new ones not zero-filled:
           the cached data directory, copied for each run, held 12 spare 1 MB segments.
           PostgreSQL 12 and later only: these two stay last. */
        strdup("wal_recycle=off"),
        strdup("wal_init_zero=off"),
    };
    int used = data_major_version(cluster) >= 12 ? SETTINGS : SETTINGS - 2;
    char **argv = calloc(3 + 2 * SETTINGS + 1, sizeof *argv); /* NULL-terminated */
    bool ok = argv != NULL;
    if (argv) {
        argv[0] = strbuf_format("%s/postgres", bindir);
        argv[1] = strdup("-D");
        argv[2] = strdup(cluster->data);
        for (int i = 0; i < used; i++) {
            argv[3 + 2 * i] = strdup("-c");
            argv[4 + 2 * i] = settings[i];
            settings[i] = NULL;
        }
        for (int i = 0; i < 3 + 2 * used; i++)
            ok = ok && argv[i] != NULL;
    }
    for (int i = 0; i < SETTINGS; i++)
        free(settings[i]);
    if (!ok && argv) {
        for (int i = 0; i < 3 + 2 * used; i++)
            free(argv[i]);
        free(argv);
        argv = NULL;
    }
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/*
 * What the postmaster says of itself in line 8 of postmaster.pid (PostgreSQL
 * 10 and later, as pg_ctl reads it): 1 "ready", 0 another status or no
 * status yet, -1 no such file or line 8 not written (then only a connection
 * tells).
 */
static int postmaster_status_ready(const pg_cluster *cluster)
{
    char *text;
    const char *line = postmaster_pid_line(cluster, 8, &text);
    int ready = line && *line ? strncmp(line, "ready", 5) == 0 : -1;
    free(text);
    return ready;
}

/*
 * Polls until the server answers a query (pg_wait, one attempt at a time, so
 * that between attempts we notice at once when the postmaster has exited).
 * While postmaster.pid says the server is not ready yet, no connection is
 * tried (each costs the starting server a process): its status is read
 * again every half millisecond, so the first connection comes as soon as
 * the server can take it.
 */
int pg_cluster_server_wait_ready(pg_cluster *cluster, const char *log_path,
                                 const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *conninfo = pg_cluster_conninfo(cluster, "postgres");
    if (!conninfo) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    pg_wait_options once = {.timeout = 0, .confirmations = 1, .interrupt = interrupt};
    double deadline = monotonic_seconds() + START_TIMEOUT_SECONDS;
    double delay = 0.001;
    char *last_reason = NULL;
    int rc = -1;
    for (;;) {
        int status;
        if (waitpid(cluster->pid, &status, WNOHANG) == cluster->pid) {
            cluster->child = false;
            cluster->pid = 0;
            char *how = pg_cluster_describe_status(status);
            char *tail = pg_cluster_log_tail(log_path);
            diag *d =
                diag_add(diags, NULL, 0, 0, "the PostgreSQL server exited while starting (%s):%s",
                         how ? how : "?", tail ? tail : "");
            diag_set_hint(d, "the lines above are the end of its log");
            free(how);
            free(tail);
            break;
        }
        if (postmaster_status_ready(cluster) == 0 && monotonic_seconds() < deadline &&
            !pg_cluster_interrupted(interrupt)) {
            sleep_seconds(0.0005);
            continue;
        }
        diag_list attempt = DIAG_LIST_INIT;
        pg_wait_result result = pg_wait(conninfo, &once, &attempt);
        if (result == PG_WAIT_READY) {
            diag_list_clear(&attempt);
            rc = 0;
            break;
        }
        if (result == PG_WAIT_FATAL) {
            diag_list_move(diags, &attempt);
            break;
        }
        const diag *reason = diag_list_last(&attempt);
        if (reason) {
            free(last_reason);
            last_reason = strdup(reason->message);
        }
        diag_list_clear(&attempt);
        if (pg_cluster_interrupted(interrupt) || result == PG_WAIT_INTERRUPTED) {
            diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
            break;
        }
        if (monotonic_seconds() > deadline) {
            char *tail = pg_cluster_log_tail(log_path);
            diag *d = diag_add(diags, NULL, 0, 0,
                               "the PostgreSQL server did not accept connections within %.0f s "
                               "(%s):%s",
                               START_TIMEOUT_SECONDS, last_reason ? last_reason : "no answer",
                               tail ? tail : "");
            diag_set_hint(d, "the lines above are the end of its log");
            free(tail);
            break;
        }
        sleep_seconds(delay);
        delay = delay * 1.5 > 0.01 ? 0.01 : delay * 1.5;
    }
    free(last_reason);
    free(conninfo);
    return rc;
}

int pg_cluster_server_start(pg_cluster *cluster, const char *bindir,
                            const pg_cluster_account *account, int log_fd, diag_list *diags)
{
    char **argv = server_argv(cluster, bindir);
    if (!argv) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    pg_cluster_spawn_spec spec = {argv, cluster->home, log_fd, true, account};
    pid_t pid = pg_cluster_spawn(&spec, diags);
    free_argv(argv);
    if (pid < 0)
        return -1;
    cluster->pid = pid;
    cluster->child = true;
    return server_write_marker(cluster->home, CLUSTER_MARKER, (long)pid, cluster->directory, diags);
}
