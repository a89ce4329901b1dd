/*
 * pgcontainer.c — the `container` backend's server: PostgreSQL in a docker or
 * podman container, driven through the engine's command line. See
 * pgcontainer.h.
 *
 * Every engine command goes through engine_command: fork and exec of the
 * engine found in PATH (an argv array, never a shell), its stdout and stderr
 * read through pipes, bounded by a timeout and by the caller's interrupt flag.
 * The superuser password reaches `run` through the child's environment only
 * (`-e POSTGRES_PASSWORD` names the variable), so it never shows in ps.
 *
 * The commands used, and what is read from their answers:
 *     info                                 exit status: does the engine answer?
 *     run -d --rm --name N --label ... -e POSTGRES_PASSWORD -p 127.0.0.1::5432 IMAGE -c ...
 *     port N 5432/tcp                      "127.0.0.1:49153" (one line per address)
 *     inspect --format INSPECT_FORMAT N    labels as JSON, then the environment
 *     inspect --format {{.State.Status}} N "running" while it runs
 *     logs --tail 5 N                      quoted when the server never got ready
 *     ps -a --filter label=foster=1 --format ...   name, run id, owner pid
 *     rm -f N
 */
#include "pgcontainer.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgwait.h"
#include "strbuf.h"

extern char **environ;

#define DEFAULT_IMAGE            "postgres:16"
#define DEFAULT_TIMEOUT_SECONDS  60.0
#define MIN_WAIT_SECONDS         1.0 /* readiness gets at least this, however long `run` took */
#define INFO_TIMEOUT_SECONDS     20.0
#define COMMAND_TIMEOUT_SECONDS  30.0
#define STATUS_TIMEOUT_SECONDS   5.0 /* the status check between readiness attempts */
#define KILL_GRACE_SECONDS       1.0
#define POLL_SLICE_MILLISECONDS  50
#define OUTPUT_LIMIT_BYTES       (1024 * 1024)
#define NAME_PREFIX              "foster-"
#define RUN_ID_MAX               64
#define SUPERUSER                "postgres"
#define PASSWORD_VARIABLE        "POSTGRES_PASSWORD"
#define PASSWORD_LENGTH          24
#define CONTAINER_PORT           "5432/tcp"
#define PUBLISH_SPEC             "127.0.0.1::5432"
#define LOG_TAIL_LINES           "5"
#define STATUS_FORMAT            "{{.State.Status}}"
/* Labels as one line of JSON, then one line per environment entry: one call for attach. */
#define INSPECT_FORMAT "{{json .Config.Labels}}\n{{range .Config.Env}}{{println .}}{{end}}"
/*
 * `ps` templates differ: docker's rows have a Label method, podman's (before
 * 5.0) only a Labels map. A real tab, not "\t": neither engine has to unescape it.
 */
#define DOCKER_PS_FORMAT "{{.Names}}\t{{.Label \"foster.run\"}}\t{{.Label \"foster.pid\"}}"
#define PODMAN_PS_FORMAT                                                                           \
    "{{.Names}}\t{{index .Labels \"foster.run\"}}\t{{index .Labels \"foster.pid\"}}"

/* Settings for a throwaway server, as postgres arguments after the image. */
static const char *const server_settings[] = {"fsync=off", "full_page_writes=off",
                                              "synchronous_commit=off"};

static const char *const known_engines[] = {"docker", "podman"};
#define ENGINE_COUNT (sizeof known_engines / sizeof known_engines[0])

struct pg_container {
    const char *engine; /* one of known_engines */
    char *name;
    char *host; /* where the published port is reached: 127.0.0.1, or ::1 */
    int port;
    char *password;
};

/* ---- small helpers ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt && *interrupt;
}

static void add_out_of_memory(diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "out of memory");
}

/* The entry of known_engines spelled `name`, or NULL. */
static const char *known_engine(const char *name)
{
    for (size_t i = 0; name && i < ENGINE_COUNT; i++) {
        if (strcmp(name, known_engines[i]) == 0)
            return known_engines[i];
    }
    return NULL;
}

static bool valid_run_id(const char *run_id)
{
    if (!run_id || !*run_id || strlen(run_id) > RUN_ID_MAX)
        return false;
    for (const char *p = run_id; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
            return false;
    }
    return true;
}

/* PASSWORD_LENGTH letters and digits from getrandom, unbiased; a new string or NULL. */
static char *make_password(diag_list *diags)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const unsigned limit = 256 - 256 % (sizeof alphabet - 1); /* 248: keeps every letter equal */
    char *password = malloc(PASSWORD_LENGTH + 1);
    if (!password) {
        add_out_of_memory(diags);
        return NULL;
    }
    size_t length = 0;
    while (length < PASSWORD_LENGTH) {
        unsigned char bytes[64];
        ssize_t got = getrandom(bytes, sizeof bytes, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diag_add(diags, NULL, 0, 0, "cannot make a password: getrandom: %s", strerror(errno));
            free(password);
            return NULL;
        }
        for (ssize_t i = 0; i < got && length < PASSWORD_LENGTH; i++) {
            if (bytes[i] < limit)
                password[length++] = alphabet[bytes[i] % (sizeof alphabet - 1)];
        }
    }
    password[length] = '\0';
    return password;
}

