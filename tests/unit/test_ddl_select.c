/* test_ddl_select.c — specification of ddl_select_table (src/sql/ddl_select.h) and the
 * object reading behind it, on real `pg_dump --schema-only` output of PostgreSQL 15 of
 * tests/data/pgschemas/owner_*.sql (tests/data/ddl/pgdump_owner_whole.sql, and
 * pgdump_objects.sql of owner_objects.sql alone). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl_select.h"
#include "strbuf.h"

static ddl_file dump;

static void load_named(const char *name)
{
    const char *root = getenv("FOSTER_TEST_DATA");
    ck_assert_msg(root != NULL, "FOSTER_TEST_DATA is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/ddl/%s", root, name);
    diag_list diags = DIAG_LIST_INIT;
    memset(&dump, 0, sizeof dump);
    ck_assert_int_eq(ddl_load_file(path, "dump.sql", &dump, &diags), 0);
    diag_list_clear(&diags);
}

static void load_dump(void)
{
    load_named("pgdump_owner_whole.sql");
}

static void load_objects_dump(void)
{
    load_named("pgdump_objects.sql");
}

static void free_dump(void)
{
    ddl_file_free(&dump);
}

/* The reasons of the picks, one a line, "S " for support, "T " for own. */
static char *picked(const char *table, int *rc)
{
    ddl_selection selection = {0};
    diag_list diags = DIAG_LIST_INIT;
    *rc = ddl_select_table(&dump, table, "foster.ini", 7, &selection, &diags);
    size_t size = 1;
    for (size_t i = 0; i < selection.count; i++)
        size += 4 + (selection.items[i].reason ? strlen(selection.items[i].reason) : 9);
    char *text = calloc(1, size);
    for (size_t i = 0; i < selection.count; i++) {
        strcat(text, selection.items[i].support ? "S " : "T ");
        strcat(text, selection.items[i].reason ? selection.items[i].reason : "(setting)");
        strcat(text, "\n");
    }
    ddl_selection_free(&selection);
    diag_list_clear(&diags);
    return text;
}

static void assert_has(const char *text, const char *line)
{
    ck_assert_msg(strstr(text, line) != NULL, "expected \"%s\" in:\n%s", line, text);
}

static void assert_lacks(const char *text, const char *needle)
{
    ck_assert_msg(strstr(text, needle) == NULL, "did not expect \"%s\" in:\n%s", needle, text);
}

START_TEST(test_objects_are_named_by_kind_and_normalised_name)
{
    size_t types = 0, domains = 0, functions = 0, triggers = 0, attaches = 0;
    for (size_t i = 0; i < dump.statement_count; i++) {
        const ddl_statement *st = &dump.statements[i];
        if (st->object == DDL_OBJECT_TYPE && strcmp(st->object_name, "rating") == 0)
            types++;
        if (st->object == DDL_OBJECT_DOMAIN && strcmp(st->object_name, "year") == 0)
            domains++;
        if (st->object == DDL_OBJECT_FUNCTION && st->kind != DDL_SKIP &&
            strcmp(st->object_name, "touch_last_update") == 0)
            functions++;
        if (st->object == DDL_OBJECT_TRIGGER && strcmp(st->object_name, "film_touch") == 0) {
            ck_assert_str_eq(st->on_table, "film");
            triggers++;
        }
        if (st->object == DDL_OBJECT_TABLE && st->parent) {
            ck_assert_str_eq(st->parent, "payment");
            attaches++;
        }
    }
    ck_assert_uint_eq(types, 1);
    ck_assert_uint_eq(domains, 1);
    ck_assert_uint_eq(functions, 1);
    ck_assert_uint_eq(triggers, 1);
    ck_assert_uint_eq(attaches, 3);
    ck_assert_str_eq(ddl_partition_parent(&dump, "payment_2026"), "payment");
    ck_assert_ptr_null(ddl_partition_parent(&dump, "payment"));
}
END_TEST

