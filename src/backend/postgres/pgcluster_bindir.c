/*
 * pgcluster_bindir.c — finding the directory that holds the PostgreSQL
 * server programs (postgres and initdb): the configured one, else what
 * `pg_config --bindir` names, else the newest /usr/lib/postgresql/N/bin
 * (Debian's layout). Debian's pg_config is a script that runs ls and tail
 * (4 ms, on every cluster run): its answer is memorised in foster's cache
 * directory with what it depends on (which pg_config PATH finds, that file's
 * identity, and the /usr/lib/postgresql/N/bin folders the script lists) and
 * asked again when any of it changed.
 */
#include "pgcluster_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clocale.h"
#include "dircache.h"
#include "fstree.h"
#include "smallfile.h"
#include "spawner.h"
#include "strbuf.h"

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

/* `pg_config --bindir` when pg_config is on PATH and answers; else NULL. */
static char *bindir_from_pg_config(void)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        return NULL;
    char *argv[] = {"/bin/sh", "-c", "exec pg_config --bindir 2>/dev/null", NULL};
    pg_cluster_spawn_spec spec = {argv, NULL, pipe_fds[1], false, NULL};
    diag_list ignored = DIAG_LIST_INIT;
    pid_t pid = pg_cluster_spawn(&spec, &ignored);
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
    if (pid < 0 || pg_cluster_wait_child(pid) != 0)
        return NULL;
    buffer[length] = '\0';
    buffer[strcspn(buffer, "\r\n")] = '\0';
    return buffer[0] == '/' ? strdup(buffer) : NULL;
}

static void append_identity(strbuf *text, const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        strbuf_appendf(text, "%s %s %ju:%ju %jd %jd.%09ld\n", what, path, (uintmax_t)st.st_dev,
                       (uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_ctim.tv_sec,
                       st.st_ctim.tv_nsec);
    else
        strbuf_appendf(text, "%s %s absent\n", what, path);
}

/*
 * What `pg_config --bindir` depends on, as text: NULL when there is no
 * pg_config on PATH (nothing to ask) or memory ran out.
 */
static char *pg_config_inputs(void)
{
    char *pg_config = spawn_find_program("pg_config");
    if (!pg_config)
        return NULL;
    strbuf text = STRBUF_INIT;
    strbuf_append_str(&text, "foster pg_config bindir 1\n");
    append_identity(&text, "pg_config", pg_config);
    append_identity(&text, "folder", "/usr/lib/postgresql");
    DIR *dir = opendir("/usr/lib/postgresql");
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char *bin = strbuf_format("/usr/lib/postgresql/%s/bin", entry->d_name);
        if (bin)
            append_identity(&text, "folder", bin);
        free(bin);
    }
    if (dir)
        closedir(dir);
    free(pg_config);
    return strbuf_detach(&text);
}

/* The memorised answer for `inputs` when it still names a server; else NULL. */
static char *remembered_bindir(const char *memo, const char *inputs)
{
    char *text = memo ? smallfile_read(memo, 64 * 1024) : NULL;
    size_t length = strlen(inputs);
    char *bindir = NULL;
    if (text && strncmp(text, inputs, length) == 0 && strncmp(text + length, "bindir ", 7) == 0) {
        char *answer = text + length + 7;
        answer[strcspn(answer, "\n")] = '\0';
        if (answer[0] == '/' && bindir_has_server(answer))
            bindir = strdup(answer);
    }
    free(text);
    return bindir;
}

/*
 * `pg_config --bindir` when it holds a server (else NULL), from the memo when
 * nothing it depends on changed.
 */
static char *bindir_from_pg_config_memorised(void)
{
    char *inputs = pg_config_inputs();
    if (!inputs)
        return NULL;
    char *base = dircache_base_directory();
    char *memo = base ? strbuf_format("%s/pg_config-bindir", base) : NULL;
    char *bindir = remembered_bindir(memo, inputs);
    bool asked = !bindir;
    if (asked && (bindir = bindir_from_pg_config()) != NULL && !bindir_has_server(bindir)) {
        free(bindir);
        bindir = NULL;
    }
    if (asked && bindir && memo && fstree_make_directories(base) == 0) {
        char *text = strbuf_format("%sbindir %s\n", inputs, bindir);
        if (text)
            smallfile_write_atomically(memo, text); /* a failure costs the next run a pg_config */
        free(text);
    }
    free(inputs);
    free(memo);
    free(base);
    return bindir;
}

/* The version number of a directory name like "15" or "9.6", for ordering; -1 when not one. */
static double version_of(const char *name)
{
    char *end;
    double version = c_strtod(name, &end);
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

char *pg_cluster_bindir_resolve(const char *configured, diag_list *diags)
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
    char *bindir = bindir_from_pg_config_memorised();
    if (bindir)
        return bindir;
    bindir = bindir_newest_packaged();
    if (bindir)
        return bindir;
    diag *d = diag_add(diags, NULL, 0, 0,
                       "no PostgreSQL server found: `pg_config --bindir` names none and there "
                       "is no /usr/lib/postgresql/*/bin with postgres and initdb");
    diag_set_hint(d, "install the PostgreSQL server package, or set [cluster] bindir");
    return NULL;
}
