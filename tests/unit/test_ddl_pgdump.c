/*
 * test_ddl_pgdump.c — real `pg_dump --schema-only -t TABLE` output of PostgreSQL 15.20
 * (tests/data/ddl/pgdump_*.sql): the kind, table and references of every statement, and
 * the columns of each table.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_ddl.h"

/* What every pg_dump file starts with: \restrict, the SET block and set_config. */
#define PGDUMP_PREAMBLE                                                                            \
    {5, DDL_SKIP, NULL, {NULL}}, {10, DDL_SKIP, NULL, {NULL}}, {11, DDL_SKIP, NULL, {NULL}},       \
        {12, DDL_SKIP, NULL, {NULL}}, {13, DDL_SKIP, NULL, {NULL}},                                \
        {14, DDL_SETTING, NULL, {NULL}}, {15, DDL_SETTING, NULL, {NULL}},                          \
        {16, DDL_SETTING, NULL, {NULL}}, {17, DDL_SKIP, NULL, {NULL}},                             \
        {18, DDL_SKIP, NULL, {NULL}}, {19, DDL_SKIP, NULL, {NULL}}, {21, DDL_SKIP, NULL, {NULL}},  \
    {                                                                                              \
        23, DDL_SKIP, NULL,                                                                        \
        {                                                                                          \
            NULL                                                                                   \
        }                                                                                          \
    }

/* ---- real pg_dump files: every statement ---- */