/* ---- running the engine ---- */

/* The engine's executable in PATH, a new string; NULL when there is none. */
static char *engine_path(const char *engine)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *start = path;; start++) {
        const char *end = strchr(start, ':');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        char *candidate = length ? strbuf_format("%.*s/%s", (int)length, start, engine)
                                 : strbuf_format("./%s", engine); /* empty entry: the cwd */
        struct stat st;
        if (candidate && stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
            access(candidate, X_OK) == 0)
            return candidate;
        free(candidate);
        if (!end)
            return NULL;
        start = end;
    }
}

typedef struct engine_call {
    const char *engine;            /* "docker" or "podman" */
    const char *const *arguments;  /* after the engine's name; NULL-terminated */
    const char *password;          /* NULL, or POSTGRES_PASSWORD for the child's environment */
    double timeout;                /* seconds */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} engine_call;

typedef struct engine_reply {
    int status; /* exit status, 128+N after signal N */
    char *out;  /* stdout, never NULL after success */
    char *err;  /* stderr, never NULL after success */
} engine_reply;

static void engine_reply_free(engine_reply *reply)
{
    free(reply->out);
    free(reply->err);
    reply->out = reply->err = NULL;
}

/*
 * argv for exec: the engine's name, then the arguments. The pointers are
 * borrowed; only the array is new.
 */
static char **engine_argv(const engine_call *call)
{
    size_t count = 0;
    while (call->arguments[count])
        count++;
    char **argv = calloc(count + 2, sizeof *argv);
    if (!argv)
        return NULL;
    argv[0] = (char *)call->engine;
    for (size_t i = 0; i < count; i++)
        argv[i + 1] = (char *)call->arguments[i];
    return argv;
}

/*
 * Our environment without any POSTGRES_PASSWORD, plus ours when `password`
 * is set. The array and that one entry are new (*owned is the entry to free).
 */
static char **engine_environment(const char *password, char **owned)
{
    static const char prefix[] = PASSWORD_VARIABLE "=";
    size_t count = 0;
    while (environ && environ[count])
        count++;
    char **envp = calloc(count + 2, sizeof *envp);
    *owned = password ? strbuf_format("%s%s", prefix, password) : NULL;
    if (!envp || (password && !*owned)) {
        free(envp);
        free(*owned);
        *owned = NULL;
        return NULL;
    }
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(environ[i], prefix, sizeof prefix - 1) != 0)
            envp[used++] = environ[i];
    }
    if (*owned)
        envp[used++] = *owned;
    return envp;
}

