/*
 * mysql_test_server.c — real MariaDB servers for the unit tests. See
 * mysql_test_server.h.
 */
#include "mysql_test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mysql.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fstree.h"
#include "scratch.h"

#define MARIADBD   "/usr/sbin/mariadbd"
#define INSTALL_DB "/usr/bin/mariadb-install-db"

static struct {
    char *root;
    char pristine[128];
    uid_t uid;
    gid_t gid;
    bool switch_user;
} setup;

/* Check's assertions cannot run outside a test (main starts servers too): print and exit,
 * which Check reports as the failure of the test that called. */
static void require(bool condition, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void require(bool condition, const char *fmt, ...)
{
    if (condition)
        return;
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "mysql_test_server: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

const char *mts_root(void)
{
    return setup.root;
}

int mts_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    require(fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof address) == 0 &&
                getsockname(fd, (struct sockaddr *)&address, &length) == 0,
            "cannot find a free port: %s", strerror(errno));
    close(fd);
    return ntohs(address.sin_port);
}

/* In a child: become the server user, die with the parent, output to `log`. */
static void child_prepare(const char *log, pid_t parent)
{
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(127);
    if (setup.switch_user &&
        (setgroups(0, NULL) < 0 || setgid(setup.gid) < 0 || setuid(setup.uid) < 0))
        _exit(127);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
}

static int run_install_db(void)
{
    char log[160], datadir[160], tmpdir[160];
    snprintf(log, sizeof log, "%s/install.log", setup.root);
    snprintf(datadir, sizeof datadir, "--datadir=%s", setup.pristine);
    snprintf(tmpdir, sizeof tmpdir, "--tmpdir=%s", setup.root);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        child_prepare(log, parent);
        execl(INSTALL_DB, INSTALL_DB, "--no-defaults", datadir, tmpdir,
              "--auth-root-authentication-method=normal", "--skip-test-db",
              "--innodb-log-file-size=4M", "--innodb-doublewrite=0", "--skip-log-bin", NULL);
        _exit(127);
    }
    int status = -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status == 0 ? 0 : -1;
}

static void server_argument(char *out, size_t size, const char *name, const char *value)
{
    snprintf(out, size, "--%s=%s", name, value);
}

static void exec_server(const mts_server *server, double delay, pid_t parent)
{
    char log[300], datadir[300], socket_arg[300], pid_file[300], port[32], log_error[300];
    char tmpdir[300];
    snprintf(log, sizeof log, "%s/%s.out", setup.root, server->name);
    child_prepare(log, parent);
    if (delay > 0)
        sleep_seconds(delay);
    server_argument(datadir, sizeof datadir, "datadir", server->data);
    server_argument(socket_arg, sizeof socket_arg, "socket", server->socket);
    snprintf(pid_file, sizeof pid_file, "--pid-file=%s/%s.pid", setup.root, server->name);
    snprintf(log_error, sizeof log_error, "--log-error=%s/%s.log", setup.root, server->name);
    /* Its own temporary folder: a server deletes every #sql* file in its tmpdir when it
     * starts, so one starting beside another on a shared /tmp took away the other's
     * temporary tables ("Error on delete of '/tmp/#sql-temptable-...'"). */
    snprintf(tmpdir, sizeof tmpdir, "--tmpdir=%s/%s.tmp", setup.root, server->name);
    if (mkdir(tmpdir + strlen("--tmpdir="), 0700) < 0 && errno != EEXIST)
        _exit(127);
    snprintf(port, sizeof port, "--port=%d", server->port);
    const char *tcp = server->port ? "--bind-address=127.0.0.1" : "--skip-networking";
    execl(MARIADBD, MARIADBD, "--no-defaults", datadir, socket_arg, pid_file, log_error, tmpdir,
          port, tcp, "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin",
          "--innodb-doublewrite=0", "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=4M",
          "--innodb-use-native-aio=0", "--performance-schema=0", "--skip-name-resolve",
          "--local-infile=1", NULL);
    _exit(127);
}

void mts_prepare(mts_server *server, const char *name, bool tcp)
{
    memset(server, 0, sizeof *server);
    snprintf(server->name, sizeof server->name, "%s", name);
    snprintf(server->socket, sizeof server->socket, "%s/%s.sock", setup.root, name);
    snprintf(server->data, sizeof server->data, "%s/%s", setup.root, name);
    server->port = tcp ? mts_free_port() : 0;
}

void mts_start_after(mts_server *server, double delay)
{
    fstree_remove(server->data);
    require(fstree_copy(setup.pristine, server->data, setup.switch_user, setup.uid, setup.gid) == 0,
            "cannot copy %s to %s: %s", setup.pristine, server->data, strerror(errno));
    pid_t parent = getpid();
    server->pid = fork();
    require(server->pid >= 0, "fork: %s", strerror(errno));
    if (server->pid == 0)
        exec_server(server, delay, parent);
}

