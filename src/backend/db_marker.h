/*
 * db_marker.h — safety rule 1 on the server engines: every database foster
 * creates carries a marker naming the run, its owner and where that owner's
 * pid means something (PostgreSQL: the database's comment; MySQL/MariaDB:
 * the schema comment and a `_foster_marker` table),
 *
 *     foster test database; run 1a2b3c4d; pid 4242; host ci-runner-7;
 *     boot 0e9c...; pidns pid:[4026531836]; uid 1000; kept 0; dir /run/user/1000/foster
 *
 * (one line), and foster drops, resets or loads into no database without
 * it. `kept 1` says `foster up` or --keep left it on purpose; `dir` is the
 * runtime directory holding its run record, and comes last (a path may hold
 * "; "). Markers of older versions stop after `host` (or hold no host).
 */
#ifndef FOSTER_DB_MARKER_H
#define FOSTER_DB_MARKER_H

#include <stdbool.h>
#include <stddef.h>

#include "backend_kind.h"

/* What every marker starts with. */
#define DB_MARKER_PREFIX "foster test database; run "

/* A marker's parts; NULL (uid -1) for what an older marker does not say. */
typedef struct db_marker {
    char *run_id;
    long pid;
    char *host; /* "" for markers older than the host field */
    char *boot, *pidns, *dir;
    long uid;
    bool kept;
} db_marker;

/*
 * The marker for run `run_id` of this process, whose record lives in
 * `runtime_dir` (written as its real path; NULL for none); a new string,
 * NULL when memory ran out.
 */
char *db_marker_text(const char *run_id, const char *runtime_dir, bool kept);

/* Whether `text` starts as a marker does. */
bool db_marker_is(const char *text);

/* The run id a marker names, into `run_id` (8 hex digits and a NUL); false when `text` is
 * NULL or no marker. */
bool db_marker_run_id(const char *text, char run_id[9]);

/* `text`'s parts into *out (freed with db_marker_free, also on failure). 0; -1 when it
 * is no marker (no run id or pid) or memory ran out. */
int db_marker_parse(const char *text, db_marker *out);

void db_marker_free(db_marker *marker);

/*
 * Why gc must leave the database of `marker` (backend_gc_must_leave), or
 * NULL when it is abandoned; `name_fits`: the database is named as foster
 * names the marker's run's databases.
 */
const char *db_marker_must_leave(const backend_gc *gc, const db_marker *marker, bool name_fits,
                                 char *why, size_t size);

#endif
