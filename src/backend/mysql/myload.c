/*
 * myload.c — CSV fixtures into MySQL/MariaDB tables. See myload.h.
 */
#include "myload.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "myconn.h"
#include "strbuf.h"

#define INSERT_BATCH_BYTES (1024 * 1024)
#define STREAM_NAME        "foster-fixture"

typedef struct loader {
    MYSQL *mysql;
    csv_reader *reader;
    const char *name; /* the fixture as messages call it */
    size_t columns;
    diag_list *diags; /* the reader's problems */
    int *lines;       /* the fixture line of each row sent in this statement */
    size_t *offsets;  /* INSERTs: where each row's "(...)" starts in the statement */
    size_t line_count, line_capacity;
    long long rows;
    bool failed;
} loader;

static int remember_line(loader *l, int line)
{
    if (l->line_count == l->line_capacity) {
        size_t capacity = l->line_capacity ? l->line_capacity * 2 : 1024;
        int *lines = realloc(l->lines, capacity * sizeof *lines);
        if (lines)
            l->lines = lines;
        size_t *offsets = lines ? realloc(l->offsets, capacity * sizeof *offsets) : NULL;
        if (!offsets)
            return -1;
        l->offsets = offsets;
        l->line_capacity = capacity;
    }
    l->lines[l->line_count++] = line;
    return 0;
}

/* The next data row, checked against the header. 1, 0 at the end, -1 with a diag. */
static int next_row(loader *l, csv_row *row)
{
    int rc = csv_next_row(l->reader, row, l->diags);
    if (rc == 1 && row->count != l->columns) {
        diag_add(l->diags, l->name, row->line, 1, "expected %zu fields (as the header), found %zu",
                 l->columns, row->count);
        rc = -1;
    }
    if (rc == 1 && remember_line(l, row->line) < 0) {
        diag_add(l->diags, l->name, row->line, 0, "out of memory");
        rc = -1;
    }
    if (rc == 1)
        l->rows++;
    l->failed = l->failed || rc < 0;
    return rc;
}

/* ---- LOAD DATA LOCAL INFILE ---- */

typedef struct stream {
    loader *loader;
    strbuf pending;
    size_t offset; /* of pending already handed over */
    bool done;
} stream;

static void append_field(strbuf *sb, const csv_field *field)
{
    if (field->is_null) {
        strbuf_append_str(sb, "\\N");
        return;
    }
    for (size_t i = 0; i < field->length; i++) {
        char c = field->value[i];
        const char *escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : NULL;
        if (escape)
            strbuf_append_str(sb, escape);
        else
            strbuf_append_char(sb, c);
    }
}

static int stream_init(void **context, const char *filename, void *userdata)
{
    (void)filename;
    *context = userdata;
    return 0;
}

static int stream_read(void *context, char *buffer, unsigned int length)
{
    stream *s = context;
    while (!s->done && s->pending.length - s->offset < length) {
        if (s->offset > 0) { /* keep the buffer small: drop what was handed over */
            memmove(s->pending.data, s->pending.data + s->offset, s->pending.length - s->offset);
            s->pending.length -= s->offset;
            s->pending.data[s->pending.length] = '\0';
            s->offset = 0;
        }
        csv_row row;
        int rc = next_row(s->loader, &row);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            s->done = true;
            break;
        }
        for (size_t i = 0; i < row.count; i++) {
            if (i > 0)
                strbuf_append_char(&s->pending, '\t');
            append_field(&s->pending, &row.fields[i]);
        }
        strbuf_append_char(&s->pending, '\n');
        if (s->pending.failed)
            return -1;
    }
    size_t available = s->pending.length - s->offset;
    size_t n = available < length ? available : length;
    memcpy(buffer, s->pending.data + s->offset, n);
    s->offset += n;
    return (int)n;
}

static void stream_end(void *context)
{
    (void)context;
}

static int stream_error(void *context, char *message, unsigned int length)
{
    (void)context;
    snprintf(message, length, "foster stopped reading the fixture");
    return 2027; /* CR_MALFORMED_PACKET: the client gave up */
}

static void append_columns(strbuf *sb, const csv_row *header)
{
    strbuf_append_str(sb, " (");
    for (size_t i = 0; i < header->count; i++) {
        if (i > 0)
            strbuf_append_char(sb, ',');
        my_append_identifier(sb, header->fields[i].value);
    }
    strbuf_append_char(sb, ')');
}

