/*
 * sqlite_floor.c — the raw floor of the SQLite load benchmark, and the
 * checksum that shows foster loaded the same rows.
 *
 *   sqlite_floor load ROWS DBPATH    create DBPATH (must not exist), load ROWS rows
 *   sqlite_floor checksum DBPATH     summarize the bench_trade table of DBPATH
 *   sqlite_floor version             print the SQLite library's version
 *
 * `load` does what foster's SQLite backend does for a CSV fixture, minus
 * everything foster adds (reading and parsing the CSV, manifest, schema,
 * checks): the same PRAGMAs (application_id, foreign_keys=ON,
 * synchronous=OFF, journal_mode=MEMORY, temp_store=MEMORY), the same table,
 * the same INSERT text, one prepared statement stepped once per row inside
 * one transaction, every value bound as text (SQLITE_STATIC) or NULL. The
 * rows (bench_rows.h) are generated in memory before the clock starts, so
 * the figure is SQLite's own cost. Prints
 *
 *   floor rows=N insert_ms=X commit_ms=Y
 *   checksum <summary>
 *
 * `checksum` prints the same "checksum" line for any database holding
 * bench_trade, then "schema <the table's CREATE statement on one line>".
 * Exit status 0, or 1 after a message on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "bench_rows.h"

/* Field length marking NULL in the packed rows. */
#define PACKED_NULL UINT8_MAX

/* All rows, generated up front: values back to back, NUL-terminated. */
typedef struct packed_rows {
    char *text;
    size_t *start; /* per row: offset of its first value in text */
    uint8_t (*lengths)[BENCH_FIELD_COUNT];
    long long count;
} packed_rows;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int sql_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no database");
    return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "sqlite_floor: %s: %s\n", sql, error ? error : "failed");
        sqlite3_free(error);
        return 1;
    }
    return 0;
}

static int pack_rows(long long count, packed_rows *rows)
{
    size_t capacity = (size_t)count * 64 + 1;
    rows->text = malloc(capacity);
    rows->start = malloc(((size_t)count + 1) * sizeof *rows->start);
    rows->lengths = malloc(((size_t)count + 1) * sizeof *rows->lengths);
    if (!rows->text || !rows->start || !rows->lengths) {
        fprintf(stderr, "sqlite_floor: out of memory for %lld rows\n", count);
        return 1;
    }
    size_t used = 0;
    bench_row row;
    for (long long i = 0; i < count; i++) {
        bench_row_make(i + 1, &row);
        rows->start[i] = used;
        for (int c = 0; c < BENCH_FIELD_COUNT; c++) {
            size_t length = row.lengths[c];
            if (used + length + 1 > capacity) {
                char *grown = realloc(rows->text, capacity * 2);
                if (!grown) {
                    fprintf(stderr, "sqlite_floor: out of memory for %lld rows\n", count);
                    return 1;
                }
                rows->text = grown;
                capacity *= 2;
            }
            memcpy(rows->text + used, row.values[c], length + 1);
            used += length + 1;
            rows->lengths[i][c] = row.is_null[c] ? PACKED_NULL : (uint8_t)length;
        }
    }
    rows->count = count;
    return 0;
}

static void free_rows(packed_rows *rows)
{
    free(rows->text);
    free(rows->start);
    free(rows->lengths);
}

/* The statement foster's backend prepares for a CSV with this header. */
static void insert_sql(char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "INSERT INTO \"%s\" (", BENCH_TABLE);
    for (int c = 0; c < BENCH_FIELD_COUNT; c++)
        n += (size_t)snprintf(out + n, size - n, "%s\"%s\"", c ? ", " : "", bench_columns[c]);
    n += (size_t)snprintf(out + n, size - n, ") VALUES (");
    for (int c = 0; c < BENCH_FIELD_COUNT; c++)
        n += (size_t)snprintf(out + n, size - n, "%s", c ? ", ?" : "?");
    snprintf(out + n, size - n, ")");
}

