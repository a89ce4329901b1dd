/*
 * test_manifest_parse.c — manifests that parse: the docs/manifest.md example, the defaults
 * (the name taken from the directory), comments and layout, values expanded from the
 * environment, table names, fixture and depends lists normalised, tables found by name.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "test_manifest.h"

/* ---- The docs/manifest.md example and defaults ---- */

static const char design_example[] =
    "; foster.ini: tables this project reads but another system owns\n"
    "[foster]\n"
    "name     = trading          ; test databases are named test_<name>_<run id>\n"
    "backend  = sqlite           ; sqlite | postgres | cluster | container\n"
    "schemas  = schemas          ; folder of DDL files, relative to this file\n"
    "fixtures = fixtures         ; folder of fixture files, relative to this file\n"
    "\n"
    "[postgres]\n"
    "url = ${FOSTER_ADMIN_URL:-postgresql:///postgres}   ; ${VAR} and ${VAR:-default} are "
    "expanded\n"
    "\n"
    "[container]\n"
    "engine = docker             ; docker | podman\n"
    "image  = postgres:16\n"
    "\n"
    "[table trading_shares]\n"
    "owner    = trading-service  ; free text: who really owns the table\n"
    "schema   = trading_shares.sql        ; default <table>.sql in the schemas folder\n"
    "fixtures = trading_shares.csv        ; default <table>.csv when it exists; a comma list "
    "is allowed\n"
    "depends  = trading_account           ; extra ordering, beyond what the DDL itself "
    "references\n";

static void assert_design_example_values(const manifest *m)
{
    ck_assert_str_eq(m->path, "conf/foster.ini");
    ck_assert_str_eq(m->directory, "conf");
    ck_assert_str_eq(m->name, "trading");
    ck_assert_str_eq(m->backend, "sqlite");
    ck_assert_str_eq(m->schemas_dir, "schemas");
    ck_assert_str_eq(m->fixtures_dir, "fixtures");
    ck_assert_str_eq(m->postgres_url, "postgresql:///postgres");
    ck_assert_str_eq(m->container_engine, "docker");
    ck_assert_str_eq(m->container_image, "postgres:16");
    ck_assert_ptr_null(m->cluster_bindir);
    const manifest_table *t = &m->tables[0];
    ck_assert_str_eq(t->name, "trading_shares");
    ck_assert_str_eq(t->written_name, "trading_shares");
    ck_assert_str_eq(t->owner, "trading-service");
    ck_assert_str_eq(t->schema, "trading_shares.sql");
    ck_assert(t->fixtures_given);
    ck_assert_uint_eq(t->fixture_count, 1);
    ck_assert_str_eq(t->fixtures[0], "trading_shares.csv");
    ck_assert_uint_eq(t->depends_count, 1);
    ck_assert_str_eq(t->depends[0], "trading_account");
    ck_assert_ptr_null(t->model);
    ck_assert_int_eq(t->line, 15);
    ck_assert_int_eq(t->schema_line, 17);
    ck_assert_int_eq(t->fixtures_line, 18);
    ck_assert_int_eq(t->depends_line, 19);
}

START_TEST(test_design_example_parses_to_its_values)
{
    char *text = strbuf_format("%s\n[table trading_account]\n", design_example);
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_uint_eq(m.table_count, 2);
    assert_design_example_values(&m);
    ck_assert_str_eq(m.tables[1].name, "trading_account");
    ck_assert_int_eq(m.tables[1].line, 21);
    manifest_free(&m);
    free(text);
}
END_TEST

START_TEST(test_design_example_alone_reports_only_its_unlisted_dependency)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(design_example, &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, "conf/foster.ini", 19,
                "unknown table \"trading_account\" in depends of [table trading_shares]; "
                "expected a table that has a [table NAME] section in this manifest");
    ck_assert_uint_eq(m.table_count, 1);
    assert_design_example_values(&m);
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_defaults_when_only_a_table_is_listed)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        manifest_parse("[table orders]\n", "/srv/shop/foster.ini", NULL, NULL, &m, &diags), 0);
    ck_assert_str_eq(m.directory, "/srv/shop");
    ck_assert_str_eq(m.name, "shop");
    ck_assert_str_eq(m.backend, "sqlite");
    ck_assert_str_eq(m.schemas_dir, "schemas");
    ck_assert_str_eq(m.fixtures_dir, "fixtures");
    ck_assert_str_eq(m.container_image, "postgres:16");
    ck_assert_ptr_null(m.postgres_url);
    ck_assert_ptr_null(m.container_engine);
    ck_assert_ptr_null(m.cluster_bindir);
    ck_assert_uint_eq(m.table_count, 1);
    const manifest_table *t = &m.tables[0];
    ck_assert_str_eq(t->name, "orders");
    ck_assert_ptr_null(t->owner);
    ck_assert_ptr_null(t->schema);
    ck_assert_ptr_null(t->model);
    ck_assert(!t->fixtures_given);
    ck_assert_uint_eq(t->fixture_count, 0);
    ck_assert_uint_eq(t->depends_count, 0);
    ck_assert_int_eq(t->schema_line, 0);
    ck_assert_int_eq(t->fixtures_line, 0);
    ck_assert_int_eq(t->depends_line, 0);
    manifest_free(&m);
}
END_TEST

