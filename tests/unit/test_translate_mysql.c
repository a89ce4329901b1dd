/*
 * test_translate_mysql.c — specification of the MySQL-to-SQLite translator
 * (src/translate/translate_mysql.h): each form it translates, drops (with a
 * note) or refuses (file:line:column and the .sqlite.sql hint), and the
 * committed mariadb-dump files of tests/data/mysql provisioned on SQLite
 * through the library: rows loaded, invalid ENUM and negative UNSIGNED
 * refused, the next key, generated columns, notes, nothing left behind.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "foster.h"
#include "myddl.h"
#include "scratch.h"
#include "strbuf.h"
#include "translate_mysql.h"

/* Translates `text` (one file, "t.sql"); returns the result, the script joined by ";\n". */
static int translate(const char *text, char **sql, translate_notes *notes, diag_list *diags)
{
    ddl_file file = {0};
    ck_assert_int_eq(my_ddl_analyze_text(text, strlen(text), "t.sql", &file, diags), 0);
    const ddl_file *files[] = {&file};
    sqlite_script script = {0};
    int rc = translate_mysql_sqlite(files, 1, &script, notes, diags);
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < script.count; i++)
        strbuf_appendf(&out, "%s%s", i ? ";\n" : "", script.items[i].sql);
    *sql = strbuf_detach(&out);
    sqlite_script_free(&script);
    ddl_file_free(&file);
    return rc;
}

