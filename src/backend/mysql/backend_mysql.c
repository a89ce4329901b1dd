/*
 * backend_mysql.c — the MySQL/MariaDB implementation of backend.h: the
 * marked test database, the fixtures, teardown and the environment (the
 * owner's DDL and .sql fixtures run in myschema.c). See backend_mysql.h.
 *
 * Fixtures load in one transaction with foreign_key_checks off (myload.h);
 * MySQL does not re-check rows when the checks are turned back on, so foster
 * checks every key itself before the commit (mykeys.c) and names the fixture
 * line of the offending row.
 */
#include "backend_mysql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "myconn.h"
#include "mydb.h"
#include "strbuf.h"

#define CONNECT_TIMEOUT 30

my_backend *as_my(backend *b)
{
    return (my_backend *)b;
}

static int out_of_memory(diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "out of memory");
    return -1;
}

int my_backend_parse_server(my_backend *m, diag_list *diags)
{
    if (!m->server_text)
        return 0;
    if (!my_url_is_mysql(m->server_text)) {
        char *shown = my_url_redact(m->server_text);
        diag *d = diag_add(diags, m->server_line ? m->manifest_path : NULL, m->server_line, 0,
                           "%s is not a MySQL server URL", shown ? shown : "the server URL");
        diag_set_hint(d, "expected mysql://USER:PASSWORD@HOST:PORT/ or "
                         "mysql://USER@localhost/?unix_socket=PATH");
        free(shown);
        return -1;
    }
    if (my_url_parse(m->server_text, &m->server, diags) < 0)
        return -1;
    explicit_bzero(m->server_text, strlen(m->server_text));
    free(m->server_text);
    m->server_text = NULL;
    return 0;
}

/* The URL of this backend's server (the cluster's socket, or the parsed one). */
static my_url server_url(const my_backend *m)
{
    if (m->cluster)
        return (my_url){.user = "root",
                        .host = "localhost",
                        .unix_socket = (char *)my_cluster_socket(m->cluster)};
    return m->server;
}

MYSQL *my_backend_connect(my_backend *m, const char *name, diag_list *diags)
{
    if (my_backend_parse_server(m, diags) < 0)
        return NULL;
    my_url url = server_url(m);
    return my_conn_open(&url, name ? name : "", CONNECT_TIMEOUT, NULL, diags);
}

int my_backend_admin(my_backend *m, diag_list *diags)
{
    if (!m->admin)
        m->admin = my_backend_connect(m, NULL, diags);
    return m->admin ? 0 : -1;
}

char *my_sibling_name(const my_backend *m, const char *suffix)
{
    return strbuf_format("%s_%s", m->database, suffix);
}

char *my_backend_marker(const my_backend *m, bool kept)
{
    return db_marker_text(m->run_id ? m->run_id : "?", m->runtime_dir, kept);
}

int my_backend_describe(my_backend *m)
{
    my_url url = server_url(m);
    free(m->url);
    if (m->url_secret)
        explicit_bzero(m->url_secret, strlen(m->url_secret));
    free(m->url_secret);
    m->url = my_url_format(&url, m->database, false);
    m->url_secret = my_url_format(&url, m->database, true);
    return m->url && m->url_secret ? 0 : -1;
}

static void close_connections(my_backend *m);

static int create_marked(my_backend *m, const char *database_name, const char *run_id,
                         diag_list *diags)
{
    free(m->run_id);
    m->run_id = strdup(run_id);
    m->database = strdup(database_name);
    if (!m->run_id || !m->database || !(m->marker = my_backend_marker(m, false)))
        return out_of_memory(diags);
    if (my_backend_admin(m, diags) < 0 ||
        my_db_create_marked(m->admin, database_name, m->marker, MY_MARKER_AUTO, diags) < 0)
        return -1;
    m->created = m->marked = true;
    if (my_backend_describe(m) < 0)
        return out_of_memory(diags);
    m->db = my_backend_connect(m, m->database, diags);
    return m->db ? 0 : -1;
}

