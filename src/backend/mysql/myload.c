/*
 * myload.c — fixture rows into MySQL/MariaDB tables. See myload.h.
 */
#include "myload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "myconn.h"
#include "strbuf.h"

#define LOAD_DATA_PIECE_BYTES (4 * 1024 * 1024)
#define INSERT_BATCH_BYTES    (1024 * 1024)
#define STREAM_NAME           "foster-fixture"

/* What a column's fixture text becomes before it is sent. */
typedef struct load_column {
    bool utc;      /* DATETIME or TIMESTAMP: a UTC offset is applied */
    unsigned bits; /* BIT(n): n (the text is read as a number, my_bit_value); else 0 */
    char *name;    /* a BIT column's name, for messages */
} load_column;

struct my_table_load {
    MYSQL *mysql;
    char *file;
    char *table;
    my_load_method method; /* DATA_LOCAL or INSERTS once begun */
    size_t columns;
    load_column *kinds; /* per header column */
    strbuf prefix;      /* LOAD DATA …, or INSERT INTO … VALUES */
    strbuf pending;     /* rows not sent yet: tab-separated, or the INSERT statement */
    size_t handed;      /* LOAD DATA: bytes of pending the server has read… */
    size_t stop;        /* …of those it is sent (the rows of one attempt) */
    char *database;     /* the connection's, left out of the server's messages */
    int *lines;         /* the fixture line of each pending row */
    size_t *offsets;    /* where each pending row starts (INSERTs: its "(...)") */
    size_t count, capacity;
    long long rows;
};

static int run(MYSQL *mysql, const char *sql, diag_list *diags)
{
    return my_conn_command(mysql, sql, sql, diags);
}

#define LOAD_SETTINGS                                                                              \
    "foreign_key_checks = 0, sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,"                 \
    "NO_ENGINE_SUBSTITUTION'"

int my_load_begin(MYSQL *mysql, diag_list *diags)
{
    /* what a data dump's SET lines change, kept on foster's connection to go back to */
    if (run(mysql,
            "SET SESSION " LOAD_SETTINGS ", @foster_time_zone = @@session.time_zone, "
            "@foster_charset_client = @@session.character_set_client, "
            "@foster_charset_results = @@session.character_set_results, "
            "@foster_collation = @@session.collation_connection, "
            "@foster_unique_checks = @@session.unique_checks, "
            "@foster_sql_notes = @@session.sql_notes",
            diags) < 0)
        return -1;
    return run(mysql, "START TRANSACTION", diags);
}

int my_load_restore_session(MYSQL *mysql, bool *changed, diag_list *diags)
{
    if (!*changed)
        return 0;
    *changed = false;
    return run(mysql,
               "SET SESSION " LOAD_SETTINGS ", time_zone = @foster_time_zone, "
               "character_set_client = @foster_charset_client, "
               "character_set_results = @foster_charset_results, "
               "collation_connection = @foster_collation, "
               "unique_checks = @foster_unique_checks, sql_notes = @foster_sql_notes",
               diags);
}

int my_load_end(MYSQL *mysql, bool commit, diag_list *diags)
{
    int rc = run(mysql, commit ? "COMMIT" : "ROLLBACK", diags);
    if (run(mysql, "SET SESSION foreign_key_checks = 1", diags) < 0)
        rc = -1;
    return rc;
}

/* ---- reporting the server's refusals ---- */

/* A refusal of the server, before it is a diag. */
typedef struct refusal {
    unsigned number;
    char message[1024];
} refusal;

static int refused(refusal *r, unsigned number, const char *message)
{
    r->number = number;
    snprintf(r->message, sizeof r->message, "%s", message);
    return -1;
}

/* "… at row N" in a message about pending rows from `first`: that row's fixture line, else 0. */
static int line_in_message(const my_table_load *load, size_t first, const char *message)
{
    const char *at = strstr(message, " at row ");
    unsigned long row = at ? strtoul(at + 8, NULL, 10) : 0;
    return row >= 1 && row <= load->count - first ? load->lines[first + row - 1] : 0;
}

