/*
 * drift.h — two table models compared, table by table: what the project's
 * schema files ("ours") say against what the owner's database or another
 * snapshot ("theirs") says. Each difference names the table, the object
 * (column, key, check, index, type), what about it differs, both values and
 * the file:line of our side (for something only the owner has: the line of
 * our CREATE TABLE, where it would go).
 *
 * Pure: models in, a list out. Keys and checks are matched by what they are
 * (columns, target, expression), so an unnamed inline PRIMARY KEY and a named
 * one added by ALTER TABLE are the same key; a name is compared only where
 * both sides wrote one (a renamed constraint).
 */
#ifndef FOSTER_DRIFT_H
#define FOSTER_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

typedef enum drift_change {
    DRIFT_MISSING, /* the owner has it, our files do not */
    DRIFT_EXTRA,   /* our files have it, the owner does not */
    DRIFT_CHANGED, /* both have it, differently */
} drift_change;

typedef struct drift_item {
    char *table;
    const char *object_kind; /* "table", "column", "primary key", "unique", "foreign key",
                                "check", "index", "enum", "domain"; with strict
                                "owner", "grant", "comment" */
    char *object;            /* column, key columns, index or type name; NULL for a table */
    const char *aspect;      /* CHANGED: "type", "nullability", "default", "name",
                                "definition", "values"; NULL otherwise */
    drift_change change;
    char *ours;       /* our value, NULL when MISSING */
    char *theirs;     /* theirs, NULL when EXTRA */
    const char *file; /* our side (borrowed from the model), NULL when we have no table */
    int line;
    const char *their_file; /* their side, NULL when they have nothing */
    int their_line;
} drift_item;

typedef struct drift_report {
    drift_item *items;
    size_t count;
} drift_report;

/*
 * Compares `tables` (normalised names) of `ours` and `theirs`, and the enum
 * types and domains their columns use; with `strict`, also ownership, grants
 * and comments. Appends to `out` (zeroed first); 0, or -1 when memory ran
 * out. The models must outlive the report.
 */
int drift_compare(const table_model *ours, const table_model *theirs, const char *const *tables,
                  size_t table_count, bool strict, drift_report *out);

void drift_report_free(drift_report *report);

#endif
