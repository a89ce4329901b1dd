/*
 * pgcluster.c — the `cluster` backend's own PostgreSQL server: made from a
 * cached pristine data directory, started as `postgres` in its own session,
 * stopped with an immediate shutdown and removed. See pgcluster.h.
 *
 * Layout of a cluster's private directory (the "home"):
 *
 *     foster-cluster    marker: the postmaster's pid ("0" before it started)
 *     postgres.log      initdb's and the server's output
 *     data/             the data directory (0700)
 *     .s.PGSQL.5432     the unix socket (the only way in)
 */
#include "pgcluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgwait.h"
#include "strbuf.h"

#define CLUSTER_PORT          5432
#define CLUSTER_SUPERUSER     "postgres"
#define CLUSTER_MARKER        "foster-cluster"
#define CLUSTER_LOG           "postgres.log"
#define CACHE_MARKER          "foster-complete"
#define START_TIMEOUT_SECONDS 30.0
#define STOP_TIMEOUT_SECONDS  5.0
#define KILL_TIMEOUT_SECONDS  2.0
#define SOCKET_PATH_MAX       107 /* sizeof(sun_path) - 1 */
#define SHM_MIN_FREE_BYTES    (512LL * 1024 * 1024)
#define MAX_SERVER_GROUPS     64
#define COPY_BUFFER_BYTES     (256 * 1024)
#define LOG_TAIL_LINES        5

/*
 * The initdb flags, also part of the cache key: a foster that changes them
 * does not pick up data directories made with the old ones. Trust is safe
 * because the server listens on nothing but a socket in a 0700 directory;
 * 1 MB WAL segments make the copied directory 15 MB smaller than 16 MB ones.
 */
#define INITDB_FLAGS_TEXT "-A trust -U postgres -N -E UTF8 --locale=C --wal-segsize=1"

struct pg_cluster {
    char *directory; /* what the caller named: the home, or (as root) a symlink to it */
    char *home;      /* the real private directory: socket dir, log, marker, data/ */
    char *data;
    int port;
    pid_t pid;
    bool child; /* started by this process, so waitpid reaps it */
};

/* Who initdb and the server run as: ourselves, or (when we are root) a system user. */
typedef struct server_account {
    bool switch_user;
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_SERVER_GROUPS];
    int group_count;
    char name[64];
} server_account;

/* ---- small helpers ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

static bool interrupted(const volatile sig_atomic_t *interrupt)
{
    return interrupt && *interrupt;
}

static bool is_executable_file(const char *directory, const char *name)
{
    char *path = strbuf_format("%s/%s", directory, name);
    struct stat st;
    bool ok = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
    free(path);
    return ok;
}

static bool bindir_has_server(const char *bindir)
{
    return is_executable_file(bindir, "postgres") && is_executable_file(bindir, "initdb");
}

/* Reads a whole small file into a new string; NULL (errno set) when it cannot. */
static char *read_small_file(const char *path, size_t limit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    strbuf sb = STRBUF_INIT;
    char buffer[4096];
    ssize_t n;
    while (sb.length < limit && (n = read(fd, buffer, sizeof buffer)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || strbuf_append(&sb, buffer, (size_t)n) < 0) {
            int saved = errno;
            close(fd);
            strbuf_free(&sb);
            errno = saved;
            return NULL;
        }
    }
    close(fd);
    char *text = strbuf_detach(&sb);
    if (!text)
        errno = ENOMEM;
    return text;
}

/* Writes `text` to `path` through a temporary file and rename, so readers see all or nothing. */
static int write_file_atomically(const char *path, const char *text)
{
    char *temporary = strbuf_format("%s.tmp", path);
    if (!temporary)
        return -1;
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    size_t length = strlen(text);
    int rc = -1;
    if (fd >= 0) {
        rc = write(fd, text, length) == (ssize_t)length ? 0 : -1;
        if (close(fd) < 0)
            rc = -1;
        if (rc == 0)
            rc = rename(temporary, path);
        if (rc < 0)
            unlink(temporary);
    }
    free(temporary);
    return rc;
}

/* The pid written as the first line of `path`, 0 when absent, -1 when unreadable or malformed. */
static pid_t read_pid_line(const char *path)
{
    char *text = read_small_file(path, 4096);
    if (!text)
        return errno == ENOENT ? 0 : -1;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    bool valid = errno == 0 && end != text && (*end == '\n' || *end == '\0') && value >= 0 &&
                 value <= INT_MAX;
    free(text);
    pid_t pid = valid ? (pid_t)value : -1;
    return pid;
}

/*
 * The last lines of a log file, each on its own line indented by two spaces
 * (for quoting in a diag); "" when the file is empty or unreadable.
 */
static char *log_tail(const char *path)
{
    char *text = read_small_file(path, 1 << 20);
    if (!text)
        return strdup("");
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        text[--length] = '\0';
    size_t start = length;
    int lines = 0;
    while (start > 0 && lines < LOG_TAIL_LINES) {
        start--;
        if (text[start] == '\n' && ++lines == LOG_TAIL_LINES) {
            start++;
            break;
        }
    }
    strbuf sb = STRBUF_INIT;
    for (char *line = text + start; *line;) {
        char *newline = strchr(line, '\n');
        size_t line_length = newline ? (size_t)(newline - line) : strlen(line);
        strbuf_append_str(&sb, "\n  ");
        strbuf_append(&sb, line, line_length);
        line += line_length + (newline ? 1 : 0);
    }
    free(text);
    char *tail = strbuf_detach(&sb);
    return tail ? tail : strdup("");
}

