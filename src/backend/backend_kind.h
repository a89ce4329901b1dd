/*
 * backend_kind.h — a kind of backend as the manifest names it (`backend =`):
 * which DDL dialect it takes, how it makes a backend for a new run, how it
 * reaches the database of a recorded run, how it stops what a run left
 * before it had a database, and what garbage it collects. One backend_kind
 * per kind lives beside its engine; the table of them is the registry
 * (src/backend/registry/backend_kinds.h). The session, the janitor and the
 * CLI call these and never ask which kind they have.
 */
#ifndef FOSTER_BACKEND_KIND_H
#define FOSTER_BACKEND_KIND_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "backend.h"
#include "diag.h"
#include "manifest.h"
#include "schema.h"
#include "strbuf.h"

/* What a kind is given to make or reach a backend. */
typedef struct backend_setup {
    const manifest *manifest; /* the session's manifest (its server settings) */
    const char *server_url;   /* -u, the manifest's [postgres] url, or "" (libpq's PG*) */
    const char *runtime_dir;  /* NULL: an in-memory database, if the kind has one */
    const char *run_id;
    const volatile sig_atomic_t *interrupt;
    /* -v lines (a connection waited for a busy server); may be NULL. */
    void (*report)(void *context, const char *line);
    void *report_context;
} backend_setup;

/* A run as its record describes it (the fields a kind reads; all borrowed). */
typedef struct backend_run {
    const char *run_id;
    const char *database;
    const char *url; /* NULL: the run never created its database */
    const char *server;
    pid_t server_pid;
} backend_run;

/* What `gc` does with the garbage a kind finds; filled by the janitor. */
typedef struct backend_gc backend_gc;
struct backend_gc {
    const backend_setup *setup; /* runtime_dir set; manifest NULL when none was read */
    bool dry_run;
    bool own_kind; /* the kind of the session's manifest (its server is known) */
    int failures;  /* incremented by the kind for each item it could not remove */
    /* One line of what gc did or would do. */
    void (*say)(backend_gc *gc, const char *line);
    /* Whether a record of run `run_id` exists in the runtime directory; *kept: it was kept,
     * or its owner ran on another host, boot or PID namespace (its pids mean nothing here). */
    bool (*recorded)(backend_gc *gc, const char *run_id, bool *kept);
    /* Whether a record names the database file `name` belongs to (or its copies). */
    bool (*claimed)(backend_gc *gc, const char *name);
    /* Removes the record of run `run_id` (its container was removed). */
    void (*forget)(backend_gc *gc, const char *run_id);
    /* Whether process `pid` of this host lives. */
    bool (*alive)(pid_t pid);
    void *context;
};

/* `wait URL`: how long, and who hears about each failed attempt. */
typedef struct backend_wait_options {
    double timeout;    /* seconds; <= 0: one attempt */
    int confirmations; /* successes in a row that count as ready; < 1 means 1 */
    void (*progress)(void *context, double elapsed, const char *reason); /* may be NULL */
    void *progress_context;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
} backend_wait_options;

typedef enum backend_wait_result {
    BACKEND_WAIT_READY,
    BACKEND_WAIT_TIMEOUT,     /* diag: the last reason */
    BACKEND_WAIT_FAILED,      /* waiting cannot help (diag: why) */
    BACKEND_WAIT_INTERRUPTED, /* *interrupt became non-zero */
} backend_wait_result;

/* Returned by attach: how a recorded run's database was found. */
typedef enum backend_attach_result {
    BACKEND_ATTACHED, /* *out and *target set */
    BACKEND_GONE,     /* the whole server is gone: only the record is left (no diag) */
    BACKEND_FAILED,   /* with a diag, or none when memory ran out */
} backend_attach_result;

