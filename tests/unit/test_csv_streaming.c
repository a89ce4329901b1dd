/*
 * test_csv_streaming.c — reading in chunks: the offset, fields and line ends split by a chunk
 * boundary, buffers reused from row to row, and a million rows.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_csv.h"
#include "strbuf.h"

/* ---- streaming ---- */

START_TEST(test_offset_grows_with_each_row)
{
    memory_csv csv;
    open_text(&csv, "ab,c\r\nd\n\"e\nf\"");
    ck_assert_int_eq(csv_offset(csv.reader), 0);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_ge(csv_offset(csv.reader), 5); /* at least past "ab,c\r" */
    ck_assert_int_le(csv_offset(csv.reader), 6);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv_offset(csv.reader), 8);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv_offset(csv.reader), 13);
    ck_assert_int_eq(next(&csv), 0);
    ck_assert_int_eq(csv_offset(csv.reader), 13);
    close_csv(&csv);
}
END_TEST

START_TEST(test_close_leaves_a_given_stream_open)
{
    memory_csv csv;
    open_text(&csv, "a,b\n");
    ck_assert_int_eq(next(&csv), 1);
    csv_close(csv.reader);
    ck_assert_int_eq(fseek(csv.stream, 0, SEEK_SET), 0);
    ck_assert_int_eq(fgetc(csv.stream), 'a');
    fclose(csv.stream);
}
END_TEST

/* `count` copies of `byte`, NUL-terminated; the caller frees it. */
static char *repeated(char byte, size_t count)
{
    char *text = malloc(count + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, byte, count);
    text[count] = '\0';
    return text;
}

START_TEST(test_field_longer_than_a_chunk_grows_the_buffer)
{
    size_t long_length = 200 * 1000;
    char *long_value = repeated('v', long_length);
    char *text = strbuf_format("a,%s,b\n\"%s\"\"\",c\n", long_value, long_value);
    ck_assert_ptr_nonnull(text);
    memory_csv csv;
    open_text(&csv, text);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    EXPECT_FIELD(csv.row, 1, long_value, false, 1, 3);
    EXPECT_FIELD(csv.row, 2, "b", false, 1, (int)long_length + 4);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    ck_assert_uint_eq(csv.row.fields[0].length, long_length + 1);
    ck_assert_int_eq(csv.row.fields[0].value[long_length], '"');
    ck_assert_int_eq(memcmp(csv.row.fields[0].value, long_value, long_length), 0);
    EXPECT_FIELD(csv.row, 1, "c", false, 2, (int)long_length + 6);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
    free(text);
    free(long_value);
}
END_TEST

/*
 * A first row of `first_row_length` bytes (LF included), then `tail`: puts the
 * chunk boundary wherever a test wants it inside `tail`. The caller frees it.
 */
static char *after_filler_row(size_t first_row_length, const char *tail)
{
    char *filler = repeated('x', first_row_length - 1);
    char *text = strbuf_format("%s\n%s", filler, tail);
    ck_assert_ptr_nonnull(text);
    free(filler);
    return text;
}

START_TEST(test_crlf_split_by_chunk_boundary_ends_one_row)
{
    /* The first row's CR is the last byte of the first chunk, its LF the first of the next. */
    char *filler = repeated('x', FOSTER_CSV_CHUNK - 1);
    char *text = strbuf_format("%s\r\nb\r\n", filler);
    memory_csv csv;
    open_text(&csv, text);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.fields[0].length, FOSTER_CSV_CHUNK - 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 1);
    EXPECT_FIELD(csv.row, 0, "b", false, 2, 1);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
    free(text);
    free(filler);
}
END_TEST

START_TEST(test_quoted_field_split_by_chunk_boundary_is_whole)
{
    /* The opening quote is the last byte of the first chunk. */
    char *text = after_filler_row(FOSTER_CSV_CHUNK - 3, "a,\"b,\"\"c\"\"\nd\",e\n");
    memory_csv csv;
    open_text(&csv, text);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    EXPECT_FIELD(csv.row, 0, "a", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "b,\"c\"\nd", false, 2, 3);
    EXPECT_FIELD(csv.row, 2, "e", false, 3, 4);
    close_csv(&csv);
    free(text);
}
END_TEST

