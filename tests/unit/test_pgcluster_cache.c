/*
 * test_pgcluster_cache.c — the cache of pristine data directories a
 * cluster starts from: filled by the first start, copied by the next one
 * instead of running initdb, and rebuilt when an entry lacks its completion
 * marker. How much faster a warm start is belongs to tests/bench, not here.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_pgcluster.h"

/* The one complete cache entry under cache/foster (a new string), or NULL. */
static char *find_cache_entry(const char *cache)
{
    char *base = path_join(cache, "foster");
    DIR *dir = opendir(base);
    char *found = NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, "pgdata-", 7) != 0 || strchr(entry->d_name, '.'))
            continue;
        ck_assert_ptr_null(found);
        found = path_join(base, entry->d_name);
    }
    if (dir)
        closedir(dir);
    free(base);
    return found;
}

START_TEST(test_cold_cache_is_filled_and_the_next_start_copies_it)
{
    char *cache = use_private_cache("cache-cold");
    ck_assert_ptr_null(find_cache_entry(cache));

    double started = now_seconds();
    pg_cluster *cluster = start_or_fail("cold");
    double cold = now_seconds() - started;
    stop_or_fail(cluster);

    char *entry = find_cache_entry(cache);
    ck_assert_ptr_nonnull(entry);
    const char *expected_files[] = {"foster-complete", "PG_VERSION", "global/pg_control"};
    for (size_t i = 0; i < 3; i++) {
        char *path = path_join(entry, expected_files[i]);
        ck_assert_msg(path_exists(path), "%s missing", path);
        free(path);
    }
    /* A file only the entry has shows that the warm start copied it. */
    char *planted = path_join(entry, "planted-by-test");
    FILE *f = fopen(planted, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);

    started = now_seconds();
    cluster = start_or_fail("warm");
    double warm = now_seconds() - started;
    assert_query(cluster, "SELECT 1", "1");
    char *in_cluster = path_join(pg_cluster_socket_dir(cluster), "data/planted-by-test");
    ck_assert_msg(path_exists(in_cluster), "the warm start did not copy the cache entry");
    free(in_cluster);
    stop_or_fail(cluster);
    fprintf(stderr, "pgcluster: cold start %.3f s, warm start %.3f s\n", cold, warm);
    ck_assert(path_exists(planted)); /* the entry stays for the next start */
    free(planted);
    free(entry);
    free(cache);
}
END_TEST

START_TEST(test_cache_entry_without_its_marker_is_rebuilt)
{
    char *cache = use_private_cache("cache-broken");
    stop_or_fail(start_or_fail("fill"));
    char *entry = find_cache_entry(cache);
    ck_assert_ptr_nonnull(entry);
    char *marker = path_join(entry, "foster-complete");
    char *planted = path_join(entry, "planted-by-test");
    ck_assert_int_eq(unlink(marker), 0);
    FILE *f = fopen(planted, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);

    pg_cluster *cluster = start_or_fail("rebuilt");
    assert_query(cluster, "SELECT 1", "1");
    char *in_cluster = path_join(pg_cluster_socket_dir(cluster), "data/planted-by-test");
    ck_assert(!path_exists(in_cluster)); /* the broken entry was not used */
    free(in_cluster);
    stop_or_fail(cluster);

    ck_assert(path_exists(marker));
    ck_assert(!path_exists(planted));
    free(marker);
    free(planted);
    free(entry);
    free(cache);
}
END_TEST

TCase *pgcluster_cache_tcase(void)
{
    TCase *cache = tcase_create("cache");
    tcase_set_timeout(cache, 60);
    tcase_add_test(cache, test_cold_cache_is_filled_and_the_next_start_copies_it);
    tcase_add_test(cache, test_cache_entry_without_its_marker_is_rebuilt);
    return cache;
}
