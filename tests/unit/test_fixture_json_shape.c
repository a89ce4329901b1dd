/*
 * test_fixture_json_shape.c — what the file must look like: a JSON list of objects with
 * "model" and "fields"; each syntax error or malformed object reported at its line and column.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_fixture_json.h"

/* Parsing `text` fails with exactly one problem, at mem.json:`line`:`column`, saying `message`. */
static void assert_parse_fails(const char *text, int line, int column, const char *message)
{
    parsed p;
    parse_failing(&p, text);
    EXPECT_ONE_DIAG(p.diags, line, column, message);
    done(&p);
}

/* ---- what the file must look like ---- */

START_TEST(test_syntax_error_is_reported_at_the_offending_token)
{
    assert_parse_fails("[\n  {\"model\": \"a.b\" \"fields\": {}}\n]", 2, 19,
                       "invalid JSON: '}' expected near '\"fields\"'");
}
END_TEST

START_TEST(test_syntax_error_column_counts_bytes)
{
    assert_parse_fails("[\"\xc3\xa9\", tru]", 1, 8, "invalid JSON: invalid token near 'tru'");
}
END_TEST

START_TEST(test_unclosed_list_is_reported_at_end_of_file)
{
    assert_parse_fails("[\n{\"model\": \"a.b\", \"fields\": {}}\n", 3, 1,
                       "invalid JSON: ']' expected near end of file");
}
END_TEST

START_TEST(test_duplicate_keys_are_rejected_at_the_second_one)
{
    assert_parse_fails("[{\"model\": \"a.b\", \"fields\": {\n"
                       "  \"name\": \"x\",\n"
                       "  \"name\": \"y\"}}]",
                       3, 3, "invalid JSON: duplicate object key near '\"name\"'");
}
END_TEST

START_TEST(test_top_level_object_is_not_a_list)
{
    assert_parse_fails("\n  {\"model\": \"a.b\", \"fields\": {}}", 2, 3,
                       "expected a list of objects with \"model\" and \"fields\", found an object");
}
END_TEST

START_TEST(test_element_that_is_not_an_object_is_reported_where_it_starts)
{
    assert_parse_fails("[\n  {\"model\": \"a.b\", \"fields\": {}},\n  [1, 2]\n]", 3, 3,
                       "expected an object with \"model\" and \"fields\", found a list");
}
END_TEST

START_TEST(test_object_without_model_is_reported_at_its_line)
{
    assert_parse_fails(
        "[\n{\"model\": \"a.b\", \"fields\": {}},\n{\"pk\": 2, \"fields\": {}}]", 3, 1,
        "expected an object with \"model\" and \"fields\"; this one has no \"model\"");
}
END_TEST

START_TEST(test_model_without_app_label_is_reported)
{
    assert_parse_fails(
        "[{\"model\": \"user\", \"fields\": {}}]", 1, 2,
        "expected an object with \"model\" and \"fields\"; \"model\" must be a string "
        "\"app_label.model_name\"");
}
END_TEST

START_TEST(test_object_without_fields_is_reported)
{
    assert_parse_fails(
        "[{\"model\": \"a.b\", \"pk\": 1}]", 1, 2,
        "expected an object with \"model\" and \"fields\"; this one has no \"fields\"");
}
END_TEST

START_TEST(test_fields_that_are_not_an_object_are_reported)
{
    assert_parse_fails("[{\"model\": \"a.b\", \"fields\": [1]}]", 1, 2,
                       "expected an object with \"model\" and \"fields\"; \"fields\" must be an "
                       "object of field names and values");
}
END_TEST

START_TEST(test_pk_that_is_neither_number_nor_string_is_reported)
{
    assert_parse_fails(
        "[{\"model\": \"a.b\", \"pk\": [\"alice\"], \"fields\": {}}]", 1, 2,
        "expected an object with \"model\" and \"fields\"; \"pk\" must be a number or "
        "a string");
}
END_TEST