START_TEST(test_settings_that_change_reading_are_kept_as_set_local)
{
    size_t settings = 0;
    for (size_t i = 0; i < dump.statement_count; i++) {
        const ddl_statement *st = &dump.statements[i];
        if (st->kind != DDL_SETTING)
            continue;
        settings++;
        const char *text = st->source->text;
        if (strncmp(text, "SELECT", 6) == 0) /* the search_path, for this transaction only */
            ck_assert_str_eq(text, "SELECT pg_catalog.set_config('search_path', '', true)");
        else
            ck_assert_msg(strncmp(text, "SET LOCAL ", 10) == 0, "%s", text);
    }
    ck_assert_uint_eq(settings, 3); /* standard_conforming_strings, search_path,
                                       check_function_bodies */
}
END_TEST

START_TEST(test_table_comes_with_its_types_domains_functions_and_sequence)
{
    int rc;
    char *text = picked("film", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "S type rating: named by table film\n");
    assert_has(text, "S domain year: named by table film\n");
    assert_has(text, "S domain short_code: named by table film\n");
    assert_has(text, "S function default_code: named by table film\n");
    assert_has(text, "S function touch_last_update: named by trigger film_touch on film\n");
    assert_has(text, "S sequence shared_id_seq: named by table film\n");
    assert_has(text, "S extension citext:");
    assert_has(text, "T index film_title_idx on film\n");
    assert_has(text, "T trigger film_touch on film\n");
    assert_lacks(text, "unrelated");
    assert_lacks(text, "film_titles");
    assert_lacks(text, "film_count");
    assert_lacks(text, "actor_touch");
    free(text);
}
END_TEST

START_TEST(test_partitioned_table_comes_with_its_partitions_and_their_indexes)
{
    int rc;
    char *text = picked("payment", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "T partition payment_2024 of payment\n");
    assert_has(text, "T partition payment_2026 of payment\n");
    assert_has(text, "T index payment_2025_paid_on_idx on payment_2025\n");
    assert_has(text, "T index payment_2024_pkey: partition of index payment_pkey\n");
    assert_has(text, "S sequence shared_id_seq: named by table payment\n");
    assert_lacks(text, "type rating");
    free(text);
}
END_TEST

START_TEST(test_owned_sequence_of_another_table_keeps_only_its_creation)
{
    int rc;
    char *text = picked("audit_log", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "sequence audit_log_id_seq");
    free(text);
    text = picked("actor", &rc);
    assert_lacks(text, "audit_log_id_seq");
    assert_has(text, "S function touch_last_update: named by trigger actor_touch on actor\n");
    free(text);
}
END_TEST

START_TEST(test_partition_alone_is_an_error_naming_its_parent)
{
    ddl_selection selection = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_select_table(&dump, "payment_2025", "foster.ini", 7, &selection, &diags),
                     -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "foster.ini");
    ck_assert_int_eq(diags.items[0].line, 7);
    ck_assert_str_eq(diags.items[0].message,
                     "table \"payment_2025\" is a partition of \"payment\" in dump.sql");
    ck_assert_str_eq(diags.items[0].hint,
                     "list [table payment] instead: its partitions come with it");
    ck_assert_uint_eq(selection.count, 0);
    ddl_selection_free(&selection);
    diag_list_clear(&diags);
}
END_TEST