START_TEST(test_every_chunk_boundary_position_parses_the_same)
{
    static const char tail[] = "\"a,\"\"b\r\nc\",d\r\ne\r\n";
    /* Move the boundary across every byte of the tail, and just before it. */
    for (size_t before = 0; before <= sizeof tail; before++) {
        char *text = after_filler_row(FOSTER_CSV_CHUNK - before, tail);
        memory_csv csv;
        open_text(&csv, text);
        ck_assert_int_eq(next(&csv), 1);
        ck_assert_int_eq(next(&csv), 1);
        ck_assert_int_eq(csv.row.line, 2);
        ck_assert_uint_eq(csv.row.count, 2);
        EXPECT_FIELD(csv.row, 0, "a,\"b\r\nc", false, 2, 1);
        EXPECT_FIELD(csv.row, 1, "d", false, 3, 4);
        ck_assert_int_eq(next(&csv), 1);
        ck_assert_uint_eq(csv.row.count, 1);
        EXPECT_FIELD(csv.row, 0, "e", false, 4, 1);
        ck_assert_int_eq(next(&csv), 0);
        ck_assert_uint_eq(csv.diags.count, 0);
        close_csv(&csv);
        free(text);
    }
}
END_TEST

START_TEST(test_unterminated_quote_position_survives_chunk_boundaries)
{
    char *text = after_filler_row(10, "1,\"open");
    char *padding = repeated('p', 3 * FOSTER_CSV_CHUNK);
    char *longer = strbuf_format("%s%s\n2,x\n", text, padding);
    memory_csv csv;
    open_text(&csv, longer);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 2, 3, "unterminated quoted field (opened at line 2, column 3)");
    close_csv(&csv);
    free(longer);
    free(padding);
    free(text);
}
END_TEST

START_TEST(test_rows_reuse_the_reader_buffers)
{
    size_t rows = 10000;
    strbuf text = STRBUF_INIT;
    for (size_t i = 0; i < rows; i++)
        strbuf_appendf(&text, "%zu,\"name %zu\",,x\n", i, i % 10);
    ck_assert(!text.failed);
    memory_csv csv;
    open_text(&csv, text.data);
    ck_assert_int_eq(next(&csv), 1);
    const csv_field *fields = csv.row.fields;
    const char *first_value = csv.row.fields[0].value;
    size_t seen = 1;
    int result;
    while ((result = next(&csv)) == 1) {
        ck_assert_ptr_eq(csv.row.fields, fields);
        ck_assert_ptr_eq(csv.row.fields[0].value, first_value);
        seen++;
        if (seen == rows) {
            ck_assert_int_eq(csv.row.line, (int)rows);
            EXPECT_FIELD(csv.row, 0, "9999", false, (int)rows, 1);
            EXPECT_FIELD(csv.row, 1, "name 9", false, (int)rows, 6);
            EXPECT_FIELD(csv.row, 2, "", true, (int)rows, 15);
        }
    }
    ck_assert_int_eq(result, 0);
    ck_assert_uint_eq(seen, rows);
    close_csv(&csv);
    strbuf_free(&text);
}
END_TEST

START_TEST(test_million_rows_are_all_read)
{
    size_t rows = 1000 * 1000;
    strbuf text = STRBUF_INIT;
    for (size_t i = 0; i < rows; i++)
        strbuf_appendf(&text, "%zu,name %zu,\"q, %zu\",%s\n", i, i, i % 7, i % 2 ? "" : "t");
    ck_assert(!text.failed);
    memory_csv csv;
    open_text(&csv, text.data);
    size_t seen = 0;
    size_t nulls = 0;
    while (next(&csv) == 1) {
        ck_assert_uint_eq(csv.row.count, 4);
        nulls += csv.row.fields[3].is_null;
        seen++;
    }
    ck_assert_uint_eq(csv.diags.count, 0);
    ck_assert_uint_eq(seen, rows);
    ck_assert_uint_eq(nulls, rows / 2);
    ck_assert_int_eq(csv_offset(csv.reader), (long long)text.length);
    close_csv(&csv);
    strbuf_free(&text);
}
END_TEST

TCase *csv_streaming_tcase(void)
{
    TCase *streaming = tcase_create("streaming");
    tcase_set_timeout(streaming, 60);
    tcase_add_test(streaming, test_offset_grows_with_each_row);
    tcase_add_test(streaming, test_close_leaves_a_given_stream_open);
    tcase_add_test(streaming, test_field_longer_than_a_chunk_grows_the_buffer);
    tcase_add_test(streaming, test_crlf_split_by_chunk_boundary_ends_one_row);
    tcase_add_test(streaming, test_quoted_field_split_by_chunk_boundary_is_whole);
    tcase_add_test(streaming, test_every_chunk_boundary_position_parses_the_same);
    tcase_add_test(streaming, test_unterminated_quote_position_survives_chunk_boundaries);
    tcase_add_test(streaming, test_rows_reuse_the_reader_buffers);
    tcase_add_test(streaming, test_million_rows_are_all_read);
    return streaming;
}
