/*
 * spawner.c — the one place foster creates a process. See spawner.h.
 *
 * posix_spawn (glibc: clone with CLONE_VFORK) runs the child's set-up
 * between clone and exec with every signal blocked and handlers reset, and
 * returns exec's errno to the parent, so no error pipe is needed. A change of
 * user has no posix_spawn attribute: that child is forked and does the same
 * set-up itself, with async-signal-safe calls only.
 */
#include "spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"

extern char **environ;

/* The signals foster catches or ignores; a child gets their defaults back. */
static const int defaulted[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1};

static bool variable_named(const char *entry, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(names[i]);
        if (strncmp(entry, names[i], length) == 0 && entry[length] == '=')
            return true;
    }
    return false;
}

char *spawn_find_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *start = path;; start++) {
        const char *end = strchr(start, ':');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        char *candidate = length ? strbuf_format("%.*s/%s", (int)length, start, name)
                                 : strbuf_format("./%s", name); /* empty entry: the cwd */
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

char **spawn_environment(const char *const *names, const char *const *values, size_t count)
{
    size_t inherited = 0;
    while (environ && environ[inherited])
        inherited++;
    char **envp = calloc(inherited + count + 1, sizeof *envp);
    if (!envp)
        return NULL;
    size_t used = 0;
    for (size_t i = 0; i < inherited; i++) {
        if (variable_named(environ[i], names, count))
            continue;
        if (!(envp[used++] = strdup(environ[i])))
            goto no_memory;
    }
    for (size_t i = 0; i < count; i++) {
        if (!values[i])
            continue;
        size_t name = strlen(names[i]), value = strlen(values[i]);
        char *entry = malloc(name + value + 2);
        if (!(envp[used++] = entry))
            goto no_memory;
        memcpy(entry, names[i], name);
        entry[name] = '=';
        memcpy(entry + name + 1, values[i], value + 1);
    }
    return envp;
no_memory:
    spawn_environment_free(envp);
    return NULL;
}

void spawn_environment_free(char **envp)
{
    for (size_t i = 0; envp && envp[i]; i++)
        free(envp[i]);
    free(envp);
}

/* ---- posix_spawn ---- */

static const char *program(const spawn_spec *spec)
{
    return spec->path ? spec->path : spec->argv[0];
}

static int add_descriptor(posix_spawn_file_actions_t *actions, int fd, int target)
{
    if (fd == SPAWN_INHERIT)
        return 0;
    if (fd == SPAWN_DEV_NULL)
        return posix_spawn_file_actions_addopen(actions, target, "/dev/null", O_RDWR, 0);
    return posix_spawn_file_actions_adddup2(actions, fd, target);
}

static int describe_file_actions(const spawn_spec *spec, posix_spawn_file_actions_t *actions)
{
    int rc = add_descriptor(actions, spec->in, STDIN_FILENO);
    if (!rc)
        rc = add_descriptor(actions, spec->out, STDOUT_FILENO);
    if (!rc)
        rc = add_descriptor(actions, spec->err, STDERR_FILENO);
    if (!rc && spec->close_others)
        rc = posix_spawn_file_actions_addclosefrom_np(actions, STDERR_FILENO + 1);
    if (!rc && spec->cwd)
        rc = posix_spawn_file_actions_addchdir_np(actions, spec->cwd);
    if (!rc && spec->group == SPAWN_NEW_GROUP && spec->terminal >= 0)
        rc = posix_spawn_file_actions_addtcsetpgrp_np(actions, spec->terminal);
    return rc;
}

static int describe_attributes(const spawn_spec *spec, posix_spawnattr_t *attributes)
{
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigemptyset(&none);
    for (size_t i = 0; i < sizeof defaulted / sizeof defaulted[0]; i++)
        sigaddset(&defaults, defaulted[i]);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (spec->group == SPAWN_NEW_GROUP)
        flags |= POSIX_SPAWN_SETPGROUP;
    else if (spec->group == SPAWN_NEW_SESSION)
        flags |= POSIX_SPAWN_SETSID;
    int rc = posix_spawnattr_setsigdefault(attributes, &defaults);
    if (!rc)
        rc = posix_spawnattr_setsigmask(attributes, &none);
    if (!rc)
        rc = posix_spawnattr_setpgroup(attributes, 0);
    if (!rc)
        rc = posix_spawnattr_setflags(attributes, flags);
    return rc;
}

static pid_t spawn_posix(const spawn_spec *spec, char *const *envp, int *error)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if ((*error = posix_spawn_file_actions_init(&actions)))
        return -1;
    if ((*error = posix_spawnattr_init(&attributes))) {
        posix_spawn_file_actions_destroy(&actions);
        return -1;
    }
    pid_t pid = -1;
    *error = describe_file_actions(spec, &actions);
    if (!*error)
        *error = describe_attributes(spec, &attributes);
    if (!*error)
        *error = (spec->search_path ? posix_spawnp : posix_spawn)(&pid, program(spec), &actions,
                                                                  &attributes, spec->argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return *error ? -1 : pid;
}

/* ---- fork, for a change of user ---- */

static void child_descriptor(int fd, int target, int null_fd, int report)
{
    if (fd == SPAWN_INHERIT)
        return;
    if (dup2(fd == SPAWN_DEV_NULL ? null_fd : fd, target) < 0) {
        int failure = errno;
        ssize_t ignored = write(report, &failure, sizeof failure);
        (void)ignored;
        _exit(127);
    }
}

/* In the forked child: only async-signal-safe calls. Reports what failed through `report`. */
static void child_setup(const spawn_spec *spec, char *const *envp, int null_fd, int report)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (size_t i = 0; i < sizeof defaulted / sizeof defaulted[0]; i++)
        sigaction(defaulted[i], &action, NULL);
    sigset_t none;
    sigemptyset(&none);
    int ok = (spec->group != SPAWN_NEW_SESSION || setsid() >= 0) &&
             (spec->group != SPAWN_NEW_GROUP || setpgid(0, 0) == 0);
    if (ok) {
        child_descriptor(spec->in, STDIN_FILENO, null_fd, report);
        child_descriptor(spec->out, STDOUT_FILENO, null_fd, report);
        child_descriptor(spec->err, STDERR_FILENO, null_fd, report);
        if (spec->close_others && close_range(STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
            for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
                if (fd != report)
                    fcntl(fd, F_SETFD, FD_CLOEXEC);
        const spawn_user *user = spec->user;
        ok = setgroups(user->group_count, user->groups) == 0 && setgid(user->gid) == 0 &&
             setuid(user->uid) == 0 && (!spec->cwd || chdir(spec->cwd) == 0);
    }
    if (ok) {
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (spec->search_path)
            execvpe(program(spec), spec->argv, envp);
        else
            execve(program(spec), spec->argv, envp);
    }
    int failure = errno;
    ssize_t ignored = write(report, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
}

static pid_t spawn_as_user(const spawn_spec *spec, char *const *envp, int *error)
{
    int report[2];
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0 || pipe2(report, O_CLOEXEC) < 0) {
        *error = errno;
        if (null_fd >= 0)
            close(null_fd);
        return -1;
    }
    /* Every signal waits until the child has its defaults back. */
    sigset_t all, previous;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        child_setup(spec, envp, null_fd, report[1]);
    }
    *error = pid < 0 ? errno : 0;
    sigprocmask(SIG_SETMASK, &previous, NULL);
    close(null_fd);
    close(report[1]);
    if (pid > 0) {
        int failure = 0;
        ssize_t got;
        while ((got = read(report[0], &failure, sizeof failure)) < 0 && errno == EINTR)
            ;
        if (got == (ssize_t)sizeof failure) {
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            *error = failure;
            pid = -1;
        }
    }
    close(report[0]);
    return pid;
}

/*
 * A file exec refuses as no executable (a script without "#!") runs with
 * /bin/sh, as execvp runs it; posix_spawnp does not.
 */
static pid_t spawn_with_shell(const spawn_spec *spec, char *const *envp, int *error)
{
    size_t count = 0;
    while (spec->argv[count])
        count++;
    char **argv = calloc(count + 2, sizeof *argv);
    if (!argv) {
        *error = ENOMEM;
        return -1;
    }
    argv[0] = "/bin/sh";
    memcpy(argv + 1, spec->argv, count * sizeof *argv);
    argv[1] = (char *)program(spec);
    spawn_spec shell = *spec;
    shell.path = NULL;
    shell.argv = argv;
    shell.search_path = false;
    pid_t pid = spawn_posix(&shell, envp, error);
    free(argv);
    return pid;
}

pid_t spawn_start(const spawn_spec *spec, int *error)
{
    char *const *envp = spec->envp ? spec->envp : environ;
    if (spec->user)
        return spawn_as_user(spec, envp, error);
    pid_t pid = spawn_posix(spec, envp, error);
    if (pid < 0 && *error == ENOEXEC && strchr(program(spec), '/'))
        pid = spawn_with_shell(spec, envp, error);
    return pid;
}
