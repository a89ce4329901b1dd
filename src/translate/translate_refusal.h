/*
 * translate_refusal.h — what both translators to SQLite (PostgreSQL's and
 * MySQL's) say about a construct they cannot translate: the file, line and
 * column of the token, bad input, and the hint every such error carries —
 * a hand-written <stem>.sqlite.sql beside the file replaces it on SQLite.
 */
#ifndef FOSTER_TRANSLATE_REFUSAL_H
#define FOSTER_TRANSLATE_REFUSAL_H

#include <stdarg.h>

#include "diag.h"
#include "sqlsplit.h"

/* Adds the error at `at` in `file`; the diag, or NULL when memory ran out. */
diag *translate_refusal(diag_list *diags, const char *file, const sql_token *at, const char *fmt,
                        va_list args) __attribute__((format(printf, 4, 0)));

#endif
