/*
 * capture.c — a helper program's output read in full (capture.h): two pipes
 * drained with poll(2), so that neither fills while the other is read.
 */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "strbuf.h"

static void exec_child(char *const argv[], const char *const *names, const char *const *values,
                       size_t env_count, int out_fd, int err_fd)
{
    process_child_signals();
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    for (size_t i = 0; i < env_count; i++)
        setenv(names[i], values[i], 1);
    execvp(argv[0], argv);
    const char *why = errno == ENOENT ? ": command not found\n" : ": cannot execute\n";
    if (write(STDERR_FILENO, argv[0], strlen(argv[0])) < 0 ||
        write(STDERR_FILENO, why, strlen(why)) < 0)
        _exit(127);
    _exit(errno == ENOENT ? 127 : 126);
}

/* Reads both pipes until both are closed. */
static void drain(int out_fd, int err_fd, strbuf *out, strbuf *err)
{
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    strbuf *bufs[2] = {out, err};
    int open_count = 2;
    char chunk[8192];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !fds[i].revents)
                continue;
            ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_count--;
            } else {
                strbuf_append(bufs[i], chunk, (size_t)got);
            }
        }
    }
}

int capture_run(char *const argv[], const char *const *names, const char *const *values,
                size_t env_count, char **out, char **err, diag_list *diags)
{
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) < 0)
        return diag_add(diags, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno)), -1;
    if (pipe2(err_pipe, O_CLOEXEC) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
        close(out_pipe[0]), close(out_pipe[1]);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, names, values, env_count, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        diag_add(diags, NULL, 0, 0, "cannot fork: %s", strerror(errno));
        close(out_pipe[0]), close(err_pipe[0]);
        return -1;
    }
    strbuf o = STRBUF_INIT, e = STRBUF_INIT;
    drain(out_pipe[0], err_pipe[0], &o, &e);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    strbuf_append_str(&o, "");
    strbuf_append_str(&e, "");
    if (o.failed || e.failed) {
        strbuf_free(&o), strbuf_free(&e);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    *out = strbuf_detach(&o);
    *err = strbuf_detach(&e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
