/*
 * test_manifest_errors.c — manifests that do not parse: each problem reported once, at its
 * line, with a message that says what was expected; every problem of a file in line order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "test_manifest.h"

/* Parses `text`, expecting exactly one problem: at `line`, saying `message`. */
static void assert_single_error(const char *text, int line, const char *message)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), -1);
    assert_diag(&diags, 0, "conf/foster.ini", line, message);
    ck_assert_uint_eq(diags.count, 1);
    manifest_free(&m);
    diag_list_clear(&diags);
}

/* ---- Errors, each with its line and message ---- */

START_TEST(test_unknown_section_is_an_error)
{
    assert_single_error("[foster]\nname = x\n\n[foo]\nbar = 1\n", 4,
                        "unknown section [foo]; expected [foster], [postgres], [container], "
                        "[cluster], [mysql], [mysql-cluster] or [table NAME]");
}
END_TEST

START_TEST(test_unknown_key_in_a_table_is_an_error)
{
    assert_single_error("[table x]\nowner = me\ncolour = red\n", 3,
                        "unknown key \"colour\" in [table x]; expected owner, schema, fixtures, "
                        "depends or model");
}
END_TEST

START_TEST(test_unknown_key_in_foster_lists_its_keys)
{
    assert_single_error("[foster]\nbackends = sqlite\n", 2,
                        "unknown key \"backends\" in [foster]; expected name, backend, schemas, "
                        "fixtures, dialect, cache, schema_dump, prelude or strict");
}
END_TEST

START_TEST(test_unknown_key_in_postgres_names_its_only_key)
{
    assert_single_error("[postgres]\nhost = db\n", 2,
                        "unknown key \"host\" in [postgres]; expected url");
}
END_TEST

START_TEST(test_duplicate_key_names_the_first_line)
{
    assert_single_error("[table x]\nowner = a\n\nowner = b\n", 4,
                        "duplicate key \"owner\" in [table x]; the first is on line 2");
}
END_TEST

START_TEST(test_duplicate_table_names_the_first_section)
{
    assert_single_error("[table x]\n[table y]\n[table X]\n", 3,
                        "duplicate table \"x\"; the first [table x] is on line 1");
}
END_TEST

START_TEST(test_duplicate_table_keys_are_not_read)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table x]\nowner = a\n[table x]\nowner = b\n", &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_uint_eq(m.table_count, 1);
    ck_assert_str_eq(m.tables[0].owner, "a");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_duplicate_foster_section_is_an_error)
{
    assert_single_error("[foster]\nname = a\n[postgres]\n[foster]\nbackend = sqlite\n", 4,
                        "duplicate section [foster]; the first is on line 1");
}
END_TEST

START_TEST(test_empty_table_name_is_an_error)
{
    assert_single_error("[table x]\n[table   ]\nowner = nobody\n", 2,
                        "empty table name in [table]; expected [table NAME]");
}
END_TEST

START_TEST(test_table_name_with_two_qualifiers_is_invalid)
{
    assert_single_error("[table a.b.c]\n", 1,
                        "invalid table name \"a.b.c\"; expected [table NAME], [table \"NAME\"] "
                        "or [table SCHEMA.NAME]");
}
END_TEST

START_TEST(test_table_name_with_a_space_is_invalid)
{
    assert_single_error("[table trading shares]\n", 1,
                        "invalid table name \"trading shares\"; expected [table NAME], [table "
                        "\"NAME\"] or [table SCHEMA.NAME]");
}
END_TEST

START_TEST(test_unknown_backend_is_an_error)
{
    assert_single_error("[foster]\nbackend = oracle\n", 2,
                        "unknown backend \"oracle\" in [foster]; expected sqlite, postgres, "
                        "cluster, container, mysql or mysql-cluster");
}
END_TEST

