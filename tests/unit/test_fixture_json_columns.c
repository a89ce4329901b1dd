/*
 * test_fixture_json_columns.c — fields matched to the table's columns: foreign keys to their
 * _id column, "pk" to the primary key, many-to-many lists skipped; each field that fits no
 * column, or a column twice, reported at its key.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_fixture_json.h"

/* ---- fields and columns ---- */

START_TEST(test_foreign_key_field_fills_its_id_column)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"owner\": 2}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "owner_id");
    EXPECT_COLUMNS(p.row, "1", "2");
    done(&p);
}
END_TEST

START_TEST(test_column_of_the_field_name_wins_over_its_id_column)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"colour\": \"red\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "colour");
    done(&p);
}
END_TEST

START_TEST(test_field_matching_no_column_is_an_error_at_its_key)
{
    parsed p;
    parse_ok(&p, "[\n"
                 "{\"model\": \"app.thing\", \"pk\": 3, \"fields\": {\n"
                 "  \"name\": \"x\",\n"
                 "  \"size\": 4}}]");
    ck_assert_int_eq(next(&p), -1);
    EXPECT_ONE_DIAG(p.diags, 4, 3,
                    "field \"size\" of app.thing (pk 3) matches no column of the table; "
                    "tried \"size\" and \"size_id\"");
    ck_assert_str_eq(p.diags.items[0].hint,
                     "remove the field from the fixture, or add the column to the table");
    done(&p);
}
END_TEST

START_TEST(test_error_message_names_a_string_pk_in_quotes_and_omits_a_missing_one)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": \"k1\", \"fields\": {\"size\": 4}},\n"
                 " {\"model\": \"app.thing\", \"fields\": {\"size\": 5}}]");
    ck_assert_int_eq(next(&p), -1);
    ck_assert_int_eq(next(&p), -1);
    ck_assert_uint_eq(p.diags.count, 2);
    ck_assert_str_eq(p.diags.items[0].message,
                     "field \"size\" of app.thing (pk \"k1\") matches no column of the table; "
                     "tried \"size\" and \"size_id\"");
    ck_assert_str_eq(p.diags.items[1].message,
                     "field \"size\" of app.thing matches no column of the table; "
                     "tried \"size\" and \"size_id\"");
    ck_assert_int_eq(p.diags.items[1].line, 2);
    done(&p);
}
END_TEST

START_TEST(test_cursor_moves_past_a_bad_object_so_checking_can_go_on)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"size\": 4}},\n"
                 " {\"model\": \"app.thing\", \"pk\": 2, \"fields\": {\"name\": \"ok\"}}]");
    ck_assert_int_eq(next(&p), -1);
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.row, "2", "ok");
    ck_assert_int_eq(next(&p), 0);
    ck_assert_uint_eq(p.diags.count, 1);
    done(&p);
}
END_TEST

START_TEST(test_list_under_a_field_with_no_column_is_skipped_as_many_to_many)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, "
                 "\"fields\": {\"groups\": [1, 2], \"name\": \"x\", \"perms\": []}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "name");
    EXPECT_COLUMNS(p.row, "1", "x");
    ck_assert_uint_eq(p.diags.count, 0);
    done(&p);
}
END_TEST

START_TEST(test_list_for_a_foreign_key_column_is_a_natural_key_error)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"owner\": [\"alice\"]}}]");
    ck_assert_int_eq(next(&p), -1);
    EXPECT_ONE_DIAG(p.diags, 1, 45,
                    "field \"owner\" of app.thing (pk 1) is a natural key (a list), but column "
                    "\"owner_id\" takes the key's value");
    ck_assert_str_eq(p.diags.items[0].hint, "dump the fixture without --natural-foreign");
    done(&p);
}
END_TEST

START_TEST(test_missing_pk_leaves_the_primary_key_out_of_the_header)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"fields\": {\"name\": \"x\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "name");
    EXPECT_COLUMNS(p.row, "x");
    done(&p);
}
END_TEST

START_TEST(test_null_pk_leaves_the_primary_key_out_of_the_header)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": null, \"fields\": {\"name\": \"x\"}}]");
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "name");
    done(&p);
}
END_TEST

START_TEST(test_pk_for_a_table_without_primary_key_is_an_error)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"name\": \"x\"}}]");
    p.table.primary_key = NULL;
    ck_assert_int_eq(next(&p), -1);
    EXPECT_ONE_DIAG(p.diags, 1, 25,
                    "app.thing (pk 1) has a \"pk\", but its table has no single-column primary "
                    "key");
    done(&p);
}
END_TEST

START_TEST(test_field_filling_the_primary_key_column_again_is_an_error)
{
    parsed p;
    parse_ok(&p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"id\": 2}}]");
    ck_assert_int_eq(next(&p), -1);
    EXPECT_ONE_DIAG(p.diags, 1, 45,
                    "\"pk\" and field \"id\" of app.thing (pk 1) both fill column \"id\"");
    done(&p);
}
END_TEST

START_TEST(test_two_fields_filling_one_column_is_an_error)
{
    parsed p;
    parse_ok(
        &p, "[{\"model\": \"app.thing\", \"pk\": 1, \"fields\": {\"owner\": 2, \"owner_id\": 3}}]");
    ck_assert_int_eq(next(&p), -1);
    EXPECT_ONE_DIAG(p.diags, 1, 57,
                    "field \"owner\" and field \"owner_id\" of app.thing (pk 1) both fill column "
                    "\"owner_id\"");
    done(&p);
}
END_TEST

TCase *fixture_json_columns_tcase(void)
{
    TCase *columns = tcase_create("columns");
    tcase_add_test(columns, test_foreign_key_field_fills_its_id_column);
    tcase_add_test(columns, test_column_of_the_field_name_wins_over_its_id_column);
    tcase_add_test(columns, test_field_matching_no_column_is_an_error_at_its_key);
    tcase_add_test(columns, test_error_message_names_a_string_pk_in_quotes_and_omits_a_missing_one);
    tcase_add_test(columns, test_cursor_moves_past_a_bad_object_so_checking_can_go_on);
    tcase_add_test(columns, test_list_under_a_field_with_no_column_is_skipped_as_many_to_many);
    tcase_add_test(columns, test_list_for_a_foreign_key_column_is_a_natural_key_error);
    tcase_add_test(columns, test_missing_pk_leaves_the_primary_key_out_of_the_header);
    tcase_add_test(columns, test_null_pk_leaves_the_primary_key_out_of_the_header);
    tcase_add_test(columns, test_pk_for_a_table_without_primary_key_is_an_error);
    tcase_add_test(columns, test_field_filling_the_primary_key_column_again_is_an_error);
    tcase_add_test(columns, test_two_fields_filling_one_column_is_an_error);
    return columns;
}
