/* test_fixture_json.c — specification of Django dumpdata fixtures as rows (fixture_json.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "fixture_json.h"
#include "strbuf.h"
#include "test_data.h"

/* ---- helpers ---- */

/* The table's columns are a NULL-terminated list of names. */
static bool has_listed_column(const void *context, const char *column)
{
    for (const char *const *name = context; *name; name++)
        if (strcmp(*name, column) == 0)
            return true;
    return false;
}

static const char *const user_columns[] = {"id",       "password",   "last_login",  "is_superuser",
                                           "username", "first_name", "last_name",   "email",
                                           "is_staff", "is_active",  "date_joined", NULL};
static const char *const account_columns[] = {"id",           "user_id",   "name",
                                              "cash_balance", "opened_at", NULL};
static const char *const shares_columns[] = {"id", "account_id", "company_id", "quantity", NULL};
/* A table for the small inline examples. */
static const char *const thing_columns[] = {"id",   "name", "owner_id",  "data",   "flag", "amount",
                                            "note", "tags", "colour_id", "colour", NULL};

static fixture_json_table table_for(const char *model, const char *const *columns)
{
    return (fixture_json_table){model, "id", has_listed_column, columns};
}

/* One parsed fixture and everything a test must free. */
typedef struct parsed {
    fixture_json *json;
    diag_list diags;
    fixture_json_table table;
    size_t cursor;
    csv_row header;
    csv_row row;
} parsed;

static void parse_ok(parsed *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->json = fixture_json_parse(text, strlen(text), "mem.json", &p->diags);
    ck_assert_msg(p->json != NULL, "parse failed: %s",
                  p->diags.count ? p->diags.items[0].message : "(no diag)");
    ck_assert_uint_eq(p->diags.count, 0);
    p->table = table_for("app.thing", thing_columns);
}

static void parse_failing(parsed *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->json = fixture_json_parse(text, strlen(text), "mem.json", &p->diags);
    ck_assert_ptr_null(p->json);
    ck_assert_uint_ge(p->diags.count, 1);
}

static char *data_path(const char *name)
{
    return test_data_path("json", name);
}

static void open_example(parsed *p, const char *model, const char *const *columns)
{
    memset(p, 0, sizeof *p);
    char *path = data_path("trading.json");
    p->json = fixture_json_open(path, "fixtures/trading.json", &p->diags);
    free(path);
    ck_assert_ptr_nonnull(p->json);
    ck_assert_uint_eq(p->diags.count, 0);
    p->table = table_for(model, columns);
}

static int next(parsed *p)
{
    return fixture_json_next(p->json, &p->table, &p->cursor, &p->header, &p->row, &p->diags);
}

static void done(parsed *p)
{
    fixture_json_free(p->json);
    diag_list_clear(&p->diags);
}

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

/* ---- the example dump ---- */

START_TEST(test_example_lists_models_in_order_of_first_appearance)
{
    parsed p;
    open_example(&p, "trading.account", account_columns);
    ck_assert_uint_eq(fixture_json_model_count(p.json), 5);
    ck_assert_str_eq(fixture_json_model(p.json, 0), "auth.user");
    ck_assert_str_eq(fixture_json_model(p.json, 1), "trading.company");
    ck_assert_str_eq(fixture_json_model(p.json, 2), "trading.account");
    ck_assert_str_eq(fixture_json_model(p.json, 3), "trading.shares");
    ck_assert_str_eq(fixture_json_model(p.json, 4), "trading.sharestransfer");
    ck_assert_ptr_null(fixture_json_model(p.json, 5));
    done(&p);
}
END_TEST

START_TEST(test_example_model_line_is_where_its_first_object_starts)
{
    parsed p;
    open_example(&p, "trading.account", account_columns);
    ck_assert_int_eq(fixture_json_model_line(p.json, 0), 2);
    ck_assert_int_eq(fixture_json_model_line(p.json, 1), 76);
    ck_assert_int_eq(fixture_json_model_line(p.json, 2), 121);
    ck_assert_int_eq(fixture_json_model_line(p.json, 3), 171);
    ck_assert_int_eq(fixture_json_model_line(p.json, 4), 243);
    done(&p);
}
END_TEST