/* The first column of index `key` of the load's table, a new string; NULL when unknown. */
static char *key_column(const my_table_load *load, const char *key)
{
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE "
                            "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ");
    my_conn_append_string(&sql, load->mysql, load->table, strlen(load->table));
    strbuf_append_str(&sql, " AND INDEX_NAME = ");
    my_conn_append_string(&sql, load->mysql, key, strlen(key));
    strbuf_append_str(&sql, " AND SEQ_IN_INDEX = 1");
    diag_list ignored = DIAG_LIST_INIT;
    bool found = false;
    char *column =
        sql.failed ? NULL : my_conn_query_value(load->mysql, strbuf_str(&sql), &found, &ignored);
    diag_list_clear(&ignored);
    strbuf_free(&sql);
    return column;
}

/*
 * "Duplicate entry 'V' for key 'K'" names no row: the violation (table, key,
 * its column, the value) lets src/fixtures/ find the line holding the value.
 */
static void describe_duplicate(const my_table_load *load, diag *d, const char *message)
{
    char value[256], key[128];
    if (!d || sscanf(message, "Duplicate entry '%255[^']' for key '%127[^']'", value, key) != 2)
        return;
    char *column = key_column(load, key);
    if (column)
        diag_set_violation(d, load->table, key, column, value, 0);
    free(column);
}

/* The refusal as a diag at `line` (0: the line its "at row N" names, if any). */
static void add_refusal(const my_table_load *load, int line, size_t first, const refusal *r,
                        diag_list *diags)
{
    if (!line)
        line = line_in_message(load, first, r->message);
    strbuf message = STRBUF_INIT;
    my_append_requalified(&message, r->message, "", load->database, NULL);
    diag *d = diag_add(diags, load->file, line, 0, "%s (error %u)",
                       message.failed ? r->message : strbuf_str(&message), r->number);
    strbuf_free(&message);
    if (!line && r->number == 1062)
        describe_duplicate(load, d, r->message);
}

/* ---- LOAD DATA LOCAL INFILE, fed from memory ---- */

static int stream_init(void **context, const char *filename, void *userdata)
{
    (void)filename;
    *context = userdata;
    return 0;
}

static int stream_read(void *context, char *buffer, unsigned int length)
{
    my_table_load *load = context;
    size_t available = load->stop - load->handed;
    size_t n = available < length ? available : length;
    memcpy(buffer, load->pending.data + load->handed, n);
    load->handed += n;
    return (int)n;
}

static void stream_end(void *context)
{
    (void)context;
}

static int stream_error(void *context, char *message, unsigned int length)
{
    (void)context;
    snprintf(message, length, "foster could not send the rows");
    return 2027;
}

/* After LOAD DATA: the first warning fails the load. 0, or -1 with *r. */
static int check_warnings(my_table_load *load, refusal *r)
{
    if (mysql_warning_count(load->mysql) == 0)
        return 0;
    if (mysql_query(load->mysql, "SHOW WARNINGS LIMIT 1") != 0)
        return refused(r, mysql_errno(load->mysql), mysql_error(load->mysql));
    MYSQL_RES *result = mysql_store_result(load->mysql);
    MYSQL_ROW row = result ? mysql_fetch_row(result) : NULL;
    if (row && row[1] && row[2])
        refused(r, (unsigned)strtoul(row[1], NULL, 10), row[2]);
    else
        refused(r, 0, "the server warned while loading");
    if (result)
        mysql_free_result(result);
    return -1;
}

/* Where pending row `i` ends (INSERTs: before the comma after it). */
static size_t row_end(const my_table_load *load, size_t i)
{
    if (i + 1 >= load->count)
        return load->pending.length;
    return load->offsets[i + 1] - (load->method == MY_LOAD_INSERTS ? 1 : 0);
}

/* Rows [first, last) of pending by one LOAD DATA LOCAL. 0, or -1 with *r. */
static int send_data(my_table_load *load, size_t first, size_t last, refusal *r)
{
    load->handed = load->offsets[first];
    load->stop = row_end(load, last - 1);
    mysql_set_local_infile_handler(load->mysql, stream_init, stream_read, stream_end, stream_error,
                                   load);
    int rc = mysql_real_query(load->mysql, load->prefix.data, load->prefix.length);
    mysql_set_local_infile_default(load->mysql);
    if (rc != 0)
        return refused(r, mysql_errno(load->mysql), mysql_error(load->mysql));
    return check_warnings(load, r);
}

