/*
 * test_myddl.c — specification of the MySQL DDL reader (src/sql/myddl.h),
 * dialect detection (sqldialect.h) and schema_set_load's choice of reader
 * and refusal of a dialect the backend cannot run (src/manifest/schema.h),
 * on real `mariadb-dump --no-data --triggers` output of MariaDB 10.11
 * (tests/data/mysql/{artist,album,album_log}.sql, made from shop_source.sql;
 * test_mydump.c regenerates them) and a MySQL 8 mysqldump file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "ddl_phase.h"
#include "ddl_select.h"
#include "manifest.h"
#include "myddl.h"
#include "schema.h"
#include "sqldialect.h"
#include "test_data.h"

static char *data_path(const char *relative)
{
    return test_data_path("", relative);
}

static void load_ok(const char *name, ddl_file *file)
{
    char *path = data_path(name);
    diag_list diags = DIAG_LIST_INIT;
    memset(file, 0, sizeof *file);
    int rc = my_ddl_load_file(path, name, file, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(diags.count, 0);
    ck_assert_int_eq(file->dialect, SQL_DIALECT_MYSQL);
    free(path);
}

static int analyze(const char *text, ddl_file *file, diag_list *diags)
{
    memset(file, 0, sizeof *file);
    return my_ddl_analyze_text(text, strlen(text), "t.sql", file, diags);
}

/* The statements of `file` that are not DDL_SKIP, as "KIND table" lines. */
static char *kept_statements(const ddl_file *file)
{
    static const char *const names[] = {
        [DDL_CREATE_TABLE] = "CREATE TABLE",
        [DDL_ALTER_TABLE] = "ALTER TABLE",
        [DDL_CREATE_INDEX] = "CREATE INDEX",
        [DDL_CREATE_SEQUENCE] = "CREATE SEQUENCE",
        [DDL_ALTER_SEQUENCE] = "ALTER SEQUENCE",
        [DDL_SKIP] = "SKIP",
        [DDL_OTHER] = "OTHER",
        [DDL_CREATE_TRIGGER] = "CREATE TRIGGER",
    };
    static char out[1024];
    out[0] = '\0';
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind == DDL_SKIP)
            continue;
        char line[128];
        snprintf(line, sizeof line, "%d %s %s\n", st->source->line, names[st->kind],
                 st->table ? st->table : "-");
        strncat(out, line, sizeof out - strlen(out) - 1);
    }
    return out;
}

