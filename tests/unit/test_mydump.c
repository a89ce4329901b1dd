/*
 * test_mydump.c — the MySQL DDL reader on dumps made now, by the installed
 * MariaDB: tests/data/mysql/shop_source.sql is run on a private server,
 * each table is dumped with `mariadb-dump --no-data --triggers`, and
 *   - what foster reads from the fresh dumps equals what it reads from the
 *     dumps committed beside the tests (so the committed ones are what this
 *     MariaDB writes, and a new dump form shows up here);
 *   - the statements schema_set_load gives a MySQL backend, run in its order
 *     (tables first, triggers last) in a new database, make tables that take
 *     rows, refuse an invalid ENUM, fire the trigger that writes another
 *     table, and continue AUTO_INCREMENT from the dump's.
 * Skipped, with the reason, when mariadbd or mariadb-dump is missing.
 */
#include <check.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "myddl.h"
#include "mysql_test_server.h"
#include "schema.h"
#include "test_data.h"

static const char *const tables[] = {"artist", "album", "album_log"};
#define TABLE_COUNT 3

static mts_server server;
static char fresh[512]; /* the fresh dumps and a copy of the manifest */

static char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

static void run_shell(const char *command)
{
    int status = system(command);
    ck_assert_msg(status == 0, "%s: status %d", command, status);
}

/* The source schema on the server, then one dump per table into `fresh`. */
static void dump_fresh(void)
{
    char *source = data_path("mysql/shop_source.sql");
    char *ini = data_path("mysql/foster.ini");
    char command[2048];
    mts_exec(&server, "DROP DATABASE IF EXISTS shop");
    mts_exec(&server, "CREATE DATABASE shop");
    snprintf(command, sizeof command, "mariadb --no-defaults -S %s -u root shop < %s",
             server.socket, source);
    run_shell(command);
    snprintf(fresh, sizeof fresh, "%s/fresh", mts_root());
    snprintf(command, sizeof command, "rm -rf %s && mkdir -m 0700 %s && cp %s %s/", fresh, fresh,
             ini, fresh);
    run_shell(command);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        snprintf(
            command, sizeof command,
            "mariadb-dump --no-defaults -S %s -u root --no-data --triggers shop %s > %s/%s.sql",
            server.socket, tables[i], fresh, tables[i]);
        run_shell(command);
    }
    free(source);
    free(ini);
}

static void load_set(const char *ini, schema_set *set, manifest *m)
{
    diag_list diags = DIAG_LIST_INIT;
    memset(m, 0, sizeof *m);
    memset(set, 0, sizeof *set);
    ck_assert_int_eq(manifest_load(ini, m, &diags), 0);
    ck_assert_int_eq(manifest_resolve(m, &diags), 0);
    int rc = schema_set_load(m, SCHEMA_MYSQL, set, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
}

/* What the reader says of a file, as text: statements, tables, columns, references. */
static void describe(const ddl_file *file, FILE *out)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind == DDL_SKIP)
            continue;
        fprintf(out, "statement %d %s:", (int)st->kind, st->table ? st->table : "-");
        for (size_t r = 0; r < st->reference_count; r++)
            fprintf(out, " %s", st->references[r]);
        fprintf(out, "\n");
    }
    for (size_t t = 0; t < file->table_count; t++) {
        const ddl_table *table = &file->tables[t];
        for (size_t c = 0; c < table->column_count; c++) {
            const ddl_column *col = &table->columns[c];
            fprintf(out, "%s.%s %s%s%s%s%s\n", table->name, col->name, col->type,
                    col->not_null ? " not-null" : "", col->primary_key ? " key" : "",
                    col->has_default ? " default" : "", col->auto_increment ? " auto" : "");
        }
    }
}

static char *description(const ddl_file *file)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    describe(file, out);
    fclose(out);
    return text;
}

START_TEST(fresh_dumps_read_as_the_committed_ones)
{
    dump_fresh();
    char *committed_ini = data_path("mysql/foster.ini");
    char fresh_ini[600];
    snprintf(fresh_ini, sizeof fresh_ini, "%s/foster.ini", fresh);
    manifest committed_m, fresh_m;
    schema_set committed, now;
    load_set(committed_ini, &committed, &committed_m);
    load_set(fresh_ini, &now, &fresh_m);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        char *expected = description(&committed.files[i]);
        char *got = description(&now.files[i]);
        ck_assert_str_eq(got, expected);
        ck_assert_ptr_nonnull(strstr(got, "statement 0")); /* a CREATE TABLE */
        free(expected);
        free(got);
    }
    schema_set_free(&committed);
    schema_set_free(&now);
    manifest_free(&committed_m);
    manifest_free(&fresh_m);
    free(committed_ini);
}
END_TEST

