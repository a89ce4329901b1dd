/*
 * backend_row.h — a row of fixture values as the backends take it
 * (backend.h's table_begin/table_row): each field with its text, whether it
 * is NULL, and where it stands in its file, so that an engine's refusal can
 * name the line and column. The fixture readers (src/fixtures/: CSV, Django
 * JSON) produce rows of this shape; csv.h calls them csv_row and csv_field.
 */
#ifndef FOSTER_BACKEND_ROW_H
#define FOSTER_BACKEND_ROW_H

#include <stdbool.h>
#include <stddef.h>

typedef struct backend_field {
    const char *value; /* NUL-terminated; "" for NULL fields */
    size_t length;
    bool is_null; /* unquoted empty field */
    int line;     /* 1-based line where the field starts (after a multi-line
                     quoted field this is later than the row's line) */
    int column;   /* 1-based byte column on that line where the field starts
                     (its opening quote, when quoted); a BOM is not counted */
} backend_field;

typedef struct backend_row {
    backend_field *fields; /* owned by the reader; valid until the next call */
    size_t count;
    int line; /* 1-based line where the row starts; lines end at LF, CRLF or
                 CR, also inside quoted fields */
} backend_row;

#endif
