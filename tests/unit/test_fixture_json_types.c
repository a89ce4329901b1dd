/*
 * test_fixture_json_types.c — values for json/jsonb and array columns (json_column.h): a JSON
 * list as a PostgreSQL array literal, a column's kind from its written type, and the reader
 * giving a Django ArrayField (a string holding a JSON list, or a list) and a JSONField bare
 * string to such columns, or refusing what is no list, at the value.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_column.h"
#include "test_fixture_json.h"

/* ---- a JSON list as a PostgreSQL array literal ---- */

static const struct {
    const char *json;
    const char *literal;
} array_cases[] = {
    {"[\"a\", \"b,c\"]", "{\"a\",\"b,c\"}"},
    {"[]", "{}"},
    {" [ ] ", "{}"},
    {"[\"say \\\"hi\\\"\"]", "{\"say \\\"hi\\\"\"}"},
    {"[\"C:\\\\dir\\\\\"]", "{\"C:\\\\dir\\\\\"}"},
    {"[\"{x}\", \"a b\", \"\", \"NULL\"]", "{\"{x}\",\"a b\",\"\",\"NULL\"}"},
    {"[\"caf\\u00e9\", \"\xe2\x82\xac\", \"\\ud83d\\ude00\"]",
     "{\"caf\xc3\xa9\",\"\xe2\x82\xac\",\"\xf0\x9f\x98\x80\"}"},
    {"[\"tab\\there\", \"line\\nend\"]", "{\"tab\there\",\"line\nend\"}"},
    {"[null, \"x\", null]", "{NULL,\"x\",NULL}"},
    {"[1, -2, 3.10, 1e3]", "{\"1\",\"-2\",\"3.10\",\"1e3\"}"},
    {"[true, false]", "{\"true\",\"false\"}"},
    {"[[1, 2], [3, null]]", "{{\"1\",\"2\"},{\"3\",NULL}}"},
    {"[[[\"a\"]], [[\"b\"]]]", "{{{\"a\"}},{{\"b\"}}}"},
    {"[{\"k\": [1, \"a\\\"b\"]}, {}]", "{\"{\\\"k\\\":[1,\\\"a\\\\\\\"b\\\"]}\",\"{}\"}"},
};

START_TEST(test_json_list_becomes_an_array_literal)
{
    const char *json = array_cases[_i].json;
    strbuf out = STRBUF_INIT;
    strbuf_append_str(&out, "kept:");
    ck_assert_int_eq(json_column_append_pg_array(&out, json, 0, strlen(json)), 0);
    ck_assert_msg(strcmp(strbuf_str(&out) + 5, array_cases[_i].literal) == 0, "%s gave %s, not %s",
                  json, strbuf_str(&out) + 5, array_cases[_i].literal);
    strbuf_free(&out);
}
END_TEST

START_TEST(test_value_that_is_no_list_appends_nothing)
{
    static const char *const not_lists[] = {"\"a\"", "{\"a\": 1}",      "1", "null", "true",
                                            "",      "[\"nul\\u0000\"]"};
    for (size_t i = 0; i < sizeof not_lists / sizeof not_lists[0]; i++) {
        strbuf out = STRBUF_INIT;
        strbuf_append_str(&out, "kept");
        ck_assert_int_eq(json_column_append_pg_array(&out, not_lists[i], 0, strlen(not_lists[i])),
                         -1);
        ck_assert_str_eq(strbuf_str(&out), "kept");
        strbuf_free(&out);
    }
}
END_TEST

/* ---- a column's kind from its type ---- */

static const struct {
    const char *type;
    json_column_kind kind;
} type_cases[] = {
    {"text[]", JSON_COLUMN_ARRAY},
    {"integer[]", JSON_COLUMN_ARRAY},
    {"character varying(20)[]", JSON_COLUMN_ARRAY},
    {"integer[][]", JSON_COLUMN_ARRAY},
    {"int[3]", JSON_COLUMN_ARRAY},
    {"integer ARRAY", JSON_COLUMN_ARRAY},
    {"jsonb[]", JSON_COLUMN_ARRAY},
    {"jsonb", JSON_COLUMN_DOCUMENT},
    {"json", JSON_COLUMN_DOCUMENT},
    {"JSONB", JSON_COLUMN_DOCUMENT},
    {"pg_catalog.jsonb", JSON_COLUMN_DOCUMENT},
    {"text", JSON_COLUMN_PLAIN},
    {"jsonpath", JSON_COLUMN_PLAIN},
    {"public.arrayish", JSON_COLUMN_PLAIN},
    {"\"odd[]\"", JSON_COLUMN_PLAIN},
    {NULL, JSON_COLUMN_PLAIN},
};

START_TEST(test_kind_of_column_type)
{
    ck_assert_msg(json_column_kind_of_type(type_cases[_i].type) == type_cases[_i].kind, "type %s",
                  type_cases[_i].type ? type_cases[_i].type : "(null)");
}
END_TEST

