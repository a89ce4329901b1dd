/*
 * test_pgwait_redact.c — a password never shown: pg_conninfo_check's
 * problems, pg_redact_message and pg_redact_conninfo on URLs and keyword
 * strings of every shape libpq reads. Pure: no server.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pgwait.h"

/* ---- pg_conninfo_check and pg_redact_message ------------------------------------------- */

static void assert_conninfo_problem(const char *conninfo, const char *expected)
{
    char *problem = NULL;
    ck_assert_int_eq(pg_conninfo_check(conninfo, &problem), -1);
    ck_assert_ptr_nonnull(problem);
    ck_assert_str_eq(problem, expected);
    free(problem);
}

START_TEST(test_conninfo_check_says_what_libpq_found_wrong)
{
    char *problem = (char *)"untouched";
    ck_assert_int_eq(pg_conninfo_check("postgresql://app:pw@db/app?sslmode=disable", &problem), 0);
    ck_assert_ptr_null(problem);
    ck_assert_int_eq(pg_conninfo_check("host=db dbname=app", &problem), 0);
    assert_conninfo_problem("postgresql://db/app?bogus=1",
                            "invalid URI query parameter: \"bogus\"");
    assert_conninfo_problem("postgresql://db/app%", "invalid percent-encoded token: \"app%\"");
    assert_conninfo_problem("localhost:5432/db",
                            "missing \"=\" after \"localhost:5432/db\" in connection info string");
    assert_conninfo_problem("host=db dbname='x",
                            "unterminated quoted string in connection info string");
}
END_TEST

START_TEST(test_conninfo_check_never_shows_the_password)
{
    char *problem = NULL;
    ck_assert_int_eq(pg_conninfo_check("postgresql://app:Sw0rdfish9Q@[::1/db", &problem), -1);
    ck_assert_ptr_nonnull(problem);
    ck_assert_ptr_null(strstr(problem, "Sw0rdfish9Q"));
    ck_assert_ptr_nonnull(strstr(problem, "***"));
    free(problem);
    ck_assert_int_eq(pg_conninfo_check("password=Sw0rdfish9Q host='x", &problem), -1);
    ck_assert_ptr_null(strstr(problem, "Sw0rdfish9Q"));
    free(problem);
}
END_TEST

START_TEST(test_redact_message_removes_the_half_libpq_took_for_the_host)
{
    char *clean = pg_redact_message(
        "postgresql://app:Sw0rd@fish9Q@localhost:1/db",
        "could not translate host name \"fish9Q@localhost\" to address: Name or service not known");
    ck_assert_ptr_nonnull(clean);
    ck_assert_str_eq(clean,
                     "could not translate host name \"***@localhost\" to address: Name or service "
                     "not known");
    free(clean);
    clean = pg_redact_message("host=db password=Sw0rdfish9Q", "FATAL: no Sw0rdfish9Q here");
    ck_assert_str_eq(clean, "FATAL: no *** here");
    free(clean);
}
END_TEST

/* ---- pg_redact_conninfo ---------------------------------------------------------------- */

static void assert_redacted(const char *conninfo, const char *expected)
{
    char *redacted = pg_redact_conninfo(conninfo);
    ck_assert_ptr_nonnull(redacted);
    ck_assert_str_eq(redacted, expected);
    free(redacted);
}

START_TEST(test_url_password_is_replaced_by_stars)
{
    assert_redacted("postgresql://app:SECRET@127.0.0.1:6543/db",
                    "postgresql://app:***@127.0.0.1:6543/db");
}
END_TEST

START_TEST(test_postgres_scheme_in_any_case_is_a_url)
{
    assert_redacted("postgres://app:SECRET@db/app", "postgres://app:***@db/app");
    assert_redacted("PostgreSQL://app:SECRET@db/app", "PostgreSQL://app:***@db/app");
}
END_TEST

START_TEST(test_url_without_password_is_unchanged)
{
    assert_redacted("postgresql://app@db:5432/app", "postgresql://app@db:5432/app");
    assert_redacted("postgresql:///postgres", "postgresql:///postgres");
    assert_redacted("postgresql://db:5432/app", "postgresql://db:5432/app");
    assert_redacted("postgresql://app:@db/app", "postgresql://app:@db/app");
}
END_TEST

START_TEST(test_url_percent_encoded_password_is_replaced_whole)
{
    assert_redacted("postgresql://app:p%40ss%2Fw%3Ard@db/app", "postgresql://app:***@db/app");
}
END_TEST

START_TEST(test_url_password_with_unencoded_at_or_slash_is_replaced_whole)
{
    assert_redacted("postgresql://app:p@ss@db/app", "postgresql://app:***@db/app");
    assert_redacted("postgresql://app:pa/ss@db/app", "postgresql://app:***@db/app");
}
END_TEST

