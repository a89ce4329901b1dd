/*
 * test_pgwait.c — waiting for a PostgreSQL server (pg_wait) and keeping its
 * password out of sight (pg_redact_*), against real servers and fake ones:
 * the real servers, the helpers the cases share (test_pgwait.h) and main().
 * The cases are in test_pgwait_redact.c, _unreachable.c, _answers.c and
 * _ready.c.
 *
 * main() runs initdb once (superuser "app", password SERVER_PASSWORD, scram
 * for TCP, trust on the unix socket) into a private scratch directory;
 * tests start `postgres` on it (127.0.0.1 and a unix socket in that
 * directory, on a free port) and stop it again. PostgreSQL refuses to run as
 * root, so when the tests run as root, initdb and postgres run as the user
 * `postgres` (else `nobody`). The binaries come from $FOSTER_TEST_PG_BINDIR,
 * else /usr/lib/postgresql/15/bin.
 *
 * Nothing is left behind when a test fails: a server dies with the process
 * that started it (PR_SET_PDEATHSIG: a failed Check test ends with _exit, or
 * is killed when out of time, so neither teardown nor atexit runs then), the
 * next start and main()'s atexit handler stop whatever postmaster.pid still
 * names, and main() removes the directory. (Without fork, CK_FORK=no, the
 * teardown and an atexit handler of the test stop the server.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scratch.h"
#include "test_pgwait.h"

pgwait_test_cluster cluster;
pid_t test_server;
int test_server_port;

double now(void)
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

/* A TCP port on 127.0.0.1 nobody listens on (bind to port 0, ask, close). */
int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
    socklen_t length = sizeof address;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &length), 0);
    close(fd);
    return ntohs(address.sin_port);
}

/* In a child: drop root for the server user, dying with the parent. */
static void become_server_user(int death_signal)
{
    pid_t parent = getppid();
    if (geteuid() == 0 &&
        (setgroups(0, NULL) < 0 || setgid(cluster.gid) < 0 || setuid(cluster.uid) < 0)) {
        perror("test_pgwait: cannot become the server user");
        _exit(127);
    }
    /* After setuid: changing credentials clears the parent-death signal. */
    if (death_signal && (prctl(PR_SET_PDEATHSIG, death_signal) < 0 || getppid() != parent))
        _exit(127);
    if (chdir(cluster.root) < 0)
        _exit(127);
}

static void redirect_output(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(127);
    close(fd);
}

/*
 * Starts postgres on `port` after `delay` seconds, in a child that dies with
 * the calling process. `extra` is NULL or further "-c", "name=value" pairs.
 */
pid_t spawn_server(int port, double delay, const char *const *extra)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid > 0)
        return pid;
    sleep_seconds(delay);
    become_server_user(SIGQUIT); /* SIGQUIT: immediate shutdown, backends included */
    redirect_output(cluster.log);
    char program[300], port_text[16];
    snprintf(program, sizeof program, "%s/postgres", cluster.bindir);
    snprintf(port_text, sizeof port_text, "%d", port);
    const char *argv[32] = {program,
                            "-D",
                            cluster.data,
                            "-p",
                            port_text,
                            "-k",
                            cluster.root,
                            "-c",
                            "listen_addresses=127.0.0.1",
                            "-c",
                            "fsync=off",
                            "-c",
                            "log_connections=on",
                            "-c",
                            "max_connections=20"};
    size_t count = 15;
    for (size_t i = 0; extra && extra[i] && count < 31; i++)
        argv[count++] = extra[i];
    argv[count] = NULL;
    execv(program, (char **)argv);
    perror("test_pgwait: cannot run postgres");
    _exit(127);
}

