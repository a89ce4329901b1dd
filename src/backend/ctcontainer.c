/*
 * ctcontainer.c — the `container` backend's server in a docker or podman
 * container, and its life: starting it (`run`, then the published port; the
 * engine's client then waits for readiness, watched by
 * ct_container_watch_progress), stopping it, the handle and what it tells.
 * See ctcontainer.h; the engine's command line is run by ctengine.c, and
 * containers an earlier foster started are found by ctcontainer_attach.c.
 */
#include "ctcontainer.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ctcontainer_internal.h"
#include "ctengine.h"
#include "monotonic.h"
#include "strbuf.h"

#define STATUS_TIMEOUT_SECONDS 5.0 /* the status check between readiness attempts */
#define STATUS_PAUSE_SECONDS   1.0 /* at least this between the end of a check and the next */
#define RUN_ID_MAX             64
#define PASSWORD_LENGTH        24
#define LOG_TAIL_LINES         "5"
#define STATUS_FORMAT          "{{.State.Status}}"
#define MAX_SERVER_ARGUMENTS   16

/* ---- small helpers ---- */

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
        ct_container_add_out_of_memory(diags);
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

/* ---- the handle ---- */

void ct_container_free(ct_container *container)
{
    if (!container)
        return;
    free(container->name);
    free(container->host);
    free(container->password);
    free(container);
}

const char *ct_container_name(const ct_container *container)
{
    return container->name;
}

const char *ct_container_engine(const ct_container *container)
{
    return container->engine;
}

const char *ct_container_host(const ct_container *container)
{
    return container->host;
}

int ct_container_port(const ct_container *container)
{
    return container->port;
}

const char *ct_container_password(const ct_container *container)
{
    return container->password;
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

int ct_container_discover_port(ct_container *container, const volatile sig_atomic_t *interrupt,
                               diag_list *diags)
{
    const char *arguments[] = {"port", container->name, container->server->port, NULL};
    ct_engine_call call = {container->engine,       arguments, NULL, NULL,
                           COMMAND_TIMEOUT_SECONDS, interrupt, false};
    ct_engine_reply reply;
    if (ct_engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot find the port of container %s: `%s port`",
                                   container->name, container->engine);
        ct_engine_add_failure(diags, container->engine, &reply, what ? what : "port");
        free(what);
        rc = -1;
    } else if (parse_published_port(reply.out, &container->host, &container->port) < 0) {
        diag_add(diags, NULL, 0, 0,
                 "cannot find the port of container %s: `%s port %s %s` said "
                 "\"%.200s\"",
                 container->name, container->engine, container->name, container->server->port,
                 reply.out);
        rc = -1;
    }
    ct_engine_reply_free(&reply);
    return rc;
}

/* ---- removing ---- */

/*
 * `rm -f`. 0 when the container is gone (also when it was gone already),
 * -1 with a diag. Never interrupted: cleaning up must finish.
 */
static int remove_container(const ct_container *container, diag_list *diags)
{
    const char *arguments[] = {"rm", "-f", container->name, NULL};
    ct_engine_call call = {container->engine,       arguments, NULL, NULL,
                           COMMAND_TIMEOUT_SECONDS, NULL,      false};
    ct_engine_reply reply;
    if (ct_engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0 && !ct_engine_says_no_such_container(&reply)) {
        char *what = strbuf_format("cannot remove container %s: `%s rm -f %s`", container->name,
                                   container->engine, container->name);
        diag *d = ct_engine_add_failure(diags, container->engine, &reply, what ? what : "rm");
        diag_set_hint(d, "remove it yourself: %s rm -f %s", container->engine, container->name);
        free(what);
        rc = -1;
    }
    ct_engine_reply_free(&reply);
    return rc;
}

int ct_container_stop(ct_container *container, diag_list *diags)
{
    return remove_container(container, diags);
}

/* ---- starting ---- */

/*
 * `run`. 0 when the engine started the container; -1 with a diag otherwise,
 * after removing what the engine may have made (not when the name was taken:
 * that container is somebody else's).
 */
