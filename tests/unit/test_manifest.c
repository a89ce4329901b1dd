/* test_manifest.c — specification of the manifest reader (src/manifest.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "strbuf.h"
#include "test_data.h"

/* ---- Helpers ---- */

/* A fake environment: `context` is a NULL-terminated list of "NAME=value". */
static const char *fake_getenv(const char *name, void *context)
{
    for (const char *const *entry = context; *entry; entry++) {
        size_t length = strlen(name);
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=')
            return *entry + length + 1;
    }
    return NULL;
}

static const char *const empty_environment[] = {NULL};

/* Parses `text` as "conf/foster.ini" with an empty environment. */
static int parse(const char *text, manifest *m, diag_list *diags)
{
    return manifest_parse(text, "conf/foster.ini", fake_getenv, (void *)empty_environment, m,
                          diags);
}

static void assert_diag(const diag_list *diags, size_t index, const char *file, int line,
                        const char *message)
{
    ck_assert_msg(index < diags->count, "expected a diag #%zu, have %zu", index, diags->count);
    const diag *d = &diags->items[index];
    ck_assert_str_eq(d->message, message);
    ck_assert_int_eq(d->line, line);
    ck_assert_str_eq(d->file, file);
}

/* Parses `text`, expecting exactly one problem: at `line`, saying `message`. */
static void assert_single_error(const char *text, int line, const char *message)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), -1);
    assert_diag(&diags, 0, "conf/foster.ini", line, message);
    ck_assert_uint_eq(diags.count, 1);
    manifest_free(&m);
    diag_list_clear(&diags);
}

/* Expands `value` with `environment`; returns the result (caller frees) or NULL. */
static char *expand(const char *value, const char *const *environment, diag_list *diags)
{
    return manifest_expand(value, "foster.ini", 7, fake_getenv, (void *)environment, diags);
}

static char *data_path(const char *relative)
{
    return test_data_path("manifest", relative);
}

/* Parses `text` as tests/data/manifest/project/foster.ini; must succeed. */
static void parse_project(const char *text, manifest *m)
{
    char *path = data_path("project/foster.ini");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse(text, path, fake_getenv, (void *)empty_environment, m, &diags),
                     0);
    ck_assert_uint_eq(diags.count, 0);
    free(path);
}

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

START_TEST(test_default_name_reduces_the_directory_name)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse("", "/home/ann/My-Shop.v2/foster.ini", fake_getenv,
                                    (void *)empty_environment, &m, &diags),
                     0);
    ck_assert_str_eq(m.name, "my_shop_v2");
    manifest_free(&m);
}
END_TEST

START_TEST(test_default_name_is_cut_to_thirty_characters)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse("", "/x/abcdefghijklmnopqrstuvwxyz0123456789/foster.ini",
                                    fake_getenv, (void *)empty_environment, &m, &diags),
                     0);
    ck_assert_str_eq(m.name, "abcdefghijklmnopqrstuvwxyz0123");
    manifest_free(&m);
}
END_TEST

START_TEST(test_default_name_at_the_root_is_foster)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        manifest_parse("", "/foster.ini", fake_getenv, (void *)empty_environment, &m, &diags), 0);
    ck_assert_str_eq(m.directory, "/");
    ck_assert_str_eq(m.name, "foster");
    manifest_free(&m);
}
END_TEST

START_TEST(test_relative_path_without_directory_is_read_from_the_current_one)
{
    char *project = data_path("project");
    ck_assert_int_eq(chdir(project), 0); /* each Check test runs in its own process */
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        manifest_parse("", "foster.ini", fake_getenv, (void *)empty_environment, &m, &diags), 0);
    ck_assert_str_eq(m.directory, ".");
    ck_assert_str_eq(m.name, "project");
    manifest_free(&m);
    free(project);
}
END_TEST

/* ---- Errors, each with its line and message ---- */

START_TEST(test_unknown_section_is_an_error)
{
    assert_single_error("[foster]\nname = x\n\n[foo]\nbar = 1\n", 4,
                        "unknown section [foo]; expected [foster], [postgres], [container], "
                        "[cluster], [mysql], [mysql-cluster] or [table NAME]");
}
END_TEST

