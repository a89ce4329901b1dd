/*
 * bench_isolation_trace.c — where a PostgreSQL reset spends its time, seen
 * from the client: an LD_PRELOAD library that times libpq's blocking calls
 * (PQconnectdb, PQexec, PQexecParams, PQgetResult, PQfinish) and PQsendQuery,
 * and appends one line per call to the file $BENCH_ISOLATION_TRACE:
 *
 *     <start ms, CLOCK_MONOTONIC> <duration ms> <function> <what>
 *
 * where <what> is the statement's first words (up to a quote or 48
 * characters). bench_isolation writes "mark reset-begin" / "mark reset-end"
 * lines to the same file around each foster_reset when the variable is set,
 * so bench_isolation.sh can add the calls up per reset (BENCH_PROFILE=1).
 * Not part of foster; libfoster calls libpq through the dynamic linker, so
 * these wrappers see every call foster makes. libpq calls its own exported
 * functions the same way (PQexec calls PQsendQuery and PQgetResult): only the
 * outermost call is traced, so that no time is counted twice.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How many traced calls this thread is inside: only the outermost one is written. */
static _Thread_local int depth;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One line, appended in a single write so that processes do not interleave. */
static void trace(double started, const char *function, const char *sql)
{
    const char *path = getenv("BENCH_ISOLATION_TRACE");
    if (depth > 0 || !path || !*path)
        return;
    double ended = now_ms();
    char what[49] = "-";
    if (sql) {
        size_t n = strcspn(sql, "\"'$\n");
        if (n > sizeof what - 1)
            n = sizeof what - 1;
        memcpy(what, sql, n);
        what[n] = '\0';
        for (char *p = what; *p; p++)
            if (*p == ' ')
                *p = '_';
        if (!what[0])
            strcpy(what, "-");
    }
    char line[160];
    int length =
        snprintf(line, sizeof line, "%.3f %.3f %s %s\n", started, ended - started, function, what);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (length > 0 && write(fd, line, (size_t)length) < 0) {
        /* a lost line only makes the profile shorter */
    }
    close(fd);
}

#define NEXT(name) ((name##_fn)dlsym(RTLD_NEXT, #name))

typedef PGconn *(*PQconnectdb_fn)(const char *);
typedef PGresult *(*PQexec_fn)(PGconn *, const char *);
typedef PGresult *(*PQexecParams_fn)(PGconn *, const char *, int, const Oid *, const char *const *,
                                     const int *, const int *, int);
typedef PGresult *(*PQgetResult_fn)(PGconn *);
typedef void (*PQfinish_fn)(PGconn *);
typedef int (*PQsendQuery_fn)(PGconn *, const char *);

PGconn *PQconnectdb(const char *conninfo)
{
    double started = now_ms();
    depth++;
    PGconn *conn = NEXT(PQconnectdb)(conninfo);
    depth--;
    trace(started, "PQconnectdb", strstr(conninfo, "_next") ? "next" : "-");
    return conn;
}

PGresult *PQexec(PGconn *conn, const char *query)
{
    double started = now_ms();
    depth++;
    PGresult *result = NEXT(PQexec)(conn, query);
    depth--;
    trace(started, "PQexec", query);
    return result;
}

PGresult *PQexecParams(PGconn *conn, const char *command, int n_params, const Oid *types,
                       const char *const *values, const int *lengths, const int *formats,
                       int result_format)
{
    double started = now_ms();
    depth++;
    PGresult *result =
        NEXT(PQexecParams)(conn, command, n_params, types, values, lengths, formats, result_format);
    depth--;
    trace(started, "PQexecParams", command);
    return result;
}

/* Collecting a query sent before (PQsendQuery), e.g. the next copy. */
PGresult *PQgetResult(PGconn *conn)
{
    double started = now_ms();
    depth++;
    PGresult *result = NEXT(PQgetResult)(conn);
    depth--;
    trace(started, "PQgetResult", result ? "(result)" : "(end)");
    return result;
}

void PQfinish(PGconn *conn)
{
    double started = now_ms();
    depth++;
    NEXT(PQfinish)(conn);
    depth--;
    if (conn)
        trace(started, "PQfinish", NULL);
}

int PQsendQuery(PGconn *conn, const char *query)
{
    double started = now_ms();
    depth++;
    int rc = NEXT(PQsendQuery)(conn, query);
    depth--;
    trace(started, "PQsendQuery", query);
    return rc;
}
