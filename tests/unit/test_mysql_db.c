/*
 * test_mysql_db.c — test databases on a real MariaDB server: created with
 * foster's marker (schema comment, and the marker table MySQL 8 needs),
 * refused when unmarked or another run's, dropped; CSV fixtures loaded with
 * COPY's NULL rule by LOAD DATA LOCAL INFILE and by multi-row INSERTs, errors
 * naming the fixture line and rolling back, AUTO_INCREMENT past the loaded
 * keys. Prints rows per second of both load methods on 100,000 rows.
 */
#include <check.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

#include "csv.h"
#include "myconn.h"
#include "mydb.h"
#include "myload.h"
#include "mysplit.h"
#include "mysql_test_server.h"

static mts_server server;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static MYSQL *connect_to(const char *database)
{
    my_url url = {.user = "root", .host = "localhost", .unix_socket = server.socket};
    diag_list diags = DIAG_LIST_INIT;
    MYSQL *mysql = my_conn_open(&url, database ? database : "", 5, NULL, &diags);
    if (!mysql)
        diag_list_print(&diags, "error", stderr);
    ck_assert_ptr_nonnull(mysql);
    return mysql;
}

static char *value(MYSQL *mysql, const char *sql)
{
    diag_list diags = DIAG_LIST_INIT;
    bool found;
    char *v = my_conn_query_value(mysql, sql, &found, &diags);
    if (diags.count)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(diags.count, 0);
    return v;
}

static void assert_value(MYSQL *mysql, const char *sql, const char *expected)
{
    char *v = value(mysql, sql);
    if (!expected)
        ck_assert_msg(v == NULL, "%s: %s, expected NULL", sql, v);
    else
        ck_assert_msg(v && strcmp(v, expected) == 0, "%s: %s, expected %s", sql, v ? v : "NULL",
                      expected);
    free(v);
}

static void create_or_fail(MYSQL *admin, const char *name, const char *run, my_marker_place place)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = my_db_create(admin, name, run, place, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
}

static void drop_or_fail(MYSQL *admin, const char *name, const char *run)
{
    diag_list diags = DIAG_LIST_INIT;
    int rc = my_db_drop(admin, name, run, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
}

static void assert_exists(MYSQL *admin, const char *name, bool exists)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '%s'", name);
    assert_value(admin, sql, exists ? "1" : "0");
}

START_TEST(database_name)
{
    char *name = my_db_name("album", "1a2b3c4d");
    ck_assert_str_eq(name, "test_album_1a2b3c4d");
    free(name);
    name = my_db_name("a_very_long_table_name_that_goes_on_and_on_and_on_and_on", "1a2b3c4d");
    ck_assert_uint_eq(strlen(name), 64);
    ck_assert_str_eq(name + 55, "_1a2b3c4d");
    free(name);
}
END_TEST

START_TEST(created_with_a_schema_comment_marker_then_dropped)
{
    MYSQL *admin = connect_to(NULL);
    create_or_fail(admin, "test_album_aaaa0001", "aaaa0001", MY_MARKER_AUTO);
    char *comment = value(admin, "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE "
                                 "SCHEMA_NAME = 'test_album_aaaa0001'");
    char expected[128];
    snprintf(expected, sizeof expected, "foster test database; run aaaa0001; pid %ld; host ",
             (long)getpid());
    ck_assert_msg(strncmp(comment, expected, strlen(expected)) == 0, "%s", comment);
    free(comment);
    assert_value(admin,
                 "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE "
                 "SCHEMA_NAME = 'test_album_aaaa0001'",
                 "utf8mb4");
    assert_value(admin,
                 "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                 "'test_album_aaaa0001'",
                 "0"); /* nothing the suite would see */
    diag_list diags = DIAG_LIST_INIT;
    char *marker = NULL;
    ck_assert_int_eq(my_db_read_marker(admin, "test_album_aaaa0001", &marker, &diags), MY_MARKED);
    ck_assert(strstr(marker, "run aaaa0001;"));
    free(marker);
    ck_assert_int_eq(my_db_drop(admin, "test_album_aaaa0001", "bbbb0002", &diags), -1);
    ck_assert(strstr(diag_list_last(&diags)->message, "belongs to another run"));
    assert_exists(admin, "test_album_aaaa0001", true);
    drop_or_fail(admin, "test_album_aaaa0001", "aaaa0001");
    assert_exists(admin, "test_album_aaaa0001", false);
    ck_assert_int_eq(my_db_read_marker(admin, "test_album_aaaa0001", NULL, &diags), MY_NOT_FOUND);
    ck_assert_int_eq(my_db_drop(admin, "test_album_aaaa0001", NULL, &diags), -1);
    ck_assert(strstr(diag_list_last(&diags)->message, "does not exist"));
    diag_list_clear(&diags);
    mysql_close(admin);
}
END_TEST

