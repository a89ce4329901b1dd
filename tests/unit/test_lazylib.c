/*
 * test_lazylib.c — a client library opened at its first use (src/util/lazylib.h):
 * its functions are found, and a missing library or function ends the process
 * with 125 and a message that names it and the package to install.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lazylib.h"

/* Runs lazylib_load in a child; its exit status, and what it wrote to stderr in `err`. */
static int load_in_child(const char *soname, const char *name, char *err, size_t size)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        const char *names[] = {name};
        size_t (*slot)(const char *) = NULL;
        lazylib_load(soname, "the-package", names, &slot, 1);
        _exit(slot && slot("four") == 4 ? 0 : 1);
    }
    close(pipefd[1]);
    ssize_t got = read(pipefd[0], err, size - 1);
    err[got > 0 ? got : 0] = '\0';
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_functions_are_found_and_called)
{
    char err[512];
    ck_assert_int_eq(load_in_child("libc.so.6", "strlen", err, sizeof err), 0);
    ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_missing_library_is_named_with_its_package)
{
    char err[512];
    ck_assert_int_eq(load_in_child("libfoster-none.so.9", "strlen", err, sizeof err), 125);
    ck_assert_ptr_nonnull(strstr(err, "foster: error: cannot load libfoster-none.so.9: "));
    ck_assert_ptr_nonnull(strstr(err, "hint: install Debian's the-package\n"));
}
END_TEST

START_TEST(test_missing_function_is_named)
{
    char err[512];
    ck_assert_int_eq(load_in_child("libc.so.6", "foster_no_such_function", err, sizeof err), 125);
    ck_assert_str_eq(err, "foster: error: cannot load libc.so.6: it has no function "
                          "foster_no_such_function (too old?)\nhint: install Debian's "
                          "the-package\n");
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("lazylib");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_functions_are_found_and_called);
    tcase_add_test(tc, test_missing_library_is_named_with_its_package);
    tcase_add_test(tc, test_missing_function_is_named);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