/* In the child: only async-signal-safe calls. Reports exec's errno through `report_fd`. */
static void engine_child(const char *path, char **argv, char **envp, int out_fd, int err_fd,
                         int report_fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        sigaction(reset[i], &default_action, NULL);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0) {
        int error = errno;
        ssize_t ignored = write(report_fd, &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    /* Nothing else of ours reaches the engine (nor what it leaves running). */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (int fd = 3; fd < 1024; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    execve(path, argv, envp);
    int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

/* Ends a child that outstayed its welcome: SIGTERM, then SIGKILL after a grace time. */
static void engine_kill(pid_t pid)
{
    kill(pid, SIGTERM);
    double until = now_seconds() + KILL_GRACE_SECONDS;
    while (now_seconds() < until) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        poll(NULL, 0, 10);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* Reads what is there without blocking; false once the pipe is closed. */
static bool drain(int fd, strbuf *into)
{
    char buffer[4096];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0) {
            if (into->length < OUTPUT_LIMIT_BYTES)
                strbuf_append(into, buffer, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

/* "`docker run`": how messages name a command. */
static char *command_title(const engine_call *call)
{
    return strbuf_format("`%s %s`", call->engine, call->arguments[0]);
}

/*
 * Reads the child's output until it exits (a grandchild that keeps the pipes
 * open does not hold us), the time runs out or the caller interrupts. 0 with
 * the exit status, or -1 with a diag (the child is then killed).
 */
static int engine_collect(const engine_call *call, pid_t pid, int fds[2], strbuf output[2],
                          int *status, diag_list *diags)
{
    double deadline = now_seconds() + call->timeout;
    bool open[2] = {true, true};
    for (;;) {
        int wait_status;
        pid_t waited = waitpid(pid, &wait_status, WNOHANG);
        if (waited == pid) {
            for (int i = 0; i < 2; i++) {
                if (open[i])
                    drain(fds[i], &output[i]);
            }
            *status = WIFEXITED(wait_status)     ? WEXITSTATUS(wait_status)
                      : WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status)
                                                 : 255;
            return 0;
        }
        if (waited < 0 && errno != EINTR) {
            diag_add(diags, NULL, 0, 0, "cannot wait for %s: %s", call->engine, strerror(errno));
            return -1;
        }
        bool stop_for_interrupt = interrupted(call->interrupt);
        if (stop_for_interrupt || now_seconds() >= deadline) {
            engine_kill(pid);
            char *title = command_title(call);
            if (stop_for_interrupt)
                diag_add(diags, NULL, 0, 0, "interrupted while waiting for %s",
                         title ? title : call->engine);
            else
                diag_add(diags, NULL, 0, 0, "%s gave no answer within %.1f s",
                         title ? title : call->engine, call->timeout);
            free(title);
            return -1;
        }
        struct pollfd polled[2];
        nfds_t count = 0;
        int which[2];
        for (int i = 0; i < 2; i++) {
            if (open[i]) {
                polled[count] = (struct pollfd){.fd = fds[i], .events = POLLIN};
                which[count++] = i;
            }
        }
        /* With both pipes closed the child is about to exit: look again soon. */
        int ready = poll(count ? polled : NULL, count, count ? POLL_SLICE_MILLISECONDS : 5);
        for (nfds_t i = 0; ready > 0 && i < count; i++) {
            if (polled[i].revents)
                open[which[i]] = drain(fds[which[i]], &output[which[i]]);
        }
    }
}

/*
 * Runs the engine with `call->arguments`. 0 when it ran to its end (whatever
 * its exit status: reply->status, ->out, ->err are set; free with
 * engine_reply_free), or -1 with a diag when it is not in PATH, could not be
 * started, gave no answer in time or was interrupted.
 */
static int engine_command(const engine_call *call, engine_reply *reply, diag_list *diags)
{
    memset(reply, 0, sizeof *reply);
    char *path = engine_path(call->engine);
    if (!path) {
        diag *d = diag_add(diags, NULL, 0, 0, "%s: not found in PATH", call->engine);
        diag_set_hint(d, "install Docker or Podman, or use -b cluster");
        return -1;
    }
    char *owned_entry = NULL;
    char **argv = engine_argv(call);
    char **envp = engine_environment(call->password, &owned_entry);
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, report_pipe[2] = {-1, -1};
    int rc = -1;
    if (!argv || !envp) {
        add_out_of_memory(diags);
        goto done;
    }
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0 ||
        pipe2(report_pipe, O_CLOEXEC) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot run %s: pipe: %s", path, strerror(errno));
        goto done;
    }
    pid_t pid = fork();
    if (pid == 0)
        engine_child(path, argv, envp, out_pipe[1], err_pipe[1], report_pipe[1]);
    if (pid < 0) {
        diag_add(diags, NULL, 0, 0, "cannot run %s: fork: %s", path, strerror(errno));
        goto done;
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(report_pipe[1]);
    out_pipe[1] = err_pipe[1] = report_pipe[1] = -1;

    int exec_error = 0;
    ssize_t got;
    while ((got = read(report_pipe[0], &exec_error, sizeof exec_error)) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof exec_error) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        diag_add(diags, NULL, 0, 0, "%s: cannot run %s: %s", call->engine, path,
                 strerror(exec_error));
        goto done;
    }
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
    int fds[2] = {out_pipe[0], err_pipe[0]};
    strbuf output[2] = {STRBUF_INIT, STRBUF_INIT};
    if (engine_collect(call, pid, fds, output, &reply->status, diags) == 0) {
        reply->out = strbuf_detach(&output[0]);
        reply->err = strbuf_detach(&output[1]);
        if (reply->out && reply->err)
            rc = 0;
        else
            add_out_of_memory(diags);
    }
    strbuf_free(&output[0]);
    strbuf_free(&output[1]);
    if (rc < 0)
        engine_reply_free(reply);

done:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
        if (report_pipe[i] >= 0)
            close(report_pipe[i]);
    }
    free(owned_entry);
    free(envp);
    free(argv);
    free(path);
    return rc;
}

/*
 * The line of an engine's stderr worth quoting, a new string: the first one
 * that mentions an error, else the first non-blank one; without a leading
 * "docker: " (the message names the engine already). NULL when it said nothing.
 */
static char *engine_message(const char *engine, const char *text)
{
    const char *chosen = NULL;
    size_t chosen_length = 0;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        while (length && isspace((unsigned char)line[length - 1]))
            length--;
        bool blank = true;
        for (size_t i = 0; i < length && blank; i++)
            blank = isspace((unsigned char)line[i]) != 0;
        bool mentions_error = memmem(line, length, "rror", 4) != NULL;
        if (!blank && (!chosen || mentions_error)) {
            chosen = line;
            chosen_length = length;
            if (mentions_error)
                break;
        }
        line = end ? end + 1 : NULL;
    }
    if (!chosen)
        return NULL;
    size_t engine_length = strlen(engine);
    if (chosen_length > engine_length + 2 && strncmp(chosen, engine, engine_length) == 0 &&
        chosen[engine_length] == ':' && chosen[engine_length + 1] == ' ') {
        chosen += engine_length + 2;
        chosen_length -= engine_length + 2;
    }
    return strbuf_format("%.*s", (int)chosen_length, chosen);
}

/* Adds "<what> (exit status N): <the engine's message>". */
static diag *add_engine_failure(diag_list *diags, const char *engine, const engine_reply *reply,
                                const char *what)
{
    char *message = engine_message(engine, reply->err);
    diag *d = diag_add(diags, NULL, 0, 0, "%s (exit status %d): %s", what, reply->status,
                       message ? message : "it printed no message");
    free(message);
    return d;
}

/* Whether stderr says the container does not exist (docker and podman spell it differently). */
static bool says_no_such_container(const engine_reply *reply)
{
    return strcasestr(reply->err, "no such container") || strcasestr(reply->err, "no such object");
}

/* ---- which engine ---- */

/*
 * Whether `engine` answers `info`; when it does not, appends "engine: why"
 * to `clauses` and sets *missing when it is not in PATH at all.
 */
static bool engine_answers(const char *engine, const volatile sig_atomic_t *interrupt,
                           strbuf *clauses, bool *missing)
{
    if (clauses->length)
        strbuf_append_str(clauses, "; ");
    char *path = engine_path(engine);
    if (!path) {
        *missing = true;
        strbuf_appendf(clauses, "%s: not found in PATH", engine);
        return false;
    }
    free(path);
    static const char *const info[] = {"info", NULL};
    engine_call call = {engine, info, NULL, INFO_TIMEOUT_SECONDS, interrupt};
    engine_reply reply;
    diag_list failure = DIAG_LIST_INIT;
    if (engine_command(&call, &reply, &failure) < 0) {
        const diag *last = diag_list_last(&failure);
        strbuf_appendf(clauses, "%s: %s", engine, last ? last->message : "failed");
        diag_list_clear(&failure);
        return false;
    }
    bool answers = reply.status == 0;
    if (!answers) {
        char *message = engine_message(engine, reply.err);
        if (message)
            strbuf_appendf(clauses, "%s: %s", engine, message);
        else
            strbuf_appendf(clauses, "%s: `%s info` failed with exit status %d", engine, engine,
                           reply.status);
        free(message);
    }
    engine_reply_free(&reply);
    return answers;
}

/*
 * The engine to use: `wanted` when it answers, or (wanted NULL) the first of
 * docker and podman that does. NULL with a diag naming each engine tried and
 * what it said.
 */
static const char *choose_engine(const char *wanted, const volatile sig_atomic_t *interrupt,
                                 diag_list *diags)
{
    const char *engine = known_engine(wanted);
    if (wanted && !engine) {
        diag *d = diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"", wanted);
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    strbuf clauses = STRBUF_INIT;
    size_t tried = 0, missing = 0;
    for (size_t i = 0; i < ENGINE_COUNT && !interrupted(interrupt); i++) {
        if (engine && engine != known_engines[i])
            continue;
        tried++;
        bool not_in_path = false;
        if (engine_answers(known_engines[i], interrupt, &clauses, &not_in_path)) {
            strbuf_free(&clauses);
            return known_engines[i];
        }
        missing += not_in_path;
    }
    if (interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while looking for a container engine");
    } else {
        diag *d = diag_add(diags, NULL, 0, 0, "no container engine answered: %s",
                           clauses.failed ? "out of memory" : strbuf_str(&clauses));
        diag_set_hint(d, missing == tried ? "install Docker or Podman, or use -b cluster"
                                          : "start the container engine (is its daemon "
                                            "running?), or use -b cluster");
    }
    strbuf_free(&clauses);
    return NULL;
}

/* ---- the handle ---- */

void pg_container_free(pg_container *container)
{
    if (!container)
        return;
    free(container->name);
    free(container->host);
    free(container->password);
    free(container);
}

const char *pg_container_name(const pg_container *container)
{
    return container->name;
}

const char *pg_container_engine(const pg_container *container)
{
    return container->engine;
}

/* Appends a libpq keyword=value pair, quoting the value as libpq requires. */
static void append_conninfo_value(strbuf *sb, const char *keyword, const char *value)
{
    strbuf_appendf(sb, "%s%s='", sb->length ? " " : "", keyword);
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
    strbuf_append_char(sb, '\'');
}

char *pg_container_conninfo(const pg_container *container, const char *database)
{
    strbuf sb = STRBUF_INIT;
    append_conninfo_value(&sb, "host", container->host);
    strbuf_appendf(&sb, " port=%d", container->port);
    append_conninfo_value(&sb, "user", SUPERUSER);
    append_conninfo_value(&sb, "password", container->password);
    append_conninfo_value(&sb, "dbname", database);
    return strbuf_detach(&sb);
}

/* ---- the published port ---- */

/*
 * Picks the address to use from `port`'s answer, one "ADDRESS:PORT" per line
 * ("127.0.0.1:49153", "0.0.0.0:49153", "[::1]:49153"): 127.0.0.1 first, then
 * any IPv4 address (reached through 127.0.0.1), then IPv6 (reached through
 * ::1). 0 with *host (new) and *port set; -1 when no line is usable.
 */
static int parse_published_port(const char *text, char **host, int *port)
{
    int best_rank = 99;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        char *copy = strbuf_format("%.*s", (int)length, line);
        line = end ? end + 1 : NULL;
        if (!copy)
            return -1;
        char *text_end = copy + strlen(copy);
        while (text_end > copy && isspace((unsigned char)text_end[-1]))
            *--text_end = '\0';
        char *colon = strrchr(copy, ':');
        char *digits_end = NULL;
        long number = colon ? strtol(colon + 1, &digits_end, 10) : 0;
        if (!colon || colon[1] == '\0' || *digits_end != '\0' || number < 1 || number > 65535) {
            free(copy);
            continue;
        }
        *colon = '\0';
        bool ipv6 = copy[0] == '[';
        int rank = strcmp(copy, "127.0.0.1") == 0 ? 0 : !ipv6 ? 1 : 2;
        if (rank < best_rank) {
            char *chosen = strdup(rank == 2 ? "::1" : "127.0.0.1");
            if (!chosen) {
                free(copy);
                return -1;
            }
            free(*host);
            *host = chosen;
            *port = (int)number;
            best_rank = rank;
        }
        free(copy);
    }
    return best_rank < 99 ? 0 : -1;
}

static int discover_port(pg_container *container, const volatile sig_atomic_t *interrupt,
                         diag_list *diags)
{
    const char *arguments[] = {"port", container->name, CONTAINER_PORT, NULL};
    engine_call call = {container->engine, arguments, NULL, COMMAND_TIMEOUT_SECONDS, interrupt};
    engine_reply reply;
    if (engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot find the port of container %s: `%s port`",
                                   container->name, container->engine);
        add_engine_failure(diags, container->engine, &reply, what ? what : "port");
        free(what);
        rc = -1;
    } else if (parse_published_port(reply.out, &container->host, &container->port) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot find the port of container %s: `%s port %s %s` said "
                 "\"%.200s\"", container->name, container->engine, container->name,
                 CONTAINER_PORT, reply.out);
        rc = -1;
    }
    engine_reply_free(&reply);
    return rc;
}

