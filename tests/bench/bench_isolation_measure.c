/*
 * bench_isolation_measure.c — the measures, each a library call timed with
 * CLOCK_MONOTONIC after warm-up rounds: savepoint, reset (with and without a
 * gap), the plain CREATE DATABASE ... TEMPLATE a reset must beat,
 * truncate-and-reload, full re-provision, and provisioning with jobs.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_isolation.h"

/* Keeps a timing unless it belongs to a warm-up round (i < 0). */
static void keep(samples *s, int i, double ms)
{
    if (i >= 0)
        s->ms[s->count++] = ms;
}

/* begin + write + end on foster's connection. */
int measure_savepoint(const config *c, foster_session *session, samples *out)
{
    for (int i = -c->warmup; i < c->iterations; i++) {
        double started = now_ms();
        if (foster_test_begin(session) != FOSTER_OK)
            return report_failure(session, "foster_test_begin"), -1;
        if (exec_sql(session, c->write_sql) < 0)
            return -1;
        if (foster_test_end(session) != FOSTER_OK)
            return report_failure(session, "foster_test_end"), -1;
        keep(out, i, now_ms() - started);
        if (check_undone(c, session, "foster_test_end") < 0)
            return -1;
    }
    return 0;
}

/*
 * With BENCH_ISOLATION_TRACE set (BENCH_PROFILE=1 in bench_isolation.sh), a
 * line in the trace file that bench_isolation_trace.so writes libpq's calls to.
 */
static void trace_mark(const char *what, int gap_ms)
{
    const char *path = getenv("BENCH_ISOLATION_TRACE");
    FILE *f = path && *path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    fprintf(f, "%.3f 0 mark %s-gap%d\n", now_ms(), what, gap_ms);
    fclose(f);
}

/*
 * write, `gap_ms` of "test", foster_reset (timed into `out`), then the check
 * query on foster_connection (reset + that query timed into `with_query`: a
 * reconnection foster defers to the first use shows there).
 */
int measure_reset(const config *c, foster_session *session, int gap_ms, samples *out,
                  samples *with_query)
{
    for (int i = -c->warmup; i < c->iterations; i++) {
        if (exec_sql(session, c->write_sql) < 0)
            return -1;
        if (gap_ms > 0)
            sleep_ms(gap_ms);
        trace_mark("reset-begin", gap_ms);
        double started = now_ms();
        if (foster_reset(session) != FOSTER_OK)
            return report_failure(session, "foster_reset"), -1;
        keep(out, i, now_ms() - started);
        trace_mark("reset-end", gap_ms);
        if (check_undone(c, session, "foster_reset") < 0)
            return -1;
        keep(with_query, i, now_ms() - started);
    }
    return 0;
}
static int admin_command(PGconn *admin, const char *sql)
{
    PGresult *result = PQexec(admin, sql);
    int rc = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "bench_isolation: %s: %s", sql, PQerrorMessage(admin));
    PQclear(result);
    return rc;
}

/*
 * The reference a reset must beat: a plain CREATE DATABASE ... TEMPLATE of
 * the session's snapshot (foster names it "<database>_tpl": an internal name
 * this benchmark relies on), on the same server, timed alone; the copy is
 * dropped between rounds, off the clock.
 */
int measure_plain_clone(const config *c, foster_session *session, samples *out)
{
    const char *keys[] = {"host", "port", "user", "password", "dbname", NULL};
    const char *values[] = {session_env(session, "PGHOST"),
                            session_env(session, "PGPORT"),
                            session_env(session, "PGUSER"),
                            session_env(session, "PGPASSWORD"),
                            "postgres",
                            NULL};
    const char *database = session_env(session, "PGDATABASE");
    if (!database)
        return fprintf(stderr, "bench_isolation: the session names no PGDATABASE\n"), -1;
    PGconn *admin = PQconnectdbParams(keys, values, 0);
    if (PQstatus(admin) != CONNECTION_OK) {
        fprintf(stderr, "bench_isolation: cannot connect for the plain clone: %s",
                PQerrorMessage(admin));
        PQfinish(admin);
        return -1;
    }
    char create[512], drop[512];
    snprintf(create, sizeof create, "CREATE DATABASE \"%s_benchclone\" TEMPLATE \"%s_tpl\"%s",
             database, database, PQserverVersion(admin) >= 150000 ? " STRATEGY FILE_COPY" : "");
    snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS \"%s_benchclone\"", database);
    int rc = 0;
    for (int i = -c->warmup; rc == 0 && i < c->iterations; i++) {
        double started = now_ms();
        rc = admin_command(admin, create);
        keep(out, i, now_ms() - started);
        if (rc == 0)
            rc = admin_command(admin, drop);
    }
    PQfinish(admin);
    return rc;
}

/* SELECT (SELECT count(*) FROM t1) + ... : every row of every table. */
static char *count_rows_sql(const config *c)
{
    size_t size = 16;
    for (size_t k = 0; k < c->table_count; k++)
        size += strlen(c->tables[k]) + 40;
    char *sql = malloc(size);
    if (!sql)
        return NULL;
    strcpy(sql, "SELECT 0");
    for (size_t k = 0; k < c->table_count; k++)
        snprintf(sql + strlen(sql), size - strlen(sql), " + (SELECT count(*) FROM %s)",
                 c->tables[k]);
    return sql;
}