START_TEST(test_unknown_key_in_a_table_is_an_error)
{
    assert_single_error("[table x]\nowner = me\ncolour = red\n", 3,
                        "unknown key \"colour\" in [table x]; expected owner, schema, fixtures, "
                        "depends or model");
}
END_TEST

START_TEST(test_unknown_key_in_foster_lists_its_keys)
{
    assert_single_error("[foster]\nbackends = sqlite\n", 2,
                        "unknown key \"backends\" in [foster]; expected name, backend, schemas, "
                        "fixtures, dialect, cache, schema_dump, prelude or strict");
}
END_TEST

START_TEST(test_unknown_key_in_postgres_names_its_only_key)
{
    assert_single_error("[postgres]\nhost = db\n", 2,
                        "unknown key \"host\" in [postgres]; expected url");
}
END_TEST

START_TEST(test_duplicate_key_names_the_first_line)
{
    assert_single_error("[table x]\nowner = a\n\nowner = b\n", 4,
                        "duplicate key \"owner\" in [table x]; the first is on line 2");
}
END_TEST

START_TEST(test_duplicate_table_names_the_first_section)
{
    assert_single_error("[table x]\n[table y]\n[table X]\n", 3,
                        "duplicate table \"x\"; the first [table x] is on line 1");
}
END_TEST

START_TEST(test_duplicate_table_keys_are_not_read)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse("[table x]\nowner = a\n[table x]\nowner = b\n", &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_uint_eq(m.table_count, 1);
    ck_assert_str_eq(m.tables[0].owner, "a");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_duplicate_foster_section_is_an_error)
{
    assert_single_error("[foster]\nname = a\n[postgres]\n[foster]\nbackend = sqlite\n", 4,
                        "duplicate section [foster]; the first is on line 1");
}
END_TEST

START_TEST(test_empty_table_name_is_an_error)
{
    assert_single_error("[table x]\n[table   ]\nowner = nobody\n", 2,
                        "empty table name in [table]; expected [table NAME]");
}
END_TEST

START_TEST(test_table_name_with_two_qualifiers_is_invalid)
{
    assert_single_error("[table a.b.c]\n", 1,
                        "invalid table name \"a.b.c\"; expected [table NAME], [table \"NAME\"] "
                        "or [table SCHEMA.NAME]");
}
END_TEST

START_TEST(test_table_name_with_a_space_is_invalid)
{
    assert_single_error("[table trading shares]\n", 1,
                        "invalid table name \"trading shares\"; expected [table NAME], [table "
                        "\"NAME\"] or [table SCHEMA.NAME]");
}
END_TEST

START_TEST(test_unknown_backend_is_an_error)
{
    assert_single_error("[foster]\nbackend = oracle\n", 2,
                        "unknown backend \"oracle\" in [foster]; expected sqlite, postgres, "
                        "cluster, container, mysql or mysql-cluster");
}
END_TEST

START_TEST(test_unknown_container_engine_is_an_error)
{
    assert_single_error("[container]\nimage = postgres:15\nengine = lxc\n", 3,
                        "unknown engine \"lxc\" in [container]; expected docker or podman");
}
END_TEST

START_TEST(test_name_with_capitals_is_an_error)
{
    assert_single_error("[foster]\nname = Trading\n", 2,
                        "invalid name \"Trading\" in [foster]; expected 1 to 30 characters from "
                        "a-z, 0-9 and _");
}
END_TEST

START_TEST(test_name_longer_than_thirty_characters_is_an_error)
{
    assert_single_error("[foster]\nname = abcdefghijklmnopqrstuvwxyz01234\n", 2,
                        "invalid name \"abcdefghijklmnopqrstuvwxyz01234\" in [foster]; expected "
                        "1 to 30 characters from a-z, 0-9 and _");
}
END_TEST

