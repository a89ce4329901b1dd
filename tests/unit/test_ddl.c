/* test_ddl.c — specification of ddl_analyze and friends (src/ddl.h), mostly on real
 * `pg_dump --schema-only -t TABLE` output from PostgreSQL 15.20 (tests/data/ddl/pgdump_*.sql). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "test_data.h"

#define LENGTH(array) (sizeof(array) / sizeof((array)[0]))

typedef struct expected_statement {
    int line;
    ddl_kind kind;
    const char *table;         /* NULL when none */
    const char *references[3]; /* NULL-terminated */
} expected_statement;

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

static char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

/* Loads tests/data/ddl/<name>, expecting success without diags. */
static void load_ok(const char *name, ddl_file *file)
{
    char relative[256];
    snprintf(relative, sizeof relative, "ddl/%s", name);
    char *path = data_path(relative);
    diag_list diags = DIAG_LIST_INIT;
    int rc = ddl_load_file(path, relative, file, &diags);
    ck_assert_msg(rc == 0, "%s: %s", name, diags.count ? diags.items[0].message : "rc -1");
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_str_eq(file->display_name, relative);
    free(path);
}

/* Splits and analyses `text`; returns ddl_analyze's result. */
static int analyze_text(const char *text, ddl_file *file, diag_list *diags)
{
    sql_script script = {0};
    ck_assert_int_eq(sql_split(text, strlen(text), "t.sql", &script, diags), 0);
    return ddl_analyze(&script, "t.sql", file, diags);
}

static void analyze_ok(const char *text, ddl_file *file)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = analyze_text(text, file, &diags);
    ck_assert_msg(rc == 0, "ddl_analyze failed: %s", diags.count ? diags.items[0].message : "");
    ck_assert_uint_eq(diags.count, 0);
}

static void check_statement(const ddl_file *file, size_t index, const expected_statement *e)
{
    ck_assert_uint_lt(index, file->statement_count);
    const ddl_statement *st = &file->statements[index];
    ck_assert_msg(st->source->line == e->line, "statement %zu is on line %d, expected %d", index,
                  st->source->line, e->line);
    ck_assert_msg(st->kind == e->kind, "line %d: kind %d, expected %d", e->line, st->kind, e->kind);
    if (e->table)
        ck_assert_str_eq(st->table, e->table);
    else
        ck_assert_msg(st->table == NULL, "line %d: table %s, expected none", e->line, st->table);
    size_t count = 0;
    while (count < LENGTH(e->references) && e->references[count])
        count++;
    ck_assert_msg(st->reference_count == count, "line %d: %zu references, expected %zu", e->line,
                  st->reference_count, count);
    for (size_t i = 0; i < count; i++)
        ck_assert_str_eq(st->references[i], e->references[i]);
}

static void check_statements(const ddl_file *file, const expected_statement *expected, size_t count)
{
    ck_assert_uint_eq(file->statement_count, count);
    for (size_t i = 0; i < count; i++)
        check_statement(file, i, &expected[i]);
}

static void check_column(const ddl_table *table, size_t index, const char *name, const char *type,
                         bool not_null, bool has_default, bool auto_increment, int line)
{
    ck_assert_uint_lt(index, table->column_count);
    const ddl_column *c = &table->columns[index];
    ck_assert_str_eq(c->name, name);
    ck_assert_str_eq(c->type, type);
    ck_assert_msg(c->not_null == not_null, "%s.not_null is %d", name, c->not_null);
    ck_assert_msg(c->has_default == has_default, "%s.has_default is %d", name, c->has_default);
    ck_assert_msg(c->auto_increment == auto_increment, "%s.auto_increment is %d", name,
                  c->auto_increment);
    ck_assert_int_eq(c->line, line);
}

static const ddl_table *table_named(const ddl_file *file, const char *name)
{
    const ddl_table *table = ddl_file_table(file, name);
    ck_assert_msg(table != NULL, "no table %s", name);
    return table;
}

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

/* ---- hand-written inline forms (tests/data/ddl/inline_forms.sql) ---- */

