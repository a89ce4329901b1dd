/* test_csv.c — specification of the streaming CSV reader (src/csv.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diag.h"
#include "strbuf.h"
#include "test_data.h"

/* A reader over bytes in memory, with everything a test must free. */
typedef struct memory_csv {
    FILE *stream;
    csv_reader *reader;
    diag_list diags;
    csv_row row;
} memory_csv;

static void open_bytes(memory_csv *csv, const char *bytes, size_t length)
{
    memset(csv, 0, sizeof *csv);
    csv->stream = fmemopen((void *)bytes, length, "r");
    ck_assert_ptr_nonnull(csv->stream);
    csv->reader = csv_open_stream(csv->stream, "mem.csv", &csv->diags);
    ck_assert_ptr_nonnull(csv->reader);
}

static void open_text(memory_csv *csv, const char *text)
{
    open_bytes(csv, text, strlen(text));
}

static int next(memory_csv *csv)
{
    return csv_next_row(csv->reader, &csv->row, &csv->diags);
}

static void close_csv(memory_csv *csv)
{
    csv_close(csv->reader);
    fclose(csv->stream);
    diag_list_clear(&csv->diags);
}

/* Path of a file under tests/data/csv; the caller frees it. */
static char *data_path(const char *name)
{
    return test_data_path("csv", name);
}

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

/* ---- rows and line ends ---- */

