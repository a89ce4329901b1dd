/* test_drift_expr.c — specification of expression spelling (src/drift/expr_canon.h):
 * what a hand-written CHECK and the server's normal form of it have in common, and
 * that a real change still differs; then the same through drift_compare. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "expr_canon.h"
#include "model.h"

static const char *const same_pairs[][2] = {
    {"x > 0", "(x > (0)::numeric)"},
    {"((x > 0))", "x>0"},
    {"status IN ('a', 'b')",
     "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"},
    {"status in ('a','b')", "(status = ANY (ARRAY['a'::text, 'b'::text]))"},
    {"x NOT IN (1, 2)", "(x <> ALL (ARRAY[1, 2]))"},
    {"x BETWEEN 1 AND 10", "((x >= 1) AND (x <= 10))"},
    {"a > 0 AND b > 0 OR c", "(((a > 0) AND (b > 0)) OR c)"},
    {"x > -1", "(x > '-1'::integer)"},
    {"length(name) > 0", "(length((name)::text) > 0)"},
    {"price >= 0.5 AND price < 100", "((price >= 0.5) AND (price < (100)::numeric))"},
    {"email LIKE '%@%'", "((email)::text ~~ '%@%'::text)"},
    {"ends_at IS NULL OR ends_at > starts_at", "((ends_at IS NULL) OR (ends_at > starts_at))"},
    {"NOT (a = 1)", "(NOT (a = 1))"},
    {"a != b", "(a <> b)"},
    {"lower(code) = code", "(lower((code)::text) = (code)::text)"},
    {"CASE WHEN a THEN 1  END = 1", "CASE WHEN a THEN 1 END = 1"},
};

static const char *const different_pairs[][2] = {
    {"x > 0", "(x > (1)::numeric)"},
    {"a AND (b OR c)", "((a AND b) OR c)"},
    {"code = '5'", "code = 5"},
    {"x IN (1, 2)", "(x = ANY (ARRAY[1, 3]))"},
    {"x IN (1, 2)", "(x <> ALL (ARRAY[1, 2]))"},
    {"x >= 0", "x > 0"},
    {"a - b - c", "a - (b - c)"},
    {"d::date > now()", "d > now()"},
};

START_TEST(server_normal_forms_spell_like_the_hand_written_expression)
{
    const char *a = same_pairs[_i][0], *b = same_pairs[_i][1];
    char *ca = expr_canonical(a), *cb = expr_canonical(b);
    ck_assert_ptr_nonnull(ca);
    ck_assert_ptr_nonnull(cb);
    ck_assert_msg(strcmp(ca, cb) == 0, "%s -> %s, but %s -> %s", a, ca, b, cb);
    ck_assert(expr_same(a, b));
    free(ca);
    free(cb);
}
END_TEST

START_TEST(a_real_change_still_differs)
{
    const char *a = different_pairs[_i][0], *b = different_pairs[_i][1];
    ck_assert_msg(!expr_same(a, b), "%s and %s spelled the same", a, b);
}
END_TEST

START_TEST(the_canonical_form_is_fully_parenthesised_and_casts_of_columns_stay)
{
    char *c = expr_canonical("a > 0 AND b::date < '2020-01-01'::date");
    ck_assert_str_eq(c, "((a > 0) and (b::date < '2020-01-01'))");
    free(c);
    c = expr_canonical("x = ANY (ARRAY[1, 2])");
    ck_assert_str_eq(c, "(x in (1, 2))");
    free(c);
}
END_TEST

START_TEST(checks_inside_a_domain_definition_are_compared_as_expressions)
{
    char *a = expr_canonical_checks("integer not null check (value > 0)");
    char *b = expr_canonical_checks("integer not null check ((value > (0)::integer))");
    char *c = expr_canonical_checks("integer not null check ((value > 1))");
    ck_assert_str_eq(a, "integer not null check ((value > 0))");
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    free(a);
    free(b);
    free(c);
}
END_TEST

static void model_of(const char *text, table_model *model)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(sql_split(text, strlen(text), "t.sql", &script, &diags), 0);
    ddl_file file = {0};
    ck_assert_int_eq(ddl_analyze(&script, "t.sql", &file, &diags), 0);
    ck_assert_int_eq(model_add_file(model, &file, NULL, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    ddl_file_free(&file);
}

/* The check's report: how many differences the two spellings of table t make. */
static size_t drift_count(const char *ours, const char *theirs, drift_report *report)
{
    table_model a = {0}, b = {0};
    model_of(ours, &a);
    model_of(theirs, &b);
    const char *tables[] = {"t"};
    ck_assert_int_eq(drift_compare(&a, &b, tables, 1, false, report), 0);
    table_model_free(&a);
    table_model_free(&b);
    return report->count;
}

START_TEST(drift_compares_checks_and_defaults_as_expressions)
{
    drift_report report = {0};
    ck_assert_uint_eq(drift_count("CREATE TABLE t (x numeric CHECK (x > 0), s varchar(5) "
                                  "DEFAULT 'a' CHECK (s IN ('a', 'b')));\n",
                                  "CREATE TABLE public.t (\n    x numeric,\n"
                                  "    s character varying(5) DEFAULT 'a'::character varying,\n"
                                  "    CONSTRAINT t_x_check CHECK ((x > (0)::numeric)),\n"
                                  "    CONSTRAINT t_s_check CHECK (((s)::text = ANY ((ARRAY["
                                  "'a'::character varying, 'b'::character varying])::text[])))\n"
                                  ");\n",
                                  &report),
                      0);
    drift_report_free(&report);
    ck_assert_uint_eq(
        drift_count("CREATE TABLE t (x numeric CONSTRAINT t_x_check CHECK (x > 0));\n",
                    "CREATE TABLE t (x numeric,\n"
                    "    CONSTRAINT t_x_check CHECK ((x > (1)::numeric)));\n",
                    &report),
        1);
    ck_assert_str_eq(report.items[0].aspect, "definition");
    ck_assert_str_eq(report.items[0].ours, "x > 0");
    ck_assert_int_eq(report.items[0].line, 1);
    drift_report_free(&report);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("drift_expr");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, server_normal_forms_spell_like_the_hand_written_expression, 0,
                        (int)(sizeof same_pairs / sizeof same_pairs[0]));
    tcase_add_loop_test(tc, a_real_change_still_differs, 0,
                        (int)(sizeof different_pairs / sizeof different_pairs[0]));
    tcase_add_test(tc, the_canonical_form_is_fully_parenthesised_and_casts_of_columns_stay);
    tcase_add_test(tc, checks_inside_a_domain_definition_are_compared_as_expressions);
    tcase_add_test(tc, drift_compares_checks_and_defaults_as_expressions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
