/*
 * manifest_resolve.c — turns the schema and fixture names of each
 * [table NAME] into paths (relative to the manifest's directory and the
 * schemas and fixtures folders) and checks that the files exist.
 */
#include "manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manifest_internal.h"
#include "strbuf.h"

/*
 * The file name stem of a valid table name: as written, with the quotes of
 * quoted identifiers removed ("Audit"."Log" -> Audit.Log). NULL when memory
 * ran out.
 */
static char *table_file_stem(const char *written)
{
    strbuf out = STRBUF_INIT;
    for (const char *c = written; *c; c++) {
        if (*c != '"')
            strbuf_append_char(&out, *c);
        else if (c[1] == '"')
            strbuf_append_char(&out, *c++); /* "" inside quotes stands for one quote */
    }
    return strbuf_detach(&out);
}

/* directory/folder/file, leaving out "." parts and what an absolute part replaces. */
static char *join_path(const char *directory, const char *folder, const char *file)
{
    if (file[0] == '/')
        return strdup(file);
    strbuf out = STRBUF_INIT;
    const char *parts[] = {folder[0] == '/' ? NULL : directory, folder};
    for (size_t i = 0; i < 2; i++) {
        if (!parts[i] || strcmp(parts[i], ".") == 0)
            continue;
        strbuf_append_str(&out, parts[i]);
        if (out.length > 0 && out.data[out.length - 1] != '/')
            strbuf_append_char(&out, '/');
    }
    strbuf_append_str(&out, file);
    return strbuf_detach(&out);
}

/* Whether "folder/file" stays in the project as written: relative, never above it by "..". */
static bool written_inside(const char *folder, const char *file)
{
    if (folder[0] == '/' || file[0] == '/')
        return false;
    int depth = 0;
    const char *parts[] = {folder, file};
    for (size_t i = 0; i < 2; i++)
        for (const char *p = parts[i]; *p;) {
            size_t length = strcspn(p, "/");
            if (length == 2 && p[0] == '.' && p[1] == '.')
                depth--;
            else if (length && !(length == 1 && p[0] == '.'))
                depth++;
            if (depth < 0)
                return false;
            p += length + (p[length] == '/');
        }
    return true;
}

/*
 * Where a file the manifest places inside the project really is, when a
 * symbolic link takes it outside (a fixture linked to ~/.aws/credentials would
 * have its lines quoted in messages): a new string, else NULL. A file the
 * manifest names outside the project (absolute, or through "..") is its choice.
 */
static char *linked_outside(const manifest *m, const char *folder, const char *file,
                            const char *path)
{
    if (!written_inside(folder, file))
        return NULL;
    char *project = realpath(m->directory && *m->directory ? m->directory : ".", NULL);
    char *target = realpath(path, NULL);
    size_t length = project ? strlen(project) : 0;
    bool inside = !project || !target ||
                  (strncmp(target, project, length) == 0 &&
                   (target[length] == '/' || strcmp(project, "/") == 0));
    free(project);
    if (inside) {
        free(target);
        return NULL;
    }
    return target;
}

