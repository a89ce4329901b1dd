/*
 * test_strbuf.c — specification of the appends of src/util/strbuf.h that do
 * more than copy: every occurrence replaced, quoting.
 */
#include <check.h>
#include <stdlib.h>

#include "strbuf.h"

/* What strbuf_append_replaced appends after "<": the text with `find` made `with`. */
static void expect_replaced(const char *text, const char *find, const char *with,
                            const char *expected)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_char(&sb, '<');
    ck_assert_int_eq(strbuf_append_replaced(&sb, text, find, with), 0);
    ck_assert_str_eq(strbuf_str(&sb) + 1, expected);
    strbuf_free(&sb);
}

START_TEST(test_every_occurrence_is_replaced)
{
    expect_replaced("nextval(`a_next`.`s`) + nextval(`a_next`.`t`)", "(`a_next`.", "(`a`.",
                    "nextval(`a`.`s`) + nextval(`a`.`t`)");
    expect_replaced("`db`.`t` refused", "`db`.", "", "`t` refused");
    expect_replaced("aaa", "aa", "b", "ba"); /* left to right, never overlapping */
    expect_replaced("nothing here", "`db`.", "", "nothing here");
    expect_replaced("", "x", "y", "");
    expect_replaced("kept as it is", "", "y", "kept as it is"); /* an empty find: no match */
}
END_TEST

START_TEST(test_identifiers_and_shell_words_are_quoted)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_identifier(&sb, "a\"b");
    strbuf_append_char(&sb, ' ');
    strbuf_append_shell_quoted(&sb, "it's");
    ck_assert_str_eq(strbuf_str(&sb), "\"a\"\"b\" 'it'\\''s'");
    strbuf_free(&sb);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("strbuf");
    TCase *appends = tcase_create("appends");
    tcase_add_test(appends, test_every_occurrence_is_replaced);
    tcase_add_test(appends, test_identifiers_and_shell_words_are_quoted);
    suite_add_tcase(suite, appends);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