static int load(sqlite3 *db, const packed_rows *rows)
{
    char sql[512];
    insert_sql(sql, sizeof sql);
    sqlite3_stmt *insert;
    if (sqlite3_prepare_v2(db, sql, -1, &insert, NULL) != SQLITE_OK)
        return sql_fail(db, "cannot prepare the INSERT");
    double started = now_ms();
    if (exec(db, "BEGIN")) {
        sqlite3_finalize(insert);
        return 1;
    }
    for (long long i = 0; i < rows->count; i++) {
        const char *value = rows->text + rows->start[i];
        for (int c = 0; c < BENCH_FIELD_COUNT; c++) {
            uint8_t length = rows->lengths[i][c];
            if (length == PACKED_NULL) {
                sqlite3_bind_null(insert, c + 1);
                value += 1;
            } else {
                sqlite3_bind_text(insert, c + 1, value, length, SQLITE_STATIC);
                value += length + 1;
            }
        }
        int rc = sqlite3_step(insert);
        sqlite3_reset(insert);
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "sqlite_floor: row %lld: %s\n", i + 1, sqlite3_errmsg(db));
            sqlite3_finalize(insert);
            return 1;
        }
    }
    sqlite3_finalize(insert);
    double inserted = now_ms();
    if (exec(db, "COMMIT"))
        return 1;
    double committed = now_ms();
    printf("floor rows=%lld insert_ms=%.1f commit_ms=%.1f\n", rows->count, inserted - started,
           committed - inserted);
    return 0;
}

static int print_checksum(sqlite3 *db)
{
    static const char query[] =
        "SELECT count(*), sum(id), sum(account_id), sum(quantity), sum(length(ticker)), "
        "count(price), printf('%.4f', total(price)), sum(typeof(price) = 'real'), "
        "count(note), sum(length(note)), sum(note = ''), sum(instr(note, '\"') > 0) "
        "FROM bench_trade";
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, query, -1, &stmt, NULL) != SQLITE_OK)
        return sql_fail(db, "cannot summarize bench_trade");
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return sql_fail(db, "cannot summarize bench_trade");
    }
    fputs("checksum", stdout);
    for (int c = 0; c < sqlite3_column_count(stmt); c++) {
        const unsigned char *text = sqlite3_column_text(stmt, c);
        printf(" %s", text ? (const char *)text : "NULL");
    }
    putchar('\n');
    sqlite3_finalize(stmt);
    return 0;
}

static int print_schema(sqlite3 *db)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = 'bench_trade'", -1,
                           &stmt, NULL) != SQLITE_OK)
        return sql_fail(db, "cannot read the schema");
    fputs("schema ", stdout);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(stmt, 0);
        int space = 0;
        for (const char *p = sql ? sql : ""; *p; p++) {
            bool blank = *p == ' ' || *p == '\n' || *p == '\t';
            if (blank && !space)
                putchar(' ');
            else if (!blank)
                putchar(*p);
            space = blank;
        }
    }
    putchar('\n');
    sqlite3_finalize(stmt);
    return 0;
}

static int command_load(long long count, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "sqlite_floor: %s exists; refusing to load into it\n", path);
        return 1;
    }
    packed_rows rows = {0};
    if (pack_rows(count, &rows)) {
        free_rows(&rows);
        return 1;
    }
    sqlite3 *db = NULL;
    int rc =
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
            ? sql_fail(db, "cannot create the database")
            : 0;
    /* As foster's backend: its marker, then its tuning, then the table. */
    if (!rc)
        rc = exec(db, "PRAGMA application_id = 1718580084");
    if (!rc)
        rc = exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; "
                      "PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY");
    if (!rc)
        rc = exec(db, BENCH_CREATE_TABLE);
    if (!rc)
        rc = load(db, &rows);
    free_rows(&rows);
    if (!rc)
        rc = print_checksum(db);
    if (!rc)
        rc = print_schema(db);
    sqlite3_close(db);
    return rc;
}

static int command_checksum(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
                 ? sql_fail(db, "cannot open the database")
                 : 0;
    if (!rc)
        rc = print_checksum(db);
    if (!rc)
        rc = print_schema(db);
    sqlite3_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "load") == 0) {
        char *end;
        long long count = strtoll(argv[2], &end, 10);
        if (*end || count < 0) {
            fprintf(stderr, "sqlite_floor: ROWS must be a number >= 0, not \"%s\"\n", argv[2]);
            return 2;
        }
        return command_load(count, argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "checksum") == 0)
        return command_checksum(argv[2]);
    if (argc == 2 && strcmp(argv[1], "version") == 0)
        return puts(sqlite3_libversion()) < 0;
    fprintf(stderr, "usage: sqlite_floor load ROWS DBPATH\n"
                    "       sqlite_floor checksum DBPATH\n"
                    "       sqlite_floor version\n");
    return 2;
}