/* Rows [first, last) of pending by one INSERT (pending itself when it is all). 0, or -1 with *r. */
static int send_insert(my_table_load *load, size_t first, size_t last, refusal *r)
{
    strbuf some = STRBUF_INIT;
    const strbuf *sql = &load->pending;
    if (first > 0 || last < load->count) {
        strbuf_append(&some, load->prefix.data, load->prefix.length);
        strbuf_append(&some, load->pending.data + load->offsets[first],
                      row_end(load, last - 1) - load->offsets[first]);
        sql = &some;
    }
    int rc = sql->failed ? refused(r, 0, "out of memory")
             : mysql_real_query(load->mysql, sql->data, sql->length) != 0
                 ? refused(r, mysql_errno(load->mysql), mysql_error(load->mysql))
                 : 0;
    strbuf_free(&some);
    return rc;
}

/*
 * Sends rows [first, last) of pending from a savepoint. A refusal that names
 * no row (a CHECK constraint, NOT NULL in an INSERT, a foreign key) is
 * narrowed down: back to the savepoint, each half sent alone, until one row
 * is refused; the diag names its line. A duplicate key is left to
 * describe_duplicate (its first line). 0, or -1 with a diag.
 */
static int send_rows(my_table_load *load, size_t first, size_t last, diag_list *diags)
{
    refusal r = {0};
    if (mysql_query(load->mysql, "SAVEPOINT foster_batch") != 0) {
        refused(&r, mysql_errno(load->mysql), mysql_error(load->mysql));
        add_refusal(load, 0, first, &r, diags);
        return -1;
    }
    int rc = load->method == MY_LOAD_INSERTS ? send_insert(load, first, last, &r)
                                             : send_data(load, first, last, &r);
    if (rc == 0)
        return 0;
    bool one = last - first == 1;
    if (one || r.number == 1062 || line_in_message(load, first, r.message) ||
        mysql_query(load->mysql, "ROLLBACK TO SAVEPOINT foster_batch") != 0) {
        add_refusal(load, one ? load->lines[first] : 0, first, &r, diags);
        return -1;
    }
    size_t middle = first + (last - first) / 2;
    if (send_rows(load, first, middle, diags) == 0 && send_rows(load, middle, last, diags) == 0)
        add_refusal(load, 0, first, &r, diags); /* no row alone: the refusal as it came */
    return -1;
}

static void append_field(strbuf *sb, const backend_field *field)
{
    if (field->is_null) {
        strbuf_append_str(sb, "\\N");
        return;
    }
    const char *start = field->value;
    for (size_t i = 0; i < field->length; i++) {
        char c = field->value[i];
        const char *escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : NULL;
        if (escape) {
            strbuf_append(sb, start, (size_t)(field->value + i - start));
            strbuf_append_str(sb, escape);
            start = field->value + i + 1;
        }
    }
    strbuf_append(sb, start, (size_t)(field->value + field->length - start));
}

/*
 * Field `i` of the row into *field, its timestamp's offset applied when the
 * column takes none, a BIT column's value as a decimal number (in `buffer`,
 * at least 32 bytes). 0, or -1 with a diag at the field.
 */
static int field_at(const my_table_load *load, const backend_row *row, size_t i, char *buffer,
                    size_t size, backend_field *field, diag_list *diags)
{
    *field = row->fields[i];
    const load_column *kind = &load->kinds[i];
    if (field->is_null)
        return 0;
    if (kind->utc && my_time_to_utc(field->value, field->length, buffer, size)) {
        field->value = buffer;
        field->length = strlen(buffer);
    } else if (kind->bits) {
        unsigned long long value;
        if (!my_bit_value(field->value, field->length, kind->bits, &value)) {
            unsigned long long most = kind->bits < 64 ? (1ULL << kind->bits) - 1 : ~0ULL;
            diag_add(diags, load->file, field->line, field->column,
                     "column \"%s\" is BIT(%u): \"%.*s\" is not true, false, a number from 0 to "
                     "%llu, b'0101' or 0x1f",
                     kind->name, kind->bits, field->length > 64 ? 64 : (int)field->length,
                     field->value, most);
            return -1;
        }
        snprintf(buffer, size, "%llu", value);
        field->value = buffer;
        field->length = strlen(buffer);
    }
    return 0;
}

static int append_tab_row(my_table_load *load, const backend_row *row, diag_list *diags)
{
    load->offsets[load->count - 1] = load->pending.length;
    for (size_t i = 0; i < row->count; i++) {
        if (i > 0)
            strbuf_append_char(&load->pending, '\t');
        char buffer[64];
        backend_field field;
        if (field_at(load, row, i, buffer, sizeof buffer, &field, diags) < 0)
            return -1;
        append_field(&load->pending, &field);
    }
    strbuf_append_char(&load->pending, '\n');
    return 0;
}

