/*
 * test_clocale.c — numbers foster writes for other processes, and reads
 * back, are spelled the C locale's way inside a program that links
 * libfoster and chose a German locale (decimal comma): the run record's
 * start time, which `foster` commands in the C locale read (the newest kept
 * run of a manifest is picked by it), FOSTER_BUSY_TIMEOUT, and the thread's
 * own locale is given back afterwards. Each case runs in a forked process
 * made German (german_locale.c); the program exits 77 with the reason when
 * no German locale can be built.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clocale.h"
#include "german_locale.h"
#include "pgconn.h"
#include "runstate.h"
#include "scratch.h"

static void become_german(void)
{
    char problem[256];
    ck_assert_msg(german_locale(problem, sizeof problem) == 0, "%s", problem);
    /* or the cases below would prove nothing */
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    ck_assert_double_eq(strtod("1.5", NULL), 1.0);
}

/* Writes a record started at `started` in a fresh folder; the folder (caller frees). */
static char *write_record(double started)
{
    char *directory = scratch_make("foster-clocale-");
    ck_assert_ptr_nonnull(directory);
    run_record r = {0};
    r.run_id = strdup("1a2b3c4d");
    r.pid = getpid();
    r.started = started;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run_record_write(directory, &r, &diags), 0);
    run_record_free(&r);
    diag_list_clear(&diags);
    return directory;
}

static double read_started(const char *directory)
{
    run_record back;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run_record_read(directory, "1a2b3c4d", &back, &diags), 0);
    double started = back.started;
    run_record_free(&back);
    diag_list_clear(&diags);
    return started;
}

static void remove_record(char *directory)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(run_record_remove(directory, "1a2b3c4d", &diags), 0);
    diag_list_clear(&diags);
    ck_assert_int_eq(rmdir(directory), 0);
    free(directory);
}

START_TEST(test_record_written_in_german_is_read_in_c)
{
    become_german();
    char *directory = write_record(1764867012.25);
    char path[256], text[1024] = "";
    snprintf(path, sizeof path, "%s/1a2b3c4d.run", directory);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    ck_assert_ptr_nonnull(strstr(text, "\nstarted=1764867012.250000\n"));
    ck_assert_str_eq(localeconv()->decimal_point, ","); /* the caller's locale is back */
    setlocale(LC_ALL, "C");                             /* as a `foster` command reads it */
    ck_assert_double_eq(read_started(directory), 1764867012.25);
    remove_record(directory);
}
END_TEST

START_TEST(test_record_written_in_c_is_read_in_german)
{
    char *directory = write_record(1764867012.75); /* the forked case starts in C */
    become_german();
    ck_assert_double_eq(read_started(directory), 1764867012.75);
    remove_record(directory);
}
END_TEST

START_TEST(test_busy_timeout_reads_a_decimal_point_in_german)
{
    become_german();
    setenv("FOSTER_BUSY_TIMEOUT", "1.5", 1);
    ck_assert_double_eq(pgconn_busy_timeout(), 1.5);
    setenv("FOSTER_BUSY_TIMEOUT", "1,5", 1); /* not a number foster reads: the default */
    ck_assert_double_eq(pgconn_busy_timeout(), 60.0);
}
END_TEST

START_TEST(test_c_strtod_reads_c_numbers_and_gives_the_locale_back)
{
    become_german();
    char *end = NULL;
    ck_assert_double_eq(c_strtod("2.75 s", &end), 2.75);
    ck_assert_str_eq(end, " s");
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    char printed[16];
    c_locale_scope c = c_locale_begin();
    snprintf(printed, sizeof printed, "%.1f", 0.5);
    c_locale_end(c);
    ck_assert_str_eq(printed, "0.5");
    snprintf(printed, sizeof printed, "%.1f", 0.5);
    ck_assert_str_eq(printed, "0,5");
}
END_TEST

int main(void)
{
    if (!german_locale_probe(german_locale)) {
        printf("SKIP: these cases need a German locale (see above)\n");
        return 77;
    }
    Suite *suite = suite_create("clocale");
    TCase *german = tcase_create("german");
    tcase_add_test(german, test_record_written_in_german_is_read_in_c);
    tcase_add_test(german, test_record_written_in_c_is_read_in_german);
    tcase_add_test(german, test_busy_timeout_reads_a_decimal_point_in_german);
    tcase_add_test(german, test_c_strtod_reads_c_numbers_and_gives_the_locale_back);
    suite_add_tcase(suite, german);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