START_TEST(mariadb_dump_of_a_table_with_triggers)
{
    ddl_file file;
    load_ok("mysql/album.sql", &file);
    /* the header's SETs, DROP TABLE IF EXISTS, the sandbox line and the trigger's SETs are
     * skipped; the CREATE TABLE and both triggers (DELIMITER ;; blocks) are kept */
    ck_assert_str_eq(kept_statements(&file), "26 CREATE TABLE album\n"
                                             "56 CREATE TRIGGER album\n"
                                             "75 CREATE TRIGGER album\n");
    ck_assert_uint_eq(file.table_count, 1);
    const ddl_table *album = ddl_file_table(&file, "album");
    ck_assert_ptr_nonnull(album);
    ck_assert_int_eq(album->line, 26);
    ck_assert_str_eq(album->bare_name, "album");
    ck_assert_uint_eq(album->column_count, 12);
    const char *types[] = {"int(10) unsigned",
                           "int(10) unsigned",
                           "varchar(200)",
                           "enum('lp','ep','single')",
                           "set('vinyl','cd','tape')",
                           "year(4)",
                           "tinyint(3) unsigned",
                           "decimal(8,2)",
                           "varchar(200)",
                           "int(11)",
                           "timestamp",
                           "text"};
    for (size_t i = 0; i < 12; i++)
        ck_assert_str_eq(album->columns[i].type, types[i]);
    const ddl_column *id = ddl_table_column(album, "id");
    ck_assert(id->auto_increment && id->primary_key && id->not_null && id->has_default);
    ck_assert_int_eq(id->line, 27);
    const ddl_column *title = ddl_table_column(album, "title");
    ck_assert(title->not_null && !title->has_default && !title->primary_key);
    ck_assert(ddl_table_column(album, "kind")->has_default);
    ck_assert(!ddl_table_column(album, "formats")->not_null);
    ck_assert(ddl_table_column(album, "title_upper")->has_default); /* generated */
    ck_assert(ddl_table_column(album, "price_cents")->has_default);
    ck_assert(!ddl_table_column(album, "artist_id")->primary_key);
    /* the CREATE TABLE references artist; the trigger's statement is what a server runs */
    const ddl_statement *create = NULL, *trigger = NULL;
    for (size_t i = 0; i < file.statement_count; i++) {
        if (file.statements[i].kind == DDL_CREATE_TABLE)
            create = &file.statements[i];
        if (!trigger && file.statements[i].kind == DDL_CREATE_TRIGGER)
            trigger = &file.statements[i];
    }
    ck_assert_uint_eq(create->reference_count, 1);
    ck_assert_str_eq(create->references[0], "artist");
    ck_assert_uint_eq(trigger->reference_count, 0);
    ck_assert_msg(strncmp(trigger->source->text, "CREATE ", 7) == 0 &&
                      strstr(trigger->source->text, "DEFINER=`root`@`localhost`") &&
                      strstr(trigger->source->text, "VALUES (NEW.id, 'insert');\nEND"),
                  "%s", trigger->source->text);
    ck_assert_int_eq(trigger->source->column, 10); /* after the versioned comment's mark */
    /* load phases: the table before the rows, the triggers after them, the rest not run */
    for (size_t i = 0; i < file.statement_count; i++) {
        ddl_kind kind = file.statements[i].kind;
        ddl_phase expected = kind == DDL_CREATE_TABLE     ? DDL_PHASE_PRE_DATA
                             : kind == DDL_CREATE_TRIGGER ? DDL_PHASE_TRIGGERS
                                                          : DDL_PHASE_NONE;
        ck_assert_int_eq(ddl_statement_phase(&file.statements[i]), expected);
    }
    ddl_file_free(&file);
}
END_TEST

/* The sql_mode of a trigger: the last SET [SESSION] sql_mode = 'literal' before it in its
 * file (as mariadb-dump writes before each), NULL when none, or set from a variable. */
START_TEST(a_trigger_takes_the_sql_mode_its_file_sets_before_it)
{
    const char *text =
        "CREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW SET @x = 1;\n"
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
        "CREATE TRIGGER b AFTER INSERT ON t FOR EACH ROW SET @x = 1;\n"
        "/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n"
        "/*!50003 SET sql_mode              = '' */ ;\n"
        "CREATE TRIGGER c AFTER INSERT ON t FOR EACH ROW SET @x = 1;\n"
        "/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n"
        "CREATE TRIGGER d AFTER INSERT ON t FOR EACH ROW SET @x = 1;\n"
        "SET GLOBAL sql_mode = 'ANSI'; SET @@SESSION.sql_mode = 'STRICT_ALL_TABLES';\n"
        "CREATE TRIGGER e AFTER INSERT ON t FOR EACH ROW SET @x = 1;\n";
    ddl_file file;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze(text, &file, &diags), 0);
    const char *expected[] = {NULL, "'NO_AUTO_VALUE_ON_ZERO'", "''", NULL, "'STRICT_ALL_TABLES'"};
    size_t triggers = 0;
    for (size_t i = 0; i < file.statement_count; i++) {
        const ddl_statement *st = &file.statements[i];
        if (st->kind != DDL_CREATE_TRIGGER)
            continue;
        ck_assert_uint_lt(triggers, 5);
        if (expected[triggers])
            ck_assert_str_eq(st->sql_mode ? st->sql_mode : "(null)", expected[triggers]);
        else
            ck_assert_msg(!st->sql_mode, "trigger %zu: %s", triggers, st->sql_mode);
        triggers++;
    }
    ck_assert_uint_eq(triggers, 5);
    ddl_file_free(&file);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(a_key_cycle_and_composite_keys)
{
    ddl_file artist, log;
    load_ok("mysql/artist.sql", &artist);
    load_ok("mysql/album_log.sql", &log);
    ck_assert_str_eq(kept_statements(&artist), "26 CREATE TABLE artist\n");
    const ddl_statement *create = &artist.statements[0];
    for (size_t i = 0; create->kind != DDL_CREATE_TABLE; i++)
        create = &artist.statements[i];
    ck_assert_uint_eq(create->reference_count, 1);
    ck_assert_str_eq(create->references[0], "album"); /* album references artist: a cycle */
    const ddl_table *table = ddl_file_table(&artist, "artist");
    ck_assert_uint_eq(table->column_count, 4); /* the KEYs and the CONSTRAINT are no columns */
    ck_assert(ddl_table_column(table, "id")->primary_key);
    ck_assert(!ddl_table_column(table, "best_album_id")->not_null);
    const ddl_table *album_log = ddl_file_table(&log, "album_log");
    ck_assert_uint_eq(album_log->column_count, 4);
    ck_assert_str_eq(album_log->columns[0].type, "bigint(20) unsigned");
    ck_assert(album_log->columns[0].primary_key && album_log->columns[0].auto_increment);
    ck_assert(ddl_table_column(album_log, "at")->has_default);
    ddl_file_free(&artist);
    ddl_file_free(&log);
}
END_TEST

