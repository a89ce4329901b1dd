/*
 * test_ddl_normalize.c — ddl_normalize_name: table names as foster compares them (public
 * dropped, bare names folded, quoted parts kept as written).
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_ddl.h"

/* ---- normalisation ---- */

START_TEST(test_normalize_drops_public_schema)
{
    char *name = ddl_normalize_name("public.trading_shares");
    ck_assert_str_eq(name, "trading_shares");
    free(name);
}
END_TEST

START_TEST(test_normalize_folds_bare_names_and_keeps_other_schema)
{
    char *name = ddl_normalize_name("Billing.Invoice");
    ck_assert_str_eq(name, "billing.invoice");
    free(name);
}
END_TEST

START_TEST(test_normalize_keeps_case_of_quoted_parts)
{
    char *schema = ddl_normalize_name("\"A\".b");
    char *table = ddl_normalize_name("PUBLIC.\"Foo\"");
    char *quoted_public = ddl_normalize_name("\"public\".x");
    char *capital_public = ddl_normalize_name("\"Public\".x");
    ck_assert_str_eq(schema, "A.b");
    ck_assert_str_eq(table, "Foo");
    ck_assert_str_eq(quoted_public, "x");
    ck_assert_str_eq(capital_public, "Public.x");
    free(schema);
    free(table);
    free(quoted_public);
    free(capital_public);
}
END_TEST

START_TEST(test_normalize_unqualified_and_database_qualified_names)
{
    char *bare = ddl_normalize_name("  Trading_Account ");
    char *three = ddl_normalize_name("db.public.x");
    char *doubled = ddl_normalize_name("\"say \"\"hi\"\"\"");
    ck_assert_str_eq(bare, "trading_account");
    ck_assert_str_eq(three, "x");
    ck_assert_str_eq(doubled, "say \"hi\"");
    free(bare);
    free(three);
    free(doubled);
}
END_TEST

TCase *ddl_normalize_tcase(void)
{
    TCase *names = tcase_create("normalize");
    tcase_add_test(names, test_normalize_drops_public_schema);
    tcase_add_test(names, test_normalize_folds_bare_names_and_keeps_other_schema);
    tcase_add_test(names, test_normalize_keeps_case_of_quoted_parts);
    tcase_add_test(names, test_normalize_unqualified_and_database_qualified_names);
    return names;
}
