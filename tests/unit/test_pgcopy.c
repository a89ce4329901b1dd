/*
 * test_pgcopy.c — fixture rows in COPY's CSV form, and the server's record
 * numbers mapped back to fixture lines.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h" /* csv_field: the fixture rows pgcopy.h takes (backend_field) */
#include "pgcopy.h"

static const char *encode(const char *value, size_t length, bool is_null)
{
    static strbuf sb = STRBUF_INIT;
    strbuf_reset(&sb);
    csv_field field = {.value = value, .length = length, .is_null = is_null};
    pg_copy_append_field(&sb, &field);
    return strbuf_str(&sb);
}

START_TEST(test_null_is_written_as_nothing)
{
    ck_assert_str_eq(encode("", 0, true), "");
}
END_TEST

START_TEST(test_empty_string_is_quoted_so_it_is_not_null)
{
    ck_assert_str_eq(encode("", 0, false), "\"\"");
}
END_TEST

START_TEST(test_plain_value_is_written_as_it_is)
{
    ck_assert_str_eq(encode("Acme 42", 7, false), "Acme 42");
}
END_TEST

START_TEST(test_separators_quotes_and_newlines_are_quoted)
{
    ck_assert_str_eq(encode("a,b", 3, false), "\"a,b\"");
    ck_assert_str_eq(encode("say \"hi\"", 8, false), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(encode("two\nlines", 9, false), "\"two\nlines\"");
    ck_assert_str_eq(encode("cr\r", 3, false), "\"cr\r\"");
}
END_TEST

START_TEST(test_end_of_data_marker_is_quoted)
{
    ck_assert_str_eq(encode("\\.", 2, false), "\"\\.\"");
}
END_TEST

START_TEST(test_consecutive_lines_map_directly)
{
    pg_copy_lines lines = {0};
    for (int line = 2; line <= 1001; line++)
        ck_assert_int_eq(pg_copy_note_line(&lines, line), 0);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 1), 2);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 500), 501);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 1000), 1001);
    ck_assert_int_eq(lines.count, 1); /* one jump stored for a thousand records */
    pg_copy_lines_free(&lines);
}
END_TEST

START_TEST(test_multiline_record_shifts_the_lines_after_it)
{
    pg_copy_lines lines = {0};
    /* record 2 spans lines 3-5 (a quoted field with two newlines) */
    int starts[] = {2, 3, 6, 7, 9};
    for (size_t i = 0; i < 5; i++)
        pg_copy_note_line(&lines, starts[i]);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 1), 2);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 2), 3);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 3), 6);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 4), 7);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 5), 9);
    ck_assert_int_eq(pg_copy_line_of_record(&lines, 6), 0); /* never sent */
    pg_copy_lines_free(&lines);
}
END_TEST

START_TEST(test_context_gives_record_and_column)
{
    char column[64];
    ck_assert_int_eq(
        pg_copy_context_record("COPY child, line 4, column qty: \"abc\"", column, sizeof column),
        4);
    ck_assert_str_eq(column, "qty");
    ck_assert_int_eq(pg_copy_context_record("COPY child, line 12", column, sizeof column), 12);
    ck_assert_str_eq(column, "");
    ck_assert_int_eq(pg_copy_context_record(NULL, column, sizeof column), 0);
    ck_assert_int_eq(pg_copy_context_record("SQL statement", column, sizeof column), 0);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("pgcopy");
    TCase *tc = tcase_create("pgcopy");
    tcase_add_test(tc, test_null_is_written_as_nothing);
    tcase_add_test(tc, test_empty_string_is_quoted_so_it_is_not_null);
    tcase_add_test(tc, test_plain_value_is_written_as_it_is);
    tcase_add_test(tc, test_separators_quotes_and_newlines_are_quoted);
    tcase_add_test(tc, test_end_of_data_marker_is_quoted);
    tcase_add_test(tc, test_consecutive_lines_map_directly);
    tcase_add_test(tc, test_multiline_record_shifts_the_lines_after_it);
    tcase_add_test(tc, test_context_gives_record_and_column);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