START_TEST(test_inline_forms_statements)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    const expected_statement expected[] = {
        {5, DDL_OTHER, NULL, {NULL}}, /* CREATE SCHEMA */
        {6, DDL_OTHER, NULL, {NULL}},
        {7, DDL_CREATE_TABLE, "customer", {NULL}},
        {8, DDL_CREATE_TABLE, "template_item", {NULL}},
        {9, DDL_CREATE_TABLE, "billing.sku", {NULL}},
        {11, DDL_CREATE_TABLE, "shop.Order", {"customer", NULL}}, /* twice, once listed */
        {21, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {23, DDL_CREATE_TABLE, "counter", {NULL}}, /* UNLOGGED */
        {38, DDL_CREATE_TABLE, "line_item", {"shop.Order", "line_item", NULL}},
        {51, DDL_CREATE_TABLE, "scratch", {NULL}},    /* GLOBAL TEMPORARY */
        {52, DDL_CREATE_INDEX, "line_item", {NULL}},  /* CONCURRENTLY ... ON ONLY */
        {53, DDL_CREATE_INDEX, "shop.Order", {NULL}}, /* no index name */
        {55, DDL_ALTER_TABLE, "line_item", {NULL}},
        {56, DDL_ALTER_TABLE, "counter", {NULL}},
        {57, DDL_ALTER_TABLE, "counter", {NULL}},
        {58, DDL_ALTER_TABLE, "counter", {NULL}}, /* IF EXISTS ONLY */
        {59, DDL_ALTER_TABLE, "counter", {NULL}},
        {60, DDL_ALTER_TABLE, "counter", {NULL}}, /* RENAME COLUMN owner TO */
        {61, DDL_ALTER_TABLE, "line_item", {"billing.sku", NULL}},
        {62, DDL_ALTER_SEQUENCE, "counter", {NULL}},
        {63, DDL_SKIP, NULL, {NULL}},    /* OWNER TO CURRENT_USER */
        {64, DDL_SKIP, NULL, {NULL}},    /* ALTER DEFAULT PRIVILEGES */
        {65, DDL_SKIP, NULL, {NULL}},    /* REVOKE */
        {66, DDL_SKIP, NULL, {NULL}},    /* setval */
        {67, DDL_SETTING, NULL, {NULL}}, /* set_config of search_path, unqualified */
        {68, DDL_OTHER, NULL, {NULL}},   /* SELECT count(*) */
        {69, DDL_OTHER, NULL, {NULL}},   /* CREATE VIEW */
    };
    check_statements(&file, expected, LENGTH(expected));
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_inline_column_types_are_written_with_single_spaces)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    const ddl_table *t = table_named(&file, "shop.Order");
    ck_assert_str_eq(t->schema, "shop");
    ck_assert_str_eq(t->bare_name, "Order");
    ck_assert_uint_eq(t->column_count, 6);
    check_column(t, 0, "id", "bigserial", true, true, true, 12);
    /* ON DELETE SET DEFAULT is not a DEFAULT clause */
    check_column(t, 1, "customer_id", "integer", true, false, false, 13);
    check_column(t, 2, "placed_at", "timestamp(3) with time zone", false, true, false, 14);
    check_column(t, 3, "total", "numeric(12,2)", false, false, false, 15);
    check_column(t, 4, "status", "varchar(20)", true, true, false, 16);
    check_column(t, 5, "lines", "integer[][]", false, false, false, 17);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_inline_serial_identity_and_nextval_are_auto_increment)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    const ddl_table *t = table_named(&file, "counter");
    ck_assert_uint_eq(t->column_count, 12);
    check_column(t, 0, "small", "smallserial", true, true, true, 24);
    check_column(t, 1, "s4", "serial4", true, true, true, 25);
    check_column(t, 2, "s8", "serial8", true, true, true, 26);
    check_column(t, 3, "s2", "serial2", true, true, true, 27);
    check_column(t, 5, "big", "BIGSERIAL", true, true, true, 29);
    check_column(t, 6, "ident_always", "integer", true, true, true, 30);
    check_column(t, 7, "ident_default", "bigint", true, true, true, 31);
    check_column(t, 8, "seq_default", "integer", false, true, true, 32);
    /* GENERATED ALWAYS AS (expr) STORED: computed, not auto-increment */
    check_column(t, 9, "computed", "integer", false, true, false, 33);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_alter_column_statements_change_columns)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    const ddl_table *t = table_named(&file, "counter");
    /* plain serial, then ALTER COLUMN plain DROP DEFAULT */
    check_column(t, 4, "plain", "serial", true, false, false, 28);
    /* owner, then RENAME COLUMN owner TO proprietor */
    check_column(t, 10, "proprietor", "text", false, false, false, 34);
    /* note text, then TYPE bigint, SET NOT NULL, ADD GENERATED BY DEFAULT AS IDENTITY */
    check_column(t, 11, "note", "bigint", true, true, true, 35);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_table_level_primary_key_and_multi_action_alter)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    const ddl_table *t = table_named(&file, "line_item");
    /* PRIMARY KEY, FOREIGN KEY, UNIQUE, EXCLUDE and LIKE are not columns */
    ck_assert_uint_eq(t->column_count, 5);
    /* PRIMARY KEY (order_id, position) comes before the columns it names */
    check_column(t, 0, "order_id", "bigint", true, false, false, 40);
    check_column(t, 1, "position", "integer", true, false, false, 41);
    /* ALTER sku SET NOT NULL, ALTER COLUMN parent_id SET DEFAULT nextval(...), ADD COLUMN */
    check_column(t, 2, "parent_id", "integer", false, true, true, 42);
    check_column(t, 3, "sku", "text", true, false, false, 43);
    check_column(t, 4, "added", "text", true, true, false, 55);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_applying_column_alters_again_adds_nothing)
{
    ddl_file file = {0};
    load_ok("inline_forms.sql", &file);
    ddl_apply_column_alters(&file);
    const ddl_table *t = table_named(&file, "line_item");
    ck_assert_uint_eq(t->column_count, 5);
    check_column(t, 4, "added", "text", true, true, false, 55);
    ddl_file_free(&file);
}
END_TEST

