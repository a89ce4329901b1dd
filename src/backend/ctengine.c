/*
 * ctengine.c — running the docker or podman command line for the container
 * backend. See ctengine.h.
 *
 * Every engine command goes through ct_engine_command: fork and exec of the
 * engine found in PATH (an argv array, never a shell), its stdout and stderr
 * read through pipes, bounded by a timeout and by the caller's interrupt flag.
 * The superuser password reaches `run` through the child's environment only
 * (`-e POSTGRES_PASSWORD` names the variable), so it never shows in ps. Which
 * engine to use is decided by `ENGINE info`: its exit status says whether the
 * engine answers.
 */
#include "ctengine.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "spawner.h"
#include "strbuf.h"

#define INFO_TIMEOUT_SECONDS    20.0
#define KILL_GRACE_SECONDS      1.0
#define FINISH_GRACE_SECONDS    15.0
#define POLL_SLICE_MILLISECONDS 50
#define OUTPUT_LIMIT_BYTES      (1024 * 1024)

const char *const ct_engine_names[CT_ENGINE_COUNT] = {"docker", "podman"};

/* ---- running the engine ---- */

void ct_engine_reply_free(ct_engine_reply *reply)
{
    free(reply->out);
    free(reply->err);
    reply->out = reply->err = NULL;
}

/*
 * argv for exec: the engine's name, then the arguments. The pointers are
 * borrowed; only the array is new.
 */
static char **engine_argv(const ct_engine_call *call)
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

/* Ends a child that outstayed its welcome: SIGTERM, then SIGKILL after a grace time. */
static void engine_kill(pid_t pid)
{
    kill(pid, SIGTERM);
    double until = monotonic_seconds() + KILL_GRACE_SECONDS;
    while (monotonic_seconds() < until) {
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
static char *command_title(const ct_engine_call *call)
{
    return strbuf_format("`%s %s`", call->engine, call->arguments[0]);
}

/* "interrupted while waiting for `docker run`" or "... gave no answer within N s". */
static void add_stopped(const ct_engine_call *call, bool interrupted, diag_list *diags)
{
    char *title = command_title(call);
    if (interrupted)
        diag_add(diags, NULL, 0, 0, "interrupted while waiting for %s",
                 title ? title : call->engine);
    else
        diag_add(diags, NULL, 0, 0, "%s gave no answer within %.1f s", title ? title : call->engine,
                 call->timeout);
    free(title);
}

/*
 * Reads the child's output until it exits (a grandchild that keeps the pipes
 * open does not hold us), the time runs out or the caller interrupts. 0 with
 * the exit status, or -1 with a diag (the child is then killed). A call that
 * finishes when interrupted is given FINISH_GRACE_SECONDS more to exit of
 * itself, and then says it was interrupted.
 */
static int engine_collect(const ct_engine_call *call, pid_t pid, int fds[2], strbuf output[2],
                          int *status, diag_list *diags)
{
    double deadline = monotonic_seconds() + call->timeout;
    bool pipe_open[2] = {true, true};
    bool interrupted = false;
    for (;;) {
        int wait_status;
        pid_t waited = waitpid(pid, &wait_status, WNOHANG);
        if (waited == pid) {
            for (int i = 0; i < 2; i++) {
                if (pipe_open[i])
                    drain(fds[i], &output[i]);
            }
            *status = WIFEXITED(wait_status)     ? WEXITSTATUS(wait_status)
                      : WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status)
                                                 : 255;
            if (interrupted)
                add_stopped(call, true, diags);
            return interrupted ? -1 : 0;
        }
        if (waited < 0 && errno != EINTR) {
            diag_add(diags, NULL, 0, 0, "cannot wait for %s: %s", call->engine, strerror(errno));
            return -1;
        }
        if (!interrupted && ct_engine_interrupted(call->interrupt)) {
            interrupted = true;
            if (call->finish_when_interrupted) {
                double grace = monotonic_seconds() + FINISH_GRACE_SECONDS;
                deadline = grace < deadline ? grace : deadline;
            } else {
                deadline = 0;
            }
        }
        if (monotonic_seconds() >= deadline) {
            engine_kill(pid);
            add_stopped(call, interrupted, diags);
            return -1;
        }
        struct pollfd polled[2];
        nfds_t count = 0;
        int which[2];
        for (int i = 0; i < 2; i++) {
            if (pipe_open[i]) {
                polled[count] = (struct pollfd){.fd = fds[i], .events = POLLIN};
                which[count++] = i;
            }
        }
        /* With both pipes closed the child is about to exit: look again soon. */
        int ready = poll(count ? polled : NULL, count, count ? POLL_SLICE_MILLISECONDS : 5);
        for (nfds_t i = 0; ready > 0 && i < count; i++) {
            if (polled[i].revents)
                pipe_open[which[i]] = drain(fds[which[i]], &output[which[i]]);
        }
    }
}

int ct_engine_command(const ct_engine_call *call, ct_engine_reply *reply, diag_list *diags)
{
    memset(reply, 0, sizeof *reply);
    char *path = spawn_find_program(call->engine);
    if (!path) {
        diag *d = diag_add(diags, NULL, 0, 0, "%s: not found in PATH", call->engine);
        diag_set_hint(d, "install Docker or Podman");
        return -1;
    }
    /* Our environment without the password variable, plus the call's value when it has one. */
    char **argv = engine_argv(call);
    char **envp = spawn_environment(&call->password_variable, &call->password,
                                    call->password_variable ? 1 : 0);
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    int rc = -1;
    if (!argv || !envp) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot run %s: pipe: %s", path, strerror(errno));
        goto done;
    }
    /* Nothing else of ours reaches the engine (nor what it leaves running). */
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.envp = envp;
    spec.in = SPAWN_DEV_NULL;
    spec.out = out_pipe[1];
    spec.err = err_pipe[1];
    spec.close_others = true;
    spec.path = path;
    int spawn_error = 0;
    pid_t pid = spawn_start(&spec, &spawn_error);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
    if (pid < 0) {
        diag_add(diags, NULL, 0, 0, "%s: cannot run %s: %s", call->engine, path,
                 strerror(spawn_error));
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
            diag_add(diags, NULL, 0, 0, "out of memory");
    }
    strbuf_free(&output[0]);
    strbuf_free(&output[1]);
    if (rc < 0)
        ct_engine_reply_free(reply);

done:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    spawn_environment_free(envp);
    free(argv);
    free(path);
    return rc;
}

