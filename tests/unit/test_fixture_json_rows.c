/*
 * test_fixture_json_rows.c — objects read as rows: which objects a table gets and in what
 * order, when the header changes, what each JSON value becomes, and ten thousand objects read
 * in linear time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "test_fixture_json.h"

/* ---- iteration ---- */

START_TEST(test_objects_of_other_models_are_skipped)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {}},\n"
                 " {\"model\": \"app.other\", \"pk\": 2, \"fields\": {\"x\": 1}},\n"
                 " {\"model\": \"app.thing\", \"pk\": 3, \"fields\": {}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "1");
    ck_assert_int_eq(p.row.line, 1);
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "3");
    ck_assert_int_eq(p.row.line, 3);
    ck_assert_int_eq(next(&p), 0);
    done(&p);
}
END_TEST

START_TEST(test_end_of_objects_returns_zero_on_every_later_call)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {}}]");
    ck_assert_int_eq(next(&p), 1);
    ck_assert_int_eq(next(&p), 0);
    ck_assert_int_eq(next(&p), 0);
    ck_assert_uint_eq(p.diags.count, 0);
    done(&p);
}
END_TEST

START_TEST(test_model_absent_from_the_file_has_no_rows)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {}}]");
    p.table.model = "app.missing";
    ck_assert_int_eq(next(&p), 0);
    ck_assert_uint_eq(p.diags.count, 0);
    done(&p);
}
END_TEST

START_TEST(test_models_compare_case_insensitively)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"App.Thing\", \"pk\": 1, \"fields\": {}},\n"
                 " {\"model\": \"app.thing\", \"pk\": 2, \"fields\": {}}]");
    ck_assert_uint_eq(fixture_json_model_count(p.json), 1);
    ck_assert_str_eq(fixture_json_model(p.json, 0), "App.Thing");
    p.table.model = "APP.THING";
    ck_assert_int_eq(next(&p), 1);
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "2");
    ck_assert_int_eq(next(&p), 0);
    done(&p);
}
END_TEST

START_TEST(test_same_fields_give_the_same_header_and_new_fields_a_new_one)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"name\": \"a\"}},\n"
                 " {\"model\": \"app.thing\", \"pk\": 2, \"fields\": {\"name\": \"b\"}},\n"
                 " {\"model\": \"app.thing\", \"pk\": 3, \"fields\": {\"note\": \"c\"}}]");
    ck_assert_int_eq(next(&p), 1);
    /* the caller keeps a copy of the header it is loading with */
    csv_field kept_fields[2] = {p.header.fields[0], p.header.fields[1]};
    char kept_names[2][8];
    for (int i = 0; i < 2; i++) {
        snprintf(kept_names[i], sizeof kept_names[i], "%s", p.header.fields[i].value);
        kept_fields[i].value = kept_names[i];
    }
    csv_row kept = {kept_fields, 2, p.header.line};
    ck_assert_int_eq(next(&p), 1);
    ck_assert(fixture_json_same_header(&kept, &p.header));
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "note");
    ck_assert(!fixture_json_same_header(&kept, &p.header));
    done(&p);
}
END_TEST

START_TEST(test_same_header_needs_the_same_names_in_the_same_order)
{
    csv_field ab[] = {{"a", 1, false, 1, 1}, {"b", 1, false, 1, 3}};
    csv_field ab_elsewhere[] = {{"a", 1, false, 7, 2}, {"b", 1, false, 8, 2}};
    csv_field ba[] = {{"b", 1, false, 1, 1}, {"a", 1, false, 1, 3}};
    csv_field abc[] = {{"a", 1, false, 1, 1}, {"b", 1, false, 1, 3}, {"c", 1, false, 1, 5}};
    csv_field a_bc[] = {{"a", 1, false, 1, 1}, {"bc", 2, false, 1, 3}};
    csv_row row_ab = {ab, 2, 1}, row_ab_elsewhere = {ab_elsewhere, 2, 7}, row_ba = {ba, 2, 1};
    csv_row row_abc = {abc, 3, 1}, row_a_bc = {a_bc, 2, 1};
    ck_assert(fixture_json_same_header(&row_ab, &row_ab_elsewhere));
    ck_assert(!fixture_json_same_header(&row_ab, &row_ba));
    ck_assert(!fixture_json_same_header(&row_ab, &row_abc));
    ck_assert(!fixture_json_same_header(&row_ab, &row_a_bc));
}
END_TEST

/* ---- values ---- */

START_TEST(test_null_is_sql_null)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"note\": null}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "note");
    ck_assert(p.row.fields[1].is_null);
    ck_assert_str_eq(p.row.fields[1].value, "");
    ck_assert(!p.row.fields[0].is_null);
    done(&p);
}
END_TEST

START_TEST(test_true_and_false_are_one_and_zero)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"fields\": {\"flag\": true, \"note\": false}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "1", "0");
    ck_assert(!p.row.fields[0].is_null);
    done(&p);
}
END_TEST

START_TEST(test_numbers_keep_the_text_they_were_written_with)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 12345678901234567890123, \"fields\": "
                 "{\"amount\": 1.10, \"note\": -2.5E-3, \"flag\": 0}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "12345678901234567890123", "1.10", "-2.5E-3", "0");
    done(&p);
}
END_TEST

START_TEST(test_strings_are_unescaped_utf8)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"fields\": "
                 "{\"name\": \"a\\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00/\\/\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "a\"b\\c\nd\xc3\xa9\xf0\x9f\x98\x80//");
    done(&p);
}
END_TEST