static MYSQL *connect_root(const char *socket_path)
{
    MYSQL *mysql = mysql_init(NULL);
    unsigned timeout = 2;
    mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (mysql_real_connect(mysql, NULL, "root", "", NULL, 0, socket_path, 0))
        return mysql;
    mysql_close(mysql);
    return NULL;
}

void mts_start(mts_server *server)
{
    mts_start_after(server, 0);
    double deadline = now() + 30;
    for (;;) {
        MYSQL *mysql = connect_root(server->socket);
        if (mysql) {
            mysql_close(mysql);
            return;
        }
        int status;
        require(waitpid(server->pid, &status, WNOHANG) == 0,
                "the test server %s exited while starting (see %s/%s.log)", server->name,
                setup.root, server->name);
        require(now() < deadline, "the test server %s did not start in 30 s", server->name);
        sleep_seconds(0.02);
    }
}

void mts_stop(mts_server *server)
{
    if (server->pid > 0) {
        kill(server->pid, SIGKILL);
        while (waitpid(server->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        server->pid = 0;
    }
    fstree_remove(server->data);
    unlink(server->socket);
}

void mts_exec(const mts_server *server, const char *sql)
{
    MYSQL *mysql = connect_root(server->socket);
    require(mysql != NULL, "cannot connect to the test server %s", server->name);
    require(mysql_query(mysql, sql) == 0, "%s: %s", sql, mysql_error(mysql));
    MYSQL_RES *result = mysql_store_result(mysql);
    if (result)
        mysql_free_result(result);
    mysql_close(mysql);
}

char *mts_value(const mts_server *server, const char *sql)
{
    MYSQL *mysql = connect_root(server->socket);
    require(mysql != NULL, "cannot connect to the test server %s", server->name);
    require(mysql_query(mysql, sql) == 0, "%s: %s", sql, mysql_error(mysql));
    MYSQL_RES *result = mysql_store_result(mysql);
    require(result != NULL, "%s: no result", sql);
    MYSQL_ROW row = mysql_fetch_row(result);
    char *value = row && row[0] ? strdup(row[0]) : NULL;
    mysql_free_result(result);
    mysql_close(mysql);
    return value;
}

static void find_server_user(void)
{
    setup.uid = geteuid();
    setup.gid = getegid();
    if (geteuid() != 0)
        return;
    struct passwd *pw = getpwnam("mysql");
    if (!pw)
        pw = getpwnam("nobody");
    if (pw) {
        setup.switch_user = true;
        setup.uid = pw->pw_uid;
        setup.gid = pw->pw_gid;
    }
}

/* The pristine directory gets the user `app` (all privileges, password MTS_PASSWORD). */
static int add_test_user(void)
{
    mts_server server;
    mts_prepare(&server, "init", false);
    snprintf(server.data, sizeof server.data, "%s", setup.pristine);
    pid_t parent = getpid();
    server.pid = fork();
    if (server.pid == 0)
        exec_server(&server, 0, parent);
    MYSQL *mysql = NULL;
    for (double deadline = now() + 30; !mysql && now() < deadline; sleep_seconds(0.02))
        mysql = connect_root(server.socket);
    int rc =
        mysql && mysql_query(mysql, "CREATE USER app@'%' IDENTIFIED BY '" MTS_PASSWORD "'; ") == 0
            ? 0
            : -1;
    if (rc == 0)
        rc = mysql_query(mysql, "GRANT ALL ON *.* TO app@'%' WITH GRANT OPTION") == 0 ? 0 : -1;
    if (mysql)
        mysql_close(mysql);
    kill(server.pid, SIGTERM); /* a clean shutdown: the copies start without recovery */
    while (waitpid(server.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return rc;
}

int mts_setup(const char **reason)
{
    if (access(MARIADBD, X_OK) != 0 || access(INSTALL_DB, X_OK) != 0) {
        *reason = "mariadbd or mariadb-install-db is not installed (apt-get install "
                  "mariadb-server)";
        return -1;
    }
    find_server_user();
    setup.root = scratch_make("foster-mysql-test-");
    if (!setup.root || chmod(setup.root, 0711) < 0) {
        *reason = "cannot make a private directory under /tmp";
        return -1;
    }
    if (setup.switch_user && chown(setup.root, setup.uid, setup.gid) < 0) {
        *reason = "cannot give the private directory to the server user";
        return -1;
    }
    snprintf(setup.pristine, sizeof setup.pristine, "%s/pristine", setup.root);
    if (run_install_db() < 0 || add_test_user() < 0) {
        *reason = "mariadb-install-db or the first server start failed (see install.log)";
        return -2;
    }
    return 0;
}

void mts_cleanup(void)
{
    scratch_remove(setup.root);
    free(setup.root);
    setup.root = NULL;
}