START_TEST(test_url_password_parameter_is_replaced)
{
    assert_redacted("postgresql://db/app?sslmode=disable&password=SECRET&application_name=x",
                    "postgresql://db/app?sslmode=disable&password=***&application_name=x");
    assert_redacted("postgresql://db/app?pass%77ord=SECRET", "postgresql://db/app?pass%77ord=***");
    assert_redacted("postgresql://app:ONE@db/app?password=TWO",
                    "postgresql://app:***@db/app?password=***");
}
END_TEST

START_TEST(test_url_with_empty_user_keeps_the_colon)
{
    assert_redacted("postgresql://:SECRET@db", "postgresql://:***@db");
}
END_TEST

START_TEST(test_url_ipv6_host_and_socket_parameters_are_kept)
{
    assert_redacted("postgresql://app:SECRET@[::1]:5432/app?host=/tmp/run&port=5433",
                    "postgresql://app:***@[::1]:5432/app?host=/tmp/run&port=5433");
    assert_redacted("postgresql://app@/postgres?host=/tmp/run&port=5433",
                    "postgresql://app@/postgres?host=/tmp/run&port=5433");
}
END_TEST

START_TEST(test_keyword_password_is_replaced)
{
    assert_redacted("host=db password=SECRET dbname=app", "host=db password=*** dbname=app");
    assert_redacted("password=SECRET", "password=***");
}
END_TEST

START_TEST(test_keyword_quoted_password_with_escapes_is_replaced_whole)
{
    assert_redacted("password='se cr\\'et x' host=db", "password=*** host=db");
    assert_redacted("password=se\\ cret host=db", "password=*** host=db");
}
END_TEST

START_TEST(test_keyword_spacing_around_equals_is_kept)
{
    assert_redacted("host = db  password =\tSECRET\n", "host = db  password =\t***\n");
}
END_TEST

START_TEST(test_keyword_every_password_is_replaced)
{
    assert_redacted("password=ONE host=db password=TWO", "password=*** host=db password=***");
}
END_TEST

/* libpq skips blanks after '=', so `password= dbname=app` sets the password "dbname=app". */
START_TEST(test_keyword_value_after_blank_is_the_password)
{
    assert_redacted("host=db password= dbname=app", "host=db password= ***");
}
END_TEST

START_TEST(test_keywords_merely_containing_password_are_kept)
{
    assert_redacted("passfile=/home/app/.pgpass application_name=password",
                    "passfile=/home/app/.pgpass application_name=password");
    assert_redacted("host=db password=", "host=db password=");
}
END_TEST

START_TEST(test_malformed_keyword_password_is_still_hidden)
{
    assert_redacted("password SECRET host=db", "password *** host=db");
    assert_redacted("host=db password='SECRET unterminated", "host=db password=***");
}
END_TEST

START_TEST(test_empty_conninfo_stays_empty)
{
    assert_redacted("", "");
    assert_redacted("  postgresql://app:SECRET@db", "  postgresql://app:***@db");
}
END_TEST

TCase *pgwait_redact_tcase(void)
{
    TCase *redact = tcase_create("redact");
    tcase_add_test(redact, test_url_password_is_replaced_by_stars);
    tcase_add_test(redact, test_conninfo_check_says_what_libpq_found_wrong);
    tcase_add_test(redact, test_conninfo_check_never_shows_the_password);
    tcase_add_test(redact, test_redact_message_removes_the_half_libpq_took_for_the_host);
    tcase_add_test(redact, test_postgres_scheme_in_any_case_is_a_url);
    tcase_add_test(redact, test_url_without_password_is_unchanged);
    tcase_add_test(redact, test_url_percent_encoded_password_is_replaced_whole);
    tcase_add_test(redact, test_url_password_with_unencoded_at_or_slash_is_replaced_whole);
    tcase_add_test(redact, test_url_password_parameter_is_replaced);
    tcase_add_test(redact, test_url_with_empty_user_keeps_the_colon);
    tcase_add_test(redact, test_url_ipv6_host_and_socket_parameters_are_kept);
    tcase_add_test(redact, test_keyword_password_is_replaced);
    tcase_add_test(redact, test_keyword_quoted_password_with_escapes_is_replaced_whole);
    tcase_add_test(redact, test_keyword_spacing_around_equals_is_kept);
    tcase_add_test(redact, test_keyword_every_password_is_replaced);
    tcase_add_test(redact, test_keyword_value_after_blank_is_the_password);
    tcase_add_test(redact, test_keywords_merely_containing_password_are_kept);
    tcase_add_test(redact, test_malformed_keyword_password_is_still_hidden);
    tcase_add_test(redact, test_empty_conninfo_stays_empty);
    return redact;
}
