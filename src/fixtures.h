/*
 * fixtures.h — loads fixture files (.csv, .sql) into a backend, in the
 * tables' dependency order, inside one transaction, and validates them
 * without a database for `foster check`.
 *
 * CSV rules on top of csv.h: the first row names the columns (each a column
 * of the table, none twice); every row has as many fields as the header;
 * blank lines are skipped when the table has more than one column.
 */
#ifndef FOSTER_FIXTURES_H
#define FOSTER_FIXTURES_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "diag.h"
#include "schema.h"

/* Told after each fixture file loads. */
typedef void (*fixtures_report_fn)(void *context, const char *table, const char *file,
                                   long long rows, double seconds);

/*
 * Told every few thousand rows while a CSV file loads: how far it is, in rows
 * and in bytes of the file (`bytes_total` its size, 0 when unknown), and the
 * seconds since the file began.
 */
typedef void (*fixtures_tick_fn)(void *context, const char *table, const char *file, long long rows,
                                 long long bytes_read, long long bytes_total, double seconds);

typedef struct fixtures_loader {
    backend *backend;
    const schema_set *schemas;
    fixtures_report_fn report;              /* may be NULL */
    fixtures_tick_fn tick;                  /* may be NULL */
    void *report_context;                   /* for report and tick */
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    bool interrupted;                       /* set when loading stopped for *interrupt */
} fixtures_loader;

/*
 * Loads every fixture of every manifest table, in order, in one transaction
 * (rolled back on any error). Returns 0, or -1 with a diag.
 */
int fixtures_load_manifest(fixtures_loader *loader, diag_list *diags);

/*
 * Loads the given files, in one transaction. A .csv file belongs to the
 * manifest table whose name is the file's base name without ".csv" (or which
 * lists the file among its fixtures); files are loaded in table order, .sql
 * files after them in the order given.
 */
int fixtures_load_files(fixtures_loader *loader, const char *const *files, size_t count,
                        diag_list *diags);

/*
 * Reads every fixture of the manifest and checks it against the tables'
 * columns (unknown or repeated columns, field counts, NULL in a NOT NULL
 * column, NOT NULL columns without default left out), without a database.
 * Adds every problem; returns 0 or -1.
 */
int fixtures_check(const schema_set *schemas, diag_list *diags);

/*
 * Finds the first data row of the CSV fixture `file` whose column named
 * `column` (per its header) holds `value`, for messages about a row the
 * database rejected after the fact (a deferred foreign key). Returns its line
 * and sets *field_column, or 0 when there is none (or the file is unreadable).
 */
int fixtures_find_value(const char *file, const char *column, const char *value, int *field_column);

#endif