/* ---- multi-row INSERT ---- */

static int append_insert_row(my_table_load *load, const backend_row *row, diag_list *diags)
{
    strbuf *sql = &load->pending;
    if (sql->length == 0)
        strbuf_append(sql, load->prefix.data, load->prefix.length);
    else
        strbuf_append_char(sql, ',');
    load->offsets[load->count - 1] = sql->length;
    strbuf_append_char(sql, '(');
    for (size_t i = 0; i < row->count; i++) {
        if (i > 0)
            strbuf_append_char(sql, ',');
        char buffer[64];
        backend_field field;
        if (field_at(load, row, i, buffer, sizeof buffer, &field, diags) < 0)
            return -1;
        if (field.is_null)
            strbuf_append_str(sql, "NULL");
        else if (load->kinds[i].bits) /* a number: a string's bytes would be the bits */
            strbuf_append(sql, field.value, field.length);
        else
            my_conn_append_string(sql, load->mysql, field.value, field.length);
    }
    strbuf_append_char(sql, ')');
    return 0;
}

/* ---- the table's load ---- */

static int flush(my_table_load *load, diag_list *diags)
{
    if (load->count == 0)
        return 0;
    int rc = send_rows(load, 0, load->count, diags);
    strbuf_reset(&load->pending);
    load->count = 0;
    return rc;
}

static int remember_line(my_table_load *load, int line)
{
    if (load->count == load->capacity) {
        size_t capacity = load->capacity ? load->capacity * 2 : 1024;
        int *lines = realloc(load->lines, capacity * sizeof *lines);
        if (lines)
            load->lines = lines;
        size_t *offsets = lines ? realloc(load->offsets, capacity * sizeof *offsets) : NULL;
        if (!offsets)
            return -1;
        load->offsets = offsets;
        load->capacity = capacity;
    }
    load->lines[load->count++] = line;
    return 0;
}

int my_table_load_row(my_table_load *load, const backend_row *row, diag_list *diags)
{
    if (row->count != load->columns) {
        diag_add(diags, load->file, row->line, 1, "expected %zu fields (as the header), found %zu",
                 load->columns, row->count);
        return -1;
    }
    if (remember_line(load, row->line) < 0) {
        diag_add(diags, load->file, row->line, 0, "out of memory");
        return -1;
    }
    load->rows++;
    int appended = load->method == MY_LOAD_INSERTS ? append_insert_row(load, row, diags)
                                                   : append_tab_row(load, row, diags);
    if (appended < 0)
        return -1;
    if (load->pending.failed) {
        diag_add(diags, load->file, row->line, 0, "out of memory");
        return -1;
    }
    size_t limit = load->method == MY_LOAD_INSERTS ? INSERT_BATCH_BYTES : LOAD_DATA_PIECE_BYTES;
    return load->pending.length >= limit ? flush(load, diags) : 0;
}

int my_table_load_end(my_table_load *load, long long *rows, diag_list *diags)
{
    int rc = flush(load, diags);
    if (rows)
        *rows = rc == 0 ? load->rows : 0;
    return rc;
}

void my_table_load_free(my_table_load *load)
{
    if (!load)
        return;
    free(load->file);
    free(load->table);
    free(load->database);
    strbuf_free(&load->prefix);
    strbuf_free(&load->pending);
    free(load->lines);
    for (size_t i = 0; load->kinds && i < load->columns; i++)
        free(load->kinds[i].name);
    free(load->kinds);
    free(load->offsets);
    free(load);
}

/* Whether the server takes LOAD DATA LOCAL (local_infile; MySQL 8 has it off by default). */
static int server_allows_local(MYSQL *mysql, diag_list *diags)
{
    bool found;
    char *value = my_conn_query_value(mysql, "SELECT @@GLOBAL.local_infile", &found, diags);
    if (!found)
        return -1;
    int allowed = strcmp(value, "1") == 0 || strcmp(value, "ON") == 0;
    free(value);
    return allowed;
}