/* Drops a leading "ENGINE: " from the line (the message names the engine already). */
static void skip_engine_prefix(const char *engine, const char **line, size_t *length)
{
    size_t engine_length = strlen(engine);
    if (*length > engine_length + 2 && strncmp(*line, engine, engine_length) == 0 &&
        (*line)[engine_length] == ':' && (*line)[engine_length + 1] == ' ') {
        *line += engine_length + 2;
        *length -= engine_length + 2;
    }
}

/*
 * How worth quoting a line of an engine's stderr is, lower is better: 0 for
 * the engine's own error line ("Error: ..." from podman, "docker: ..." from
 * the docker CLI, which may not say "error": through podman's socket a
 * failed pull is "docker: initializing source ...: no such host"), 1 for
 * another line that mentions an error (not a warning about one: podman logs
 * each retry of a pull as `time="..." level=warning msg="Failed, retrying
 * ... Error: ..."` before its final "Error:" line), 2 for any other
 * non-blank line, 3 for a blank one.
 */
static int line_rank(const char *engine, const char *line, size_t length)
{
    size_t full_length = length;
    skip_engine_prefix(engine, &line, &length);
    bool blank = true;
    for (size_t i = 0; i < length && blank; i++)
        blank = isspace((unsigned char)line[i]) != 0;
    if (blank)
        return 3;
    if (length < full_length || (length >= 5 && strncmp(line, "Error", 5) == 0))
        return 0;
    if (memmem(line, length, "rror", 4) && !memmem(line, length, "level=warning", 13))
        return 1;
    return 2;
}

