/*
 * manifest.h — reads foster.ini, the list of tables a project reads but
 * another system owns (format in docs/manifest.md).
 *
 * Parsed with inih. Every problem is reported with the file and line: unknown
 * sections and keys, duplicate keys or tables, bad values (backend, engine,
 * name), unterminated or unknown ${VAR} references. Values may use ${VAR} and
 * ${VAR:-default}, expanded from the environment when the file is read ($$
 * is a literal $); a line may end with a ';' or '#' comment after white
 * space. An empty value (say, an unset ${VAR}) leaves the default, except
 * `fixtures =` in a table, which means "no fixtures". Indented lines are not
 * continuations, and a key line may hold at most 198 characters without its
 * comment (inih's buffer).
 *
 * manifest_parse is pure (text and an environment lookup in, structure out).
 * manifest_resolve then turns the schema and fixture names into paths and
 * checks that the files exist, which touches the file system only.
 */
#ifndef FOSTER_MANIFEST_H
#define FOSTER_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sqldialect.h"

typedef struct manifest_table {
    char *name;         /* normalised (ddl_normalize_name) */
    char *written_name; /* as in the section header, e.g. "billing.invoice" */
    char *owner;        /* free text, or NULL */
    char *schema;       /* schema key as written, or NULL for the default
                           <written_name>.sql (quotes of "quoted" parts removed) */
    bool from_dump;     /* no schema key and [foster] schema_dump given: taken from it */
    char **fixtures;    /* fixture keys as written (comma list split, trimmed) */
    size_t fixture_count;
    bool fixtures_given; /* the key was present (possibly empty: no fixtures) */
    char **depends;      /* normalised names */
    size_t depends_count;
    char *model;       /* "app.model" for Django JSON fixtures, or NULL */
    int line;          /* line of the [table ...] header */
    int schema_line;   /* line of the schema key, 0 when absent */
    int fixtures_line; /* line of the fixtures key, 0 when absent */
    int depends_line;  /* line of the depends key, 0 when absent */

    /* Filled by manifest_resolve: */
    char *schema_path;        /* the PostgreSQL DDL file */
    char *sqlite_schema_path; /* <stem>.sqlite.sql beside it, when it exists, else NULL */
    char **fixture_paths;     /* one per fixture (default <name>.csv when it exists) */
    size_t fixture_path_count;
} manifest_table;

typedef struct manifest {
    char *path;                 /* the file as given */
    char *directory;            /* its directory, relative paths are taken from here */
    char *name;                 /* [foster] name; default: the directory's base name
                                   (of the real directory for "." and ".."), reduced
                                   to [a-z0-9_], at most 30 characters */
    char *backend;              /* a kind of the registry (backend_kinds.h); default its first */
    char *schemas_dir;          /* default "schemas", relative to directory */
    char *fixtures_dir;         /* default "fixtures" */
    char *postgres_url;         /* [postgres] url, expanded, or NULL */
    int postgres_url_line;      /* its line, 0 when absent */
    char *container_engine;     /* [container] engine, or NULL (auto) */
    char *container_image;      /* default "postgres:16" */
    char *cluster_bindir;       /* [cluster] bindir, or NULL */
    char *mysql_url;            /* [mysql] url, expanded, or NULL */
    int mysql_url_line;         /* its line, 0 when absent */
    char *mysql_cluster_bindir; /* [mysql-cluster] bindir, or NULL */

    /* [container] image's line (0: absent, the kind's default: postgres:16 or mariadb:11), and
       engine_kind: the server in the image (UNKNOWN: told by the image's name) */
    int container_image_line;
    sql_dialect container_engine_kind;
    int container_engine_kind_line;

    sql_dialect dialect; /* [foster] dialect of the schema files; UNKNOWN: told from each file */
    int dialect_line;    /* its line, 0 when absent */
    char *schema_dump;   /* [foster] schema_dump: the owner's whole dump (plain SQL or
                            pg_dump -Fc), relative to the schemas folder, or NULL */
    int schema_dump_line;
    char **preludes; /* [foster] prelude: files run before any table, as written */
    size_t prelude_count;
    int prelude_line;
    bool strict;            /* [foster] strict: what SQLite leaves out is an error */
    char *schema_dump_path; /* filled by manifest_resolve */
    char **prelude_paths;   /* filled by manifest_resolve, one per prelude */
    bool cache;             /* [foster] cache: templates reused across runs (default true) */
    manifest_table *tables; /* in file order */
    size_t table_count;
} manifest;

/* Looks up an environment variable; returns NULL when unset. */
typedef const char *(*manifest_getenv_fn)(const char *name, void *context);

/*
 * Parses manifest text. `path` names the file in messages and gives the
 * directory. `getenv_fn` NULL means the process environment. Returns 0, or -1
 * after adding one diag per problem (all of them, not only the first). `out`
 * must be zeroed; free it with manifest_free whatever the result.
 */
int manifest_parse(const char *text, const char *path, manifest_getenv_fn getenv_fn, void *context,
                   manifest *out, diag_list *diags);

/* The largest manifest manifest_load reads: a manifest is a few kilobytes. */
#define MANIFEST_MAX_BYTES (1 << 20)

/* Reads `path` and parses it; -1 with a diag when it cannot be read or is larger than
 * MANIFEST_MAX_BYTES. */
int manifest_load(const char *path, manifest *out, diag_list *diags);

/*
 * Fills the *_path fields of every table: the schema file (missing: an error
 * at the table's line), the .sqlite.sql variant when present, the fixtures
 * (a fixture named in the manifest that is missing is an error; the default
 * <name>.csv is used only when it exists). Returns 0 or -1 with diags.
 */
int manifest_resolve(manifest *m, diag_list *diags);

/* The table with this normalised name, or NULL. */
const manifest_table *manifest_find_table(const manifest *m, const char *name);

void manifest_free(manifest *m);

/*
 * Expands ${VAR} and ${VAR:-default} in `value`. Returns a new string, or
 * NULL with a diag at file:line for an unterminated reference or a bad name.
 * A ${VAR} whose variable is unset expands to the empty string.
 */
char *manifest_expand(const char *value, const char *file, int line, manifest_getenv_fn getenv_fn,
                      void *context, diag_list *diags);

#endif