static int run_container(const ct_container *container, const char *image, const char *run_id,
                         double timeout, const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *run_label = strbuf_format("foster.run=%s", run_id);
    char *pid_label = strbuf_format("foster.pid=%ld", (long)getpid());
    if (!run_label || !pid_label) {
        free(run_label);
        free(pid_label);
        ct_container_add_out_of_memory(diags);
        return -1;
    }
    const ct_server *server = container->server;
    /* clang-format off */
    const char *arguments[16 + MAX_SERVER_ARGUMENTS + 1] = {
        "run", "-d", "--rm",
        "--name", container->name,
        "--label", "foster=1",
        "--label", run_label,
        "--label", pid_label,
        "-e", server->password_variable, /* the name only: the value comes from our environment */
        "-p", server->publish,
        image};
    /* clang-format on */
    size_t count = 16;
    for (size_t i = 0; server->arguments && server->arguments[i] && i < MAX_SERVER_ARGUMENTS; i++)
        arguments[count++] = server->arguments[i];
    arguments[count] = NULL;
    ct_engine_call call = {
        container->engine, arguments, server->password_variable,      container->password,
        timeout,           interrupt, .finish_when_interrupted = true};
    ct_engine_reply reply;
    int rc = ct_engine_command(&call, &reply, diags);
    bool remove = rc < 0; /* timed out or interrupted: the engine may have made it anyway */
    if (rc < 0 && !ct_engine_interrupted(interrupt) && diags->count)
        diag_set_hint(&diags->items[diags->count - 1],
                      "pulling the image can take long: run `%s pull %s` first, or allow more "
                      "time",
                      container->engine, image);
    if (rc == 0 && reply.status != 0) {
        char *what = strbuf_format("`%s run` of %s failed", container->engine, image);
        ct_engine_add_failure(diags, container->engine, &reply, what ? what : "run");
        free(what);
        remove = !strstr(reply.err, "already in use");
        rc = -1;
    }
    ct_engine_reply_free(&reply);
    if (remove) {
        diag_list ignored = DIAG_LIST_INIT;
        remove_container(container, &ignored);
        diag_list_clear(&ignored);
    }
    free(run_label);
    free(pid_label);
    return rc;
}

/* A short question to the engine about the container: 0 with its reply, -1 when no answer. */
static int ask_engine(const ct_container *container, const char *const *arguments,
                      ct_engine_reply *reply)
{
    ct_engine_call call = {container->engine,      arguments, NULL, NULL,
                           STATUS_TIMEOUT_SECONDS, NULL,      false};
    diag_list ignored = DIAG_LIST_INIT;
    int rc = ct_engine_command(&call, reply, &ignored);
    diag_list_clear(&ignored);
    return rc;
}

/* Whether the container still runs: false only when the engine says it does not. */
static bool container_running(const ct_container *container)
{
    const char *arguments[] = {"inspect", "--format", STATUS_FORMAT, container->name, NULL};
    ct_engine_reply reply;
    if (ask_engine(container, arguments, &reply) < 0)
        return true; /* no answer is no news */
    bool running = true;
    if (reply.status != 0)
        running = !ct_engine_says_no_such_container(&reply);
    else
        running = !strstr(reply.out, "exited") && !strstr(reply.out, "dead") &&
                  !strstr(reply.out, "removing");
    ct_engine_reply_free(&reply);
    return running;
}

/*
 * The client's progress callback, about once a second: stops the wait when
 * the caller interrupts or when the container is gone. (The caller's
 * interrupt is therefore noticed within about a second.) The engine is asked
 * at most once per STATUS_PAUSE_SECONDS after its last answer: on a busy
 * machine one `inspect` takes seconds, and the client calls back in the
 * middle of a connection's handshake too, which must not starve (the server
 * was ready, yet "no answer within 20 s").
 */
void ct_container_watch_progress(void *context, double elapsed, const char *reason)
{
    (void)elapsed;
    (void)reason;
    ct_container_watch *watch = context;
    if (ct_engine_interrupted(watch->caller_interrupt)) {
        watch->stop = 1;
        return;
    }
    if (monotonic_seconds() < watch->next_check)
        return;
    bool running = container_running(watch->container);
    watch->next_check = monotonic_seconds() + STATUS_PAUSE_SECONDS;
    if (!running) {
        watch->gone = true;
        watch->stop = 1;
    }
}

