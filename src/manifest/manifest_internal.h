/*
 * manifest_internal.h — what the files of the manifest reader share: the
 * parser state and the steps each file takes. manifest.c reads the lines
 * and hands key lines to inih, manifest_sections.c reads [section] headers,
 * manifest_keys.c stores each key's value; manifest_expand.c and
 * manifest_resolve.c implement manifest_expand and manifest_resolve.
 *
 * Private to src/manifest/manifest*.c; the interface is manifest.h.
 */
#ifndef FOSTER_MANIFEST_INTERNAL_H
#define FOSTER_MANIFEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "manifest.h"

/* Test databases are named test_<name>_<run id>; PostgreSQL allows 63 bytes. */
#define PROJECT_NAME_MAX_LENGTH 30

typedef enum section_kind {
    SECTION_NONE, /* before the first header */
    SECTION_FOSTER,
    SECTION_POSTGRES,
    SECTION_CONTAINER,
    SECTION_CLUSTER,
    SECTION_MYSQL,
    SECTION_MYSQL_CLUSTER,
    SECTION_TABLE,
    SECTION_IGNORED, /* after a header already reported as wrong: its keys are skipped */
} section_kind;

#define SECTION_KEYS_MAX 12

typedef struct manifest_parser {
    manifest *m;
    diag_list *diags;
    manifest_getenv_fn getenv_fn; /* as given: NULL for the process environment */
    void *context;
    const char *next;                 /* text not read yet, NULL at the end */
    int line;                         /* the line being parsed */
    const char *key_line;             /* the line handed to inih, for messages */
    size_t key_line_length;           /* its length */
    bool awaiting_handler;            /* handed to inih and not yet seen by the handler */
    bool failed;                      /* a problem was reported */
    section_kind section;             /* the current section */
    size_t table_index;               /* the current table when section is SECTION_TABLE */
    int section_lines[SECTION_TABLE]; /* first header line of each other section */
    int key_lines[SECTION_KEYS_MAX];  /* lines of the current section's keys, 0: unseen */
    size_t table_capacity;
} manifest_parser;

/* ---- manifest.c ---- */

/* Reports a problem at `line` of the manifest and marks the parse failed. */
diag *manifest_parser_error(manifest_parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports "out of memory" at the current line. */
void manifest_parser_out_of_memory(manifest_parser *p);

/* ---- manifest_sections.c ---- */

/* "foster", "postgres", ... by section kind (SECTION_FOSTER to SECTION_TABLE). */
extern const char *const manifest_section_titles[SECTION_TABLE + 1];

/* True for `table`, `schema.table`, each part bare or "quoted". */
bool manifest_is_valid_table_name(const char *s);

/* Reads a "[...]" line (comment removed, trimmed) and makes it the current section. */
void manifest_read_section_header(manifest_parser *p, const char *line, size_t length);

/* ---- manifest_keys.c ---- */

/* inih's handler: one "key = value" line of the current section; `user` is the parser. */
int manifest_handle_key(void *user, const char *section, const char *key, const char *value);

/* ---- manifest_resolve.c ---- */

/* Frees the fields manifest_resolve fills and empties them. */
void manifest_free_resolved_paths(manifest_table *table);

#endif