/* The one diag choosing `table` gives: "FILE:LINE: message". */
static void assert_choice_fails(const char *table, const char *expected)
{
    ddl_selection selection = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_select_table(&dump, table, "foster.ini", 7, &selection, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    char got[512];
    snprintf(got, sizeof got, "%s:%d: %s", diags.items[0].file, diags.items[0].line,
             diags.items[0].message);
    ck_assert_str_eq(got, expected);
    ddl_selection_free(&selection);
    diag_list_clear(&diags);
}

START_TEST(test_table_the_dump_lacks_is_an_error)
{
    assert_choice_fails("film_review", "dump.sql:0: does not create table \"film_review\"");
}
END_TEST

START_TEST(test_view_listed_as_a_table_is_an_error_saying_so)
{
    assert_choice_fails("film_titles",
                        "foster.ini:7: \"film_titles\" is a view in dump.sql; foster creates "
                        "tables only");
}
END_TEST

START_TEST(test_mentions_include_names_inside_strings_and_bodies)
{
    for (size_t i = 0; i < dump.statement_count; i++) {
        const ddl_statement *st = &dump.statements[i];
        if (st->object != DDL_OBJECT_FUNCTION || st->kind == DDL_SKIP ||
            strcmp(st->object_name, "touch_last_update") != 0)
            continue;
        char **names = NULL;
        long count = ddl_statement_mentions(st, &names);
        ck_assert_int_gt(count, 0);
        bool audit_log = false;
        for (long k = 0; k < count; k++)
            audit_log |= strcmp(names[k], "audit_log") == 0;
        ck_assert_msg(audit_log, "the body's INSERT INTO audit_log is a mention");
        strings_free(names, (size_t)count);
        return;
    }
    ck_abort_msg("no CREATE FUNCTION touch_last_update in the dump");
}
END_TEST

START_TEST(test_extension_packages_are_named)
{
    ck_assert_str_eq(ddl_extension_package("postgis"), "postgresql-NN-postgis-3");
    ck_assert_ptr_nonnull(strstr(ddl_extension_package("citext"), "contrib"));
}
END_TEST

START_TEST(test_rule_on_the_table_comes_with_it)
{
    int rc;
    char *text = picked("person", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "T rule person_kept on person\n");
    free(text);
}
END_TEST

START_TEST(test_schemas_of_what_the_table_needs_come_with_it)
{
    int rc;
    char *text = picked("person", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "S type types.mood: named by table person\n");
    assert_has(text, "S schema types: holds type types.mood\n");
    assert_has(text, "S function util.touch: named by trigger person_touch on person\n");
    assert_has(text, "S schema util: holds function util.touch\n");
    free(text);
    text = picked("vehicle", &rc); /* needs nothing from another schema */
    ck_assert_int_eq(rc, 0);
    assert_lacks(text, "schema");
    free(text);
}
END_TEST

START_TEST(test_collation_a_column_names_comes_with_it)
{
    int rc;
    char *text = picked("person", &rc);
    ck_assert_int_eq(rc, 0);
    assert_has(text, "S collation ci: named by table person\n");
    free(text);
}
END_TEST

START_TEST(test_inherited_table_is_referenced_by_its_child)
{
    for (size_t i = 0; i < dump.statement_count; i++) {
        const ddl_statement *st = &dump.statements[i];
        if (st->kind != DDL_CREATE_TABLE || strcmp(st->table, "car") != 0)
            continue;
        ck_assert_uint_eq(st->reference_count, 1);
        ck_assert_str_eq(st->references[0], "vehicle");
        return;
    }
    ck_abort_msg("no CREATE TABLE car in the dump");
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("ddl_select");
    TCase *objects = tcase_create("objects");
    tcase_add_checked_fixture(objects, load_dump, free_dump);
    tcase_add_test(objects, test_objects_are_named_by_kind_and_normalised_name);
    tcase_add_test(objects, test_settings_that_change_reading_are_kept_as_set_local);
    tcase_add_test(objects, test_mentions_include_names_inside_strings_and_bodies);
    tcase_add_test(objects, test_extension_packages_are_named);
    suite_add_tcase(suite, objects);
    TCase *select = tcase_create("select");
    tcase_add_checked_fixture(select, load_dump, free_dump);
    tcase_add_test(select, test_table_comes_with_its_types_domains_functions_and_sequence);
    tcase_add_test(select, test_partitioned_table_comes_with_its_partitions_and_their_indexes);
    tcase_add_test(select, test_owned_sequence_of_another_table_keeps_only_its_creation);
    tcase_add_test(select, test_partition_alone_is_an_error_naming_its_parent);
    tcase_add_test(select, test_table_the_dump_lacks_is_an_error);
    tcase_add_test(select, test_view_listed_as_a_table_is_an_error_saying_so);
    suite_add_tcase(suite, select);
    TCase *elsewhere = tcase_create("elsewhere");
    tcase_add_checked_fixture(elsewhere, load_objects_dump, free_dump);
    tcase_add_test(elsewhere, test_rule_on_the_table_comes_with_it);
    tcase_add_test(elsewhere, test_schemas_of_what_the_table_needs_come_with_it);
    tcase_add_test(elsewhere, test_collation_a_column_names_comes_with_it);
    tcase_add_test(elsewhere, test_inherited_table_is_referenced_by_its_child);
    suite_add_tcase(suite, elsewhere);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
