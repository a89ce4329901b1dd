/*
 * csv.c — the streaming RFC 4180 reader behind CSV fixtures; see csv.h.
 *
 * The reader keeps one chunk of the file and the current row. A row is parsed
 * by a small state machine (field start, unquoted, quoted, just after a quote
 * inside a quoted field) whose state lives in `row_parse`, so a field, a ""
 * escape or a CRLF may be cut anywhere by a chunk boundary. Runs of ordinary
 * bytes are found with a table lookup loop and copied with one memcpy, which
 * keeps the cost per byte to a compare or two.
 */
#include "csv.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct csv_reader {
    FILE *stream;
    bool owns_stream; /* opened by csv_open, so closed by csv_close */
    char *name;

    unsigned char *chunk;   /* FOSTER_CSV_CHUNK bytes */
    size_t chunk_length;    /* bytes of chunk holding data */
    size_t chunk_position;  /* next byte to parse */
    long long chunk_offset; /* file offset of chunk[0] */
    bool started;           /* the BOM check has been done */
    bool at_eof;            /* the stream has nothing more */
    bool failed;            /* an error was reported; the reader is finished */
    bool skip_lf;           /* the last row ended with CR; a LF next belongs to it */

    int line;                 /* physical line of the next byte */
    long long line_offset;    /* file offset where that line starts */
    long long last_cr_offset; /* file offset of the last CR seen, -1 before any */

    strbuf text; /* the row's values back to back, each followed by a NUL */
    csv_field *fields;
    size_t field_count;
    size_t field_capacity;
};

enum parse_state { AT_FIELD_START, IN_UNQUOTED, IN_QUOTED, AFTER_QUOTE };

/* What a parsing step tells the row loop. */
enum step { STEP_CONTINUE, STEP_ROW_DONE, STEP_FAILED };

/* The state of the row being parsed; it survives chunk refills. */
typedef struct row_parse {
    enum parse_state state;
    bool row_started; /* a byte of this row has been consumed */
    int row_line;
    size_t value_start; /* offset in text of the current field's value */
    int quote_line;     /* where the current quoted field opened */
    int quote_column;
} row_parse;

/* Bytes that end a run inside an unquoted field. */
static const bool special_unquoted[256] = {
    [','] = true, ['"'] = true, ['\n'] = true, ['\r'] = true, ['\0'] = true,
};

/* Bytes that end a run inside a quoted field. */
static const bool special_quoted[256] = {
    ['"'] = true,
    ['\n'] = true,
    ['\r'] = true,
    ['\0'] = true,
};

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

static csv_reader *reader_new(FILE *stream, bool owns_stream, const char *name, diag_list *diags)
{
    csv_reader *reader = calloc(1, sizeof *reader);
    if (reader) {
        reader->name = strdup(name);
        reader->chunk = malloc(FOSTER_CSV_CHUNK);
    }
    if (!reader || !reader->name || !reader->chunk) {
        diag_add(diags, name, 0, 0, "out of memory opening CSV file");
        if (reader) {
            free(reader->name);
            free(reader->chunk);
            free(reader);
        }
        return NULL;
    }
    reader->stream = stream;
    reader->owns_stream = owns_stream;
    reader->line = 1;
    reader->last_cr_offset = -1;
    return reader;
}

csv_reader *csv_open(const char *path, const char *display_name, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    FILE *stream = fopen(path, "rb");
    if (!stream) {
        diag_add(diags, name, 0, 0, "cannot open CSV file: %s", strerror(errno));
        return NULL;
    }
    csv_reader *reader = reader_new(stream, true, name, diags);
    if (!reader)
        fclose(stream);
    return reader;
}

csv_reader *csv_open_stream(FILE *stream, const char *display_name, diag_list *diags)
{
    return reader_new(stream, false, display_name ? display_name : "<stream>", diags);
}

long long csv_offset(const csv_reader *reader)
{
    return reader->chunk_offset + (long long)reader->chunk_position;
}

const char *csv_name(const csv_reader *reader)
{
    return reader->name;
}

void csv_close(csv_reader *reader)
{
    if (!reader)
        return;
    if (reader->owns_stream)
        fclose(reader->stream);
    free(reader->name);
    free(reader->chunk);
    strbuf_free(&reader->text);
    free(reader->fields);
    free(reader);
}

/* ---- errors ---- */

