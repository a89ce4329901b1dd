/*
 * test_csv_rows.c — where rows end (LF, CRLF, a lone CR, the end of the file), the byte
 * order mark, and the line and column of each field.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_csv.h"

/* ---- rows and line ends ---- */

START_TEST(test_simple_rows_split_at_commas)
{
    memory_csv csv;
    open_text(&csv, "id,name,x\n1,abc,yz\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(csv.row.line, 1);
    EXPECT_FIELD(csv.row, 0, "id", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "name", false, 1, 4);
    EXPECT_FIELD(csv.row, 2, "x", false, 1, 9);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(csv.row.line, 2);
    EXPECT_FIELD(csv.row, 0, "1", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "abc", false, 2, 3);
    EXPECT_FIELD(csv.row, 2, "yz", false, 2, 7);
    ck_assert_int_eq(next(&csv), 0);
    ck_assert_uint_eq(csv.diags.count, 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_crlf_ends_rows_without_leaving_cr_in_values)
{
    memory_csv csv;
    open_text(&csv, "a,b\r\nc,d\r\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 1, "b", false, 1, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    ck_assert_uint_eq(csv.row.count, 2);
    EXPECT_FIELD(csv.row, 0, "c", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "d", false, 2, 3);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_lone_cr_ends_rows)
{
    memory_csv csv;
    open_text(&csv, "a\rb,c\rd");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "a", false, 1, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    EXPECT_FIELD(csv.row, 1, "c", false, 2, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 3);
    EXPECT_FIELD(csv.row, 0, "d", false, 3, 1);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_final_row_without_line_end_is_read)
{
    memory_csv csv;
    open_text(&csv, "a,b\nc,\"d\"");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 2);
    EXPECT_FIELD(csv.row, 0, "c", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "d", false, 2, 3);
    ck_assert_int_eq(next(&csv), 0);
    ck_assert_int_eq(next(&csv), 0); /* end of file stays end of file */
    close_csv(&csv);
}
END_TEST

START_TEST(test_empty_file_has_no_rows)
{
    FILE *stream = tmpfile();
    ck_assert_ptr_nonnull(stream);
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open_stream(stream, NULL, &diags);
    ck_assert_str_eq(csv_name(reader), "<stream>");
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    fclose(stream);
}
END_TEST

START_TEST(test_utf8_bom_is_skipped_and_not_counted_in_columns)
{
    char *path = data_path("bom_crlf.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "bom_crlf.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_uint_eq(row.count, 2);
    EXPECT_FIELD(row, 0, "id", false, 1, 1);
    EXPECT_FIELD(row, 1, "name", false, 1, 4);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    EXPECT_FIELD(row, 1, "", false, 2, 3); /* "" */
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 3);
    EXPECT_FIELD(row, 1, "", true, 3, 3); /* nothing after the comma */
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_int_eq(csv_offset(reader), 22); /* the whole file, BOM included */
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    free(path);
}
END_TEST

START_TEST(test_file_of_only_a_bom_has_no_rows)
{
    memory_csv csv;
    open_text(&csv, "\xEF\xBB\xBF");
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_columns_count_bytes_not_characters)
{
    static const expected_field expected[] = {
        {0, "\xC3\xA9t\xC3\xA9", false, 1, 1},
        {1, "x", false, 1, 7},
    };
    check_first_row("\xC3\xA9t\xC3\xA9,x\n", 2, expected, LENGTH(expected));
}
END_TEST

START_TEST(test_rows_may_have_different_field_counts)
{
    memory_csv csv;
    open_text(&csv, "a,b,c\nd\ne,f\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 2);
    ck_assert_uint_eq(csv.diags.count, 0);
    close_csv(&csv);
}
END_TEST

TCase *csv_rows_tcase(void)
{
    TCase *rows = tcase_create("rows");
    tcase_add_test(rows, test_simple_rows_split_at_commas);
    tcase_add_test(rows, test_crlf_ends_rows_without_leaving_cr_in_values);
    tcase_add_test(rows, test_lone_cr_ends_rows);
    tcase_add_test(rows, test_final_row_without_line_end_is_read);
    tcase_add_test(rows, test_empty_file_has_no_rows);
    tcase_add_test(rows, test_utf8_bom_is_skipped_and_not_counted_in_columns);
    tcase_add_test(rows, test_file_of_only_a_bom_has_no_rows);
    tcase_add_test(rows, test_columns_count_bytes_not_characters);
    tcase_add_test(rows, test_rows_may_have_different_field_counts);
    return rows;
}
