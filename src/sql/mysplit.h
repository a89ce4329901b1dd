/*
 * mysplit.h — splits a MySQL/MariaDB script (what `mariadb-dump --no-data`
 * and MySQL 8's `mysqldump` write) into statements, the way the `mariadb`
 * client reads a file. The PostgreSQL splitter (sqlsplit.h) is left alone:
 * the two dialects disagree on what a quote, a comment and a statement's end
 * are.
 *
 * Pure: text in, statements out (the same sql_script as sqlsplit.h). It
 * understands:
 *   - `DELIMITER x` lines, which change what ends a statement (dumps wrap
 *     triggers in DELIMITER ;; … DELIMITER ;); the lines themselves are not
 *     statements;
 *   - versioned comments (slash-star-bang, a version, code, star-slash, as in
 *     "/" "*!40101 SET …" and MariaDB's "/" "*M!100100 …"):
 *     their content is code (the client sends it to every server new enough,
 *     which foster's are), so it is kept without the comment marks and the
 *     version, and a dump's trigger, written as three versioned comments
 *     (CREATE, DEFINER=…, TRIGGER … END) before ";;", comes out as one statement;
 *   - plain comments: `-- ` and `#` to the end of the line, and block comments;
 *   - 'strings' and "strings" with backslash escapes and doubled quotes, and
 *     `backquoted` names with doubled backquotes: no delimiter inside them.
 * Statements made only of comments and white space are dropped.
 */
#ifndef FOSTER_MYSPLIT_H
#define FOSTER_MYSPLIT_H

#include <stddef.h>

#include "diag.h"
#include "sqlsplit.h"

/*
 * Splits `text` (`length` bytes) into `out` (zeroed or freed before). A
 * versioned comment is code when its version (if any) is at most
 * `server_version` (as the server numbers itself: 101119 for MariaDB 10.11.19,
 * mysql_get_server_version), as that server would decide; 0 means any version
 * below 999999 (the number dumps use for lines meant only for their client,
 * such as mariadb-dump's "\- enable the sandbox mode"). Each
 * statement's text has its delimiter removed and its line and column point at
 * its first character. 0, or -1 after adding a diag naming the line where an
 * unterminated string, name or comment began, or an empty DELIMITER (nothing is
 * kept in `out`). `file` is used only in messages.
 */
int my_sql_split(const char *text, size_t length, const char *file, unsigned long server_version,
                 sql_script *out, diag_list *diags);

/*
 * As my_sql_split, but each statement's text keeps the layout of the file:
 * comments and the marks of versioned comments become spaces (their line
 * breaks stay), so that a token's line and column in the text, counted from
 * the statement's line and column, are its place in the file. The statements
 * are the same and run the same. Used by the schema reader (myddl.h), whose
 * messages name lines and columns.
 */
int my_sql_split_keep_layout(const char *text, size_t length, const char *file,
                             unsigned long server_version, sql_script *out, diag_list *diags);

/*
 * Tokenizes one statement my_sql_split cut out, as sql_tokenize does
 * (sqlsplit.h) but reading MySQL: `backquoted names` are QUOTED_ID tokens
 * (sql_token_identifier unquotes them), 'strings' and "strings" take
 * backslash escapes, # starts a comment, and there are no dollar quotes.
 * Same returns as sql_tokenize.
 */
int my_sql_tokenize(const sql_statement *statement, const char *file, sql_tokens *out,
                    diag_list *diags);

/*
 * Judges one statement of a .sql fixture that runs on MySQL/MariaDB (split
 * by my_sql_split, where versioned comments are code). 1: run it. 0: skip it
 * (LOCK TABLES, UNLOCK TABLES, ALTER TABLE ... DISABLE/ENABLE KEYS, which
 * every data dump writes and which would commit the load transaction), with
 * a note in `details` (may be NULL) naming its place. -1: refused, with a
 * diag at its first word: transaction control, statements MySQL commits the
 * transaction for (DDL other than temporary tables, GRANT, ANALYZE, FLUSH...),
 * SET autocommit, SET GLOBAL, USE and other statements beyond the test
 * database; -1 also when the statement cannot be tokenized.
 */
int my_sql_fixture_statement(const sql_statement *statement, const char *file, diag_list *details,
                             diag_list *diags);

#endif
