/*
 * pgcluster.c — the `cluster` backend's own PostgreSQL server: made from a
 * cached pristine data directory, started as `postgres` in its own session,
 * stopped with an immediate shutdown and removed. See pgcluster.h.
 *
 * Layout of a cluster's private directory (the "home"):
 *
 *     foster-cluster    marker: the postmaster's pid ("0" before it started)
 *     postgres.log      initdb's and the server's output
 *     data/             the data directory (0700)
 *     .s.PGSQL.5432     the unix socket (the only way in)
 *
 * This file holds the lifecycle (start, attach, stop) and the handle; the
 * parts it calls are listed in pgcluster_internal.h.
 */
#include "pgcluster.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fstree.h"
#include "pgcluster_internal.h"
#include "pgconn.h"
#include "strbuf.h"

#define CLUSTER_PORT    5432
#define CLUSTER_LOG     "postgres.log"
#define SOCKET_PATH_MAX 107 /* sizeof(sun_path) - 1 */

static void cluster_free_fields(pg_cluster *cluster)
{
    free(cluster->directory);
    free(cluster->home);
    free(cluster->data);
    free(cluster->template_key);
    free(cluster->bindir);
}

bool pg_cluster_from_template(const pg_cluster *cluster)
{
    return cluster->from_template;
}

void pg_cluster_keep_template(pg_cluster *cluster)
{
    cluster->keep_template = cluster->template_key && !cluster->from_template;
}

void pg_cluster_free(pg_cluster *cluster)
{
    if (!cluster)
        return;
    cluster_free_fields(cluster);
    free(cluster);
}

const char *pg_cluster_directory(const pg_cluster *cluster)
{
    return cluster->directory;
}

const char *pg_cluster_socket_dir(const pg_cluster *cluster)
{
    return cluster->home;
}

const char *pg_cluster_user(const pg_cluster *cluster)
{
    (void)cluster;
    return CLUSTER_SUPERUSER;
}

int pg_cluster_port(const pg_cluster *cluster)
{
    return cluster->port;
}

pid_t pg_cluster_pid(const pg_cluster *cluster)
{
    return cluster->pid;
}

char *pg_cluster_conninfo(const pg_cluster *cluster, const char *database)
{
    strbuf sb = STRBUF_INIT;
    pgconn_append_value(&sb, "host", cluster->home);
    strbuf_appendf(&sb, " port=%d", cluster->port);
    pgconn_append_value(&sb, "user", CLUSTER_SUPERUSER);
    pgconn_append_value(&sb, "dbname", database);
    return strbuf_detach(&sb);
}

/*
 * Creates the cluster's home inside the (absolute) runtime directory, or
 * relocated with a symlink there; then its marker. On failure nothing that
 * make_home did not create is touched: cluster->directory and ->home are set
 * only once they exist and are ours to remove.
 */
static int make_home(pg_cluster *cluster, const char *runtime, const char *name,
                     const pg_cluster_account *account, diag_list *diags)
{
    char *directory = NULL, *home = NULL;
    if (server_make_home(account, runtime, name, &directory, &home, diags) < 0)
        return -1;
    cluster->directory = directory;
    cluster->home = home;
    cluster->data = strbuf_format("%s/data", home);
    if (!cluster->data) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    return server_write_marker(home, CLUSTER_MARKER, 0, directory, diags);
}

/* Removes what make_home made: the home and, when relocated, the caller's symlink. */
static void remove_home(const pg_cluster *cluster)
{
    if (!cluster->home)
        return;
    fstree_remove(cluster->home);
    if (strcmp(cluster->directory, cluster->home) != 0)
        unlink(cluster->directory);
}

int pg_cluster_stop(pg_cluster *cluster, diag_list *diags)
{
    if (cluster->keep_template && pg_cluster_server_stop_cleanly(cluster) == 0)
        pg_cluster_cache_keep_template(cluster);
    cluster->keep_template = false;
    if (pg_cluster_server_stop(cluster, diags) < 0)
        return -1;
    return server_remove_home(cluster->home, cluster->directory, diags);
}

char *pg_cluster_describe_death(pg_cluster *cluster)
{
    if (!pg_cluster_server_died(cluster))
        return NULL;
    char *log = strbuf_format("%s/" CLUSTER_LOG, cluster->home);
    char *tail = log ? pg_cluster_log_tail(log) : NULL;
    char *text = strbuf_format("the PostgreSQL server (pid %ld) died; the end of its log %s "
                               "(removed with the cluster):%s",
                               (long)cluster->pid, log ? log : CLUSTER_LOG, tail ? tail : "");
    free(log);
    free(tail);
    return text;
}

static bool valid_name(const char *name)
{
    return name && *name && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0 && strlen(name) <= 64;
}

/* The template key and binaries asked for; the data directory cached for them, if any. */
static int remember_template(pg_cluster *cluster, const pg_cluster_options *options,
                             const char *bindir, const pg_cluster_account *account,
                             diag_list *diags)
{
    if (!options->template_key)
        return 0;
    cluster->template_key = strdup(options->template_key);
    cluster->bindir = strdup(bindir);
    if (!cluster->template_key || !cluster->bindir)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    int copied = pg_cluster_cache_copy_template(cluster, account, options->interrupt, diags);
    cluster->from_template = copied > 0;
    return copied < 0 ? -1 : 0;
}

