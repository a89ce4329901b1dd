/*
 * test_dircache.c — the cache of pristine directories (src/util/dircache.h):
 * a fill builds once and copies after, and a fill that waited for the lock
 * of an entry being removed (its lock file with it) waits for whoever holds
 * the lock file there now, instead of building under a lock nobody else
 * sees.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dircache.h"
#include "fstree.h"
#include "scratch.h"
#include "smallfile.h"
#include "strbuf.h"

static char *root;
static char *journal_path;

static char *at(const char *name)
{
    return strbuf_format("%s/%s", root, name);
}

/* The stand-in build: a file "data" in `target`, and a line in the journal. */
static int build(void *context, const char *target, diag_list *diags)
{
    (void)context;
    (void)diags;
    char *data = strbuf_format("%s/data", target);
    int rc = fstree_make_directories(target) == 0 && smallfile_write_atomically(data, "42\n") == 0
                 ? 0
                 : -1;
    free(data);
    int fd = open(journal_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    ck_assert_int_eq(write(fd, "built\n", 6), 6);
    close(fd);
    return rc;
}

static const char *const required[] = {"data", NULL};

static const dircache_spec spec = {
    .prefix = "testdata",
    .server_binary = "/bin/sh",
    .flags_text = "test",
    .required_files = required,
    .build = build,
};

static int builds(void)
{
    char *text = smallfile_read(journal_path, 65536);
    int count = 0;
    for (const char *p = text; p && (p = strstr(p, "built\n")); p += 6)
        count++;
    free(text);
    return count;
}

/* Fills `name` under the root; 0, or -1. */
static int fill(const char *name)
{
    char *target = at(name);
    diag_list diags = DIAG_LIST_INIT;
    int rc = dircache_fill(&spec, target, &diags);
    diag_list_clear(&diags);
    free(target);
    return rc;
}

static void assert_filled(const char *name)
{
    char *data = strbuf_format("%s/%s/data", root, name);
    char *text = smallfile_read(data, 100);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "42\n");
    free(text);
    free(data);
}

/* The cache's entry for `spec`, and its lock file's path (there after a fill). */
static char *entry_path(void)
{
    char *base = dircache_base_directory();
    char *command = strbuf_format("ls -d '%s'/testdata-* | grep -v '\\.lock$'", base);
    FILE *listing = popen(command, "r");
    char line[PATH_MAX] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, listing));
    pclose(listing);
    line[strcspn(line, "\n")] = '\0';
    free(command);
    free(base);
    return strdup(line);
}

/* Whether process `pid` waits for a lock (a "->" line of /proc/locks). */
static bool waits_for_lock(pid_t pid)
{
    FILE *locks = fopen("/proc/locks", "r");
    char line[256], needle[32];
    snprintf(needle, sizeof needle, " %ld ", (long)pid);
    bool waiting = false;
    while (locks && !waiting && fgets(line, sizeof line, locks))
        waiting = strstr(line, "->") && strstr(line, needle);
    if (locks)
        fclose(locks);
    return waiting;
}

static void setup(void)
{
    root = scratch_make("foster-dircache.");
    ck_assert_ptr_nonnull(root);
    char *cache = at("cache");
    setenv("XDG_CACHE_HOME", cache, 1);
    free(cache);
    journal_path = at("journal");
}

static void teardown(void)
{
    ck_assert_int_eq(scratch_remove(root), 0);
    free(root);
    free(journal_path);
}

START_TEST(test_a_fill_builds_once_then_copies)
{
    ck_assert_int_eq(fill("first"), 0);
    ck_assert_int_eq(fill("second"), 0);
    assert_filled("first");
    assert_filled("second");
    ck_assert_int_eq(builds(), 1);
}
END_TEST

START_TEST(test_a_fill_that_waited_for_a_removed_entry_waits_for_the_lock_there_now)
{
    ck_assert_int_eq(fill("first"), 0);
    char *entry = entry_path();
    char *lock = strbuf_format("%s.lock", entry);
    int remover = open(lock, O_RDWR);
    ck_assert_int_eq(flock(remover, LOCK_EX), 0); /* as an eviction holds it */
    pid_t child = fork();
    if (child == 0) {
        close(remover); /* the parent's descriptor holds the lock; this one would, too */
        _exit(fill("waiting") == 0 ? 0 : 1);
    }
    for (int i = 0; i < 500 && !waits_for_lock(child); i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    ck_assert_msg(waits_for_lock(child), "the fill does not wait for the lock");
    /* the eviction removes the entry and its lock file; a builder takes the new file's */
    ck_assert_int_eq(fstree_remove(entry), 0);
    ck_assert_int_eq(unlink(lock), 0);
    int builder = open(lock, O_RDWR | O_CREAT, 0600);
    ck_assert_int_eq(flock(builder, LOCK_EX), 0);
    close(remover);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    ck_assert_int_eq(builds(), 1);
    int status = 0;
    ck_assert_msg(waitpid(child, &status, WNOHANG) == 0,
                  "the fill went on under the removed file's lock");
    close(builder);
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the fill failed");
    assert_filled("waiting");
    ck_assert_int_eq(builds(), 2);
    ck_assert_int_eq(access(entry, F_OK), 0); /* stored again */
    free(lock);
    free(entry);
}
END_TEST

static Suite *dircache_suite(void)
{
    Suite *suite = suite_create("dircache");
    TCase *tc = tcase_create("fill");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_a_fill_builds_once_then_copies);
    tcase_add_test(tc, test_a_fill_that_waited_for_a_removed_entry_waits_for_the_lock_there_now);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(dircache_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
