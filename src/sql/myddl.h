/*
 * myddl.h — what a MySQL/MariaDB schema file says (what `mariadb-dump
 * --no-data` and MySQL 8's `mysqldump --no-data` write, per table or for a
 * whole database), in the same terms as ddl.h says it for PostgreSQL: the
 * kind of each statement, the table it is about, the tables it references,
 * and each CREATE TABLE's columns. A ddl_file read here is freed with
 * ddl_file_free and looked up with ddl_file_table like any other.
 *
 * The statements are split by my_sql_split_keep_layout (mysplit.h): the
 * content of versioned comments is code, DELIMITER lines are honoured, and
 * a statement's text is what a MySQL server runs (DDL_SKIP and DDL_OTHER
 * aside, see below).
 *
 * Kinds:
 *   DDL_CREATE_TABLE    CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...) options
 *   DDL_ALTER_TABLE     ALTER [ONLINE|IGNORE] TABLE name ... (not DISABLE/ENABLE KEYS)
 *   DDL_CREATE_INDEX    CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON table (...)
 *   DDL_CREATE_TRIGGER  CREATE [DEFINER=...] TRIGGER name {BEFORE|AFTER} event ON table ...
 *                       (table: the trigger's table; the statement is what a dump wraps
 *                       in DELIMITER ;; ... ;;, body included)
 *                       sql_mode: the session's sql_mode the file's SET statements
 *                       give at that point (mariadb-dump writes one before each
 *                       trigger), see ddl.h
 *   DDL_SKIP            SET (the dump's session settings), DROP ... IF EXISTS,
 *                       LOCK TABLES, UNLOCK TABLES, ALTER TABLE ... DISABLE/ENABLE KEYS,
 *                       GRANT, REVOKE
 *   DDL_OTHER           anything else (views, procedures, functions, events...)
 * Refused, one diag each (what a schema file must not run inside foster's
 * database): transaction control (START TRANSACTION, BEGIN, COMMIT,
 * ROLLBACK, SAVEPOINT, RELEASE, XA), USE, CREATE/ALTER/DROP DATABASE or
 * SCHEMA, FLUSH, SHUTDOWN, KILL, INSTALL/UNINSTALL.
 *
 * Names: `backquoted` names are taken as written, bare ones lower-cased;
 * `db`.`t` is "db.t". Columns: AUTO_INCREMENT is auto_increment (and a
 * default), PRIMARY KEY (inline or as an element) primary_key and not_null,
 * a generated column (GENERATED ALWAYS AS (...), or MariaDB's AS (...))
 * has_default, since it is never inserted.
 *
 * Pure: text in, structures or diags out; no database.
 */
#ifndef FOSTER_MYDDL_H
#define FOSTER_MYDDL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"
#include "sqlsplit.h"

/*
 * Splits and analyses `length` bytes of MySQL DDL. Returns 0, or -1 after
 * adding a diag (file, line, column, what was expected) for every statement
 * it could not read or refuses. `out` must be zeroed; free it with
 * ddl_file_free in every case. `display_name` names the file in messages.
 */
int my_ddl_analyze_text(const char *text, size_t length, const char *display_name, ddl_file *out,
                        diag_list *diags);

/*
 * Analyses statements already split by my_sql_split_keep_layout (or copied
 * out of such a file, lines kept), as ddl_analyze does for PostgreSQL:
 * ownership of `script` moves into `out`, even on failure. Same returns.
 */
int my_ddl_analyze(sql_script *script, const char *display_name, ddl_file *out, diag_list *diags);

/*
 * The sequences `statement` names (nextval(s), lastval(s), setval(s, ...),
 * NEXT VALUE FOR s, PREVIOUS VALUE FOR s), unqualified, each once, as a new
 * array the caller frees with strings_free. Returns their count, or -1
 * when memory ran out.
 */
long my_statement_sequences(const ddl_statement *statement, const char *display_name, char ***out);

/* Reads `path` and analyses it. Same returns; -1 with a diag when it cannot be read. */
int my_ddl_load_file(const char *path, const char *display_name, ddl_file *out, diag_list *diags);

/* ---- the elements of a CREATE TABLE, for the translators ---- */

typedef enum my_element_kind {
    MY_ELEMENT_COLUMN,
    MY_ELEMENT_PRIMARY_KEY, /* [CONSTRAINT [n]] PRIMARY KEY [USING x] (cols) */
    MY_ELEMENT_UNIQUE_KEY,  /* [CONSTRAINT [n]] UNIQUE [KEY|INDEX] [n] (cols) */
    MY_ELEMENT_KEY,         /* KEY|INDEX [n] (cols) */
    MY_ELEMENT_FULLTEXT,    /* FULLTEXT|SPATIAL [KEY|INDEX] [n] (cols) */
    MY_ELEMENT_FOREIGN_KEY, /* [CONSTRAINT [n]] FOREIGN KEY [n] (cols) REFERENCES t (cols) ... */
    MY_ELEMENT_CHECK,       /* [CONSTRAINT [n]] CHECK (expr) */
    MY_ELEMENT_OTHER,       /* anything else (PERIOD FOR ..., LIKE t) */
} my_element_kind;

typedef struct my_element {
    my_element_kind kind;
    size_t begin, end; /* its tokens [begin, end), no separating comma */
    size_t name;       /* token of its name (column, or index/constraint name), or SIZE_MAX */
    size_t type_end;   /* MY_ELEMENT_COLUMN: its type is [name + 1, type_end) */
    size_t list;       /* keys: the token '(' opening the key's columns, or SIZE_MAX */
} my_element;

/*
 * Splits the column list of a CREATE TABLE (the brackets at `open` and
 * `close` of tokens read by my_sql_tokenize) into its elements. `*out` is a
 * new array the caller frees; -1 when memory ran out.
 */
int my_table_elements(const sql_tokens *t, size_t open, size_t close, my_element **out,
                      size_t *count);

/*
 * Index of the token '(' opening the column list of the CREATE TABLE in `t`
 * (SIZE_MAX when there is none), and the index of its name in *name_at.
 */
size_t my_create_table_open(const sql_tokens *t, size_t *name_at);

/* True when the WORD at `i` is a column attribute (NOT, NULL, DEFAULT, AUTO_INCREMENT...):
 * the end of a column's type. */
bool my_is_column_attribute(const sql_tokens *t, size_t i);

#endif
