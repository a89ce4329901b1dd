/*
 * nexthelper_serve.c — the resident helper's socket: listening beside the
 * lock file, serving `open`, `reset` and `stop`, leaving when its socket, its
 * run's record or its server goes; and the requester's side. See nexthelper.h.
 *
 * The socket lives in the runtime directory (private to the user), and a
 * request from another user is refused all the same (SO_PEERCRED).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "nexthelper_internal.h"
#include "smallfile.h"
#include "strbuf.h"

/* How often an idle helper looks whether its socket is still its own, in ms. */
#define CHECK_EVERY_MS 1000
/* Most ms a connected requester may take to say what it wants. */
#define REQUEST_WAIT_MS 1000

char *next_helper_socket_path(const char *lock_path)
{
    size_t length = strlen(lock_path);
    return length > 5 ? strbuf_format("%.*s.sock", (int)(length - 5), lock_path) : NULL;
}

/* The address of `path`; -1 when it is too long for one. */
static int address_of(const char *path, struct sockaddr_un *address)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof address->sun_path)
        return -1;
    strcpy(address->sun_path, path);
    return 0;
}

/* Whether `path` is still the file `identity` describes. */
static bool still_there(const char *path, const struct stat *identity)
{
    struct stat now;
    return stat(path, &now) == 0 && now.st_ino == identity->st_ino &&
           now.st_dev == identity->st_dev;
}

