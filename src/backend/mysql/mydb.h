/*
 * mydb.h — test databases on a MySQL/MariaDB server and safety rule 1 there:
 * every database foster creates carries a marker naming the run, the process
 * and the host, in the words PostgreSQL's marker uses,
 *
 *     foster test database; run 1a2b3c4d; pid 4242; host ci-runner-7
 *
 * and foster drops, resets or loads into no database without it.
 *
 * Where the marker lives: MariaDB >= 10.5 keeps a schema comment
 * (CREATE DATABASE … COMMENT, information_schema.SCHEMATA.SCHEMA_COMMENT):
 * invisible to the suite's own SHOW TABLES and to Django's introspection, and
 * written in the same statement that creates the database, so there is no
 * moment when a foster database exists unmarked. MySQL 8 has no schema
 * comment; there the marker is a one-row table `_foster_marker` (marker
 * TEXT) in the database, created right after it: the admin connection can
 * read it with nothing but the privileges CREATE DATABASE implies, and it
 * goes with DROP DATABASE. Which one a server has is asked of the server
 * (the SCHEMA_COMMENT column), not guessed from its version string; a
 * database carrying either is marked.
 *
 * All functions take an administrative connection (not one to the database
 * itself) and add one diag when they fail.
 */
#ifndef FOSTER_MYDB_H
#define FOSTER_MYDB_H

#include <stdbool.h>

#include "db_marker.h"
#include "diag.h"
#include "myapi.h"

#define MY_MARKER_TABLE "_foster_marker"

typedef enum my_marker_place {
    MY_MARKER_AUTO,       /* the schema comment where the server has one, else the table */
    MY_MARKER_COMMENT,    /* the schema comment (MariaDB >= 10.5) */
    MY_MARKER_TABLE_ONLY, /* the table, as on MySQL 8 (tests use it to cover that path) */
} my_marker_place;

/* "test_<name>_<run_id>", cut to MySQL's 64 characters; caller frees. */
char *my_db_name(const char *name, const char *run_id);

/*
 * Creates database `name` (utf8mb4) carrying run `run_id`'s marker. 0, or -1
 * with a diag; a database half made (created, marker table failed) is
 * dropped again.
 */
int my_db_create(MYSQL *admin, const char *name, const char *run_id, my_marker_place place,
                 diag_list *diags);

/* The same with the caller's marker text (it must start with DB_MARKER_PREFIX "<run>;"). */
int my_db_create_marked(MYSQL *admin, const char *name, const char *marker, my_marker_place place,
                        diag_list *diags);

/* Replaces the marker of database `name` (where it keeps it). 0, or -1 with a diag. */
int my_db_set_marker(MYSQL *admin, const char *name, const char *marker, diag_list *diags);

typedef enum my_marker_state {
    MY_MARKED,
    MY_NOT_MARKED,   /* exists without foster's marker */
    MY_NOT_FOUND,    /* no such database */
    MY_MARKER_ERROR, /* could not tell (diag) */
} my_marker_state;

/* Whether the server keeps schema comments (the SCHEMA_COMMENT column): 1, 0, or -1 with a diag. */
int my_db_has_schema_comments(MYSQL *admin, diag_list *diags);

/* Reads `name`'s marker; *marker (may be NULL) gets its text when MY_MARKED (caller frees). */
my_marker_state my_db_read_marker(MYSQL *admin, const char *name, char **marker, diag_list *diags);

/*
 * Drops `name` after checking its marker (and, when `run_id` is not NULL, that
 * it names that run). 0; -1 with a diag that says "not marked", "belongs to
 * run …" or "does not exist" and drops nothing.
 */
int my_db_drop(MYSQL *admin, const char *name, const char *run_id, diag_list *diags);

#endif
