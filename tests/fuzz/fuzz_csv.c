/*
 * fuzz_csv.c — libFuzzer target for the CSV reader: any bytes, read from
 * memory through csv_open_stream over fmemopen, every row to the end or to
 * the first error. Checks the header's promises on every field (value
 * NUL-terminated with strlen == length, NULL fields empty, positions 1-based).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses an empty buffer on some C libraries */
    char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    FILE *stream = fmemopen(copy, size, "r");
    if (!stream) {
        free(copy);
        return 0;
    }

    diag_list diags = DIAG_LIST_INIT;
    csv_reader *reader = csv_open_stream(stream, "fuzz.csv", &diags);
    if (reader) {
        csv_row row;
        int result;
        long long last_offset = 0;
        while ((result = csv_next_row(reader, &row, &diags)) == 1) {
            if (row.count == 0 || row.line < 1)
                abort();
            for (size_t i = 0; i < row.count; i++) {
                const csv_field *field = &row.fields[i];
                if (strlen(field->value) != field->length)
                    abort();
                if (field->is_null && field->length != 0)
                    abort();
                if (field->line < row.line || field->column < 1)
                    abort();
            }
            long long offset = csv_offset(reader);
            if (offset < last_offset || offset > (long long)size)
                abort();
            last_offset = offset;
        }
        if (result == -1 && diags.count == 0)
            abort();
        /* Finished readers stay finished. */
        if (csv_next_row(reader, &row, &diags) != result)
            abort();
        csv_close(reader);
    }
    fclose(stream);
    free(copy);
    diag_list_clear(&diags);
    return 0;
}