/* Reports one problem, finishes the reader, and returns the diag for a hint. */
static diag *fail(csv_reader *reader, diag_list *diags, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static diag *fail(csv_reader *reader, diag_list *diags, int line, int column, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(diags, reader->name, line, column, fmt, args);
    va_end(args);
    reader->failed = true;
    return d;
}

static int column_at(const csv_reader *reader, long long offset)
{
    long long column = offset - reader->line_offset + 1;
    return column > INT_MAX ? INT_MAX : (int)column;
}

static int current_column(const csv_reader *reader)
{
    return column_at(reader, csv_offset(reader));
}

static enum step fail_out_of_memory(csv_reader *reader, diag_list *diags)
{
    fail(reader, diags, reader->line, current_column(reader), "out of memory reading CSV row");
    return STEP_FAILED;
}

static enum step fail_nul(csv_reader *reader, diag_list *diags)
{
    diag *d = fail(reader, diags, reader->line, current_column(reader), "NUL byte in CSV data");
    diag_set_hint(d, "fixtures must be UTF-8 text; is this file UTF-16 or binary?");
    return STEP_FAILED;
}

/*
 * Writes how a message should show the byte at `p`: the character in quotes
 * when it is printable ASCII or a whole UTF-8 sequence, else its hex value.
 */
static void describe_byte(const unsigned char *p, const unsigned char *end, char *out, size_t size)
{
    unsigned char c = *p;
    size_t sequence = 0;
    if (c >= 0x20 && c < 0x7F)
        sequence = 1;
    else if (c >= 0xC2 && c < 0xE0)
        sequence = 2;
    else if (c >= 0xE0 && c < 0xF0)
        sequence = 3;
    else if (c >= 0xF0 && c < 0xF5)
        sequence = 4;
    if (sequence > (size_t)(end - p))
        sequence = 0;
    for (size_t i = 1; i < sequence; i++) {
        if ((p[i] & 0xC0) != 0x80)
            sequence = 0;
    }
    if (sequence)
        snprintf(out, size, "'%.*s'", (int)sequence, (const char *)p);
    else
        snprintf(out, size, "byte 0x%02X", c);
}

/* ---- input ---- */

/* Makes bytes available. Returns 1 when there are some, 0 at end of file, -1 on error. */
static int fill_chunk(csv_reader *reader, diag_list *diags)
{
    if (reader->chunk_position < reader->chunk_length)
        return 1;
    if (reader->at_eof)
        return 0;
    reader->chunk_offset += (long long)reader->chunk_length;
    reader->chunk_position = 0;
    reader->chunk_length = fread(reader->chunk, 1, FOSTER_CSV_CHUNK, reader->stream);
    if (reader->chunk_length > 0)
        return 1;
    if (ferror(reader->stream)) {
        fail(reader, diags, 0, 0, "cannot read CSV file: %s", strerror(errno));
        return -1;
    }
    reader->at_eof = true;
    return 0;
}

/* Skips a UTF-8 byte order mark at the start of the file; columns start after it. */
static int skip_bom(csv_reader *reader, diag_list *diags)
{
    reader->started = true;
    /* A short read (a pipe, say) may hold less than the BOM: top the chunk up. */
    while (reader->chunk_length < sizeof utf8_bom && !reader->at_eof) {
        size_t got = fread(reader->chunk + reader->chunk_length, 1,
                           FOSTER_CSV_CHUNK - reader->chunk_length, reader->stream);
        if (got == 0) {
            if (ferror(reader->stream)) {
                fail(reader, diags, 0, 0, "cannot read CSV file: %s", strerror(errno));
                return -1;
            }
            reader->at_eof = true;
        }
        reader->chunk_length += got;
    }
    if (reader->chunk_length >= sizeof utf8_bom &&
        memcmp(reader->chunk, utf8_bom, sizeof utf8_bom) == 0) {
        reader->chunk_position = sizeof utf8_bom;
        reader->line_offset = sizeof utf8_bom;
    }
    return 0;
}

/* Counts the line end `c` (CR or LF) at file offset `offset`; a CRLF counts once. */
static void note_line_end(csv_reader *reader, unsigned char c, long long offset)
{
    reader->line_offset = offset + 1;
    if (c == '\n' && reader->last_cr_offset == offset - 1)
        return;
    if (c == '\r')
        reader->last_cr_offset = offset;
    if (reader->line < INT_MAX)
        reader->line++;
}

/* ---- building the row ---- */

static int begin_field(csv_reader *reader, row_parse *parse)
{
    if (reader->field_count == reader->field_capacity) {
        size_t capacity = reader->field_capacity ? reader->field_capacity * 2 : 16;
        csv_field *fields = realloc(reader->fields, capacity * sizeof *fields);
        if (!fields)
            return -1;
        reader->fields = fields;
        reader->field_capacity = capacity;
    }
    csv_field *field = &reader->fields[reader->field_count];
    field->line = reader->line;
    field->column = current_column(reader);
    parse->value_start = reader->text.length;
    return 0;
}

/* Ends the field begun last; its value pointer is set when the row is done. */
static int end_field(csv_reader *reader, const row_parse *parse, bool is_null)
{
    csv_field *field = &reader->fields[reader->field_count++];
    field->length = reader->text.length - parse->value_start;
    field->is_null = is_null;
    return strbuf_append_char(&reader->text, '\0');
}

/* Consumes the line end `c` at the current position; the row is complete. */
static enum step end_row(csv_reader *reader, unsigned char c)
{
    note_line_end(reader, c, csv_offset(reader));
    reader->chunk_position++;
    reader->skip_lf = (c == '\r');
    return STEP_ROW_DONE;
}

/* The text buffer is final once a row is done, so the value pointers can be set. */
static void point_values(csv_reader *reader, csv_row *row, const row_parse *parse)
{
    const char *value = reader->text.data;
    for (size_t i = 0; i < reader->field_count; i++) {
        reader->fields[i].value = value;
        value += reader->fields[i].length + 1;
    }
    row->fields = reader->fields;
    row->count = reader->field_count;
    row->line = parse->row_line;
}

/* ---- parsing steps: each looks at the byte at the current position ---- */

static enum step step_field_start(csv_reader *reader, row_parse *parse, diag_list *diags)
{
    unsigned char c = reader->chunk[reader->chunk_position];
    if (!parse->row_started) {
        bool lf_of_crlf = reader->skip_lf && c == '\n';
        reader->skip_lf = false;
        if (lf_of_crlf) {
            note_line_end(reader, c, csv_offset(reader));
            reader->chunk_position++;
            return STEP_CONTINUE;
        }
        parse->row_started = true;
        parse->row_line = reader->line;
    }
    if (c == '\0')
        return fail_nul(reader, diags);
    if (begin_field(reader, parse) < 0)
        return fail_out_of_memory(reader, diags);
    switch (c) {
    case '"':
        parse->quote_line = reader->line;
        parse->quote_column = current_column(reader);
        parse->state = IN_QUOTED;
        reader->chunk_position++;
        return STEP_CONTINUE;
    case ',':
        if (end_field(reader, parse, true) < 0)
            return fail_out_of_memory(reader, diags);
        reader->chunk_position++;
        return STEP_CONTINUE;
    case '\n':
    case '\r':
        if (end_field(reader, parse, true) < 0)
            return fail_out_of_memory(reader, diags);
        return end_row(reader, c);
    default:
        parse->state = IN_UNQUOTED;
        return STEP_CONTINUE;
    }
}

/* Copies the run of bytes up to the next one in `special`; 0, or -1 when memory ran out. */
static int copy_run(csv_reader *reader, const bool special[256])
{
    const unsigned char *start = reader->chunk + reader->chunk_position;
    const unsigned char *end = reader->chunk + reader->chunk_length;
    const unsigned char *p = start;
    while (p < end && !special[*p])
        p++;
    reader->chunk_position += (size_t)(p - start);
    if (p == start)
        return 0;
    return strbuf_append(&reader->text, (const char *)start, (size_t)(p - start));
}

static enum step step_unquoted(csv_reader *reader, row_parse *parse, diag_list *diags)
{
    if (copy_run(reader, special_unquoted) < 0)
        return fail_out_of_memory(reader, diags);
    if (reader->chunk_position == reader->chunk_length)
        return STEP_CONTINUE;
    unsigned char c = reader->chunk[reader->chunk_position];
    if (c == '\0')
        return fail_nul(reader, diags);
    if (c == '"') {
        fail(reader, diags, reader->line, current_column(reader),
             "unexpected '\"' inside an unquoted field; quote the whole field and double the "
             "quote (\"\")");
        return STEP_FAILED;
    }
    if (end_field(reader, parse, false) < 0)
        return fail_out_of_memory(reader, diags);
    parse->state = AT_FIELD_START;
    if (c == ',') {
        reader->chunk_position++;
        return STEP_CONTINUE;
    }
    return end_row(reader, c);
}

static enum step step_quoted(csv_reader *reader, row_parse *parse, diag_list *diags)
{
    if (copy_run(reader, special_quoted) < 0)
        return fail_out_of_memory(reader, diags);
    if (reader->chunk_position == reader->chunk_length)
        return STEP_CONTINUE;
    unsigned char c = reader->chunk[reader->chunk_position];
    if (c == '\0')
        return fail_nul(reader, diags);
    if (c == '"') {
        parse->state = AFTER_QUOTE;
    } else {
        /* A line end inside quotes is data, but still starts a new physical line. */
        if (strbuf_append_char(&reader->text, (char)c) < 0)
            return fail_out_of_memory(reader, diags);
        note_line_end(reader, c, csv_offset(reader));
    }
    reader->chunk_position++;
    return STEP_CONTINUE;
}

/* After a quote inside a quoted field: a second quote is an escape, else the field ended. */
static enum step step_after_quote(csv_reader *reader, row_parse *parse, diag_list *diags)
{
    const unsigned char *p = reader->chunk + reader->chunk_position;
    switch (*p) {
    case '"':
        if (strbuf_append_char(&reader->text, '"') < 0)
            return fail_out_of_memory(reader, diags);
        parse->state = IN_QUOTED;
        reader->chunk_position++;
        return STEP_CONTINUE;
    case ',':
    case '\n':
    case '\r':
        if (end_field(reader, parse, false) < 0)
            return fail_out_of_memory(reader, diags);
        parse->state = AT_FIELD_START;
        if (*p != ',')
            return end_row(reader, *p);
        reader->chunk_position++;
        return STEP_CONTINUE;
    case '\0':
        return fail_nul(reader, diags);
    default: {
        char found[32];
        describe_byte(p, reader->chunk + reader->chunk_length, found, sizeof found);
        diag *d = fail(reader, diags, reader->line, current_column(reader),
                       "expected ',' or end of line after closing quote, found %s", found);
        diag_set_hint(d, "a quote inside a quoted field is written twice (\"\"); text after the "
                         "closing quote belongs inside the quotes");
        return STEP_FAILED;
    }
    }
}

/* The stream ended in the middle of a row: 1 when that row is complete, -1 when not. */
static int finish_at_eof(csv_reader *reader, row_parse *parse, diag_list *diags)
{
    switch (parse->state) {
    case IN_QUOTED: {
        diag *d = fail(reader, diags, parse->quote_line, parse->quote_column,
                       "unterminated quoted field (opened at line %d, column %d)",
                       parse->quote_line, parse->quote_column);
        diag_set_hint(d, "close the field with '\"'; a quote inside it is written twice (\"\")");
        return -1;
    }
    case AT_FIELD_START:
        /* After a ',' the last field is an empty one: NULL. */
        if (begin_field(reader, parse) < 0 || end_field(reader, parse, true) < 0) {
            fail_out_of_memory(reader, diags);
            return -1;
        }
        return 1;
    case IN_UNQUOTED:
    case AFTER_QUOTE:
        if (end_field(reader, parse, false) < 0) {
            fail_out_of_memory(reader, diags);
            return -1;
        }
        return 1;
    }
    return 1;
}

int csv_next_row(csv_reader *reader, csv_row *row, diag_list *diags)
{
    if (reader->failed)
        return -1;
    if (!reader->started && skip_bom(reader, diags) < 0)
        return -1;
    strbuf_reset(&reader->text);
    reader->field_count = 0;
    row_parse parse = {.state = AT_FIELD_START};
    for (;;) {
        int available = fill_chunk(reader, diags);
        if (available < 0)
            return -1;
        if (available == 0) {
            if (!parse.row_started)
                return 0;
            int result = finish_at_eof(reader, &parse, diags);
            if (result == 1)
                point_values(reader, row, &parse);
            return result;
        }
        enum step step = STEP_CONTINUE;
        switch (parse.state) {
        case AT_FIELD_START:
            step = step_field_start(reader, &parse, diags);
            break;
        case IN_UNQUOTED:
            step = step_unquoted(reader, &parse, diags);
            break;
        case IN_QUOTED:
            step = step_quoted(reader, &parse, diags);
            break;
        case AFTER_QUOTE:
            step = step_after_quote(reader, &parse, diags);
            break;
        }
        if (step == STEP_FAILED)
            return -1;
        if (step == STEP_ROW_DONE) {
            point_values(reader, row, &parse);
            return 1;
        }
    }
}