static bool is_regular_file(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

/* A file of the project linked outside it: a diag and -1. */
static int refuse_link(const manifest *m, const manifest_table *table, const char *what,
                       const char *path, char *target, int line, diag_list *diags)
{
    diag *d = diag_add(diags, m->path, line, 0,
                       "%s file \"%s\" for [table %s] is a symbolic link to %s, outside the "
                       "project; foster does not read it",
                       what, path, table->written_name, target);
    diag_set_hint(d, "copy the file into the project, or name it in the manifest by its own path");
    free(target);
    return -1;
}

/*
 * Checks that `path` (folder/file in the manifest's directory) is a readable
 * regular file of the project; a diag and -1 when it is not.
 */
static int check_file(const manifest *m, const manifest_table *table, const char *what,
                      const char *key, const char *folder, const char *file, const char *path,
                      int line, diag_list *diags)
{
    struct stat info;
    int error = stat(path, &info) == 0 ? 0 : errno;
    char *target = error ? NULL : linked_outside(m, folder, file, path);
    if (target)
        return refuse_link(m, table, what, path, target, line, diags);
    diag *d;
    if (error == ENOENT || error == ENOTDIR)
        d = diag_add(diags, m->path, line, 0, "%s file \"%s\" for [table %s] not found", what, path,
                     table->written_name);
    else if (error != 0)
        d = diag_add(diags, m->path, line, 0, "cannot read %s file \"%s\" for [table %s]: %s", what,
                     path, table->written_name, strerror(error));
    else if (!S_ISREG(info.st_mode))
        d = diag_add(diags, m->path, line, 0, "%s file \"%s\" for [table %s] is not a regular file",
                     what, path, table->written_name);
    else
        return 0;
    diag_set_hint(d, "create it, or name the right file with \"%s = FILE\" in [table %s]", key,
                  table->written_name);
    return -1;
}

void manifest_free_resolved_paths(manifest_table *table)
{
    free(table->schema_path);
    free(table->sqlite_schema_path);
    free(table->mysql_schema_path);
    for (size_t i = 0; i < table->fixture_path_count; i++)
        free(table->fixture_paths[i]);
    free(table->fixture_paths);
    table->schema_path = table->sqlite_schema_path = table->mysql_schema_path = NULL;
    table->fixture_paths = NULL;
    table->fixture_path_count = 0;
}

/* A [foster] file of the schemas folder (schema_dump, prelude): its path, or NULL after a diag. */
static char *resolve_foster_file(const manifest *m, const char *key, const char *file, int line,
                                 diag_list *diags)
{
    char *path = join_path(m->directory, m->schemas_dir, file);
    struct stat info;
    int error = path && stat(path, &info) == 0 ? 0 : errno;
    if (!path) {
        diag_add(diags, m->path, line, 0, "out of memory");
        return NULL;
    }
    if (error == 0 && S_ISREG(info.st_mode))
        return path;
    diag *d = error ? diag_add(diags, m->path, line, 0, "%s file \"%s\" of [foster] %s", key, path,
                               error == ENOENT ? "not found" : strerror(error))
                    : diag_add(diags, m->path, line, 0,
                               "%s file \"%s\" of [foster] is not a regular file", key, path);
    diag_set_hint(d, "%s names a file of the schemas folder (%s)", key, m->schemas_dir);
    free(path);
    return NULL;
}

/* [foster] schema_dump and prelude. */
static int resolve_foster_files(manifest *m, diag_list *diags)
{
    int rc = 0;
    free(m->schema_dump_path);
    m->schema_dump_path = NULL;
    if (m->schema_dump && !(m->schema_dump_path = resolve_foster_file(
                                m, "schema_dump", m->schema_dump, m->schema_dump_line, diags)))
        rc = -1;
    if (!m->prelude_paths && m->prelude_count &&
        !(m->prelude_paths = calloc(m->prelude_count, sizeof *m->prelude_paths)))
        return diag_add(diags, m->path, m->prelude_line, 0, "out of memory"), -1;
    for (size_t i = 0; i < m->prelude_count; i++) {
        free(m->prelude_paths[i]);
        m->prelude_paths[i] =
            resolve_foster_file(m, "prelude", m->preludes[i], m->prelude_line, diags);
        if (!m->prelude_paths[i])
            rc = -1;
    }
    return rc;
}

/*
 * <stem><suffix> in the schemas folder (schemas/x.sql -> schemas/x.sqlite.sql,
 * schemas/x.mysql.sql), the engine's own DDL for the table: *path when it is
 * there (checked as the schema file is). 0, or -1 after a diag.
 */
static int find_variant(const manifest *m, manifest_table *table, const char *stem, size_t length,
                        const char *suffix, int line, char **path, diag_list *diags)
{
    char *variant_file = strbuf_format("%.*s%s", (int)length, stem, suffix);
    char *variant = variant_file ? join_path(m->directory, m->schemas_dir, variant_file) : NULL;
    int rc = variant ? 0 : -1;
    if (variant && is_regular_file(variant)) {
        rc = diags ? check_file(m, table, "schema", "schema", m->schemas_dir, variant_file, variant,
                                line, diags)
                   : 0;
        if (rc == 0) {
            *path = variant;
            variant = NULL;
        }
    }
    free(variant_file);
    free(variant);
    return rc;
}

/* No schema key, and a schema_dump: the table comes from the dump (or <table>.sqlite.sql). */
static int resolve_from_dump(const manifest *m, manifest_table *table, const char *stem)
{
    table->from_dump = true;
    table->schema_path = strdup(m->schema_dump_path);
    if (find_variant(m, table, stem, strlen(stem), ".sqlite.sql", 0, &table->sqlite_schema_path,
                     NULL) < 0 ||
        find_variant(m, table, stem, strlen(stem), ".mysql.sql", 0, &table->mysql_schema_path,
                     NULL) < 0)
        return -1;
    return table->schema_path ? 0 : -1;
}

static int resolve_schema(const manifest *m, manifest_table *table, const char *stem,
                          diag_list *diags)
{
    if (!table->schema && m->schema_dump)
        return m->schema_dump_path ? resolve_from_dump(m, table, stem) : -1;
    char *default_file = table->schema ? NULL : strbuf_format("%s.sql", stem);
    const char *file = table->schema ? table->schema : default_file;
    table->schema_path = file ? join_path(m->directory, m->schemas_dir, file) : NULL;
    size_t length = file ? strlen(file) : 0;
    if (length >= 4 && strcmp(file + length - 4, ".sql") == 0)
        length -= 4;
    int line = table->schema_line ? table->schema_line : table->line;
    int rc = -1;
    if (table->schema_path) {
        rc = check_file(m, table, "schema", "schema", m->schemas_dir, file, table->schema_path,
                        line, diags);
        if (find_variant(m, table, file, length, ".sqlite.sql", line, &table->sqlite_schema_path,
                         diags) < 0 ||
            find_variant(m, table, file, length, ".mysql.sql", line, &table->mysql_schema_path,
                         diags) < 0)
            rc = -1;
    }
    free(default_file);
    return rc;
}

static int add_fixture_path(manifest_table *table, char *path)
{
    char **grown =
        path ? realloc(table->fixture_paths, (table->fixture_path_count + 1) * sizeof *grown)
             : NULL;
    if (!grown) {
        free(path);
        return -1;
    }
    table->fixture_paths = grown;
    table->fixture_paths[table->fixture_path_count++] = path;
    return 0;
}

static int resolve_fixtures(const manifest *m, manifest_table *table, const char *stem,
                            diag_list *diags)
{
    int line = table->fixtures_line ? table->fixtures_line : table->line;
    if (!table->fixtures_given) {
        char *file = strbuf_format("%s.csv", stem);
        char *path = file ? join_path(m->directory, m->fixtures_dir, file) : NULL;
        int rc = path ? 0 : -1;
        if (path && !is_regular_file(path))
            free(path); /* no default fixture: the table starts empty */
        else if (path && (rc = add_fixture_path(table, path)) == 0)
            rc = check_file(m, table, "fixture", "fixtures", m->fixtures_dir, file, path, line,
                            diags);
        free(file);
        return rc;
    }
    int rc = 0;
    for (size_t i = 0; i < table->fixture_count; i++) {
        char *path = join_path(m->directory, m->fixtures_dir, table->fixtures[i]);
        if (add_fixture_path(table, path) < 0)
            return -1;
        if (check_file(m, table, "fixture", "fixtures", m->fixtures_dir, table->fixtures[i], path,
                       line, diags) < 0)
            rc = -1;
    }
    return rc;
}

int manifest_resolve(manifest *m, diag_list *diags)
{
    int rc = resolve_foster_files(m, diags);
    for (size_t i = 0; i < m->table_count; i++) {
        manifest_table *table = &m->tables[i];
        manifest_free_resolved_paths(table);
        size_t reported = diags->count;
        char *stem = table_file_stem(table->written_name);
        int table_rc = 0;
        if (!stem || resolve_schema(m, table, stem, diags) < 0)
            table_rc = -1;
        if (!stem || resolve_fixtures(m, table, stem, diags) < 0)
            table_rc = -1;
        free(stem);
        if (table_rc < 0 && diags->count == reported && !(m->schema_dump && !m->schema_dump_path))
            diag_add(diags, m->path, table->line, 0, "out of memory");
        if (table_rc < 0)
            rc = -1;
    }
    return rc;
}
