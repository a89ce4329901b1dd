/* test_json_stream.c — specification of the streamed top-level JSON array (json_stream.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fixture_json.h"
#include "json_stream.h"
#include "strbuf.h"

/* ---- helpers ---- */

typedef struct scan {
    json_stream stream;
    FILE *file;
    json_stream_element element;
    json_stream_problem problem;
} scan;

static void open_memory(scan *s, const char *text)
{
    memset(s, 0, sizeof *s);
    json_stream_init_memory(&s->stream, text, strlen(text));
    ck_assert_int_eq(json_stream_begin(&s->stream, &s->problem), 1);
}

/* The same text as a file, read through stdio. */
static void open_file(scan *s, const char *text, size_t length)
{
    memset(s, 0, sizeof *s);
    s->file = tmpfile();
    ck_assert_ptr_nonnull(s->file);
    ck_assert_uint_eq(fwrite(text, 1, length, s->file), length);
    rewind(s->file);
    json_stream_init_file(&s->stream, s->file);
    ck_assert_int_eq(json_stream_begin(&s->stream, &s->problem), 1);
}

static void close_scan(scan *s)
{
    json_stream_free(&s->stream);
    if (s->file)
        fclose(s->file);
}

static int next(scan *s)
{
    return json_stream_next(&s->stream, &s->element, &s->problem);
}

#define EXPECT_ELEMENT(s, text_, line_, column_)                                                   \
    do {                                                                                           \
        ck_assert_int_eq(next(s), 1);                                                              \
        ck_assert_str_eq((s)->element.text, (text_));                                              \
        ck_assert_uint_eq((s)->element.length, strlen(text_));                                     \
        ck_assert_int_eq((s)->element.start.line, (line_));                                        \
        ck_assert_int_eq((s)->element.start.column, (column_));                                    \
    } while (0)

#define EXPECT_PROBLEM(s, line_, column_, message_)                                                \
    do {                                                                                           \
        ck_assert_int_eq(next(s), -1);                                                             \
        ck_assert_int_eq((s)->problem.at.line, (line_));                                           \
        ck_assert_int_eq((s)->problem.at.column, (column_));                                       \
        ck_assert_str_eq((s)->problem.message, (message_));                                        \
    } while (0)

/* ---- elements ---- */

START_TEST(test_elements_come_one_at_a_time_with_their_places)
{
    scan s;
    open_memory(&s, "[\n  {\"model\": \"a.b\", \"pk\": 1},\n  2, \"x\",\r\n  null\n]\n");
    EXPECT_ELEMENT(&s, "{\"model\": \"a.b\", \"pk\": 1}", 2, 3);
    ck_assert_uint_eq(s.element.mark.index, 0);
    EXPECT_ELEMENT(&s, "2", 3, 3);
    EXPECT_ELEMENT(&s, "\"x\"", 3, 6);
    EXPECT_ELEMENT(&s, "null", 4, 3);
    ck_assert_uint_eq(s.element.mark.index, 3);
    ck_assert_int_eq(next(&s), 0);
    ck_assert_int_eq(next(&s), 0);
    close_scan(&s);
}
END_TEST

START_TEST(test_escapes_and_brackets_inside_strings_do_not_end_an_element)
{
    scan s;
    open_memory(&s, "[\"a\\\"]b\", \"c\\\\\", {\"k\": \"]}\", \"q\": \"\\\\\\\"[\"}]");
    EXPECT_ELEMENT(&s, "\"a\\\"]b\"", 1, 2);
    EXPECT_ELEMENT(&s, "\"c\\\\\"", 1, 11);
    EXPECT_ELEMENT(&s, "{\"k\": \"]}\", \"q\": \"\\\\\\\"[\"}", 1, 18);
    ck_assert_int_eq(next(&s), 0);
    close_scan(&s);
}
END_TEST

START_TEST(test_nested_arrays_and_objects_are_one_element)
{
    scan s;
    open_memory(&s, "[[1, [2, [3]]], {\"a\": [{}, {\"b\": [[]]}]}, []]");
    EXPECT_ELEMENT(&s, "[1, [2, [3]]]", 1, 2);
    EXPECT_ELEMENT(&s, "{\"a\": [{}, {\"b\": [[]]}]}", 1, 17);
    EXPECT_ELEMENT(&s, "[]", 1, 43);
    ck_assert_int_eq(next(&s), 0);
    close_scan(&s);
}
END_TEST

START_TEST(test_empty_array_has_no_element)
{
    scan s;
    open_memory(&s, " [ \n ] \n");
    ck_assert_int_eq(next(&s), 0);
    close_scan(&s);
}
END_TEST

START_TEST(test_byte_order_mark_is_skipped_and_not_counted)
{
    scan s;
    open_memory(&s, "\xEF\xBB\xBF[7]");
    EXPECT_ELEMENT(&s, "7", 1, 2);
    ck_assert_uint_eq(s.element.start.offset, 1);
    close_scan(&s);
}
END_TEST