/* ---- inline statements ---- */

START_TEST(test_alter_table_add_primary_key_marks_columns_not_null)
{
    ddl_file file = {0};
    analyze_ok("CREATE TABLE a (x int, y int, z int);\n"
               "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_pkey PRIMARY KEY (x, \"y\");",
               &file);
    const ddl_table *t = table_named(&file, "a");
    ck_assert(t->columns[0].not_null);
    ck_assert(t->columns[1].not_null);
    ck_assert(!t->columns[2].not_null);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_alter_applies_only_to_table_of_same_name)
{
    ddl_file file = {0};
    analyze_ok("CREATE TABLE a (id int);\nCREATE TABLE other.a (id int);\n"
               "ALTER TABLE other.a ALTER COLUMN id SET DEFAULT nextval('s'::regclass);",
               &file);
    ck_assert(!table_named(&file, "a")->columns[0].auto_increment);
    ck_assert(table_named(&file, "other.a")->columns[0].auto_increment);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_rename_owner_column_is_not_owner_to)
{
    ddl_file file = {0};
    analyze_ok("ALTER TABLE t RENAME owner TO x;\nALTER TABLE t RENAME COLUMN owner TO x;\n"
               "ALTER TABLE t RENAME TO owner;\nALTER TABLE t OWNER TO owner;\n"
               "ALTER SEQUENCE s OWNER TO \"Bob\";\nALTER SCHEMA s OWNER TO bob;",
               &file);
    const expected_statement expected[] = {
        {1, DDL_ALTER_TABLE, "t", {NULL}}, {2, DDL_ALTER_TABLE, "t", {NULL}},
        {3, DDL_ALTER_TABLE, "t", {NULL}}, {4, DDL_SKIP, NULL, {NULL}},
        {5, DDL_SKIP, NULL, {NULL}},       {6, DDL_SKIP, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_quoted_constraint_word_is_a_column)
{
    ddl_file file = {0};
    analyze_ok("CREATE TABLE t (\"check\" int NOT NULL, \"primary\" text, unique_id int UNIQUE);",
               &file);
    const ddl_table *t = table_named(&file, "t");
    ck_assert_uint_eq(t->column_count, 3);
    check_column(t, 0, "check", "int", true, false, false, 1);
    check_column(t, 1, "primary", "text", false, false, false, 1);
    check_column(t, 2, "unique_id", "int", false, false, false, 1);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_sequence_owned_by_none_has_no_table)
{
    ddl_file file = {0};
    analyze_ok("CREATE SEQUENCE s OWNED BY NONE;\nCREATE SEQUENCE billing.s2 OWNED BY "
               "billing.invoice.id;\nALTER SEQUENCE s RESTART WITH 5;",
               &file);
    const expected_statement expected[] = {
        {1, DDL_CREATE_SEQUENCE, NULL, {NULL}},
        {2, DDL_CREATE_SEQUENCE, "billing.invoice", {NULL}},
        {3, DDL_ALTER_SEQUENCE, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_function_with_dollar_body_is_other)
{
    ddl_file file = {0};
    analyze_ok("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
               "  CREATE TABLE x (a int REFERENCES y);\n  RETURN NEW;\nEND;\n$$;\n"
               "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
               &file);
    const expected_statement expected[] = {
        {1, DDL_OTHER, NULL, {NULL}},
        {7, DDL_OTHER, NULL, {NULL}},
    };
    check_statements(&file, expected, LENGTH(expected));
    ck_assert_uint_eq(file.table_count, 0);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_analyze_takes_ownership_of_script)
{
    sql_script script = {0};
    diag_list diags = DIAG_LIST_INIT;
    const char *text = "CREATE TABLE t (a int);";
    ck_assert_int_eq(sql_split(text, strlen(text), "t.sql", &script, &diags), 0);
    sql_statement *items = script.items;
    ddl_file file = {0};
    ck_assert_int_eq(ddl_analyze(&script, "t.sql", &file, &diags), 0);
    ck_assert_ptr_null(script.items);
    ck_assert_uint_eq(script.count, 0);
    ck_assert_ptr_eq(file.script.items, items);
    ck_assert_ptr_eq(file.statements[0].source, &items[0]);
    ck_assert_str_eq(file.display_name, "t.sql");
    ddl_file_free(&file);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_create_table_without_column_list_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze_text("SET x = 1;\n\nCREATE TABLE public.copy AS SELECT 1;\n"
                                  "CREATE TABLE ok (a int);",
                                  &file, &diags),
                     -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "t.sql");
    ck_assert_int_eq(diags.items[0].line, 3);
    ck_assert_int_eq(diags.items[0].column, 26);
    ck_assert_str_eq(diags.items[0].message, "CREATE TABLE copy has no column list");
    ck_assert_ptr_nonnull(diags.items[0].hint);
    /* the other statements are still read */
    ck_assert_int_eq(file.statements[1].kind, DDL_CREATE_TABLE);
    ck_assert_uint_eq(file.table_count, 1);
    ck_assert_str_eq(file.tables[0].name, "ok");
    diag_list_clear(&diags);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_partition_of_without_columns_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        analyze_text("CREATE TABLE m_2020 PARTITION OF m FOR VALUES IN (1);", &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].line, 1);
    ck_assert_int_eq(diags.items[0].column, 21);
    ck_assert_str_eq(diags.items[0].message, "CREATE TABLE m_2020 has no column list");
    diag_list_clear(&diags);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_unclosed_column_list_points_at_its_parenthesis)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        analyze_text("CREATE TABLE t\n  (a numeric(3), b int;\nSELECT 1;", &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_int_eq(diags.items[0].column, 3);
    ck_assert_str_eq(diags.items[0].message, "column list of table t is not closed");
    diag_list_clear(&diags);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_create_table_without_name_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze_text("CREATE TABLE (a int);", &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].column, 14);
    ck_assert_str_eq(diags.items[0].message, "expected a table name after CREATE TABLE");
    diag_list_clear(&diags);
    ddl_file_free(&file);
}
END_TEST

START_TEST(test_load_file_reports_splitter_error)
{
    char *path = data_path("sql/unterminated_dollar.sql");
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_load_file(path, "schemas/x.sql", &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "schemas/x.sql");
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_int_eq(diags.items[0].column, 8);
    ck_assert_uint_eq(file.statement_count, 0);
    ddl_file_free(&file);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_load_missing_file_is_an_error)
{
    ddl_file file = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_load_file("/nonexistent/foster.sql", NULL, &file, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "/nonexistent/foster.sql");
    ck_assert_str_eq(diags.items[0].message, "cannot open file: No such file or directory");
    ddl_file_free(&file);
    diag_list_clear(&diags);
}
END_TEST

static Suite *ddl_suite(void)
{
    Suite *suite = suite_create("ddl");
    TCase *names = tcase_create("normalize");
    tcase_add_test(names, test_normalize_drops_public_schema);
    tcase_add_test(names, test_normalize_folds_bare_names_and_keeps_other_schema);
    tcase_add_test(names, test_normalize_keeps_case_of_quoted_parts);
    tcase_add_test(names, test_normalize_unqualified_and_database_qualified_names);
    suite_add_tcase(suite, names);

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
    suite_add_tcase(suite, pgdump);

    TCase *inline_forms = tcase_create("inline");
    tcase_add_test(inline_forms, test_inline_forms_statements);
    tcase_add_test(inline_forms, test_inline_column_types_are_written_with_single_spaces);
    tcase_add_test(inline_forms, test_inline_serial_identity_and_nextval_are_auto_increment);
    tcase_add_test(inline_forms, test_alter_column_statements_change_columns);
    tcase_add_test(inline_forms, test_table_level_primary_key_and_multi_action_alter);
    tcase_add_test(inline_forms, test_applying_column_alters_again_adds_nothing);
    tcase_add_test(inline_forms, test_alter_table_add_primary_key_marks_columns_not_null);
    tcase_add_test(inline_forms, test_alter_applies_only_to_table_of_same_name);
    tcase_add_test(inline_forms, test_rename_owner_column_is_not_owner_to);
    tcase_add_test(inline_forms, test_quoted_constraint_word_is_a_column);
    tcase_add_test(inline_forms, test_sequence_owned_by_none_has_no_table);
    tcase_add_test(inline_forms, test_function_with_dollar_body_is_other);
    tcase_add_test(inline_forms, test_analyze_takes_ownership_of_script);
    suite_add_tcase(suite, inline_forms);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_create_table_without_column_list_is_an_error);
    tcase_add_test(errors, test_partition_of_without_columns_is_an_error);
    tcase_add_test(errors, test_unclosed_column_list_points_at_its_parenthesis);
    tcase_add_test(errors, test_create_table_without_name_is_an_error);
    tcase_add_test(errors, test_load_file_reports_splitter_error);
    tcase_add_test(errors, test_load_missing_file_is_an_error);
    suite_add_tcase(suite, errors);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(ddl_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
