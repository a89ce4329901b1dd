/*
 * session.h — the inside of a foster_session, shared by the files that
 * implement foster.h (session.c, janitor.c). Not installed.
 */
#ifndef FOSTER_SESSION_H
#define FOSTER_SESSION_H

#include "backend.h"
#include "diag.h"
#include "foster.h"
#include "manifest.h"
#include "pgsource.h"
#include "runstate.h"
#include "schema.h"

typedef enum session_state {
    SESSION_OPENED,      /* manifest and schemas read */
    SESSION_PROVISIONED, /* a database exists and belongs to this session */
    SESSION_GONE,        /* torn down */
} session_state;

struct foster_session {
    foster_options options;
    char *manifest_path;
    char *backend_name;
    char *postgres_url;
    manifest manifest;
    bool manifest_loaded;
    schema_set schemas;
    bool schemas_loaded;
    schema_dialect dialect;

    session_state state;
    backend *backend;
    pg_source *source; /* PostgreSQL: where the server comes from (owned by backend) */
    bool kept;
    char run_id[9];
    char *runtime_dir;
    char *database_name;
    run_record record;
    backend **copies; /* foster_options.jobs workers' databases */
    size_t copy_count;
    env_var *env;
    size_t env_count;

    diag_list problems;        /* of the last failing call, or of foster_check */
    char **problem_lines;      /* foster_problem's formatted lines, made on demand */
    double load_progress_told; /* seconds into the file at the last load_progress call */
    char *errmsg;
};

/* Shared by the files behind foster.h (session.c, existing.c, isolation.c). */
void session_progress(foster_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void session_clear_error(foster_session *s);
/* Turns the collected problems into `result`; the first one becomes foster_errmsg. */
foster_result session_fail(foster_session *s, foster_result result);
bool session_usable(foster_session *s);
/* The server the postgres backend uses: -u, the manifest's url, or libpq's PG*. */
const char *session_server_conninfo(const foster_session *s);
bool session_is_cluster(const char *backend_name);
/* One diag for each server URL (-u, [postgres] url) libpq cannot parse; 0 or -1. */
int session_check_urls(foster_session *s);
foster_result session_build_environment(foster_session *s);
char *session_absolute_path(const char *path);
/*
 * Adds the problem "no foster.ini found" naming every folder
 * foster_find_manifest looked in (the working directory up to /), with a hint
 * naming -c and FOSTER_CONFIG (manifest_search.c).
 */
void session_manifest_not_found(diag_list *diags);
/* fixtures_loader.tick: tells foster_options.load_progress, about ten times a second. */
void session_report_tick(void *context, const char *table, const char *file, long long rows,
                         long long bytes_read, long long bytes_total, double seconds);
/* fixtures_report_fn: one progress line per fixture file, and load_progress's last call. */
void session_report_table(void *context, const char *table, const char *file, long long rows,
                          double seconds);
foster_result session_make_copies(foster_session *s);
void session_drop_copies(foster_session *s, diag_list *problems);
/* The copies the record lists that this session did not make (down, reaping). 0 or -1. */
int session_drop_recorded_copies(foster_session *s);
/*
 * After a failed teardown: one problem naming what is left and how `foster gc`
 * removes it (the record stays); returns FOSTER_ERROR_DATABASE.
 */
foster_result session_name_leftover(foster_session *s);
/* <runtime>/<run id>.pgpass: a kept run's password file (keep.c); caller frees. */
char *session_passfile_path(const foster_session *s);
/* A PostgreSQL backend's owner (runtime directory) and its patience with a busy server (-v). */
void session_set_postgres_owner(foster_session *s, backend *b);

/*
 * Removes what every run whose foster process died left behind (records not
 * kept by `up` or --keep), printing one progress line per run.
 */
void janitor_reap_dead_runs(foster_session *session);

#endif