typedef struct backend_kind {
    const char *name;       /* as `backend =` and -b write it */
    schema_dialect dialect; /* the DDL the kind's databases take */
    bool in_memory;         /* can provision without a runtime directory (sqlite_in_memory) */
    /* Reached only with the server settings of its own manifest (not from the record). */
    bool needs_own_manifest;

    /*
     * Optional. Several kinds may answer to one name (`container`: the server
     * in the image decides). The registry gives the name to the kind whose
     * `serves` accepts the manifest (`m`; run_server NULL) or the server a run
     * recorded (`run_server`; m NULL), else to the first kind of that name
     * without `serves` (backend_kind_choose, backend_kind_of_run).
     */
    bool (*serves)(const manifest *m, const char *run_server);

    /*
     * A new backend for run setup->run_id, not yet connected. *server is set
     * (a new string) when the kind starts a server whose place must be
     * recorded before it starts, so that a killed run can be found.
     */
    backend *(*make)(const backend_setup *setup, char **server, diag_list *diags);

    /*
     * The backend of a recorded run, not yet opened, and *target: what to give
     * its open_existing (a new string). Records hold no passwords: a server
     * that was not foster's own is reached through `setup`.
     */
    backend_attach_result (*attach)(const backend_setup *setup, const backend_run *run,
                                    backend **out, char **target, diag_list *diags);

    /*
     * Optional. After open_existing found no database: true when the run's
     * database is gone, false with a diag when it may live on elsewhere.
     */
    bool (*database_gone)(const backend_setup *setup, const backend_run *run, diag_list *diags);

    /*
     * Optional. A run killed between creating its database and marking it:
     * finishes what it left (a half-made database), saying what it did
     * through `progress`, one line a call.
     */
    void (*finish_half_made)(const backend_setup *setup, const backend_run *run,
                             void (*progress)(void *context, const char *line), void *context);

    /* Optional. Stops the server of a run killed before it had a database. */
    void (*stop_recorded_server)(const backend_run *run);

    /*
     * Optional. Starts `b`'s server before its database is created, so that
     * its place can be recorded once it runs. 0, or -1 with a diag.
     */
    int (*start_server)(backend *b, diag_list *diags);

    /* Optional. Why `b`'s own server died, when it did (a new string), else NULL. */
    char *(*describe_death)(backend *b);

    /* Optional. Where `b`'s server lives, for the run record (NULL: nowhere of its own). */
    const char *(*server_location)(backend *b, pid_t *server_pid);

    /* Optional. Stops `b`'s server when it is ephemeral (its databases go with it). */
    int (*stop_server)(backend *b, diag_list *diags);

    /* Optional. Removes what dead runs of this kind left and no record claims. */
    void (*collect_garbage)(backend_gc *gc);
    /*
     * Optional. `gc --templates`: removes every template the kind caches
     * (on its server, or in foster's cache directory), naming and leaving
     * what does not carry foster's marker and what a run is using.
     */
    void (*collect_templates)(backend_gc *gc);

    /*
     * Optional. Whether `url` is one of this kind's URLs (foster_load's and
     * foster_wait's choice). A kind with for_url but no takes_url takes what
     * no other kind claims (a file name).
     */
    bool (*takes_url)(const char *url);

    /*
     * Optional. Why `url`, one of this kind's (takes_url), cannot be read: a new
     * string naming no password; NULL when it can.
     */
    char *(*url_problem)(const char *url);

    /* Optional. `url` without its password, for messages (a new string; NULL: no memory). */
    char *(*redact)(const char *url);

    /* Optional. A new backend for a database given by URL only (foster_load). */
    backend *(*for_url)(void);

    /*
     * Optional. A kept run's environment is printed, its password never
     * (docs/safety.md): the password goes into a 0600 file that the engine's
     * clients read, "<runtime>/<run><secret_suffix>", which the session
     * writes and removes with the run. write_secret fills *content with the
     * file from the run's environment and returns the index of the variable
     * to replace by secret_variable=<the file>; -1 when there is no password.
     */
    const char *secret_suffix;
    const char *secret_variable;
    long (*write_secret)(const env_var *env, size_t count, strbuf *content);
    /*
     * Optional, with a secret_suffix of "<directory>/<file>": the variables
     * naming the secret file's directory, for clients that read a file
     * there after the system's own files, so that the run's server wins
     * over theirs (MySQL: MYSQL_HOME and MARIADB_HOME, whose my.cnf comes
     * after /etc/mysql's). With them every run with a runtime directory
     * has the file, in a 0700 directory, password or not; its environment
     * names both, and a kept run's password variable is dropped.
     */
    const char *secret_home[2];

    /*
     * Optional. The shell command that opens the engine's client on the
     * database at `url` with the run's environment `env` (its secret file
     * named, never the password), quoted for a POSIX shell; a new string,
     * NULL when memory ran out. Without it, `up` names DATABASE_URL only.
     */
    char *(*client_command)(const char *url, const env_var *env, size_t count);

    /* Optional. Waits until the server at `url` accepts connections. */
    backend_wait_result (*wait)(const char *url, const backend_wait_options *options,
                                diag_list *diags);

    /*
     * Optional. The DDL of `tables` (normalised names; the whole database when
     * `table_count` is 0) at `url`, as the engine's own dump tool writes it,
     * read without writing anything (a read-only transaction): a new string
     * in *sql. 0, or -1 with a diag (the tool missing: DIAG_NOT_FOUND).
     */
    int (*dump_schema)(const char *url, const char *const *tables, size_t table_count, char **sql,
                       diag_list *diags);
} backend_kind;

/* Formats one gc line and hands it to gc->say. */
void backend_gc_say(backend_gc *gc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* backend_gc_say for a callback taking (context, line): `gc` is the backend_gc. */
void backend_gc_say_line(void *gc, const char *line);

/* What a database's marker says, as gc judges a marked database no record claims. */
typedef struct backend_marked {
    const char *run_id;
    bool name_fits; /* named as foster names run_id's databases */
    bool kept;
    long uid; /* < 0: the marker does not say */
    const char *dir, *boot, *pidns, *host;
    long pid;
} backend_marked;

/*
 * Why gc must leave the marked database `m` describes, or NULL when it is
 * abandoned (docs/safety.md): named as foster names its run's databases, not
 * kept, made by this runtime directory on this host, boot and PID namespace,
 * by a process that is dead. Into `why` (a message of `size` bytes).
 */
const char *backend_gc_must_leave(const backend_gc *gc, const backend_marked *m, char *why,
                                  size_t size);

#endif
