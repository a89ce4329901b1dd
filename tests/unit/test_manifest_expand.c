/*
 * test_manifest_expand.c — ${NAME} and ${NAME:-default} in manifest values (manifest_expand):
 * what they expand to, and each malformed reference reported.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_manifest.h"

/* Expands `value` with `environment`; returns the result (caller frees) or NULL. */
static char *expand(const char *value, const char *const *environment, diag_list *diags)
{
    return manifest_expand(value, "foster.ini", 7, fake_getenv, (void *)environment, diags);
}

/* Expanding `value` with `environment` gives `expected` and reports nothing. */
static void assert_expands_to(const char *value, const char *const *environment,
                              const char *expected)
{
    diag_list diags = DIAG_LIST_INIT;
    char *text = expand(value, environment, &diags);
    ck_assert_str_eq(text, expected);
    ck_assert_uint_eq(diags.count, 0);
    free(text);
}

/* Expanding `value` fails with exactly one problem, at foster.ini:7, saying `message`. */
static void assert_expand_fails(const char *value, const char *message)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(expand(value, empty_environment, &diags));
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, "foster.ini", 7, message);
    diag_list_clear(&diags);
}

START_TEST(test_expand_replaces_set_and_unset_variables)
{
    const char *const environment[] = {"USER=ann", "EMPTY=", NULL};
    assert_expands_to("${USER}@${HOST}:${PORT:-5432}/${EMPTY:-db}", environment, "ann@:5432/db");
}
END_TEST

START_TEST(test_expand_keeps_dollar_signs_that_start_no_reference)
{
    const char *const environment[] = {"X=1", NULL};
    assert_expands_to("$$X costs $5 and $X, ${X}$", environment, "$X costs $5 and $X, 1$");
}
END_TEST

START_TEST(test_expand_reads_references_inside_a_default)
{
    const char *const environment[] = {"FALLBACK=db.internal", NULL};
    assert_expands_to("${PRIMARY:-${FALLBACK:-localhost}}", environment, "db.internal");
}
END_TEST

START_TEST(test_expand_reports_unterminated_reference)
{
    assert_expand_fails(
        "postgresql://${HOST/db",
        "unterminated \"${\" in \"postgresql://${HOST/db\"; expected \"}\" after the "
        "variable name");
}
END_TEST

START_TEST(test_expand_reports_invalid_variable_name)
{
    assert_expand_fails("a${1X}b",
                        "invalid reference \"${1X}\" in \"a${1X}b\"; expected ${NAME} or "
                        "${NAME:-default}");
}
END_TEST

START_TEST(test_expand_reports_unsupported_operator)
{
    assert_expand_fails("${X:=y}",
                        "invalid reference \"${X:=y}\" in \"${X:=y}\"; expected ${NAME} or "
                        "${NAME:-default}");
}
END_TEST

START_TEST(test_expand_reports_empty_reference)
{
    assert_expand_fails(
        "${}", "invalid reference \"${}\" in \"${}\"; expected ${NAME} or ${NAME:-default}");
}
END_TEST

START_TEST(test_expand_with_null_lookup_reads_the_process_environment)
{
    ck_assert_int_eq(setenv("FOSTER_TEST_MANIFEST_VALUE", "from-env", 1), 0);
    diag_list diags = DIAG_LIST_INIT;
    char *text = manifest_expand("${FOSTER_TEST_MANIFEST_VALUE}!", "f", 1, NULL, NULL, &diags);
    ck_assert_str_eq(text, "from-env!");
    free(text);
}
END_TEST

TCase *manifest_expand_tcase(void)
{
    TCase *expansion = tcase_create("expand");
    tcase_add_test(expansion, test_expand_replaces_set_and_unset_variables);
    tcase_add_test(expansion, test_expand_keeps_dollar_signs_that_start_no_reference);
    tcase_add_test(expansion, test_expand_reads_references_inside_a_default);
    tcase_add_test(expansion, test_expand_reports_unterminated_reference);
    tcase_add_test(expansion, test_expand_reports_invalid_variable_name);
    tcase_add_test(expansion, test_expand_reports_unsupported_operator);
    tcase_add_test(expansion, test_expand_reports_empty_reference);
    tcase_add_test(expansion, test_expand_with_null_lookup_reads_the_process_environment);
    return expansion;
}
