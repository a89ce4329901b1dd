/*
 * myload.h — loading a CSV fixture into a MySQL/MariaDB table, streamed:
 * foster's own CSV reader (csv.h) reads the file, so COPY's NULL rule holds
 * (an unquoted empty field is NULL, "" the empty string) and every problem in
 * the file is named file:line:column as on the other engines.
 *
 * Two ways to send the rows, both kept so they can be measured against each
 * other (tests/unit/test_mysql_db.c prints rows per second):
 *   MY_LOAD_DATA_LOCAL  LOAD DATA LOCAL INFILE fed by mysql_set_local_infile_
 *                       handler from the reader (tab-separated, backslash
 *                       escapes, \N for NULL): no file is written, nothing
 *                       on disk is read by the server.
 *   MY_LOAD_INSERTS     multi-row INSERT statements of about 1 MB each; a
 *                       refused one is replayed row by row (after a rollback
 *                       to its savepoint) to name the line at fault.
 * LOAD DATA LOCAL turns errors into warnings (the server cannot stop the
 * client's stream), so after it the first warning, if any, fails the load
 * and names the fixture line of the row it reports.
 *
 * The load runs in one transaction (rolled back on any failure) with foreign
 * key checks off (foster verifies keys itself after every table is loaded)
 * and strict mode on (a value the column refuses is an error, not a
 * truncation). InnoDB moves AUTO_INCREMENT past the largest loaded key by
 * itself; my_load_csv asserts nothing about it, the tests do.
 */
#ifndef FOSTER_MYLOAD_H
#define FOSTER_MYLOAD_H

#include <mysql.h>

#include "diag.h"

typedef enum my_load_method {
    MY_LOAD_DATA_LOCAL,
    MY_LOAD_INSERTS,
    /* What foster uses: LOAD DATA LOCAL, the faster (1.0-1.6x on 100,000 rows here,
       test_mysql_db.c), and whose refusals say which row; multi-row INSERTs when the
       server refuses LOCAL (local_infile=OFF, MySQL 8's default). */
    MY_LOAD_AUTO,
} my_load_method;

/*
 * Loads CSV file `path` (first row: the column names; `display_name` is what
 * messages call it, NULL: `path`) into `table` of the connection's current
 * database. 0 and *rows (may be NULL) set, or -1 with one diag: the file's
 * problem at file:line:column, or the server's refusal naming file:line of the
 * row when the server says which row ("… at row N"), else the file alone.
 */
int my_load_csv(MYSQL *mysql, const char *table, const char *path, const char *display_name,
                my_load_method method, long long *rows, diag_list *diags);

#endif
