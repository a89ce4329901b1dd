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

    diag_list problems;   /* of the last failing call, or of foster_check */
    char **problem_lines; /* foster_problem's formatted lines, made on demand */
    char *errmsg;
};

/*
 * Removes what every run whose foster process died left behind (records not
 * kept by `up` or --keep), printing one progress line per run.
 */
void janitor_reap_dead_runs(foster_session *session);

#endif