START_TEST(test_depends_on_an_unlisted_table_is_reported_at_the_depends_line)
{
    assert_single_error("[table a]\nowner = x\ndepends = b, c\n[table b]\n", 3,
                        "unknown table \"c\" in depends of [table a]; expected a table that has "
                        "a [table NAME] section in this manifest");
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

START_TEST(test_key_outside_any_section_is_an_error)
{
    assert_single_error("; settings\nname = x\n[foster]\n", 2,
                        "key \"name\" outside any section; expected a [section] header before "
                        "it");
}
END_TEST

START_TEST(test_line_without_equals_sign_is_an_error)
{
    assert_single_error("[foster]\nname = x\njust some words\n", 3,
                        "cannot read \"just some words\"; expected \"key = value\", a [section] "
                        "header or a comment");
}
END_TEST

START_TEST(test_indented_line_is_not_a_continuation)
{
    assert_single_error("[table x]\nfixtures = a.csv\n    b.csv\n", 3,
                        "cannot read \"b.csv\"; expected \"key = value\", a [section] header or "
                        "a comment");
}
END_TEST

START_TEST(test_unterminated_section_header_is_an_error)
{
    assert_single_error("[foster]\n[table x\nowner = y\n", 2,
                        "unterminated section header \"[table x\"; expected \"]\" at the end of "
                        "the line");
}
END_TEST

START_TEST(test_text_after_section_header_is_an_error)
{
    assert_single_error("[foster] name = x\n", 1,
                        "unexpected text after \"]\" in \"[foster] name = x\"; expected a "
                        "comment or the end of the line");
}
END_TEST

START_TEST(test_missing_key_before_equals_sign_is_an_error)
{
    assert_single_error("[foster]\n= sqlite\n", 2,
                        "missing key before \"=\"; expected \"key = value\"");
}
END_TEST

START_TEST(test_line_longer_than_inih_reads_is_an_error)
{
    strbuf text = STRBUF_INIT;
    strbuf_append_str(&text, "[table x]\nowner = ");
    for (int i = 0; i < 300; i++)
        strbuf_append_char(&text, 'a');
    strbuf_append_str(&text, "\nschema = x.sql\n");
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(strbuf_str(&text), &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, "conf/foster.ini", 2,
                "line too long (308 characters without comments); expected at most 198");
    ck_assert_str_eq(m.tables[0].schema, "x.sql"); /* the next line is still read */
    ck_assert_int_eq(m.tables[0].schema_line, 3);
    manifest_free(&m);
    diag_list_clear(&diags);
    strbuf_free(&text);
}
END_TEST

START_TEST(test_every_problem_is_reported_in_line_order)
{
    const char *text = "[foster]\n"          /* 1 */
                       "backend = oracle\n"  /* 2 */
                       "colour = red\n"      /* 3 */
                       "[tables x]\n"        /* 4 */
                       "owner = ignored\n"   /* 5: inside the unknown section, not reported */
                       "[table a]\n"         /* 6 */
                       "depends = missing\n" /* 7 */
                       "owner = ${BROKEN\n"  /* 8 */
                       "nonsense\n"          /* 9 */
                       "[table a]\n";        /* 10 */
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(parse(text, &m, &diags), -1);
    ck_assert_uint_eq(diags.count, 7);
    const int lines[] = {2, 3, 4, 8, 9, 10, 7};
    for (size_t i = 0; i < 7; i++)
        ck_assert_msg(diags.items[i].line == lines[i], "diag %zu at line %d, expected %d", i,
                      diags.items[i].line, lines[i]);
    assert_diag(&diags, 3, "conf/foster.ini", 8,
                "unterminated \"${\" in \"${BROKEN\"; expected \"}\" after the variable name");
    manifest_free(&m);
    diag_list_clear(&diags);
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

START_TEST(test_expand_replaces_set_and_unset_variables)
{
    const char *const environment[] = {"USER=ann", "EMPTY=", NULL};
    diag_list diags = DIAG_LIST_INIT;
    char *text = expand("${USER}@${HOST}:${PORT:-5432}/${EMPTY:-db}", environment, &diags);
    ck_assert_str_eq(text, "ann@:5432/db");
    ck_assert_uint_eq(diags.count, 0);
    free(text);
}
END_TEST

START_TEST(test_expand_keeps_dollar_signs_that_start_no_reference)
{
    const char *const environment[] = {"X=1", NULL};
    diag_list diags = DIAG_LIST_INIT;
    char *text = expand("$$X costs $5 and $X, ${X}$", environment, &diags);
    ck_assert_str_eq(text, "$X costs $5 and $X, 1$");
    free(text);
}
END_TEST

START_TEST(test_expand_reads_references_inside_a_default)
{
    const char *const environment[] = {"FALLBACK=db.internal", NULL};
    diag_list diags = DIAG_LIST_INIT;
    char *text = expand("${PRIMARY:-${FALLBACK:-localhost}}", environment, &diags);
    ck_assert_str_eq(text, "db.internal");
    free(text);
}
END_TEST

START_TEST(test_expand_reports_unterminated_reference)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(expand("postgresql://${HOST/db", empty_environment, &diags));
    ck_assert_uint_eq(diags.count, 1);
    assert_diag(&diags, 0, "foster.ini", 7,
                "unterminated \"${\" in \"postgresql://${HOST/db\"; expected \"}\" after the "
                "variable name");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_expand_reports_invalid_variable_name)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(expand("a${1X}b", empty_environment, &diags));
    assert_diag(&diags, 0, "foster.ini", 7,
                "invalid reference \"${1X}\" in \"a${1X}b\"; expected ${NAME} or "
                "${NAME:-default}");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_expand_reports_unsupported_operator)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(expand("${X:=y}", empty_environment, &diags));
    assert_diag(&diags, 0, "foster.ini", 7,
                "invalid reference \"${X:=y}\" in \"${X:=y}\"; expected ${NAME} or "
                "${NAME:-default}");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_expand_reports_empty_reference)
{
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_ptr_null(expand("${}", empty_environment, &diags));
    assert_diag(&diags, 0, "foster.ini", 7,
                "invalid reference \"${}\" in \"${}\"; expected ${NAME} or ${NAME:-default}");
    diag_list_clear(&diags);
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

START_TEST(test_public_qualified_duplicate_is_the_same_table)
{
    assert_single_error("[table customer]\n[table public.customer]\n", 2,
                        "duplicate table \"customer\"; the first [table customer] is on line 1");
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

START_TEST(test_empty_entry_in_fixtures_list_is_an_error)
{
    assert_single_error("[table x]\nfixtures = a.csv, ,b.csv\n", 2,
                        "empty entry in the fixtures list of [table x]; expected names "
                        "separated by commas");
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

START_TEST(test_invalid_depends_entry_is_an_error)
{
    assert_single_error("[table x]\ndepends = a b\n", 2,
                        "invalid table name \"a b\" in depends of [table x]; expected NAME, "
                        "\"NAME\" or SCHEMA.NAME");
}
END_TEST

START_TEST(test_model_must_be_an_app_label_and_model)
{
    assert_single_error("[table auth_user]\nmodel = User\n", 2,
                        "invalid model \"User\" in [table auth_user]; expected app_label.model");
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
    parse_project("[table alpha]\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
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
    parse_project("[table beta]\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
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
    parse_project("[table billing.invoice]\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
    char *schema = data_path("project/schemas/billing.invoice.sql");
    ck_assert_str_eq(m.tables[0].schema_path, schema);
    manifest_free(&m);
    free(schema);
}
END_TEST

START_TEST(test_resolve_uses_schema_and_fixtures_keys)
{
    manifest m = {0};
    parse_project("[table gamma]\nschema = gamma_v2.sql\nfixtures = beta_rows.sql, alpha.csv\n",
                  &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
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
    parse_project("[table alpha]\nfixtures =\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), 0);
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
    parse_project("[table alpha]\n\n[table omega]\nowner = nobody\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
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
    parse_project("[table alpha]\nowner = x\nschema = alpha_v9.sql\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
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
    parse_project("[table alpha]\n\nfixtures = alpha.csv, gone.csv, lost.sql\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
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
    parse_project("[table alpha]\nschema = .\n", &m);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "is not a regular file"));
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_resolve_joins_relative_folders_to_the_manifest_directory)
{
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse("[foster]\nschemas = ddl/\nfixtures = .\n[table t]\n",
                                    "proj/foster.ini", fake_getenv, (void *)empty_environment, &m,
                                    &diags),
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
    ck_assert_int_eq(manifest_parse("[table \"Audit\".\"Log\"]\n", "foster.ini", fake_getenv,
                                    (void *)empty_environment, &m, &diags),
                     0);
    ck_assert_int_eq(manifest_resolve(&m, &diags), -1);
    ck_assert_str_eq(m.tables[0].schema_path, "schemas/Audit.Log.sql");
    manifest_free(&m);
    diag_list_clear(&diags);
}
END_TEST

static Suite *manifest_suite(void)
{
    Suite *suite = suite_create("manifest");
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
    suite_add_tcase(suite, parsing);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_unknown_section_is_an_error);
    tcase_add_test(errors, test_unknown_key_in_a_table_is_an_error);
    tcase_add_test(errors, test_unknown_key_in_foster_lists_its_keys);
    tcase_add_test(errors, test_unknown_key_in_postgres_names_its_only_key);
    tcase_add_test(errors, test_duplicate_key_names_the_first_line);
    tcase_add_test(errors, test_duplicate_table_names_the_first_section);
    tcase_add_test(errors, test_duplicate_table_keys_are_not_read);
    tcase_add_test(errors, test_public_qualified_duplicate_is_the_same_table);
    tcase_add_test(errors, test_duplicate_foster_section_is_an_error);
    tcase_add_test(errors, test_empty_table_name_is_an_error);
    tcase_add_test(errors, test_table_name_with_two_qualifiers_is_invalid);
    tcase_add_test(errors, test_table_name_with_a_space_is_invalid);
    tcase_add_test(errors, test_unknown_backend_is_an_error);
    tcase_add_test(errors, test_unknown_container_engine_is_an_error);
    tcase_add_test(errors, test_name_with_capitals_is_an_error);
    tcase_add_test(errors, test_name_longer_than_thirty_characters_is_an_error);
    tcase_add_test(errors, test_depends_on_an_unlisted_table_is_reported_at_the_depends_line);
    tcase_add_test(errors, test_invalid_depends_entry_is_an_error);
    tcase_add_test(errors, test_empty_entry_in_fixtures_list_is_an_error);
    tcase_add_test(errors, test_model_must_be_an_app_label_and_model);
    tcase_add_test(errors, test_key_outside_any_section_is_an_error);
    tcase_add_test(errors, test_line_without_equals_sign_is_an_error);
    tcase_add_test(errors, test_indented_line_is_not_a_continuation);
    tcase_add_test(errors, test_unterminated_section_header_is_an_error);
    tcase_add_test(errors, test_text_after_section_header_is_an_error);
    tcase_add_test(errors, test_missing_key_before_equals_sign_is_an_error);
    tcase_add_test(errors, test_line_longer_than_inih_reads_is_an_error);
    tcase_add_test(errors, test_every_problem_is_reported_in_line_order);
    suite_add_tcase(suite, errors);

    TCase *expansion = tcase_create("expand");
    tcase_add_test(expansion, test_expand_replaces_set_and_unset_variables);
    tcase_add_test(expansion, test_expand_keeps_dollar_signs_that_start_no_reference);
    tcase_add_test(expansion, test_expand_reads_references_inside_a_default);
    tcase_add_test(expansion, test_expand_reports_unterminated_reference);
    tcase_add_test(expansion, test_expand_reports_invalid_variable_name);
    tcase_add_test(expansion, test_expand_reports_unsupported_operator);
    tcase_add_test(expansion, test_expand_reports_empty_reference);
    tcase_add_test(expansion, test_expand_with_null_lookup_reads_the_process_environment);
    suite_add_tcase(suite, expansion);

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
    suite_add_tcase(suite, files);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(manifest_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
