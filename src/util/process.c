/*
 * process.c — spawn, signals, exit status. See process.h.
 *
 * The handler only records and forwards (kill(2) is async-signal-safe);
 * the waiting loop does the rest, including the SIGKILL escalation.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"

volatile sig_atomic_t process_interrupted;
static volatile sig_atomic_t child_pid;        /* 0 when no command runs */
static volatile sig_atomic_t forwarded_signal; /* last signal passed to the command */

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)context;
    if (!process_interrupted)
        process_interrupted = signo;
    /* si_code > 0: the kernel sent it (terminal keys, hangup) to the whole
     * process group, which the command is part of. */
    bool from_process = !info || info->si_code <= 0;
    if (child_pid > 0 && from_process) {
        int saved = errno;
        kill((pid_t)child_pid, signo);
        errno = saved;
    }
    if (child_pid > 0)
        forwarded_signal = signo;
}

int process_catch_signals(diag_list *diags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO; /* no SA_RESTART: waitpid must wake up */
    sigemptyset(&action.sa_mask);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &action, NULL) < 0) {
            diag_add(diags, NULL, 0, 0, "cannot install a signal handler: %s", strerror(errno));
            return -1;
        }
    return 0;
}

/* In the child: restore what exec'd programs expect, set the environment, exec. */
void process_child_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        sigaction(reset[i], &action, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* what was blocked across fork arrives now */
}

static void exec_child(char *const argv[], const char *const *names, const char *const *values,
                       size_t env_count, int error_pipe)
{
    process_child_signals();
    for (size_t i = 0; i < env_count; i++)
        if (setenv(names[i], values[i], 1) < 0)
            break;
    execvp(argv[0], argv);
    int error = errno;
    ssize_t ignored = write(error_pipe, &error, sizeof error);
    (void)ignored;
    _exit(PROCESS_CANNOT_EXECUTE);
}

/* Waits for `pid`, killing it `grace` seconds after a signal was passed on. */
static int wait_for(pid_t pid, double grace, int *status)
{
    double deadline = 0;
    for (;;) {
        pid_t done = waitpid(pid, status, forwarded_signal ? WNOHANG : 0);
        if (done == pid)
            return 0;
        if (done < 0 && errno != EINTR)
            return -1;
        if (forwarded_signal && deadline == 0)
            deadline = monotonic_seconds() + grace;
        if (deadline > 0 && monotonic_seconds() >= deadline) {
            kill(pid, SIGKILL);
            deadline = -1; /* killed: now wait without a deadline */
            forwarded_signal = 0;
        }
        if (forwarded_signal)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

int process_run(char *const argv[], const char *const *names, const char *const *values,
                size_t env_count, double grace, diag_list *diags)
{
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    /* Until the child has its default handlers back, a signal must wait:
     * delivered to foster's handler in the child, it would be lost. */
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGHUP);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    pid_t pid = fork();
    if (pid != 0)
        child_pid = pid > 0 ? pid : 0;
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &previous, NULL);
    if (pid < 0) {
        diag_add(diags, NULL, 0, 0, "cannot fork: %s", strerror(errno));
        close(error_pipe[0]);
        close(error_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        close(error_pipe[0]);
        exec_child(argv, names, values, env_count, error_pipe[1]);
    }
    close(error_pipe[1]);
    /* A signal that came before child_pid was set was not forwarded: do it now. */
    if (process_interrupted && !forwarded_signal)
        kill(pid, process_interrupted), forwarded_signal = process_interrupted;

    int exec_error = 0;
    ssize_t got;
    do
        got = read(error_pipe[0], &exec_error, sizeof exec_error);
    while (got < 0 && errno == EINTR);
    close(error_pipe[0]);

    int status = 0;
    int rc = wait_for(pid, grace, &status);
    child_pid = 0;
    if (rc < 0) {
        diag_add(diags, NULL, 0, 0, "cannot wait for %s: %s", argv[0], strerror(errno));
        return -1;
    }
    if (got == (ssize_t)sizeof exec_error) {
        bool missing = exec_error == ENOENT;
        diag_add(diags, NULL, 0, 0, "%s: %s", argv[0],
                 missing ? "command not found" : strerror(exec_error));
        return missing ? PROCESS_NOT_FOUND : PROCESS_CANNOT_EXECUTE;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}
