/*
 * pgcontainer.c — the `container` backend's server: PostgreSQL in a docker or
 * podman container, and its life: starting it (`run`, then the published
 * port, then readiness), stopping it, the handle and what it tells. See
 * pgcontainer.h; the engine's command line is run by pgengine.c, and
 * containers an earlier foster started are found by pgcontainer_attach.c.
 */
#include "pgcontainer.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "monotonic.h"
#include "pgconn.h"
#include "pgcontainer_internal.h"
#include "pgengine.h"
#include "pgwait.h"
#include "strbuf.h"

#define DEFAULT_IMAGE           "postgres:16"
#define DEFAULT_TIMEOUT_SECONDS 60.0
#define MIN_WAIT_SECONDS        1.0 /* readiness gets at least this, however long `run` took */
#define STATUS_TIMEOUT_SECONDS  5.0 /* the status check between readiness attempts */
#define NAME_PREFIX             "foster-"
#define RUN_ID_MAX              64
#define SUPERUSER               "postgres"
#define PASSWORD_LENGTH         24
#define CONTAINER_PORT          "5432/tcp"
#define PUBLISH_SPEC            "127.0.0.1::5432"
#define LOG_TAIL_LINES          "5"
#define STATUS_FORMAT           "{{.State.Status}}"

/* Settings for a throwaway server, as postgres arguments after the image. */
static const char *const server_settings[] = {"fsync=off", "full_page_writes=off",
                                              "synchronous_commit=off"};

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
        pg_container_add_out_of_memory(diags);
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