/* ---- the reader, for a table whose "tags" is text[] and "data" jsonb ---- */

static json_column_kind thing_kind(const void *context, const char *column)
{
    (void)context;
    if (strcmp(column, "tags") == 0)
        return JSON_COLUMN_ARRAY;
    return strcmp(column, "data") == 0 ? JSON_COLUMN_DOCUMENT : JSON_COLUMN_PLAIN;
}

/* The one row of `text`'s fields for the typed table; `literals`: arrays as PostgreSQL's. */
static void typed_row(parsed *p, const char *fields, bool literals)
{
    char text[512];
    snprintf(text, sizeof text, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": %s}]", fields);
    parse_ok(p, text);
    p->table.column_kind = thing_kind;
    p->table.array_literals = literals;
}

/* The one row of `fields` has pk 1 and `tags` as `expected` (`literals`: PostgreSQL's). */
static void expect_tags(const char *fields, bool literals, const char *expected)
{
    parsed p;
    typed_row(&p, fields, literals);
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "1", expected);
    done(&p);
}

START_TEST(test_django_array_field_string_fills_an_array_column)
{
    expect_tags("{\"tags\": \"[\\\"a\\\", \\\"b,c\\\"]\"}", true, "{\"a\",\"b,c\"}");
    expect_tags("{\"tags\": \"[\\\"a\\\", \\\"b,c\\\"]\"}", false, "[\"a\",\"b,c\"]");
}
END_TEST

START_TEST(test_json_list_fills_an_array_column)
{
    expect_tags("{\"tags\": [\"a\", null, \"b,c\"]}", true, "{\"a\",NULL,\"b,c\"}");
    expect_tags("{\"tags\": [\"a\", null, \"b,c\"]}", false, "[\"a\",null,\"b,c\"]");
}
END_TEST

/* A literal written by hand for PostgreSQL, as fixtures had before Django's forms were read. */
START_TEST(test_array_literal_string_is_kept_as_written)
{
    expect_tags("{\"tags\": \"{a,\\\"b c\\\"}\"}", true, "{a,\"b c\"}");
}
END_TEST

START_TEST(test_null_array_is_null)
{
    parsed p;
    typed_row(&p, "{\"tags\": null}", true);
    ck_assert_int_eq(next(&p), 1);
    ck_assert(p.row.fields[1].is_null);
    done(&p);
}
END_TEST

START_TEST(test_string_that_is_no_json_list_for_an_array_column_is_an_error_at_the_value)
{
    static const char *const bad[] = {"\"a\"", "\"[1,\"", "7", "{\"k\": 1}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char fields[64];
        snprintf(fields, sizeof fields, "{\"tags\": %s}", bad[i]);
        parsed p;
        typed_row(&p, fields, i % 2 == 0);
        ck_assert_int_eq(next(&p), -1);
        EXPECT_ONE_DIAG(p.diags, 1, 53,
                        "field \"tags\" of app.thing (pk 1) is not a JSON list, but column "
                        "\"tags\" is an array");
        ck_assert_ptr_nonnull(p.diags.items[0].hint);
        done(&p);
    }
}
END_TEST

START_TEST(test_json_column_takes_every_value_as_its_json_text)
{
    static const struct {
        const char *value;
        const char *stored;
    } cases[] = {
        {"\"plain\"", "\"plain\""},
        {"\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\""},
        {"true", "true"},
        {"false", "false"},
        {"1.50", "1.50"},
        {"{\"k\": [1, 2]}", "{\"k\":[1,2]}"},
        {"[1, \"a\"]", "[1,\"a\"]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char fields[64];
        snprintf(fields, sizeof fields, "{\"data\": %s}", cases[i].value);
        parsed p;
        typed_row(&p, fields, true);
        ck_assert_int_eq(next(&p), 1);
        EXPECT_COLUMNS(p.row, "1", cases[i].stored);
        done(&p);
    }
}
END_TEST

TCase *fixture_json_types_tcase(void)
{
    TCase *types = tcase_create("types");
    tcase_add_loop_test(types, test_json_list_becomes_an_array_literal, 0,
                        (int)(sizeof array_cases / sizeof array_cases[0]));
    tcase_add_test(types, test_value_that_is_no_list_appends_nothing);
    tcase_add_loop_test(types, test_kind_of_column_type, 0,
                        (int)(sizeof type_cases / sizeof type_cases[0]));
    tcase_add_test(types, test_django_array_field_string_fills_an_array_column);
    tcase_add_test(types, test_json_list_fills_an_array_column);
    tcase_add_test(types, test_array_literal_string_is_kept_as_written);
    tcase_add_test(types, test_null_array_is_null);
    tcase_add_test(types,
                   test_string_that_is_no_json_list_for_an_array_column_is_an_error_at_the_value);
    tcase_add_test(types, test_json_column_takes_every_value_as_its_json_text);
    return types;
}
