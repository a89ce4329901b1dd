/*
 * pgcopy.h — fixture rows as COPY ... FROM STDIN (FORMAT csv) reads them,
 * and the way back from the server's "COPY t, line N" to the fixture's own
 * line. Pure: no connection.
 */
#ifndef FOSTER_PGCOPY_H
#define FOSTER_PGCOPY_H

#include <stddef.h>

#include "backend_row.h"
#include "strbuf.h"

/*
 * Which fixture line each COPY record came from. Records of consecutive
 * lines are the common case, so only the jumps are stored (a quoted field
 * with a newline, skipped blank lines): a million-row fixture costs a few
 * bytes, not a few megabytes.
 */
typedef struct pg_copy_lines {
    struct pg_copy_jump *jumps;
    size_t count, capacity;
    long long records; /* records noted so far */
    int last_line;
} pg_copy_lines;

/* Notes that the next record starts at `line`. 0, or -1 when memory ran out. */
int pg_copy_note_line(pg_copy_lines *lines, int line);

/* The fixture line of record `record` (1-based, as the server counts), or 0. */
int pg_copy_line_of_record(const pg_copy_lines *lines, long long record);

void pg_copy_lines_free(pg_copy_lines *lines);

/*
 * Appends one field in COPY's CSV form: a NULL as nothing, a value quoted
 * when it must be (empty, separators, quotes, line ends, the \. end marker).
 */
void pg_copy_append_field(strbuf *sb, const backend_field *field);

/*
 * Reads the record number (and the column, into `column`, "" when none)
 * from an error's CONTEXT "COPY t, line 7, column c: ...". 0 when absent.
 */
long long pg_copy_context_record(const char *context, char *column, size_t column_size);

#endif
