/*
 * mycontainer.c — the `container` kind when the image is MySQL's or
 * MariaDB's (`[container] image = mariadb:11` or `mysql:8`, or
 * `[container] engine_kind = mysql`): a MySQL/MariaDB server in a docker or
 * podman container (ctcontainer.h, shared with PostgreSQL), serving one run
 * through the backend of backend_mysql.c as root over 127.0.0.1.
 *
 * What is MySQL's own here: the image's password variable
 * (MYSQL_ROOT_PASSWORD, which MariaDB's images read too), its port 3306,
 * server options for a throwaway server after the image (durability off,
 * LOCAL INFILE on, as mysql-cluster), readiness through my_wait (SELECT 1
 * confirmed twice: the images run a temporary server without networking
 * while they initialise), and the container's name "foster-mysql-<run id>",
 * by which a run's record tells this kind from PostgreSQL's.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "ctcontainer.h"
#include "monotonic.h"
#include "mykinds.h"
#include "mywait.h"
#include "strbuf.h"

#define DEFAULT_IMAGE           "mariadb:11"
#define DEFAULT_TIMEOUT_SECONDS 120.0 /* the pull and the image's first initialisation */
#define MIN_WAIT_SECONDS        1.0
#define NAME_PREFIX             "foster-mysql-"
#define SUPERUSER               "root"

/* A throwaway server: options of mysqld/mariadbd, which the images pass on. */
static const char *const server_arguments[] = {"--innodb-flush-log-at-trx-commit=0",
                                               "--sync-binlog=0",
                                               "--skip-log-bin",
                                               "--local-infile=1",
                                               "--skip-name-resolve",
                                               "--character-set-server=utf8mb4",
                                               "--collation-server=utf8mb4_unicode_ci",
                                               NULL};

static const ct_server mysql_server = {
    .title = "MySQL/MariaDB",
    .name_prefix = NAME_PREFIX,
    .password_variable = "MYSQL_ROOT_PASSWORD",
    .port = "3306/tcp",
    .publish = "127.0.0.1::3306",
    .alternative = "mysql-cluster",
    .arguments = server_arguments,
};

/* Whether the last part of the image's repository (no registry, tag or digest) names MySQL. */
bool my_image_is_mysql(const char *image)
{
    if (!image)
        return false;
    const char *slash = strrchr(image, '/');
    const char *repository = slash ? slash + 1 : image;
    size_t length = strcspn(repository, ":@");
    char *name = strbuf_format("%.*s", (int)length, repository);
    bool mysql =
        name && (strstr(name, "mysql") || strstr(name, "mariadb") || strstr(name, "percona"));
    free(name);
    return mysql;
}

static bool container_serves(const manifest *m, const char *run_server)
{
    if (m) {
        if (m->container_engine_kind != SQL_DIALECT_UNKNOWN)
            return m->container_engine_kind == SQL_DIALECT_MYSQL;
        return m->container_image_line && my_image_is_mysql(m->container_image);
    }
    const char *slash = run_server ? strchr(run_server, '/') : NULL;
    return slash && strncmp(slash + 1, NAME_PREFIX, strlen(NAME_PREFIX)) == 0;
}

/* "mysql://root:PASSWORD@HOST:PORT/" of the container, a new string; NULL: no memory. */
static char *container_url(const ct_container *container)
{
    const char *host = ct_container_host(container);
    bool ipv6 = strchr(host, ':') != NULL;
    return strbuf_format("mysql://" SUPERUSER ":%s@%s%s%s:%d/", ct_container_password(container),
                         ipv6 ? "[" : "", host, ipv6 ? "]" : "", ct_container_port(container));
}

/* The backend's server becomes the container's (taken over). 0, or -1 (memory). */
static int use_container(my_backend *m, ct_container *container)
{
    m->container = container;
    my_url_free(&m->server);
    free(m->server_text);
    m->server_text = NULL;
    m->server.user = strdup(SUPERUSER);
    m->server.password = strdup(ct_container_password(container));
    m->server.host = strdup(ct_container_host(container));
    m->server.port = (unsigned)ct_container_port(container);
    return m->server.user && m->server.password && m->server.host ? 0 : -1;
}

static int wait_until_ready(const ct_container *container, const char *image, double timeout,
                            const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *url = container_url(container);
    if (!url) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    ct_container_watch watch = {container, interrupt, 0, false, 0};
    my_wait_options options = {.timeout = timeout,
                               .confirmations = 2,
                               .progress = ct_container_watch_progress,
                               .progress_context = &watch,
                               .interrupt = &watch.stop};
    diag_list waited = DIAG_LIST_INIT;
    my_wait_result result = my_wait(url, &options, &waited);
    explicit_bzero(url, strlen(url));
    free(url);
    if (result != MY_WAIT_READY) {
        const diag *why = diag_list_last(&waited);
        ct_container_not_ready(&watch, image, why ? why->message : NULL, diags);
    }
    diag_list_clear(&waited);
    return result == MY_WAIT_READY ? 0 : -1;
}

