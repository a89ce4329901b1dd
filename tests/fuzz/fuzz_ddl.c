/*
 * fuzz_ddl.c — libFuzzer target for the schema path: any bytes, as one
 * PostgreSQL schema file, through sql_split, every statement through
 * sql_tokenize, then ddl_analyze, ddl_select_table for every table it
 * creates (what a dump gives each table) and translate_sqlite. Everything is freed
 * whatever the result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ddl.h"
#include "ddl_select.h"
#include "diag.h"
#include "sqlsplit.h"
#include "translate_sqlite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_list diags = DIAG_LIST_INIT;
    sql_script script = {0};
    if (sql_split((const char *)data, size, "fuzz.sql", &script, &diags) != 0) {
        if (diags.count == 0)
            abort();
        sql_script_free(&script);
        diag_list_clear(&diags);
        return 0;
    }

    for (size_t i = 0; i < script.count; i++) {
        sql_tokens tokens = {0};
        diag_list token_diags = DIAG_LIST_INIT;
        (void)sql_tokenize(&script.items[i], "fuzz.sql", &tokens, &token_diags);
        for (size_t t = 0; t < tokens.count; t++) {
            char *identifier = sql_token_identifier(&tokens.items[t]);
            free(identifier);
        }
        sql_tokens_free(&tokens);
        diag_list_clear(&token_diags);
    }

    ddl_file file = {0};
    int analysed = ddl_analyze(&script, "fuzz.sql", &file, &diags);
    if (analysed == 0) {
        const ddl_file *files[] = {&file};
        sqlite_script translated = {0};
        translate_notes notes = {DIAG_LIST_INIT, DIAG_LIST_INIT};
        (void)translate_sqlite(files, 1, &translated, &notes, &diags);
        sqlite_script_free(&translated);
        translate_notes_clear(&notes);
        for (size_t t = 0; t < file.table_count; t++) {
            ddl_selection selection = {0};
            (void)ddl_select_table(&file, file.tables[t].name, "fuzz.ini", 1, &selection, &diags);
            ddl_selection_free(&selection);
        }
    }
    ddl_file_free(&file);
    diag_list_clear(&diags);
    return 0;
}