/*
 * Elements far longer than one read (64 KiB), with escapes and brackets in
 * strings across the reads' boundaries, from a file: each comes whole, at
 * its line, and going back to one gives it again.
 */
START_TEST(test_elements_across_buffer_boundaries)
{
    strbuf text = STRBUF_INIT, expected = STRBUF_INIT;
    strbuf_append_str(&text, "[\n");
    enum { COUNT = 12 };
    json_stream_mark marks[COUNT];
    for (int i = 0; i < COUNT; i++) {
        strbuf_appendf(&text, "{\"n\": %d, \"s\": \"", i);
        for (int k = 0; k < 9000 + 1000 * i; k++)
            strbuf_append_str(&text, k % 3 ? "ab]}" : "\\\"[{\\\\");
        strbuf_appendf(&text, "\", \"l\": [[%d]]}%s\n", i, i + 1 < COUNT ? "," : "");
    }
    strbuf_append_str(&text, "]\n");
    ck_assert(!text.failed);
    scan s;
    open_file(&s, text.data, text.length);
    for (int i = 0; i < COUNT; i++) {
        ck_assert_int_eq(next(&s), 1);
        ck_assert_int_eq(s.element.start.line, i + 2);
        ck_assert_int_eq(s.element.start.column, 1);
        strbuf_reset(&expected);
        strbuf_appendf(&expected, "[[%d]]}", i);
        ck_assert_msg(
            s.element.length > 36000 &&
                strcmp(s.element.text + s.element.length - expected.length, expected.data) == 0,
            "element %d ends %s", i, s.element.text + s.element.length - 10);
        ck_assert(memcmp(s.element.text, text.data + s.element.start.offset, s.element.length) ==
                  0);
        marks[i] = s.element.mark;
    }
    ck_assert_int_eq(next(&s), 0);
    ck_assert_int_eq(json_stream_seek(&s.stream, &marks[3]), 0);
    ck_assert_int_eq(next(&s), 1);
    ck_assert_int_eq(s.element.start.line, 5);
    ck_assert_uint_eq(s.element.mark.index, 3);
    ck_assert(memcmp(s.element.text, "{\"n\": 3,", 8) == 0);
    ck_assert_int_eq(next(&s), 1);
    ck_assert_uint_eq(s.element.mark.index, 4);
    close_scan(&s);
    strbuf_free(&text);
    strbuf_free(&expected);
}
END_TEST

/* ---- what is wrong around the elements ---- */

START_TEST(test_truncated_file_cuts_the_element_short)
{
    scan s;
    open_memory(&s, "[1,\n {\"a\": \"b");
    EXPECT_ELEMENT(&s, "1", 1, 2);
    ck_assert_int_eq(next(&s), -1);
    ck_assert(s.problem.cut_short);
    ck_assert_str_eq(s.element.text, "{\"a\": \"b");
    ck_assert_int_eq(s.problem.at.line, 2);
    ck_assert_int_eq(s.problem.at.column, 2);
    ck_assert_int_eq(next(&s), 0);
    close_scan(&s);
}
END_TEST

START_TEST(test_unclosed_array_is_reported_at_the_end_of_the_file)
{
    scan s;
    open_memory(&s, "[\n{}\n");
    EXPECT_ELEMENT(&s, "{}", 2, 1);
    EXPECT_PROBLEM(&s, 3, 1, "']' expected near end of file");
    close_scan(&s);
}
END_TEST

START_TEST(test_garbage_after_the_array_is_reported_where_it_starts)
{
    scan s;
    open_memory(&s, "[1]\n\n  \"zz\" x");
    EXPECT_ELEMENT(&s, "1", 1, 2);
    EXPECT_PROBLEM(&s, 3, 3, "end of file expected near '\"zz\"'");
    close_scan(&s);
}
END_TEST

START_TEST(test_missing_comma_and_empty_element_are_reported_in_janssons_words)
{
    scan s;
    open_memory(&s, "[1 \"fields\"]");
    EXPECT_ELEMENT(&s, "1", 1, 2);
    EXPECT_PROBLEM(&s, 1, 4, "']' expected near '\"fields\"'");
    close_scan(&s);
    open_memory(&s, "[1,,2]");
    EXPECT_ELEMENT(&s, "1", 1, 2);
    EXPECT_PROBLEM(&s, 1, 4, "unexpected token near ','");
    close_scan(&s);
}
END_TEST

START_TEST(test_a_top_level_that_is_no_array_is_refused_where_it_starts)
{
    json_stream stream;
    json_stream_problem problem;
    json_stream_init_memory(&stream, "\n  {\"a\": 1}", 11);
    ck_assert_int_eq(json_stream_begin(&stream, &problem), -1);
    ck_assert_int_eq(problem.at.line, 2);
    ck_assert_int_eq(problem.at.column, 3);
    json_stream_free(&stream);
    json_stream_init_memory(&stream, " \n\t", 3);
    ck_assert_int_eq(json_stream_begin(&stream, &problem), 0);
    json_stream_free(&stream);
}
END_TEST