static int container_start(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    if (m->container)
        return 0;
    double deadline = monotonic_seconds() + DEFAULT_TIMEOUT_SECONDS;
    ct_container_options run = {&mysql_server, m->container_engine,     m->container_image,
                                m->run_id,     DEFAULT_TIMEOUT_SECONDS, m->interrupt};
    ct_container *container = ct_container_run(&run, diags);
    if (!container)
        return -1;
    double left = deadline - monotonic_seconds();
    if (wait_until_ready(container, m->container_image,
                         left > MIN_WAIT_SECONDS ? left : MIN_WAIT_SECONDS, m->interrupt,
                         diags) < 0) {
        ct_container_stop(container, diags);
        ct_container_free(container);
        return -1;
    }
    if (use_container(m, container) < 0) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1; /* the container is the backend's now: stop_server removes it */
    }
    return 0;
}

static backend *container_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    const manifest *m = setup->manifest;
    *server = strbuf_format("%s/" NAME_PREFIX "%s",
                            m->container_engine ? m->container_engine : "auto", setup->run_id);
    backend *b = backend_mysql_new("mysql://" SUPERUSER "@127.0.0.1/", NULL, 0);
    if (!b)
        return NULL;
    my_backend *my = as_my(b);
    my->container_engine = m->container_engine ? strdup(m->container_engine) : NULL;
    my->container_image = strdup(m->container_image_line ? m->container_image : DEFAULT_IMAGE);
    my->interrupt = setup->interrupt;
    backend_mysql_set_owner(b, setup->runtime_dir, setup->run_id);
    if ((m->container_engine && !my->container_engine) || !my->container_image || !my->run_id) {
        b->ops->free(b);
        return NULL;
    }
    return b;
}

static const char *container_location(backend *b, pid_t *server_pid)
{
    my_backend *m = as_my(b);
    *server_pid = 0;
    if (!m->container)
        return NULL;
    free(m->container_location);
    m->container_location =
        strbuf_format("%s/%s", ct_container_engine(m->container), ct_container_name(m->container));
    return m->container_location;
}

static int container_stop(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    return m->borrowed ? 0 : my_stop_own_server(m, diags);
}

static backend_attach_result container_attach(const backend_setup *setup, const backend_run *run,
                                              backend **out, char **target, diag_list *diags)
{
    diag_list problems = DIAG_LIST_INIT;
    ct_container *container = ct_container_attach_location(run->server, &mysql_server, &problems);
    /* removed by the engine (a restart removes --rm containers): gone */
    if (!container && diag_list_last_kind(&problems) == DIAG_NOT_FOUND) {
        diag_list_clear(&problems);
        return BACKEND_GONE;
    }
    diag_list_move(diags, &problems);
    diag_list_clear(&problems);
    if (!container)
        return BACKEND_FAILED;
    *out = backend_mysql_new("mysql://" SUPERUSER "@127.0.0.1/", NULL, 0);
    if (!*out)
        ct_container_free(container);
    int rc = *out ? use_container(as_my(*out), container) : -1; /* taken over */
    *target = rc == 0 && run->url ? strdup(run->url) : NULL;
    if (!*target) {
        if (*out)
            (*out)->ops->free(*out);
        *out = NULL;
        diag_add(diags, NULL, 0, 0, "out of memory");
        return BACKEND_FAILED;
    }
    backend_mysql_set_owner(*out, setup->runtime_dir, run->run_id);
    return BACKEND_ATTACHED;
}

static void container_stop_recorded(const backend_run *run)
{
    diag_list ignored = DIAG_LIST_INIT;
    ct_container *container = ct_container_attach_location(run->server, NULL, &ignored);
    if (container)
        ct_container_stop(container, &ignored);
    ct_container_free(container);
    diag_list_clear(&ignored);
}

const backend_kind mysql_container_kind = {
    .name = "container",
    .dialect = MY_KIND_DIALECT,
    .serves = container_serves,
    .make = container_make,
    .attach = container_attach,
    .stop_recorded_server = container_stop_recorded,
    .start_server = container_start,
    .server_location = container_location,
    .stop_server = container_stop,
    /* gc: the PostgreSQL container kind's ct_collect_container_garbage takes every engine's */
    .secret_suffix = MY_SECRET_SUFFIX,
    .secret_variable = MY_SECRET_VARIABLE,
    .secret_home = {"MYSQL_HOME", "MARIADB_HOME"},
    .write_secret = my_write_secret,
    .client_command = my_client_command,
};
