/*
 * process.c — spawn, signals, exit status. See process.h.
 *
 * The handler only records and forwards (kill(2) is async-signal-safe);
 * the waiting loop does the rest, including the SIGKILL escalation.
 *
 * The command runs in its own process group, which every signal goes to, so
 * that its children end with it; on Linux foster is also the subreaper of
 * what it starts, so that a grandchild that left the group (setsid) comes
 * back to foster when its parent dies and is ended too. When foster is the
 * foreground job of a terminal, the command's group gets the terminal (as a
 * shell gives it to a job): it reads it, Ctrl-C and Ctrl-Z reach it, and
 * foster takes the terminal back when it stops or ends.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "spawner.h"

#ifdef __linux__
#include <dirent.h>
#include <sys/prctl.h>
#endif

volatile sig_atomic_t process_interrupted;
static volatile sig_atomic_t child_pid;        /* 0 when no command runs */
static volatile sig_atomic_t forwarded_signal; /* last signal passed to the command */

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)info;
    (void)context;
    if (!process_interrupted)
        process_interrupted = signo;
    /* The command's group is not foster's: whatever foster gets, it passes on. */
    if (child_pid > 0) {
        int saved = errno;
        kill(-(pid_t)child_pid, signo);
        errno = saved;
        forwarded_signal = signo;
    }
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

/* The terminal (stdin, stdout or stderr) foster is the foreground job of, else -1. */
static int foreground_terminal(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
        if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
            return fd;
    return -1;
}

/* Gives the terminal to `group`; SIGTTOU blocked, as the caller may be in the background. */
static void give_terminal(int terminal, pid_t group)
{
    if (terminal < 0)
        return;
    sigset_t ttou, previous;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &previous);
    tcsetpgrp(terminal, group);
    sigprocmask(SIG_SETMASK, &previous, NULL);
}

/* Ctrl-Z stopped the command: foster takes the terminal back, stops, and resumes it with itself. */
static void suspend_with(pid_t group, int terminal)
{
    give_terminal(terminal, getpgrp());
    raise(SIGSTOP);
    give_terminal(terminal, group);
    kill(-group, SIGCONT);
}