START_TEST(test_pgdump_author_statements)
{
    ddl_file file = {0};
    load_ok("pgdump_author.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "author", {NULL}},
        {39, DDL_SKIP, NULL, {NULL}}, /* ALTER TABLE public.author OWNER TO postgres */
        {45, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {54, DDL_SKIP, NULL, {NULL}},
        {60, DDL_ALTER_SEQUENCE, "author", {NULL}}, /* OWNED BY public.author.id */
        {67, DDL_ALTER_TABLE, "author", {NULL}},
        {74, DDL_ALTER_TABLE, "author", {NULL}},
        {82, DDL_ALTER_TABLE, "author", {NULL}},
        {90, DDL_SKIP, NULL, {NULL}}, /* \unrestrict */
    };
    check_statements(&file, expected, LENGTH(expected));
    ck_assert(file.statements[0].source->is_meta);
    ck_assert_str_eq(file.statements[0].source->text,
                     "\\restrict dH58r0Yu7hDoSrALv7KlfcoMZ9sYBm9vmjjtB09cLZVG8bJjsaxMJD9GVP3wf9t");
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_author_columns)
{
    ddl_file file = {0};
    load_ok("pgdump_author.sql", &file);
    ck_assert_uint_eq(file.table_count, 1);
    const ddl_table *t = table_named(&file, "author");
    ck_assert_str_eq(t->bare_name, "author");
    ck_assert_ptr_null(t->schema);
    ck_assert_int_eq(t->line, 29);
    ck_assert_uint_eq(t->column_count, 5);
    /* id: integer NOT NULL + ALTER COLUMN id SET DEFAULT nextval(...) */
    check_column(t, 0, "id", "integer", true, true, true, 30);
    check_column(t, 1, "name", "character varying(150)", true, false, false, 31);
    check_column(t, 2, "email", "character varying(254)", true, false, false, 32);
    check_column(t, 3, "status", "character varying(20)", true, true, false, 33);
    check_column(t, 4, "created_at", "timestamp with time zone", true, true, false, 34);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_book_statements)
{
    ddl_file file = {0};
    load_ok("pgdump_book.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "book", {NULL}},
        {41, DDL_SKIP, NULL, {NULL}},
        {47, DDL_ALTER_TABLE, "book", {NULL}}, /* ADD GENERATED ALWAYS AS IDENTITY */
        {61, DDL_ALTER_TABLE, "book", {NULL}},
        {69, DDL_ALTER_TABLE, "book", {NULL}},
        {77, DDL_CREATE_INDEX, "book", {NULL}}, /* USING btree */
        {84, DDL_CREATE_INDEX, "book", {NULL}}, /* partial */
        {91, DDL_ALTER_TABLE, "book", {"author", NULL}},
        {99, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_book_columns)
{
    ddl_file file = {0};
    load_ok("pgdump_book.sql", &file);
    const ddl_table *t = table_named(&file, "book");
    ck_assert_uint_eq(t->column_count, 7);
    /* id: integer NOT NULL + ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (...) */
    check_column(t, 0, "id", "integer", true, true, true, 30);
    check_column(t, 1, "author_id", "integer", true, false, false, 31);
    check_column(t, 2, "title", "text", true, false, false, 32);
    check_column(t, 3, "isbn", "character(13)", false, false, false, 33);
    check_column(t, 4, "price", "numeric(12,2)", true, true, false, 34);
    check_column(t, 5, "tags", "text[]", false, true, false, 35);
    check_column(t, 6, "published_on", "date", false, false, false, 36);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_event_log_bigserial_becomes_bigint_with_nextval)
{
    ddl_file file = {0};
    load_ok("pgdump_event_log.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "event_log", {NULL}},
        {37, DDL_SKIP, NULL, {NULL}},
        {43, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {51, DDL_SKIP, NULL, {NULL}},
        {57, DDL_ALTER_SEQUENCE, "event_log", {NULL}},
        {64, DDL_ALTER_TABLE, "event_log", {NULL}},
        {71, DDL_ALTER_TABLE, "event_log", {NULL}},
        {79, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    const ddl_table *t = table_named(&file, "event_log");
    ck_assert_uint_eq(t->column_count, 4);
    check_column(t, 0, "id", "bigint", true, true, true, 30);
    check_column(t, 1, "occurred_at", "timestamp without time zone", true, true, false, 31);
    check_column(t, 2, "kind", "character varying(32)", true, true, false, 32);
    check_column(t, 3, "payload", "jsonb", false, false, false, 33);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_category_self_reference_and_identity)
{
    ddl_file file = {0};
    load_ok("pgdump_category.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "category", {NULL}},
        {37, DDL_SKIP, NULL, {NULL}},
        {43, DDL_ALTER_TABLE, "category", {NULL}}, /* ADD GENERATED BY DEFAULT AS IDENTITY */
        {57, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {66, DDL_SKIP, NULL, {NULL}},
        {72, DDL_ALTER_SEQUENCE, "category", {NULL}},
        {79, DDL_ALTER_TABLE, "category", {NULL}},
        {86, DDL_ALTER_TABLE, "category", {NULL}},
        {94, DDL_ALTER_TABLE, "category", {"category", NULL}},
        {102, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    const ddl_table *t = table_named(&file, "category");
    ck_assert_uint_eq(t->column_count, 4);
    check_column(t, 0, "id", "integer", true, true, true, 30);
    check_column(t, 1, "parent_id", "integer", false, false, false, 31);
    check_column(t, 2, "name", "character varying(80)", true, false, false, 32);
    /* smallserial, dumped as smallint + ALTER COLUMN "position" SET DEFAULT nextval(...) */
    check_column(t, 3, "position", "smallint", true, true, true, 33);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_department_and_employee_reference_each_other)
{
    ddl_file department = {0};
    ddl_file employee = {0};
    load_ok("pgdump_department.sql", &department);
    load_ok("pgdump_employee.sql", &employee);
    const expected_statement department_expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "department", {NULL}},
        {36, DDL_SKIP, NULL, {NULL}},
        {42, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {51, DDL_SKIP, NULL, {NULL}},
        {57, DDL_ALTER_SEQUENCE, "department", {NULL}},
        {64, DDL_ALTER_TABLE, "department", {NULL}},
        {71, DDL_ALTER_TABLE, "department", {NULL}},
        {79, DDL_ALTER_TABLE, "department", {"employee", NULL}}, /* DEFERRABLE FK */
        {87, DDL_SKIP, NULL, {NULL}},
    };
    const expected_statement employee_expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "employee", {NULL}},
        {38, DDL_SKIP, NULL, {NULL}},
        {44, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {53, DDL_SKIP, NULL, {NULL}},
        {59, DDL_ALTER_SEQUENCE, "employee", {NULL}},
        {66, DDL_ALTER_TABLE, "employee", {NULL}},
        {73, DDL_ALTER_TABLE, "employee", {NULL}},
        {81, DDL_ALTER_TABLE, "employee", {"department", NULL}},
        {89, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&department, department_expected, LENGTH(department_expected));
    check_statements(&employee, employee_expected, LENGTH(employee_expected));
    const ddl_table *t = table_named(&employee, "employee");
    ck_assert_uint_eq(t->column_count, 4);
    check_column(t, 3, "salary", "numeric(10,2)", false, false, false, 33);
    ddl_file_free(&department);
    ddl_file_free(&employee);
}
END_TEST

START_TEST(test_pgdump_table_in_other_schema_keeps_schema)
{
    ddl_file file = {0};
    load_ok("pgdump_billing_invoice.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "billing.invoice", {NULL}},
        {38, DDL_SKIP, NULL, {NULL}},
        {44, DDL_ALTER_TABLE, "billing.invoice", {NULL}},
        {58, DDL_ALTER_TABLE, "billing.invoice", {NULL}},
        {66, DDL_ALTER_TABLE, "billing.invoice", {"author", NULL}},
        {74, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    const ddl_table *t = table_named(&file, "billing.invoice");
    ck_assert_str_eq(t->schema, "billing");
    ck_assert_str_eq(t->bare_name, "invoice");
    ck_assert_uint_eq(t->column_count, 5);
    check_column(t, 0, "id", "bigint", true, true, true, 30);
    check_column(t, 3, "issued_on", "date", true, true, false, 33);
    /* note text COLLATE pg_catalog."C": the collation is not part of the type */
    check_column(t, 4, "note", "text", false, false, false, 34);
    ck_assert_ptr_null(ddl_file_table(&file, "invoice"));
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_pgdump_quoted_mixed_case_table)
{
    ddl_file file = {0};
    load_ok("pgdump_user_profile.sql", &file);
    const expected_statement expected[] = {
        PGDUMP_PREAMBLE,
        {29, DDL_CREATE_TABLE, "UserProfile", {NULL}},
        {38, DDL_SKIP, NULL, {NULL}},
        {44, DDL_SKIP, NULL, {NULL}}, /* COMMENT ON TABLE */
        {51, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {60, DDL_SKIP, NULL, {NULL}},
        {66, DDL_ALTER_SEQUENCE, "UserProfile", {NULL}},
        {73, DDL_ALTER_TABLE, "UserProfile", {NULL}},
        {80, DDL_ALTER_TABLE, "UserProfile", {NULL}},
        {88, DDL_ALTER_TABLE, "UserProfile", {NULL}},
        {96, DDL_ALTER_TABLE, "UserProfile", {"author", NULL}},
        {104, DDL_SKIP, NULL, {NULL}}, /* GRANT */
        {111, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    const ddl_table *t = table_named(&file, "UserProfile");
    ck_assert_uint_eq(t->column_count, 5);
    check_column(t, 0, "Id", "integer", true, true, true, 30);
    check_column(t, 1, "displayName", "character varying(64)", true, false, false, 31);
    check_column(t, 3, "order", "integer", false, true, false, 33);
    check_column(t, 4, "score", "double precision", false, false, false, 34);
    ck_assert_ptr_null(ddl_file_table(&file, "userprofile"));
    ck_assert_ptr_null(ddl_table_column(t, "id"));
    ck_assert_ptr_eq(ddl_table_column(t, "Id"), &t->columns[0]);
    ddl_file_free(&file);
}
END_TEST

TCase *ddl_pgdump_tcase(void)
{
    TCase *pgdump = tcase_create("pgdump");
    tcase_add_test(pgdump, test_pgdump_author_statements);
    tcase_add_test(pgdump, test_pgdump_author_columns);
    tcase_add_test(pgdump, test_pgdump_book_statements);
    tcase_add_test(pgdump, test_pgdump_book_columns);
    tcase_add_test(pgdump, test_pgdump_event_log_bigserial_becomes_bigint_with_nextval);
    tcase_add_test(pgdump, test_pgdump_category_self_reference_and_identity);
    tcase_add_test(pgdump, test_pgdump_department_and_employee_reference_each_other);
    tcase_add_test(pgdump, test_pgdump_table_in_other_schema_keeps_schema);
    tcase_add_test(pgdump, test_pgdump_quoted_mixed_case_table);
    return pgdump;
}
