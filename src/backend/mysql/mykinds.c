/*
 * mykinds.c — the `mysql` kind (a database on an existing MySQL/MariaDB
 * server: -u, else [mysql] url, else the local server's default socket) and
 * the `mysql-cluster` kind (a MariaDB server foster starts for the run,
 * mycluster.h). Both make the backend of backend_mysql.c.
 */
#include "mykinds.h"
#include "myschema_dump.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_mysql.h"
#include "mywait.h"
#include "smallfile.h"
#include "strbuf.h"

/*
 * The server of the `mysql` kind: -u when given (setup->server_url, unless it
 * is the manifest's [postgres] url the session passes for other kinds), else
 * [mysql] url, else the local server.
 */
static const char *server_of(const backend_setup *setup, int *line)
{
    const manifest *m = setup->manifest;
    *line = 0;
    if (setup->server_url && *setup->server_url && (!m || setup->server_url != m->postgres_url))
        return setup->server_url;
    if (m && m->mysql_url) {
        *line = m->mysql_url_line;
        return m->mysql_url;
    }
    return "mysql://localhost/";
}

static backend *mysql_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    *server = NULL;
    int line;
    const char *url = server_of(setup, &line);
    backend *b = backend_mysql_new(url, setup->manifest ? setup->manifest->path : NULL, line);
    if (b)
        backend_mysql_set_owner(b, setup->runtime_dir, setup->run_id);
    return b;
}

/* The run's database on the backend *out (NULL when memory ran out): owned, its URL the target. */
static backend_attach_result attached(const backend_setup *setup, const backend_run *run,
                                      backend **out, char **target, diag_list *diags)
{
    *target = run->url ? strdup(run->url) : NULL;
    if (!*out || !*target) {
        if (*out)
            (*out)->ops->free(*out);
        *out = NULL;
        free(*target);
        *target = NULL;
        diag_add(diags, NULL, 0, 0, "out of memory");
        return BACKEND_FAILED;
    }
    backend_mysql_set_owner(*out, setup->runtime_dir, run->run_id);
    return BACKEND_ATTACHED;
}

static backend_attach_result mysql_attach(const backend_setup *setup, const backend_run *run,
                                          backend **out, char **target, diag_list *diags)
{
    int line;
    *out = backend_mysql_new(server_of(setup, &line), NULL, 0);
    return attached(setup, run, out, target, diags);
}

/* Where a URL leads: its unix socket, else "host:port" with the client's defaults; NULL: none. */
static char *server_address(const char *url)
{
    diag_list ignored = DIAG_LIST_INIT;
    my_url parsed = {0};
    char *address = NULL;
    if (url && my_url_parse(url, &parsed, &ignored) == 0)
        address = parsed.unix_socket
                      ? strdup(parsed.unix_socket)
                      : strbuf_format("%s:%u", parsed.host ? parsed.host : "localhost",
                                      parsed.port ? parsed.port : 3306);
    my_url_free(&parsed);
    diag_list_clear(&ignored);
    return address;
}

/*
 * A database missing from the server foster points at now is gone only if
 * that is the server the run used (its recorded URL): -u or [mysql] url may
 * have changed since, and the database may live on elsewhere.
 */
static bool mysql_database_gone(const backend_setup *setup, const backend_run *run,
                                diag_list *diags)
{
    int line;
    char *was = server_address(run->url), *is = server_address(server_of(setup, &line));
    bool same = was && is && strcmp(was, is) == 0;
    if (!same) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "run %s was made on the server at %s, not on %s where foster looks now",
                           run->run_id, was ? was : "?", is ? is : "?");
        diag_set_hint(d, "give that server with -u URL (or [mysql] url) to remove the run");
    }
    free(was);
    free(is);
    return same;
}

static bool mysql_takes_url(const char *url)
{
    return my_url_is_mysql(url);
}

static backend *mysql_for_url(void)
{
    backend *b = backend_mysql_new(NULL, NULL, 0);
    if (b) { /* the URL given to open_existing is the server too */
        my_backend *m = as_my(b);
        free(m->server_text);
        m->server_text = NULL;
    }
    return b;
}

static char *mysql_url_problem(const char *url)
{
    diag_list problems = DIAG_LIST_INIT;
    my_url parsed;
    char *problem = NULL;
    if (my_url_parse(url, &parsed, &problems) < 0) {
        const diag *d = diag_list_last(&problems);
        problem = strdup(d ? d->message : "cannot read the URL");
    }
    my_url_free(&parsed);
    diag_list_clear(&problems);
    return problem;
}

static backend_wait_result mysql_wait(const char *url, const backend_wait_options *options,
                                      diag_list *diags)
{
    my_wait_options wait = {.timeout = options->timeout,
                            .confirmations = options->confirmations,
                            .progress = options->progress,
                            .progress_context = options->progress_context,
                            .interrupt = options->interrupt};
    switch (my_wait(url, &wait, diags)) {
    case MY_WAIT_READY:
        return BACKEND_WAIT_READY;
    case MY_WAIT_TIMEOUT:
        return BACKEND_WAIT_TIMEOUT;
    case MY_WAIT_INTERRUPTED:
        return BACKEND_WAIT_INTERRUPTED;
    default:
        return BACKEND_WAIT_FAILED;
    }
}

