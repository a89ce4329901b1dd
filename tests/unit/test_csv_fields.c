/*
 * test_csv_fields.c — what a field holds: quoted commas, line ends and doubled quotes, and
 * NULL (an unquoted empty field) as against the empty string ("").
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_csv.h"

/* ---- quoting ---- */

START_TEST(test_quoted_field_keeps_commas)
{
    static const expected_field expected[] = {
        {0, "a,b", false, 1, 1},
        {1, "c", false, 1, 7},
    };
    check_first_row("\"a,b\",c\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_quoted_newlines_are_data_and_later_rows_count_them)
{
    char *path = data_path("multiline.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, NULL, &diags);
    ck_assert_ptr_nonnull(reader);
    ck_assert_str_eq(csv_name(reader), path);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 2);
    ck_assert_uint_eq(row.count, 3);
    EXPECT_FIELD(row, 0, "1", false, 2, 1);
    EXPECT_FIELD(row, 1, "first line\nsecond line", false, 2, 3);
    EXPECT_FIELD(row, 2, "a", false, 3, 14);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 4);
    EXPECT_FIELD(row, 1, "x, \"y\"\n", false, 4, 3);
    EXPECT_FIELD(row, 2, "b", false, 5, 3);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 6);
    EXPECT_FIELD(row, 1, "plain", false, 6, 3);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    free(path);
}
END_TEST

START_TEST(test_quoted_crlf_is_kept_verbatim_and_counts_as_one_line)
{
    memory_csv csv;
    open_text(&csv, "\"a\r\nb\",c\nd\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "a\r\nb", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "c", false, 2, 4);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 3);
    close_csv(&csv);
}
END_TEST

START_TEST(test_doubled_quote_is_one_quote)
{
    static const expected_field expected[] = {
        {0, "say \"hi\"", false, 1, 1},
        {1, "\"", false, 1, 14},
    };
    check_first_row("\"say \"\"hi\"\"\",\"\"\"\"\n", 2, expected, LENGTH(expected));
}
END_TEST

/* ---- NULL ---- */

START_TEST(test_unquoted_empty_field_is_null)
{
    static const expected_field expected[] = {
        {0, "", true, 1, 1},
        {1, "x", false, 1, 2},
        {2, "", true, 1, 4},
        {3, "y", false, 1, 5},
    };
    check_first_row(",x,,y\n", 4, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_quoted_empty_field_is_empty_string)
{
    static const expected_field expected[] = {
        {0, "", false, 1, 1},
        {1, "x", false, 1, 4},
    };
    check_first_row("\"\",x\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_quoted_and_unquoted_text_are_not_null)
{
    static const expected_field expected[] = {
        {0, "ab", false, 1, 1},
        {1, "ab", false, 1, 6},
    };
    check_first_row("\"ab\",ab\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_trailing_comma_adds_null_field)
{
    memory_csv csv;
    open_text(&csv, "a,\nb,\r\nc,");
    for (int line = 1; line <= 3; line++) {
        ck_assert_int_eq(next(&csv), 1);
        ck_assert_int_eq(csv.row.line, line);
        ck_assert_uint_eq(csv.row.count, 2);
        EXPECT_FIELD(csv.row, 1, "", true, line, 3);
    }
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_blank_line_is_one_null_field)
{
    memory_csv csv;
    open_text(&csv, "a\n\nb\r\n\r\nc\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    ck_assert_uint_eq(csv.row.count, 1);
    EXPECT_FIELD(csv.row, 0, "", true, 2, 1);
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "b", false, 3, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 1);
    EXPECT_FIELD(csv.row, 0, "", true, 4, 1);
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "c", false, 5, 1);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

TCase *csv_quoting_tcase(void)
{
    TCase *quoting = tcase_create("quoting");
    tcase_add_test(quoting, test_quoted_field_keeps_commas);
    tcase_add_test(quoting, test_quoted_newlines_are_data_and_later_rows_count_them);
    tcase_add_test(quoting, test_quoted_crlf_is_kept_verbatim_and_counts_as_one_line);
    tcase_add_test(quoting, test_doubled_quote_is_one_quote);
    return quoting;
}

TCase *csv_null_tcase(void)
{
    TCase *nulls = tcase_create("null");
    tcase_add_test(nulls, test_unquoted_empty_field_is_null);
    tcase_add_test(nulls, test_quoted_empty_field_is_empty_string);
    tcase_add_test(nulls, test_quoted_and_unquoted_text_are_not_null);
    tcase_add_test(nulls, test_trailing_comma_adds_null_field);
    tcase_add_test(nulls, test_blank_line_is_one_null_field);
    return nulls;
}
