/*
 * bench_isolation_options.c — bench_isolation's command line (see the
 * usage at the top of bench_isolation.c): the options into a config, with
 * its defaults; bad usage is said once, with the usage text.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_isolation.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_isolation [--backend sqlite|cluster|postgres] [--postgres-url URL]\n"
            "       [--memory] [--label TEXT] --write SQL --check SQL [--tables T1,T2,...]\n"
            "       [--fixtures DIR] [--only savepoint,reset,reload,reprovision,jobs]\n"
            "       [--iterations N] [--slow-iterations N] [--warmup N] [--gap-ms N]\n"
            "       [--jobs N] [--db-reprovision-ms X] MANIFEST\n");
}

static bool parse_int(const char *text, int low, int *value)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || end == text || v < low || v > 1000000)
        return false;
    *value = (int)v;
    return true;
}

/* Splits "a,b,c" in place into c->tables. */
static bool parse_tables(config *c, char *list)
{
    for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
        if (c->table_count == MAX_TABLES)
            return false;
        c->tables[c->table_count++] = name;
    }
    return c->table_count > 0;
}

static bool parse_only(config *c, char *list)
{
    c->want_savepoint = c->want_reset = c->want_reload = c->want_reprovision = c->want_jobs = false;
    for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
        if (strcmp(name, "savepoint") == 0)
            c->want_savepoint = true;
        else if (strcmp(name, "reset") == 0)
            c->want_reset = true;
        else if (strcmp(name, "reload") == 0)
            c->want_reload = true;
        else if (strcmp(name, "reprovision") == 0)
            c->want_reprovision = true;
        else if (strcmp(name, "jobs") == 0)
            c->want_jobs = true;
        else
            return false;
    }
    return true;
}

/* 0, or 2 on bad usage (after a message). */
int parse_arguments(int argc, char **argv, config *c)
{
    *c = (config){.backend = "sqlite",
                  .label = "",
                  .want_savepoint = true,
                  .want_reset = true,
                  .want_reload = true,
                  .want_reprovision = true,
                  .iterations = 50,
                  .slow_iterations = 10,
                  .warmup = 3,
                  .gap_ms = 20,
                  .jobs = 8,
                  .db_reprovision_ms = NAN};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(arg, "--memory") == 0) {
            c->memory = true;
            continue;
        }
        if (arg[0] != '-') {
            if (c->manifest)
                return usage(), 2;
            c->manifest = arg;
            continue;
        }
        if (!value)
            return usage(), 2;
        i++;
        if (strcmp(arg, "--backend") == 0)
            c->backend = value;
        else if (strcmp(arg, "--postgres-url") == 0)
            c->postgres_url = value;
        else if (strcmp(arg, "--label") == 0)
            c->label = value;
        else if (strcmp(arg, "--write") == 0)
            c->write_sql = value;
        else if (strcmp(arg, "--check") == 0)
            c->check_sql = value;
        else if (strcmp(arg, "--tables") == 0)
            ok = parse_tables(c, value);
        else if (strcmp(arg, "--fixtures") == 0)
            c->fixtures = value;
        else if (strcmp(arg, "--only") == 0)
            ok = parse_only(c, value);
        else if (strcmp(arg, "--iterations") == 0)
            ok = parse_int(value, 1, &c->iterations);
        else if (strcmp(arg, "--slow-iterations") == 0)
            ok = parse_int(value, 1, &c->slow_iterations);
        else if (strcmp(arg, "--warmup") == 0)
            ok = parse_int(value, 0, &c->warmup);
        else if (strcmp(arg, "--gap-ms") == 0)
            ok = parse_int(value, 0, &c->gap_ms);
        else if (strcmp(arg, "--jobs") == 0)
            ok = parse_int(value, 2, &c->jobs);
        else if (strcmp(arg, "--db-reprovision-ms") == 0) {
            char *end;
            c->db_reprovision_ms = strtod(value, &end);
            ok = *end == '\0' && end != value && c->db_reprovision_ms > 0;
        } else
            ok = false;
        if (!ok) {
            fprintf(stderr, "bench_isolation: bad option %s %s\n", arg, value);
            return usage(), 2;
        }
    }
    if (!c->manifest || !c->write_sql || !c->check_sql)
        return usage(), 2;
    if (c->memory && strcmp(c->backend, "sqlite") != 0) {
        fprintf(stderr, "bench_isolation: --memory is for --backend sqlite\n");
        return 2;
    }
    if (c->want_reload && !c->memory && (!c->table_count || !c->fixtures)) {
        fprintf(stderr, "bench_isolation: reload needs --tables and --fixtures\n");
        return 2;
    }
    c->want_reload = c->want_reload && !c->memory; /* no URL to load into */
    c->shown = strcmp(c->backend, "sqlite") == 0
                   ? (c->memory ? "sqlite (in memory)" : "sqlite (file)")
               : strcmp(c->backend, "postgres") == 0 ? "postgres (one running server)"
                                                     : c->backend;
    return 0;
}
