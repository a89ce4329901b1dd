/*
 * server_account.c — running a server's programs (initdb, install-db, the
 * server itself) as a child process, as an account the server accepts: when
 * foster runs as root, as the server's own system user. See server_account.h.
 * Both clusters (PostgreSQL's and MariaDB's) start their programs here, through
 * spawner.h.
 */
#include "server_account.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fstree.h"
#include "monotonic.h"
#include "process.h"
#include "smallfile.h"
#include "spawner.h"
#include "strbuf.h"

/* ---- the account ---- */

int server_account_resolve(server_account *account, const char *const *candidates,
                           const char *server, diag_list *diags)
{
    memset(account, 0, sizeof *account);
    if (geteuid() != 0) {
        account->uid = geteuid();
        account->gid = getegid();
        return 0;
    }
    for (size_t i = 0; candidates[i]; i++) {
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
        int count = SERVER_ACCOUNT_MAX_GROUPS;
        if (getgrouplist(found->pw_name, found->pw_gid, account->groups, &count) < 0) {
            account->groups[0] = found->pw_gid; /* too many groups: the primary one will do */
            count = 1;
        }
        account->group_count = count;
        return 0;
    }
    diag *d = diag_add(diags, NULL, 0, 0,
                       "%s cannot run as root, and there is no `%s` or `nobody` user to run it as",
                       server, candidates[0]);
    diag_set_hint(d, "create a system user named %s (useradd --system %s)", candidates[0],
                  candidates[0]);
    return -1;
}

/* Whether the server account can reach `path` (search permission on every directory on the way). */
bool server_account_can_traverse(const server_account *account, const char *path)
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

/* Starts the program; returns the child's pid, or -1 with a diag. */
pid_t server_spawn(const server_spawn_spec *spec, diag_list *diags)
{
    spawn_spec run = SPAWN_SPEC_INIT;
    run.argv = spec->argv;
    run.in = SPAWN_DEV_NULL;
    run.out = run.err = spec->output_fd;
    run.close_others = true;
    run.cwd = spec->cwd;
    run.group = spec->new_session ? SPAWN_NEW_SESSION : SPAWN_SAME_GROUP;
    spawn_user user;
    if (spec->account && spec->account->switch_user) {
        user = (spawn_user){spec->account->uid, spec->account->gid, spec->account->groups,
                            (size_t)spec->account->group_count};
        run.user = &user;
    }
    int error = 0;
    pid_t pid = spawn_start(&run, &error);
    if (pid < 0)
        diag_add(diags, NULL, 0, 0, "cannot start %s: %s", spec->argv[0], strerror(error));
    return pid;
}

/* Waits for a child, through EINTR. Returns its wait status, or -1. */
int server_wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

char *server_describe_status(int status)
{
    if (WIFEXITED(status))
        return strbuf_format("exit status %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return strbuf_format("signal %d", WTERMSIG(status));
    return strbuf_format("wait status %d", status);
}

#define SHM_MIN_FREE_BYTES (512LL * 1024 * 1024)

char *server_make_relocated_home(const server_account *account, const char *name, diag_list *diags)
{
    const char *tmpdir = getenv("TMPDIR");
    const char *bases[] = {"/dev/shm", tmpdir && tmpdir[0] == '/' ? tmpdir : NULL, "/tmp"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        struct statvfs fs;
        if (!bases[i] || !server_account_can_traverse(account, bases[i]))
            continue;
        if (i == 0 && (statvfs(bases[i], &fs) < 0 ||
                       (long long)fs.f_bavail * (long long)fs.f_frsize < SHM_MIN_FREE_BYTES))
            continue;
        char *home = strbuf_format("%s/foster-%s-XXXXXX", bases[i], name);
        if (home && mkdtemp(home))
            return home;
        free(home);
    }
    diag_add(diags, NULL, 0, 0,
             "cannot make a directory for the server that user %s can reach "
             "(tried /dev/shm, $TMPDIR and /tmp)",
             account->name);
    return NULL;
}

int server_write_marker(const char *home, const char *marker_name, long pid, const char *directory,
                        diag_list *diags)
{
    char *marker = strbuf_format("%s/%s", home, marker_name);
    char *text = strbuf_format("%ld\n", pid);
    int rc = marker && text ? smallfile_write_atomically(marker, text) : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "cannot write the marker of cluster %s: %s", directory,
                 marker && text ? strerror(errno) : "out of memory");
    free(marker);
    free(text);
    return rc;
}