START_TEST(test_unknown_container_engine_is_an_error)
{
    assert_single_error("[container]\nimage = postgres:15\nengine = lxc\n", 3,
                        "unknown engine \"lxc\" in [container]; expected docker or podman");
}
END_TEST

START_TEST(test_name_with_capitals_is_an_error)
{
    assert_single_error("[foster]\nname = Trading\n", 2,
                        "invalid name \"Trading\" in [foster]; expected 1 to 30 characters from "
                        "a-z, 0-9 and _");
}
END_TEST

START_TEST(test_name_longer_than_thirty_characters_is_an_error)
{
    assert_single_error("[foster]\nname = abcdefghijklmnopqrstuvwxyz01234\n", 2,
                        "invalid name \"abcdefghijklmnopqrstuvwxyz01234\" in [foster]; expected "
                        "1 to 30 characters from a-z, 0-9 and _");
}
END_TEST

START_TEST(test_depends_on_an_unlisted_table_is_reported_at_the_depends_line)
{
    assert_single_error("[table a]\nowner = x\ndepends = b, c\n[table b]\n", 3,
                        "unknown table \"c\" in depends of [table a]; expected a table that has "
                        "a [table NAME] section in this manifest");
}
END_TEST

START_TEST(test_key_outside_any_section_is_an_error)
{
    assert_single_error("; settings\nname = x\n[foster]\n", 2,
                        "key \"name\" outside any section; expected a [section] header before "
                        "it");
}
END_TEST

START_TEST(test_line_without_equals_sign_is_an_error)
{
    assert_single_error("[foster]\nname = x\njust some words\n", 3,
                        "cannot read \"just some words\"; expected \"key = value\", a [section] "
                        "header or a comment");
}
END_TEST

START_TEST(test_indented_line_is_not_a_continuation)
{
    assert_single_error("[table x]\nfixtures = a.csv\n    b.csv\n", 3,
                        "cannot read \"b.csv\"; expected \"key = value\", a [section] header or "
                        "a comment");
}
END_TEST

START_TEST(test_unterminated_section_header_is_an_error)
{
    assert_single_error("[foster]\n[table x\nowner = y\n", 2,
                        "unterminated section header \"[table x\"; expected \"]\" at the end of "
                        "the line");
}
END_TEST

START_TEST(test_text_after_section_header_is_an_error)
{
    assert_single_error("[foster] name = x\n", 1,
                        "unexpected text after \"]\" in \"[foster] name = x\"; expected a "
                        "comment or the end of the line");
}
END_TEST

START_TEST(test_missing_key_before_equals_sign_is_an_error)
{
    assert_single_error("[foster]\n= sqlite\n", 2,
                        "missing key before \"=\"; expected \"key = value\"");
}
END_TEST

START_TEST(test_line_longer_than_inih_reads_is_an_error)
{
    strbuf text = STRBUF_INIT;
    strbuf_append_str(&text, "[table x]\nowner = ");
    for (int i = 0; i < 300; i++)
        strbuf_append_char(&text, 'a');
    strbuf_append_str(&text, "\nschema = x.sql\n");
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(strbuf_str(&text), &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, "conf/foster.ini", 2,
                "line too long (308 characters without comments); expected at most 198");
    ck_assert_str_eq(m.tables[0].schema, "x.sql"); /* the next line is still read */
    ck_assert_int_eq(m.tables[0].schema_line, 3);
    manifest_free(&m);
    diag_list_clear(&diags);
    strbuf_free(&text);
}
END_TEST

