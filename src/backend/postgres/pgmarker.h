/*
 * pgmarker.h — safety rule 1 on PostgreSQL: every database foster creates
 * carries its marker (db_marker.h) as its COMMENT ON DATABASE, and foster
 * drops, resets or loads into no database without it. All functions work
 * on an administrative connection (not to the database itself) and add one
 * diag when they fail.
 */
#ifndef FOSTER_PGMARKER_H
#define FOSTER_PGMARKER_H

#include <stdbool.h>
#include <sys/types.h>

#include "db_marker.h"
#include "diag.h"
#include "pqapi.h"

/*
 * Whether `name` is a name foster gives a database of run `run_id`:
 * test_<manifest name>_<run_id>, or that followed by _tpl, _next, _old or
 * _<worker number>. A marked database renamed by hand is not one.
 */
bool pg_marker_name_fits(const char *name, const char *run_id);

/*
 * Re-marks every database of the run (`name` and its siblings that carry
 * the run's marker) with `marker`: how `foster up` says "kept". 0, or -1.
 */
int pg_remark_run(PGconn *admin, const char *name, const char *marker, diag_list *diags);

/*
 * A database run `run_id` was creating when its foster died, between
 * CREATE DATABASE and COMMENT: `name` must fit the run (pg_marker_name_fits),
 * carry no comment at all, and hold no table (asked on `database`, a
 * connection to it). Then it is marked with `marker`, so that
 * pg_drop_marked removes it. 1 when marked, 0 when it is not such a
 * database (*why says why, a static phrase), -1 on error with a diag.
 */
int pg_adopt_half_made(PGconn *admin, PGconn *database, const char *name, const char *run_id,
                       const char *marker, const char **why, diag_list *diags);

/* 1 when the server lists database `name`, 0 when not, -1 with a diag on error. */
int pg_database_exists(PGconn *admin, const char *name, diag_list *diags);

/*
 * Reads database `name`'s marker: *marked false when it has none or does not
 * exist; the whole comment into *comment (caller frees) when `comment` is not
 * NULL and it is marked. 1 when the database exists, 0 when not (one query
 * tells both), -1 with a diag.
 */
int pg_marker_read(PGconn *admin, const char *name, bool *marked, char **comment, diag_list *diags);

/*
 * The CREATE DATABASE statement for `name` from `template` (FILE_COPY, the
 * faster strategy for databases this small, on PostgreSQL 15+); caller frees.
 */
char *pg_create_database_sql(PGconn *admin, const char *name, const char *template);

/* COMMENT ON DATABASE `name` IS `marker`. */
int pg_mark_database(PGconn *admin, const char *name, const char *marker, diag_list *diags);

/* CREATE DATABASE `name` TEMPLATE `template`, then the marker. */
int pg_create_marked(PGconn *admin, const char *name, const char *template, const char *marker,
                     diag_list *diags);

/*
 * Drops `name` (ending its sessions, PostgreSQL 13+) when it exists and
 * carries the marker; a missing database is fine; one without the marker is
 * refused.
 */
int pg_drop_marked(PGconn *admin, const char *name, diag_list *diags);

/*
 * Drops `name` without reading its marker: only for the database this
 * process has just created itself and could not finish (see pg_create).
 */
int pg_drop_created(PGconn *admin, const char *name, diag_list *diags);

/* One marked database on a server, as gc sees it. */
typedef struct pg_marked_database {
    char *name;
    db_marker marker;
} pg_marked_database;

/* Every marked database of the server. 0, or -1 with a diag. */
int pg_marked_databases(PGconn *admin, pg_marked_database **out, size_t *count, diag_list *diags);
void pg_marked_databases_free(pg_marked_database *databases, size_t count);

#endif
