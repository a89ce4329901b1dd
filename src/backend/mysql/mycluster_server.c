/*
 * mycluster_server.c — the programs of mysql-cluster: finding mariadbd and
 * mariadb-install-db, the pristine data directory through the cache, the
 * server's settings for a throwaway test server, starting it in its own
 * session, waiting until it answers on its socket, and killing it without
 * ever signalling a process that merely reuses its pid.
 */
#include "mycluster_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dircache.h"
#include "monotonic.h"
#include "mywait.h"
#include "strbuf.h"

#define START_TIMEOUT_SECONDS 30.0
#define KILL_TIMEOUT_SECONDS  5.0

/* Flags of install-db: part of the cache key. Root gets no password: the socket is private. */
#define INSTALL_FLAGS                                                                              \
    "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",           \
        "--innodb-log-file-size=4M", "--innodb-doublewrite=0", "--skip-log-bin",                   \
        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"
#define INSTALL_FLAGS_TEXT                                                                         \
    "normal-root skip-test-db log-4M no-doublewrite skip-log-bin utf8mb4_unicode_ci"

/* ---- the programs ---- */

static char *executable_in(const char *directory, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        char *path = strbuf_format("%s/%s", directory, names[i]);
        struct stat st;
        if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return path;
        free(path);
    }
    return NULL;
}

static const char *const server_names[] = {"mariadbd", "mysqld", NULL};
static const char *const install_names[] = {"mariadb-install-db", "mysql_install_db", NULL};

/* Beside the server, in ../bin or ../scripts (a MariaDB tarball), then /usr/bin. */
static char *find_install_db(const char *bindir)
{
    const char *places[] = {"%s", "%s/../bin", "%s/../scripts", NULL};
    for (size_t i = 0; places[i]; i++) {
        char *directory = strbuf_format(places[i], bindir);
        char *found = directory ? executable_in(directory, install_names) : NULL;
        free(directory);
        if (found)
            return found;
    }
    return executable_in("/usr/bin", install_names);
}

int my_programs_find(my_programs *programs, const char *bindir, diag_list *diags)
{
    memset(programs, 0, sizeof *programs);
    const char *directory = bindir ? bindir : "/usr/sbin";
    programs->server = executable_in(directory, server_names);
    if (!programs->server && !bindir)
        programs->server = executable_in("/usr/bin", server_names);
    if (!programs->server) {
        diag *d =
            diag_add(diags, NULL, 0, 0, "no MariaDB server (mariadbd or mysqld) in %s", directory);
        diag_set_hint(d, bindir ? "set [mysql-cluster] bindir to the directory holding mariadbd"
                                : "install mariadb-server, or set [mysql-cluster] bindir");
        return -1;
    }
    char *server_dir = strbuf_format("%s", directory);
    programs->install_db = server_dir ? find_install_db(server_dir) : NULL;
    free(server_dir);
    if (!programs->install_db) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "no mariadb-install-db beside %s (looked in its directory, ../bin, "
                           "../scripts and /usr/bin)",
                           programs->server);
        diag_set_hint(d, "install mariadb-server (MySQL 8's mysqld --initialize is not "
                         "supported yet)");
        my_programs_free(programs);
        return -1;
    }
    if (bindir)
        programs->basedir = strbuf_format("--basedir=%s/..", bindir);
    return 0;
}

void my_programs_free(my_programs *programs)
{
    free(programs->server);
    free(programs->install_db);
    free(programs->basedir);
    memset(programs, 0, sizeof *programs);
}

/* ---- the data directory ---- */

typedef struct install_context {
    const my_cluster *cluster;
    const my_programs *programs;
    const server_account *account;
    int log_fd;
    const char *log_path;
} install_context;

static void add_failure(diag_list *diags, const char *what, int status, const char *log_path)
{
    char *how = status < 0 ? strdup("could not be waited for") : server_describe_status(status);
    char *tail = smallfile_log_tail(log_path);
    diag *d =
        diag_add(diags, NULL, 0, 0, "%s failed (%s):%s", what, how ? how : "?", tail ? tail : "");
    diag_set_hint(d, "the lines above are the end of its output");
    free(how);
    free(tail);
}