/*
 * The line of an engine's stderr worth quoting, a new string: the first of
 * the best rank (line_rank); without a leading "docker: " (the message names
 * the engine already). NULL when it said nothing.
 */
static char *engine_message(const char *engine, const char *text)
{
    const char *chosen = NULL;
    size_t chosen_length = 0;
    int chosen_rank = 3;
    for (const char *line = text; line && *line && chosen_rank > 0;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        while (length && isspace((unsigned char)line[length - 1]))
            length--;
        int rank = line_rank(engine, line, length);
        if (rank < chosen_rank) {
            chosen = line;
            chosen_length = length;
            chosen_rank = rank;
        }
        line = end ? end + 1 : NULL;
    }
    if (!chosen)
        return NULL;
    skip_engine_prefix(engine, &chosen, &chosen_length);
    return strbuf_format("%.*s", (int)chosen_length, chosen);
}

diag *ct_engine_add_failure(diag_list *diags, const char *engine, const ct_engine_reply *reply,
                            const char *what)
{
    char *message = engine_message(engine, reply->err);
    diag *d = diag_add(diags, NULL, 0, 0, "%s (exit status %d): %s", what, reply->status,
                       message ? message : "it printed no message");
    free(message);
    return d;
}

bool ct_engine_says_no_such_container(const ct_engine_reply *reply)
{
    return strcasestr(reply->err, "no such container") || strcasestr(reply->err, "no such object");
}

/* ---- which engine ---- */

const char *ct_engine_known(const char *name)
{
    for (size_t i = 0; name && i < CT_ENGINE_COUNT; i++) {
        if (strcmp(name, ct_engine_names[i]) == 0)
            return ct_engine_names[i];
    }
    return NULL;
}

/*
 * Whether `engine` answers `info`; when it does not, appends "engine: why"
 * to `clauses` and sets *missing when it is not in PATH at all.
 */
static bool engine_answers(const char *engine, const volatile sig_atomic_t *interrupt,
                           strbuf *clauses, bool *missing)
{
    if (clauses->length)
        strbuf_append_str(clauses, "; ");
    char *path = spawn_find_program(engine);
    if (!path) {
        *missing = true;
        strbuf_appendf(clauses, "%s: not found in PATH", engine);
        return false;
    }
    free(path);
    static const char *const info[] = {"info", NULL};
    ct_engine_call call = {engine, info, NULL, NULL, INFO_TIMEOUT_SECONDS, interrupt, false};
    ct_engine_reply reply;
    diag_list failure = DIAG_LIST_INIT;
    if (ct_engine_command(&call, &reply, &failure) < 0) {
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
    ct_engine_reply_free(&reply);
    return answers;
}

const char *ct_engine_choose(const char *wanted, const char *alternative,
                             const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    const char *engine = ct_engine_known(wanted);
    if (wanted && !engine) {
        diag *d = diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"", wanted);
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    strbuf clauses = STRBUF_INIT;
    size_t tried = 0, missing = 0;
    for (size_t i = 0; i < CT_ENGINE_COUNT && !ct_engine_interrupted(interrupt); i++) {
        if (engine && engine != ct_engine_names[i])
            continue;
        tried++;
        bool not_in_path = false;
        if (engine_answers(ct_engine_names[i], interrupt, &clauses, &not_in_path)) {
            strbuf_free(&clauses);
            return ct_engine_names[i];
        }
        missing += not_in_path;
    }
    if (ct_engine_interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while looking for a container engine");
    } else {
        diag *d = diag_add(diags, NULL, 0, 0, "no container engine answered: %s",
                           clauses.failed ? "out of memory" : strbuf_str(&clauses));
        if (missing == tried)
            diag_set_hint(d, "install Docker or Podman, or use -b %s", alternative);
        else
            diag_set_hint(d, "start the container engine (is its daemon running?), or use -b %s",
                          alternative);
    }
    strbuf_free(&clauses);
    return NULL;
}
