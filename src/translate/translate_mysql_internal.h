/*
 * translate_mysql_internal.h — what the files of the MySQL-to-SQLite
 * translator share. The interface is translate_mysql.h; private to:
 *
 *   translate_mysql.c             the statements: tables, keys, indexes, triggers, reporting
 *   translate_mysql_column.c      a column definition: type, attributes
 *   translate_mysql_expression.c  names, strings and expressions as SQLite reads them
 */
#ifndef FOSTER_TRANSLATE_MYSQL_INTERNAL_H
#define FOSTER_TRANSLATE_MYSQL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "diag.h"
#include "myddl.h"
#include "sqlcursor.h"
#include "sqlsplit.h"
#include "strbuf.h"
#include "translate_mysql.h"
#include "translate_tokens.h"

typedef struct my_translator {
    const ddl_file *file;     /* the file being read */
    const sql_tokens *tokens; /* the statement being read */
    sqlite_script tables;     /* CREATE TABLEs, in order */
    sqlite_script indexes;    /* CREATE INDEXes, run after every table */
    char **names;             /* table and index names taken, for collisions */
    size_t name_count;
    translate_notes *notes;
    diag_list diags;
    bool failed;
    bool out_of_memory;
} my_translator;

/* Reports token `i` of the statement as untranslatable, with the <stem>.sqlite.sql hint. */
void my_report(my_translator *tr, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a note (`always`) or a -v detail about token `i`. */
void my_note(my_translator *tr, size_t i, bool always, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The token `i` of the statement as text ("%.*s" arguments). */
#define MY_TOKEN_TEXT(tr, i) (int)(tr)->tokens->items[i].length, (tr)->tokens->items[i].start

/* Appends `name` as a SQLite "quoted" name. */
void my_append_quoted(strbuf *out, const char *name);

/* Appends the name token `i` (`x`, x) as a SQLite "quoted" name; false out of memory. */
bool my_append_name(my_translator *tr, size_t i, strbuf *out);

/* Appends the string token `i` as a SQLite 'string' (MySQL's escapes undone). */
void my_append_string(my_translator *tr, size_t i, strbuf *out);

/* Translates the expression in tokens [begin, end); false after a report. */
bool my_translate_expression(my_translator *tr, size_t begin, size_t end, strbuf *out);

/*
 * Translates the (condition) of a CHECK, tokens [open, stop). MariaDB's JSON
 * column, CHECK (json_valid(`c`)), becomes TRANSLATE_JSON_CONDITION: NULL
 * passes, as on MariaDB. False after a report.
 */
bool my_translate_check(my_translator *tr, size_t open, size_t stop, strbuf *out);

/*
 * Translates the column definition `e` of table `table` into `out`
 * ("name" TYPE constraints...). `rowid_key`: the column is the table's
 * whole primary key and AUTO_INCREMENT, so it becomes INTEGER PRIMARY KEY.
 * False after a report.
 */
bool my_translate_column(my_translator *tr, const my_element *e, const char *table, bool rowid_key,
                         strbuf *out);

/* Translates the ON DELETE/UPDATE actions and MATCH after a REFERENCES t (cols) at `i`,
 * up to `end`; returns the index after them. */
size_t my_translate_references(my_translator *tr, size_t i, size_t end, strbuf *out, bool *ok);

#endif