/* ---- files: copying and removing trees without following symlinks ---- */

typedef struct tree_copy {
    char *buffer;
    bool chown_files; /* give every copy to uid:gid */
    uid_t uid;
    gid_t gid;
} tree_copy;

static bool all_zero(const char *data, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (data[i])
            return false;
    return true;
}

/* Copies the contents of one regular file; runs of zeros become holes (WAL is mostly zeros). */
static int copy_file_data(int in, int out, off_t size, char *buffer)
{
    off_t done = 0;
    while (done < size) {
        ssize_t n = read(in, buffer, COPY_BUFFER_BYTES);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* it shrank meanwhile: copy what there is */
        if (all_zero(buffer, (size_t)n)) {
            if (lseek(out, n, SEEK_CUR) < 0)
                return -1;
        } else {
            for (ssize_t written = 0; written < n;) {
                ssize_t w = write(out, buffer + written, (size_t)(n - written));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    return -1;
                written += w;
            }
        }
        done += n;
    }
    return ftruncate(out, done);
}

static int copy_tree_at(tree_copy *copy, int from_dir, int to_dir);

static int copy_entry(tree_copy *copy, int from_dir, int to_dir, const char *name)
{
    struct stat st;
    if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    mode_t mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(to_dir, name, mode) < 0)
            return -1;
        int from = openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int rc = (from < 0 || to < 0) ? -1 : copy_tree_at(copy, from, to);
        if (rc == 0 && copy->chown_files && fchown(to, copy->uid, copy->gid) < 0)
            rc = -1;
        if (from >= 0)
            close(from);
        if (to >= 0)
            close(to);
        return rc;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(from_dir, name, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        if (symlinkat(target, to_dir, name) < 0)
            return -1;
        if (copy->chown_files &&
            fchownat(to_dir, name, copy->uid, copy->gid, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
        return 0;
    }
    if (!S_ISREG(st.st_mode))
        return 0; /* a socket or fifo left in a data directory is not data */
    int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    int rc = out < 0 ? -1 : copy_file_data(in, out, st.st_size, copy->buffer);
    if (rc == 0 && copy->chown_files && fchown(out, copy->uid, copy->gid) < 0)
        rc = -1;
    int saved = errno;
    close(in);
    if (out >= 0 && close(out) < 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

static int copy_tree_at(tree_copy *copy, int from_dir, int to_dir)
{
    int listing = dup(from_dir);
    DIR *dir = listing < 0 ? NULL : fdopendir(listing);
    if (!dir) {
        if (listing >= 0)
            close(listing);
        return -1;
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (errno = 0, entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            rc = copy_entry(copy, from_dir, to_dir, entry->d_name);
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int saved = errno;
    closedir(dir);
    errno = saved;
    return rc;
}

/*
 * Copies directory `from` to the new directory `to` (mode 0700, which
 * PostgreSQL insists on), giving everything to the server account when it
 * is another user. 0, or -1 with errno set.
 */
static int copy_tree(const char *from, const char *to, const server_account *account)
{
    tree_copy copy = {malloc(COPY_BUFFER_BYTES), account->switch_user, account->uid, account->gid};
    if (!copy.buffer)
        return -1;
    int rc = -1;
    int from_fd = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int to_fd = -1;
    if (from_fd >= 0 && mkdir(to, 0700) == 0 &&
        (to_fd = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
        fchmod(to_fd, 0700) == 0)
        rc = copy_tree_at(&copy, from_fd, to_fd);
    if (rc == 0 && copy.chown_files && fchown(to_fd, account->uid, account->gid) < 0)
        rc = -1;
    int saved = errno;
    if (from_fd >= 0)
        close(from_fd);
    if (to_fd >= 0)
        close(to_fd);
    free(copy.buffer);
    errno = saved;
    return rc;
}

static int remove_entry_at(int parent, const char *name, bool is_directory)
{
    if (!is_directory) {
        if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
            return 0;
        if (errno != EISDIR)
            return -1;
    }
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *entry;
    while ((errno = 0, entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (remove_entry_at(dirfd(dir), entry->d_name, entry->d_type == DT_DIR) < 0)
            rc = -1;
    }
    if (errno != 0)
        rc = -1;
    closedir(dir);
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

/*
 * Removes `path` and everything under it. A symlink anywhere (including
 * `path` itself) is removed, never followed. A missing path is fine.
 */
static int remove_tree(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    char *slash = strrchr(copy, '/');
    const char *name = slash ? slash + 1 : copy;
    const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
    if (slash)
        *slash = '\0';
    int parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = parent_fd < 0 ? -1 : remove_entry_at(parent_fd, name, false);
    int saved = errno;
    if (parent_fd >= 0)
        close(parent_fd);
    free(copy);
    errno = saved;
    return rc;
}

/* mkdir -p, new components 0700. */
static int make_directories(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int rc = 0;
    for (char *p = copy + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST)
            rc = -1;
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(copy);
    return rc;
}

/* ---- the server account ---- */

static int account_resolve(server_account *account, diag_list *diags)
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
static bool account_can_traverse(const server_account *account, const char *path)
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

/* ---- running initdb, pg_config and the server ---- */

typedef struct spawn_spec {
    char *const *argv;             /* argv[0] is a path */
    const char *cwd;               /* NULL: stay */
    int output_fd;                 /* becomes stdout and stderr */
    bool new_session;              /* setsid: the server outlives us and ignores our terminal */
    const server_account *account; /* NULL: run as ourselves */
} spawn_spec;

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

static void child_exec(const spawn_spec *spec, int null_fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        sigaction(reset[i], &default_action, NULL);
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
static pid_t spawn(const spawn_spec *spec, diag_list *diags)
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
static int wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

static char *describe_status(int status)
{
    if (WIFEXITED(status))
        return strbuf_format("exit status %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return strbuf_format("signal %d", WTERMSIG(status));
    return strbuf_format("wait status %d", status);
}

/* `pg_config --bindir` when pg_config is on PATH and answers; else NULL. */
static char *bindir_from_pg_config(void)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        return NULL;
    char *argv[] = {"/bin/sh", "-c", "exec pg_config --bindir 2>/dev/null", NULL};
    spawn_spec spec = {argv, NULL, pipe_fds[1], false, NULL};
    diag_list ignored = DIAG_LIST_INIT;
    pid_t pid = spawn(&spec, &ignored);
    diag_list_clear(&ignored);
    close(pipe_fds[1]);
    char buffer[PATH_MAX];
    size_t length = 0;
    while (length < sizeof buffer - 1) {
        ssize_t n = read(pipe_fds[0], buffer + length, sizeof buffer - 1 - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        length += (size_t)n;
    }
    close(pipe_fds[0]);
    if (pid < 0 || wait_child(pid) != 0)
        return NULL;
    buffer[length] = '\0';
    buffer[strcspn(buffer, "\r\n")] = '\0';
    return buffer[0] == '/' ? strdup(buffer) : NULL;
}

/* The version number of a directory name like "15" or "9.6", for ordering; -1 when not one. */
static double version_of(const char *name)
{
    char *end;
    double version = strtod(name, &end);
    return (end != name && *end == '\0' && name[0] >= '0' && name[0] <= '9') ? version : -1;
}

/* The newest /usr/lib/postgresql/N/bin holding a server (Debian's layout); else NULL. */
static char *bindir_newest_packaged(void)
{
    DIR *dir = opendir("/usr/lib/postgresql");
    if (!dir)
        return NULL;
    char *best = NULL;
    double best_version = -1;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        double version = version_of(entry->d_name);
        if (version <= best_version)
            continue;
        char *candidate = strbuf_format("/usr/lib/postgresql/%s/bin", entry->d_name);
        if (candidate && bindir_has_server(candidate)) {
            free(best);
            best = candidate;
            best_version = version;
        } else {
            free(candidate);
        }
    }
    closedir(dir);
    return best;
}

static char *bindir_resolve(const char *configured, diag_list *diags)
{
    if (configured && *configured) {
        /* Made absolute: the programs start in the cluster directory. */
        char *bindir = bindir_has_server(configured) ? realpath(configured, NULL) : NULL;
        if (bindir)
            return bindir;
        diag *d = diag_add(diags, NULL, 0, 0,
                           "no PostgreSQL server in %s: it needs the programs postgres and initdb",
                           configured);
        diag_set_hint(d, "set [cluster] bindir to the directory that holds postgres and initdb");
        return NULL;
    }
    char *bindir = bindir_from_pg_config();
    if (bindir && bindir_has_server(bindir))
        return bindir;
    free(bindir);
    bindir = bindir_newest_packaged();
    if (bindir)
        return bindir;
    diag *d = diag_add(diags, NULL, 0, 0,
                       "no PostgreSQL server found: `pg_config --bindir` names none and there "
                       "is no /usr/lib/postgresql/*/bin with postgres and initdb");
    diag_set_hint(d, "install the PostgreSQL server package, or set [cluster] bindir");
    return NULL;
}

/* ---- the cache of pristine data directories ---- */

typedef struct data_cache {
    char *directory; /* $XDG_CACHE_HOME/foster; NULL: no usable cache, initdb every time */
    char *entry;     /* directory/pgdata-<key> */
    char *lock;      /* directory/pgdata-<key>.lock */
    char *identity;  /* what the entry must be made from; the marker's content */
} data_cache;

static uint64_t fnv1a(const char *text)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        hash = (hash ^ *p) * 1099511628211ULL;
    return hash;
}

static char *cache_base_directory(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return strbuf_format("%s/foster", xdg);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return strbuf_format("%s/.cache/foster", home);
    return NULL;
}

/*
 * Sets up the cache for the server in `bindir`. The key is the server
 * binary's identity (its real path, device, inode, size and change time)
 * rather than `postgres --version`: that is as precise, also notices a
 * rebuilt binary of the same version, and costs a stat instead of a
 * process. A cache we cannot make, or that belongs to another user (sudo
 * keeping HOME), is not used: every start then runs initdb.
 */
static void cache_init(data_cache *cache, const char *bindir)
{
    memset(cache, 0, sizeof *cache);
    char *base = cache_base_directory();
    char *postgres = strbuf_format("%s/postgres", bindir);
    char *real = postgres ? realpath(postgres, NULL) : NULL;
    struct stat st, base_st;
    if (!base || !real || stat(real, &st) < 0 || make_directories(base) < 0 ||
        stat(base, &base_st) < 0 || base_st.st_uid != geteuid()) {
        free(base);
        free(postgres);
        free(real);
        return;
    }
    cache->identity =
        strbuf_format("foster cluster cache 1\npostgres %s %ju:%ju %jd %jd.%09ld\n"
                      "initdb %s\n",
                      real, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
                      (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, INITDB_FLAGS_TEXT);
    if (cache->identity) {
        unsigned long long key = (unsigned long long)fnv1a(cache->identity);
        cache->entry = strbuf_format("%s/pgdata-%016llx", base, key);
        cache->lock = strbuf_format("%s/pgdata-%016llx.lock", base, key);
    }
    if (cache->identity && cache->entry && cache->lock) {
        cache->directory = base;
        base = NULL;
    }
    free(base);
    free(postgres);
    free(real);
}

static void cache_free(data_cache *cache)
{
    free(cache->directory);
    free(cache->entry);
    free(cache->lock);
    free(cache->identity);
}

/* A usable entry: completion marker naming this server, PG_VERSION and global/pg_control. */
static bool cache_entry_valid(const data_cache *cache)
{
    char *marker_path = strbuf_format("%s/" CACHE_MARKER, cache->entry);
    char *version_path = strbuf_format("%s/PG_VERSION", cache->entry);
    char *control_path = strbuf_format("%s/global/pg_control", cache->entry);
    char *marker = marker_path ? read_small_file(marker_path, 65536) : NULL;
    struct stat st;
    bool valid = marker && strcmp(marker, cache->identity) == 0 && version_path &&
                 stat(version_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                 control_path && stat(control_path, &st) == 0 && S_ISREG(st.st_mode) &&
                 st.st_size > 0;
    free(marker);
    free(marker_path);
    free(version_path);
    free(control_path);
    return valid;
}

/* Removes leftovers of builds that died (pgdata-<key>.tmp-<pid>); the caller holds the lock. */
static void cache_remove_partial_builds(const data_cache *cache)
{
    const char *entry_name = strrchr(cache->entry, '/') + 1;
    char *prefix = strbuf_format("%s.tmp-", entry_name);
    DIR *dir = prefix ? opendir(cache->directory) : NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char *path = strbuf_format("%s/%s", cache->directory, entry->d_name);
        if (path)
            remove_tree(path);
        free(path);
    }
    if (dir)
        closedir(dir);
    free(prefix);
}

/*
 * Stores a freshly made data directory as the cache entry: copied into a
 * temporary directory, flushed, marked complete, renamed into place. The
 * caller holds the exclusive lock. Failing to store only costs the next run
 * an initdb, so it is not an error.
 */
static void cache_store(const data_cache *cache, const char *data)
{
    server_account self = {.uid = geteuid(), .gid = getegid()};
    char *temporary = strbuf_format("%s.tmp-%ld", cache->entry, (long)getpid());
    char *marker = temporary ? strbuf_format("%s/" CACHE_MARKER, temporary) : NULL;
    bool stored = false;
    if (marker && copy_tree(data, temporary, &self) == 0) {
        /* The marker is written last and the entry renamed only after its files are on disk. */
        int fd = open(temporary, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bool synced = fd >= 0 && syncfs(fd) == 0;
        if (fd >= 0)
            close(fd);
        stored = synced && write_file_atomically(marker, cache->identity) == 0 &&
                 rename(temporary, cache->entry) == 0;
    }
    if (!stored && temporary)
        remove_tree(temporary);
    free(marker);
    free(temporary);
}

/* The copy of a cache entry has the entry's completion marker, which is no part of the data. */
static int remove_cache_marker(const char *data)
{
    char *marker = strbuf_format("%s/" CACHE_MARKER, data);
    int rc = marker && unlink(marker) == 0 ? 0 : -1;
    free(marker);
    return rc;
}

/* ---- the cluster ---- */

static void cluster_free_fields(pg_cluster *cluster)
{
    free(cluster->directory);
    free(cluster->home);
    free(cluster->data);
}

void pg_cluster_free(pg_cluster *cluster)
{
    if (!cluster)
        return;
    cluster_free_fields(cluster);
    free(cluster);
}

const char *pg_cluster_directory(const pg_cluster *cluster)
{
    return cluster->directory;
}

const char *pg_cluster_socket_dir(const pg_cluster *cluster)
{
    return cluster->home;
}

const char *pg_cluster_user(const pg_cluster *cluster)
{
    (void)cluster;
    return CLUSTER_SUPERUSER;
}

int pg_cluster_port(const pg_cluster *cluster)
{
    return cluster->port;
}

pid_t pg_cluster_pid(const pg_cluster *cluster)
{
    return cluster->pid;
}

/* Appends a libpq keyword=value pair, quoting the value as libpq requires. */
static void append_conninfo_value(strbuf *sb, const char *keyword, const char *value)
{
    strbuf_appendf(sb, "%s%s='", sb->length ? " " : "", keyword);
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
    strbuf_append_char(sb, '\'');
}

char *pg_cluster_conninfo(const pg_cluster *cluster, const char *database)
{
    strbuf sb = STRBUF_INIT;
    append_conninfo_value(&sb, "host", cluster->home);
    strbuf_appendf(&sb, " port=%d", cluster->port);
    append_conninfo_value(&sb, "user", CLUSTER_SUPERUSER);
    append_conninfo_value(&sb, "dbname", database);
    return strbuf_detach(&sb);
}

/*
 * Picks where a root-started cluster lives. The runtime directory is 0700
 * root, and the server user must reach its own data directory and socket.
 * Opening the runtime directory to everybody (0711) would work, but it would
 * also let every local user probe the names in it, and runstate rightly
 * refuses a runtime directory with any group or other bits. So the cluster
 * instead gets a fresh mkdtemp directory (0700, then given to the server
 * user) under a sticky, world-traversable directory: /dev/shm when it has
 * room (memory: a copy there is 10x faster than on a virtual disk), else
 * $TMPDIR, else /tmp. The caller's name becomes a symlink to it, so the
 * runtime directory still says where every cluster is.
 */
static char *make_relocated_home(const server_account *account, const char *name, diag_list *diags)
{
    const char *tmpdir = getenv("TMPDIR");
    const char *bases[] = {"/dev/shm", tmpdir && tmpdir[0] == '/' ? tmpdir : NULL, "/tmp"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        struct statvfs fs;
        if (!bases[i] || !account_can_traverse(account, bases[i]))
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
             "cannot make a directory for the PostgreSQL server that user %s can reach "
             "(tried /dev/shm, $TMPDIR and /tmp)",
             account->name);
    return NULL;
}

/*
 * Creates the cluster's home inside the (absolute) runtime directory, or
 * relocated with a symlink there; then its marker. On failure nothing that
 * make_home did not create is touched: cluster->directory and ->home are set
 * only once they exist and are ours to remove.
 */
static int make_home(pg_cluster *cluster, const char *runtime, const char *name,
                     const server_account *account, diag_list *diags)
{
    char *directory = strbuf_format("%s/%s", runtime, name);
    char *home = NULL;
    if (directory && !account->switch_user) {
        if (mkdir(directory, 0700) == 0 && !(home = strdup(directory)))
            rmdir(directory);
    } else if (directory) {
        home = make_relocated_home(account, name, diags);
        if (!home) {
            free(directory);
            return -1;
        }
        if (chown(home, account->uid, account->gid) < 0 || symlink(home, directory) < 0) {
            int saved = errno;
            rmdir(home);
            free(home);
            home = NULL;
            errno = saved;
        }
    }
    if (!home) {
        diag_add(diags, NULL, 0, 0, "cannot create the cluster directory %s/%s: %s", runtime, name,
                 directory ? strerror(errno) : "out of memory");
        free(directory);
        return -1;
    }
    cluster->directory = directory;
    cluster->home = home;
    cluster->data = strbuf_format("%s/data", home);
    char *marker = strbuf_format("%s/" CLUSTER_MARKER, home);
    int rc = marker && cluster->data ? write_file_atomically(marker, "0\n") : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "cannot write the marker of cluster %s: %s", directory,
                 strerror(errno));
    free(marker);
    return rc;
}

/* Removes what make_home made: the home and, when relocated, the caller's symlink. */
static void remove_home(const pg_cluster *cluster)
{
    if (!cluster->home)
        return;
    remove_tree(cluster->home);
    if (strcmp(cluster->directory, cluster->home) != 0)
        unlink(cluster->directory);
}

static int run_initdb(const pg_cluster *cluster, const char *bindir, const server_account *account,
                      int log_fd, const char *log_path, diag_list *diags)
{
    char *program = strbuf_format("%s/initdb", bindir);
    char *argv[] = {
        program, "-D", cluster->data, "-A",         "trust",           "-U", CLUSTER_SUPERUSER,
        "-N",    "-E", "UTF8",        "--locale=C", "--wal-segsize=1", NULL};
    if (!program) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    spawn_spec spec = {argv, cluster->home, log_fd, false, account};
    pid_t pid = spawn(&spec, diags);
    int status = pid < 0 ? -1 : wait_child(pid);
    int rc = 0;
    if (pid >= 0 && status != 0) {
        char *how = status < 0 ? strdup("could not be waited for") : describe_status(status);
        char *tail = log_tail(log_path);
        diag *d = diag_add(diags, NULL, 0, 0, "%s failed (%s):%s", program, how ? how : "?",
                           tail ? tail : "");
        diag_set_hint(d, "the lines above are the end of its output");
        free(how);
        free(tail);
        rc = -1;
    }
    free(program);
    return pid < 0 ? -1 : rc;
}

static bool take_lock(int fd, int operation, const volatile sig_atomic_t *interrupt)
{
    while (flock(fd, operation) < 0) {
        if (errno != EINTR || interrupted(interrupt))
            return false;
    }
    return true;
}

/*
 * Fills cluster->data: a copy of the cached pristine directory, made first
 * when missing or broken (by initdb straight into cluster->data, then copied
 * into the cache). Readers share the lock; whoever builds holds it alone.
 */
static int make_data_directory(const pg_cluster *cluster, const char *bindir,
                               const server_account *account, int log_fd, const char *log_path,
                               const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    data_cache cache;
    cache_init(&cache, bindir);
    int lock_fd = cache.directory ? open(cache.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    int rc = -1;
    bool shared = lock_fd >= 0 && take_lock(lock_fd, LOCK_SH, interrupt);
    bool exclusive = false;
    bool copy = shared && cache_entry_valid(&cache);
    if (!copy && lock_fd >= 0 && (!shared || flock(lock_fd, LOCK_UN) == 0)) {
        exclusive = take_lock(lock_fd, LOCK_EX, interrupt);
        copy = exclusive && cache_entry_valid(&cache); /* someone built it meanwhile */
    }
    if (copy) {
        rc = copy_tree(cache.entry, cluster->data, account);
        if (rc < 0)
            diag_add(diags, NULL, 0, 0, "cannot copy the cached data directory %s to %s: %s",
                     cache.entry, cluster->data, strerror(errno));
        else
            rc = remove_cache_marker(cluster->data);
    } else if (interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
    } else {
        if (exclusive) { /* nobody else is reading or building this entry: ours to replace */
            remove_tree(cache.entry);
            cache_remove_partial_builds(&cache);
        }
        rc = run_initdb(cluster, bindir, account, log_fd, log_path, diags);
        if (rc == 0 && exclusive)
            cache_store(&cache, cluster->data);
    }
    if (lock_fd >= 0)
        close(lock_fd); /* releases the lock */
    cache_free(&cache);
    return rc;
}

/* Whether the postmaster is gone; reaps it when it is our child. */
static bool server_gone(pg_cluster *cluster)
{
    if (cluster->child) {
        int status;
        pid_t done = waitpid(cluster->pid, &status, WNOHANG);
        if (done == cluster->pid)
            return true;
        if (done == 0 || errno == EINTR)
            return false;
        cluster->child = false; /* somebody else reaped it: fall back to asking the kernel */
    }
    if (kill(cluster->pid, 0) < 0 && errno == ESRCH)
        return true;
    /* Not our child: a zombie waiting for its parent is as good as gone. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)cluster->pid);
    char *stat_text = read_small_file(path, 4096);
    const char *state = stat_text ? strrchr(stat_text, ')') : NULL;
    bool zombie = state && (state[1] == ' ') && (state[2] == 'Z' || state[2] == 'X');
    free(stat_text);
    return zombie;
}

static bool wait_until_gone(pg_cluster *cluster, double seconds)
{
    double deadline = now_seconds() + seconds;
    double delay = 0.0005;
    while (!server_gone(cluster)) {
        if (now_seconds() > deadline)
            return false;
        sleep_seconds(delay);
        delay = delay * 1.5 > 0.02 ? 0.02 : delay * 1.5;
    }
    return true;
}

/*
 * Whether cluster->pid is still this cluster's postmaster, so that signals
 * never reach a process that merely reuses the number: its postmaster.pid
 * must name it, and (where /proc tells) it must be working in the data
 * directory, as a postmaster does.
 */
static bool server_is_ours(const pg_cluster *cluster)
{
    if (cluster->child)
        return true; /* an unreaped child's pid cannot be reused */
    char *pid_file = strbuf_format("%s/postmaster.pid", cluster->data);
    pid_t recorded = pid_file ? read_pid_line(pid_file) : -1;
    free(pid_file);
    if (recorded != cluster->pid)
        return false;
    char link[64], cwd[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%ld/cwd", (long)cluster->pid);
    ssize_t n = readlink(link, cwd, sizeof cwd - 1);
    if (n < 0) /* gone, or another user's process; without /proc, postmaster.pid must do */
        return access("/proc/self/cwd", F_OK) != 0;
    cwd[n] = '\0';
    char *data = realpath(cluster->data, NULL);
    bool same = data && strcmp(cwd, data) == 0;
    free(data);
    return same;
}

/*
 * A postmaster that was killed (rather than shut down) leaves its small
 * System V segment behind, and postmaster.pid, which names it. A new server
 * on the same data directory would remove it; as the directory is about to
 * go, we do: only a segment that this postmaster created. (Its orphaned
 * children may still be attached for a moment; IPC_RMID frees the segment
 * when the last of them detaches.)
 */
static void remove_leftover_shared_memory(const pg_cluster *cluster)
{
    char *pid_file = strbuf_format("%s/postmaster.pid", cluster->data);
    char *text = pid_file ? read_small_file(pid_file, 4096) : NULL;
    free(pid_file);
    const char *line = text;
    for (int number = 1; line && number < 7; number++) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    unsigned long key, id;
    struct shmid_ds segment;
    if (text && atol(text) == (long)cluster->pid && line &&
        sscanf(line, "%lu %lu", &key, &id) == 2 && id <= INT_MAX &&
        shmctl((int)id, IPC_STAT, &segment) == 0 && segment.shm_cpid == cluster->pid)
        shmctl((int)id, IPC_RMID, NULL);
    free(text);
}

int pg_cluster_stop(pg_cluster *cluster, diag_list *diags)
{
    if (cluster->pid > 0 && !server_gone(cluster) && server_is_ours(cluster)) {
        /* Immediate shutdown: nothing in a throwaway server is worth a checkpoint. */
        kill(cluster->pid, SIGQUIT);
        if (!wait_until_gone(cluster, STOP_TIMEOUT_SECONDS)) {
            kill(cluster->pid, SIGKILL);
            if (!wait_until_gone(cluster, KILL_TIMEOUT_SECONDS)) {
                diag_add(diags, NULL, 0, 0,
                         "the PostgreSQL server of %s (pid %ld) does not exit, even after SIGKILL",
                         cluster->directory, (long)cluster->pid);
                return -1;
            }
        }
    }
    cluster->child = false;
    if (cluster->pid > 0)
        remove_leftover_shared_memory(cluster);
    if (remove_tree(cluster->home) < 0 && errno != ENOENT) {
        diag_add(diags, NULL, 0, 0, "cannot remove the cluster directory %s: %s", cluster->home,
                 strerror(errno));
        return -1;
    }
    if (strcmp(cluster->directory, cluster->home) != 0 && unlink(cluster->directory) < 0 &&
        errno != ENOENT) {
        diag_add(diags, NULL, 0, 0, "cannot remove %s: %s", cluster->directory, strerror(errno));
        return -1;
    }
    return 0;
}

/* unix_socket_directories=<home>, double-quoted as that list wants ("" for a quote). */
static char *socket_directories_setting(const char *home)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "unix_socket_directories=\"");
    for (const char *p = home; *p; p++) {
        if (*p == '"')
            strbuf_append_char(&sb, '"');
        strbuf_append_char(&sb, *p);
    }
    strbuf_append_char(&sb, '"');
    return strbuf_detach(&sb);
}

/* Server settings for a throwaway test server (command-line -c options). */
static char **server_argv(const pg_cluster *cluster, const char *bindir)
{
    enum { SETTINGS = 15 };
    char *settings[SETTINGS] = {
        socket_directories_setting(cluster->home),
        strdup("listen_addresses="),
        strbuf_format("port=%d", cluster->port),
        strdup("unix_socket_permissions=0700"),
        strdup("fsync=off"),
        strdup("full_page_writes=off"),
        strdup("synchronous_commit=off"),
        strdup("wal_level=minimal"), /* no WAL for tables made and filled in one transaction */
        strdup("max_wal_senders=0"), /* required by wal_level=minimal */
        strdup("max_connections=100"),
        strdup("shared_buffers=32MB"),
        strdup("huge_pages=off"),
        /* Segments as files in data/pg_dynshmem, not /dev/shm: removed with the directory even
           after a crash, and no strain on a container's 64 MB /dev/shm. */
        strdup("dynamic_shared_memory_type=mmap"),
        strdup("logging_collector=off"),
        strdup("log_destination=stderr"),
    };
    char **argv = calloc(3 + 2 * SETTINGS + 1, sizeof *argv); /* NULL-terminated */
    bool ok = argv != NULL;
    if (argv) {
        argv[0] = strbuf_format("%s/postgres", bindir);
        argv[1] = strdup("-D");
        argv[2] = strdup(cluster->data);
        for (int i = 0; i < SETTINGS; i++) {
            argv[3 + 2 * i] = strdup("-c");
            argv[4 + 2 * i] = settings[i];
            settings[i] = NULL;
        }
        for (int i = 0; i < 3 + 2 * SETTINGS; i++)
            ok = ok && argv[i] != NULL;
    }
    for (int i = 0; i < SETTINGS; i++)
        free(settings[i]);
    if (!ok && argv) {
        for (int i = 0; i < 3 + 2 * SETTINGS; i++)
            free(argv[i]);
        free(argv);
        argv = NULL;
    }
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/*
 * Polls until the server answers a query (pg_wait, one attempt at a time, so
 * that between attempts we notice at once when the postmaster has exited).
 */
static int wait_until_ready(pg_cluster *cluster, const char *log_path,
                            const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *conninfo = pg_cluster_conninfo(cluster, "postgres");
    if (!conninfo) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    pg_wait_options once = {.timeout = 0, .confirmations = 1, .interrupt = interrupt};
    double deadline = now_seconds() + START_TIMEOUT_SECONDS;
    double delay = 0.001;
    char *last_reason = NULL;
    int rc = -1;
    for (;;) {
        int status;
        if (waitpid(cluster->pid, &status, WNOHANG) == cluster->pid) {
            cluster->child = false;
            cluster->pid = 0;
            char *how = describe_status(status);
            char *tail = log_tail(log_path);
            diag *d =
                diag_add(diags, NULL, 0, 0, "the PostgreSQL server exited while starting (%s):%s",
                         how ? how : "?", tail ? tail : "");
            diag_set_hint(d, "the lines above are the end of its log");
            free(how);
            free(tail);
            break;
        }
        diag_list attempt = DIAG_LIST_INIT;
        pg_wait_result result = pg_wait(conninfo, &once, &attempt);
        if (result == PG_WAIT_READY) {
            diag_list_clear(&attempt);
            rc = 0;
            break;
        }
        if (result == PG_WAIT_FATAL) {
            diag_list_move(diags, &attempt);
            break;
        }
        const diag *reason = diag_list_last(&attempt);
        if (reason) {
            free(last_reason);
            last_reason = strdup(reason->message);
        }
        diag_list_clear(&attempt);
        if (interrupted(interrupt) || result == PG_WAIT_INTERRUPTED) {
            diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
            break;
        }
        if (now_seconds() > deadline) {
            char *tail = log_tail(log_path);
            diag *d = diag_add(diags, NULL, 0, 0,
                               "the PostgreSQL server did not accept connections within %.0f s "
                               "(%s):%s",
                               START_TIMEOUT_SECONDS, last_reason ? last_reason : "no answer",
                               tail ? tail : "");
            diag_set_hint(d, "the lines above are the end of its log");
            free(tail);
            break;
        }
        sleep_seconds(delay);
        delay = delay * 1.5 > 0.01 ? 0.01 : delay * 1.5;
    }
    free(last_reason);
    free(conninfo);
    return rc;
}

static int start_server(pg_cluster *cluster, const char *bindir, const server_account *account,
                        int log_fd, diag_list *diags)
{
    char **argv = server_argv(cluster, bindir);
    if (!argv) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    spawn_spec spec = {argv, cluster->home, log_fd, true, account};
    pid_t pid = spawn(&spec, diags);
    free_argv(argv);
    if (pid < 0)
        return -1;
    cluster->pid = pid;
    cluster->child = true;
    char *marker = strbuf_format("%s/" CLUSTER_MARKER, cluster->home);
    char *text = strbuf_format("%ld\n", (long)pid);
    int rc = marker && text ? write_file_atomically(marker, text) : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "cannot write the marker of cluster %s: %s", cluster->directory,
                 strerror(errno));
    free(marker);
    free(text);
    return rc;
}

static bool valid_name(const char *name)
{
    return name && *name && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0 && strlen(name) <= 64;
}

/* Opens the cluster's log file (owned by the server account, which appends to it). */
static int open_log(const pg_cluster *cluster, const server_account *account, char **path,
                    diag_list *diags)
{
    *path = strbuf_format("%s/" CLUSTER_LOG, cluster->home);
    int fd = *path ? open(*path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    if (fd >= 0 && account->switch_user && fchown(fd, account->uid, account->gid) < 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        diag_add(diags, NULL, 0, 0, "cannot create the server log %s: %s",
                 *path ? *path : cluster->home, strerror(errno));
    return fd;
}

pg_cluster *pg_cluster_start(const pg_cluster_options *options, diag_list *diags)
{
    if (!valid_name(options->name)) {
        diag_add(diags, NULL, 0, 0, "invalid cluster name \"%s\"",
                 options->name ? options->name : "(none)");
        return NULL;
    }
    if (interrupted(options->interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
        return NULL;
    }
    server_account account;
    if (account_resolve(&account, diags) < 0)
        return NULL;
    char *bindir = bindir_resolve(options->bindir, diags);
    if (!bindir)
        return NULL;
    pg_cluster *cluster = calloc(1, sizeof *cluster);
    if (!cluster) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        free(bindir);
        return NULL;
    }
    cluster->port = CLUSTER_PORT;
    char *log_path = NULL;
    int log_fd = -1;
    /* Absolute, because the server and initdb start in the cluster directory. */
    char *runtime = options->directory ? realpath(options->directory, NULL) : NULL;
    int rc = runtime ? make_home(cluster, runtime, options->name, &account, diags) : -1;
    if (!runtime)
        diag_add(diags, NULL, 0, 0, "cannot use the runtime directory %s: %s",
                 options->directory ? options->directory : "(none)",
                 options->directory ? strerror(errno) : "none given");
    free(runtime);
    if (rc == 0 && strlen(cluster->home) + strlen("/.s.PGSQL.5432") > SOCKET_PATH_MAX) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "the server's socket path %s/.s.PGSQL.%d is longer than the %d bytes "
                           "a unix socket allows",
                           cluster->home, cluster->port, SOCKET_PATH_MAX);
        diag_set_hint(d, "set FOSTER_RUNTIME_DIR to a shorter directory");
        rc = -1;
    }
    if (rc == 0 && (log_fd = open_log(cluster, &account, &log_path, diags)) < 0)
        rc = -1;
    if (rc == 0)
        rc = make_data_directory(cluster, bindir, &account, log_fd, log_path, options->interrupt,
                                 diags);
    if (rc == 0 && interrupted(options->interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
        rc = -1;
    }
    if (rc == 0)
        rc = start_server(cluster, bindir, &account, log_fd, diags);
    if (rc == 0)
        rc = wait_until_ready(cluster, log_path, options->interrupt, diags);
    if (log_fd >= 0)
        close(log_fd);
    free(log_path);
    free(bindir);
    if (rc == 0)
        return cluster;
    if (cluster->pid > 0) {
        diag_list ignored = DIAG_LIST_INIT;
        pg_cluster_stop(cluster, &ignored); /* also removes the directory */
        diag_list_clear(&ignored);
    }
    remove_home(cluster);
    pg_cluster_free(cluster);
    return NULL;
}

/*
 * The home a cluster's directory names: the directory itself, or the target
 * of the symlink that start made for a relocated home. The target must be a
 * directory itself, not another symlink: the server user owns the home's
 * name under /dev/shm and could otherwise point it at something of root's.
 */
static char *find_home(const char *directory)
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
    if (lstat(target, &st) < 0)
        return NULL;
    if (target[0] != '/' || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return strdup(target);
}

pg_cluster *pg_cluster_attach(const char *directory, pid_t pid, diag_list *diags)
{
    pg_cluster *cluster = calloc(1, sizeof *cluster);
    if (!cluster) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    cluster->port = CLUSTER_PORT;
    cluster->pid = pid;
    cluster->directory = strdup(directory);
    cluster->home = find_home(directory);
    if (!cluster->home) {
        diag_add(diags, NULL, 0, 0, "no cluster at %s: %s", directory, strerror(errno));
        pg_cluster_free(cluster);
        return NULL;
    }
    cluster->data = strbuf_format("%s/data", cluster->home);
    char *marker = strbuf_format("%s/" CLUSTER_MARKER, cluster->home);
    char *pid_file = cluster->data ? strbuf_format("%s/postmaster.pid", cluster->data) : NULL;
    pid_t marked = marker ? read_pid_line(marker) : -1;
    bool marker_exists = marker && access(marker, F_OK) == 0;
    pid_t running = pid_file ? read_pid_line(pid_file) : -1;
    free(marker);
    if (!cluster->directory || !cluster->data) {
        diag_add(diags, NULL, 0, 0, "out of memory");
    } else if (!marker_exists || marked < 0) {
        diag_add(diags, NULL, 0, 0, "%s is not a foster cluster (it has no %s marker)", directory,
                 CLUSTER_MARKER);
    } else if (marked != pid) {
        diag_add(diags, NULL, 0, 0, "the cluster in %s belongs to server process %ld, not %ld",
                 directory, (long)marked, (long)pid);
    } else if (running < 0) {
        diag_add(diags, NULL, 0, 0, "cannot read the server's pid from %s",
                 pid_file ? pid_file : "postmaster.pid");
    } else if (running != 0 && running != pid) {
        diag_add(diags, NULL, 0, 0,
                 "the server running in %s is process %ld (its postmaster.pid), not %ld", directory,
                 (long)running, (long)pid);
    } else {
        free(pid_file);
        return cluster;
    }
    free(pid_file);
    pg_cluster_free(cluster);
    return NULL;
}
