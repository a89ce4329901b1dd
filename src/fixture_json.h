/*
 * fixture_json.h — Django `dumpdata` fixtures as rows:
 *
 *     [{"model": "trading.account", "pk": 1, "fields": {"user": 2, "name": "ISA"}}, ...]
 *
 * The file is parsed with jansson; a light scan of the same text gives the
 * line and column where each object starts, which jansson does not keep, so
 * a row the database rejects can be named by its place in the file.
 *
 * Each object becomes a row of the table whose manifest section says
 * `model = app.model` (the caller gives the mapping through the column
 * lookup below). "pk" goes to the table's primary key column; a field goes to
 * the column of the same name, or to <name>_id (Django's column for a foreign
 * key given as a plain value). Values: null -> NULL; true/false -> "1"/"0"
 * (accepted by SQLite and by PostgreSQL's boolean input); numbers as written;
 * strings as they are; arrays and objects as their JSON text (JSON columns);
 * a list under a field that is no column (a many-to-many relation) is skipped.
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
    const char *primary_key; /* column that "pk" fills, e.g. "id" */
    /* Whether `column` is a column of the table. */
    bool (*has_column)(const void *context, const char *column);
    const void *context;
} fixture_json_table;

typedef struct fixture_json fixture_json;

/*
 * Reads and parses `path` (`display_name` for messages). NULL after adding a
 * diag (file, line, column of a syntax error; or "expected a list of objects
 * with \"model\" and \"fields\"" at the offending object).
 */
fixture_json *fixture_json_open(const char *path, const char *display_name, diag_list *diags);

/* The same from text in memory (for tests); `text` is copied. */
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
 * field order: the primary key first) and `row` (the values; line and column
 * are where the object starts; csv_field.line/column too) and returns 1; 0
 * when there are no more objects of that model; -1 with a diag naming the
 * object's line when a field maps to no column (with the hint listing what was
 * tried). Consecutive objects with the same fields give headers with the same
 * column names, so callers can tell when a new header starts (compare with
 * fixture_json_same_header). Memory in `header` and `row` is owned by `json`
 * and valid until the next call.
 */
int fixture_json_next(fixture_json *json, const fixture_json_table *table, size_t *cursor,
                      csv_row *header, csv_row *row, diag_list *diags);

/* Whether two headers name the same columns in the same order. */
bool fixture_json_same_header(const csv_row *a, const csv_row *b);

void fixture_json_free(fixture_json *json);

#endif