START_TEST(test_every_malformed_object_is_reported)
{
    parsed p;
    parse_failing(&p, "[\n{\"fields\": {}},\n{\"model\": \"a.b\", \"fields\": {}},\n\"x\"\n]");
    ck_assert_uint_eq(p.diags.count, 2);
    ck_assert_int_eq(p.diags.items[0].line, 2);
    ck_assert_int_eq(p.diags.items[1].line, 4);
    ck_assert_str_eq(p.diags.items[1].message,
                     "expected an object with \"model\" and \"fields\", found a string");
    done(&p);
}
END_TEST

START_TEST(test_empty_list_has_no_models_and_no_rows)
{
    parsed p;
    parse_ok(&p, "[]\n");
    ck_assert_uint_eq(fixture_json_model_count(p.json), 0);
    ck_assert_int_eq(next(&p), 0);
    ck_assert_uint_eq(p.diags.count, 0);
    done(&p);
}
END_TEST

START_TEST(test_empty_file_is_an_error)
{
    assert_parse_fails(" \n", 1, 0,
                       "empty file; expected a list of objects with \"model\" and \"fields\"");
}
END_TEST

START_TEST(test_byte_order_mark_is_skipped_and_not_counted_in_columns)
{
    parsed p;
    parse_ok(&p, "\xef\xbb\xbf[{\"model\": \"app.thing\", \"pk\": 7, \"fields\": {}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "7");
    ck_assert_int_eq(p.row.fields[0].column, 31);
    done(&p);
}
END_TEST

START_TEST(test_crlf_ends_one_line)
{
    parsed p;
    parse_ok(&p, "[\r\n{\"model\": \"app.thing\",\r\n \"pk\": 7,\r\n \"fields\": {}}\r\n]\r\n");
    ck_assert_int_eq(next(&p), 1);
    ck_assert_int_eq(p.row.line, 2);
    ck_assert_int_eq(p.row.fields[0].line, 3);
    ck_assert_int_eq(p.row.fields[0].column, 8);
    done(&p);
}
END_TEST

START_TEST(test_missing_file_is_reported_with_the_system_reason)
{
    diag_list diags = DIAG_LIST_INIT;
    char *path = data_path("no-such-file.json");
    ck_assert_ptr_null(fixture_json_open(path, "fixtures/no-such-file.json", &diags));
    free(path);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "fixtures/no-such-file.json");
    ck_assert_int_eq(diags.items[0].line, 0);
    ck_assert_str_eq(diags.items[0].message, "cannot open JSON file: No such file or directory");
    diag_list_clear(&diags);
}
END_TEST

TCase *fixture_json_shape_tcase(void)
{
    TCase *shape = tcase_create("shape");
    tcase_add_test(shape, test_syntax_error_is_reported_at_the_offending_token);
    tcase_add_test(shape, test_syntax_error_column_counts_bytes);
    tcase_add_test(shape, test_unclosed_list_is_reported_at_end_of_file);
    tcase_add_test(shape, test_duplicate_keys_are_rejected_at_the_second_one);
    tcase_add_test(shape, test_top_level_object_is_not_a_list);
    tcase_add_test(shape, test_element_that_is_not_an_object_is_reported_where_it_starts);
    tcase_add_test(shape, test_object_without_model_is_reported_at_its_line);
    tcase_add_test(shape, test_model_without_app_label_is_reported);
    tcase_add_test(shape, test_object_without_fields_is_reported);
    tcase_add_test(shape, test_fields_that_are_not_an_object_are_reported);
    tcase_add_test(shape, test_pk_that_is_neither_number_nor_string_is_reported);
    tcase_add_test(shape, test_every_malformed_object_is_reported);
    tcase_add_test(shape, test_empty_list_has_no_models_and_no_rows);
    tcase_add_test(shape, test_empty_file_is_an_error);
    tcase_add_test(shape, test_byte_order_mark_is_skipped_and_not_counted_in_columns);
    tcase_add_test(shape, test_crlf_ends_one_line);
    tcase_add_test(shape, test_missing_file_is_reported_with_the_system_reason);
    return shape;
}