/* ---- removing ---- */

/*
 * `rm -f`. 0 when the container is gone (also when it was gone already),
 * -1 with a diag. Never interrupted: cleaning up must finish.
 */
static int remove_container(const pg_container *container, diag_list *diags)
{
    const char *arguments[] = {"rm", "-f", container->name, NULL};
    engine_call call = {container->engine, arguments, NULL, COMMAND_TIMEOUT_SECONDS, NULL};
    engine_reply reply;
    if (engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0 && !says_no_such_container(&reply)) {
        char *what = strbuf_format("cannot remove container %s: `%s rm -f %s`", container->name,
                                   container->engine, container->name);
        diag *d = add_engine_failure(diags, container->engine, &reply, what ? what : "rm");
        diag_set_hint(d, "remove it yourself: %s rm -f %s", container->engine, container->name);
        free(what);
        rc = -1;
    }
    engine_reply_free(&reply);
    return rc;
}

int pg_container_stop(pg_container *container, diag_list *diags)
{
    return remove_container(container, diags);
}

/* ---- starting ---- */

/*
 * `run`. 0 when the engine started the container; -1 with a diag otherwise,
 * after removing what the engine may have made (not when the name was taken:
 * that container is somebody else's).
 */
static int run_container(const pg_container *container, const char *image, const char *run_id,
                         double timeout, const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *run_label = strbuf_format("foster.run=%s", run_id);
    char *pid_label = strbuf_format("foster.pid=%ld", (long)getpid());
    if (!run_label || !pid_label) {
        free(run_label);
        free(pid_label);
        add_out_of_memory(diags);
        return -1;
    }
    const char *arguments[] = {"run",        "-d",
                               "--rm",       "--name",
                               container->name, "--label",
                               "foster=1",   "--label",
                               run_label,    "--label",
                               pid_label,    "-e",
                               PASSWORD_VARIABLE, "-p",
                               PUBLISH_SPEC, image,
                               "-c",         server_settings[0],
                               "-c",         server_settings[1],
                               "-c",         server_settings[2],
                               NULL};
    engine_call call = {container->engine, arguments, container->password, timeout, interrupt};
    engine_reply reply;
    int rc = engine_command(&call, &reply, diags);
    bool remove = rc < 0; /* timed out or interrupted: the engine may have made it anyway */
    if (rc == 0 && reply.status != 0) {
        char *what = strbuf_format("`%s run` of %s failed", container->engine, image);
        add_engine_failure(diags, container->engine, &reply, what ? what : "run");
        free(what);
        remove = !strstr(reply.err, "already in use");
        rc = -1;
    }
    engine_reply_free(&reply);
    if (remove) {
        diag_list ignored = DIAG_LIST_INIT;
        remove_container(container, &ignored);
        diag_list_clear(&ignored);
    }
    free(run_label);
    free(pid_label);
    return rc;
}

