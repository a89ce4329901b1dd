/*
 * nexthelper_internal.h — what nexthelper.c (the lock, the fork, the wait)
 * and nexthelper_serve.c (the resident helper's socket) share. Not installed.
 */
#ifndef FOSTER_NEXTHELPER_INTERNAL_H
#define FOSTER_NEXTHELPER_INTERNAL_H

#include <sys/stat.h>

#include "nexthelper.h"
#include "strbuf.h"

/* The resident helper's requests, each a line, answered "ok" or "fail". */
#define NEXT_HELPER_RESET "reset"
#define NEXT_HELPER_STOP  "stop"
#define NEXT_HELPER_OPEN  "open"
/* Most bytes of an answer a requester reads. */
#define NEXT_HELPER_ANSWER_MOST 65536

/*
 * Sends `request` to the helper listening beside `lock_path` and waits
 * (at most NEXT_HELPER_WAIT_SECONDS) for its answer: 0 for "ok", -1 for
 * "fail", no helper listening, or no answer in time. `said`: NULL, or where
 * what follows "ok" goes (read to the end of the connection).
 */
int next_helper_ask(const char *lock_path, const char *request, strbuf *said);
/* next_helper_ask, waiting at most `seconds` (connecting included). */
int next_helper_ask_within(const char *lock_path, const char *request, strbuf *said,
                           double seconds);

/* `fd`, moved above stdio (0, 1, 2) if it is there, as close-on-exec; -1 when it cannot be. */
int next_helper_above_stdio(int fd);

/* Whether the file at `lock_path` is the helper's (`lock_fd`'s) and names it (its process
 * id): no helper has taken over, and no waiter removed it. */
bool next_helper_lock_names_me(int lock_fd, const char *lock_path);

/* "<…>.next.sock" beside "<…>.next.lock", a new string; NULL when memory ran out. */
char *next_helper_socket_path(const char *lock_path);

/* A resident helper's listening socket beside its lock file. */
typedef struct next_helper_socket {
    int fd; /* -1: none */
    char *path;
    struct stat identity; /* of the file at `path` when it was made */
} next_helper_socket;

/*
 * Listens beside `lock_path`: bound under a name of its own first and
 * renamed into place, so that a requester never finds the path missing
 * while a helper takes over, and the helper it replaces sees its socket go.
 * 0, or -1 with out->fd -1 (a path too long for a socket, say).
 */
int next_helper_listen(const char *lock_path, next_helper_socket *out);
/* Closes the socket (in the process that made it, once the helper has it), and removes
 * its file when `remove`. */
void next_helper_socket_close(next_helper_socket *socket, bool remove);

/*
 * In the resident helper, once its first copy is made (lock_fd holding the
 * lock): lets the lock go, and serves requests on `listening` until it is
 * asked to leave, its socket or `record_path` goes, or its server does
 * (ops->alive). Cleans up after itself. Without a socket (none could be
 * made), it only cleans up.
 */
void next_helper_serve(int lock_fd, const char *lock_path, next_helper_socket *listening,
                       const char *record_path, const next_helper_ops *ops, void *context);

#endif
