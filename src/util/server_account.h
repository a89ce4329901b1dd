/*
 * server_account.h — running the programs of a server foster starts itself
 * (MariaDB's install-db and mariadbd; PostgreSQL's cluster has its own copy
 * for now): which account they run as (ourselves, or as root the server's
 * system user, since neither server runs as root), whether that account can
 * reach a directory, a private directory it can reach when we are root, and
 * spawning a program as it.
 */
#ifndef FOSTER_SERVER_ACCOUNT_H
#define FOSTER_SERVER_ACCOUNT_H

#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

#define SERVER_ACCOUNT_MAX_GROUPS 64

typedef struct server_account {
    bool switch_user;
    uid_t uid;
    gid_t gid;
    gid_t groups[SERVER_ACCOUNT_MAX_GROUPS];
    int group_count;
    char name[64];
} server_account;

/*
 * Ourselves; or, when we are root, the first of the NULL-terminated
 * `candidates` that exists and is not root. 0, or -1 with a diag naming
 * `server` ("MariaDB cannot run as root, and there is no `mysql` or
 * `nobody` user …").
 */
int server_account_resolve(server_account *account, const char *const *candidates,
                           const char *server, diag_list *diags);

/* Whether the account can reach `path` (search permission on every directory on the way). */
bool server_account_can_traverse(const server_account *account, const char *path);

/*
 * For a server started by root: the runtime directory is 0700 root, which the
 * server's user cannot enter, so its home is a fresh 0700 directory
 * "foster-<name>-XXXXXX" that the account can reach: under /dev/shm when it
 * has 512 MB free (memory), else $TMPDIR, else /tmp. A new string; NULL with
 * a diag. The caller gives it to the account and links it from the runtime
 * directory.
 */
char *server_make_relocated_home(const server_account *account, const char *name, diag_list *diags);

/*
 * A server's home for `name`: "<runtime>/<name>" itself when the account is
 * foster's own user, else a relocated home (above) given to the account and
 * linked from "<runtime>/<name>". On success 0, *directory = the path in the
 * runtime directory and *home = the real folder (new strings, the caller's to
 * free and to remove). On failure -1 with a diag, nothing left behind and
 * nothing set.
 */
/*
 * Writes "<pid>\n" (0 before the server runs) to home/marker_name, atomically:
 * the marker that says the folder is a server foster made and which process
 * serves it. 0; -1 with a diag naming `directory`.
 */
int server_write_marker(const char *home, const char *marker_name, long pid, const char *directory,
                        diag_list *diags);

/*
 * Opens home/log_name for appending (0600, never through a symlink), owned by
 * the server account, which appends to it. A descriptor, *path = the file's
 * path (a new string, also on failure when it could be made); -1 with a diag.
 */
int server_open_log(const char *home, const char *log_name, const server_account *account,
                    char **path, diag_list *diags);

int server_make_home(const server_account *account, const char *runtime, const char *name,
                     char **directory, char **home, diag_list *diags);

/*
 * The home a cluster's directory in the runtime directory names: the
 * directory itself, or the target of the symlink server_make_home made for a
 * relocated home. The target must be an absolute path to a directory, not
 * another symlink: the server account owns the home's name under /dev/shm
 * and could otherwise point it at something of root's. A new string; NULL
 * with errno set.
 */
char *server_find_home(const char *directory);

/*
 * Removes a cluster's `home` and, when it was relocated, the link
 * `directory` in the runtime directory that names it; either being gone
 * already is fine. 0, or -1 with a diag.
 */
int server_remove_home(const char *home, const char *directory, diag_list *diags);

typedef struct server_spawn_spec {
    char *const *argv;             /* argv[0] is a path */
    const char *cwd;               /* NULL: stay */
    int output_fd;                 /* becomes stdout and stderr */
    bool new_session;              /* setsid: the server outlives us and ignores our terminal */
    const server_account *account; /* NULL: run as ourselves */
} server_spawn_spec;

/* Forks and execs; returns the child's pid, or -1 with a diag. */
pid_t server_spawn(const server_spawn_spec *spec, diag_list *diags);

/* Waits for a child, through EINTR. Returns its wait status, or -1. */
int server_wait_child(pid_t pid);

/* "exit status N", "signal N" or "wait status N"; a new string (NULL: no memory). */
char *server_describe_status(int status);

/*
 * Whether server process `pid` is gone. When *child is set (we started it and
 * nobody reaped it), it is reaped here; if somebody else reaped it, *child is
 * cleared and the kernel is asked. A zombie waiting for another parent counts
 * as gone.
 */
bool server_process_gone(pid_t pid, bool *child);

/*
 * Whether `pid` is still the server that works in `data_dir`, so that signals
 * never reach a process that merely reuses the number: `pid_file` must name it
 * and (where /proc tells) its working directory must be `data_dir`, as both
 * postgres and mariadbd do. An unreaped child (`child`) always is.
 */
bool server_process_is_ours(pid_t pid, bool child, const char *pid_file, const char *data_dir);

/* Waits up to `seconds` until server_process_gone; whether it went. */
bool server_process_wait_gone(pid_t pid, bool *child, double seconds);

#endif