/* Waits for `pid`, killing its group `grace` seconds after a signal was passed on. */
static int wait_for(pid_t pid, double grace, int terminal, int *status)
{
    double deadline = 0;
    for (;;) {
        pid_t done = waitpid(pid, status, (forwarded_signal ? WNOHANG : 0) | WUNTRACED);
        if (done == pid && WIFSTOPPED(*status)) {
            if (terminal >= 0)
                suspend_with(pid, terminal);
            continue;
        }
        if (done == pid)
            return 0;
        if (done < 0 && errno != EINTR)
            return -1;
        if (forwarded_signal && deadline == 0)
            deadline = monotonic_seconds() + grace;
        if (deadline > 0 && monotonic_seconds() >= deadline) {
            kill(-pid, SIGKILL);
            deadline = -1; /* killed: now wait without a deadline */
            forwarded_signal = 0;
        }
        if (forwarded_signal)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

/* Up to this many children foster had before the command (a cluster's server). */
#define PROCESS_KNOWN_CHILDREN 64

typedef struct pid_set {
    pid_t items[PROCESS_KNOWN_CHILDREN];
    size_t count;
} pid_set;

#ifdef __linux__
/* Calls `each` for each child pid the kernel lists for this process's threads (Linux 3.5+:
 * /proc/self/task/<tid>/children): true when it lists them, false when it cannot. */
static bool each_listed_child(void (*each)(pid_t pid, void *context), void *context)
{
    DIR *tasks = opendir("/proc/self/task");
    bool listed = false;
    for (struct dirent *entry; tasks && (entry = readdir(tasks)) != NULL;) {
        char path[64];
        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%.20s/children", entry->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue;
        listed = true;
        for (long pid; fscanf(f, "%ld", &pid) == 1;)
            each((pid_t)pid, context);
        fclose(f);
    }
    if (tasks)
        closedir(tasks);
    return listed;
}

/* The same from every process's /proc/<pid>/stat, where the kernel keeps no such list. */
static void each_child_by_scan(void (*each)(pid_t pid, void *context), void *context)
{
    DIR *proc = opendir("/proc");
    for (struct dirent *entry; proc && (entry = readdir(proc)) != NULL;) {
        char path[64], line[512];
        pid_t pid = (pid_t)atol(entry->d_name);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
        FILE *f = fopen(path, "re");
        size_t got = f ? fread(line, 1, sizeof line - 1, f) : 0;
        if (f)
            fclose(f);
        line[got] = '\0';
        const char *end = strrchr(line, ')'); /* after the command name, which may hold ')' */
        char state;
        long parent;
        if (end && sscanf(end + 1, " %c %ld", &state, &parent) == 2 && parent == getpid())
            each(pid, context);
    }
    if (proc)
        closedir(proc);
}
#endif

typedef struct new_children {
    const pid_set *known;
    void (*fn)(pid_t pid, int signo);
    int signo;
    size_t found;
} new_children;

static void visit_child(pid_t pid, void *context)
{
    new_children *c = context;
    for (size_t i = 0; c->known && i < c->known->count; i++)
        if (c->known->items[i] == pid)
            return;
    c->found++;
    if (c->fn)
        c->fn(pid, c->signo);
}

/*
 * Calls `fn` for each child of foster not in `known` (Linux: the orphans of
 * the command's tree, which foster reaps as their subreaper). Returns how many.
 */
static size_t for_new_children(const pid_set *known, void (*fn)(pid_t pid, int signo), int signo)
{
    new_children c = {known, fn, signo, 0};
#ifdef __linux__
    if (!each_listed_child(visit_child, &c))
        each_child_by_scan(visit_child, &c);
#else
    (void)visit_child;
#endif
    return c.found;
}

/* foster's children before the command started: never the command's to end. */
static pid_set known_children;

static void remember_child(pid_t pid, int signo)
{
    (void)signo;
    if (known_children.count < PROCESS_KNOWN_CHILDREN)
        known_children.items[known_children.count++] = pid;
}

/* Signals an orphan of the command's tree, or reaps it once it has ended. */
static void end_orphan(pid_t pid, int signo)
{
    if (waitpid(pid, NULL, WNOHANG) != pid)
        kill(pid, signo);
}

/*
 * What the command left when it ended — the rest of its group, and (Linux)
 * what left the group and came back to foster — gets SIGTERM, and SIGKILL
 * `grace` seconds later, until none is left.
 */
static void end_leftovers(pid_t group, double grace)
{
    double start = monotonic_seconds();
    double next_term = start;
    for (;;) {
        while (waitpid(-group, NULL, WNOHANG) > 0)
            ; /* members that came back to foster and ended */
        bool group_left = kill(-group, 0) == 0;
        for_new_children(&known_children, end_orphan, 0); /* reaps those that ended */
        size_t orphans = for_new_children(&known_children, NULL, 0);
        if (!group_left && !orphans)
            return;
        double now = monotonic_seconds();
        if (now - start >= grace + 5)
            return; /* a zombie whose parent will not reap it: nothing more to do */
        /* SIGTERM once a second (to what is new too) until the grace ends, then SIGKILL */
        int signo = now - start >= grace ? SIGKILL : now >= next_term ? SIGTERM : 0;
        if (signo == SIGTERM)
            next_term = now + 1;
        if (signo) {
            kill(-group, signo);
            for_new_children(&known_children, end_orphan, signo);
        }
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

int process_run(char *const argv[], const char *const *names, const char *const *values,
                size_t env_count, double grace, void (*settle)(void *context), void *context,
                diag_list *diags)
{
    char **envp = spawn_environment(names, values, env_count);
    if (!envp) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    fflush(NULL);
    known_children.count = 0;
    for_new_children(NULL, remember_child, 0); /* a cluster's server is not the command's */
#ifdef __linux__
    prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
    int terminal = foreground_terminal();
    spawn_spec spec = SPAWN_SPEC_INIT;
    spec.argv = argv;
    spec.search_path = true;
    spec.envp = envp;
    spec.group = SPAWN_NEW_GROUP;
    spec.terminal = terminal;
    /* Until child_pid is set, the handler cannot forward a signal: it waits. */
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGHUP);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    int spawn_error = 0;
    pid_t pid = spawn_start(&spec, &spawn_error);
    if (pid > 0)
        child_pid = pid;
    sigprocmask(SIG_SETMASK, &previous, NULL);
    spawn_environment_free(envp);
    if (pid < 0) {
#ifdef __linux__
        prctl(PR_SET_CHILD_SUBREAPER, 0);
#endif
        bool missing = spawn_error == ENOENT;
        diag_add(diags, NULL, 0, 0, "%s: %s", argv[0],
                 missing ? "command not found" : strerror(spawn_error));
        return missing ? PROCESS_NOT_FOUND : PROCESS_CANNOT_EXECUTE;
    }
    /* A signal that came before child_pid was set was not forwarded: do it now. */
    if (process_interrupted && !forwarded_signal)
        kill(-pid, process_interrupted), forwarded_signal = process_interrupted;

    int status = 0;
    int rc = wait_for(pid, grace, terminal, &status);
    int wait_error = errno;
    give_terminal(terminal, getpgrp());
    if (rc == 0 && settle)
        settle(context);
    if (rc == 0)
        end_leftovers(pid, grace);
    child_pid = 0;
#ifdef __linux__
    prctl(PR_SET_CHILD_SUBREAPER, 0);
#endif
    if (rc < 0) {
        diag_add(diags, NULL, 0, 0, "cannot wait for %s: %s", argv[0], strerror(wait_error));
        return -1;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}