START_TEST(mysql8_mysqldump_forms)
{
    ddl_file file;
    load_ok("mysql/mysql8_album.sql", &file);
    ck_assert_str_eq(kept_statements(&file), "29 CREATE TABLE album\n"
                                             "59 CREATE TRIGGER album\n");
    const ddl_table *album = ddl_file_table(&file, "album");
    ck_assert_uint_eq(album->column_count, 12);
    ck_assert_str_eq(album->columns[0].type, "int unsigned");
    ck_assert_str_eq(album->columns[2].type, "varchar(200)"); /* COLLATE is no part of it */
    ck_assert_str_eq(ddl_table_column(album, "released")->type, "year");
    ck_assert(ddl_table_column(album, "price_cents")->has_default);
    ck_assert(ddl_table_column(album, "id")->auto_increment);
    ddl_file_free(&file);
}
END_TEST

START_TEST(statements_a_schema_file_must_not_run)
{
    const char *refused[] = {
        "USE shop", "START TRANSACTION", "CREATE DATABASE `x`", "DROP SCHEMA y", "COMMIT", "BEGIN"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "CREATE TABLE `t` (`a` int);\n  %s;\n", refused[i]);
        ddl_file file;
        diag_list diags = DIAG_LIST_INIT;
        ck_assert_int_eq(analyze(text, &file, &diags), -1);
        ck_assert_uint_eq(diags.count, 1);
        ck_assert_str_eq(diags.items[0].file, "t.sql");
        ck_assert_int_eq(diags.items[0].line, 2);
        ck_assert_int_eq(diags.items[0].column, 3);
        ck_assert_msg(strstr(diags.items[0].message, "must not run"), "%s", diags.items[0].message);
        ck_assert_ptr_nonnull(diags.items[0].hint);
        ck_assert_int_eq(diags.items[0].kind, DIAG_BAD_INPUT);
        diag_list_clear(&diags);
        ddl_file_free(&file);
    }
}
END_TEST

