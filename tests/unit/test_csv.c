/*
 * test_csv.c — specification of the streaming CSV reader (src/fixtures/csv.h): the shared
 * helpers and main(). The cases are in test_csv_rows.c, _fields.c, _errors.c and
 * _streaming.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_csv.h"
#include "test_data.h"

void open_bytes(memory_csv *csv, const char *bytes, size_t length)
{
    memset(csv, 0, sizeof *csv);
    csv->stream = fmemopen((void *)bytes, length, "r");
    ck_assert_ptr_nonnull(csv->stream);
    csv->reader = csv_open_stream(csv->stream, "mem.csv", &csv->diags);
    ck_assert_ptr_nonnull(csv->reader);
}

void open_text(memory_csv *csv, const char *text)
{
    open_bytes(csv, text, strlen(text));
}

int next(memory_csv *csv)
{
    return csv_next_row(csv->reader, &csv->row, &csv->diags);
}

void close_csv(memory_csv *csv)
{
    csv_close(csv->reader);
    fclose(csv->stream);
    diag_list_clear(&csv->diags);
}

char *data_path(const char *name)
{
    return test_data_path("csv", name);
}

void check_first_row(const char *text, size_t count, const expected_field *expected,
                     size_t expected_count)
{
    memory_csv csv;
    open_text(&csv, text);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, count);
    for (size_t i = 0; i < expected_count; i++)
        EXPECT_FIELD(csv.row, expected[i].index, expected[i].value, expected[i].is_null,
                     expected[i].line, expected[i].column);
    close_csv(&csv);
}

static Suite *csv_suite(void)
{
    Suite *suite = suite_create("csv");
    suite_add_tcase(suite, csv_rows_tcase());
    suite_add_tcase(suite, csv_quoting_tcase());
    suite_add_tcase(suite, csv_null_tcase());
    suite_add_tcase(suite, csv_errors_tcase());
    suite_add_tcase(suite, csv_streaming_tcase());
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(csv_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
