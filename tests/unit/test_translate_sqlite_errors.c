/*
 * test_translate_sqlite_errors.c — what cannot be translated: each problem reported at its
 * file, line and column (with a hint where foster has one), every file's in file order.
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

/* ---- untranslatable --------------------------------------------------------- */

START_TEST(test_exclude_constraint_is_an_error_with_hint)
{
    translation t = {0};
    TRANSLATE(&t, "booking.sql");
    assert_failed_with(&t, "schemas/booking.sql", 71, 40,
                       "cannot translate \"EXCLUDE\" constraint to SQLite");
    ck_assert_str_eq(t.diags.items[0].hint,
                     "write a SQLite version of this table in schemas/booking.sqlite.sql; "
                     "foster uses it instead of schemas/booking.sql on SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_partitioned_table_becomes_one_plain_table)
{
    translation t = {0};
    TRANSLATE_OK(&t, "measurement.sql");
    assert_lacks(statement(&t, "CREATE TABLE measurement")->sql, "PARTITION");
    run_in_sqlite(&t);
    translation_free(&t);
}
END_TEST

START_TEST(test_inherits_is_an_error)
{
    translation t = {0};
    TRANSLATE(&t, "capital.sql");
    assert_failed_with(&t, "schemas/capital.sql", 32, 1, "cannot translate \"INHERITS\" to SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_types_functions_views_and_triggers_are_each_reported)
{
    translation t = {0};
    TRANSLATE(&t, "diary.sql");
    assert_failed(&t, 1); /* the enum translates; the function and trigger are notes */
    const char *file = "schemas/diary.sql";
    assert_diag(&t.diags.items[0], file, 88, 1, "cannot translate \"CREATE VIEW\" to SQLite");
    ck_assert_uint_eq(t.notes.notes.count, 2);
    assert_diag(&t.notes.notes.items[0], file, 37, 1, "not run on SQLite: CREATE FUNCTION touch");
    assert_diag(&t.notes.notes.items[1], file, 116, 1,
                "not run on SQLite: CREATE TRIGGER diary_touch");
    translation_free(&t);
}
END_TEST

START_TEST(test_problems_of_every_file_are_reported_in_file_order)
{
    translation t = {0};
    TRANSLATE(&t, "bad_expressions.sql", "account.sql", "booking.sql");
    assert_failed(&t, 3);
    ck_assert_str_eq(t.diags.items[0].file, "schemas/bad_expressions.sql");
    ck_assert_str_eq(t.diags.items[2].file, "schemas/booking.sql");
    ck_assert_str_eq(t.diags.items[2].hint,
                     "write a SQLite version of this table in schemas/booking.sqlite.sql; "
                     "foster uses it instead of schemas/booking.sql on SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_alter_and_index_on_table_nobody_creates_are_errors)
{
    translation t = {0};
    TRANSLATE(&t, "orphan_alter.sql");
    assert_failed(&t, 2);
    assert_diag(&t.diags.items[0], "schemas/orphan_alter.sql", 2, 18,
                "ALTER TABLE changes table \"nowhere\", which none of the schema files creates");
    assert_diag(&t.diags.items[1], "schemas/orphan_alter.sql", 4, 29,
                "index is on table \"nowhere\", which none of the schema files creates");
    translation_free(&t);
}
END_TEST

START_TEST(test_unknown_alter_table_forms_are_errors)
{
    translation t = {0};
    TRANSLATE(&t, "unknown_alters.sql");
    assert_failed(&t, 3);
    const char *file = "schemas/unknown_alters.sql";
    assert_diag(&t.diags.items[0], file, 7, 27,
                "cannot translate \"ALTER TABLE ... DROP COLUMN\" to SQLite");
    assert_diag(&t.diags.items[1], file, 8, 27,
                "cannot translate \"ALTER TABLE ... RENAME TO\" to SQLite");
    assert_diag(&t.diags.items[2], file, 9, 47,
                "cannot translate \"ALTER TABLE ... ALTER COLUMN ... TYPE\" to SQLite");
    translation_free(&t);
}
END_TEST

START_TEST(test_no_files_give_an_empty_script)
{
    sqlite_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(translate_sqlite(NULL, 0, &script, NULL, &diags), 0);
    ck_assert_uint_eq(script.count, 0);
    ck_assert_uint_eq(diags.count, 0);
    sqlite_script_free(&script);
}
END_TEST

TCase *translate_sqlite_errors_tcase(void)
{
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_exclude_constraint_is_an_error_with_hint);
    tcase_add_test(errors, test_partitioned_table_becomes_one_plain_table);
    tcase_add_test(errors, test_inherits_is_an_error);
    tcase_add_test(errors, test_types_functions_views_and_triggers_are_each_reported);
    tcase_add_test(errors, test_problems_of_every_file_are_reported_in_file_order);
    tcase_add_test(errors, test_alter_and_index_on_table_nobody_creates_are_errors);
    tcase_add_test(errors, test_unknown_alter_table_forms_are_errors);
    tcase_add_test(errors, test_no_files_give_an_empty_script);
    return errors;
}
