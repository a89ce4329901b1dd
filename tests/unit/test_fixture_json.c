/*
 * test_fixture_json.c — specification of Django dumpdata fixtures as rows (fixture_json.h):
 * the shared helpers and main(). The cases are in test_fixture_json_example.c, _rows.c,
 * _columns.c, _shape.c and _types.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_data.h"
#include "test_fixture_json.h"

/* The table's columns are a NULL-terminated list of names. */
static bool has_listed_column(const void *context, const char *column)
{
    for (const char *const *name = context; *name; name++)
        if (strcmp(*name, column) == 0)
            return true;
    return false;
}

/* A table for the small inline examples. */
static const char *const thing_columns[] = {"id",   "name", "owner_id",  "data",   "flag", "amount",
                                            "note", "tags", "colour_id", "colour", NULL};

fixture_json_table table_for(const char *model, const char *const *columns)
{
    return (fixture_json_table){model, "id", has_listed_column, columns, NULL, false};
}

void parse_ok(parsed *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->json = fixture_json_parse(text, strlen(text), "mem.json", &p->diags);
    ck_assert_msg(p->json != NULL, "parse failed: %s",
                  p->diags.count ? p->diags.items[0].message : "(no diag)");
    ck_assert_uint_eq(p->diags.count, 0);
    p->table = table_for("app.thing", thing_columns);
}

void parse_failing(parsed *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->json = fixture_json_parse(text, strlen(text), "mem.json", &p->diags);
    ck_assert_ptr_null(p->json);
    ck_assert_uint_ge(p->diags.count, 1);
}

char *data_path(const char *name)
{
    return test_data_path("json", name);
}

int next(parsed *p)
{
    return fixture_json_next(p->json, &p->table, &p->cursor, &p->header, &p->row, &p->diags);
}

void done(parsed *p)
{
    fixture_json_free(p->json);
    diag_list_clear(&p->diags);
}

static Suite *fixture_json_suite(void)
{
    Suite *suite = suite_create("fixture_json");
    suite_add_tcase(suite, fixture_json_example_tcase());
    suite_add_tcase(suite, fixture_json_iteration_tcase());
    suite_add_tcase(suite, fixture_json_values_tcase());
    suite_add_tcase(suite, fixture_json_columns_tcase());
    suite_add_tcase(suite, fixture_json_shape_tcase());
    suite_add_tcase(suite, fixture_json_size_tcase());
    suite_add_tcase(suite, fixture_json_types_tcase());
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