/* An empty manifest at `path` takes `name` as its name and `directory` (unless NULL) as its
 * directory. */
static void assert_default_name(const char *path, const char *directory, const char *name)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse_as("", path, &m, &diags), 0);
    if (directory)
        ck_assert_str_eq(m.directory, directory);
    ck_assert_str_eq(m.name, name);
    manifest_free(&m);
}

START_TEST(test_default_name_reduces_the_directory_name)
{
    assert_default_name("/home/ann/My-Shop.v2/foster.ini", NULL, "my_shop_v2");
}
END_TEST

START_TEST(test_default_name_is_cut_to_thirty_characters)
{
    assert_default_name("/x/abcdefghijklmnopqrstuvwxyz0123456789/foster.ini", NULL,
                        "abcdefghijklmnopqrstuvwxyz0123");
}
END_TEST

START_TEST(test_default_name_at_the_root_is_foster)
{
    assert_default_name("/foster.ini", "/", "foster");
}
END_TEST

START_TEST(test_relative_path_without_directory_is_read_from_the_current_one)
{
    char *project = data_path("project");
    ck_assert_int_eq(chdir(project), 0); /* each Check test runs in its own process */
    assert_default_name("foster.ini", ".", "project");
    free(project);
}
END_TEST

/* ---- Comments and layout ---- */

START_TEST(test_inline_comments_after_white_space_are_removed)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table x] ; the x table\n"
                           "owner = team a ; semicolon comment\n"
                           "model = app.x\t# hash comment\n"
                           "schema = x;v2#final.sql\n",
                           &m, &diags),
                     0);
    ck_assert_str_eq(m.tables[0].owner, "team a");
    ck_assert_str_eq(m.tables[0].model, "app.x");
    ck_assert_str_eq(m.tables[0].schema, "x;v2#final.sql"); /* no white space before: kept */
    manifest_free(&m);
}
END_TEST

START_TEST(test_value_that_is_only_a_comment_is_empty)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table x]\nfixtures =     ; none for this table\n", &m, &diags), 0);
    ck_assert(m.tables[0].fixtures_given);
    ck_assert_uint_eq(m.tables[0].fixture_count, 0);
    ck_assert_int_eq(m.tables[0].fixtures_line, 2);
    manifest_free(&m);
}
END_TEST

START_TEST(test_comment_lines_blank_lines_indentation_and_crlf_are_accepted)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("\xEF\xBB\xBF# leading hash comment\r\n"
                           "   ; indented comment\r\n"
                           "\r\n"
                           "  [foster]  \r\n"
                           "\tname = crlf\r\n"
                           "[table x]\r\n"
                           "    owner = ops\r\n",
                           &m, &diags),
                     0);
    ck_assert_str_eq(m.name, "crlf");
    ck_assert_str_eq(m.tables[0].owner, "ops");
    ck_assert_int_eq(m.tables[0].line, 6);
    manifest_free(&m);
}
END_TEST

START_TEST(test_empty_value_leaves_the_default)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[foster]\nbackend = ${FOSTER_BACKEND}\nschemas =\n"
                           "[postgres]\nurl = ${NO_SUCH_URL}\n[container]\nimage =\n",
                           &m, &diags),
                     0);
    ck_assert_str_eq(m.backend, "sqlite");
    ck_assert_str_eq(m.schemas_dir, "schemas");
    ck_assert_ptr_null(m.postgres_url);
    ck_assert_str_eq(m.container_image, "postgres:16");
    manifest_free(&m);
}
END_TEST

/* ---- Values ---- */

START_TEST(test_values_are_expanded_from_the_given_environment)
{
    const char *const environment[] = {"PGHOST_URL=postgresql://ci@db:5432/postgres",
                                       "BIN=/usr/lib/postgresql/16/bin", "ENGINE=podman", NULL};
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse("[postgres]\nurl = ${PGHOST_URL:-postgresql:///postgres}\n"
                                    "[cluster]\nbindir = ${BIN}\n"
                                    "[container]\nengine = ${ENGINE}\n",
                                    "foster.ini", fake_getenv, (void *)environment, &m, &diags),
                     0);
    ck_assert_str_eq(m.postgres_url, "postgresql://ci@db:5432/postgres");
    ck_assert_str_eq(m.cluster_bindir, "/usr/lib/postgresql/16/bin");
    ck_assert_str_eq(m.container_engine, "podman");
    manifest_free(&m);
}
END_TEST