/* What the readiness watch found out between pg_wait's attempts. */
typedef struct readiness_watch {
    const pg_container *container;
    const volatile sig_atomic_t *caller_interrupt;
    volatile sig_atomic_t stop; /* pg_wait's interrupt flag */
    bool gone;                  /* the container stopped (and --rm removed it) */
} readiness_watch;

/* Whether the container still runs: false only when the engine says it does not. */
static bool container_running(const pg_container *container)
{
    const char *arguments[] = {"inspect", "--format", STATUS_FORMAT, container->name, NULL};
    engine_call call = {container->engine, arguments, NULL, STATUS_TIMEOUT_SECONDS, NULL};
    engine_reply reply;
    diag_list ignored = DIAG_LIST_INIT;
    if (engine_command(&call, &reply, &ignored) < 0) {
        diag_list_clear(&ignored);
        return true; /* no answer is no news */
    }
    bool running = true;
    if (reply.status != 0)
        running = !says_no_such_container(&reply);
    else
        running = !strstr(reply.out, "exited") && !strstr(reply.out, "dead") &&
                  !strstr(reply.out, "removing");
    engine_reply_free(&reply);
    return running;
}

/*
 * pg_wait's progress callback, about once a second: stops the wait when the
 * caller interrupts or when the container is gone. (The caller's interrupt is
 * therefore noticed within about a second.)
 */
