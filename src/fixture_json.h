/*
 * fixture_json.h — Django `dumpdata` fixtures as rows:
 *
 *     [{"model": "trading.account", "pk": 1, "fields": {"user": 2, "name": "ISA"}}, ...]
 *
 * The file is parsed with jansson; a light scan of the same text gives the
 * line and column where each object, key and value starts, which jansson does
 * not keep, so a row the database rejects can be named by its place in the
 * file. Lines end at LF (a CR before it is part of no column); columns are
 * 1-based bytes; a UTF-8 byte order mark is skipped and not counted. Keys
 * written twice in one object are an error (which one counts would be a
 * guess).
 *
 * Each object becomes a row of the table whose manifest section says
 * `model = app.model` (the caller gives the mapping through the column
 * lookup below). "pk" goes to the table's primary key column; a field goes to
 * the column of the same name, or to <name>_id (Django's column for a foreign
 * key given as a plain value). A "pk" that is null or absent (natural
 * primary keys) leaves the primary key column out. Values: null -> NULL;
 * true/false -> "1"/"0" (accepted by SQLite and by PostgreSQL's boolean
 * input); numbers exactly as written ("1.10", 30-digit integers); strings
 * decoded; arrays and objects as their JSON text as written, less the
 * whitespace between tokens (JSON columns); a list under a field that is no
 * column (a many-to-many relation) is skipped; a list under a field whose
 * <name>_id column exists is a natural foreign key, which is an error.
 *
 * Pure: text in, rows out; no database.
 */
#ifndef FOSTER_FIXTURE_JSON_H
#define FOSTER_FIXTURE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "diag.h"

/* What the reader needs to know about the table a model maps to. */
typedef struct fixture_json_table {
    const char *model;       /* "app.model", as in the manifest (compared case-insensitively) */
    const char *primary_key; /* column that "pk" fills, e.g. "id"; NULL when the table has
                                none (then an object with a "pk" is an error) */
    /* Whether `column` is a column of the table; never NULL. */
    bool (*has_column)(const void *context, const char *column);
    const void *context;
} fixture_json_table;

typedef struct fixture_json fixture_json;

/*
 * Reads and parses `path` (`display_name` for messages; NULL means `path`).
 * NULL after adding diags: one for a file that cannot be read (line 0, the
 * system's reason), an empty file, a syntax error ("invalid JSON: " and
 * jansson's message, at the first byte of the offending token, or at the
 * end of the file), or a top level that is no list; else one for each
 * element that is not an object with a "model" string "app_label.model_name",
 * a "fields" object and, when present, a "pk" that is a number, a string or
 * null — at the line and column where that element starts.
 */
fixture_json *fixture_json_open(const char *path, const char *display_name, diag_list *diags);

/*
 * The same from text in memory (for tests); `text` is copied; NULL
 * `display_name` means "<memory>".
 */
fixture_json *fixture_json_parse(const char *text, size_t length, const char *display_name,
                                 diag_list *diags);

/*
 * The models the file holds, in order of first appearance (each once), for
 * checking that every one is mapped. Valid while `json` lives.
 */
size_t fixture_json_model_count(const fixture_json *json);
const char *fixture_json_model(const fixture_json *json, size_t index);
/* The line of the first object of model `index`. */
int fixture_json_model_line(const fixture_json *json, size_t index);

/*
 * Iterates over the objects of `table->model`, as rows: call with
 * `*cursor` = 0 first. Each call fills `header` (the columns of this row, in
 * field order: the primary key first; each field's line and column are where
 * its key — "pk" for the primary key — is written) and `row` (the values, each
 * with the line and column where it is written); both rows' `line` is where
 * the object starts. Returns 1; 0 when there are no more objects of that
 * model (and on every later call); -1 with a diag at the offending key when a
 * field maps to no column (message: `field "colour" of trading.account (pk 3)
 * matches no column of the table; tried "colour" and "colour_id"`), when a
 * list is given for a <name>_id column (a natural key), when two fields (or
 * "pk" and a field) fill one column, or when there is a "pk" and
 * `table->primary_key` is NULL. After -1 `*cursor` is past that object, so a
 * checker can go on to the next. Consecutive objects with the same fields
 * give headers with the same column names, so callers can tell when a new
 * header starts (compare with fixture_json_same_header). Memory in `header`
 * and `row` is owned by `json`, reused, and valid until the next call.
 */
int fixture_json_next(fixture_json *json, const fixture_json_table *table, size_t *cursor,
                      csv_row *header, csv_row *row, diag_list *diags);

/* Whether two headers name the same columns in the same order. */
bool fixture_json_same_header(const csv_row *a, const csv_row *b);

/* Frees everything; NULL is fine. */
void fixture_json_free(fixture_json *json);

#endif
