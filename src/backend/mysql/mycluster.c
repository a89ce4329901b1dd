/*
 * mycluster.c — the `mysql-cluster` backend's own MariaDB server: its
 * private directory, made from a cached pristine data directory, started as
 * `mysql` when root, killed and removed afterwards. See mycluster.h; the
 * programs themselves are driven by mycluster_server.c.
 */
#include "mycluster_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "myurl.h"
#include "strbuf.h"

#define SOCKET_PATH_MAX 107 /* sizeof(sun_path) - 1 */

static const char *const server_accounts[] = {"mysql", "nobody", NULL};

void my_cluster_free(my_cluster *cluster)
{
    if (!cluster)
        return;
    free(cluster->directory);
    free(cluster->home);
    free(cluster->data);
    free(cluster->socket);
    free(cluster);
}

const char *my_cluster_directory(const my_cluster *cluster)
{
    return cluster->directory;
}

const char *my_cluster_socket(const my_cluster *cluster)
{
    return cluster->socket;
}

pid_t my_cluster_pid(const my_cluster *cluster)
{
    return cluster->pid;
}

char *my_cluster_url(const my_cluster *cluster, const char *database)
{
    my_url url = {.user = "root", .host = "localhost", .unix_socket = cluster->socket};
    return my_url_format(&url, database, false);
}

/* Sets home, data and socket from the home's path. 0, or -1 when memory ran out. */
static int set_paths(my_cluster *cluster, char *home)
{
    cluster->home = home;
    cluster->data = strbuf_format("%s/data", home);
    cluster->socket = strbuf_format("%s/" MY_CLUSTER_SOCKET, home);
    return cluster->data && cluster->socket ? 0 : -1;
}

/* The home in the runtime directory, or (as root) relocated with a symlink there; its marker. */
static int make_home(my_cluster *cluster, const char *runtime, const char *name,
                     const server_account *account, diag_list *diags)
{
    char *directory = NULL, *home = NULL;
    if (server_make_home(account, runtime, name, &directory, &home, diags) < 0)
        return -1;
    cluster->directory = directory;
    if (set_paths(cluster, home) < 0) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    return server_write_marker(home, MY_CLUSTER_MARKER, 0, directory, diags);
}

static int remove_home(const my_cluster *cluster, diag_list *diags)
{
    return cluster->home ? server_remove_home(cluster->home, cluster->directory, diags) : 0;
}

int my_cluster_stop(my_cluster *cluster, diag_list *diags)
{
    if (my_cluster_server_stop(cluster, diags) < 0)
        return -1;
    return remove_home(cluster, diags);
}

static bool interrupted(const my_cluster_options *options, diag_list *diags)
{
    if (!options->interrupt || !*options->interrupt)
        return false;
    diag_add(diags, NULL, 0, 0, "interrupted while starting the MariaDB server");
    return true;
}

/* Everything after the home exists: data, server, the caller's record, readiness. */
static int start_in_home(my_cluster *cluster, const my_cluster_options *options,
                         const my_programs *programs, const server_account *account,
                         diag_list *diags)
{
    if (strlen(cluster->socket) > SOCKET_PATH_MAX) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "the server's socket path %s is longer than the %d bytes a unix socket "
                           "allows",
                           cluster->socket, SOCKET_PATH_MAX);
        diag_set_hint(d, "set FOSTER_RUNTIME_DIR to a shorter directory");
        return -1;
    }
    char *log_path = NULL;
    int log_fd = server_open_log(cluster->home, MY_CLUSTER_LOG, account, &log_path, diags);
    int rc = log_fd < 0 ? -1 : 0;
    if (rc == 0)
        rc = my_cluster_make_data(cluster, programs, account, log_fd, log_path, options->interrupt,
                                  diags);
    if (rc == 0 && interrupted(options, diags))
        rc = -1;
    if (rc == 0)
        rc = my_cluster_server_start(cluster, programs, account, log_fd, diags);
    if (rc == 0 && options->started)
        rc = options->started(options->started_context, cluster->directory, cluster->pid);
    if (rc == 0)
        rc = my_cluster_server_wait_ready(cluster, log_path, options->interrupt, diags);
    if (log_fd >= 0)
        close(log_fd);
    free(log_path);
    return rc;
}

my_cluster *my_cluster_start(const my_cluster_options *options, diag_list *diags)
{
    const char *name = options->name;
    if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strlen(name) > 64) {
        diag_add(diags, NULL, 0, 0, "invalid cluster name \"%s\"", name ? name : "(none)");
        return NULL;
    }
    if (interrupted(options, diags))
        return NULL;
    server_account account;
    my_programs programs;
    if (server_account_resolve(&account, server_accounts, "MariaDB", diags) < 0 ||
        my_programs_find(&programs, options->bindir, diags) < 0)
        return NULL;
    my_cluster *cluster = calloc(1, sizeof *cluster);
    char *runtime = options->directory ? realpath(options->directory, NULL) : NULL;
    int rc = -1;
    if (!cluster)
        diag_add(diags, NULL, 0, 0, "out of memory");
    else if (!runtime)
        diag_add(diags, NULL, 0, 0, "cannot use the runtime directory %s: %s",
                 options->directory ? options->directory : "(none)",
                 options->directory ? strerror(errno) : "none given");
    else if (make_home(cluster, runtime, name, &account, diags) == 0)
        rc = start_in_home(cluster, options, &programs, &account, diags);
    free(runtime);
    my_programs_free(&programs);
    if (rc == 0)
        return cluster;
    if (cluster) {
        diag_list ignored = DIAG_LIST_INIT;
        my_cluster_server_stop(cluster, &ignored);
        remove_home(cluster, &ignored);
        diag_list_clear(&ignored);
    }
    my_cluster_free(cluster);
    return NULL;
}

my_cluster *my_cluster_attach(const char *directory, pid_t pid, diag_list *diags)
{
    my_cluster *cluster = calloc(1, sizeof *cluster);
    char *home = cluster ? server_find_home(directory) : NULL;
    if (!cluster || !home) {
        diag_add(diags, NULL, 0, 0, "no cluster at %s: %s", directory,
                 cluster ? strerror(errno) : "out of memory");
        my_cluster_free(cluster);
        return NULL;
    }
    cluster->pid = pid;
    cluster->directory = strdup(directory);
    char *marker = strbuf_format("%s/" MY_CLUSTER_MARKER, home);
    pid_t marked = marker ? smallfile_read_pid_line(marker) : -1;
    bool marker_exists = marker && access(marker, F_OK) == 0;
    free(marker);
    if (set_paths(cluster, home) < 0 || !cluster->directory)
        diag_add(diags, NULL, 0, 0, "out of memory");
    else if (!marker_exists || marked < 0)
        diag_add(diags, NULL, 0, 0, "%s is not a foster MySQL cluster (it has no %s marker)",
                 directory, MY_CLUSTER_MARKER);
    else if (marked != pid)
        diag_add(diags, NULL, 0, 0, "the cluster in %s belongs to server process %ld, not %ld",
                 directory, (long)marked, (long)pid);
    else
        return cluster;
    my_cluster_free(cluster);
    return NULL;
}
