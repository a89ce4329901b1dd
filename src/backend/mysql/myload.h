/*
 * myload.h — loading fixture rows into a MySQL/MariaDB table, streamed, in
 * the shape of the backend interface (backend.h: load_begin, table_begin,
 * table_row..., table_end, load_end). The rows come from foster's own CSV
 * reader (csv.h), so COPY's NULL rule holds (an unquoted empty field is
 * NULL, "" the empty string) and every problem in the file is named
 * file:line:column as on the other engines.
 *
 * Two ways to send the rows, both kept and measured against each other
 * (tests/unit/test_mysql_db.c prints rows per second):
 *   MY_LOAD_DATA_LOCAL  rows gathered into 4 MB pieces, each sent by one
 *                       LOAD DATA LOCAL INFILE fed from memory through
 *                       mysql_set_local_infile_handler (tab-separated,
 *                       backslash escapes, \N for NULL): no file is written,
 *                       nothing on disk is read by the server. LOCAL turns
 *                       errors into warnings (the server cannot stop the
 *                       client's stream), so the first warning fails the
 *                       load and names the fixture line of the row it names.
 *   MY_LOAD_INSERTS     multi-row INSERT statements of about 1 MB; a refused
 *                       one is replayed row by row from its savepoint to name
 *                       the line at fault.
 *   MY_LOAD_AUTO        what foster uses: LOAD DATA LOCAL, and INSERTs when
 *                       the server refuses LOCAL (local_infile=OFF, MySQL 8's
 *                       default).
 *
 * my_load_begin sets the session up (foreign key checks off: foster checks
 * keys itself after the load; strict mode: a value a column refuses is an
 * error, not a truncation; NO_AUTO_VALUE_ON_ZERO) and starts the one
 * transaction; my_load_end commits or rolls back. InnoDB moves AUTO_INCREMENT
 * past the largest loaded key by itself (the tests assert the next key).
 * A DATETIME or TIMESTAMP column's value with a UTC offset (PostgreSQL's
 * timestamptz form) is sent as the same instant in UTC (my_time_to_utc); a
 * BIT(n) column's text (true, 5, b'0101', 0x1f) as the number it means
 * (my_bit_value): a quoted value or LOAD DATA field would give the column the
 * text's bytes. LOAD DATA reads such a field into a variable and SETs the
 * column to CAST(… AS UNSIGNED); an INSERT writes the number unquoted.
 */
#ifndef FOSTER_MYLOAD_H
#define FOSTER_MYLOAD_H

#include <stdbool.h>

#include "backend_row.h"
#include "diag.h"
#include "myapi.h"

typedef enum my_load_method {
    MY_LOAD_DATA_LOCAL,
    MY_LOAD_INSERTS,
    MY_LOAD_AUTO,
} my_load_method;

/* Session settings and START TRANSACTION. 0, or -1 with a diag. */
int my_load_begin(MYSQL *mysql, diag_list *diags);

/*
 * A .sql fixture's SET lines (a data dump's TIME_ZONE, SQL_MODE, NAMES,
 * UNIQUE_CHECKS, SQL_NOTES) hold for the .sql statements after them; when
 * `*changed` (a .sql statement ran since), this puts the session back as
 * my_load_begin left it, and clears `*changed`. Called before rows of a CSV or
 * JSON fixture and at the load's end. 0, or -1 with a diag.
 */
int my_load_restore_session(MYSQL *mysql, bool *changed, diag_list *diags);

/* COMMIT (or ROLLBACK) and foreign key checks back on. 0, or -1 with a diag. */
int my_load_end(MYSQL *mysql, bool commit, diag_list *diags);

typedef struct my_table_load my_table_load;

/*
 * Starts loading rows of fixture `file` (as messages call it) into `table` of
 * the connection's database, for the columns `header` names (copied). NULL
 * with a diag when memory ran out.
 */
my_table_load *my_table_load_begin(MYSQL *mysql, const char *table, const backend_row *header,
                                   const char *file, my_load_method method, diag_list *diags);

/*
 * Adds one row (as many fields as the header; a row with another count is an
 * error at its line). Rows are sent in pieces, so a refusal may come from an
 * earlier row: the diag names that row's line. 0, or -1 with a diag (the
 * caller then rolls back with my_load_end).
 */
int my_table_load_row(my_table_load *load, const backend_row *row, diag_list *diags);

/* Sends what is left; *rows (may be NULL) gets the count. 0, or -1 with a diag. */
int my_table_load_end(my_table_load *load, long long *rows, diag_list *diags);

/* Frees the load (after end, or instead of it after a failure). NULL is fine. */
void my_table_load_free(my_table_load *load);

/*
 * mytime.c: a timestamp with a UTC offset ("2024-03-01 08:12:44+00",
 * "…T08:12:44.5+05:30", "…Z"), as PostgreSQL writes timestamptz, as the same
 * instant in UTC without the offset ("2024-03-01 08:12:44") into `out`, for a
 * DATETIME or TIMESTAMP column (neither takes an offset on MariaDB). false,
 * and nothing written, for any other text.
 */
bool my_time_to_utc(const char *value, size_t length, char *out, size_t size);

/*
 * mybit.c: fixture text for a BIT(`width`) column (1..64) as the number it
 * means, into *out: true or false (any case), a decimal number, b'0101' or
 * 0b0101, x'1f' or 0x1f. false, *out untouched, for any other text and for a
 * number that does not fit `width` bits.
 */
bool my_bit_value(const char *text, size_t length, unsigned width, unsigned long long *out);

#endif
