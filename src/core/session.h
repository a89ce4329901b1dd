/*
 * session.h — the inside of a foster_session, shared by the files that
 * implement foster.h (session.c, janitor.c). Not installed.
 */
#ifndef FOSTER_SESSION_H
#define FOSTER_SESSION_H

#include "backend.h"
#include "backend_kind.h"
#include "diag.h"
#include "foster.h"
#include "manifest.h"
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
    const backend_kind *kind; /* backend_name's, from the registry */
    char *postgres_url;
    manifest manifest;
    bool manifest_loaded;
    schema_set schemas;
    bool schemas_loaded;
    schema_dialect dialect;

    session_state state;
    backend *backend;
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
/* Prints what the SQLite translation left out (the session's, or `notes`): notes always,
 * details with -v. */
void session_report_notes(foster_session *s);
void session_report_notes_of(foster_session *s, const translate_notes *notes);

void session_progress(foster_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void session_clear_error(foster_session *s);
/* Turns the collected problems into `result`; the first one becomes foster_errmsg. */
foster_result session_fail(foster_session *s, foster_result result);
bool session_usable(foster_session *s);
/* The server the postgres backend uses: -u, the manifest's url, or libpq's PG*. */
const char *session_server_conninfo(const foster_session *s);
/* What the session's kind is given to make or reach a backend (borrows from `s`). */
backend_setup session_setup(const foster_session *s);
/* Whether foster_options.interrupt says stop. */
bool session_interrupted(const foster_session *s);
/* Adds "interrupted while provisioning" and returns FOSTER_ERROR_INTERRUPTED. */
foster_result session_stop_interrupted(foster_session *s);
/* -v: which schema files the session chose (and, with `notes`, what they lost). */
void session_report_schema_choices(foster_session *s, const schema_set *set, bool notes);
/*
 * Creates the tables and loads the fixtures of the session's schemas into its
 * backend (session_build.c); *step: when the step began, then when loading
 * began. FOSTER_OK, or the failure with its diags.
 */
foster_result session_build_from_inputs(foster_session *s, double *step);
/*
 * Reads and resolves the manifest at s->manifest_path (not its schema files)
 * and checks its URLs: foster_open's first step, or a record-only session's
 * when the recorded kind needs its own manifest. 0, or -1 with diags.
 */
int session_read_manifest(foster_session *s);
/* One diag for each server URL (-u; with `manifest`, [postgres] and [mysql] url too) its kind
 * cannot read; 0 or -1. */
int session_check_urls(foster_session *s, bool manifest);
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
/* Writes the run record (nothing for an in-memory database). 0 or -1 with a diag. */
int session_write_record(foster_session *s);
void session_drop_copies(foster_session *s, diag_list *problems);
/* The copies the record lists that this session did not make (down, reaping). 0 or -1. */
int session_drop_recorded_copies(foster_session *s);
/*
 * After a failed teardown: one problem naming what is left and how `foster gc`
 * removes it (the record stays); returns FOSTER_ERROR_DATABASE.
 */
foster_result session_name_leftover(foster_session *s);
/*
 * <runtime>/<run id><the kind's secret_suffix>: a kept run's password file,
 * or every run's client file of a kind with secret_home (keep.c); a new
 * string, NULL when the kind keeps no secret (or no memory).
 */
char *session_secret_path(const foster_session *s);
char *session_secret_file(const backend_kind *kind, const char *runtime_dir, const char *run_id);
/* Removes a run's secret file, and its directory for a kind with secret_home. */
void session_remove_secret(const backend_kind *kind, const char *runtime_dir, const char *run_id);
/*
 * A kind with secret_home: adds the secret file's variable and its
 * directory's to the run's environment (-1: no memory; 0 without).
 */
int session_add_secret_environment(foster_session *s);
/* A kind with secret_home: writes a provisioned run's client file (keep.c). */
foster_result session_write_client_file(foster_session *s);

/*
 * Tears down the recorded run `r` (not this session's) through its kind, as
 * `down` would: drops its database (checking the marker) and removes its
 * record; FOSTER_OK also when only the record was left. The way to a server
 * that was not foster's own comes from `s`'s options and manifest. Lines
 * about a half-made database go to `progress` (may be NULL).
 */
foster_result existing_tear_down(const foster_session *s, const run_record *r,
                                 foster_progress_fn progress, void *context, diag_list *problems);

/*
 * Removes what every run whose foster process died left behind (records not
 * kept by `up` or --keep), printing one progress line per run.
 */
void janitor_reap_dead_runs(foster_session *session);

#endif