static char *translate_ok(const char *text, translate_notes *notes)
{
    diag_list diags = DIAG_LIST_INIT;
    char *sql;
    int rc = translate(text, &sql, notes, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(diags.count, 0);
    return sql;
}

/* The translation runs on SQLite (so every output below is valid SQLite). */
static void assert_runs(const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *error = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
    ck_assert_msg(rc == SQLITE_OK, "%s\n%s", error ? error : "", sql);
    sqlite3_close(db);
}

START_TEST(types_enum_set_year_unsigned_and_the_rowid_key)
{
    translate_notes notes = {0};
    char *sql =
        translate_ok("CREATE TABLE `t` (\n"
                     "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
                     "  `k` enum('a','it\\'s') NOT NULL DEFAULT 'a',\n"
                     "  `s` set('x','y') DEFAULT NULL,\n"
                     "  `y` year(4) DEFAULT NULL,\n"
                     "  `n` bigint(20) unsigned zerofill DEFAULT 0,\n"
                     "  `b` bit(1) DEFAULT b'1',\n"
                     "  `d` double unsigned,\n"
                     "  `v` varchar(20) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT "
                     "_latin1'x\\\\y',\n"
                     "  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL "
                     "CHECK (json_valid(`j`)),\n"
                     "  `bin` varbinary(16) NOT NULL,\n"
                     "  PRIMARY KEY (`id`)\n"
                     ") ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4;",
                     &notes);
    ck_assert_str_eq(sql,
                     "CREATE TABLE \"t\" (\n"
                     "    \"id\" INTEGER PRIMARY KEY NOT NULL,\n"
                     "    \"k\" TEXT NOT NULL DEFAULT 'a' CHECK (\"k\" IN ('a', 'it''s')),\n"
                     "    \"s\" TEXT DEFAULT NULL,\n"
                     "    \"y\" INTEGER DEFAULT NULL,\n"
                     "    \"n\" INTEGER DEFAULT 0 CHECK (\"n\" >= 0),\n"
                     "    \"b\" INTEGER DEFAULT (1),\n"
                     "    \"d\" REAL CHECK (\"d\" >= 0),\n"
                     "    \"v\" VARCHAR(20) DEFAULT ('x\\y'),\n"
                     "    \"j\" TEXT DEFAULT NULL CHECK (\"j\" IS NULL OR json_valid(\"j\")),\n"
                     "    \"bin\" BLOB NOT NULL\n"
                     ")");
    assert_runs(sql);
    ck_assert_uint_eq(notes.notes.count + notes.details.count, 0);
    free(sql);
}
END_TEST

/* MariaDB's JSON column is longtext CHECK (json_valid(c)): NULL passes there (json_valid(NULL)
 * is NULL), so it must on SQLite, whose json_valid(NULL) is 0. */
START_TEST(json_columns_take_null_as_on_mariadb)
{
    translate_notes notes = {0};
    char *sql =
        translate_ok("CREATE TABLE `doc` (\n"
                     "  `id` int(11) NOT NULL,\n"
                     "  `meta` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL "
                     "CHECK (json_valid(`meta`)),\n"
                     "  `extra` longtext DEFAULT NULL,\n"
                     "  PRIMARY KEY (`id`),\n"
                     "  CONSTRAINT `extra_json` CHECK (json_valid(`extra`)),\n"
                     "  CONSTRAINT `both` CHECK (json_valid(`meta`) or `id` > 0)\n"
                     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;",
                     &notes);
    ck_assert_str_eq(sql, "CREATE TABLE \"doc\" (\n"
                          "    \"id\" INTEGER NOT NULL,\n"
                          "    \"meta\" TEXT DEFAULT NULL CHECK (\"meta\" IS NULL OR "
                          "json_valid(\"meta\")),\n"
                          "    \"extra\" TEXT DEFAULT NULL,\n"
                          "    PRIMARY KEY (\"id\"),\n"
                          "    CONSTRAINT \"extra_json\" CHECK (\"extra\" IS NULL OR "
                          "json_valid(\"extra\")),\n"
                          "    CONSTRAINT \"both\" CHECK (json_valid(\"meta\") OR \"id\" > 0)\n"
                          ")");
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO doc (id) VALUES (1)", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db, "INSERT INTO doc VALUES (2, '{\"a\":1}', NULL)", NULL, NULL, NULL),
        SQLITE_OK);
    ck_assert_int_ne(
        sqlite3_exec(db, "INSERT INTO doc VALUES (3, 'not json', NULL)", NULL, NULL, NULL),
        SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO doc VALUES (4, NULL, '{')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    free(sql);
}
END_TEST

START_TEST(keys_become_indexes_with_names_sqlite_can_hold)
{
    translate_notes notes = {0};
    char *sql = translate_ok("CREATE TABLE `a` (\n"
                             "  `id` int NOT NULL,\n  `x` varchar(100),\n  `y` text,\n"
                             "  PRIMARY KEY (`id`,`x`),\n"
                             "  UNIQUE KEY `u` (`x`(10)),\n"
                             "  KEY `k` (`x`, `id` DESC),\n"
                             "  FULLTEXT KEY `f` (`y`)\n"
                             ");\n"
                             "CREATE TABLE `b` (`id` int PRIMARY KEY, `a_id` int,\n"
                             "  KEY `k` (`a_id`),\n"
                             "  CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON "
                             "DELETE SET NULL ON UPDATE CASCADE);\n"
                             "CREATE UNIQUE INDEX `k` ON `b` (`a_id`, `id`);\n"
                             "CREATE FULLTEXT INDEX `f2` ON `a` (`y`);\n",
                             &notes);
    ck_assert_str_eq(sql, "CREATE TABLE \"a\" (\n"
                          "    \"id\" INTEGER NOT NULL,\n"
                          "    \"x\" VARCHAR(100),\n"
                          "    \"y\" TEXT,\n"
                          "    PRIMARY KEY (\"id\", \"x\")\n"
                          ");\n"
                          "CREATE TABLE \"b\" (\n"
                          "    \"id\" INTEGER PRIMARY KEY,\n"
                          "    \"a_id\" INTEGER,\n"
                          "    CONSTRAINT \"fk\" FOREIGN KEY (\"a_id\") REFERENCES \"a\" (\"id\") "
                          "ON DELETE SET NULL ON UPDATE CASCADE\n"
                          ");\n"
                          "CREATE UNIQUE INDEX \"u\" ON \"a\" (\"x\");\n"
                          "CREATE INDEX \"k\" ON \"a\" (\"x\", \"id\" DESC);\n"
                          "CREATE INDEX \"b_k\" ON \"b\" (\"a_id\");\n"
                          "CREATE UNIQUE INDEX \"b_k2\" ON \"b\" (\"a_id\", \"id\")");
    assert_runs(sql);
    ck_assert_uint_eq(notes.notes.count, 0);
    ck_assert_uint_eq(notes.details.count, 2); /* the FULLTEXT key and index, with -v */
    ck_assert_int_eq(notes.details.items[0].line, 8);
    ck_assert_ptr_nonnull(strstr(notes.details.items[0].message, "FULLTEXT key of a left out"));
    translate_notes_clear(&notes);
    free(sql);
}
END_TEST

START_TEST(generated_columns_defaults_checks_and_on_update)
{
    translate_notes notes = {0};
    char *sql = translate_ok(
        "CREATE TABLE `g` (\n"
        "  `p` decimal(8,2) NOT NULL DEFAULT '0.00',\n"
        "  `t` varchar(9) DEFAULT NULL,\n"
        "  `u` varchar(9) GENERATED ALWAYS AS (ucase(`t`)) VIRTUAL,\n"
        "  `c` int AS ((`p` * 100)) PERSISTENT,\n"
        "  `full` text GENERATED ALWAYS AS (concat(`t`,_utf8mb4' ',ifnull(`t`,'-'))) STORED,\n"
        "  `at` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE "
        "current_timestamp(6),\n"
        "  `day` date DEFAULT (curdate()),\n"
        "  `n` int DEFAULT -1 COMMENT 'minus one' INVISIBLE,\n"
        "  CONSTRAINT `ck` CHECK (`p` >= 0 && `t` <> 'x' || `n` div 2 = 1)\n"
        ");",
        &notes);
    ck_assert_str_eq(sql,
                     "CREATE TABLE \"g\" (\n"
                     "    \"p\" DECIMAL(8,2) NOT NULL DEFAULT '0.00',\n"
                     "    \"t\" VARCHAR(9) DEFAULT NULL,\n"
                     "    \"u\" VARCHAR(9) GENERATED ALWAYS AS (upper(\"t\")) VIRTUAL,\n"
                     "    \"c\" INTEGER GENERATED ALWAYS AS ((\"p\" * 100)) STORED,\n"
                     "    \"full\" TEXT GENERATED ALWAYS AS ((\"t\" || ' ' || "
                     "ifnull(\"t\", '-'))) STORED,\n"
                     "    \"at\" TIMESTAMP(6) NOT NULL DEFAULT (CURRENT_TIMESTAMP),\n"
                     "    \"day\" DATE DEFAULT (CURRENT_DATE),\n"
                     "    \"n\" INTEGER DEFAULT (-1),\n"
                     "    CONSTRAINT \"ck\" CHECK (\"p\" >= 0 AND \"t\" <> 'x' OR \"n\" / 2 = 1)\n"
                     ")");
    assert_runs(sql);
    ck_assert_uint_eq(notes.details.count, 1);
    ck_assert_int_eq(notes.details.items[0].line, 7);
    ck_assert_ptr_nonnull(strstr(notes.details.items[0].message, "ON UPDATE of g.at left out"));
    translate_notes_clear(&notes);
    free(sql);
}
END_TEST

START_TEST(triggers_are_noted_not_created)
{
    translate_notes notes = {0};
    char *sql = translate_ok("CREATE TABLE `t` (`a` int);\n"
                             "DELIMITER ;;\n"
                             "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 "
                             "TRIGGER `t_ai` AFTER INSERT ON `t` FOR EACH ROW BEGIN\n"
                             "  INSERT INTO u VALUES (NEW.a);\nEND */;;\n"
                             "DELIMITER ;\n",
                             &notes);
    ck_assert_str_eq(sql, "CREATE TABLE \"t\" (\n    \"a\" INTEGER\n)");
    ck_assert_uint_eq(notes.notes.count, 1);
    ck_assert_int_eq(notes.notes.items[0].line, 3);
    ck_assert_str_eq(notes.notes.items[0].message,
                     "trigger t_ai on t is not created on SQLite: triggers do not run there");
    translate_notes_clear(&notes);
    free(sql);
}
END_TEST

START_TEST(untranslatable_forms_name_file_line_column_and_the_sqlite_file)
{
    struct {
        const char *text;
        int line, column;
        const char *message;
    } cases[] = {
        {"CREATE TABLE `t` (\n  `g` geometry NOT NULL\n);", 2, 7,
         "cannot translate the type of t.g to SQLite"},
        {"CREATE TABLE `t` (\n  `a` int CHECK (`a` REGEXP '^1')\n);", 2, 22,
         "cannot translate \"REGEXP\" to SQLite"},
        {"CREATE TABLE `t` (\n  `a` int DEFAULT (uuid())\n);", 2, 20,
         "cannot translate the function uuid() to SQLite"},
        {"CREATE TABLE `t` (`a` int);\n/*!50001 CREATE VIEW `v` AS SELECT 1 */;", 2, 10,
         "cannot translate \"CREATE VIEW\" to SQLite"},
        {"CREATE TABLE `t` (`a` int);\nALTER TABLE `t` ADD COLUMN `b` int;", 2, 1,
         "cannot translate \"ALTER TABLE\" to SQLite"},
        {"CREATE TABLE `t` (`a` int,\n  PERIOD FOR p (`a`, `a`));", 2, 3,
         "cannot translate \"PERIOD\" in table t to SQLite"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        translate_notes notes = {0};
        diag_list diags = DIAG_LIST_INIT;
        char *sql;
        ck_assert_int_eq(translate(cases[i].text, &sql, &notes, &diags), -1);
        ck_assert_str_eq(sql, "");
        ck_assert_uint_eq(diags.count, 1);
        const diag *d = &diags.items[0];
        ck_assert_msg(d->line == cases[i].line && d->column == cases[i].column &&
                          strcmp(d->message, cases[i].message) == 0,
                      "case %zu: %d:%d: %s", i, d->line, d->column, d->message);
        ck_assert_str_eq(d->file, "t.sql");
        ck_assert_str_eq(d->hint, "write a SQLite version of this table in t.sqlite.sql; foster "
                                  "uses it instead of t.sql on SQLite");
        diag_list_clear(&diags);
        translate_notes_clear(&notes);
        free(sql);
    }
}
END_TEST

/* ---- the committed dumps on SQLite, through the library ---- */

static void note_line(void *context, const char *line)
{
    strbuf_appendf(context, "%s\n", line);
}

static long long value(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

START_TEST(mariadb_dumps_provisioned_on_sqlite)
{
    char *runtime_dir = scratch_make("foster-mysqlite-");
    ck_assert_ptr_nonnull(runtime_dir);
    setenv("FOSTER_RUNTIME_DIR", runtime_dir, 1);
    char *manifest = strbuf_format("%s/mysql/foster.ini", getenv("FOSTER_TEST_DATA"));
    strbuf lines = STRBUF_INIT;
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = manifest;
    options.backend = "sqlite";
    options.progress = note_line;
    options.progress_context = &lines;
    options.verbose = 1;
    options.no_cache = true; /* the notes come from translating; a cached template skips it */
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    ck_assert_msg(foster_provision(session) == FOSTER_OK, "%s", foster_errmsg(session));
    const char *text = strbuf_str(&lines);
    ck_assert_msg(strstr(text, "note: ") &&
                      strstr(text, "album.sql:56:10: trigger "
                                   "album_after_insert on album is not "
                                   "created on SQLite") &&
                      strstr(text, "album.sql:37:63: ON UPDATE of album.updated_at left out"),
                  "%s", text);
    sqlite3 *db;
    char *path = strbuf_format("%s", foster_url(session) + strlen("sqlite:///"));
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(value(db, "SELECT count(*) FROM artist"), 3);
    ck_assert_int_eq(value(db, "SELECT count(*) FROM album"), 4);
    ck_assert_int_eq(value(db, "SELECT count(*) FROM album WHERE title_upper = 'TAGO MAGO'"), 1);
    ck_assert_int_eq(value(db, "SELECT count(*) FROM album WHERE formats = 'vinyl,cd'"), 1);
    ck_assert_int_eq(value(db, "SELECT count(*) FROM album WHERE updated_at IS NOT NULL"), 4);
    ck_assert_int_ne(exec(db, "INSERT INTO album (artist_id, title, kind) VALUES (1, 'x', 'cd')"),
                     SQLITE_OK); /* not one of the ENUM's values */
    ck_assert_int_ne(exec(db, "INSERT INTO album (artist_id, title, tracks) VALUES (1, 'x', -1)"),
                     SQLITE_OK); /* UNSIGNED */
    ck_assert_int_eq(exec(db, "INSERT INTO album (artist_id, title) VALUES (2, 'Neu! 2')"),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_last_insert_rowid(db), 104); /* the next key after the fixtures */
    ck_assert_int_eq(value(db, "SELECT count(*) FROM album_log"), 0); /* no trigger ran */
    sqlite3_close(db);
    ck_assert_int_eq(foster_teardown(session), FOSTER_OK);
    ck_assert_int_eq(access(path, F_OK), -1);
    foster_close(session);
    ck_assert_int_eq(rmdir(runtime_dir), 0); /* nothing left behind */
    free(runtime_dir);
    strbuf_free(&lines);
    free(path);
    free(manifest);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("translate_mysql");
    TCase *forms = tcase_create("forms");
    tcase_add_test(forms, types_enum_set_year_unsigned_and_the_rowid_key);
    tcase_add_test(forms, json_columns_take_null_as_on_mariadb);
    tcase_add_test(forms, keys_become_indexes_with_names_sqlite_can_hold);
    tcase_add_test(forms, generated_columns_defaults_checks_and_on_update);
    tcase_add_test(forms, triggers_are_noted_not_created);
    tcase_add_test(forms, untranslatable_forms_name_file_line_column_and_the_sqlite_file);
    suite_add_tcase(suite, forms);
    TCase *dumps = tcase_create("dumps");
    tcase_add_test(dumps, mariadb_dumps_provisioned_on_sqlite);
    suite_add_tcase(suite, dumps);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
