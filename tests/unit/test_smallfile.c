/*
 * test_smallfile.c — small files written whole (src/util/smallfile.h): a
 * reader sees all of one writer's text or none, even while two processes
 * write the same file, and nothing but the file is left.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "smallfile.h"
#include "strbuf.h"

static char *root;
static char *path;

static void setup(void)
{
    root = scratch_make("foster-smallfile.");
    ck_assert_ptr_nonnull(root);
    path = strbuf_format("%s/identity", root);
}

static void teardown(void)
{
    ck_assert_int_eq(scratch_remove(root), 0);
    free(root);
    free(path);
}

static int entries(void)
{
    DIR *dir = opendir(root);
    int count = 0;
    for (struct dirent *d; dir && (d = readdir(dir));)
        count += strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
    if (dir)
        closedir(dir);
    return count;
}

START_TEST(test_the_file_holds_the_text_and_nothing_else_is_left)
{
    ck_assert_int_eq(smallfile_write_atomically(path, "first\n"), 0);
    ck_assert_int_eq(smallfile_write_atomically(path, "second\n"), 0);
    char *text = smallfile_read(path, 100);
    ck_assert_str_eq(text, "second\n");
    free(text);
    ck_assert_int_eq(entries(), 1);
}
END_TEST

/* Writes `text` 2,000 times; exits 0. */
static void writer(const char *text)
{
    for (int i = 0; i < 2000; i++)
        smallfile_write_atomically(path, text);
    _exit(0);
}

START_TEST(test_two_writers_at_once_never_show_a_reader_part_of_a_text)
{
    static const char a[] = "foster sqlite cache 1\nserver /usr/bin/a\nflags a\n";
    static const char b[] = "foster sqlite cache 1\nserver /usr/bin/bb\nflags bb\n";
    ck_assert_int_eq(smallfile_write_atomically(path, a), 0);
    pid_t first = fork();
    if (first == 0)
        writer(a);
    pid_t second = fork();
    if (second == 0)
        writer(b);
    int torn = 0, reads = 0;
    for (int status;
         waitpid(first, &status, WNOHANG) == 0 || waitpid(second, &status, WNOHANG) == 0;) {
        char *text = smallfile_read(path, 4096);
        torn += text && strcmp(text, a) != 0 && strcmp(text, b) != 0;
        reads += text != NULL;
        free(text);
    }
    ck_assert_msg(torn == 0, "%d of %d reads saw part of a text", torn, reads);
    ck_assert_int_ge(reads, 1);
    ck_assert_int_eq(entries(), 1); /* no writer's temporary file is left */
}
END_TEST

static Suite *smallfile_suite(void)
{
    Suite *suite = suite_create("smallfile");
    TCase *tc = tcase_create("write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_the_file_holds_the_text_and_nothing_else_is_left);
    tcase_add_test(tc, test_two_writers_at_once_never_show_a_reader_part_of_a_text);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(smallfile_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