static int my_create(backend *b, const char *database_name, const char *run_id, diag_list *diags)
{
    my_backend *m = as_my(b);
    int rc = create_marked(m, database_name, run_id, diags);
    if (rc < 0 && (m->cluster || m->container) && !m->borrowed) {
        close_connections(m); /* the session drops only what it made */
        my_stop_own_server(m, diags);
    }
    return rc;
}

/* The database a URL names on its server; DIAG_NOT_FOUND when it does not exist. */
static diag_kind my_open_existing(backend *b, const char *url, bool *marked, diag_list *diags)
{
    my_backend *m = as_my(b);
    *marked = false;
    my_url given = {0};
    if (my_url_parse(url, &given, diags) < 0)
        return DIAG_BAD_INPUT;
    if (!m->cluster && !m->server.user && !m->server.host && !m->server.unix_socket &&
        !m->server_text) {
        my_url_free(&m->server); /* foster load --url: the URL is the server too */
        m->server = given;
        given = (my_url){0};
    }
    const char *name = given.database ? given.database : m->server.database;
    m->database = name ? strdup(name) : NULL;
    my_url_free(&given);
    if (!m->database || !*m->database) {
        diag_add(diags, NULL, 0, 0, "the URL names no database");
        return DIAG_BAD_INPUT;
    }
    if (my_backend_admin(m, diags) < 0)
        return DIAG_ENGINE;
    my_marker_state state = my_db_read_marker(m->admin, m->database, &m->marker, diags);
    if (state == MY_NOT_FOUND)
        return DIAG_NOT_FOUND;
    if (state == MY_MARKER_ERROR)
        return DIAG_ENGINE;
    *marked = m->marked = state == MY_MARKED;
    m->hide_password = true; /* a run reached again: its environment may be printed */
    if (my_backend_describe(m) < 0)
        return out_of_memory(diags), DIAG_OUT_OF_MEMORY;
    if (m->marked && !(m->db = my_backend_connect(m, m->database, diags)))
        return DIAG_ENGINE;
    return DIAG_NONE;
}

static int my_load_begin_op(backend *b, const schema_set *schemas, diag_list *diags)
{
    my_backend *m = as_my(b);
    m->schemas = schemas;
    if (!m->db && !(m->db = my_backend_connect(m, m->database, diags)))
        return -1;
    return my_load_begin(m->db, diags);
}

static void forget_load(my_backend *m)
{
    my_table_load_free(m->load);
    m->load = NULL;
}

static int my_table_begin(backend *b, const char *schema, const char *table,
                          const backend_row *header, const char *file, bool deferred,
                          diag_list *diags)
{
    my_backend *m = as_my(b);
    (void)schema;   /* a MySQL database is one schema */
    (void)deferred; /* every key is checked after the load (mykeys.c) */
    forget_load(m);
    if (my_load_restore_session(m->db, &m->sql_ran, diags) < 0)
        return -1;
    m->load = my_table_load_begin(m->db, table, header, file, MY_LOAD_AUTO, diags);
    return m->load ? 0 : -1;
}

static int my_table_row(backend *b, const backend_row *row, diag_list *diags)
{
    return my_table_load_row(as_my(b)->load, row, diags);
}

static int my_table_end(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    int rc = my_table_load_end(m->load, NULL, diags);
    forget_load(m);
    return rc;
}

static int my_check_deferred(backend *b, diag_list *diags)
{
    (void)b; /* keys are checked once, before the commit */
    (void)diags;
    return 0;
}

static int my_load_end_op(backend *b, bool commit, diag_list *diags)
{
    my_backend *m = as_my(b);
    forget_load(m);
    bool restored = my_load_restore_session(m->db, &m->sql_ran, diags) == 0;
    if (commit && restored && my_check_foreign_keys(m->db, diags) == 0)
        return my_load_end(m->db, true, diags);
    diag_list ignored = DIAG_LIST_INIT;
    my_load_end(m->db, false, &ignored);
    diag_list_clear(&ignored);
    return commit || !restored ? -1 : 0;
}

static void close_connections(my_backend *m)
{
    forget_load(m);
    if (m->db)
        mysql_close(m->db);
    if (m->admin)
        mysql_close(m->admin);
    m->db = m->admin = NULL;
}

