/*
 * translate_refusal.c — the error of an untranslatable construct, with its
 * <stem>.sqlite.sql hint. See translate_refusal.h.
 */
#include "translate_refusal.h"

#include <string.h>

diag *translate_refusal(diag_list *diags, const char *file, const sql_token *at, const char *fmt,
                        va_list args)
{
    diag *d = diag_addv(diags, file, at->line, at->column, fmt, args);
    if (!d)
        return NULL;
    diag_set_kind(d, DIAG_BAD_INPUT);
    size_t stem = strlen(file);
    if (stem >= 4 && strcmp(file + stem - 4, ".sql") == 0)
        stem -= 4;
    diag_set_hint(d,
                  "write a SQLite version of this table in %.*s.sqlite.sql; foster uses it "
                  "instead of %s on SQLite",
                  (int)stem, file, file);
    return d;
}
