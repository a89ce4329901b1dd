/*
 * csv.h — a streaming RFC 4180 reader for fixture files.
 *
 * Reads in fixed-size chunks and never holds more than one row (plus one
 * chunk) in memory, so a million-row fixture costs the same memory as a
 * ten-row one. NULL follows PostgreSQL's COPY CSV rule: an unquoted empty field
 * is NULL, a quoted empty field ("") is the empty string.
 *
 * Accepted: fields separated by ',', rows ended by LF or CRLF (a lone CR too),
 * quoted fields with "" for a quote and embedded separators and newlines, a
 * final row with or without a line end, a UTF-8 byte order mark at the start
 * (skipped). Rejected with file:line:column: a quote inside an unquoted field,
 * anything but a separator or line end after a closing quote, end of file
 * inside a quoted field (reported at the line where that field opened), a NUL
 * byte.
 *
 * Field values are the file's bytes as they are (no transcoding, no trimming;
 * a CRLF inside a quoted field stays CRLF). Since NUL is rejected, a value
 * never holds one: strlen(value) == length.
 */
#ifndef FOSTER_CSV_H
#define FOSTER_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

/*
 * Bytes read per fread. Data crosses chunk boundaries at multiples of this
 * offset, which is how the tests place a CRLF or a quote on a boundary.
 */
#define FOSTER_CSV_CHUNK 65536

typedef struct csv_field {
    const char *value; /* NUL-terminated; "" for NULL fields */
    size_t length;
    bool is_null; /* unquoted empty field */
    int line;     /* 1-based line where the field starts (after a multi-line
                     quoted field this is later than the row's line) */
    int column;   /* 1-based byte column on that line where the field starts
                     (its opening quote, when quoted); a BOM is not counted */
} csv_field;

typedef struct csv_row {
    csv_field *fields; /* owned by the reader; valid until the next call */
    size_t count;
    int line; /* 1-based line where the row starts; lines end at LF, CRLF or
                 CR, also inside quoted fields */
} csv_row;

typedef struct csv_reader csv_reader;

/*
 * Opens `path` for reading. `display_name` (copied) is what messages call the
 * file; NULL means `path`. Returns NULL and adds a diag (with the system's
 * reason) when the file cannot be opened or memory runs out.
 */
csv_reader *csv_open(const char *path, const char *display_name, diag_list *diags);

/*
 * Reads from an already open stream (not closed by csv_close); for tests and
 * for reading from memory with fmemopen. `stream` must not be NULL;
 * `display_name` (copied) NULL means "<stream>". Returns NULL and adds a diag
 * when memory runs out.
 */
csv_reader *csv_open_stream(FILE *stream, const char *display_name, diag_list *diags);

/*
 * Reads the next row into `row`. Returns 1 when a row was read, 0 at end of
 * file (and on every later call), -1 after adding one diag (file, line,
 * column, what was expected; line 0 for a read error, which carries the
 * system's reason; "out of memory" when a buffer cannot grow). A blank line
 * (nothing between two line ends) is a row with one NULL field, as for COPY;
 * callers that want to skip blank lines check for that. An empty file has no
 * rows. Rows may have different field counts; checking them is the caller's
 * job. After -1 the reader is finished: further calls return -1 without a new
 * diag.
 *
 * `row->fields` and every `value` point into buffers the reader owns and
 * reuses: they stay valid until the next csv_next_row or csv_close.
 */
int csv_next_row(csv_reader *reader, csv_row *row, diag_list *diags);

/*
 * Number of bytes consumed so far, BOM included (for progress reporting); it
 * never decreases.
 */
long long csv_offset(const csv_reader *reader);

/* The display name given at open. */
const char *csv_name(const csv_reader *reader);

/* Closes the file (when csv_open opened it) and frees everything; NULL is fine. */
void csv_close(csv_reader *reader);

#endif