static void stop_server(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGQUIT);
    for (int i = 0; i < 500; i++) { /* 5 s, then SIGKILL */
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        sleep_seconds(0.01);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

void stop_test_server_at_exit(void)
{
    stop_server(test_server);
    test_server = 0;
}

/* Waits (with libpq's PQping, not the code under test) until the server on `port` answers. */
static void wait_until_answering(int port)
{
    char conninfo[128];
    snprintf(conninfo, sizeof conninfo,
             "host=127.0.0.1 port=%d dbname=postgres user=app connect_timeout=2", port);
    for (double give_up = now() + 20; now() < give_up; sleep_seconds(0.01))
        if (PQping(conninfo) == PQPING_OK)
            return;
    char tail[400] = "";
    FILE *log = fopen(cluster.log, "r");
    if (log) {
        if (fseek(log, -(long)(sizeof tail - 1), SEEK_END) < 0)
            rewind(log);
        tail[fread(tail, 1, sizeof tail - 1, log)] = '\0';
        fclose(log);
    }
    ck_abort_msg("the test server on port %d did not start; its log ends:\n%s", port, tail);
}

static long postmaster_pid(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/postmaster.pid", cluster.data);
    FILE *file = fopen(path, "r");
    long pid = 0;
    if (file) {
        if (fscanf(file, "%ld", &pid) != 1)
            pid = 0;
        fclose(file);
    }
    return pid;
}

static bool is_zombie(long pid)
{
    char path[64], state = 0;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *file = fopen(path, "r");
    /* "pid (comm) S ...": comm may hold blanks, so look after the last ')' */
    char line[512];
    if (file && fgets(line, sizeof line, file)) {
        char *paren = strrchr(line, ')');
        if (paren && paren[1] == ' ')
            state = paren[2];
    }
    if (file)
        fclose(file);
    return state == 'Z';
}

/*
 * Stops the server an earlier, failed test left (its starter exited at once,
 * so PR_SET_PDEATHSIG's SIGQUIT may still be at work) and waits until it is
 * gone: a new postmaster refuses a data directory whose postmaster.pid names
 * a live process.
 */
void stop_previous_server(void)
{
    for (int i = 0; i < 1000; i++) { /* 10 s */
        long pid = postmaster_pid();
        if (pid <= 0 || kill((pid_t)pid, 0) < 0)
            return;
        if (is_zombie(pid)) { /* dead, but nobody reaped it: its pid file is stale */
            char path[160];
            snprintf(path, sizeof path, "%s/postmaster.pid", cluster.data);
            unlink(path);
            return;
        }
        kill((pid_t)pid, SIGQUIT);
        sleep_seconds(0.01);
    }
}

void start_test_server(const char *const *extra)
{
    static int registered;
    stop_previous_server();
    if (!registered && atexit(stop_test_server_at_exit) == 0)
        registered = 1;
    test_server_port = free_port();
    test_server = spawn_server(test_server_port, 0, extra);
    wait_until_answering(test_server_port);
}

char *server_url(const char *user_and_password, const char *database)
{
    char *url = NULL;
    ck_assert_int_ge(asprintf(&url, "postgresql://%s@127.0.0.1:%d/%s", user_and_password,
                              test_server_port, database),
                     0);
    return url;
}

/* How often the server log says `needle` (log_connections=on: one line per session). */
int count_in_log(const char *needle)
{
    FILE *file = fopen(cluster.log, "r");
    ck_assert_ptr_nonnull(file);
    int count = 0;
    char line[2048];
    while (fgets(line, sizeof line, file))
        if (strstr(line, needle))
            count++;
    fclose(file);
    return count;
}

void record_progress(void *context, double elapsed, const char *reason)
{
    progress_log *log = context;
    if (log->calls < 16) {
        log->elapsed[log->calls] = elapsed;
        snprintf(log->reasons[log->calls], sizeof log->reasons[0], "%s", reason);
    }
    if (log->calls++ == 0) {
        if (log->interrupt_at_first_call)
            *log->interrupt_at_first_call = 1;
        for (size_t i = 0; i < 4; i++) {
            PQfinish(log->release_at_first_call[i]);
            log->release_at_first_call[i] = NULL;
        }
    }
}

pg_wait_result wait_for(const char *conninfo, double timeout, diag_list *diags, double *elapsed)
{
    pg_wait_options options = {.timeout = timeout, .confirmations = 1};
    double start = now();
    pg_wait_result result = pg_wait(conninfo, &options, diags);
    *elapsed = now() - start;
    return result;
}

double assert_wait_ends(const char *conninfo, double timeout, pg_wait_result result,
                        const char *message)
{
    diag_list diags = DIAG_LIST_INIT;
    double elapsed;
    ck_assert_int_eq(wait_for(conninfo, timeout, &diags, &elapsed), result);
    ck_assert_int_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].message, message);
    diag_list_clear(&diags);
    return elapsed;
}

