/*
 * test_sqlsplit_scope.c — sql_script_check_scope: statements that would end foster's load
 * transaction or reach beyond the test database are refused where they are; the same words
 * as data are not.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_sqlsplit.h"
#include <stdio.h>

static char *scope_problems(const char *text)
{
    sql_script script = {0};
    split_ok(text, &script);
    diag_list diags = DIAG_LIST_INIT;
    int rc = sql_script_check_scope(&script, "f.sql", &diags);
    ck_assert_int_eq(rc, diags.count ? -1 : 0);
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < diags.count; i++) {
        ck_assert_str_eq(diags.items[i].file, "f.sql");
        snprintf(out + strlen(out), 4096 - strlen(out), "%d:%d: %s\n", diags.items[i].line,
                 diags.items[i].column, diags.items[i].message);
    }
    diag_list_clear(&diags);
    sql_script_free(&script);
    return out;
}

START_TEST(test_scope_refuses_every_transaction_control_statement)
{
    static const char *const statements[] = {
        "BEGIN",
        "begin work",
        "START TRANSACTION",
        "COMMIT",
        "commit and chain",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT s",
        "RELEASE SAVEPOINT s",
        "ROLLBACK TO s",
        "PREPARE TRANSACTION 'x'",
        "COMMIT PREPARED 'x'",
        "ROLLBACK PREPARED 'x'",
    };
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "INSERT INTO t VALUES (1);\n  %s;\n", statements[i]);
        char *problems = scope_problems(text);
        ck_assert_msg(strncmp(problems, "2:3: ", 5) == 0, "[%s]: %s", statements[i], problems);
        ck_assert_msg(strstr(problems, "would end or split foster's load transaction") != NULL,
                      "[%s]: %s", statements[i], problems);
        ck_assert_msg(strchr(problems, '\n') == problems + strlen(problems) - 1, "one diag: %s",
                      problems);
        free(problems);
    }
}
END_TEST

START_TEST(test_scope_refuses_other_databases_and_the_server)
{
    char *problems = scope_problems("DROP DATABASE prod;\ncreate database x;\nALTER DATABASE p "
                                    "RENAME TO q;\nVACUUM;\nATTACH DATABASE 'x' AS x;\n"
                                    "CHECKPOINT;\nALTER SYSTEM SET fsync = off;\n"
                                    "DROP TABLESPACE t;\nREINDEX DATABASE p;\n\\c prod\n"
                                    "\\connect other\n");
    ck_assert_str_eq(
        problems,
        "1:1: DROP DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "2:1: create database would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "3:1: ALTER DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "4:1: VACUUM would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "5:1: ATTACH DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "6:1: CHECKPOINT would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "7:1: ALTER SYSTEM would act beyond the test database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "8:1: DROP TABLESPACE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "9:1: REINDEX DATABASE would act beyond the test database; schema files and fixtures may "
        "not control transactions or reach other databases\n"
        "10:1: \\c prod would connect to another database; schema files and fixtures may not "
        "control transactions or reach other databases\n"
        "11:1: \\connect other would connect to another database; schema files and fixtures "
        "may not control transactions or reach other databases\n");
    free(problems);
}
END_TEST

START_TEST(test_scope_accepts_the_words_as_data)
{
    char *problems = scope_problems(
        "-- COMMIT; DROP DATABASE prod;\n"
        "INSERT INTO t VALUES ('COMMIT; DROP DATABASE prod');\n"
        "/* ROLLBACK; */ SELECT 1 AS \"begin\";\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN COMMIT; RETURN 1; END $$;\n"
        "CREATE TABLE t2 (database text, commit int);\n"
        "PREPARE q AS SELECT 1;\n"
        "\\restrict abc\n"
        "CREATE DATABASE_LINK_NOT x;\n");
    ck_assert_str_eq(problems, "");
    free(problems);
}
END_TEST

TCase *sqlsplit_scope_tcase(void)
{
    TCase *scope = tcase_create("scope");
    tcase_add_test(scope, test_scope_refuses_every_transaction_control_statement);
    tcase_add_test(scope, test_scope_refuses_other_databases_and_the_server);
    tcase_add_test(scope, test_scope_accepts_the_words_as_data);
    return scope;
}