START_TEST(test_expanded_value_is_checked_after_expansion)
{
    const char *const environment[] = {"ENGINE=rkt", NULL};
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse("[container]\nengine = ${ENGINE}\n", "foster.ini", fake_getenv,
                                    (void *)environment, &m, &diags),
                     -1);
    assert_diag(&diags, 0, "foster.ini", 2,
                "unknown engine \"rkt\" in [container]; expected docker or podman");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_schema_qualified_and_quoted_table_names_are_normalised)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table Billing.Invoice]\n[table public.Customer]\n"
                           "[table \"Audit\".\"Log\"]\n[table \"say \"\"hi\"\"\"]\n",
                           &m, &diags),
                     0);
    ck_assert_uint_eq(m.table_count, 4);
    ck_assert_str_eq(m.tables[0].name, "billing.invoice");
    ck_assert_str_eq(m.tables[0].written_name, "Billing.Invoice");
    ck_assert_str_eq(m.tables[1].name, "customer");
    ck_assert_str_eq(m.tables[1].written_name, "public.Customer");
    ck_assert_str_eq(m.tables[2].name, "Audit.Log");
    ck_assert_str_eq(m.tables[3].name, "say \"hi\"");
    manifest_free(&m);
}
END_TEST

START_TEST(test_fixtures_list_is_split_and_trimmed)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        parse("[table x]\nfixtures =  base.csv ,extra rows.sql,  more.json\n", &m, &diags), 0);
    const manifest_table *t = &m.tables[0];
    ck_assert_uint_eq(t->fixture_count, 3);
    ck_assert_str_eq(t->fixtures[0], "base.csv");
    ck_assert_str_eq(t->fixtures[1], "extra rows.sql");
    ck_assert_str_eq(t->fixtures[2], "more.json");
    manifest_free(&m);
}
END_TEST

START_TEST(test_depends_entries_are_normalised)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table x]\ndepends = Billing.Invoice, public.Y\n"
                           "[table billing.invoice]\n[table y]\n",
                           &m, &diags),
                     0);
    ck_assert_uint_eq(m.tables[0].depends_count, 2);
    ck_assert_str_eq(m.tables[0].depends[0], "billing.invoice");
    ck_assert_str_eq(m.tables[0].depends[1], "y");
    ck_assert_int_eq(m.tables[0].depends_line, 2);
    manifest_free(&m);
}
END_TEST

START_TEST(test_table_may_depend_on_itself)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table node]\ndepends = node\n", &m, &diags), 0);
    ck_assert_uint_eq(m.tables[0].depends_count, 1);
    ck_assert_str_eq(m.tables[0].depends[0], "node");
    manifest_free(&m);
}
END_TEST

/* ---- Finding tables ---- */

START_TEST(test_find_table_by_normalised_name)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table a]\n[table Billing.Invoice]\n", &m, &diags), 0);
    ck_assert_ptr_eq(manifest_find_table(&m, "billing.invoice"), &m.tables[1]);
    ck_assert_ptr_eq(manifest_find_table(&m, "a"), &m.tables[0]);
    ck_assert_ptr_null(manifest_find_table(&m, "Billing.Invoice"));
    ck_assert_ptr_null(manifest_find_table(&m, "b"));
    manifest_free(&m);
}
END_TEST

TCase *manifest_parse_tcase(void)
{
    TCase *parsing = tcase_create("parse");
    tcase_add_test(parsing, test_design_example_parses_to_its_values);
    tcase_add_test(parsing, test_design_example_alone_reports_only_its_unlisted_dependency);
    tcase_add_test(parsing, test_defaults_when_only_a_table_is_listed);
    tcase_add_test(parsing, test_default_name_reduces_the_directory_name);
    tcase_add_test(parsing, test_default_name_is_cut_to_thirty_characters);
    tcase_add_test(parsing, test_default_name_at_the_root_is_foster);
    tcase_add_test(parsing, test_relative_path_without_directory_is_read_from_the_current_one);
    tcase_add_test(parsing, test_inline_comments_after_white_space_are_removed);
    tcase_add_test(parsing, test_value_that_is_only_a_comment_is_empty);
    tcase_add_test(parsing, test_comment_lines_blank_lines_indentation_and_crlf_are_accepted);
    tcase_add_test(parsing, test_empty_value_leaves_the_default);
    tcase_add_test(parsing, test_values_are_expanded_from_the_given_environment);
    tcase_add_test(parsing, test_expanded_value_is_checked_after_expansion);
    tcase_add_test(parsing, test_schema_qualified_and_quoted_table_names_are_normalised);
    tcase_add_test(parsing, test_fixtures_list_is_split_and_trimmed);
    tcase_add_test(parsing, test_depends_entries_are_normalised);
    tcase_add_test(parsing, test_table_may_depend_on_itself);
    tcase_add_test(parsing, test_find_table_by_normalised_name);
    return parsing;
}