pg_cluster *pg_cluster_start(const pg_cluster_options *options, diag_list *diags)
{
    if (!valid_name(options->name)) {
        diag_add(diags, NULL, 0, 0, "invalid cluster name \"%s\"",
                 options->name ? options->name : "(none)");
        return NULL;
    }
    if (pg_cluster_interrupted(options->interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
        return NULL;
    }
    pg_cluster_account account;
    if (pg_cluster_account_resolve(&account, diags) < 0)
        return NULL;
    char *bindir = pg_cluster_bindir_resolve(options->bindir, diags);
    if (!bindir)
        return NULL;
    pg_cluster *cluster = calloc(1, sizeof *cluster);
    if (!cluster) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        free(bindir);
        return NULL;
    }
    cluster->port = CLUSTER_PORT;
    char *log_path = NULL;
    int log_fd = -1;
    /* Absolute, because the server and initdb start in the cluster directory. */
    char *runtime = options->directory ? realpath(options->directory, NULL) : NULL;
    int rc = runtime ? make_home(cluster, runtime, options->name, &account, diags) : -1;
    if (!runtime)
        diag_add(diags, NULL, 0, 0, "cannot use the runtime directory %s: %s",
                 options->directory ? options->directory : "(none)",
                 options->directory ? strerror(errno) : "none given");
    free(runtime);
    if (rc == 0 && strlen(cluster->home) + strlen("/.s.PGSQL.5432") > SOCKET_PATH_MAX) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "the server's socket path %s/.s.PGSQL.%d is longer than the %d bytes "
                           "a unix socket allows",
                           cluster->home, cluster->port, SOCKET_PATH_MAX);
        diag_set_hint(d, "set FOSTER_RUNTIME_DIR to a shorter directory");
        rc = -1;
    }
    if (rc == 0 &&
        (log_fd = server_open_log(cluster->home, CLUSTER_LOG, &account, &log_path, diags)) < 0)
        rc = -1;
    rc = rc == 0 ? remember_template(cluster, options, bindir, &account, diags) : rc;
    if (rc == 0 && !cluster->from_template)
        rc = pg_cluster_cache_make_data_directory(cluster, bindir, &account, log_fd, log_path,
                                                  options->interrupt, diags);
    if (rc == 0 && pg_cluster_interrupted(options->interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
        rc = -1;
    }
    if (rc == 0)
        rc = pg_cluster_server_start(cluster, bindir, &account, log_fd, diags);
    if (rc == 0)
        rc = pg_cluster_server_wait_ready(cluster, log_path, options->interrupt, diags);
    if (log_fd >= 0)
        close(log_fd);
    free(log_path);
    free(bindir);
    if (rc == 0)
        return cluster;
    if (cluster->pid > 0) {
        diag_list ignored = DIAG_LIST_INIT;
        pg_cluster_stop(cluster, &ignored); /* also removes the directory */
        diag_list_clear(&ignored);
    }
    remove_home(cluster);
    pg_cluster_free(cluster);
    return NULL;
}

pg_cluster *pg_cluster_attach(const char *directory, pid_t pid, diag_list *diags)
{
    pg_cluster *cluster = calloc(1, sizeof *cluster);
    if (!cluster) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    cluster->port = CLUSTER_PORT;
    cluster->pid = pid;
    cluster->directory = strdup(directory);
    cluster->home = server_find_home(directory);
    if (!cluster->home) {
        diag_add(diags, NULL, 0, 0, "no cluster at %s: %s", directory, strerror(errno));
        pg_cluster_free(cluster);
        return NULL;
    }
    cluster->data = strbuf_format("%s/data", cluster->home);
    char *marker = strbuf_format("%s/" CLUSTER_MARKER, cluster->home);
    char *pid_file = cluster->data ? strbuf_format("%s/postmaster.pid", cluster->data) : NULL;
    pid_t marked = marker ? pg_cluster_read_pid_line(marker) : -1;
    bool marker_exists = marker && access(marker, F_OK) == 0;
    pid_t running = pid_file ? pg_cluster_read_pid_line(pid_file) : -1;
    free(marker);
    /* A record that is behind (pid 0: killed before it said which server started) goes by
     * the marker, else by the server's own postmaster.pid; stop checks that it is ours. */
    if (pid == 0 && marked > 0)
        pid = marked;
    else if (pid == 0 && marked == 0 && running > 0)
        pid = marked = running;
    cluster->pid = pid;
    if (!cluster->directory || !cluster->data) {
        diag_add(diags, NULL, 0, 0, "out of memory");
    } else if (!marker_exists || marked < 0) {
        diag_add(diags, NULL, 0, 0, "%s is not a foster cluster (it has no %s marker)", directory,
                 CLUSTER_MARKER);
    } else if (marked != pid) {
        diag_add(diags, NULL, 0, 0, "the cluster in %s belongs to server process %ld, not %ld",
                 directory, (long)marked, (long)pid);
    } else if (running < 0) {
        diag_add(diags, NULL, 0, 0, "cannot read the server's pid from %s",
                 pid_file ? pid_file : "postmaster.pid");
    } else if (running != 0 && running != pid) {
        diag_add(diags, NULL, 0, 0,
                 "the server running in %s is process %ld (its postmaster.pid), not %ld", directory,
                 (long)running, (long)pid);
    } else {
        free(pid_file);
        return cluster;
    }
    free(pid_file);
    pg_cluster_free(cluster);
    return NULL;
}