int server_open_log(const char *home, const char *log_name, const server_account *account,
                    char **path, diag_list *diags)
{
    *path = strbuf_format("%s/%s", home, log_name);
    int fd = *path ? open(*path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    if (fd >= 0 && account->switch_user && fchown(fd, account->uid, account->gid) < 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        diag_add(diags, NULL, 0, 0, "cannot create the server log %s: %s", *path ? *path : home,
                 strerror(errno));
    return fd;
}

int server_make_home(const server_account *account, const char *runtime, const char *name,
                     char **directory, char **home, diag_list *diags)
{
    char *in_runtime = strbuf_format("%s/%s", runtime, name);
    char *made = NULL;
    if (in_runtime && !account->switch_user) {
        if (mkdir(in_runtime, 0700) == 0 && !(made = strdup(in_runtime)))
            rmdir(in_runtime);
    } else if (in_runtime) {
        made = server_make_relocated_home(account, name, diags);
        if (!made) {
            free(in_runtime);
            return -1;
        }
        if (chown(made, account->uid, account->gid) < 0 || symlink(made, in_runtime) < 0) {
            int saved = errno;
            rmdir(made);
            free(made);
            made = NULL;
            errno = saved;
        }
    }
    if (!made) {
        diag_add(diags, NULL, 0, 0, "cannot create the cluster directory %s/%s: %s", runtime, name,
                 in_runtime ? strerror(errno) : "out of memory");
        free(in_runtime);
        return -1;
    }
    *directory = in_runtime;
    *home = made;
    return 0;
}

char *server_find_home(const char *directory)
{
    struct stat st;
    if (lstat(directory, &st) < 0)
        return NULL;
    if (S_ISDIR(st.st_mode))
        return realpath(directory, NULL);
    if (!S_ISLNK(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    char target[PATH_MAX];
    ssize_t n = readlink(directory, target, sizeof target - 1);
    if (n < 0)
        return NULL;
    target[n] = '\0';
    if (target[0] != '/' || lstat(target, &st) < 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return strdup(target);
}

int server_remove_home(const char *home, const char *directory, diag_list *diags)
{
    if (fstree_remove(home) < 0 && errno != ENOENT) {
        diag_add(diags, NULL, 0, 0, "cannot remove the cluster directory %s: %s", home,
                 strerror(errno));
        return -1;
    }
    if (strcmp(directory, home) != 0 && unlink(directory) < 0 && errno != ENOENT) {
        diag_add(diags, NULL, 0, 0, "cannot remove %s: %s", directory, strerror(errno));
        return -1;
    }
    return 0;
}

bool server_process_gone(pid_t pid, bool *child)
{
    if (*child) {
        int status;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return true;
        if (done == 0 || errno == EINTR)
            return false;
        *child = false; /* somebody else reaped it: fall back to asking the kernel */
    }
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return true;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    char *stat_text = smallfile_read(path, 4096);
    const char *state = stat_text ? strrchr(stat_text, ')') : NULL;
    bool zombie = state && (state[1] == ' ') && (state[2] == 'Z' || state[2] == 'X');
    free(stat_text);
    return zombie;
}

bool server_process_is_ours(pid_t pid, bool child, const char *pid_file, const char *data_dir)
{
    if (child)
        return true; /* an unreaped child's pid cannot be reused */
    if (smallfile_read_pid_line(pid_file) != pid)
        return false;
    char link[64], cwd[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%ld/cwd", (long)pid);
    ssize_t n = readlink(link, cwd, sizeof cwd - 1);
    if (n < 0) /* gone, or another user's process; without /proc, the pid file must do */
        return access("/proc/self/cwd", F_OK) != 0;
    cwd[n] = '\0';
    char *data = realpath(data_dir, NULL);
    bool same = data && strcmp(cwd, data) == 0;
    free(data);
    return same;
}

bool server_process_wait_gone(pid_t pid, bool *child, double seconds)
{
    double deadline = monotonic_seconds() + seconds;
    double delay = 0.0005;
    while (!server_process_gone(pid, child)) {
        if (monotonic_seconds() > deadline)
            return false;
        struct timespec ts = {0, (long)(delay * 1e9)};
        nanosleep(&ts, NULL);
        delay = delay * 1.5 > 0.02 ? 0.02 : delay * 1.5;
    }
    return true;
}