/* The database and, unless this is a copy, its pristine copy. */
static int drop_all(my_backend *m, diag_list *diags)
{
    if (my_backend_admin(m, diags) < 0)
        return -1;
    int rc = my_db_drop(m->admin, m->database, m->run_id, diags);
    static const char *const siblings[] = {"tpl", "next", "old"};
    for (size_t i = 0; !m->borrowed && i < sizeof siblings / sizeof *siblings; i++) {
        char *name = my_sibling_name(m, siblings[i]);
        diag_list absent = DIAG_LIST_INIT;
        if (!name || (my_db_read_marker(m->admin, name, NULL, &absent) != MY_NOT_FOUND &&
                      my_db_drop(m->admin, name, m->run_id, diags) < 0))
            rc = -1;
        diag_list_clear(&absent);
        free(name);
    }
    return rc;
}

int my_stop_own_server(my_backend *m, diag_list *diags)
{
    int rc = 0;
    if (m->cluster && my_cluster_stop(m->cluster, diags) < 0)
        rc = -1;
    if (m->container) {
        if (ct_container_stop(m->container, diags) < 0)
            return -1; /* kept: a second teardown tries again */
        ct_container_free(m->container);
        m->container = NULL;
    }
    return rc;
}

static int my_drop(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    if (!m->created && !m->marked) {
        diag_add(diags, NULL, 0, 0, "refusing to drop a database foster did not create");
        return -1;
    }
    if (!m->borrowed)
        my_wait_for_helper(m, true); /* the next copy's helper: done, its lock file gone */
    if (m->db)
        mysql_close(m->db);
    m->db = NULL;
    forget_load(m);
    int rc = 0;
    /* foster's own server (cluster, container) goes with everything in it */
    if ((!m->cluster && !m->container) || m->borrowed)
        rc = drop_all(m, diags);
    if (m->admin)
        mysql_close(m->admin);
    m->admin = NULL;
    if (!m->borrowed && my_stop_own_server(m, diags) < 0)
        rc = -1;
    return rc;
}

static void *my_connection(const backend *b)
{
    return ((const my_backend *)b)->db;
}

static void my_release(backend *b)
{
    close_connections(as_my(b));
}

static const char *my_database(const backend *b)
{
    return ((const my_backend *)b)->database;
}

static const char *my_url_op(const backend *b)
{
    return ((const my_backend *)b)->url;
}

/*
 * DATABASE_URL (with the password: the command connects with it; a kept or
 * reached run's has none, and the run's option file holds it), then what the
 * mariadb and mysql clients read: MYSQL_DATABASE, MYSQL_UNIX_PORT or
 * MYSQL_HOST and MYSQL_TCP_PORT, MYSQL_USER and MYSQL_PWD (which `up` leaves
 * out: the option file holds the password).
 */
static int my_environment(const backend *b, env_var **vars, size_t *count)
{
    const my_backend *m = (const my_backend *)b;
    my_url url = server_url(m);
    char port[16];
    snprintf(port, sizeof port, "%u", url.port ? url.port : 3306);
    const char *database_url = m->hide_password ? m->url : m->url_secret;
    if (env_list_add(vars, count, "DATABASE_URL", database_url ? database_url : m->url) < 0 ||
        env_list_add(vars, count, "MYSQL_DATABASE", m->database) < 0)
        return -1;
    if (url.unix_socket && env_list_add(vars, count, "MYSQL_UNIX_PORT", url.unix_socket) < 0)
        return -1;
    if (!url.unix_socket &&
        (env_list_add(vars, count, "MYSQL_HOST", url.host ? url.host : "localhost") < 0 ||
         env_list_add(vars, count, "MYSQL_TCP_PORT", port) < 0))
        return -1;
    if (url.user && env_list_add(vars, count, "MYSQL_USER", url.user) < 0)
        return -1;
    if (url.password && env_list_add(vars, count, "MYSQL_PWD", url.password) < 0)
        return -1;
    return 0;
}

