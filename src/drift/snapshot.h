/*
 * snapshot.h — the schema files `foster snapshot` writes: the owner's dump of
 * one table under a header that says foster wrote it, which files it may
 * overwrite (its own, or a pg_dump file as pg_dump wrote it — never a
 * hand-written file such as a <table>.sqlite.sql), and whether a file would
 * change. pg_dump's `\restrict KEY` lines carry a new random key on every run
 * and are not a change.
 */
#ifndef FOSTER_DRIFT_SNAPSHOT_H
#define FOSTER_DRIFT_SNAPSHOT_H

#include <stdbool.h>

#include "diag.h"

/* The first line of every file foster snapshot writes. */
#define SNAPSHOT_HEADER "-- foster snapshot of table "

/*
 * The text of table `table`'s file: the header, the definitions of the types
 * it is the first to use (`types`, may be NULL or ""), and `dump` as the
 * engine's dump tool wrote it. A new string, NULL when memory ran out.
 */
char *snapshot_text(const char *table, const char *source, const char *types, const char *dump);

typedef enum snapshot_state {
    SNAPSHOT_NEW,     /* no file yet */
    SNAPSHOT_SAME,    /* the file says the same (restrict keys aside) */
    SNAPSHOT_CHANGED, /* a file foster may overwrite, with other contents */
    SNAPSHOT_FOREIGN, /* a file foster did not write and does not know: never overwritten */
} snapshot_state;

/*
 * How `path` compares with `text` for table `table`. SNAPSHOT_FOREIGN adds a
 * diag naming the file and why (another table's snapshot, a hand-written
 * file); -1 only when it cannot be read (with a diag).
 */
int snapshot_compare(const char *path, const char *table, const char *text, snapshot_state *state,
                     diag_list *diags);

/*
 * Writes `text` to `path` (through a temporary file and rename; mode 0666
 * less the umask), making its folder when that is missing.
 */
int snapshot_write(const char *path, const char *text, diag_list *diags);

#endif
