/*
 * bench_isolation_report.c — what bench_isolation prints: each measure's
 * median, p90, min and count, the ratios the targets are set on, PASS/MISS
 * against the targets, and the lines its driver script reads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_isolation.h"

#define TARGET_SAVEPOINT_MS 1.0
#define TARGET_PG_RESET_MS  15.0
#define TARGET_RESET_RATIO  0.05
#define TARGET_JOBS_RATIO   3.0

typedef struct stats {
    double median, p90, min, max;
    int count;
} stats;

static int samples_init(samples *s, int capacity)
{
    s->count = 0;
    s->ms = calloc((size_t)(capacity > 0 ? capacity : 1), sizeof *s->ms);
    if (!s->ms)
        fprintf(stderr, "bench_isolation: out of memory\n");
    return s->ms ? 0 : -1;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median (mean of the middle two for an even count) and p90 (nearest rank). */
static stats summarize(const samples *s)
{
    stats r = {NAN, NAN, NAN, NAN, s->count};
    if (s->count == 0)
        return r;
    double *sorted = malloc((size_t)s->count * sizeof *sorted);
    if (!sorted)
        return r;
    memcpy(sorted, s->ms, (size_t)s->count * sizeof *sorted);
    qsort(sorted, (size_t)s->count, sizeof *sorted, compare_doubles);
    int n = s->count;
    r.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    int rank = (int)ceil(0.9 * n);
    r.p90 = sorted[(rank < 1 ? 1 : rank) - 1];
    r.min = sorted[0];
    r.max = sorted[n - 1];
    free(sorted);
    return r;
}

/* PASS or MISS, counting misses; "" when there is nothing to judge. */
static const char *verdict(bool measured, bool pass, int *misses)
{
    if (!measured)
        return "";
    if (!pass)
        (*misses)++;
    return pass ? "PASS" : "MISS";
}

/* For figures shown beside a target they are not judged by. */
static const char *info_verdict(bool measured, bool pass)
{
    return !measured ? "" : pass ? "(pass, info)" : "(miss, info)";
}

static void print_header(const config *c, const char *backend_shown)
{
    printf("\n%s, %s: median and p90 of each library call\n", backend_shown, c->label);
    printf("%-44s %9s %9s %9s %4s  %-22s %s\n", "measure", "median ms", "p90 ms", "min ms", "n",
           "target", "result");
}

static void print_row(const char *name, const samples *s, const char *target, const char *result)
{
    stats r = summarize(s);
    if (r.count == 0)
        return;
    printf("%-44s %9.3f %9.3f %9.3f %4d  %-22s %s\n", name, r.median, r.p90, r.min, r.count, target,
           result);
}

static void print_ratio(const char *name, double ratio, const char *target, const char *result)
{
    if (isnan(ratio))
        return;
    printf("%-44s %9.3f %9s %9s %4s  %-22s %s\n", name, ratio, "", "", "", target, result);
}

int results_init(results *r, const config *c)
{
    int fast = c->iterations, slow = c->slow_iterations;
    return samples_init(&r->savepoint, fast) | samples_init(&r->reset_gap, fast) |
           samples_init(&r->reset_gap_query, fast) |
           samples_init(&r->reset_back_to_back_query, fast) | samples_init(&r->plain_clone, fast) |
           samples_init(&r->reset_back_to_back, fast) | samples_init(&r->reload.total, slow) |
           samples_init(&r->reload.delete_part, slow) | samples_init(&r->reprovision.total, slow) |
           samples_init(&r->reprovision.close_part, slow) |
           samples_init(&r->reprovision.open_part, slow) |
           samples_init(&r->reprovision.provision_part, slow) | samples_init(&r->jobs_one, slow) |
           samples_init(&r->jobs_many, slow);
}

void results_free(results *r)
{
    samples *all[] = {&r->savepoint,
                      &r->reset_gap,
                      &r->reset_gap_query,
                      &r->reset_back_to_back_query,
                      &r->plain_clone,
                      &r->reset_back_to_back,
                      &r->reload.total,
                      &r->reload.delete_part,
                      &r->reprovision.total,
                      &r->reprovision.close_part,
                      &r->reprovision.open_part,
                      &r->reprovision.provision_part,
                      &r->jobs_one,
                      &r->jobs_many};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]->ms);
}

