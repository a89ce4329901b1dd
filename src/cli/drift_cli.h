/*
 * drift_cli.h — what the commands on the owner's schema (commands_drift.c)
 * share with their printing (drift_print.c). Private to src/cli/.
 */
#ifndef FOSTER_DRIFT_CLI_H
#define FOSTER_DRIFT_CLI_H

#include <stdio.h>

#include "backend_kind.h"
#include "cli.h"
#include "diag.h"
#include "drift.h"
#include "manifest.h"
#include "model.h"

/* ---- commands_drift.c: what snapshot, diff and schema share ---- */

/* What every command here works on: the manifest and the tables it chose. */
typedef struct drift_run {
    const cli *c;
    manifest manifest;
    const manifest_table **tables;
    size_t table_count;
    diag_list problems;
} drift_run;

void drift_run_free(drift_run *run);
/* The problems found, on stderr (and as JSON on stdout with --json); returns `status`. */
int drift_report_problems(drift_run *run, int status);
/* The manifest of -c, $FOSTER_CONFIG or the nearest foster.ini, resolved; 0 or EXIT_USAGE. */
int drift_load_manifest(drift_run *run, bool files_may_be_missing);
/* The tables the arguments from `first` on name, else all; 0, EXIT_USAGE or EXIT_DRIFT_ERROR. */
int drift_choose_tables(drift_run *run, int first);
/* The chosen tables' names (a new array of borrowed strings), NULL on no memory. */
const char **drift_table_names(const drift_run *run);
/* Adds the schema file at `path` to `model`: only `table` (NULL: all), and every type;
 * read in `dialect` (the manifest's; SQL_DIALECT_UNKNOWN: told from the file). */
int drift_add_schema_file(table_model *model, const char *path, const char *display,
                          const char *table, sql_dialect dialect, diag_list *problems);
/* Adds every table and type of the SQL text `sql` (a dump) to `model`, named `label`. */
int drift_read_dump(const char *sql, const char *label, table_model *model, diag_list *problems);
/* The kind that dumps the owner's schema at `url`, or NULL with a diag (a usage error). */
const backend_kind *drift_owner_kind(drift_run *run, const char *option, const char *url);
/* `url` without its password, for messages (a new string). */
char *drift_owner_label(const backend_kind *kind, const char *url);

/* ---- drift_print.c ---- */

/* `diff`'s report like a unified diff: "-" our files, "+" theirs, each with our file:line. */
void drift_print_text(FILE *out, const drift_report *report, const char *ours, const char *theirs);
/* {"drift": bool, "ours": ..., "theirs": ..., "differences": [...]} */
void drift_print_json(FILE *out, const drift_report *report, const char *ours, const char *theirs);
/* `schema`: the tables of `model` named by `tables`, as text or as one JSON object. */
void model_print(FILE *out, const table_model *model, const char *const *tables, size_t count,
                 bool json);
/* {"problems": [{file, line, column, message, hint}]} from a diag list. */
void diags_print_json(FILE *out, const diag_list *problems);

#endif
