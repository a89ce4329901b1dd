/*
 * test_manifest_files.c — a manifest read from disk and its tables' files resolved
 * (tests/data/manifest/project): schema files, SQLite variants, default and listed fixtures,
 * each missing file reported at the line that names it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "test_manifest.h"

/* Parses `text` as tests/data/manifest/project/foster.ini, which must succeed, and
 * resolves its files, returning what manifest_resolve returns. */
static int resolve_project(const char *text, manifest *m, diag_list *diags)
{
    char *path = data_path("project/foster.ini");
    diag_list parse_diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse_as(text, path, m, &parse_diags), 0);
    ck_assert_uint_eq(parse_diags.count, 0);
    free(path);
    return manifest_resolve(m, diags);
}

/* ---- Loading and resolving files (tests/data/manifest/project) ---- */

START_TEST(test_load_reads_the_file)
{
    char *path = data_path("project/foster.ini");
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_load(path, &m, &diags), 0);
    ck_assert_str_eq(m.path, path);
    ck_assert_str_eq(m.name, "sample");
    ck_assert_str_eq(m.backend, "postgres");
    ck_assert_uint_eq(m.table_count, 2);
    ck_assert_str_eq(m.tables[0].owner, "alpha-service");
    ck_assert_str_eq(m.tables[1].depends[0], "alpha");
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    manifest_free(&m);
    free(path);
}
END_TEST

START_TEST(test_load_of_a_missing_file_names_it)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_load("no/such/foster.ini", &m, &diags), -1);
    assert_diag(&diags, 0, "no/such/foster.ini", 0,
                "cannot read manifest: No such file or directory");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_resolve_finds_schema_sqlite_variant_and_default_csv)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(resolve_project("[table alpha]\n", &m, &diags), 0);
    char *schema = data_path("project/schemas/alpha.sql");
    char *variant = data_path("project/schemas/alpha.sqlite.sql");
    char *csv = data_path("project/fixtures/alpha.csv");
    const manifest_table *t = &m.tables[0];
    ck_assert_str_eq(t->schema_path, schema);
    ck_assert_str_eq(t->sqlite_schema_path, variant);
    ck_assert_uint_eq(t->fixture_path_count, 1);
    ck_assert_str_eq(t->fixture_paths[0], csv);
    manifest_free(&m);
    free(schema);
    free(variant);
    free(csv);
}
END_TEST

START_TEST(test_resolve_without_variant_or_default_csv_leaves_them_out)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(resolve_project("[table beta]\n", &m, &diags), 0);
    char *schema = data_path("project/schemas/beta.sql");
    ck_assert_str_eq(m.tables[0].schema_path, schema);
    ck_assert_ptr_null(m.tables[0].sqlite_schema_path);
    ck_assert_uint_eq(m.tables[0].fixture_path_count, 0);
    manifest_free(&m);
    free(schema);
}
END_TEST

START_TEST(test_resolve_uses_the_written_name_of_a_qualified_table)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(resolve_project("[table billing.invoice]\n", &m, &diags), 0);
    char *schema = data_path("project/schemas/billing.invoice.sql");
    ck_assert_str_eq(m.tables[0].schema_path, schema);
    manifest_free(&m);
    free(schema);
}
END_TEST

START_TEST(test_resolve_uses_schema_and_fixtures_keys)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        resolve_project(
            "[table gamma]\nschema = gamma_v2.sql\nfixtures = beta_rows.sql, alpha.csv\n", &m,
            &diags),
        0);
    char *schema = data_path("project/schemas/gamma_v2.sql");
    char *first = data_path("project/fixtures/beta_rows.sql");
    char *second = data_path("project/fixtures/alpha.csv");
    const manifest_table *t = &m.tables[0];
    ck_assert_str_eq(t->schema_path, schema);
    ck_assert_ptr_null(t->sqlite_schema_path);
    ck_assert_uint_eq(t->fixture_path_count, 2);
    ck_assert_str_eq(t->fixture_paths[0], first);
    ck_assert_str_eq(t->fixture_paths[1], second);
    manifest_free(&m);
    free(schema);
    free(first);
    free(second);
}
END_TEST

START_TEST(test_resolve_with_empty_fixtures_key_skips_the_default_csv)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(resolve_project("[table alpha]\nfixtures =\n", &m, &diags), 0);
    ck_assert_uint_eq(m.tables[0].fixture_path_count, 0);
    manifest_free(&m);
}
END_TEST