START_TEST(test_nested_object_and_list_become_compact_json_text)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"fields\": {\n"
                 "  \"data\": {\"a\": [1, 2.50, {\"b\": null}],\n"
                 "           \"c\": \"x y\\\" }\"},\n"
                 "  \"tags\": [ \"red\" , \"blue\" ]\n"
                 "}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "data", "tags");
    EXPECT_COLUMNS(p.row, "{\"a\":[1,2.50,{\"b\":null}],\"c\":\"x y\\\" }\"}",
                   "[\"red\",\"blue\"]");
    ck_assert_int_eq(p.row.fields[1].line, 4);
    ck_assert_int_eq(p.row.fields[1].column, 11);
    done(&p);
}
END_TEST

START_TEST(test_string_pk_fills_the_primary_key_column)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": \"3f2a\", \"fields\": {\"name\": \"x\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "name");
    EXPECT_COLUMNS(p.row, "3f2a", "x");
    done(&p);
}
END_TEST

START_TEST(test_escaped_keys_are_decoded)
{
    parsed p;
    parse_ok(&p,
             "[{\"model\": \"app.thing\", \"p\\u006b\": 5, \"fields\": {\"n\\u0061me\": \"x\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "name");
    EXPECT_COLUMNS(p.row, "5", "x");
    ck_assert_int_eq(p.row.fields[1].column, 63);
    done(&p);
}
END_TEST

/* ---- size ---- */

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/*
 * A dump of `count` objects, one a line, alternating app.thing and app.other;
 * returns the seconds taken to parse it and read every app.thing row, which
 * the last row is left in `p` for the caller to check (and free).
 */
static double seconds_to_read(parsed *p, int count, int *rows)
{
    strbuf text = STRBUF_INIT;
    strbuf_append_str(&text, "[\n");
    for (int i = 1; i <= count; i++)
        strbuf_appendf(&text,
                       "{\"model\": \"app.%s\", \"pk\": %d, \"fields\": {\"name\": \"n%d\", "
                       "\"note\": \"%060d\", \"owner\": %d}}%s\n",
                       i % 2 ? "thing" : "other", i, i, i, i % 7, i < count ? "," : "");
    strbuf_append_str(&text, "]\n");
    ck_assert(!text.failed);
    double start = seconds_now();
    parse_ok(p, strbuf_str(&text));
    *rows = 0;
    int rc;
    while ((rc = next(p)) == 1)
        (*rows)++;
    double elapsed = seconds_now() - start;
    ck_assert_int_eq(rc, 0);
    strbuf_free(&text);
    return elapsed;
}

START_TEST(test_ten_thousand_objects_load_in_linear_time)
{
    parsed small, large;
    int small_rows, large_rows;
    double small_seconds = seconds_to_read(&small, 1000, &small_rows);
    double large_seconds = seconds_to_read(&large, 10000, &large_rows);
    ck_assert_int_eq(small_rows, 500);
    ck_assert_int_eq(large_rows, 5000);
    /* the last app.thing row is object 9999, on line 10000 (line 1 is "[") */
    ck_assert_int_eq(large.row.line, 10000);
    EXPECT_COLUMNS(large.header, "id", "name", "note", "owner_id");
    ck_assert_str_eq(large.row.fields[1].value, "n9999");
    ck_assert_int_eq(large.row.fields[3].line, 10000);
    ck_assert_uint_eq(large.diags.count, 0);
    /*
     * Ten times the objects should take about ten times as long (0.05 s here,
     * a few seconds under valgrind); rescanning the text for each object makes
     * it a hundred times. Short runs are too noisy to compare, so only a slow
     * one counts.
     */
    ck_assert_msg(large_seconds < 1.0 || large_seconds < 40 * small_seconds,
                  "10,000 objects took %.2f s, 1,000 took %.3f s", large_seconds, small_seconds);
    done(&small);
    done(&large);
}
END_TEST

TCase *fixture_json_iteration_tcase(void)
{
    TCase *iteration = tcase_create("iteration");
    tcase_add_test(iteration, test_objects_of_other_models_are_skipped);
    tcase_add_test(iteration, test_end_of_objects_returns_zero_on_every_later_call);
    tcase_add_test(iteration, test_model_absent_from_the_file_has_no_rows);
    tcase_add_test(iteration, test_models_compare_case_insensitively);
    tcase_add_test(iteration, test_same_fields_give_the_same_header_and_new_fields_a_new_one);
    tcase_add_test(iteration, test_same_header_needs_the_same_names_in_the_same_order);
    return iteration;
}

TCase *fixture_json_values_tcase(void)
{
    TCase *values = tcase_create("values");
    tcase_add_test(values, test_null_is_sql_null);
    tcase_add_test(values, test_true_and_false_are_one_and_zero);
    tcase_add_test(values, test_numbers_keep_the_text_they_were_written_with);
    tcase_add_test(values, test_strings_are_unescaped_utf8);
    tcase_add_test(values, test_nested_object_and_list_become_compact_json_text);
    tcase_add_test(values, test_string_pk_fills_the_primary_key_column);
    tcase_add_test(values, test_escaped_keys_are_decoded);
    return values;
}

TCase *fixture_json_size_tcase(void)
{
    TCase *size = tcase_create("size");
    tcase_set_timeout(size, 60);
    tcase_add_test(size, test_ten_thousand_objects_load_in_linear_time);
    return size;
}