static void watch_container(void *context, double elapsed, const char *reason)
{
    (void)elapsed;
    (void)reason;
    readiness_watch *watch = context;
    if (interrupted(watch->caller_interrupt)) {
        watch->stop = 1;
    } else if (!container_running(watch->container)) {
        watch->gone = true;
        watch->stop = 1;
    }
}

/* The last lines the container logged, each on its own indented line; NULL when none. */
static char *container_log_tail(const pg_container *container)
{
    const char *arguments[] = {"logs", "--tail", LOG_TAIL_LINES, container->name, NULL};
    engine_call call = {container->engine, arguments, NULL, STATUS_TIMEOUT_SECONDS, NULL};
    engine_reply reply;
    diag_list ignored = DIAG_LIST_INIT;
    if (engine_command(&call, &reply, &ignored) < 0) {
        diag_list_clear(&ignored);
        return NULL;
    }
    strbuf tail = STRBUF_INIT;
    if (reply.status == 0) {
        const char *streams[] = {reply.out, reply.err};
        for (size_t i = 0; i < 2; i++) {
            for (const char *line = streams[i]; *line;) {
                const char *end = strchr(line, '\n');
                size_t length = end ? (size_t)(end - line) : strlen(line);
                if (length)
                    strbuf_appendf(&tail, "\n    %.*s", (int)length, line);
                line = end ? end + 1 : line + length;
            }
        }
    }
    engine_reply_free(&reply);
    if (tail.length == 0) {
        strbuf_free(&tail);
        return NULL;
    }
    return strbuf_detach(&tail);
}

static int wait_until_ready(const pg_container *container, const char *image, double timeout,
                            const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *conninfo = pg_container_conninfo(container, "postgres");
    if (!conninfo) {
        add_out_of_memory(diags);
        return -1;
    }
    readiness_watch watch = {container, interrupt, 0, false};
    pg_wait_options options = {.timeout = timeout,
                               .confirmations = 2, /* the official image restarts once */
                               .progress = watch_container,
                               .progress_context = &watch,
                               .interrupt = &watch.stop};
    diag_list waited = DIAG_LIST_INIT;
    pg_wait_result result = pg_wait(conninfo, &options, &waited);
    free(conninfo);
    if (result == PG_WAIT_READY) {
        diag_list_clear(&waited);
        return 0;
    }
    if (result == PG_WAIT_INTERRUPTED && watch.gone) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "container %s (%s) stopped before PostgreSQL was ready, and the "
                           "engine removed it",
                           container->name, image);
        diag_set_hint(d, "see why with: %s run --rm -e POSTGRES_PASSWORD=secret %s",
                      container->engine, image);
    } else if (result == PG_WAIT_INTERRUPTED || interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while waiting for container %s",
                 container->name);
    } else {
        const diag *why = diag_list_last(&waited);
        char *tail = container_log_tail(container);
        diag *d = diag_add(diags, NULL, 0, 0, "container %s (%s): %s%s", container->name, image,
                           why ? why->message : "not ready", tail ? tail : "");
        if (tail)
            diag_set_hint(d, "the lines above are the end of the container's log");
        free(tail);
    }
    diag_list_clear(&waited);
    return -1;
}

static pg_container *container_new(const char *engine, const char *name, diag_list *diags)
{
    pg_container *container = calloc(1, sizeof *container);
    if (!container || !(container->name = strdup(name))) {
        free(container);
        add_out_of_memory(diags);
        return NULL;
    }
    container->engine = engine;
    return container;
}

pg_container *pg_container_start(const pg_container_options *options, diag_list *diags)
{
    double timeout = options->timeout > 0 ? options->timeout : DEFAULT_TIMEOUT_SECONDS;
    double deadline = now_seconds() + timeout;
    const char *image = options->image && *options->image ? options->image : DEFAULT_IMAGE;
    if (!valid_run_id(options->run_id)) {
        diag_add(diags, NULL, 0, 0,
                 "cannot name a container after run id \"%s\": use letters, digits, '_', '.' "
                 "and '-' (at most %d)",
                 options->run_id ? options->run_id : "", RUN_ID_MAX);
        return NULL;
    }
    const char *engine = choose_engine(options->engine, options->interrupt, diags);
    if (!engine)
        return NULL;
    char *name = strbuf_format(NAME_PREFIX "%s", options->run_id);
    pg_container *container = name ? container_new(engine, name, diags) : NULL;
    free(name);
    if (!container)
        return NULL;
    if (!(container->password = make_password(diags)) ||
        run_container(container, image, options->run_id, timeout, options->interrupt, diags) < 0) {
        pg_container_free(container);
        return NULL;
    }
    double left = deadline - now_seconds();
    if (discover_port(container, options->interrupt, diags) < 0 ||
        wait_until_ready(container, image, left > MIN_WAIT_SECONDS ? left : MIN_WAIT_SECONDS,
                         options->interrupt, diags) < 0) {
        remove_container(container, diags);
        pg_container_free(container);
        return NULL;
    }
    return container;
}

