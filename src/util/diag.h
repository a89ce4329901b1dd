/*
 * diag.h — problems found in user input or while provisioning, each with
 * the place a user must look to fix it.
 *
 * Every parser in foster (manifest, SQL splitter, DDL translator, CSV reader)
 * reports through a diag_list instead of printing, so that `foster check` can
 * collect every problem and the other commands can print the first one once,
 * at the top, in the form
 *
 *     foster: error: schemas/album.sql:14:3: unsupported construct "EXCLUDE"
 *     hint: put a SQLite version of this table in schemas/album.sqlite.sql
 */
#ifndef FOSTER_DIAG_H
#define FOSTER_DIAG_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * What kind of problem a diag is, for code that must act on it (attach
 * treats a database that is gone differently from one it may not touch):
 * set where the fact is known (an errno, a SQLSTATE, an engine's answer),
 * never guessed from message text, which libpq translates.
 */
typedef enum diag_kind {
    DIAG_NONE = 0,      /* no problem: what a function returns when it succeeded */
    DIAG_ERROR,         /* not classified further (the default of diag_add) */
    DIAG_BAD_INPUT,     /* the user's files or arguments */
    DIAG_NOT_FOUND,     /* the database, server, container or record does not exist */
    DIAG_NOT_MARKED,    /* exists, but foster did not create it */
    DIAG_INTERRUPTED,   /* a signal asked foster to stop */
    DIAG_OUT_OF_MEMORY, /* an allocation failed */
    DIAG_SYSTEM,        /* a system call failed (errno) */
    DIAG_ENGINE,        /* the database engine, server or container engine refused */
} diag_kind;

/*
 * A row the database refused for a constraint, as data: the layer that knows
 * the fixture files (src/fixtures/) turns it into file:line:column.
 */
typedef struct diag_violation {
    char *table;      /* the table whose row broke the constraint */
    char *constraint; /* its name, NULL when the engine does not say */
    char *column;     /* the column holding `value` */
    char *value;      /* the offending value as text */
    long long row;    /* 1-based row of the data sent, 0 when unknown */
    bool duplicate;   /* a unique key `value` breaks by appearing again: the row at
                         fault is the value's second occurrence, not its first */
    /* Rows that conflict under a key (a unique or exclusion key built after the
       load), as the database found them by the key's own comparison: each is
       key_count values (NULL: SQL NULL) of key_columns, the table's columns the
       key is made of; the row at fault is the one loaded last. 0 rows: none. */
    size_t key_count;
    char **key_columns;
    size_t key_row_count;
    char **key_values; /* key_row_count * key_count, row after row */
} diag_violation;

typedef struct diag {
    char *file;    /* path as the user should read it; NULL when none applies */
    int line;      /* 1-based; 0 when the problem is not on a line */
    int column;    /* 1-based; 0 when unknown */
    char *message; /* never NULL, no trailing newline */
    char *hint;    /* NULL or one sentence telling how to fix it */
    diag_kind kind;
    diag_violation *violation; /* NULL unless a constraint violation (diag_set_violation) */
} diag;

typedef struct diag_list {
    diag *items;
    size_t count;
    size_t capacity;
} diag_list;

/* A zero-initialised diag_list is empty and ready; so is this. */
#define DIAG_LIST_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/*
 * Appends one problem. `file` and `hint` may be NULL. The strings are copied.
 * Returns the new entry, or NULL when memory ran out (the list keeps what it had).
 */
diag *diag_add(diag_list *list, const char *file, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
diag *diag_addv(diag_list *list, const char *file, int line, int column, const char *fmt,
                va_list args) __attribute__((format(printf, 5, 0)));

/* Sets (replacing) the hint of `d`, which may be NULL (then nothing happens). */
void diag_set_hint(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the kind of `d`, which may be NULL; returns `d`. */
diag *diag_set_kind(diag *d, diag_kind kind);

/*
 * Attaches a constraint violation to `d` (may be NULL); the strings are
 * copied, `constraint` may be NULL. Sets the kind to DIAG_ENGINE.
 */
void diag_set_violation(diag *d, const char *table, const char *constraint, const char *column,
                        const char *value, long long row);

/*
 * Gives the violation of `d` (may be NULL or have none) its conflicting
 * rows: `row_count` rows of `key_count` values of `columns`, row after row
 * (NULL: SQL NULL). The strings are copied. 0, or -1 when memory ran out
 * (the violation then has none).
 */
int diag_set_key_rows(diag *d, size_t key_count, const char *const *columns, size_t row_count,
                      const char *const *values);

/* The kind of the last entry; DIAG_NONE when the list is empty. */
diag_kind diag_list_last_kind(const diag_list *list);

/* Moves every entry of `from` to the end of `to`; `from` is left empty. */
void diag_list_move(diag_list *to, diag_list *from);

/* The last entry, or NULL when the list is empty. */
const diag *diag_list_last(const diag_list *list);

/* Prints one entry as "foster: <severity>: file:line:col: message" plus "hint: ..." */
void diag_print(const diag *d, const char *severity, FILE *out);

/* Prints every entry with diag_print. */
void diag_list_print(const diag_list *list, const char *severity, FILE *out);

/*
 * Formats one entry as a single line "file:line:col: message" (no prefix, no
 * hint) into a new string the caller frees; NULL when memory ran out.
 */
char *diag_format(const diag *d);

void diag_list_clear(diag_list *list);

#endif