static MYSQL *connect_to(const char *database)
{
    MYSQL *mysql = mysql_init(NULL);
    ck_assert_ptr_nonnull(
        mysql_real_connect(mysql, NULL, "root", NULL, database, 0, server.socket, 0));
    return mysql;
}

static void exec_ok(MYSQL *mysql, const char *sql, const char *where, int line)
{
    ck_assert_msg(mysql_query(mysql, sql) == 0, "%s:%d: %s: %s", where, line, sql,
                  mysql_error(mysql));
}

static char *value(MYSQL *mysql, const char *sql)
{
    exec_ok(mysql, sql, "query", 0);
    MYSQL_RES *result = mysql_store_result(mysql);
    MYSQL_ROW row = mysql_fetch_row(result);
    char *v = row && row[0] ? strdup(row[0]) : NULL;
    mysql_free_result(result);
    return v;
}

static void assert_value(MYSQL *mysql, const char *sql, const char *expected)
{
    char *v = value(mysql, sql);
    ck_assert_msg(v && strcmp(v, expected) == 0, "%s: %s, expected %s", sql, v ? v : "NULL",
                  expected);
    free(v);
}

/* Runs the statements of `kind` (or, for DDL_CREATE_TABLE, every kind but triggers) in order. */
static int replay(MYSQL *mysql, const schema_set *set, bool triggers)
{
    int run = 0;
    for (size_t k = 0; k < set->count; k++) {
        const ddl_file *file = &set->files[set->order[k]];
        for (size_t i = 0; i < file->statement_count; i++) {
            const ddl_statement *st = &file->statements[i];
            if (st->kind == DDL_SKIP || (st->kind == DDL_CREATE_TRIGGER) != triggers)
                continue;
            exec_ok(mysql, st->source->text, file->display_name, st->source->line);
            run++;
        }
    }
    return run;
}

START_TEST(statements_run_on_the_server_in_order)
{
    dump_fresh();
    char ini[600];
    snprintf(ini, sizeof ini, "%s/foster.ini", fresh);
    manifest m;
    schema_set set;
    load_set(ini, &set, &m);
    mts_exec(&server, "DROP DATABASE IF EXISTS replayed");
    mts_exec(&server, "CREATE DATABASE replayed");
    MYSQL *mysql = connect_to("replayed");
    /* the dump's own header turns key checks off for the cycle: the backend does the same */
    exec_ok(mysql, "SET FOREIGN_KEY_CHECKS = 0", "setup", 0);
    ck_assert_int_eq(replay(mysql, &set, false), 3);
    exec_ok(mysql, "SET FOREIGN_KEY_CHECKS = 1", "setup", 0);
    exec_ok(mysql, "INSERT INTO artist (id, name) VALUES (1, 'Can')", "rows", 0);
    exec_ok(mysql,
            "INSERT INTO album (artist_id, title, kind, formats, released) "
            "VALUES (1, 'Tago Mago', 'lp', 'vinyl,cd', 1971)",
            "rows", 0);
    assert_value(mysql, "SELECT COUNT(*) FROM album_log", "0"); /* no trigger yet */
    ck_assert_int_eq(replay(mysql, &set, true), 2);
    exec_ok(mysql, "INSERT INTO album (artist_id, title, kind) VALUES (1, 'Ege Bamyasi', 'lp')",
            "rows", 0);
    assert_value(mysql, "SELECT GROUP_CONCAT(id ORDER BY id) FROM album", "100,101");
    assert_value(mysql, "SELECT CONCAT(album_id, ' ', action) FROM album_log", "101 insert");
    assert_value(mysql, "SELECT title_upper FROM album WHERE id = 100", "TAGO MAGO");
    ck_assert_int_ne(mysql_query(mysql, "INSERT INTO album (artist_id, title, kind) "
                                        "VALUES (1, 'x', 'cassette')"),
                     0); /* the ENUM refuses */
    mysql_close(mysql);
    mts_exec(&server, "DROP DATABASE replayed");
    mts_exec(&server, "DROP DATABASE shop");
    schema_set_free(&set);
    manifest_free(&m);
}
END_TEST

int main(void)
{
    if (access("/usr/bin/mariadb-dump", X_OK) != 0) {
        printf("SKIP: mariadb-dump is not installed (apt-get install mariadb-client)\n");
        return 77;
    }
    const char *reason = NULL;
    int setup = mts_setup(&reason);
    if (setup < 0) {
        printf("%s: %s\n", setup == -1 ? "SKIP" : "FAIL", reason);
        mts_cleanup();
        return setup == -1 ? 77 : 1;
    }
    mts_prepare(&server, "dump", false);
    mts_start(&server);
    Suite *suite = suite_create("mydump");
    TCase *tc = tcase_create("dump");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fresh_dumps_read_as_the_committed_ones);
    tcase_add_test(tc, statements_run_on_the_server_in_order);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    mts_stop(&server);
    mts_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