START_TEST(marker_table_as_on_mysql_8)
{
    MYSQL *admin = connect_to(NULL);
    create_or_fail(admin, "test_t_cccc0003", "cccc0003", MY_MARKER_TABLE_ONLY);
    char *marker = value(admin, "SELECT marker FROM test_t_cccc0003._foster_marker");
    ck_assert(strncmp(marker, "foster test database; run cccc0003; pid ", 40) == 0);
    free(marker);
    assert_value(admin,
                 "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE "
                 "SCHEMA_NAME = 'test_t_cccc0003'",
                 "");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(my_db_read_marker(admin, "test_t_cccc0003", NULL, &diags), MY_MARKED);
    drop_or_fail(admin, "test_t_cccc0003", "cccc0003");
    assert_exists(admin, "test_t_cccc0003", false);
    mysql_close(admin);
}
END_TEST

START_TEST(unmarked_databases_are_never_dropped)
{
    MYSQL *admin = connect_to(NULL);
    mts_exec(&server, "CREATE DATABASE IF NOT EXISTS precious");
    mts_exec(&server, "CREATE DATABASE IF NOT EXISTS liar COMMENT 'not foster'");
    mts_exec(&server, "CREATE TABLE IF NOT EXISTS liar._foster_marker (marker TEXT)");
    const char *names[] = {"precious", "liar"};
    for (int i = 0; i < 2; i++) {
        diag_list diags = DIAG_LIST_INIT;
        ck_assert_int_eq(my_db_read_marker(admin, names[i], NULL, &diags), MY_NOT_MARKED);
        ck_assert_int_eq(my_db_drop(admin, names[i], NULL, &diags), -1);
        ck_assert_msg(strstr(diag_list_last(&diags)->message, "is not marked as foster's"), "%s",
                      diag_list_last(&diags)->message);
        diag_list_clear(&diags);
        assert_exists(admin, names[i], true);
    }
    mysql_close(admin);
}
END_TEST

/* ---- loading ---- */

/*
 * What the fixtures layer does with a CSV fixture: read it with foster's reader, hand the
 * header and the rows to the engine, commit or roll back.
 */
static int my_load_csv(MYSQL *mysql, const char *table, const char *path, const char *name,
                       my_load_method method, long long *rows, diag_list *diags)
{
    csv_reader *reader = csv_open(path, name, diags);
    csv_row header, row;
    int rc = reader && csv_next_row(reader, &header, diags) == 1 ? 0 : -1;
    my_table_load *load = NULL;
    if (rc == 0)
        rc = my_load_begin(mysql, diags);
    if (rc == 0) {
        load = my_table_load_begin(mysql, table, &header, name, method, diags);
        rc = load ? 0 : -1;
    }
    int read = 0;
    while (rc == 0 && (read = csv_next_row(reader, &row, diags)) == 1)
        rc = my_table_load_row(load, &row, diags);
    if (rc == 0 && read < 0)
        rc = -1;
    if (rc == 0)
        rc = my_table_load_end(load, rows, diags);
    if (load) {
        diag_list ignored = DIAG_LIST_INIT;
        if (my_load_end(mysql, rc == 0, rc == 0 ? diags : &ignored) < 0)
            rc = -1;
        diag_list_clear(&ignored);
    }
    my_table_load_free(load);
    csv_close(reader);
    return rc;
}

