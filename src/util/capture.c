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

#include "spawner.h"
#include "strbuf.h"

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
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    char **envp = spawn_environment(names, values, env_count);
    if (!envp)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot run %s: pipe: %s", argv[0], strerror(errno));
        for (int i = 0; i < 2; i++)
            if (out_pipe[i] >= 0)
                close(out_pipe[i]);
        spawn_environment_free(envp);
        return -1;
    }
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.search_path = true;
    spec.envp = envp;
    spec.in = SPAWN_DEV_NULL;
    spec.out = out_pipe[1];
    spec.err = err_pipe[1];
    spec.close_others = true;
    int spawn_error = 0;
    pid_t pid = spawn_start(&spec, &spawn_error);
    close(out_pipe[1]);
    close(err_pipe[1]);
    spawn_environment_free(envp);
    strbuf o = STRBUF_INIT, e = STRBUF_INIT;
    int status = 0;
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        strbuf_appendf(&e, "%s: %s\n", argv[0],
                       spawn_error == ENOENT ? "command not found" : strerror(spawn_error));
        status = spawn_error == ENOENT ? 127 : 126;
    } else {
        drain(out_pipe[0], err_pipe[0], &o, &e);
        int wstatus = 0;
        while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
            ;
        status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    }
    strbuf_append_str(&o, "");
    strbuf_append_str(&e, "");
    if (o.failed || e.failed) {
        strbuf_free(&o), strbuf_free(&e);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    *out = strbuf_detach(&o);
    *err = strbuf_detach(&e);
    return status;
}
