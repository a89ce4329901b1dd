/*
 * test_fstree.c — copying and removing directory trees (src/util/fstree.h):
 * what a copy holds (contents, modes, holes, links as links, no sockets or
 * fifos), on several threads, and that neither a copy nor a removal follows
 * a symbolic link out of the tree.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fstree.h"
#include "scratch.h"
#include "strbuf.h"

static char *root;

static char *at(const char *relative)
{
    return strbuf_format("%s/%s", root, relative);
}

static void write_file(const char *relative, const char *text, mode_t mode)
{
    char *path = at(relative);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ck_assert_int_eq(chmod(path, mode), 0);
    free(path);
}

static char *read_file(const char *relative)
{
    char *path = at(relative);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return NULL;
    char buffer[4096];
    size_t n = fread(buffer, 1, sizeof buffer - 1, f);
    fclose(f);
    buffer[n] = '\0';
    return strdup(buffer);
}

static mode_t mode_of(const char *relative)
{
    char *path = at(relative);
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    free(path);
    return st.st_mode;
}

static bool exists(const char *relative)
{
    char *path = at(relative);
    struct stat st;
    bool found = lstat(path, &st) == 0;
    free(path);
    return found;
}

static void make_dir(const char *relative)
{
    char *path = at(relative);
    ck_assert_int_eq(mkdir(path, 0750), 0);
    free(path);
}

static void setup(void)
{
    root = scratch_make("test_fstree-");
    ck_assert_ptr_nonnull(root);
}

static void teardown(void)
{
    ck_assert_int_eq(scratch_remove(root), 0);
    free(root);
}

/* A tree of 300 files in nested folders: more than one thread's worth. */
START_TEST(test_copy_holds_every_file_with_its_contents_and_mode)
{
    make_dir("from");
    make_dir("from/base");
    make_dir("from/base/1");
    for (int i = 0; i < 300; i++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "from/base/%s%d", i % 2 ? "1/" : "", i);
        snprintf(text, sizeof text, "file %d\n", i);
        write_file(name, text, i % 3 ? 0600 : 0640);
    }
    write_file("from/PG_VERSION", "15\n", 0600);
    char *from = at("from"), *to = at("to");
    ck_assert_int_eq(fstree_copy(from, to, false, 0, 0), 0);
    for (int i = 0; i < 300; i++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "to/base/%s%d", i % 2 ? "1/" : "", i);
        snprintf(text, sizeof text, "file %d\n", i);
        char *copied = read_file(name);
        ck_assert_ptr_nonnull(copied);
        ck_assert_str_eq(copied, text);
        free(copied);
        ck_assert_int_eq(mode_of(name) & 07777, i % 3 ? 0600 : 0640);
    }
    ck_assert_int_eq(mode_of("to") & 07777, 0700);
    ck_assert_int_eq(mode_of("to/base/1") & 07777, 0750);
    char *version = read_file("to/PG_VERSION");
    ck_assert_str_eq(version, "15\n");
    free(version);
    free(from);
    free(to);
}
END_TEST

START_TEST(test_holes_stay_holes_and_data_after_them_is_copied)
{
    make_dir("from");
    char *path = at("from/sparse");
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, "head", 4, 0), 4);
    ck_assert_int_eq(pwrite(fd, "tail", 4, 8 * 1024 * 1024), 4); /* 8 MiB of hole between */
    ck_assert_int_eq(ftruncate(fd, 16 * 1024 * 1024), 0);        /* and 8 MiB after */
    close(fd);
    char *from = at("from"), *to = at("to");
    ck_assert_int_eq(fstree_copy(from, to, false, 0, 0), 0);
    char *copy = at("to/sparse");
    struct stat st;
    ck_assert_int_eq(stat(copy, &st), 0);
    ck_assert_int_eq(st.st_size, 16 * 1024 * 1024);
    ck_assert_int_lt(st.st_blocks * 512, 1024 * 1024); /* not 16 MiB of zeros */
    char head[4], tail[4], middle[4] = {1, 1, 1, 1};
    fd = open(copy, O_RDONLY);
    ck_assert_int_eq(pread(fd, head, 4, 0), 4);
    ck_assert_int_eq(pread(fd, tail, 4, 8 * 1024 * 1024), 4);
    ck_assert_int_eq(pread(fd, middle, 4, 4 * 1024 * 1024), 4);
    close(fd);
    ck_assert_mem_eq(head, "head", 4);
    ck_assert_mem_eq(tail, "tail", 4);
    ck_assert_mem_eq(middle, "\0\0\0\0", 4);
    free(copy);
    free(path);
    free(from);
    free(to);
}
END_TEST

/* A link is copied as the link it is, never followed; a fifo is no data. */
START_TEST(test_links_are_copied_as_links_and_fifos_skipped)
{
    make_dir("outside");
    write_file("outside/secret", "not to be copied\n", 0600);
    make_dir("from");
    char *outside = at("outside/secret"), *link = at("from/link"), *fifo = at("from/fifo");
    ck_assert_int_eq(symlink(outside, link), 0);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    char *from = at("from"), *to = at("to");
    ck_assert_int_eq(fstree_copy(from, to, false, 0, 0), 0);
    ck_assert(S_ISLNK(mode_of("to/link")));
    char *copied_link = at("to/link");
    char target[PATH_MAX];
    ssize_t n = readlink(copied_link, target, sizeof target - 1);
    ck_assert_int_gt(n, 0);
    target[n] = '\0';
    ck_assert_str_eq(target, outside);
    ck_assert(!exists("to/fifo"));
    free(copied_link);
    free(outside);
    free(link);
    free(fifo);
    free(from);
    free(to);
}
END_TEST

START_TEST(test_copy_onto_an_existing_directory_fails)
{
    make_dir("from");
    write_file("from/a", "a\n", 0600);
    make_dir("to");
    char *from = at("from"), *to = at("to");
    errno = 0;
    ck_assert_int_eq(fstree_copy(from, to, false, 0, 0), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert(!exists("to/a"));
    free(from);
    free(to);
}
END_TEST

START_TEST(test_remove_takes_the_tree_but_not_what_a_link_points_at)
{
    make_dir("outside");
    write_file("outside/keep", "keep\n", 0600);
    make_dir("tree");
    make_dir("tree/sub");
    write_file("tree/sub/file", "x\n", 0600);
    char *outside = at("outside"), *link = at("tree/sub/link"), *tree = at("tree");
    ck_assert_int_eq(symlink(outside, link), 0);
    ck_assert_int_eq(fstree_remove(tree), 0);
    ck_assert(!exists("tree"));
    ck_assert(exists("outside/keep"));
    ck_assert_int_eq(fstree_remove(tree), 0); /* a missing path is fine */
    free(outside);
    free(link);
    free(tree);
}
END_TEST

static Suite *fstree_suite(void)
{
    Suite *suite = suite_create("fstree");
    TCase *tc = tcase_create("fstree");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_copy_holds_every_file_with_its_contents_and_mode);
    tcase_add_test(tc, test_holes_stay_holes_and_data_after_them_is_copied);
    tcase_add_test(tc, test_links_are_copied_as_links_and_fifos_skipped);
    tcase_add_test(tc, test_copy_onto_an_existing_directory_fails);
    tcase_add_test(tc, test_remove_takes_the_tree_but_not_what_a_link_points_at);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(fstree_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