/* ---- the cluster made once ------------------------------------------------------------ */

/* Stops what postmaster.pid names (a server whose starter died) and removes everything. */
static void remove_cluster(void)
{
    if (getpid() != cluster.owner || !cluster.root)
        return;
    stop_previous_server();
    scratch_remove(cluster.root);
    free(cluster.root);
    cluster.root = NULL;
}

static int give_to_server_user(const char *path)
{
    return geteuid() == 0 ? chown(path, cluster.uid, cluster.gid) : 0;
}

/* initdb as the server user; returns 0, or -1 after printing why. */
static int make_cluster(void)
{
    const char *bindir = getenv("FOSTER_TEST_PG_BINDIR");
    snprintf(cluster.bindir, sizeof cluster.bindir, "%s",
             bindir && *bindir ? bindir : "/usr/lib/postgresql/15/bin");
    cluster.uid = geteuid();
    cluster.gid = getegid();
    if (geteuid() == 0) {
        struct passwd *user = getpwnam("postgres");
        if (!user)
            user = getpwnam("nobody");
        if (!user) {
            fprintf(stderr, "test_pgwait: running as root, but there is no user postgres\n");
            return -1;
        }
        cluster.uid = user->pw_uid;
        cluster.gid = user->pw_gid;
    }
    cluster.root = scratch_make("foster-pgwait-");
    if (!cluster.root) {
        perror("test_pgwait: mkdtemp");
        return -1;
    }
    cluster.owner = getpid();
    atexit(remove_cluster);
    snprintf(cluster.data, sizeof cluster.data, "%s/data", cluster.root);
    snprintf(cluster.log, sizeof cluster.log, "%s/server.log", cluster.root);
    char pwfile[128], initdb[300], initdb_log[128];
    snprintf(pwfile, sizeof pwfile, "%s/pwfile", cluster.root);
    snprintf(initdb, sizeof initdb, "%s/initdb", cluster.bindir);
    snprintf(initdb_log, sizeof initdb_log, "%s/initdb.log", cluster.root);
    FILE *file = fopen(pwfile, "w");
    if (!file || fputs(SERVER_PASSWORD "\n", file) < 0 || fclose(file) != 0 ||
        give_to_server_user(cluster.root) < 0 || give_to_server_user(pwfile) < 0) {
        perror("test_pgwait: preparing the cluster directory");
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        become_server_user(SIGKILL);
        redirect_output(initdb_log);
        execl(initdb, initdb, "-D", cluster.data, "-U", "app", "--pwfile", pwfile,
              "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C",
              "--no-sync", "--no-instructions", (char *)NULL);
        perror(initdb);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "test_pgwait: %s failed (set FOSTER_TEST_PG_BINDIR?); its output:\n",
                initdb);
        char command[200];
        snprintf(command, sizeof command, "cat %s >&2", initdb_log);
        if (system(command) != 0)
            fprintf(stderr, "(none)\n");
        return -1;
    }
    return 0;
}

static Suite *pgwait_suite(void)
{
    Suite *suite = suite_create("pgwait");
    suite_add_tcase(suite, pgwait_redact_tcase());

    /* Real servers here start and stop within a test, or none is started. */
    TCase *no_server = tcase_create("without a server");
    tcase_set_timeout(no_server, 30);
    pgwait_add_unreachable_tests(no_server);
    pgwait_add_answer_tests(no_server);
    suite_add_tcase(suite, no_server);

    suite_add_tcase(suite, pgwait_ready_tcase());
    return suite;
}

int main(void)
{
    /* Only what each test writes may reach libpq. */
    static const char *const pg_variables[] = {"PGHOST",     "PGHOSTADDR", "PGPORT",
                                               "PGDATABASE", "PGUSER",     "PGPASSWORD",
                                               "PGSERVICE",  "PGSSLMODE",  "PGCONNECT_TIMEOUT"};
    for (size_t i = 0; i < sizeof pg_variables / sizeof pg_variables[0]; i++)
        unsetenv(pg_variables[i]);
    setenv("PGPASSFILE", "/nonexistent", 1);
    if (make_cluster() < 0) {
        remove_cluster();
        return EXIT_FAILURE;
    }
    SRunner *runner = srunner_create(pgwait_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