/* SQLite: DELETE FROM each table, children first, in one transaction; PostgreSQL: one TRUNCATE. */
static char *delete_all_sql(const config *c, bool sqlite)
{
    size_t size = 64;
    for (size_t k = 0; k < c->table_count; k++)
        size += strlen(c->tables[k]) + 20;
    char *sql = malloc(size);
    if (!sql)
        return NULL;
    if (sqlite) {
        strcpy(sql, "BEGIN;");
        for (size_t k = c->table_count; k-- > 0;)
            snprintf(sql + strlen(sql), size - strlen(sql), " DELETE FROM %s;", c->tables[k]);
        strcat(sql, " COMMIT;");
    } else {
        strcpy(sql, "TRUNCATE");
        for (size_t k = 0; k < c->table_count; k++)
            snprintf(sql + strlen(sql), size - strlen(sql), "%s %s", k ? "," : "", c->tables[k]);
        strcat(sql, " CASCADE");
    }
    return sql;
}

/* write, then (timed) delete everything and foster_load every fixture again. */
int measure_reload(const config *c, foster_session *session, reload_samples *out)
{
    char *count_sql = count_rows_sql(c);
    char *delete_sql = delete_all_sql(c, is_sqlite(session));
    const char **files = calloc(c->table_count, sizeof *files);
    int rc = count_sql && delete_sql && files ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < c->table_count; k++) {
        size_t size = strlen(c->fixtures) + strlen(c->tables[k]) + 8;
        char *path = malloc(size);
        if (path)
            snprintf(path, size, "%s/%s.csv", c->fixtures, c->tables[k]);
        else
            rc = -1;
        files[k] = path;
    }
    if (rc < 0)
        fprintf(stderr, "bench_isolation: out of memory\n");
    long long rows_before = rc == 0 ? query_integer(session, count_sql) : -1;
    rc = rows_before > 0 ? rc : -1;
    for (int i = -(c->warmup > 0 ? 1 : 0); rc == 0 && i < c->slow_iterations; i++) {
        if (exec_sql(session, c->write_sql) < 0) {
            rc = -1;
            break;
        }
        double started = now_ms();
        if (exec_sql(session, delete_sql) < 0) {
            rc = -1;
            break;
        }
        double deleted = now_ms();
        if (foster_load(session, foster_url(session), files, c->table_count, false) != FOSTER_OK) {
            report_failure(session, "foster_load");
            rc = -1;
            break;
        }
        double loaded = now_ms();
        keep(&out->total, i, loaded - started);
        keep(&out->delete_part, i, deleted - started);
        rc = check_undone(c, session, "truncate-and-reload");
    }
    long long rows_after = rc == 0 ? query_integer(session, count_sql) : -1;
    if (rc == 0 && rows_after != rows_before) {
        fprintf(stderr, "bench_isolation: %lld rows before truncate-and-reload, %lld after\n",
                rows_before, rows_after);
        rc = -1;
    }
    for (size_t k = 0; files && k < c->table_count; k++)
        free((char *)files[k]);
    free(files);
    free(count_sql);
    free(delete_sql);
    return rc;
}

/* foster_close + foster_open + foster_provision; *session is replaced each round. */
int measure_reprovision(const config *c, foster_session **session, reprovision_samples *out)
{
    for (int i = -(c->warmup > 0 ? 1 : 0); i < c->slow_iterations; i++) {
        double started = now_ms();
        foster_close(*session);
        *session = NULL;
        double closed = now_ms();
        foster_options options;
        fill_options(c, &options, 0);
        if (foster_open(&options, session) != FOSTER_OK)
            return report_failure(*session, "foster_open"), -1;
        double opened = now_ms();
        if (foster_provision(*session) != FOSTER_OK)
            return report_failure(*session, "foster_provision"), -1;
        double provisioned = now_ms();
        keep(&out->total, i, provisioned - started);
        keep(&out->close_part, i, closed - started);
        keep(&out->open_part, i, opened - closed);
        keep(&out->provision_part, i, provisioned - opened);
    }
    return 0;
}

/* foster_provision with jobs = 0 and jobs = N, alternating which goes first. */
int measure_jobs(const config *c, samples *one, samples *many)
{
    for (int i = -(c->warmup > 0 ? 1 : 0); i < c->slow_iterations; i++) {
        for (int side = 0; side < 2; side++) {
            bool with_jobs = (side + (i & 1)) % 2 == 1;
            foster_options options;
            fill_options(c, &options, with_jobs ? c->jobs : 0);
            foster_session *session = NULL;
            if (foster_open(&options, &session) != FOSTER_OK) {
                report_failure(session, "foster_open");
                foster_close(session);
                return -1;
            }
            double started = now_ms();
            foster_result result = foster_provision(session);
            double ms = now_ms() - started;
            if (result != FOSTER_OK) {
                report_failure(session, "foster_provision (jobs)");
                foster_close(session);
                return -1;
            }
            keep(with_jobs ? many : one, i, ms);
            foster_close(session);
        }
    }
    return 0;
}