/* The fixture line of row `row` (1-based) of the last statement, or 0. */
static int line_of_row(const loader *l, unsigned long row)
{
    return row >= 1 && row <= l->line_count ? l->lines[row - 1] : 0;
}

/* "… at row N" in a server message: the row's fixture line, else 0. */
static int line_in_message(const loader *l, const char *message)
{
    const char *at = strstr(message, " at row ");
    return at ? line_of_row(l, strtoul(at + 8, NULL, 10)) : 0;
}

static void add_server_error(loader *l, const char *message, unsigned number)
{
    int line = line_in_message(l, message);
    diag_add(l->diags, l->name, line, 0, "%s (error %u)", message, number);
}

/* After LOAD DATA LOCAL: the first warning fails the load. */
static int check_warnings(loader *l)
{
    if (mysql_warning_count(l->mysql) == 0)
        return 0;
    if (mysql_query(l->mysql, "SHOW WARNINGS LIMIT 1") != 0) {
        add_server_error(l, mysql_error(l->mysql), mysql_errno(l->mysql));
        return -1;
    }
    MYSQL_RES *result = mysql_store_result(l->mysql);
    MYSQL_ROW row = result ? mysql_fetch_row(result) : NULL;
    if (row && row[1] && row[2])
        add_server_error(l, row[2], (unsigned)strtoul(row[1], NULL, 10));
    else
        diag_add(l->diags, l->name, 0, 0, "the server warned while loading");
    if (result)
        mysql_free_result(result);
    return -1;
}

/* Whether the server refused LOAD DATA LOCAL as such (local_infile off: MySQL 8's default). */
static bool local_infile_refused(unsigned number)
{
    return number == 1148 /* ER_NOT_ALLOWED_COMMAND */ ||
           number == 3948 /* ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8) */ ||
           number == 4166 /* ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB) */;
}

/* 0; -1 with a diag; 1 (no diag, nothing read) when `fallback` and the server refuses LOCAL. */
static int load_data_local(loader *l, const char *table, const csv_row *header, bool fallback)
{
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "LOAD DATA LOCAL INFILE '" STREAM_NAME "' INTO TABLE ");
    my_append_identifier(&sql, table);
    strbuf_append_str(&sql, " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                            "LINES TERMINATED BY '\\n'");
    append_columns(&sql, header);
    stream s = {.loader = l};
    mysql_set_local_infile_handler(l->mysql, stream_init, stream_read, stream_end, stream_error,
                                   &s);
    int rc = sql.failed ? -1 : mysql_real_query(l->mysql, sql.data, sql.length);
    mysql_set_local_infile_default(l->mysql);
    if (rc != 0 && fallback && l->rows == 0 && !l->failed &&
        local_infile_refused(mysql_errno(l->mysql))) {
        strbuf_free(&sql);
        return 1;
    }
    if (rc != 0 && !l->failed)
        add_server_error(l, mysql_error(l->mysql), mysql_errno(l->mysql));
    if (rc == 0)
        rc = check_warnings(l);
    strbuf_free(&s.pending);
    strbuf_free(&sql);
    return rc == 0 && !l->failed ? 0 : -1;
}

/* ---- multi-row INSERT ---- */

/*
 * A refused multi-row INSERT rarely says which row ("Column 'title' cannot be
 * null"): the batch is rolled back to its savepoint and its rows are sent one
 * at a time, so that the refusal names the fixture line of the row at fault.
 */
static void find_refused_row(loader *l, const strbuf *sql, size_t prefix_length)
{
    if (mysql_query(l->mysql, "ROLLBACK TO SAVEPOINT foster_batch") != 0)
        return;
    strbuf one = STRBUF_INIT;
    for (size_t i = 0; i < l->line_count; i++) {
        size_t end = i + 1 < l->line_count ? l->offsets[i + 1] - 1 : sql->length;
        strbuf_reset(&one);
        strbuf_append(&one, sql->data, prefix_length);
        strbuf_append(&one, sql->data + l->offsets[i], end - l->offsets[i]);
        if (one.failed || mysql_real_query(l->mysql, one.data, one.length) != 0) {
            if (!one.failed)
                diag_add(l->diags, l->name, l->lines[i], 0, "%s (error %u)", mysql_error(l->mysql),
                         mysql_errno(l->mysql));
            break;
        }
    }
    strbuf_free(&one);
}