char *pg_container_conninfo(const pg_container *container, const char *database)
{
    strbuf sb = STRBUF_INIT;
    pgconn_append_value(&sb, "host", container->host);
    strbuf_appendf(&sb, " port=%d", container->port);
    pgconn_append_value(&sb, "user", SUPERUSER);
    pgconn_append_value(&sb, "password", container->password);
    pgconn_append_value(&sb, "dbname", database);
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

int pg_container_discover_port(pg_container *container, const volatile sig_atomic_t *interrupt,
                               diag_list *diags)
{
    const char *arguments[] = {"port", container->name, CONTAINER_PORT, NULL};
    pg_engine_call call = {container->engine, arguments, NULL, COMMAND_TIMEOUT_SECONDS, interrupt};
    pg_engine_reply reply;
    if (pg_engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot find the port of container %s: `%s port`",
                                   container->name, container->engine);
        pg_engine_add_failure(diags, container->engine, &reply, what ? what : "port");
        free(what);
        rc = -1;
    } else if (parse_published_port(reply.out, &container->host, &container->port) < 0) {
        diag_add(diags, NULL, 0, 0,
                 "cannot find the port of container %s: `%s port %s %s` said "
                 "\"%.200s\"",
                 container->name, container->engine, container->name, CONTAINER_PORT, reply.out);
        rc = -1;
    }
    pg_engine_reply_free(&reply);
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
    pg_engine_call call = {container->engine, arguments, NULL, COMMAND_TIMEOUT_SECONDS, NULL};
    pg_engine_reply reply;
    if (pg_engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0 && !pg_engine_says_no_such_container(&reply)) {
        char *what = strbuf_format("cannot remove container %s: `%s rm -f %s`", container->name,
                                   container->engine, container->name);
        diag *d = pg_engine_add_failure(diags, container->engine, &reply, what ? what : "rm");
        diag_set_hint(d, "remove it yourself: %s rm -f %s", container->engine, container->name);
        free(what);
        rc = -1;
    }
    pg_engine_reply_free(&reply);
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
        pg_container_add_out_of_memory(diags);
        return -1;
    }
    /* clang-format off */
    const char *arguments[] = {
        "run", "-d", "--rm",
        "--name", container->name,
        "--label", "foster=1",
        "--label", run_label,
        "--label", pid_label,
        "-e", PG_ENGINE_PASSWORD_VARIABLE, /* the name only: the value comes from our environment */
        "-p", PUBLISH_SPEC,
        image,
        "-c", server_settings[0],
        "-c", server_settings[1],
        "-c", server_settings[2],
        NULL};
    /* clang-format on */
    pg_engine_call call = {container->engine, arguments, container->password, timeout, interrupt};
    pg_engine_reply reply;
    int rc = pg_engine_command(&call, &reply, diags);
    bool remove = rc < 0; /* timed out or interrupted: the engine may have made it anyway */
    if (rc < 0 && !pg_engine_interrupted(interrupt) && diags->count)
        diag_set_hint(&diags->items[diags->count - 1],
                      "pulling the image can take long: run `%s pull %s` first, or allow more "
                      "time",
                      container->engine, image);
    if (rc == 0 && reply.status != 0) {
        char *what = strbuf_format("`%s run` of %s failed", container->engine, image);
        pg_engine_add_failure(diags, container->engine, &reply, what ? what : "run");
        free(what);
        remove = !strstr(reply.err, "already in use");
        rc = -1;
    }
    pg_engine_reply_free(&reply);
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
    pg_engine_call call = {container->engine, arguments, NULL, STATUS_TIMEOUT_SECONDS, NULL};
    pg_engine_reply reply;
    diag_list ignored = DIAG_LIST_INIT;
    if (pg_engine_command(&call, &reply, &ignored) < 0) {
        diag_list_clear(&ignored);
        return true; /* no answer is no news */
    }
    bool running = true;
    if (reply.status != 0)
        running = !pg_engine_says_no_such_container(&reply);
    else
        running = !strstr(reply.out, "exited") && !strstr(reply.out, "dead") &&
                  !strstr(reply.out, "removing");
    pg_engine_reply_free(&reply);
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
    if (pg_engine_interrupted(watch->caller_interrupt)) {
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
    pg_engine_call call = {container->engine, arguments, NULL, STATUS_TIMEOUT_SECONDS, NULL};
    pg_engine_reply reply;
    diag_list ignored = DIAG_LIST_INIT;
    if (pg_engine_command(&call, &reply, &ignored) < 0) {
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
    pg_engine_reply_free(&reply);
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
        pg_container_add_out_of_memory(diags);
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
    } else if (result == PG_WAIT_INTERRUPTED || pg_engine_interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while waiting for container %s", container->name);
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

pg_container *pg_container_new(const char *engine, const char *name, diag_list *diags)
{
    pg_container *container = calloc(1, sizeof *container);
    if (!container || !(container->name = strdup(name))) {
        free(container);
        pg_container_add_out_of_memory(diags);
        return NULL;
    }
    container->engine = engine;
    return container;
}

pg_container *pg_container_start(const pg_container_options *options, diag_list *diags)
{
    double timeout = options->timeout > 0 ? options->timeout : DEFAULT_TIMEOUT_SECONDS;
    double deadline = monotonic_seconds() + timeout;
    const char *image = options->image && *options->image ? options->image : DEFAULT_IMAGE;
    if (!valid_run_id(options->run_id)) {
        diag_add(diags, NULL, 0, 0,
                 "cannot name a container after run id \"%s\": use letters, digits, '_', '.' "
                 "and '-' (at most %d)",
                 options->run_id ? options->run_id : "", RUN_ID_MAX);
        return NULL;
    }
    const char *engine = pg_engine_choose(options->engine, options->interrupt, diags);
    if (!engine)
        return NULL;
    char *name = strbuf_format(NAME_PREFIX "%s", options->run_id);
    pg_container *container = name ? pg_container_new(engine, name, diags) : NULL;
    free(name);
    if (!container)
        return NULL;
    if (!(container->password = make_password(diags)) ||
        run_container(container, image, options->run_id, timeout, options->interrupt, diags) < 0) {
        pg_container_free(container);
        return NULL;
    }
    double left = deadline - monotonic_seconds();
    if (pg_container_discover_port(container, options->interrupt, diags) < 0 ||
        wait_until_ready(container, image, left > MIN_WAIT_SECONDS ? left : MIN_WAIT_SECONDS,
                         options->interrupt, diags) < 0) {
        remove_container(container, diags);
        pg_container_free(container);
        return NULL;
    }
    return container;
}