/* The last lines the container logged, each on its own indented line; NULL when none. */
static char *container_log_tail(const ct_container *container)
{
    const char *arguments[] = {"logs", "--tail", LOG_TAIL_LINES, container->name, NULL};
    ct_engine_reply reply;
    if (ask_engine(container, arguments, &reply) < 0)
        return NULL;
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
    ct_engine_reply_free(&reply);
    if (tail.length == 0) {
        strbuf_free(&tail);
        return NULL;
    }
    return strbuf_detach(&tail);
}

static void add_stopped_before_ready(const ct_container *container, const char *image,
                                     diag_list *diags)
{
    diag *d = diag_add(diags, NULL, 0, 0,
                       "container %s (%s) stopped before %s was ready, and the engine "
                       "removed it",
                       container->name, image, container->server->title);
    diag_set_hint(d, "see why with: %s run --rm -e %s=secret %s", container->engine,
                  container->server->password_variable, image);
}

/* How often, 50 ms apart, `port` is asked again while the container still runs. */
#define PORT_ATTEMPTS 20

/*
 * The published port, as ct_container_discover_port. A real engine removes a
 * container that dies at once (--rm) before `port` is asked: then the
 * failure says that the container stopped, not that its port is unknown.
 * A dying container can still be "running" when `port` already answers
 * nothing (seen with podman): the port is asked again, a second at most,
 * until it answers or the container is seen stopped.
 */
static int find_port(ct_container *container, const char *image,
                     const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    diag_list failed = DIAG_LIST_INIT;
    int rc = -1;
    bool running = true;
    for (int attempt = 0; rc < 0 && running && attempt < PORT_ATTEMPTS; attempt++) {
        if (attempt)
            usleep(50 * 1000);
        diag_list_clear(&failed);
        rc = ct_container_discover_port(container, interrupt, &failed);
        if (rc < 0 && ct_engine_interrupted(interrupt))
            break;
        if (rc < 0)
            running = container_running(container);
    }
    if (rc < 0 && !running)
        add_stopped_before_ready(container, image, diags);
    else if (rc < 0)
        diag_list_move(diags, &failed);
    diag_list_clear(&failed);
    return rc;
}

void ct_container_not_ready(const ct_container_watch *watch, const char *image, const char *why,
                            diag_list *diags)
{
    const ct_container *container = watch->container;
    if (watch->gone) {
        add_stopped_before_ready(container, image, diags);
    } else if (watch->stop || ct_engine_interrupted(watch->caller_interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while waiting for container %s", container->name);
    } else {
        char *tail = container_log_tail(container);
        diag *d = diag_add(diags, NULL, 0, 0, "container %s (%s): %s%s", container->name, image,
                           why ? why : "not ready", tail ? tail : "");
        if (tail)
            diag_set_hint(d, "the lines above are the end of the container's log");
        free(tail);
    }
}

ct_container *ct_container_new(const char *engine, const char *name, diag_list *diags)
{
    ct_container *container = calloc(1, sizeof *container);
    if (!container || !(container->name = strdup(name))) {
        free(container);
        ct_container_add_out_of_memory(diags);
        return NULL;
    }
    container->engine = engine;
    return container;
}

ct_container *ct_container_run(const ct_container_options *options, diag_list *diags)
{
    const ct_server *server = options->server;
    if (!valid_run_id(options->run_id)) {
        diag_add(diags, NULL, 0, 0,
                 "cannot name a container after run id \"%s\": use letters, digits, '_', '.' "
                 "and '-' (at most %d)",
                 options->run_id ? options->run_id : "", RUN_ID_MAX);
        return NULL;
    }
    const char *engine =
        ct_engine_choose(options->engine, server->alternative, options->interrupt, diags);
    if (!engine)
        return NULL;
    char *name = strbuf_format("%s%s", server->name_prefix, options->run_id);
    ct_container *container = name ? ct_container_new(engine, name, diags) : NULL;
    free(name);
    if (!container)
        return NULL;
    container->server = server;
    if (!(container->password = make_password(diags)) ||
        run_container(container, options->image, options->run_id, options->timeout,
                      options->interrupt, diags) < 0) {
        ct_container_free(container);
        return NULL;
    }
    if (find_port(container, options->image, options->interrupt, diags) < 0) {
        remove_container(container, diags);
        ct_container_free(container);
        return NULL;
    }
    return container;
}
