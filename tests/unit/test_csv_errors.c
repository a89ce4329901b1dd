/*
 * test_csv_errors.c — malformed CSV, missing and unreadable files: each problem reported once,
 * at its file, line and column, and nothing read after it.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_csv.h"

/*
 * Reading tests/data/csv/NAME, shown as `display`, gives `good_rows` rows and then fails with
 * exactly one problem: at `display`:`line`:`column`, saying `message`.
 */
static void assert_file_fails(const char *name, const char *display, int good_rows, int line,
                              int column, const char *message)
{
    char *path = data_path(name);
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, display, &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    for (int i = 0; i < good_rows; i++)
        ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, line, column, message);
    ck_assert_str_eq(diags.items[0].file, display);
    csv_close(reader);
    diag_list_clear(&diags);
    free(path);
}

/* ---- errors ---- */

START_TEST(test_unterminated_quote_is_reported_where_it_opened)
{
    assert_file_fails("unterminated.csv", "fixtures/unterminated.csv", 2, 3, 5,
                      "unterminated quoted field (opened at line 3, column 5)");
}
END_TEST

START_TEST(test_quote_inside_unquoted_field_is_rejected)
{
    assert_file_fails("stray_quote.csv", "stray_quote.csv", 1, 2, 7,
                      "unexpected '\"' inside an unquoted field; quote the whole field and double "
                      "the quote (\"\")");
}
END_TEST

START_TEST(test_text_after_closing_quote_is_rejected)
{
    assert_file_fails("after_quote.csv", "after_quote.csv", 1, 2, 15,
                      "expected ',' or end of line after closing quote, found ' '");
}
END_TEST

START_TEST(test_after_closing_quote_a_utf8_character_is_shown_whole)
{
    memory_csv csv;
    open_text(&csv, "\"a\"\xC3\xA9\n");
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 1, 4,
                    "expected ',' or end of line after closing quote, found '\xC3\xA9'");
    close_csv(&csv);
}
END_TEST

START_TEST(test_after_closing_quote_a_control_byte_is_shown_in_hex)
{
    memory_csv csv;
    open_text(&csv, "x\n\"a\"\t\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 2, 4,
                    "expected ',' or end of line after closing quote, found byte 0x09");
    close_csv(&csv);
}
END_TEST

START_TEST(test_nul_byte_is_rejected)
{
    assert_file_fails("nul.csv", "nul.csv", 1, 2, 4, "NUL byte in CSV data");
}
END_TEST

START_TEST(test_nul_byte_inside_quoted_field_is_rejected)
{
    static const char bytes[] = "a,\"b\nc\0d\"\n";
    memory_csv csv;
    open_bytes(&csv, bytes, sizeof bytes - 1);
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 2, 2, "NUL byte in CSV data");
    close_csv(&csv);
}
END_TEST

START_TEST(test_missing_file_is_reported_with_name_and_reason)
{
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open("/nonexistent/foster/none.csv", "fixtures/none.csv", &diags);
    ck_assert_ptr_null(reader);
    EXPECT_ONE_DIAG(diags, 0, 0, "cannot open CSV file: No such file or directory");
    ck_assert_str_eq(diags.items[0].file, "fixtures/none.csv");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_read_error_is_reported_with_reason)
{
    FILE *stream = fopen("/dev/null", "w"); /* open, but not for reading */
    ck_assert_ptr_nonnull(stream);
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open_stream(stream, "out.csv", &diags);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 0, 0, "cannot read CSV file: Bad file descriptor");
    ck_assert_str_eq(diags.items[0].file, "out.csv");
    csv_close(reader);
    fclose(stream);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_calls_after_error_fail_without_new_diag)
{
    memory_csv csv;
    open_text(&csv, "a\"b\nc\n");
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_uint_eq(csv.diags.count, 1);
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_uint_eq(csv.diags.count, 1);
    close_csv(&csv);
}
END_TEST

TCase *csv_errors_tcase(void)
{
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_unterminated_quote_is_reported_where_it_opened);
    tcase_add_test(errors, test_quote_inside_unquoted_field_is_rejected);
    tcase_add_test(errors, test_text_after_closing_quote_is_rejected);
    tcase_add_test(errors, test_after_closing_quote_a_utf8_character_is_shown_whole);
    tcase_add_test(errors, test_after_closing_quote_a_control_byte_is_shown_in_hex);
    tcase_add_test(errors, test_nul_byte_is_rejected);
    tcase_add_test(errors, test_nul_byte_inside_quoted_field_is_rejected);
    tcase_add_test(errors, test_missing_file_is_reported_with_name_and_reason);
    tcase_add_test(errors, test_read_error_is_reported_with_reason);
    tcase_add_test(errors, test_calls_after_error_fail_without_new_diag);
    return errors;
}
