/*
 * bench_isolation_session.c — bench_isolation's clock, and what it does
 * through libfoster beside the calls it times: sessions opened and
 * provisioned, SQL on foster's own connection (SQLite or libpq), the check
 * that a write was undone.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_isolation.h"

double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void sleep_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

bool is_sqlite(foster_session *session)
{
    const char *name = foster_backend(session);
    return name && strcmp(name, "sqlite") == 0;
}

/* Runs `sql` on foster's own connection. 0, or -1 after a message. */
int exec_sql(foster_session *session, const char *sql)
{
    void *connection = foster_connection(session);
    if (!connection) {
        fprintf(stderr, "bench_isolation: no connection\n");
        return -1;
    }
    if (is_sqlite(session)) {
        char *message = NULL;
        if (sqlite3_exec(connection, sql, NULL, NULL, &message) == SQLITE_OK)
            return 0;
        fprintf(stderr, "bench_isolation: %s: %s\n", sql, message ? message : "failed");
        sqlite3_free(message);
        return -1;
    }
    PGresult *result = PQexec(connection, sql);
    ExecStatusType status = PQresultStatus(result);
    int rc = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "bench_isolation: %s: %s", sql, PQerrorMessage(connection));
    PQclear(result);
    return rc;
}

/* The integer the query answers, or -1 after a message. */
long long query_integer(foster_session *session, const char *sql)
{
    void *connection = foster_connection(session);
    if (!connection)
        return fprintf(stderr, "bench_isolation: no connection\n"), -1;
    long long value = -1;
    if (is_sqlite(session)) {
        sqlite3_stmt *statement = NULL;
        if (sqlite3_prepare_v2(connection, sql, -1, &statement, NULL) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        else
            fprintf(stderr, "bench_isolation: %s: %s\n", sql, sqlite3_errmsg(connection));
        sqlite3_finalize(statement);
        return value;
    }
    PGresult *result = PQexec(connection, sql);
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
        value = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
    else
        fprintf(stderr, "bench_isolation: %s: %s", sql, PQerrorMessage(connection));
    PQclear(result);
    return value;
}

/* The write was undone: --check answers 0. 0, or -1 after a message. */
int check_undone(const config *c, foster_session *session, const char *after)
{
    long long value = query_integer(session, c->check_sql);
    if (value == 0)
        return 0;
    if (value > 0)
        fprintf(stderr, "bench_isolation: the write was not undone after %s (%s gave %lld)\n",
                after, c->check_sql, value);
    return -1;
}

void fill_options(const config *c, foster_options *options, int jobs)
{
    foster_options_init(options);
    options->manifest_path = c->manifest;
    options->backend = c->backend;
    options->postgres_url = c->postgres_url;
    options->sqlite_in_memory = c->memory;
    options->jobs = jobs;
    /* Provisioning from the inputs, which the targets compare reset with: from a cached
     * template it is a copy of the database (the SQLite 100,000-row set: 4.9 ms, not 0.9 s). */
    options->no_cache = true;
}

void report_failure(foster_session *session, const char *what)
{
    fprintf(stderr, "bench_isolation: %s failed: %s\n", what,
            session ? foster_errmsg(session) : "out of memory");
}

/* A provisioned session, or NULL after a message. */
foster_session *open_provisioned(const config *c, int jobs)
{
    foster_options options;
    fill_options(c, &options, jobs);
    foster_session *session = NULL;
    if (foster_open(&options, &session) != FOSTER_OK) {
        report_failure(session, "foster_open");
        foster_close(session);
        return NULL;
    }
    if (foster_provision(session) != FOSTER_OK) {
        report_failure(session, "foster_provision");
        foster_close(session);
        return NULL;
    }
    return session;
}

/* The value of one of the session's environment variables, or NULL. */
const char *session_env(foster_session *session, const char *wanted)
{
    for (size_t i = 0; i < foster_env_count(session); i++) {
        const char *name, *value;
        foster_env_get(session, i, &name, &value);
        if (strcmp(name, wanted) == 0)
            return value;
    }
    return NULL;
}