static int send_insert(loader *l, strbuf *sql, size_t prefix_length)
{
    int rc = mysql_query(l->mysql, "SAVEPOINT foster_batch");
    if (rc == 0)
        rc = mysql_real_query(l->mysql, sql->data, sql->length);
    if (rc != 0) {
        size_t before = l->diags->count;
        if (!strstr(mysql_error(l->mysql), " at row "))
            find_refused_row(l, sql, prefix_length);
        if (l->diags->count == before)
            add_server_error(l, mysql_error(l->mysql), mysql_errno(l->mysql));
    }
    l->line_count = 0;
    return rc == 0 ? 0 : -1;
}

static int load_inserts(loader *l, const char *table, const csv_row *header)
{
    strbuf prefix = STRBUF_INIT, sql = STRBUF_INIT;
    strbuf_append_str(&prefix, "INSERT INTO ");
    my_append_identifier(&prefix, table);
    append_columns(&prefix, header);
    strbuf_append_str(&prefix, " VALUES ");
    int rc = prefix.failed ? -1 : 0;
    csv_row row;
    while (rc == 0 && next_row(l, &row) == 1) {
        if (sql.length == 0)
            strbuf_append(&sql, prefix.data, prefix.length);
        else
            strbuf_append_char(&sql, ',');
        l->offsets[l->line_count - 1] = sql.length;
        strbuf_append_char(&sql, '(');
        for (size_t i = 0; i < row.count; i++) {
            if (i > 0)
                strbuf_append_char(&sql, ',');
            if (row.fields[i].is_null)
                strbuf_append_str(&sql, "NULL");
            else
                my_conn_append_string(&sql, l->mysql, row.fields[i].value, row.fields[i].length);
        }
        strbuf_append_char(&sql, ')');
        if (sql.failed)
            rc = -1;
        else if (sql.length >= INSERT_BATCH_BYTES) {
            rc = send_insert(l, &sql, prefix.length);
            strbuf_reset(&sql);
        }
    }
    if (rc == 0 && !l->failed && sql.length > 0)
        rc = send_insert(l, &sql, prefix.length);
    strbuf_free(&prefix);
    strbuf_free(&sql);
    return rc == 0 && !l->failed ? 0 : -1;
}

static int run(MYSQL *mysql, const char *sql, diag_list *diags)
{
    return my_conn_command(mysql, sql, sql, diags);
}

int my_load_csv(MYSQL *mysql, const char *table, const char *path, const char *display_name,
                my_load_method method, long long *rows, diag_list *diags)
{
    loader l = {.mysql = mysql, .name = display_name ? display_name : path, .diags = diags};
    l.reader = csv_open(path, l.name, diags);
    if (!l.reader)
        return -1;
    csv_row header;
    int rc = csv_next_row(l.reader, &header, diags);
    if (rc == 0)
        diag_add(diags, l.name, 1, 1, "expected a header row naming the columns");
    rc = rc == 1 ? 0 : -1;
    char **names = NULL;
    if (rc == 0) { /* the header's buffers are reused by the next row: copy the names */
        l.columns = header.count;
        names = calloc(header.count, sizeof *names);
        csv_field *fields = calloc(header.count, sizeof *fields);
        for (size_t i = 0; names && fields && i < header.count; i++)
            fields[i].value = names[i] = strdup(header.fields[i].value);
        header.fields = fields;
        rc = names && fields ? 0 : -1;
        if (rc == 0)
            rc = run(mysql,
                     "SET SESSION foreign_key_checks = 0, sql_mode = 'STRICT_ALL_TABLES,"
                     "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
                     diags);
        if (rc == 0)
            rc = run(mysql, "START TRANSACTION", diags);
        if (rc == 0 && method != MY_LOAD_INSERTS)
            rc = load_data_local(&l, table, &header, method == MY_LOAD_AUTO);
        if (method == MY_LOAD_INSERTS || rc == 1)
            rc = load_inserts(&l, table, &header);
        diag_list ignored = DIAG_LIST_INIT;
        rc = rc == 0 ? run(mysql, "COMMIT", diags) : (run(mysql, "ROLLBACK", &ignored), -1);
        diag_list_clear(&ignored);
        run(mysql, "SET SESSION foreign_key_checks = 1", diags);
        free(fields);
    }
    for (size_t i = 0; names && i < l.columns; i++)
        free(names[i]);
    free(names);
    free(l.lines);
    free(l.offsets);
    csv_close(l.reader);
    if (rows)
        *rows = rc == 0 ? l.rows : 0;
    return rc;
}