/* ---- through fixture_json_open: a file read as a stream ---- */

static bool any_column(const void *context, const char *column)
{
    (void)context;
    (void)column;
    return true;
}

/* A file of `count` objects one a line (app.a, then app.b, then one app.a),
 * each with a 200-byte string, then `tail`. Returns its path (caller frees). */
static char *write_dump(int count, const char *tail)
{
    char *path = strdup("/tmp/test_json_stream.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *file = fdopen(fd, "w");
    fputs("[\n", file);
    for (int i = 1; i <= count; i++)
        fprintf(file, "{\"model\": \"app.%s\", \"pk\": %d, \"fields\": {\"s\": \"%0200d\"}},\n",
                i <= count / 2 || i == count ? "a" : "b", i, i);
    fputs(tail, file);
    fclose(file);
    return path;
}

/* Each model's rows in file order, model b first then a (the stream goes back). */
START_TEST(test_rows_of_each_model_are_read_again_from_the_file)
{
    char *path = write_dump(2001, "{\"model\": \"app.b\", \"pk\": 0, \"fields\": {}}\n]\n");
    diag_list diags = DIAG_LIST_INIT;
    fixture_json *json = fixture_json_open(path, "fixtures/dump.json", &diags);
    ck_assert_msg(json != NULL, "%s", diags.count ? diags.items[0].message : "?");
    ck_assert_uint_eq(fixture_json_model_count(json), 2);
    const char *models[] = {"app.b", "app.a"};
    int expected_rows[] = {1001, 1001}, last_line[] = {2003, 2002};
    for (int m = 0; m < 2; m++) {
        fixture_json_table table = {models[m], "id", any_column, NULL, NULL, false};
        size_t cursor = 0;
        csv_row header, row;
        int rows = 0, rc, line = 0;
        while ((rc = fixture_json_next(json, &table, &cursor, &header, &row, &diags)) == 1) {
            ck_assert_int_gt(row.line, line);
            line = row.line;
            rows++;
        }
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(rows, expected_rows[m]);
        ck_assert_int_eq(line, last_line[m]);
    }
    ck_assert_uint_eq(diags.count, 0);
    fixture_json_free(json);
    unlink(path);
    free(path);
}
END_TEST

/* A syntax error thousands of lines (and many reads) in is named at its line and column. */
START_TEST(test_syntax_error_deep_in_the_file_is_named_where_it_is)
{
    char *path = write_dump(3000, "{\"model\": \"app.b\", \"pk\": 1 \"fields\": {}}\n]\n");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(fixture_json_open(path, "fixtures/dump.json", &diags));
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].line, 3002);
    ck_assert_int_eq(diags.items[0].column, 28);
    ck_assert_str_eq(diags.items[0].message, "invalid JSON: '}' expected near '\"fields\"'");
    diag_list_clear(&diags);
    unlink(path);
    free(path);
    path = write_dump(10, "{\"model\": \"app.b\", \"pk\": 11, \"fie");
    ck_assert_ptr_null(fixture_json_open(path, "fixtures/dump.json", &diags));
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].line, 12);
    ck_assert_str_eq(diags.items[0].message, "invalid JSON: premature end of input near '\"fie'");
    diag_list_clear(&diags);
    unlink(path);
    free(path);
}
END_TEST

static Suite *json_stream_suite(void)
{
    Suite *suite = suite_create("json_stream");
    TCase *elements = tcase_create("elements");
    tcase_add_test(elements, test_elements_come_one_at_a_time_with_their_places);
    tcase_add_test(elements, test_escapes_and_brackets_inside_strings_do_not_end_an_element);
    tcase_add_test(elements, test_nested_arrays_and_objects_are_one_element);
    tcase_add_test(elements, test_empty_array_has_no_element);
    tcase_add_test(elements, test_byte_order_mark_is_skipped_and_not_counted);
    tcase_add_test(elements, test_elements_across_buffer_boundaries);
    suite_add_tcase(suite, elements);
    TCase *problems = tcase_create("problems");
    tcase_add_test(problems, test_truncated_file_cuts_the_element_short);
    tcase_add_test(problems, test_unclosed_array_is_reported_at_the_end_of_the_file);
    tcase_add_test(problems, test_garbage_after_the_array_is_reported_where_it_starts);
    tcase_add_test(problems, test_missing_comma_and_empty_element_are_reported_in_janssons_words);
    tcase_add_test(problems, test_a_top_level_that_is_no_array_is_refused_where_it_starts);
    suite_add_tcase(suite, problems);
    TCase *files = tcase_create("fixture files");
    tcase_add_test(files, test_rows_of_each_model_are_read_again_from_the_file);
    tcase_add_test(files, test_syntax_error_deep_in_the_file_is_named_where_it_is);
    suite_add_tcase(suite, files);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(json_stream_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
