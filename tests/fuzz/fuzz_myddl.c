/*
 * fuzz_myddl.c — libFuzzer target for the MySQL schema path: any bytes, as
 * one MySQL schema file, through dialect detection, my_sql_split in both
 * modes (every statement through my_sql_tokenize and sql_token_identifier),
 * my_ddl_analyze_text, every table chosen out of the file (ddl_select_table)
 * and translate_mysql_sqlite. A failure must come with a diag; everything is
 * freed whatever the result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ddl.h"
#include "ddl_select.h"
#include "diag.h"
#include "myddl.h"
#include "mysplit.h"
#include "sqldialect.h"
#include "translate_mysql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tokenize_all(const char *text, size_t size, int keep_layout)
{
    diag_list diags = DIAG_LIST_INIT;
    sql_script script = {0};
    int rc = keep_layout ? my_sql_split_keep_layout(text, size, "fuzz.sql", 0, &script, &diags)
                         : my_sql_split(text, size, "fuzz.sql", 101100, &script, &diags);
    if (rc != 0 && diags.count == 0)
        abort();
    for (size_t i = 0; i < script.count; i++) {
        sql_tokens tokens = {0};
        if (my_sql_tokenize(&script.items[i], "fuzz.sql", &tokens, &diags) != 0 && diags.count == 0)
            abort();
        for (size_t t = 0; t < tokens.count; t++)
            free(sql_token_identifier(&tokens.items[t]));
        sql_tokens_free(&tokens);
    }
    sql_script_free(&script);
    diag_list_clear(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    sql_dialect_evidence evidence;
    if (sql_dialect_detect(text, size, &evidence) != SQL_DIALECT_UNKNOWN && evidence.line < 1)
        abort();
    tokenize_all(text, size, 0);
    tokenize_all(text, size, 1);

    diag_list diags = DIAG_LIST_INIT;
    ddl_file file = {0};
    if (my_ddl_analyze_text(text, size, "fuzz.sql", &file, &diags) == 0) {
        for (size_t t = 0; t < file.table_count; t++) {
            ddl_selection picked = {0};
            if (ddl_select_table(&file, file.tables[t].name, "foster.ini", 1, &picked, &diags) < 0)
                abort(); /* the file creates the table: choosing it cannot fail */
            ddl_selection_free(&picked);
        }
        const ddl_file *files[] = {&file};
        sqlite_script translated = {0};
        translate_notes notes = {0};
        if (translate_mysql_sqlite(files, 1, &translated, &notes, &diags) != 0 && diags.count == 0)
            abort();
        sqlite_script_free(&translated);
        translate_notes_clear(&notes);
    } else if (diags.count == 0) {
        abort();
    }
    ddl_file_free(&file);
    diag_list_clear(&diags);
    return 0;
}