static void my_free(backend *b)
{
    my_backend *m = as_my(b);
    if (!m)
        return;
    close_connections(m);
    if (m->url_secret)
        explicit_bzero(m->url_secret, strlen(m->url_secret));
    if (m->server.password)
        explicit_bzero(m->server.password, strlen(m->server.password));
    if (m->server_text)
        explicit_bzero(m->server_text, strlen(m->server_text));
    if (!m->borrowed) {
        my_cluster_free(m->cluster);
        ct_container_free(m->container);
    }
    free(m->container_engine);
    free(m->container_image);
    free(m->container_location);
    my_url_free(&m->server);
    free(m->server_text);
    free(m->bindir);
    free(m->cluster_name);
    free(m->database);
    free(m->run_id);
    free(m->runtime_dir);
    free(m->marker);
    free(m->url);
    free(m->url_secret);
    free(m->load_table);
    free(m);
}

int my_mark_kept(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    char *marker = my_backend_marker(m, true);
    if (!marker)
        return out_of_memory(diags);
    int rc = my_backend_admin(m, diags);
    if (rc == 0)
        rc = my_db_set_marker(m->admin, m->database, marker, diags);
    char *tpl = rc == 0 ? my_sibling_name(m, "tpl") : NULL;
    if (tpl)
        rc = my_db_set_marker(m->admin, tpl, marker, diags);
    free(tpl);
    free(m->marker);
    m->marker = marker;
    m->hide_password = true; /* kept: its environment is printed (the kind's secret file) */
    return rc;
}

static const backend_ops my_ops = {
    .name = "mysql",
    .create = my_create,
    .open_existing = my_open_existing,
    .create_tables = my_create_tables,
    .finish_schema = my_finish_schema,
    .load_begin = my_load_begin_op,
    .table_begin = my_table_begin,
    .table_row = my_table_row,
    .table_end = my_table_end,
    .check_deferred = my_check_deferred,
    .exec_sql = my_exec_sql,
    .load_end = my_load_end_op,
    .snapshot = my_snapshot,
    .reset = my_reset,
    .settle = my_settle,
    .copy = my_copy,
    .test_begin = my_test_begin,
    .test_end = my_test_end,
    .connection = my_connection,
    .drop = my_drop,
    .drop_copy = my_drop_copy,
    .mark_kept = my_mark_kept,
    .release = my_release,
    .database = my_database,
    .url = my_url_op,
    .environment = my_environment,
    .free = my_free,
};

static my_backend *new_backend(void)
{
    my_backend *m = calloc(1, sizeof *m);
    if (m)
        m->base.ops = &my_ops;
    return m;
}

backend *backend_mysql_new(const char *url, const char *manifest_path, int url_line)
{
    my_backend *m = new_backend();
    if (!m)
        return NULL;
    m->server_text = strdup(url ? url : "mysql://localhost/");
    m->manifest_path = manifest_path;
    m->server_line = url_line;
    if (!m->server_text) {
        my_free(&m->base);
        return NULL;
    }
    return &m->base;
}

backend *backend_mysql_cluster_new(const char *bindir, const char *runtime_dir, const char *name,
                                   const volatile sig_atomic_t *interrupt)
{
    my_backend *m = new_backend();
    if (!m)
        return NULL;
    m->bindir = bindir ? strdup(bindir) : NULL;
    m->runtime_dir = strdup(runtime_dir);
    m->cluster_name = strdup(name);
    m->interrupt = interrupt;
    if ((bindir && !m->bindir) || !m->runtime_dir || !m->cluster_name) {
        my_free(&m->base);
        return NULL;
    }
    return &m->base;
}

backend *backend_mysql_on_cluster(my_cluster *cluster)
{
    my_backend *m = new_backend();
    if (!m) {
        my_cluster_free(cluster);
        return NULL;
    }
    m->cluster = cluster;
    return &m->base;
}

void backend_mysql_set_owner(backend *b, const char *runtime_dir, const char *run_id)
{
    my_backend *m = as_my(b);
    if (runtime_dir && !m->runtime_dir)
        m->runtime_dir = strdup(runtime_dir);
    if (run_id && !m->run_id)
        m->run_id = strdup(run_id);
}