/* ---- attaching ---- */

/* Appends the code point as UTF-8. */
static void append_utf8(strbuf *sb, unsigned long code)
{
    if (code < 0x80) {
        strbuf_append_char(sb, (char)code);
    } else if (code < 0x800) {
        strbuf_append_char(sb, (char)(0xC0 | (code >> 6)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        strbuf_append_char(sb, (char)(0xE0 | (code >> 12)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 6) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    } else {
        strbuf_append_char(sb, (char)(0xF0 | (code >> 18)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 12) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 6) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    }
}

static long hex4(const char *p)
{
    long value = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

/* Reads the JSON string at *p (at its opening quote) into `out`; advances *p. 0, or -1. */
static int json_string(const char **p, strbuf *out)
{
    const char *s = *p;
    if (*s++ != '"')
        return -1;
    while (*s != '"') {
        if (*s == '\0' || (unsigned char)*s < 0x20)
            return -1;
        if (*s != '\\') {
            strbuf_append_char(out, *s++);
            continue;
        }
        s++;
        const char *simple = strchr("\"\\/bfnrt", *s);
        if (*s && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            strbuf_append_char(out, decoded[simple - "\"\\/bfnrt"]);
            s++;
            continue;
        }
        if (*s != 'u')
            return -1;
        long code = hex4(s + 1);
        if (code < 0)
            return -1;
        s += 5;
        if (code >= 0xD800 && code < 0xDC00 && s[0] == '\\' && s[1] == 'u') {
            long low = hex4(s + 2);
            if (low >= 0xDC00 && low < 0xE000) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                s += 6;
            }
        }
        append_utf8(out, (unsigned long)code);
    }
    *p = s + 1;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/*
 * Looks `key` up in a JSON object of strings (`{{json .Config.Labels}}`;
 * "null" is an empty one). 1 with *value (new), 0 when absent, -1 when the
 * text is no such object or memory ran out.
 */
static int json_label(const char *json, const char *key, char **value)
{
    const char *p = skip_space(json);
    if (strncmp(p, "null", 4) == 0)
        return 0;
    if (*p++ != '{')
        return -1;
    p = skip_space(p);
    if (*p == '}')
        return 0;
    strbuf name = STRBUF_INIT, text = STRBUF_INIT;
    int found = -1;
    for (;;) {
        strbuf_reset(&name);
        strbuf_reset(&text);
        if (json_string(&p, &name) < 0)
            break;
        p = skip_space(p);
        if (*p++ != ':')
            break;
        p = skip_space(p);
        if (json_string(&p, &text) < 0 || name.failed || text.failed)
            break;
        if (strcmp(strbuf_str(&name), key) == 0) {
            *value = strdup(strbuf_str(&text));
            found = *value ? 1 : -1;
            break;
        }
        p = skip_space(p);
        if (*p == '}') {
            found = 0;
            break;
        }
        if (*p++ != ',')
            break;
        p = skip_space(p);
    }
    strbuf_free(&name);
    strbuf_free(&text);
    return found;
}

/*
 * Reads labels and password from `inspect`'s answer (INSPECT_FORMAT: the
 * labels' JSON, then NAME=VALUE lines). 0, or -1 with a diag.
 */
static int read_inspection(pg_container *container, const char *text, diag_list *diags)
{
    const char *env = strchr(text, '\n');
    char *labels = strbuf_format("%.*s", env ? (int)(env - text) : (int)strlen(text), text);
    if (!labels) {
        add_out_of_memory(diags);
        return -1;
    }
    char *foster = NULL, *run_id = NULL;
    int has_foster = json_label(labels, "foster", &foster);
    int has_run = has_foster == 1 ? json_label(labels, "foster.run", &run_id) : 0;
    int rc = -1;
    if (has_foster < 0 || has_run < 0) {
        diag_add(diags, NULL, 0, 0, "cannot read the labels of container %s: \"%.200s\"",
                 container->name, labels);
    } else if (has_foster == 0 || strcmp(foster, "1") != 0 || has_run == 0) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "container %s is not one of foster's: it lacks the labels foster=1 "
                           "and foster.run",
                           container->name);
        diag_set_hint(d, "foster only stops containers it started");
    } else {
        static const char prefix[] = PASSWORD_VARIABLE "=";
        for (const char *line = env; line && !container->password;) {
            line++;
            const char *end = strchr(line, '\n');
            size_t length = end ? (size_t)(end - line) : strlen(line);
            if (length >= sizeof prefix - 1 && strncmp(line, prefix, sizeof prefix - 1) == 0)
                container->password = strbuf_format("%.*s", (int)(length - (sizeof prefix - 1)),
                                                    line + sizeof prefix - 1);
            line = end;
        }
        if (container->password)
            rc = 0;
        else
            diag_add(diags, NULL, 0, 0, "container %s has no %s in its environment",
                     container->name, PASSWORD_VARIABLE);
    }
    free(foster);
    free(run_id);
    free(labels);
    return rc;
}

pg_container *pg_container_attach(const char *engine, const char *name, diag_list *diags)
{
    const char *known = known_engine(engine);
    if (!known) {
        diag *d = diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"",
                           engine ? engine : "");
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    if (!name || !*name) {
        diag_add(diags, NULL, 0, 0, "no container name to attach to");
        return NULL;
    }
    pg_container *container = container_new(known, name, diags);
    if (!container)
        return NULL;
    const char *arguments[] = {"inspect", "--format", INSPECT_FORMAT, name, NULL};
    engine_call call = {known, arguments, NULL, COMMAND_TIMEOUT_SECONDS, NULL};
    engine_reply reply;
    if (engine_command(&call, &reply, diags) < 0) {
        pg_container_free(container);
        return NULL;
    }
    int rc = -1;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot find container %s: `%s inspect`", name, known);
        add_engine_failure(diags, known, &reply, what ? what : "inspect");
        free(what);
    } else {
        rc = read_inspection(container, reply.out, diags);
    }
    engine_reply_free(&reply);
    if (rc < 0 || discover_port(container, NULL, diags) < 0) {
        pg_container_free(container);
        return NULL;
    }
    return container;
}

/* ---- listing ---- */

void pg_container_list_free(pg_container_entry *entries, size_t count)
{
    if (!entries)
        return;
    for (size_t i = 0; i < count; i++) {
        free(entries[i].engine);
        free(entries[i].name);
        free(entries[i].run_id);
    }
    free(entries);
}

typedef struct entry_list {
    pg_container_entry *items; /* always one zeroed entry past the last */
    size_t count;
    size_t capacity;
} entry_list;

/* Adds one "name\trun id\tpid" row of `ps`; rows without a name are skipped. 0, or -1 (memory). */
static int add_listed_row(entry_list *list, const char *engine, const char *row, size_t length)
{
    const char *tab1 = memchr(row, '\t', length);
    if (!tab1 || tab1 == row)
        return 0;
    const char *rest = tab1 + 1;
    const char *tab2 = memchr(rest, '\t', length - (size_t)(rest - row));
    size_t run_length = tab2 ? (size_t)(tab2 - rest) : length - (size_t)(rest - row);
    long pid = 0;
    if (tab2) {
        char *digits = strbuf_format("%.*s", (int)(length - (size_t)(tab2 + 1 - row)), tab2 + 1);
        if (!digits)
            return -1;
        char *end;
        pid = strtol(digits, &end, 10);
        if (end == digits || *end != '\0' || pid < 0)
            pid = 0;
        free(digits);
    }
    if (list->count + 2 > list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        pg_container_entry *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return -1;
        list->items = items;
        list->capacity = capacity;
    }
    pg_container_entry *entry = &list->items[list->count];
    memset(entry, 0, 2 * sizeof *entry);
    entry->engine = strdup(engine);
    entry->name = strbuf_format("%.*s", (int)(tab1 - row), row);
    entry->run_id = strbuf_format("%.*s", (int)run_length, rest);
    entry->owner_pid = (pid_t)pid;
    list->count++; /* counted before the check, so that a partial entry is freed too */
    return entry->engine && entry->name && entry->run_id ? 0 : -1;
}

/* Lists one engine's foster containers into `list`. 0, -1 with a diag, -2 when memory ran out. */
static int list_engine(entry_list *list, const char *engine, diag_list *diags)
{
    const char *arguments[] = {"ps",
                               "-a",
                               "--filter",
                               "label=foster=1",
                               "--format",
                               strcmp(engine, "podman") == 0 ? PODMAN_PS_FORMAT : DOCKER_PS_FORMAT,
                               NULL};
    engine_call call = {engine, arguments, NULL, COMMAND_TIMEOUT_SECONDS, NULL};
    engine_reply reply;
    if (engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot list foster's containers: `%s ps`", engine);
        add_engine_failure(diags, engine, &reply, what ? what : "ps");
        free(what);
        rc = -1;
    }
    for (const char *line = reply.out; rc == 0 && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length && line[length - 1] == '\r')
            length--;
        if (add_listed_row(list, engine, line, length) < 0) {
            add_out_of_memory(diags);
            rc = -2;
        }
        line = end ? end + 1 : line + strlen(line);
    }
    engine_reply_free(&reply);
    return rc;
}

pg_container_entry *pg_container_list(const char *engine, size_t *count, diag_list *diags)
{
    *count = 0;
    const char *known = known_engine(engine);
    if (engine && !known) {
        diag *d = diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"", engine);
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    entry_list list = {calloc(1, sizeof(pg_container_entry)), 0, 1};
    if (!list.items) {
        add_out_of_memory(diags);
        return NULL;
    }
    for (size_t i = 0; i < ENGINE_COUNT; i++) {
        if (known && known != known_engines[i])
            continue;
        /* Any engine: those missing or not answering have no containers to list. */
        diag_list failures = DIAG_LIST_INIT;
        int rc = list_engine(&list, known_engines[i], known ? diags : &failures);
        if (rc == -2)
            diag_list_move(diags, &failures);
        diag_list_clear(&failures);
        if (!known && rc == -1)
            rc = 0;
        if (rc < 0) {
            pg_container_list_free(list.items, list.count);
            return NULL;
        }
    }
    *count = list.count;
    return list.items;
}
