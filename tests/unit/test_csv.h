/*
 * test_csv.h — what the test_csv*.c files share: a CSV reader over bytes in memory, the
 * asserts on a field and on the one problem reported, reading the first row of a text, and
 * one TCase per group of cases (test_csv.c holds the helpers and main()).
 */
#ifndef FOSTER_TEST_CSV_H
#define FOSTER_TEST_CSV_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "diag.h"

/* A reader over bytes in memory, with everything a test must free. */
typedef struct memory_csv {
    FILE *stream;
    csv_reader *reader;
    diag_list diags;
    csv_row row;
} memory_csv;

/* Opens a reader, named "mem.csv", over `length` bytes. */
void open_bytes(memory_csv *csv, const char *bytes, size_t length);

/* Opens a reader, named "mem.csv", over `text`. */
void open_text(memory_csv *csv, const char *text);

/* The next row into csv->row: 1, 0 at the end, -1 on an error (a problem added). */
int next(memory_csv *csv);

/* Closes the reader and the stream and frees the problems. */
void close_csv(memory_csv *csv);

/* Path of a file under tests/data/csv; the caller frees it. */
char *data_path(const char *name);

#define EXPECT_FIELD(row, index, text, null, at_line, at_column)                                   \
    do {                                                                                           \
        const csv_field *field_ = &(row).fields[index];                                            \
        ck_assert_str_eq(field_->value, (text));                                                   \
        ck_assert_uint_eq(field_->length, strlen(text));                                           \
        ck_assert_int_eq(field_->is_null, (null));                                                 \
        ck_assert_int_eq(field_->line, (at_line));                                                 \
        ck_assert_int_eq(field_->column, (at_column));                                             \
    } while (0)

#define EXPECT_ONE_DIAG(diags, at_line, at_column, text)                                           \
    do {                                                                                           \
        ck_assert_uint_eq((diags).count, 1);                                                       \
        ck_assert_int_eq((diags).items[0].line, (at_line));                                        \
        ck_assert_int_eq((diags).items[0].column, (at_column));                                    \
        ck_assert_str_eq((diags).items[0].message, (text));                                        \
    } while (0)

/* One field expected of a row: its index, value, whether NULL, line and column. */
typedef struct expected_field {
    size_t index;
    const char *value;
    bool is_null;
    int line;
    int column;
} expected_field;

#define LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* The first row of `text` has `count` fields, each of `expected` as it says. */
void check_first_row(const char *text, size_t count, const expected_field *expected,
                     size_t expected_count);

/* The groups of cases, in the order main() runs them. */
TCase *csv_rows_tcase(void);      /* test_csv_rows.c */
TCase *csv_quoting_tcase(void);   /* test_csv_fields.c */
TCase *csv_null_tcase(void);      /* test_csv_fields.c */
TCase *csv_errors_tcase(void);    /* test_csv_errors.c */
TCase *csv_streaming_tcase(void); /* test_csv_streaming.c */

#endif
