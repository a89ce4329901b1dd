/*
 * test_fixture_json_example.c — the example dump tests/data/json/trading.json: its models and
 * their lines, accounts and users as rows, the position of every value and key.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_fixture_json.h"

static const char *const user_columns[] = {"id",       "password",   "last_login",  "is_superuser",
                                           "username", "first_name", "last_name",   "email",
                                           "is_staff", "is_active",  "date_joined", NULL};
static const char *const account_columns[] = {"id",           "user_id",   "name",
                                              "cash_balance", "opened_at", NULL};
static const char *const shares_columns[] = {"id", "account_id", "company_id", "quantity", NULL};

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

TCase *fixture_json_example_tcase(void)
{
    TCase *example = tcase_create("example");
    tcase_add_test(example, test_example_lists_models_in_order_of_first_appearance);
    tcase_add_test(example, test_example_model_line_is_where_its_first_object_starts);
    tcase_add_test(example, test_example_accounts_are_rows_with_pk_first_and_user_as_user_id);
    tcase_add_test(example, test_example_users_leave_out_many_to_many_lists);
    tcase_add_test(example, test_example_values_and_keys_carry_their_positions);
    return example;
}