int next_helper_listen(const char *lock_path, next_helper_socket *out)
{
    *out = (next_helper_socket){.fd = -1, .path = next_helper_socket_path(lock_path)};
    /* "<…>.nx<pid>": no longer than "<…>.next.sock", so it fits wherever that does */
    size_t base = strlen(lock_path) - (str_has_suffix(lock_path, ".next.lock") ? 10 : 0);
    char *own =
        out->path ? strbuf_format("%.*s.nx%ld", (int)base, lock_path, (long)getpid()) : NULL;
    struct sockaddr_un address, final;
    if (own && address_of(own, &address) == 0 && address_of(out->path, &final) == 0) {
        unlink(own);
        int fd = next_helper_above_stdio(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        mode_t before = umask(077);
        if (fd >= 0 &&
            (bind(fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(fd, 16) < 0 ||
             rename(own, out->path) < 0 || stat(out->path, &out->identity) < 0)) {
            close(fd);
            unlink(own);
            fd = -1;
        }
        umask(before);
        out->fd = fd;
    }
    free(own);
    return out->fd >= 0 ? 0 : -1;
}

void next_helper_socket_close(next_helper_socket *socket, bool remove)
{
    if (socket->fd >= 0 && remove && still_there(socket->path, &socket->identity))
        unlink(socket->path);
    if (socket->fd >= 0)
        close(socket->fd);
    free(socket->path);
    *socket = (next_helper_socket){.fd = -1};
}

/*
 * Reads from `fd` into `into` until a newline (`whole`: until the end), at
 * most `most` bytes, before `deadline` (monotonic seconds). 0, or -1.
 */
static int read_reply(int fd, strbuf *into, bool whole, size_t most, double deadline)
{
    char chunk[512];
    for (;;) {
        if (!whole && memchr(into->data ? into->data : "", '\n', into->length))
            return 0;
        int left = (int)((deadline - monotonic_seconds()) * 1000);
        struct pollfd wait = {fd, POLLIN, 0};
        if (left <= 0 || poll(&wait, 1, left) <= 0)
            return -1;
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got == 0)
            return whole ? 0 : -1;
        if (got < 0 || into->length + (size_t)got > most ||
            strbuf_append(into, chunk, (size_t)got) < 0)
            return -1;
    }
}

/* The request line read from `client`, in `line` (size `size`). 0, or -1. */
static int read_request(int client, char *line, size_t size)
{
    strbuf got = STRBUF_INIT;
    int rc = read_reply(client, &got, false, size - 1, monotonic_seconds() + REQUEST_WAIT_MS / 1e3);
    char *end = rc == 0 ? memchr(got.data, '\n', got.length) : NULL;
    if (end) {
        *end = '\0';
        snprintf(line, size, "%s", got.data);
    }
    strbuf_free(&got);
    return end ? 0 : -1;
}

static void say(int client, const char *text, size_t length)
{
    if (send(client, text, length, MSG_NOSIGNAL) < 0)
        return; /* the requester is gone: it does the work itself if it still can */
}

static void answer(int client, bool ok)
{
    say(client, ok ? "ok\n" : "fail\n", ok ? 3 : 5);
}

/* Whether the connected requester is this helper's user. */
static bool same_user(int client)
{
    struct ucred peer;
    socklen_t size = sizeof peer;
    return getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 && peer.uid == geteuid();
}

bool next_helper_lock_names_me(int lock_fd, const char *lock_path)
{
    return smallfile_names_open_file(lock_path, lock_fd) &&
           smallfile_read_pid_line(lock_path) == getpid();
}

/* Whether the requester still waits for the answer: one who gave up has closed. */
static bool requester_waits(int client)
{
    char byte;
    ssize_t got = recv(client, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return got > 0 || (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

typedef enum served { SERVED_GO_ON, SERVED_STOP } served;

/* One request: open, a reset (the lock held while it and the next copy are made), or stop. */
static served serve_one(int client, int lock_fd, const next_helper_ops *ops, void *context)
{
    char line[32];
    if (!same_user(client) || read_request(client, line, sizeof line) < 0)
        return SERVED_GO_ON;
    if (strcmp(line, NEXT_HELPER_STOP) == 0)
        return SERVED_STOP; /* answered once the helper has cleaned up */
    if (strcmp(line, NEXT_HELPER_OPEN) == 0) {
        strbuf said = STRBUF_INIT;
        bool ok = ops->open(context, &said) == 0;
        answer(client, ok);
        if (ok && said.length)
            say(client, said.data, said.length);
        strbuf_free(&said);
        return SERVED_GO_ON;
    }
    if (strcmp(line, NEXT_HELPER_RESET) != 0) {
        answer(client, false);
        return SERVED_GO_ON;
    }
    flock(lock_fd, LOCK_EX); /* whoever else resets holds it for moments only */
    /* A requester that gave up (it waits NEXT_HELPER_WAIT_SECONDS) resets by itself: a
     * reset now would come after it said so, under the tests that followed. */
    if (requester_waits(client)) {
        answer(client, ops->reset(context) == 0); /* it goes on: the copy is made after */
        ops->prepare(context);
    }
    flock(lock_fd, LOCK_UN);
    return SERVED_GO_ON;
}

/* Whether accept's failure `error` is of one requester (or none), not of the socket. */
static bool accept_may_retry(int error)
{
    return error == EINTR || error == EAGAIN || error == EWOULDBLOCK || error == ECONNABORTED ||
           error == EPROTO;
}

static volatile sig_atomic_t asked_to_leave;

static void leave_when_idle(int signo)
{
    (void)signo;
    asked_to_leave = 1;
}

/*
 * The signals that end a waiting helper (a `run` ends what its command left
 * with SIGTERM, for one): caught from now on, and delivered only while it
 * waits (`waiting`, the mask to wait with), never half way through its work.
 */
static void leave_on_signals(sigset_t *waiting)
{
    struct sigaction action = {.sa_handler = leave_when_idle};
    sigemptyset(&action.sa_mask);
    sigprocmask(SIG_SETMASK, NULL, waiting);
    const int signals[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        sigaction(signals[i], &action, NULL);
        sigdelset(waiting, signals[i]);
    }
}

void next_helper_serve(int lock_fd, const char *lock_path, next_helper_socket *listening,
                       const char *record_path, const next_helper_ops *ops, void *context)
{
    int stopper = -1; /* the requester of `stop`, answered last */
    sigset_t waiting;
    leave_on_signals(&waiting);
    if (listening->fd >= 0)
        flock(lock_fd, LOCK_UN);
    while (listening->fd >= 0 && stopper < 0 && !asked_to_leave &&
           still_there(listening->path, &listening->identity) && access(record_path, F_OK) == 0) {
        int watched = ops->watch(context);
        if (watched < 0 && !ops->alive(context))
            break; /* the server went while the helper worked */
        struct pollfd fds[2] = {{listening->fd, POLLIN, 0}, {watched, POLLIN, 0}};
        struct timespec tick = {CHECK_EVERY_MS / 1000, (CHECK_EVERY_MS % 1000) * 1000000L};
        int ready = ppoll(fds, watched >= 0 ? 2 : 1, &tick, &waiting);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0 && watched >= 0 && fds[1].revents && !ops->alive(context))
            break; /* the server is gone, and the run with it */
        int client = ready > 0 && (fds[0].revents & POLLIN)
                         ? accept4(listening->fd, NULL, NULL, SOCK_CLOEXEC)
                         : -1;
        if (client < 0 && ready > 0 && (fds[0].revents & POLLIN) && !accept_may_retry(errno))
            break; /* it would only spin: requesters reset by themselves */
        if (client >= 0 && serve_one(client, lock_fd, ops, context) == SERVED_STOP)
            stopper = client;
        else if (client >= 0)
            close(client);
    }
    /* Nothing of the helper's is left, on the server or in the runtime directory, when
     * the requester of `stop` hears from it. */
    ops->end(context);
    next_helper_socket_close(listening, true);
    if (next_helper_lock_names_me(lock_fd, lock_path))
        unlink(lock_path);
    if (stopper >= 0) {
        answer(stopper, true);
        close(stopper);
    }
}

/*
 * Bounds connect and send on `fd` by `seconds`: a connect to a helper whose
 * backlog is full (it is stopped, or stuck on its server, with requests
 * queued) would otherwise wait for it with no end.
 */
static int bound_sending(int fd, double seconds)
{
    struct timeval limit = {(time_t)seconds,
                            (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

int next_helper_ask_within(const char *lock_path, const char *request, strbuf *said, double seconds)
{
    double deadline = monotonic_seconds() + seconds;
    char *path = next_helper_socket_path(lock_path);
    struct sockaddr_un address;
    int fd = path && address_of(path, &address) == 0
                 ? socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
                 : -1;
    free(path);
    char line[32];
    int length = snprintf(line, sizeof line, "%s\n", request);
    strbuf reply = STRBUF_INIT;
    bool ok = fd >= 0 && bound_sending(fd, seconds) == 0 &&
              connect(fd, (struct sockaddr *)&address, sizeof address) == 0 &&
              send(fd, line, (size_t)length, MSG_NOSIGNAL) == length &&
              read_reply(fd, &reply, said != NULL, NEXT_HELPER_ANSWER_MOST, deadline) == 0 &&
              reply.length >= 3 && memcmp(reply.data, "ok\n", 3) == 0;
    if (ok && said && strbuf_append(said, reply.data + 3, reply.length - 3) < 0)
        ok = false;
    strbuf_free(&reply);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

int next_helper_ask(const char *lock_path, const char *request, strbuf *said)
{
    return next_helper_ask_within(lock_path, request, said, NEXT_HELPER_WAIT_SECONDS);
}

int next_helper_request_reset(const char *lock_path)
{
    return next_helper_ask(lock_path, NEXT_HELPER_RESET, NULL);
}

int next_helper_request_open(const char *lock_path, strbuf *said)
{
    return next_helper_ask(lock_path, NEXT_HELPER_OPEN, said);
}
