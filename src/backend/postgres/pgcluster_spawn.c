/*
 * pgcluster_spawn.c — running PostgreSQL's programs (initdb, postgres,
 * pg_config) as a child process, and choosing the account they run as:
 * PostgreSQL refuses to run as root, so when foster runs as root they run
 * as the `postgres` user if it exists, else `nobody`.
 */
#include "pgcluster_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "strbuf.h"

/* ---- the account ---- */

int pg_cluster_account_resolve(pg_cluster_account *account, diag_list *diags)
{
    memset(account, 0, sizeof *account);
    if (geteuid() != 0) {
        account->uid = geteuid();
        account->gid = getegid();
        return 0;
    }
    /* PostgreSQL refuses to run as root: use the packaged postgres user, else nobody. */
    static const char *const candidates[] = {"postgres", "nobody"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        char buffer[4096];
        struct passwd entry, *found = NULL;
        if (getpwnam_r(candidates[i], &entry, buffer, sizeof buffer, &found) != 0 || !found)
            continue;
        if (found->pw_uid == 0)
            continue;
        account->switch_user = true;
        account->uid = found->pw_uid;
        account->gid = found->pw_gid;
        snprintf(account->name, sizeof account->name, "%s", found->pw_name);
        int count = MAX_SERVER_GROUPS;
        if (getgrouplist(found->pw_name, found->pw_gid, account->groups, &count) < 0) {
            account->groups[0] = found->pw_gid; /* too many groups: the primary one will do */
            count = 1;
        }
        account->group_count = count;
        return 0;
    }
    diag *d = diag_add(diags, NULL, 0, 0,
                       "PostgreSQL cannot run as root, and there is no `postgres` or `nobody` "
                       "user to run it as");
    diag_set_hint(d, "create a system user named postgres (useradd --system postgres)");
    return -1;
}

/* Whether the server account can reach `path` (search permission on every directory on the way). */
bool pg_cluster_account_can_traverse(const pg_cluster_account *account, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return false;
    bool ok = true;
    for (char *p = real + 1; ok; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
            ok = false;
        } else if (st.st_uid == account->uid) {
            ok = (st.st_mode & S_IXUSR) != 0;
        } else {
            bool in_group = false;
            for (int i = 0; i < account->group_count; i++)
                in_group = in_group || account->groups[i] == st.st_gid;
            ok = (st.st_mode & (in_group ? S_IXGRP : S_IXOTH)) != 0;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(real);
    return ok;
}

/* ---- running a program ---- */

static void child_fail(const char *what)
{
    /* Only async-signal-safe calls here: we may have been forked from a threaded process. */
    static const char prefix[] = "foster: cannot start the PostgreSQL program: ";
    ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, what, strlen(what));
    ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
    _exit(127);
}

static void child_exec(const pg_cluster_spawn_spec *spec, int null_fd)
{
    process_child_signals();
    if (spec->new_session && setsid() < 0)
        child_fail("setsid");
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(spec->output_fd, STDOUT_FILENO) < 0 ||
        dup2(spec->output_fd, STDERR_FILENO) < 0)
        child_fail("dup2");
    if (close_range(3, ~0U, 0) < 0)
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    if (spec->account && spec->account->switch_user) {
        if (setgroups((size_t)spec->account->group_count, spec->account->groups) < 0)
            child_fail("setgroups");
        if (setgid(spec->account->gid) < 0)
            child_fail("setgid");
        if (setuid(spec->account->uid) < 0)
            child_fail("setuid");
    }
    if (spec->cwd && chdir(spec->cwd) < 0)
        child_fail("chdir");
    execv(spec->argv[0], spec->argv);
    child_fail(spec->argv[0]);
}

/* Forks and execs; returns the child's pid, or -1 with a diag. */
pid_t pg_cluster_spawn(const pg_cluster_spawn_spec *spec, diag_list *diags)
{
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        diag_add(diags, NULL, 0, 0, "cannot open /dev/null: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        child_exec(spec, null_fd);
    int saved = errno;
    close(null_fd);
    if (pid < 0)
        diag_add(diags, NULL, 0, 0, "cannot start %s: fork: %s", spec->argv[0], strerror(saved));
    return pid;
}

/* Waits for a child, through EINTR. Returns its wait status, or -1. */
int pg_cluster_wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

char *pg_cluster_describe_status(int status)
{
    if (WIFEXITED(status))
        return strbuf_format("exit status %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return strbuf_format("signal %d", WTERMSIG(status));
    return strbuf_format("wait status %d", status);
}