static int run_install_db(void *context, const char *target, diag_list *diags)
{
    const install_context *c = context;
    char *datadir = strbuf_format("--datadir=%s", target);
    /* its bootstrap server's temporary files: $TMPDIR may be the caller's private directory */
    char *tmpdir = strbuf_format("--tmpdir=%s", c->cluster->home);
    char *argv[] = {c->programs->install_db, "--no-defaults",      datadir, tmpdir,
                    INSTALL_FLAGS,           c->programs->basedir, NULL};
    if (!datadir || !tmpdir) {
        free(datadir);
        free(tmpdir);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    server_spawn_spec spec = {argv, c->cluster->home, c->log_fd, false, c->account};
    pid_t pid = server_spawn(&spec, diags);
    int status = pid < 0 ? -1 : server_wait_child(pid);
    if (pid >= 0 && status != 0)
        add_failure(diags, c->programs->install_db, status, c->log_path);
    free(datadir);
    free(tmpdir);
    return pid >= 0 && status == 0 ? 0 : -1;
}

int my_cluster_make_data(const my_cluster *cluster, const my_programs *programs,
                         const server_account *account, int log_fd, const char *log_path,
                         const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    static const char *const required[] = {"ibdata1", "mysql/user.frm", "mysql/global_priv.MAD",
                                           NULL};
    install_context context = {cluster, programs, account, log_fd, log_path};
    dircache_spec spec = {.prefix = "mydata",
                          .server_binary = programs->server,
                          .flags_text = INSTALL_FLAGS_TEXT,
                          .required_files = required,
                          .build = run_install_db,
                          .context = &context,
                          .give_to_owner = account->switch_user,
                          .uid = account->uid,
                          .gid = account->gid,
                          .interrupt = interrupt,
                          .purpose = "starting the MariaDB server"};
    return dircache_fill(&spec, cluster->data, diags);
}

/* ---- the server ---- */

static void free_argv(char **argv, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(argv[i]);
}

int my_cluster_server_start(my_cluster *cluster, const my_programs *programs,
                            const server_account *account, int log_fd, diag_list *diags)
{
    enum { OWNED = 5 };
    char *owned[OWNED] = {
        strbuf_format("--datadir=%s", cluster->data),
        strbuf_format("--socket=%s", cluster->socket),
        strbuf_format("--pid-file=%s/" MY_CLUSTER_PID, cluster->home),
        strbuf_format("--log-error=%s/" MY_CLUSTER_LOG, cluster->home),
        strbuf_format("--tmpdir=%s", cluster->home),
    };
    char *argv[] = {programs->server,
                    "--no-defaults",
                    owned[0],
                    owned[1],
                    owned[2],
                    owned[3],
                    owned[4],
                    "--skip-networking",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--innodb-doublewrite=0",
                    "--skip-log-bin",
                    "--sync-binlog=0",
                    "--innodb-buffer-pool-size=32M",
                    "--innodb-log-file-size=4M",
                    "--innodb-use-native-aio=0",
                    "--performance-schema=0",
                    "--skip-name-resolve",
                    "--local-infile=1",
                    "--max-connections=200",
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_unicode_ci",
                    NULL};
    bool ok = true;
    for (int i = 0; i < OWNED; i++)
        ok = ok && owned[i];
    pid_t pid = -1;
    if (!ok) {
        diag_add(diags, NULL, 0, 0, "out of memory");
    } else {
        server_spawn_spec spec = {argv, cluster->home, log_fd, true, account};
        pid = server_spawn(&spec, diags);
    }
    free_argv(owned, OWNED);
    if (pid < 0)
        return -1;
    cluster->pid = pid;
    cluster->child = true;
    return server_write_marker(cluster->home, MY_CLUSTER_MARKER, (long)pid, cluster->directory,
                               diags);
}

static void sleep_seconds(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

/* A diag for a server that exited while starting; true when it has. */
static bool server_exited(my_cluster *cluster, const char *log_path, diag_list *diags)
{
    int status;
    if (waitpid(cluster->pid, &status, WNOHANG) != cluster->pid)
        return false;
    cluster->child = false;
    cluster->pid = 0;
    add_failure(diags, "the MariaDB server, while starting,", status, log_path);
    return true;
}

int my_cluster_server_wait_ready(my_cluster *cluster, const char *log_path,
                                 const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    my_url url = {.user = "root", .host = "localhost", .unix_socket = cluster->socket};
    my_wait_options once = {.timeout = 0, .interrupt = interrupt};
    double deadline = monotonic_seconds() + START_TIMEOUT_SECONDS;
    double delay = 0.002;
    for (;;) {
        if (server_exited(cluster, log_path, diags))
            return -1;
        diag_list attempt = DIAG_LIST_INIT;
        struct stat st;
        my_wait_result result =
            stat(cluster->socket, &st) == 0 ? my_wait_url(&url, &once, &attempt) : MY_WAIT_TIMEOUT;
        bool fatal = result == MY_WAIT_FATAL;
        if (fatal)
            diag_list_move(diags, &attempt);
        diag_list_clear(&attempt);
        if (result == MY_WAIT_READY)
            return 0;
        if (fatal)
            return -1;
        if (result == MY_WAIT_INTERRUPTED || (interrupt && *interrupt)) {
            diag_add(diags, NULL, 0, 0, "interrupted while starting the MariaDB server");
            return -1;
        }
        if (monotonic_seconds() > deadline) {
            char *tail = smallfile_log_tail(log_path);
            diag *d = diag_add(diags, NULL, 0, 0,
                               "the MariaDB server did not accept connections within %.0f s:%s",
                               START_TIMEOUT_SECONDS, tail ? tail : "");
            diag_set_hint(d, "the lines above are the end of its log");
            free(tail);
            return -1;
        }
        sleep_seconds(delay);
        delay = delay * 1.5 > 0.02 ? 0.02 : delay * 1.5;
    }
}

/* Whether cluster->pid is still this cluster's server (server_process_is_ours). */
static bool server_is_ours(const my_cluster *cluster)
{
    char *pid_file = strbuf_format("%s/" MY_CLUSTER_PID, cluster->home);
    bool ours =
        pid_file && server_process_is_ours(cluster->pid, cluster->child, pid_file, cluster->data);
    free(pid_file);
    return ours;
}

int my_cluster_server_stop(my_cluster *cluster, diag_list *diags)
{
    if (cluster->pid > 0 && !server_process_gone(cluster->pid, &cluster->child) &&
        server_is_ours(cluster)) {
        kill(cluster->pid, SIGKILL); /* a throwaway server: no shutdown worth waiting for */
        if (!server_process_wait_gone(cluster->pid, &cluster->child, KILL_TIMEOUT_SECONDS)) {
            diag_add(diags, NULL, 0, 0,
                     "the MariaDB server of %s (pid %ld) does not exit, even after SIGKILL",
                     cluster->directory, (long)cluster->pid);
            return -1;
        }
    }
    cluster->child = false;
    return 0;
}
