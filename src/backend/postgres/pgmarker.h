/*
 * pgmarker.h — safety rule 1 on PostgreSQL: every database foster creates
 * carries a COMMENT ON DATABASE naming the run, the process and the host,
 *
 *     foster test database; run 1a2b3c4d; pid 4242; host ci-runner-7
 *
 * and foster drops, resets or loads into no database without it. All
 * functions work on an administrative connection (not to the database
 * itself) and add one diag when they fail.
 */
#ifndef FOSTER_PGMARKER_H
#define FOSTER_PGMARKER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

/* What every marker starts with. */
#define PG_MARKER_PREFIX "foster test database; run "

/* The marker for run `run_id` of this process on this host; caller frees. */
char *pg_marker_text(const char *run_id);

/*
 * Reads database `name`'s marker: *marked false when it has none or does not
 * exist; the whole comment into *comment (caller frees) when `comment` is not
 * NULL and it is marked. 0, or -1 with a diag.
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

/* One marked database on a server, as gc sees it. */
typedef struct pg_marked_database {
    char *name;
    char *run_id;
    pid_t pid;
    char *host; /* "" for markers older than the host field */
} pg_marked_database;

/* Every marked database of the server. 0, or -1 with a diag. */
int pg_marked_databases(PGconn *admin, pg_marked_database **out, size_t *count, diag_list *diags);
void pg_marked_databases_free(pg_marked_database *databases, size_t count);

#endif