static const char *const methods[] = {"LOAD DATA LOCAL INFILE", "multi-row INSERT"};

static char *write_file(const char *name, const char *text)
{
    char *path = malloc(512);
    snprintf(path, 512, "%s/%s", mts_root(), name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static MYSQL *fresh_table(const char *database)
{
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", database);
    mts_exec(&server, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s CHARACTER SET utf8mb4", database);
    mts_exec(&server, sql);
    snprintf(sql, sizeof sql,
             "CREATE TABLE %s.album (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT "
             "NULL, note TEXT, year INT) ENGINE=InnoDB",
             database);
    mts_exec(&server, sql);
    return connect_to(database);
}

START_TEST(csv_null_rule_values_and_next_key)
{
    int method = _i;
    char *path = write_file("album.csv", "id,title,note,year\n"
                                         "1,Blue,,1971\n"
                                         "2,\"\",\"\",\n"
                                         "3,\"Tab\there, and \"\"quotes\"\"\",\"two\nlines\",2001\n"
                                         "7,back\\slash \\N,\\N,1999\n");
    MYSQL *mysql = fresh_table("loadnull");
    diag_list diags = DIAG_LIST_INIT;
    long long rows = 0;
    int rc = my_load_csv(mysql, "album", path, "fixtures/album.csv", (my_load_method)method, &rows,
                         &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_msg(rc == 0, "%s", methods[method]);
    ck_assert_int_eq(rows, 4);
    assert_value(mysql, "SELECT COUNT(*) FROM album", "4");
    assert_value(mysql, "SELECT note FROM album WHERE id = 1", NULL); /* unquoted empty: NULL */
    assert_value(mysql, "SELECT title FROM album WHERE id = 2", "");  /* "": empty string */
    assert_value(mysql, "SELECT note FROM album WHERE id = 2", "");
    assert_value(mysql, "SELECT year FROM album WHERE id = 2", NULL);
    assert_value(mysql, "SELECT title FROM album WHERE id = 3", "Tab\there, and \"quotes\"");
    assert_value(mysql, "SELECT note FROM album WHERE id = 3", "two\nlines");
    assert_value(mysql, "SELECT title FROM album WHERE id = 7", "back\\slash \\N");
    assert_value(mysql, "SELECT note FROM album WHERE id = 7", "\\N"); /* text, not NULL */
    diag_list_clear(&diags);
    ck_assert_int_eq(
        my_conn_command(mysql, "INSERT INTO album (title) VALUES ('next')", "insert", &diags), 0);
    assert_value(mysql, "SELECT id FROM album WHERE title = 'next'", "8");
    mysql_close(mysql);
    free(path);
}
END_TEST

static void assert_load_fails(int method, const char *csv, const char *where, const char *what)
{
    char *path = write_file("bad.csv", csv);
    MYSQL *mysql = fresh_table("loadbad");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        my_load_csv(mysql, "album", path, "fixtures/bad.csv", (my_load_method)method, NULL, &diags),
        -1);
    const diag *d = diag_list_last(&diags);
    char *text = diag_format(d);
    ck_assert_msg(strstr(text, where) == text && strstr(text, what), "%s: %s", methods[method],
                  text);
    free(text);
    diag_list_clear(&diags);
    assert_value(mysql, "SELECT COUNT(*) FROM album", "0"); /* rolled back */
    mysql_close(mysql);
    free(path);
}

START_TEST(refused_rows_name_the_fixture_line_and_roll_back)
{
    int method = _i;
    assert_load_fails(method, "id,title,year\n1,a,1\n2,b,2\n3,c,not-a-year\n4,d,4\n",
                      "fixtures/bad.csv:4:", "year");
    assert_load_fails(method, "id,title,year\n1,a,1\n2,,2\n", "fixtures/bad.csv:3:", "title");
    assert_load_fails(method, "id,title,year\n1,a,1\n2,b\n",
                      "fixtures/bad.csv:3:1:", "expected 3 fields (as the header), found 2");
    assert_load_fails(method, "id,title,year\n1,a,1\n2,\"b\"x,2\n", "fixtures/bad.csv:3:", "");
    assert_load_fails(method, "id,title,year\n1,a,1\n1,b,2\n", "fixtures/bad.csv", "Duplicate");
    assert_load_fails(method, "id,nope\n1,a\n", "fixtures/bad.csv", "nope");
}
END_TEST

START_TEST(inserts_when_the_server_refuses_local_infile)
{
    char *path = write_file("small.csv", "id,title\n1,a\n2,b\n");
    mts_exec(&server, "SET GLOBAL local_infile = 0");
    MYSQL *mysql = fresh_table("loadnolocal");
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(
        my_load_csv(mysql, "album", path, "small.csv", MY_LOAD_DATA_LOCAL, NULL, &diags), -1);
    const char *message = diag_list_last(&diags)->message;
    ck_assert_msg(strstr(message, "(error 4166)") || strstr(message, "(error 1148)"), "%s",
                  message);
    diag_list_clear(&diags);
    long long rows = 0;
    int rc = my_load_csv(mysql, "album", path, "small.csv", MY_LOAD_AUTO, &rows, &diags);
    mts_exec(&server, "SET GLOBAL local_infile = 1");
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(rows, 2);
    assert_value(mysql, "SELECT GROUP_CONCAT(title ORDER BY id) FROM album", "a,b");
    mysql_close(mysql);
    free(path);
}
END_TEST

START_TEST(load_speed_of_both_methods)
{
    enum { ROWS = 100000 };
    char *path = write_file("big.csv", "");
    FILE *f = fopen(path, "w");
    fputs("id,title,note,year\n", f);
    for (int i = 1; i <= ROWS; i++)
        fprintf(f, "%d,Album number %d,\"A note, with a comma\",%d\n", i, i, 1950 + i % 70);
    fclose(f);
    double rate[2];
    for (int method = 0; method < 2; method++) {
        MYSQL *mysql = fresh_table("loadbig");
        diag_list diags = DIAG_LIST_INIT;
        long long rows = 0;
        double start = now();
        int rc =
            my_load_csv(mysql, "album", path, "big.csv", (my_load_method)method, &rows, &diags);
        double seconds = now() - start;
        if (rc)
            diag_list_print(&diags, "error", stderr);
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(rows, ROWS);
        assert_value(mysql, "SELECT COUNT(*) FROM album", "100000");
        assert_value(mysql, "SELECT title FROM album WHERE id = 99999", "Album number 99999");
        rate[method] = ROWS / seconds;
        printf("%s: %d rows in %.2f s, %.0f rows/s\n", methods[method], ROWS, seconds,
               rate[method]);
        mysql_close(mysql);
    }
    printf("LOAD DATA LOCAL INFILE / multi-row INSERT: %.2fx\n", rate[0] / rate[1]);
    free(path);
}
END_TEST

/* ---- reading mariadb-dump's output ---- */

static void split_ok(const char *text, unsigned long version, sql_script *script)
{
    diag_list diags = DIAG_LIST_INIT;
    memset(script, 0, sizeof *script);
    int rc = my_sql_split(text, strlen(text), "dump.sql", version, script, &diags);
    if (rc)
        diag_list_print(&diags, "error", stderr);
    ck_assert_int_eq(rc, 0);
}

START_TEST(splitter_delimiters_versioned_comments_quotes)
{
    sql_script script;
    split_ok("-- MariaDB dump\n"
             "/*!40101 SET @OLD_CS=@@CHARACTER_SET_CLIENT */;\n"
             "# a hash comment; not a statement\n"
             "CREATE TABLE `we;ird` (\n  `a` text DEFAULT 'x;\\'y', /* c; */ b int\n);\n"
             "DELIMITER ;;\n"
             "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t AFTER "
             "INSERT ON x FOR EACH ROW BEGIN INSERT INTO y VALUES (1); END */;;\n"
             "DELIMITER ;\n"
             "/*M!100100 SET x=1 */;\n"
             "/*M!999999\\- enable the sandbox mode */\n"
             "/*!80016 SET y=2 */;\n"
             "SELECT \"a\"\"b;\"",
             0, &script);
    ck_assert_uint_eq(script.count, 6);
    ck_assert_str_eq(script.items[0].text, "SET @OLD_CS=@@CHARACTER_SET_CLIENT");
    ck_assert_int_eq(script.items[0].line, 2);
    ck_assert_str_eq(script.items[1].text,
                     "CREATE TABLE `we;ird` (\n  `a` text DEFAULT 'x;\\'y',  b int\n)");
    ck_assert_int_eq(script.items[1].line, 4);
    ck_assert_int_eq(script.items[1].column, 1);
    ck_assert_msg(strncmp(script.items[2].text, "CREATE ", 7) == 0 &&
                      strstr(script.items[2].text, " DEFINER=`root`@`localhost` ") &&
                      strstr(script.items[2].text, " TRIGGER t AFTER"),
                  "%s", script.items[2].text);
    ck_assert(strstr(script.items[2].text, "VALUES (1); END"));
    ck_assert_int_eq(script.items[2].line, 8);
    ck_assert_str_eq(script.items[3].text, "SET x=1");
    ck_assert_str_eq(script.items[4].text, "SET y=2");
    ck_assert_str_eq(script.items[5].text, "SELECT \"a\"\"b;\"");
    sql_script_free(&script);
    split_ok("/*!80016 SET y=2 */; SELECT 1", 101119, &script); /* MariaDB 10.11 runs it */
    ck_assert_uint_eq(script.count, 2);
    sql_script_free(&script);
    split_ok("/*!80016 SET y=2 */; SELECT 1", 50799, &script); /* a 5.7 server does not */
    ck_assert_uint_eq(script.count, 1);
    ck_assert_str_eq(script.items[0].text, "SELECT 1");
    sql_script_free(&script);
    diag_list diags = DIAG_LIST_INIT;
    const char *bad[] = {"SELECT 'open;\n", "CREATE TABLE `x (a int);", "/* never closed",
                         "DELIMITER \nSELECT 1"};
    const int lines[] = {1, 1, 1, 1};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(my_sql_split(bad[i], strlen(bad[i]), "bad.sql", 0, &script, &diags), -1);
        ck_assert_int_eq(diag_list_last(&diags)->line, lines[i]);
        ck_assert_str_eq(diag_list_last(&diags)->file, "bad.sql");
        ck_assert_uint_eq(script.count, 0);
    }
    diag_list_clear(&diags);
}
END_TEST

static char *run_dump(const char *database)
{
    char command[512];
    snprintf(command, sizeof command,
             "mariadb-dump --no-defaults -S %s -u root --no-data --triggers %s 2>&1", server.socket,
             database);
    FILE *pipe = popen(command, "r");
    ck_assert_ptr_nonnull(pipe);
    strbuf out = STRBUF_INIT;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        strbuf_append(&out, buffer, n);
    ck_assert_int_eq(pclose(pipe), 0);
    return strbuf_detach(&out);
}

START_TEST(real_mariadb_dump_replays_with_its_trigger)
{
    mts_exec(&server, "DROP DATABASE IF EXISTS dumped");
    mts_exec(&server, "CREATE DATABASE dumped");
    mts_exec(&server, "CREATE TABLE dumped.album (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
                      "kind ENUM('lp','ep') NOT NULL, tags SET('a','b'), y YEAR, "
                      "title VARCHAR(50) DEFAULT 'x;y', upper_title VARCHAR(50) AS (UPPER(title)), "
                      "KEY k_title (title)) ENGINE=InnoDB AUTO_INCREMENT=42");
    mts_exec(&server, "CREATE TABLE dumped.log (album_id INT UNSIGNED, note TEXT)");
    MYSQL *owner = connect_to("dumped"); /* the trigger as its owner writes it: unqualified */
    diag_list made = DIAG_LIST_INIT;
    ck_assert_int_eq(my_conn_command(owner,
                                     "CREATE TRIGGER album_ai AFTER INSERT ON album FOR EACH ROW "
                                     "BEGIN INSERT INTO log VALUES (NEW.id, 'a;b'); END",
                                     "trigger", &made),
                     0);
    mysql_close(owner);
    char *dump = run_dump("dumped");
    mts_exec(&server, "DROP DATABASE IF EXISTS replayed");
    mts_exec(&server, "CREATE DATABASE replayed");
    MYSQL *mysql = connect_to("replayed");
    sql_script script;
    split_ok(dump, mysql_get_server_version(mysql), &script);
    int triggers = 0;
    for (size_t i = 0; i < script.count; i++) {
        triggers += strstr(script.items[i].text, "TRIGGER") != NULL;
        diag_list diags = DIAG_LIST_INIT;
        int rc = my_conn_command(mysql, script.items[i].text, "replaying", &diags);
        if (rc)
            fprintf(stderr, "dump.sql:%d: %s\n", script.items[i].line, script.items[i].text);
        ck_assert_int_eq(rc, 0);
    }
    ck_assert_int_eq(triggers, 1);
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_int_eq(my_conn_command(mysql, "INSERT INTO album (kind, title) VALUES ('lp', 'k')",
                                     "insert", &diags),
                     0);
    assert_value(mysql, "SELECT CONCAT(album_id, ' ', note) FROM log", "42 a;b");
    assert_value(mysql, "SELECT upper_title FROM album", "K");
    ck_assert_int_eq(
        my_conn_command(mysql, "INSERT INTO album (kind) VALUES ('cd')", "insert", &diags),
        -1); /* the ENUM still refuses */
    diag_list_clear(&diags);
    mysql_close(mysql);
    sql_script_free(&script);
    free(dump);
}
END_TEST

int main(void)
{
    const char *reason = NULL;
    int setup = mts_setup(&reason);
    if (setup < 0) {
        printf("%s: %s\n", setup == -1 ? "SKIP" : "FAIL", reason);
        mts_cleanup();
        return setup == -1 ? 77 : 1;
    }
    mts_prepare(&server, "db", false);
    mts_start(&server);
    Suite *suite = suite_create("mysql_db");
    TCase *db = tcase_create("database");
    tcase_add_test(db, database_name);
    tcase_add_test(db, created_with_a_schema_comment_marker_then_dropped);
    tcase_add_test(db, marker_table_as_on_mysql_8);
    tcase_add_test(db, unmarked_databases_are_never_dropped);
    suite_add_tcase(suite, db);
    TCase *load = tcase_create("load");
    tcase_set_timeout(load, 60);
    tcase_add_loop_test(load, csv_null_rule_values_and_next_key, 0, 2);
    tcase_add_loop_test(load, refused_rows_name_the_fixture_line_and_roll_back, 0, 2);
    tcase_add_test(load, inserts_when_the_server_refuses_local_infile);
    tcase_add_test(load, load_speed_of_both_methods);
    suite_add_tcase(suite, load);
    TCase *dump = tcase_create("dump");
    tcase_add_test(dump, splitter_delimiters_versioned_comments_quotes);
    tcase_add_test(dump, real_mariadb_dump_replays_with_its_trigger);
    suite_add_tcase(suite, dump);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    mts_stop(&server);
    mts_cleanup();
    return failed == 0 ? 0 : 1;
}