START_TEST(test_example_accounts_are_rows_with_pk_first_and_user_as_user_id)
{
    parsed p;
    open_example(&p, "trading.account", account_columns);
    ck_assert_int_eq(next(&p), 1);
    ck_assert_int_eq(p.row.line, 121);
    ck_assert_int_eq(p.header.line, 121);
    EXPECT_COLUMNS(p.header, "id", "user_id", "name", "cash_balance", "opened_at");
    EXPECT_COLUMNS(p.row, "1", "2", "Alice brokerage", "12500.00", "2023-10-12T09:35:00Z");
    int lines[] = {131, 141, 151, 161};
    const char *names[] = {"Alice ISA", "Bob trading", "Chloé savings", "House inventory"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(next(&p), 1);
        ck_assert_int_eq(p.row.line, lines[i]);
        ck_assert_str_eq(p.row.fields[2].value, names[i]);
    }
    ck_assert_int_eq(next(&p), 0);
    ck_assert_uint_eq(p.diags.count, 0);
    done(&p);
}
END_TEST

START_TEST(test_example_users_leave_out_many_to_many_lists)
{
    parsed p;
    open_example(&p, "auth.user", user_columns);
    ck_assert_int_eq(next(&p), 1);
    EXPECT_COLUMNS(p.header, "id", "password", "last_login", "is_superuser", "username",
                   "first_name", "last_name", "email", "is_staff", "is_active", "date_joined");
    EXPECT_COLUMNS(p.row, "1",
                   "pbkdf2_sha256$600000$q8Vd2kLmN4xR$3nOa5hS0Yf1c9W2tJpZbEe7uQ6vXkLrTgMdHs8CyA0I=",
                   "2024-03-01T08:12:44Z", "1", "ops-admin", "", "", "ops@trading.example", "1",
                   "1", "2023-09-04T07:00:00Z");
    ck_assert(!p.row.fields[5].is_null); /* "" is an empty string, not NULL */
    ck_assert_int_eq(next(&p), 1);
    ck_assert_int_eq(next(&p), 1);
    ck_assert_str_eq(p.row.fields[4].value, "bob");
    ck_assert(p.row.fields[2].is_null); /* "last_login": null */
    done(&p);
}
END_TEST

START_TEST(test_example_values_and_keys_carry_their_positions)
{
    parsed p;
    open_example(&p, "trading.shares", shares_columns);
    ck_assert_int_eq(next(&p), 1);
    /* line 173 is `  "pk": 1,`, line 175 is `    "account": 1,` */
    ck_assert_int_eq(p.header.fields[0].line, 173);
    ck_assert_int_eq(p.header.fields[0].column, 3);
    ck_assert_int_eq(p.row.fields[0].line, 173);
    ck_assert_int_eq(p.row.fields[0].column, 9);
    ck_assert_int_eq(p.header.fields[1].line, 175);
    ck_assert_int_eq(p.header.fields[1].column, 5);
    ck_assert_int_eq(p.row.fields[1].line, 175);
    ck_assert_int_eq(p.row.fields[1].column, 16);
    ck_assert_int_eq(p.row.fields[3].line, 177);
    ck_assert_int_eq(p.row.fields[3].column, 17);
    done(&p);
}
END_TEST

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

/* ---- what the file must look like ---- */

START_TEST(test_syntax_error_is_reported_at_the_offending_token)
{
    parsed p;
    parse_failing(&p, "[\n  {\"model\": \"a.b\" \"fields\": {}}\n]");
    EXPECT_ONE_DIAG(p.diags, 2, 19, "invalid JSON: '}' expected near '\"fields\"'");
    done(&p);
}
END_TEST

START_TEST(test_syntax_error_column_counts_bytes)
{
    parsed p;
    parse_failing(&p, "[\"\xc3\xa9\", tru]");
    EXPECT_ONE_DIAG(p.diags, 1, 8, "invalid JSON: invalid token near 'tru'");
    done(&p);
}
END_TEST

START_TEST(test_unclosed_list_is_reported_at_end_of_file)
{
    parsed p;
    parse_failing(&p, "[\n{\"model\": \"a.b\", \"fields\": {}}\n");
    EXPECT_ONE_DIAG(p.diags, 3, 1, "invalid JSON: ']' expected near end of file");
    done(&p);
}
END_TEST

START_TEST(test_duplicate_keys_are_rejected_at_the_second_one)
{
    parsed p;
    parse_failing(&p, "[{\"model\": \"a.b\", \"fields\": {\n"
                      "  \"name\": \"x\",\n"
                      "  \"name\": \"y\"}}]");
    EXPECT_ONE_DIAG(p.diags, 3, 3, "invalid JSON: duplicate object key near '\"name\"'");
    done(&p);
}
END_TEST

START_TEST(test_top_level_object_is_not_a_list)
{
    parsed p;
    parse_failing(&p, "\n  {\"model\": \"a.b\", \"fields\": {}}");
    EXPECT_ONE_DIAG(p.diags, 2, 3,
                    "expected a list of objects with \"model\" and \"fields\", found an object");
    done(&p);
}
END_TEST