/* The table; returns how many targets were missed. */
int print_results(const config *c, const results *r)
{
    int misses = 0;
    bool postgres = strcmp(c->backend, "sqlite") != 0;
    char text[64];
    print_header(c, c->shown);

    stats savepoint = summarize(&r->savepoint);
    print_row("savepoint round trip (begin+write+end)", &r->savepoint, "median < 1 ms",
              verdict(savepoint.count > 0, savepoint.median < TARGET_SAVEPOINT_MS, &misses));

    stats gap = summarize(&r->reset_gap), back = summarize(&r->reset_back_to_back);
    snprintf(text, sizeof text, "reset, %d ms test between resets", c->gap_ms);
    print_row(text, &r->reset_gap, postgres ? "median < 15 ms" : "see ratio",
              postgres ? verdict(gap.count > 0, gap.median < TARGET_PG_RESET_MS, &misses) : "");
    print_row("  reset + first query on foster_connection", &r->reset_gap_query, "", "");
    print_row("reset, back to back", &r->reset_back_to_back, postgres ? "median < 15 ms" : "",
              postgres ? info_verdict(back.count > 0, back.median < TARGET_PG_RESET_MS) : "");
    print_row("  reset + first query on foster_connection", &r->reset_back_to_back_query, "", "");

    stats clone = summarize(&r->plain_clone);
    print_row("reference: plain CREATE DATABASE TEMPLATE", &r->plain_clone, "", "");
    if (clone.count > 0 && gap.count > 0)
        print_ratio("reset (with gap) / plain clone", gap.median / clone.median, "< 1 (beat it)",
                    info_verdict(true, gap.median < clone.median));

    print_row("truncate-and-reload (delete + foster_load)", &r->reload.total, "", "");
    print_row("  of which delete", &r->reload.delete_part, "", "");

    stats full = summarize(&r->reprovision.total);
    print_row("full re-provision (close+open+provision)", &r->reprovision.total, "", "");
    print_row("  of which foster_close", &r->reprovision.close_part, "", "");
    print_row("  of which foster_open", &r->reprovision.open_part, "", "");
    print_row("  of which foster_provision", &r->reprovision.provision_part, "", "");

    if (gap.count > 0 && full.count > 0) {
        print_ratio("reset (with gap) / full re-provision", gap.median / full.median, "<= 0.05",
                    verdict(true, gap.median / full.median <= TARGET_RESET_RATIO, &misses));
        print_ratio("reset (back to back) / full re-provision", back.median / full.median,
                    "<= 0.05",
                    info_verdict(back.count > 0, back.median / full.median <= TARGET_RESET_RATIO));
    }
    if (gap.count > 0 && !isnan(c->db_reprovision_ms))
        print_ratio("reset (with gap) / re-provision, server up", gap.median / c->db_reprovision_ms,
                    "<= 0.05",
                    info_verdict(true, gap.median / c->db_reprovision_ms <= TARGET_RESET_RATIO));

    stats one = summarize(&r->jobs_one), many = summarize(&r->jobs_many);
    print_row("foster_provision, jobs = 0", &r->jobs_one, "", "");
    snprintf(text, sizeof text, "foster_provision, jobs = %d", c->jobs);
    print_row(text, &r->jobs_many, "", "");
    if (one.count > 0 && many.count > 0) {
        snprintf(text, sizeof text, "jobs = %d / jobs = 0", c->jobs);
        print_ratio(text, many.median / one.median, "<= 3",
                    verdict(true, many.median / one.median <= TARGET_JOBS_RATIO, &misses));
    }
    /* For the driver script: figures it passes on, and the tally. */
    if (full.count > 0)
        printf("# reprovision_median_ms %.3f\n", full.median);
    printf("# misses %d\n", misses);
    return misses;
}
