/*
 * fuzz_json.c — libFuzzer target for the Django JSON fixture reader: any
 * bytes through fixture_json_parse, then every model it lists iterated with
 * fixture_json_next against a made-up table whose columns are the names of
 * even length (so some fields match, some fall back to <name>_id, some match
 * nothing). Models alternate between a primary key "id" and none.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diag.h"
#include "fixture_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool even_length_column(const void *context, const char *column)
{
    (void)context;
    return strlen(column) % 2 == 0;
}

/* Columns of each kind, so that arrays and JSON documents are read too. */
static json_column_kind kind_by_first_letter(const void *context, const char *column)
{
    (void)context;
    return (json_column_kind)((unsigned char)column[0] % 3);
}

/* Every value is NUL-terminated within its length, NULL values are empty. */
static void check_row(const csv_row *row)
{
    for (size_t i = 0; i < row->count; i++) {
        const csv_field *field = &row->fields[i];
        if (!field->value || strlen(field->value) > field->length)
            abort();
        if (field->is_null && field->length != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_list diags = DIAG_LIST_INIT;
    fixture_json *json = fixture_json_parse((const char *)data, size, "fuzz.json", &diags);
    if (!json) {
        if (diags.count == 0)
            abort();
        diag_list_clear(&diags);
        return 0;
    }

    size_t model_count = fixture_json_model_count(json);
    for (size_t m = 0; m < model_count; m++) {
        const char *model = fixture_json_model(json, m);
        if (!model || fixture_json_model_line(json, m) < 1)
            abort();
        fixture_json_table table = {
            .model = model,
            .primary_key = m % 2 == 0 ? "id" : NULL,
            .has_column = even_length_column,
            .context = NULL,
            .column_kind = kind_by_first_letter,
            .array_literals = m % 2 == 0,
        };
        size_t cursor = 0;
        csv_row header;
        csv_row row;
        int result;
        size_t calls = 0;
        while ((result = fixture_json_next(json, &table, &cursor, &header, &row, &diags)) != 0) {
            if (result == 1) {
                if (header.count != row.count)
                    abort();
                check_row(&header);
                check_row(&row);
                (void)fixture_json_same_header(&header, &header);
            }
            if (++calls > size + 1)
                abort(); /* more rows than bytes: the cursor does not advance */
        }
        diag_list_clear(&diags);
    }
    fixture_json_free(json);
    diag_list_clear(&diags);
    return 0;
}