START_TEST(test_element_that_is_not_an_object_is_reported_where_it_starts)
{
    parsed p;
    parse_failing(&p, "[\n  {\"model\": \"a.b\", \"fields\": {}},\n  [1, 2]\n]");
    EXPECT_ONE_DIAG(p.diags, 3, 3,
                    "expected an object with \"model\" and \"fields\", found a list");
    done(&p);
}
END_TEST

START_TEST(test_object_without_model_is_reported_at_its_line)
{
    parsed p;
    parse_failing(&p, "[\n{\"model\": \"a.b\", \"fields\": {}},\n{\"pk\": 2, \"fields\": {}}]");
    EXPECT_ONE_DIAG(p.diags, 3, 1,
                    "expected an object with \"model\" and \"fields\"; this one has no \"model\"");
    done(&p);
}
END_TEST

START_TEST(test_model_without_app_label_is_reported)
{
    parsed p;
    parse_failing(&p, "[{\"model\": \"user\", \"fields\": {}}]");
    EXPECT_ONE_DIAG(p.diags, 1, 2,
                    "expected an object with \"model\" and \"fields\"; \"model\" must be a string "
                    "\"app_label.model_name\"");
    done(&p);
}
END_TEST

START_TEST(test_object_without_fields_is_reported)
{
    parsed p;
    parse_failing(&p, "[{\"model\": \"a.b\", \"pk\": 1}]");
    EXPECT_ONE_DIAG(p.diags, 1, 2,
                    "expected an object with \"model\" and \"fields\"; this one has no \"fields\"");
    done(&p);
}
END_TEST

START_TEST(test_fields_that_are_not_an_object_are_reported)
{
    parsed p;
    parse_failing(&p, "[{\"model\": \"a.b\", \"fields\": [1]}]");
    EXPECT_ONE_DIAG(p.diags, 1, 2,
                    "expected an object with \"model\" and \"fields\"; \"fields\" must be an "
                    "object of field names and values");
    done(&p);
}
END_TEST

START_TEST(test_pk_that_is_neither_number_nor_string_is_reported)
{
    parsed p;
    parse_failing(&p, "[{\"model\": \"a.b\", \"pk\": [\"alice\"], \"fields\": {}}]");
    EXPECT_ONE_DIAG(p.diags, 1, 2,
                    "expected an object with \"model\" and \"fields\"; \"pk\" must be a number or "
                    "a string");
    done(&p);
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
    parsed p;
    parse_failing(&p, " \n");
    EXPECT_ONE_DIAG(p.diags, 1, 0,
                    "empty file; expected a list of objects with \"model\" and \"fields\"");
    done(&p);
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

static Suite *fixture_json_suite(void)
{
    Suite *suite = suite_create("fixture_json");
    TCase *example = tcase_create("example");
    tcase_add_test(example, test_example_lists_models_in_order_of_first_appearance);
    tcase_add_test(example, test_example_model_line_is_where_its_first_object_starts);
    tcase_add_test(example, test_example_accounts_are_rows_with_pk_first_and_user_as_user_id);
    tcase_add_test(example, test_example_users_leave_out_many_to_many_lists);
    tcase_add_test(example, test_example_values_and_keys_carry_their_positions);
    suite_add_tcase(suite, example);

    TCase *iteration = tcase_create("iteration");
    tcase_add_test(iteration, test_objects_of_other_models_are_skipped);
    tcase_add_test(iteration, test_end_of_objects_returns_zero_on_every_later_call);
    tcase_add_test(iteration, test_model_absent_from_the_file_has_no_rows);
    tcase_add_test(iteration, test_models_compare_case_insensitively);
    tcase_add_test(iteration, test_same_fields_give_the_same_header_and_new_fields_a_new_one);
    tcase_add_test(iteration, test_same_header_needs_the_same_names_in_the_same_order);
    suite_add_tcase(suite, iteration);

    TCase *values = tcase_create("values");
    tcase_add_test(values, test_null_is_sql_null);
    tcase_add_test(values, test_true_and_false_are_one_and_zero);
    tcase_add_test(values, test_numbers_keep_the_text_they_were_written_with);
    tcase_add_test(values, test_strings_are_unescaped_utf8);
    tcase_add_test(values, test_nested_object_and_list_become_compact_json_text);
    tcase_add_test(values, test_string_pk_fills_the_primary_key_column);
    tcase_add_test(values, test_escaped_keys_are_decoded);
    suite_add_tcase(suite, values);

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
    suite_add_tcase(suite, columns);

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
    suite_add_tcase(suite, shape);

    TCase *size = tcase_create("size");
    tcase_set_timeout(size, 60);
    tcase_add_test(size, test_ten_thousand_objects_load_in_linear_time);
    suite_add_tcase(suite, size);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(fixture_json_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