/* ---- mysql-cluster ---- */

static backend *cluster_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    char name[48];
    snprintf(name, sizeof name, "mysql_%s", setup->run_id);
    *server = strbuf_format("%s/%s", setup->runtime_dir, name);
    backend *b =
        backend_mysql_cluster_new(setup->manifest ? setup->manifest->mysql_cluster_bindir : NULL,
                                  setup->runtime_dir, name, setup->interrupt);
    if (b)
        backend_mysql_set_owner(b, setup->runtime_dir, setup->run_id);
    return b;
}

static int cluster_start(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    if (m->cluster)
        return 0;
    my_cluster_options options = {.bindir = m->bindir,
                                  .directory = m->runtime_dir,
                                  .name = m->cluster_name,
                                  .interrupt = m->interrupt};
    m->cluster = my_cluster_start(&options, diags);
    return m->cluster ? 0 : -1;
}

static const char *cluster_location(backend *b, pid_t *server_pid)
{
    my_backend *m = as_my(b);
    if (!m->cluster)
        return NULL;
    *server_pid = my_cluster_pid(m->cluster);
    return my_cluster_directory(m->cluster);
}

/* Whether process `pid` lives (a zombie does not: it only waits for its parent). */
static bool server_lives(pid_t pid)
{
    if (pid <= 0 || kill(pid, 0) < 0)
        return false;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    char *stat = smallfile_read(path, 4096);
    const char *end = stat ? strrchr(stat, ')') : NULL;
    bool zombie = end && end[1] == ' ' && end[2] == 'Z';
    free(stat);
    return !zombie;
}

static char *cluster_describe_death(backend *b)
{
    my_backend *m = as_my(b);
    pid_t pid = m->cluster ? my_cluster_pid(m->cluster) : 0;
    if (pid <= 0 || server_lives(pid))
        return NULL;
    return strbuf_format("foster's MariaDB server (pid %ld) died", (long)pid);
}

static int cluster_stop(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    return m->cluster && !m->borrowed ? my_cluster_stop(m->cluster, diags) : 0;
}

/* The cluster a record names; its pid from the cluster's marker when the record has none. */
static my_cluster *recorded_cluster(const backend_run *run, diag_list *diags)
{
    pid_t pid = run->server_pid;
    if (pid <= 0) {
        char *marker = strbuf_format("%s/foster-mysql-cluster", run->server);
        pid = marker ? smallfile_read_pid_line(marker) : -1;
        free(marker);
    }
    return my_cluster_attach(run->server, pid < 0 ? 0 : pid, diags);
}

static backend_attach_result cluster_attach(const backend_setup *setup, const backend_run *run,
                                            backend **out, char **target, diag_list *diags)
{
    if (!run->server || access(run->server, F_OK) < 0)
        return BACKEND_GONE;
    my_cluster *cluster = recorded_cluster(run, diags);
    if (!cluster)
        return BACKEND_FAILED;
    if (!server_lives(my_cluster_pid(cluster))) { /* killed: its databases died with it */
        int rc = my_cluster_stop(cluster, diags);
        my_cluster_free(cluster);
        return rc == 0 ? BACKEND_GONE : BACKEND_FAILED;
    }
    *out = backend_mysql_on_cluster(cluster);
    return attached(setup, run, out, target, diags);
}

static void cluster_stop_recorded(const backend_run *run)
{
    diag_list ignored = DIAG_LIST_INIT;
    my_cluster *cluster =
        run->server && access(run->server, F_OK) == 0 ? recorded_cluster(run, &ignored) : NULL;
    if (cluster)
        my_cluster_stop(cluster, &ignored);
    my_cluster_free(cluster);
    diag_list_clear(&ignored);
}

const backend_kind mysql_kind = {
    .name = "mysql",
    .dialect = MY_KIND_DIALECT,
    .needs_own_manifest = true,
    .make = mysql_make,
    .attach = mysql_attach,
    .database_gone = mysql_database_gone,
    .collect_garbage = my_collect_server_garbage,
    .takes_url = mysql_takes_url,
    .for_url = mysql_for_url,
    .redact = my_url_redact,
    .url_problem = mysql_url_problem,
    .wait = mysql_wait,
    .secret_suffix = MY_SECRET_SUFFIX,
    .secret_variable = MY_SECRET_VARIABLE,
    .secret_home = {"MYSQL_HOME", "MARIADB_HOME"},
    .write_secret = my_write_secret,
    .client_command = my_client_command,
    .dump_schema = my_dump_schema,
};

const backend_kind mysql_cluster_kind = {
    .name = "mysql-cluster",
    .dialect = MY_KIND_DIALECT,
    .make = cluster_make,
    .attach = cluster_attach,
    .stop_recorded_server = cluster_stop_recorded,
    .start_server = cluster_start,
    .describe_death = cluster_describe_death,
    .server_location = cluster_location,
    .stop_server = cluster_stop,
    .secret_suffix = MY_SECRET_SUFFIX,
    .secret_variable = MY_SECRET_VARIABLE,
    .secret_home = {"MYSQL_HOME", "MARIADB_HOME"},
    .write_secret = my_write_secret,
    .client_command = my_client_command,
};
