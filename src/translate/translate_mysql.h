/*
 * translate_mysql.h — turns the owner's MySQL/MariaDB DDL (as
 * `mariadb-dump --no-data` and MySQL 8's `mysqldump --no-data` write it,
 * read by myddl.h) into SQLite DDL.
 *
 * What it translates, per CREATE TABLE:
 *   - names: `backquoted` (and bare) names become "quoted" ones; a
 *     database qualifier is dropped;
 *   - an AUTO_INCREMENT column that is the whole primary key becomes
 *     INTEGER PRIMARY KEY, SQLite's rowid key, so that ids are assigned
 *     (another AUTO_INCREMENT column becomes INTEGER, which SQLite does not
 *     fill: a -v detail says so);
 *   - types: the integer types (any display width, ZEROFILL), BOOL and BIT
 *     become INTEGER; YEAR becomes INTEGER; ENUM('a','b') becomes TEXT with
 *     CHECK ("c" IN ('a','b')); SET(...) becomes TEXT; UNSIGNED adds
 *     CHECK ("c" >= 0); CHARACTER SET and COLLATE are dropped; the other
 *     types keep a name with the same affinity (VARCHAR(n), TEXT kinds, BLOB
 *     kinds, DECIMAL(p,s), FLOAT/DOUBLE as REAL, DATE, DATETIME, TIMESTAMP,
 *     TIME, JSON as TEXT);
 *   - DEFAULT literals (strings with backslash escapes, _charset'strings',
 *     numbers, NULL), CURRENT_TIMESTAMP()/NOW() and CURDATE(), and MySQL 8's
 *     DEFAULT (expression); generated columns (GENERATED ALWAYS AS (...) /
 *     AS (...), VIRTUAL, STORED or PERSISTENT) as SQLite's; CHECKs;
 *     foreign keys, inline and as CONSTRAINT ... FOREIGN KEY, with their
 *     ON DELETE/UPDATE actions;
 *   - PRIMARY KEY (...) as a table constraint; KEY/INDEX and UNIQUE KEY as
 *     CREATE [UNIQUE] INDEX after all the tables (prefix lengths dropped; a
 *     name another index or table already has gets the table's name before
 *     it), and CREATE [UNIQUE] INDEX statements likewise;
 *   - expressions: `names`, MySQL's strings, &&, ||, !, DIV, MOD, and the
 *     functions both engines have (UCASE/LCASE as UPPER/LOWER, CONCAT(...)
 *     as ||, CHAR_LENGTH as LENGTH, and UPPER, LOWER, LENGTH, SUBSTR,
 *     IFNULL, COALESCE, NULLIF, ABS, ROUND, TRIM, REPLACE, JSON_VALID...).
 * What it leaves out: the table options after the column list (ENGINE,
 * AUTO_INCREMENT=, CHARSET, COLLATE, COMMENT, PARTITION BY...), COMMENT and
 * INVISIBLE on columns, and, each told as a -v detail, ON UPDATE
 * CURRENT_TIMESTAMP and FULLTEXT/SPATIAL keys. Triggers are not created on
 * SQLite: a note names each one.
 * Everything else it cannot translate (a type or function SQLite lacks,
 * ALTER TABLE, views, procedures...) is an error naming the file, the line
 * and column, and the construct, with the hint to write <stem>.sqlite.sql
 * beside the file.
 *
 * Pure: analysed files in, SQLite statements out; no database.
 */
#ifndef FOSTER_TRANSLATE_MYSQL_H
#define FOSTER_TRANSLATE_MYSQL_H

#include <stddef.h>

#include "ddl.h"
#include "diag.h"
#include "translate_sqlite.h"

/*
 * Translates `file_count` MySQL files (analysed by myddl.h) into `out`: the
 * CREATE TABLEs in the order given, then the indexes. Returns 0, or -1
 * after adding one diag per untranslatable construct (`out` is then
 * empty). `out` must be zeroed; free it with sqlite_script_free. What was
 * left out is added to `notes`.
 */
int translate_mysql_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                           translate_notes *notes, diag_list *diags);

#endif