START_TEST(test_every_problem_is_reported_in_line_order)
{
    const char *text = "[foster]\n"          /* 1 */
                       "backend = oracle\n"  /* 2 */
                       "colour = red\n"      /* 3 */
                       "[tables x]\n"        /* 4 */
                       "owner = ignored\n"   /* 5: inside the unknown section, not reported */
                       "[table a]\n"         /* 6 */
                       "depends = missing\n" /* 7 */
                       "owner = ${BROKEN\n"  /* 8 */
                       "nonsense\n"          /* 9 */
                       "[table a]\n";        /* 10 */
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 7);
    const int lines[] = {2, 3, 4, 8, 9, 10, 7};
    for (size_t i = 0; i < 7; i++)
        ck_assert_msg(diags.items[i].line == lines[i], "diag %zu at line %d, expected %d", i,
                      diags.items[i].line, lines[i]);
    assert_diag(&diags, 3, "conf/foster.ini", 8,
                "unterminated \"${\" in \"${BROKEN\"; expected \"}\" after the variable name");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_public_qualified_duplicate_is_the_same_table)
{
    assert_single_error("[table customer]\n[table public.customer]\n", 2,
                        "duplicate table \"customer\"; the first [table customer] is on line 1");
}
END_TEST

START_TEST(test_empty_entry_in_fixtures_list_is_an_error)
{
    assert_single_error("[table x]\nfixtures = a.csv, ,b.csv\n", 2,
                        "empty entry in the fixtures list of [table x]; expected names "
                        "separated by commas");
}
END_TEST

START_TEST(test_invalid_depends_entry_is_an_error)
{
    assert_single_error("[table x]\ndepends = a b\n", 2,
                        "invalid table name \"a b\" in depends of [table x]; expected NAME, "
                        "\"NAME\" or SCHEMA.NAME");
}
END_TEST

START_TEST(test_model_must_be_an_app_label_and_model)
{
    assert_single_error("[table auth_user]\nmodel = User\n", 2,
                        "invalid model \"User\" in [table auth_user]; expected app_label.model");
}
END_TEST

TCase *manifest_errors_tcase(void)
{
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_unknown_section_is_an_error);
    tcase_add_test(errors, test_unknown_key_in_a_table_is_an_error);
    tcase_add_test(errors, test_unknown_key_in_foster_lists_its_keys);
    tcase_add_test(errors, test_unknown_key_in_postgres_names_its_only_key);
    tcase_add_test(errors, test_duplicate_key_names_the_first_line);
    tcase_add_test(errors, test_duplicate_table_names_the_first_section);
    tcase_add_test(errors, test_duplicate_table_keys_are_not_read);
    tcase_add_test(errors, test_public_qualified_duplicate_is_the_same_table);
    tcase_add_test(errors, test_duplicate_foster_section_is_an_error);
    tcase_add_test(errors, test_empty_table_name_is_an_error);
    tcase_add_test(errors, test_table_name_with_two_qualifiers_is_invalid);
    tcase_add_test(errors, test_table_name_with_a_space_is_invalid);
    tcase_add_test(errors, test_unknown_backend_is_an_error);
    tcase_add_test(errors, test_unknown_container_engine_is_an_error);
    tcase_add_test(errors, test_name_with_capitals_is_an_error);
    tcase_add_test(errors, test_name_longer_than_thirty_characters_is_an_error);
    tcase_add_test(errors, test_depends_on_an_unlisted_table_is_reported_at_the_depends_line);
    tcase_add_test(errors, test_invalid_depends_entry_is_an_error);
    tcase_add_test(errors, test_empty_entry_in_fixtures_list_is_an_error);
    tcase_add_test(errors, test_model_must_be_an_app_label_and_model);
    tcase_add_test(errors, test_key_outside_any_section_is_an_error);
    tcase_add_test(errors, test_line_without_equals_sign_is_an_error);
    tcase_add_test(errors, test_indented_line_is_not_a_continuation);
    tcase_add_test(errors, test_unterminated_section_header_is_an_error);
    tcase_add_test(errors, test_text_after_section_header_is_an_error);
    tcase_add_test(errors, test_missing_key_before_equals_sign_is_an_error);
    tcase_add_test(errors, test_line_longer_than_inih_reads_is_an_error);
    tcase_add_test(errors, test_every_problem_is_reported_in_line_order);
    return errors;
}