START_TEST(test_resolve_takes_absolute_paths_as_they_are)
{
    char *schema = data_path("project/schemas/beta.sql");
    char *fixture = data_path("project/fixtures/alpha.csv");
    char *text = strbuf_format("[table delta]\nschema = %s\nfixtures = %s\n", schema, fixture);
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), 0);
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
    ck_assert_str_eq(m.tables[0].schema_path, schema);
    ck_assert_str_eq(m.tables[0].fixture_paths[0], fixture);
    manifest_free(&m);
    free(schema);
    free(fixture);
    free(text);
}
END_TEST

START_TEST(test_resolve_reports_missing_schema_at_the_table_line)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        resolve_project("[table alpha]\n\n[table omega]\nowner = nobody\n", &m, &diags), -1);
    char *file = data_path("project/foster.ini");
    char *message = strbuf_format("schema file \"%s/manifest/project/schemas/omega.sql\" for "
                                  "[table omega] not found",
                                  getenv("FOSTER_TEST_DATA"));
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, file, 3, message);
    ck_assert_str_eq(diags.items[0].hint,
                     "create it, or name the right file with \"schema = FILE\" in [table omega]");
    manifest_free(&m);
    diag_list_clear(&diags);
    free(file);
    free(message);
}
END_TEST

START_TEST(test_resolve_reports_missing_named_schema_at_its_key)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        resolve_project("[table alpha]\nowner = x\nschema = alpha_v9.sql\n", &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_int_eq(diags.items[0].line, 3);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "/schemas/alpha_v9.sql\" for [table "
                                                         "alpha] not found"));
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_resolve_reports_each_missing_fixture_at_the_fixtures_line)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        resolve_project("[table alpha]\n\nfixtures = alpha.csv, gone.csv, lost.sql\n", &m, &diags),
        -1);
    ck_assert_uint_eq(diags.count, 2);
    ck_assert_int_eq(diags.items[0].line, 3);
    ck_assert_int_eq(diags.items[1].line, 3);
    char *gone = strbuf_format("fixture file \"%s/manifest/project/fixtures/gone.csv\" for "
                               "[table alpha] not found",
                               getenv("FOSTER_TEST_DATA"));
    ck_assert_str_eq(diags.items[0].message, gone);
    ck_assert_ptr_nonnull(strstr(diags.items[1].message, "/fixtures/lost.sql\""));
    ck_assert_uint_eq(m.tables[0].fixture_path_count, 3);
    manifest_free(&m);
    diag_list_clear(&diags);
    free(gone);
}
END_TEST

START_TEST(test_resolve_reports_a_folder_given_as_a_schema)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(resolve_project("[table alpha]\nschema = .\n", &m, &diags), -1);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "is not a regular file"));
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_resolve_joins_relative_folders_to_the_manifest_directory)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse_as("[foster]\nschemas = ddl/\nfixtures = .\n[table t]\n",
                              "proj/foster.ini", &m, &diags),
                     0);
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
    ck_assert_str_eq(m.tables[0].schema_path, "proj/ddl/t.sql");
    ck_assert_str_eq(diags.items[0].message,
                     "schema file \"proj/ddl/t.sql\" for [table t] not found");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_resolve_unquotes_the_file_name_of_a_quoted_table)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse_as("[table \"Audit\".\"Log\"]\n", "foster.ini", &m, &diags), 0);
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
    ck_assert_str_eq(m.tables[0].schema_path, "schemas/Audit.Log.sql");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

TCase *manifest_files_tcase(void)
{
    TCase *files = tcase_create("files");
    tcase_add_test(files, test_load_reads_the_file);
    tcase_add_test(files, test_load_of_a_missing_file_names_it);
    tcase_add_test(files, test_resolve_finds_schema_sqlite_variant_and_default_csv);
    tcase_add_test(files, test_resolve_without_variant_or_default_csv_leaves_them_out);
    tcase_add_test(files, test_resolve_uses_the_written_name_of_a_qualified_table);
    tcase_add_test(files, test_resolve_uses_schema_and_fixtures_keys);
    tcase_add_test(files, test_resolve_with_empty_fixtures_key_skips_the_default_csv);
    tcase_add_test(files, test_resolve_takes_absolute_paths_as_they_are);
    tcase_add_test(files, test_resolve_reports_missing_schema_at_the_table_line);
    tcase_add_test(files, test_resolve_reports_missing_named_schema_at_its_key);
    tcase_add_test(files, test_resolve_reports_each_missing_fixture_at_the_fixtures_line);
    tcase_add_test(files, test_resolve_reports_a_folder_given_as_a_schema);
    tcase_add_test(files, test_resolve_joins_relative_folders_to_the_manifest_directory);
    tcase_add_test(files, test_resolve_unquotes_the_file_name_of_a_quoted_table);
    return files;
}