/* The header's column `name` gets what `row` (name, type, precision) says of it. */
static void note_column_kind(my_table_load *load, const backend_row *header, MYSQL_ROW row)
{
    for (size_t i = 0; row[0] && row[1] && i < header->count; i++) {
        if (strcasecmp(row[0], header->fields[i].value) != 0)
            continue;
        if (strcmp(row[1], "bit") != 0) {
            load->kinds[i].utc = true;
            continue;
        }
        load->kinds[i].bits = row[2] ? (unsigned)strtoul(row[2], NULL, 10) : 1;
        free(load->kinds[i].name);
        load->kinds[i].name = strdup(header->fields[i].value);
        if (!load->kinds[i].name)
            load->kinds[i].bits = 0; /* only the message loses the name */
    }
}

/* Which of the header's columns are DATETIME, TIMESTAMP or BIT (load->kinds); -1 with a diag. */
static int find_column_kinds(my_table_load *load, const char *table, const backend_row *header,
                             diag_list *diags)
{
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION FROM "
                            "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                            "DATA_TYPE IN ('datetime', 'timestamp', 'bit') AND TABLE_NAME = ");
    my_conn_append_string(&sql, load->mysql, table, strlen(table));
    MYSQL_RES *result = NULL;
    if (sql.failed || mysql_query(load->mysql, strbuf_str(&sql)) != 0 ||
        !(result = mysql_store_result(load->mysql))) {
        diag_add(diags, load->file, 0, 0, "reading the columns of %s: %s", table,
                 mysql_error(load->mysql));
        strbuf_free(&sql);
        return -1;
    }
    strbuf_free(&sql);
    load->kinds = calloc(header->count ? header->count : 1, sizeof *load->kinds);
    MYSQL_ROW row;
    while (load->kinds && (row = mysql_fetch_row(result)))
        note_column_kind(load, header, row);
    mysql_free_result(result);
    if (!load->kinds)
        diag_add(diags, load->file, 0, 0, "out of memory");
    return load->kinds ? 0 : -1;
}

/*
 * LOAD DATA … (columns) or INSERT INTO … (columns) VALUES. LOAD DATA reads a
 * BIT column's field into a variable and SETs the column to it as a number.
 */
static void build_prefix(my_table_load *load, const char *table, const backend_row *header)
{
    strbuf *sb = &load->prefix;
    bool data = load->method != MY_LOAD_INSERTS;
    strbuf_append_str(sb, data ? "LOAD DATA LOCAL INFILE '" STREAM_NAME "' INTO TABLE "
                               : "INSERT INTO ");
    my_append_identifier(sb, table);
    if (data)
        strbuf_append_str(sb, " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY "
                              "'\\\\' LINES TERMINATED BY '\\n'");
    strbuf_append_str(sb, " (");
    for (size_t i = 0; i < header->count; i++) {
        if (i > 0)
            strbuf_append_char(sb, ',');
        if (data && load->kinds[i].bits)
            strbuf_appendf(sb, "@foster_bit_%zu", i);
        else
            my_append_identifier(sb, header->fields[i].value);
    }
    strbuf_append_str(sb, data ? ")" : ") VALUES ");
    const char *separator = " SET ";
    for (size_t i = 0; data && i < header->count; i++) {
        if (!load->kinds[i].bits)
            continue;
        strbuf_append_str(sb, separator);
        my_append_identifier(sb, header->fields[i].value);
        strbuf_appendf(sb, " = CAST(@foster_bit_%zu AS UNSIGNED)", i);
        separator = ", ";
    }
}

my_table_load *my_table_load_begin(MYSQL *mysql, const char *table, const backend_row *header,
                                   const char *file, my_load_method method, diag_list *diags)
{
    if (method == MY_LOAD_AUTO) {
        int allowed = server_allows_local(mysql, diags);
        if (allowed < 0)
            return NULL;
        method = allowed ? MY_LOAD_DATA_LOCAL : MY_LOAD_INSERTS;
    }
    my_table_load *load = calloc(1, sizeof *load);
    if (load) {
        load->mysql = mysql;
        load->method = method;
        load->columns = header->count;
        load->file = strdup(file);
        load->table = strdup(table);
    }
    if (!load || !load->file || !load->table) {
        diag_add(diags, file, 0, 0, "out of memory");
        my_table_load_free(load);
        return NULL;
    }
    bool found = false;
    load->database = my_conn_query_value(mysql, "SELECT DATABASE()", &found, diags);
    if (!found || find_column_kinds(load, table, header, diags) < 0) {
        my_table_load_free(load);
        return NULL;
    }
    build_prefix(load, table, header);
    if (load->prefix.failed) {
        diag_add(diags, file, 0, 0, "out of memory");
        my_table_load_free(load);
        return NULL;
    }
    return load;
}