START_TEST(bad_input_names_file_line_column_and_what_was_expected)
{
    struct {
        const char *text;
        int line, column;
        const char *message;
    } cases[] = {
        /* comments and versioned marks before the fault keep the columns right */
        {"/*!40101 SET x=1 */;\n/* a */ CREATE TABLE `t`;", 2, 22, "expected \"(\""},
        {"CREATE TABLE `t` (\n  `a` int,\n  `b` text", 1, 18, "is not closed"},
        {"CREATE TABLE (a int);", 1, 14, "expected a table name"},
        {"DELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER tr AFTER INSERT */;;", 2, 28,
         "expected ON and the table of this trigger"},
        {"CREATE TABLE `t` (`a` text DEFAULT 'it\\'s;\n", 1, 36,
         "a string opened here is never closed"},
        {"CREATE TABLE `t` (`a` int) /* open", 1, 28, "comment opened here is never closed"},
        {"/* \xc3\xa9t\xc3\xa9 */ CREATE TABLE `t`;", 1, 24, "expected \"(\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ddl_file file;
        diag_list diags = DIAG_LIST_INIT;
        ck_assert_int_eq(analyze(cases[i].text, &file, &diags), -1);
        ck_assert_uint_ge(diags.count, 1);
        const diag *d = &diags.items[0];
        ck_assert_msg(d->line == cases[i].line && d->column == cases[i].column &&
                          strstr(d->message, cases[i].message),
                      "case %zu: %d:%d: %s", i, d->line, d->column, d->message);
        ck_assert_str_eq(d->file, "t.sql");
        diag_list_clear(&diags);
        ddl_file_free(&file);
    }
}
END_TEST

START_TEST(backslash_escapes_and_backquotes)
{
    ddl_file file;
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(analyze("CREATE TABLE `we``ird` (\n"
                             "  `a;b` varchar(5) DEFAULT 'it\\'s, (not) a column',\n"
                             "  # a comment, (not) a column\n"
                             "  `key` int NOT NULL COMMENT \"x\\\", y\",\n"
                             "  KEY `key` (`key`)\n"
                             ");",
                             &file, &diags),
                     0);
    const ddl_table *table = ddl_file_table(&file, "we`ird");
    ck_assert_ptr_nonnull(table);
    ck_assert_uint_eq(table->column_count, 2);
    ck_assert_str_eq(table->columns[0].name, "a;b");
    ck_assert_str_eq(table->columns[1].name, "key");
    ck_assert_int_eq(table->columns[1].line, 4);
    ck_assert(table->columns[1].not_null);
    ddl_file_free(&file);
}
END_TEST

START_TEST(dialect_told_from_the_file)
{
    struct {
        const char *text;
        sql_dialect dialect;
        int line;
    } cases[] = {
        {"/*M!999999\\- enable the sandbox mode */\n-- MariaDB dump 10.19\n", SQL_DIALECT_MYSQL, 2},
        {"/*M!999999\\- enable the sandbox mode */\nCREATE TABLE t (a int);", SQL_DIALECT_MYSQL, 1},
        {"-- MySQL dump 10.13\nCREATE TABLE t (a int);", SQL_DIALECT_MYSQL, 1},
        {"--\n-- PostgreSQL database dump\n--\n", SQL_DIALECT_POSTGRESQL, 2},
        {"CREATE TABLE t (\n  a int\n) ENGINE=InnoDB;", SQL_DIALECT_MYSQL, 3},
        {"CREATE TABLE t (a int);\nCREATE TABLE `u` (a int);", SQL_DIALECT_MYSQL, 2},
        {"CREATE TABLE t (a int DEFAULT 'x`y', b int DEFAULT 1::int);", SQL_DIALECT_POSTGRESQL, 1},
        {"-- uses `backquotes` in a comment\nCREATE TABLE t (a serial);", SQL_DIALECT_UNKNOWN, 0},
        {"\\restrict abc\nCREATE TABLE t (a int);", SQL_DIALECT_POSTGRESQL, 1},
        {"SELECT 1;\nDELIMITER ;;\n", SQL_DIALECT_MYSQL, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sql_dialect_evidence evidence;
        sql_dialect d = sql_dialect_detect(cases[i].text, strlen(cases[i].text), &evidence);
        ck_assert_msg(d == cases[i].dialect && evidence.line == cases[i].line,
                      "case %zu: %d at line %d", i, d, evidence.line);
        ck_assert(d == SQL_DIALECT_UNKNOWN ? evidence.what == NULL : evidence.what != NULL);
    }
    ck_assert_int_eq(sql_dialect_parse("MySQL"), SQL_DIALECT_MYSQL);
    ck_assert_int_eq(sql_dialect_parse("mariadb"), SQL_DIALECT_MYSQL);
    ck_assert_int_eq(sql_dialect_parse("postgresql"), SQL_DIALECT_POSTGRESQL);
    ck_assert_int_eq(sql_dialect_parse("oracle"), SQL_DIALECT_UNKNOWN);
    ck_assert_str_eq(sql_dialect_name(SQL_DIALECT_MYSQL), "MySQL");
}
END_TEST

START_TEST(one_table_out_of_a_whole_dump)
{
    ddl_file dump;
    load_ok("mysql/shop_dump.sql", &dump); /* mariadb-dump --no-data --triggers shop */
    ck_assert_uint_eq(dump.table_count, 3);
    ddl_selection picked = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(ddl_select_table(&dump, "album", "foster.ini", 3, &picked, &diags), 0);
    ck_assert_uint_eq(picked.count, 3); /* the CREATE TABLE and both triggers, in order */
    const ddl_statement *first = &dump.statements[picked.items[0].statement];
    ck_assert_int_eq(first->kind, DDL_CREATE_TABLE);
    ck_assert_int_eq(first->source->line, 26);
    for (size_t k = 1; k < 3; k++) {
        ck_assert_int_eq(dump.statements[picked.items[k].statement].kind, DDL_CREATE_TRIGGER);
        ck_assert(!picked.items[k].support && !picked.items[k].reason);
    }
    ck_assert_int_lt(picked.items[1].statement, picked.items[2].statement);
    /* the picked statements, copied, read as a file of their own (lines kept) */
    sql_script copies = {calloc(picked.count, sizeof *copies.items), picked.count};
    for (size_t k = 0; k < picked.count; k++) {
        copies.items[k] = *dump.statements[picked.items[k].statement].source;
        copies.items[k].text = strdup(copies.items[k].text);
    }
    ddl_file album;
    memset(&album, 0, sizeof album);
    ck_assert_int_eq(my_ddl_analyze(&copies, "mysql/shop_dump.sql", &album, &diags), 0);
    ck_assert_int_eq(album.dialect, SQL_DIALECT_MYSQL);
    ck_assert_uint_eq(album.statement_count, 3);
    ck_assert_uint_eq(ddl_file_table(&album, "album")->column_count, 12);
    ck_assert_int_eq(album.statements[0].source->line, 26);
    ck_assert_int_eq(album.statements[2].kind, DDL_CREATE_TRIGGER);
    ddl_file_free(&album);
    ddl_selection_free(&picked);
    ck_assert_int_eq(ddl_select_table(&dump, "artist", "foster.ini", 3, &picked, &diags), 0);
    ck_assert_uint_eq(picked.count, 1);
    ck_assert_str_eq(dump.statements[picked.items[0].statement].table, "artist");
    ddl_selection_free(&picked);
    ck_assert_int_eq(ddl_select_table(&dump, "label", "foster.ini", 7, &picked, &diags), -1);
    ck_assert_uint_eq(picked.count, 0);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_str_eq(diags.items[0].file, "foster.ini");
    ck_assert_int_eq(diags.items[0].line, 7);
    ck_assert_str_eq(diags.items[0].message, "mysql/shop_dump.sql does not create table \"label\"");
    ddl_selection_free(&picked);
    diag_list_clear(&diags);
    ddl_file_free(&dump);
}
END_TEST

/* ---- schema_set_load: the reader chosen by the file, the target checked ---- */

static void load_manifest(const char *relative, manifest *m)
{
    char *path = data_path(relative);
    diag_list diags = DIAG_LIST_INIT;
    memset(m, 0, sizeof *m);
    ck_assert_int_eq(manifest_load(path, m, &diags), 0);
    ck_assert_int_eq(manifest_resolve(m, &diags), 0);
    free(path);
}

START_TEST(schema_set_for_a_mysql_server)
{
    manifest m;
    load_manifest("mysql/foster.ini", &m);
    schema_set set = {0};
    diag_list diags = DIAG_LIST_INIT;
    int rc = schema_set_load(&m, SCHEMA_MYSQL, &set, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    /* artist <-> album is a cycle; album_log stands alone */
    ck_assert(set.cyclic[0] && set.cyclic[1] && !set.cyclic[2]);
    for (size_t i = 0; i < set.count; i++)
        ck_assert_int_eq(set.files[i].dialect, SQL_DIALECT_MYSQL);
    ck_assert(schema_set_table(&set, 1)->columns[0].auto_increment);
    ck_assert_uint_eq(set.sqlite.count, 0); /* nothing translated: the server runs the DDL */
    schema_set_free(&set);
    manifest_free(&m);
}
END_TEST

START_TEST(a_dump_of_the_other_dialect_is_refused)
{
    manifest m;
    load_manifest("mysql/foster.ini", &m);
    schema_set set = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(schema_set_load(&m, SCHEMA_POSTGRES, &set, &diags), -1);
    ck_assert_uint_eq(diags.count, 3); /* one per file */
    const diag *d = &diags.items[0];
    ck_assert_msg(
        strstr(d->file, "artist.sql") && d->line == 2 &&
            strstr(d->message, "this is MySQL DDL (the dump header \"-- MariaDB dump\")") &&
            strstr(d->message, "the backend runs PostgreSQL DDL"),
        "%s:%d: %s", d->file, d->line, d->message);
    ck_assert_int_eq(d->kind, DIAG_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(d->hint, "[foster] dialect"));
    schema_set_free(&set);
    diag_list_clear(&diags);
    manifest_free(&m);

    load_manifest("mysql/pgproject/foster.ini", &m); /* pg_dump output */
    ck_assert_int_eq(schema_set_load(&m, SCHEMA_MYSQL, &set, &diags), -1);
    ck_assert_uint_ge(diags.count, 1);
    ck_assert_msg(strstr(diags.items[0].message, "this is PostgreSQL DDL") &&
                      strstr(diags.items[0].message, "the backend runs MySQL DDL"),
                  "%s", diags.items[0].message);
    schema_set_free(&set);
    diag_list_clear(&diags);
    manifest_free(&m);
}
END_TEST

START_TEST(dialect_key_reads_a_file_that_does_not_tell)
{
    manifest m;
    load_manifest("mysql/declared/foster.ini", &m); /* dialect = mysql; "it\"s" a string */
    schema_set set = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(schema_set_load(&m, SCHEMA_SQLITE, &set, &diags), 0);
    ck_assert_int_eq(set.files[0].dialect, SQL_DIALECT_MYSQL);
    ck_assert_uint_eq(set.sqlite.count, 1);
    ck_assert_msg(strstr(set.sqlite.items[0].sql, "\"name\" VARCHAR(20) DEFAULT 'it\"s'"), "%s",
                  set.sqlite.items[0].sql);
    schema_set_free(&set);
    ck_assert_int_eq(schema_set_load(&m, SCHEMA_POSTGRES, &set, &diags), -1);
    ck_assert_uint_eq(diags.count, 1);
    ck_assert_msg(strstr(diags.items[0].file, "declared/foster.ini") && diags.items[0].line == 3,
                  "%s:%d", diags.items[0].file, diags.items[0].line);
    ck_assert_str_eq(diags.items[0].message,
                     "[foster] dialect is MySQL, but the backend runs PostgreSQL DDL");
    schema_set_free(&set);
    diag_list_clear(&diags);
    manifest_free(&m);
}
END_TEST

START_TEST(schema_dump_of_a_whole_mysql_database)
{
    manifest m;
    load_manifest("mysql/dump/foster.ini", &m); /* schema_dump = shop_dump.sql */
    schema_set set = {0};
    diag_list diags = DIAG_LIST_INIT;
    int rc = schema_set_load(&m, SCHEMA_MYSQL, &set, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    /* each table gets its own statements: album its CREATE TABLE and both triggers */
    const size_t statements[] = {1, 3, 1};
    for (size_t i = 0; i < set.count; i++) {
        ck_assert_int_eq(set.files[i].dialect, SQL_DIALECT_MYSQL);
        ck_assert_uint_eq(set.files[i].statement_count, statements[i]);
        ck_assert_uint_eq(set.files[i].table_count, 1);
        ck_assert_ptr_nonnull(schema_set_table(&set, i));
    }
    ck_assert_int_eq(set.files[1].statements[0].source->line, 26);
    ck_assert_int_eq(set.files[1].statements[2].kind, DDL_CREATE_TRIGGER);
    ck_assert(set.cyclic[0] && set.cyclic[1] && !set.cyclic[2]);
    ck_assert_uint_eq(set.prelude_count, 0); /* nothing taken as support */
    schema_set_free(&set);

    ck_assert_int_eq(schema_set_load(&m, SCHEMA_SQLITE, &set, &diags), 0);
    ck_assert_uint_eq(set.sqlite.count, 7);      /* three tables, four indexes */
    ck_assert_uint_eq(set.notes.notes.count, 2); /* the two triggers */
    schema_set_free(&set);

    ck_assert_int_eq(schema_set_load(&m, SCHEMA_POSTGRES, &set, &diags), -1);
    ck_assert_uint_ge(diags.count, 1);
    ck_assert_msg(strstr(diags.items[0].file, "shop_dump.sql") && diags.items[0].line == 2 &&
                      strstr(diags.items[0].message, "this is MySQL DDL"),
                  "%s:%d: %s", diags.items[0].file, diags.items[0].line, diags.items[0].message);
    schema_set_free(&set);
    diag_list_clear(&diags);
    manifest_free(&m);
}
END_TEST

START_TEST(dialect_key_overrides_detection)
{
    const char *ini = "[foster]\ndialect = mysql\n[table t]\n";
    manifest m = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(manifest_parse(ini, "foster.ini", NULL, NULL, &m, &diags), 0);
    ck_assert_int_eq(m.dialect, SQL_DIALECT_MYSQL);
    ck_assert_int_eq(m.dialect_line, 2);
    manifest_free(&m);
    memset(&m, 0, sizeof m);
    ck_assert_int_eq(
        manifest_parse("[foster]\ndialect = oracle\n", "foster.ini", NULL, NULL, &m, &diags), -1);
    ck_assert_int_eq(diags.items[0].line, 2);
    ck_assert_msg(strstr(diags.items[0].message, "unknown dialect \"oracle\"") &&
                      strstr(diags.items[0].message, "expected postgresql or mysql"),
                  "%s", diags.items[0].message);
    diag_list_clear(&diags);
    manifest_free(&m);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("myddl");
    TCase *reader = tcase_create("reader");
    tcase_add_test(reader, mariadb_dump_of_a_table_with_triggers);
    tcase_add_test(reader, a_trigger_takes_the_sql_mode_its_file_sets_before_it);
    tcase_add_test(reader, a_key_cycle_and_composite_keys);
    tcase_add_test(reader, mysql8_mysqldump_forms);
    tcase_add_test(reader, statements_a_schema_file_must_not_run);
    tcase_add_test(reader, bad_input_names_file_line_column_and_what_was_expected);
    tcase_add_test(reader, backslash_escapes_and_backquotes);
    tcase_add_test(reader, dialect_told_from_the_file);
    tcase_add_test(reader, one_table_out_of_a_whole_dump);
    suite_add_tcase(suite, reader);
    TCase *schema = tcase_create("schema_set");
    tcase_add_test(schema, schema_set_for_a_mysql_server);
    tcase_add_test(schema, a_dump_of_the_other_dialect_is_refused);
    tcase_add_test(schema, dialect_key_overrides_detection);
    tcase_add_test(schema, dialect_key_reads_a_file_that_does_not_tell);
    tcase_add_test(schema, schema_dump_of_a_whole_mysql_database);
    suite_add_tcase(suite, schema);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