START_TEST(test_simple_rows_split_at_commas)
{
    memory_csv csv;
    open_text(&csv, "id,name,x\n1,abc,yz\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(csv.row.line, 1);
    EXPECT_FIELD(csv.row, 0, "id", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "name", false, 1, 4);
    EXPECT_FIELD(csv.row, 2, "x", false, 1, 9);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(csv.row.line, 2);
    EXPECT_FIELD(csv.row, 0, "1", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "abc", false, 2, 3);
    EXPECT_FIELD(csv.row, 2, "yz", false, 2, 7);
    ck_assert_int_eq(next(&csv), 0);
    ck_assert_uint_eq(csv.diags.count, 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_crlf_ends_rows_without_leaving_cr_in_values)
{
    memory_csv csv;
    open_text(&csv, "a,b\r\nc,d\r\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 1, "b", false, 1, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    ck_assert_uint_eq(csv.row.count, 2);
    EXPECT_FIELD(csv.row, 0, "c", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "d", false, 2, 3);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_lone_cr_ends_rows)
{
    memory_csv csv;
    open_text(&csv, "a\rb,c\rd");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "a", false, 1, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    EXPECT_FIELD(csv.row, 1, "c", false, 2, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 3);
    EXPECT_FIELD(csv.row, 0, "d", false, 3, 1);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_final_row_without_line_end_is_read)
{
    memory_csv csv;
    open_text(&csv, "a,b\nc,\"d\"");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 2);
    EXPECT_FIELD(csv.row, 0, "c", false, 2, 1);
    EXPECT_FIELD(csv.row, 1, "d", false, 2, 3);
    ck_assert_int_eq(next(&csv), 0);
    ck_assert_int_eq(next(&csv), 0); /* end of file stays end of file */
    close_csv(&csv);
}
END_TEST

START_TEST(test_empty_file_has_no_rows)
{
    FILE *stream = tmpfile();
    ck_assert_ptr_nonnull(stream);
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open_stream(stream, NULL, &diags);
    ck_assert_str_eq(csv_name(reader), "<stream>");
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    fclose(stream);
}
END_TEST

START_TEST(test_utf8_bom_is_skipped_and_not_counted_in_columns)
{
    char *path = data_path("bom_crlf.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "bom_crlf.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_uint_eq(row.count, 2);
    EXPECT_FIELD(row, 0, "id", false, 1, 1);
    EXPECT_FIELD(row, 1, "name", false, 1, 4);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    EXPECT_FIELD(row, 1, "", false, 2, 3); /* "" */
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 3);
    EXPECT_FIELD(row, 1, "", true, 3, 3); /* nothing after the comma */
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_int_eq(csv_offset(reader), 22); /* the whole file, BOM included */
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    free(path);
}
END_TEST

START_TEST(test_file_of_only_a_bom_has_no_rows)
{
    memory_csv csv;
    open_text(&csv, "\xEF\xBB\xBF");
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_columns_count_bytes_not_characters)
{
    memory_csv csv;
    open_text(&csv, "\xC3\xA9t\xC3\xA9,x\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "\xC3\xA9t\xC3\xA9", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "x", false, 1, 7);
    close_csv(&csv);
}
END_TEST

START_TEST(test_rows_may_have_different_field_counts)
{
    memory_csv csv;
    open_text(&csv, "a,b,c\nd\ne,f\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 3);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 2);
    ck_assert_uint_eq(csv.diags.count, 0);
    close_csv(&csv);
}
END_TEST

/* ---- quoting ---- */

START_TEST(test_quoted_field_keeps_commas)
{
    memory_csv csv;
    open_text(&csv, "\"a,b\",c\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 2);
    EXPECT_FIELD(csv.row, 0, "a,b", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "c", false, 1, 7);
    close_csv(&csv);
}
END_TEST

START_TEST(test_quoted_newlines_are_data_and_later_rows_count_them)
{
    char *path = data_path("multiline.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, NULL, &diags);
    ck_assert_ptr_nonnull(reader);
    ck_assert_str_eq(csv_name(reader), path);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 2);
    ck_assert_uint_eq(row.count, 3);
    EXPECT_FIELD(row, 0, "1", false, 2, 1);
    EXPECT_FIELD(row, 1, "first line\nsecond line", false, 2, 3);
    EXPECT_FIELD(row, 2, "a", false, 3, 14);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 4);
    EXPECT_FIELD(row, 1, "x, \"y\"\n", false, 4, 3);
    EXPECT_FIELD(row, 2, "b", false, 5, 3);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(row.line, 6);
    EXPECT_FIELD(row, 1, "plain", false, 6, 3);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 0);
    ck_assert_uint_eq(diags.count, 0);
    csv_close(reader);
    free(path);
}
END_TEST

START_TEST(test_quoted_crlf_is_kept_verbatim_and_counts_as_one_line)
{
    memory_csv csv;
    open_text(&csv, "\"a\r\nb\",c\nd\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "a\r\nb", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "c", false, 2, 4);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 3);
    close_csv(&csv);
}
END_TEST

START_TEST(test_doubled_quote_is_one_quote)
{
    memory_csv csv;
    open_text(&csv, "\"say \"\"hi\"\"\",\"\"\"\"\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "say \"hi\"", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "\"", false, 1, 14);
    close_csv(&csv);
}
END_TEST

/* ---- NULL ---- */

START_TEST(test_unquoted_empty_field_is_null)
{
    memory_csv csv;
    open_text(&csv, ",x,,y\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 4);
    EXPECT_FIELD(csv.row, 0, "", true, 1, 1);
    EXPECT_FIELD(csv.row, 1, "x", false, 1, 2);
    EXPECT_FIELD(csv.row, 2, "", true, 1, 4);
    EXPECT_FIELD(csv.row, 3, "y", false, 1, 5);
    close_csv(&csv);
}
END_TEST

START_TEST(test_quoted_empty_field_is_empty_string)
{
    memory_csv csv;
    open_text(&csv, "\"\",x\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "x", false, 1, 4);
    close_csv(&csv);
}
END_TEST

START_TEST(test_quoted_and_unquoted_text_are_not_null)
{
    memory_csv csv;
    open_text(&csv, "\"ab\",ab\n");
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "ab", false, 1, 1);
    EXPECT_FIELD(csv.row, 1, "ab", false, 1, 6);
    close_csv(&csv);
}
END_TEST

START_TEST(test_trailing_comma_adds_null_field)
{
    memory_csv csv;
    open_text(&csv, "a,\nb,\r\nc,");
    for (int line = 1; line <= 3; line++) {
        ck_assert_int_eq(next(&csv), 1);
        ck_assert_int_eq(csv.row.line, line);
        ck_assert_uint_eq(csv.row.count, 2);
        EXPECT_FIELD(csv.row, 1, "", true, line, 3);
    }
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

START_TEST(test_blank_line_is_one_null_field)
{
    memory_csv csv;
    open_text(&csv, "a\n\nb\r\n\r\nc\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(csv.row.line, 2);
    ck_assert_uint_eq(csv.row.count, 1);
    EXPECT_FIELD(csv.row, 0, "", true, 2, 1);
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "b", false, 3, 1);
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_uint_eq(csv.row.count, 1);
    EXPECT_FIELD(csv.row, 0, "", true, 4, 1);
    ck_assert_int_eq(next(&csv), 1);
    EXPECT_FIELD(csv.row, 0, "c", false, 5, 1);
    ck_assert_int_eq(next(&csv), 0);
    close_csv(&csv);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_unterminated_quote_is_reported_where_it_opened)
{
    char *path = data_path("unterminated.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "fixtures/unterminated.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 3, 5, "unterminated quoted field (opened at line 3, column 5)");
    ck_assert_str_eq(diags.items[0].file, "fixtures/unterminated.csv");
    csv_close(reader);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_quote_inside_unquoted_field_is_rejected)
{
    char *path = data_path("stray_quote.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "stray_quote.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 2, 7,
                    "unexpected '\"' inside an unquoted field; quote the whole field and double "
                    "the quote (\"\")");
    ck_assert_str_eq(diags.items[0].file, "stray_quote.csv");
    csv_close(reader);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_text_after_closing_quote_is_rejected)
{
    char *path = data_path("after_quote.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "after_quote.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 2, 15, "expected ',' or end of line after closing quote, found ' '");
    csv_close(reader);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_after_closing_quote_a_utf8_character_is_shown_whole)
{
    memory_csv csv;
    open_text(&csv, "\"a\"\xC3\xA9\n");
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 1, 4,
                    "expected ',' or end of line after closing quote, found '\xC3\xA9'");
    close_csv(&csv);
}
END_TEST

START_TEST(test_after_closing_quote_a_control_byte_is_shown_in_hex)
{
    memory_csv csv;
    open_text(&csv, "x\n\"a\"\t\n");
    ck_assert_int_eq(next(&csv), 1);
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 2, 4,
                    "expected ',' or end of line after closing quote, found byte 0x09");
    close_csv(&csv);
}
END_TEST

START_TEST(test_nul_byte_is_rejected)
{
    char *path = data_path("nul.csv");
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(path, "nul.csv", &diags);
    ck_assert_ptr_nonnull(reader);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), 1);
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 2, 4, "NUL byte in CSV data");
    csv_close(reader);
    diag_list_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_nul_byte_inside_quoted_field_is_rejected)
{
    static const char bytes[] = "a,\"b\nc\0d\"\n";
    memory_csv csv;
    open_bytes(&csv, bytes, sizeof bytes - 1);
    ck_assert_int_eq(next(&csv), -1);
    EXPECT_ONE_DIAG(csv.diags, 2, 2, "NUL byte in CSV data");
    close_csv(&csv);
}
END_TEST

START_TEST(test_missing_file_is_reported_with_name_and_reason)
{
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open("/nonexistent/foster/none.csv", "fixtures/none.csv", &diags);
    ck_assert_ptr_null(reader);
    EXPECT_ONE_DIAG(diags, 0, 0, "cannot open CSV file: No such file or directory");
    ck_assert_str_eq(diags.items[0].file, "fixtures/none.csv");
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_read_error_is_reported_with_reason)
{
    FILE *stream = fopen("/dev/null", "w"); /* open, but not for reading */
    ck_assert_ptr_nonnull(stream);
    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open_stream(stream, "out.csv", &diags);
    csv_row row;
    ck_assert_int_eq(csv_next_row(reader, &row, &diags), -1);
    EXPECT_ONE_DIAG(diags, 0, 0, "cannot read CSV file: Bad file descriptor");
    ck_assert_str_eq(diags.items[0].file, "out.csv");
    csv_close(reader);
    fclose(stream);
    diag_list_clear(&diags);
}
END_TEST

START_TEST(test_calls_after_error_fail_without_new_diag)
{
    memory_csv csv;
    open_text(&csv, "a\"b\nc\n");
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_uint_eq(csv.diags.count, 1);
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_int_eq(next(&csv), -1);
    ck_assert_uint_eq(csv.diags.count, 1);
    close_csv(&csv);
}
END_TEST

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

static Suite *csv_suite(void)
{
    Suite *suite = suite_create("csv");
    TCase *rows = tcase_create("rows");
    tcase_add_test(rows, test_simple_rows_split_at_commas);
    tcase_add_test(rows, test_crlf_ends_rows_without_leaving_cr_in_values);
    tcase_add_test(rows, test_lone_cr_ends_rows);
    tcase_add_test(rows, test_final_row_without_line_end_is_read);
    tcase_add_test(rows, test_empty_file_has_no_rows);
    tcase_add_test(rows, test_utf8_bom_is_skipped_and_not_counted_in_columns);
    tcase_add_test(rows, test_file_of_only_a_bom_has_no_rows);
    tcase_add_test(rows, test_columns_count_bytes_not_characters);
    tcase_add_test(rows, test_rows_may_have_different_field_counts);
    suite_add_tcase(suite, rows);

    TCase *quoting = tcase_create("quoting");
    tcase_add_test(quoting, test_quoted_field_keeps_commas);
    tcase_add_test(quoting, test_quoted_newlines_are_data_and_later_rows_count_them);
    tcase_add_test(quoting, test_quoted_crlf_is_kept_verbatim_and_counts_as_one_line);
    tcase_add_test(quoting, test_doubled_quote_is_one_quote);
    suite_add_tcase(suite, quoting);

    TCase *nulls = tcase_create("null");
    tcase_add_test(nulls, test_unquoted_empty_field_is_null);
    tcase_add_test(nulls, test_quoted_empty_field_is_empty_string);
    tcase_add_test(nulls, test_quoted_and_unquoted_text_are_not_null);
    tcase_add_test(nulls, test_trailing_comma_adds_null_field);
    tcase_add_test(nulls, test_blank_line_is_one_null_field);
    suite_add_tcase(suite, nulls);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_unterminated_quote_is_reported_where_it_opened);
    tcase_add_test(errors, test_quote_inside_unquoted_field_is_rejected);
    tcase_add_test(errors, test_text_after_closing_quote_is_rejected);
    tcase_add_test(errors, test_after_closing_quote_a_utf8_character_is_shown_whole);
    tcase_add_test(errors, test_after_closing_quote_a_control_byte_is_shown_in_hex);
    tcase_add_test(errors, test_nul_byte_is_rejected);
    tcase_add_test(errors, test_nul_byte_inside_quoted_field_is_rejected);
    tcase_add_test(errors, test_missing_file_is_reported_with_name_and_reason);
    tcase_add_test(errors, test_read_error_is_reported_with_reason);
    tcase_add_test(errors, test_calls_after_error_fail_without_new_diag);
    suite_add_tcase(suite, errors);

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
    suite_add_tcase(suite, streaming);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(csv_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
