/*
 * bench_isolation.h — what the parts of bench_isolation share: the
 * configuration its options make, the timings each measure keeps, and the
 * functions of each part.
 *
 * bench_isolation.c (main: the order of the measures; the usage is at its
 * top), bench_isolation_options.c (the command line), bench_isolation_session.c
 * (the clock, and SQL and sessions through libfoster), bench_isolation_measure.c
 * (the measures) and bench_isolation_report.c (medians, targets, the table).
 */
#ifndef FOSTER_BENCH_ISOLATION_H
#define FOSTER_BENCH_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>

#include "foster.h"

#define MAX_TABLES 64

typedef struct config {
    const char *manifest;
    const char *shown; /* the backend as the tables name it */
    const char *backend;
    const char *postgres_url;
    bool memory;
    const char *label;
    const char *write_sql;
    const char *check_sql;
    char *tables[MAX_TABLES];
    size_t table_count;
    const char *fixtures;
    bool want_savepoint, want_reset, want_reload, want_reprovision, want_jobs;
    int iterations, slow_iterations, warmup, gap_ms, jobs;
    double db_reprovision_ms; /* --db-reprovision-ms; NAN when not given */
} config;

/* The timings of one measure, in milliseconds. */
typedef struct samples {
    double *ms;
    int count;
} samples;

typedef struct reload_samples {
    samples total, delete_part;
} reload_samples;

typedef struct reprovision_samples {
    samples total, close_part, open_part, provision_part;
} reprovision_samples;

/* Everything measured, for the table. */
typedef struct results {
    samples savepoint, reset_gap, reset_back_to_back, plain_clone;
    samples reset_gap_query, reset_back_to_back_query;
    reload_samples reload;
    reprovision_samples reprovision;
    samples jobs_one, jobs_many;
} results;

/* bench_isolation_options.c: fills *c from the command line; 0, or 2 on bad usage (after a
 * message). */
int parse_arguments(int argc, char **argv, config *c);

/* bench_isolation_session.c */
double now_ms(void);
void sleep_ms(int ms);
bool is_sqlite(foster_session *session);
/* Runs `sql` on foster's own connection. 0, or -1 after a message. */
int exec_sql(foster_session *session, const char *sql);
/* The integer the query answers, or -1 after a message. */
long long query_integer(foster_session *session, const char *sql);
/* The write was undone: --check answers 0. 0, or -1 after a message. */
int check_undone(const config *c, foster_session *session, const char *after);
/* foster_options for the configured manifest and backend, with `jobs`. */
void fill_options(const config *c, foster_options *options, int jobs);
/* "bench_isolation: WHAT failed: " and the session's message. */
void report_failure(foster_session *session, const char *what);
/* A provisioned session, or NULL after a message. */
foster_session *open_provisioned(const config *c, int jobs);
/* The value of one of the session's environment variables, or NULL. */
const char *session_env(foster_session *session, const char *wanted);

/* bench_isolation_measure.c: each 0, or -1 after a message. */
int measure_savepoint(const config *c, foster_session *session, samples *out);
int measure_reset(const config *c, foster_session *session, int gap_ms, samples *out,
                  samples *with_query);
int measure_plain_clone(const config *c, foster_session *session, samples *out);
int measure_reload(const config *c, foster_session *session, reload_samples *out);
int measure_reprovision(const config *c, foster_session **session, reprovision_samples *out);
int measure_jobs(const config *c, samples *one, samples *many);

/* bench_isolation_report.c */
/* Room for the timings of every measure; 0, or -1 after a message (results_free it anyway). */
int results_init(results *r, const config *c);
void results_free(results *r);
/* The table; returns how many targets were missed. */
int print_results(const config *c, const results *r);

#endif
