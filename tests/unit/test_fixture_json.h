/*
 * test_fixture_json.h — what the test_fixture_json*.c files share: a parsed fixture and the
 * table it is read for, parsing text that must (or must not) parse, reading the next row, the
 * asserts on a row's columns and on the one problem reported, and one TCase per group of
 * cases (test_fixture_json.c holds the helpers and main()).
 */
#ifndef FOSTER_TEST_FIXTURE_JSON_H
#define FOSTER_TEST_FIXTURE_JSON_H

#include <check.h>
#include <string.h>

#include "diag.h"
#include "fixture_json.h"

/* A table for `model` whose primary key is "id" and whose columns are `columns`, a
 * NULL-terminated list of names. */
fixture_json_table table_for(const char *model, const char *const *columns);

/* One parsed fixture and everything a test must free. */
typedef struct parsed {
    fixture_json *json;
    diag_list diags;
    fixture_json_table table;
    size_t cursor;
    csv_row header;
    csv_row row;
} parsed;

/* Parses `text` as "mem.json", which must succeed, for table app.thing (columns id, name,
 * owner_id, data, flag, amount, note, tags, colour_id and colour). */
void parse_ok(parsed *p, const char *text);

/* Parses `text` as "mem.json", which must fail with at least one problem. */
void parse_failing(parsed *p, const char *text);

/* $FOSTER_TEST_DATA/json/NAME; the caller frees. */
char *data_path(const char *name);

/* The next row of p's table: 1, 0 at the end, -1 for a bad object (a problem added). */
int next(parsed *p);

/* Frees what `p` holds. */
void done(parsed *p);

#define EXPECT_COLUMNS(row, ...)                                                                   \
    do {                                                                                           \
        const char *expected_[] = {__VA_ARGS__};                                                   \
        size_t count_ = sizeof expected_ / sizeof expected_[0];                                    \
        ck_assert_uint_eq((row).count, count_);                                                    \
        for (size_t i_ = 0; i_ < count_; i_++) {                                                   \
            ck_assert_str_eq((row).fields[i_].value, expected_[i_]);                               \
            ck_assert_uint_eq((row).fields[i_].length, strlen(expected_[i_]));                     \
        }                                                                                          \
    } while (0)

#define EXPECT_ONE_DIAG(diags, at_line, at_column, text)                                           \
    do {                                                                                           \
        ck_assert_uint_eq((diags).count, 1);                                                       \
        ck_assert_str_eq((diags).items[0].file, "mem.json");                                       \
        ck_assert_int_eq((diags).items[0].line, (at_line));                                        \
        ck_assert_int_eq((diags).items[0].column, (at_column));                                    \
        ck_assert_str_eq((diags).items[0].message, (text));                                        \
    } while (0)

/* The groups of cases, in the order main() runs them. */
TCase *fixture_json_example_tcase(void);   /* test_fixture_json_example.c */
TCase *fixture_json_iteration_tcase(void); /* test_fixture_json_rows.c */
TCase *fixture_json_values_tcase(void);    /* test_fixture_json_rows.c */
TCase *fixture_json_columns_tcase(void);   /* test_fixture_json_columns.c */
TCase *fixture_json_shape_tcase(void);     /* test_fixture_json_shape.c */
TCase *fixture_json_size_tcase(void);      /* test_fixture_json_rows.c */
TCase *fixture_json_types_tcase(void);     /* test_fixture_json_types.c */

#endif
