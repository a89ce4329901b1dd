/*
 * manifest.c — reads foster.ini (see manifest.h and docs/manifest.md).
 *
 * inih splits the "key = value" lines. A line reader in front of it does the
 * rest, because the Debian build of inih has no line number in its handler,
 * returns only the first syntax error, truncates section names to 50 bytes,
 * never tells the handler about a section without keys, and reads an indented
 * line as the continuation of the previous value. So the reader counts lines,
 * strips comments (';' or '#' at the start of a line or after white space),
 * reads section headers itself (manifest_sections.c), hands inih only the key
 * lines (stored by manifest_keys.c), and checks that inih accepted each of
 * them.
 */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_kinds.h"
#include "manifest_internal.h"
#include "strbuf.h"

diag *manifest_parser_error(manifest_parser *p, int line, const char *fmt, ...)
{
    p->failed = true;
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(p->diags, p->m->path, line, 0, fmt, args);
    va_end(args);
    return d;
}

void manifest_parser_out_of_memory(manifest_parser *p)
{
    manifest_parser_error(p, p->line, "out of memory");
}

/* ---- The line reader in front of inih ---- */

/* Cuts a ';' or '#' comment (at the start or after white space) and trims the line. */
static const char *clean_line(const char *line, size_t *length)
{
    size_t end = 0;
    while (end < *length) {
        char c = line[end];
        if ((c == ';' || c == '#') && (end == 0 || isspace((unsigned char)line[end - 1])))
            break;
        end++;
    }
    size_t start = 0;
    while (start < end && isspace((unsigned char)line[start]))
        start++;
    while (end > start && isspace((unsigned char)line[end - 1]))
        end--;
    *length = end - start;
    return line + start;
}

/* Reports the line handed to inih when inih did not accept it as "key = value". */
static void check_key_line_accepted(manifest_parser *p)
{
    if (!p->awaiting_handler)
        return;
    p->awaiting_handler = false;
    manifest_parser_error(p, p->line,
                          "cannot read \"%.*s\"; expected \"key = value\", a [section] header or a "
                          "comment",
                          (int)p->key_line_length, p->key_line);
}

/* inih's fgets-like reader: gives inih the next key line, or an empty line for the others. */
static char *read_line(char *buffer, int size, void *stream)
{
    manifest_parser *p = stream;
    check_key_line_accepted(p);
    if (!p->next || *p->next == '\0')
        return NULL;
    const char *line = p->next;
    const char *newline = strchr(line, '\n');
    size_t length = newline ? (size_t)(newline - line) : strlen(line);
    p->next = newline ? newline + 1 : NULL;
    p->line++;
    if (p->line == 1 && length >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3; /* UTF-8 byte order mark */
        length -= 3;
    }
    line = clean_line(line, &length);
    buffer[0] = '\0';
    if (length == 0)
        return buffer;
    if (line[0] == '[') {
        manifest_read_section_header(p, line, length);
        return buffer;
    }
    /* Room for the line, '\n' and NUL, so that inih sees a whole line as fgets gives it. */
    if (size < 2 || length > (size_t)size - 2) {
        manifest_parser_error(
            p, p->line, "line too long (%zu characters without comments); expected at most %d",
            length, size - 2);
        return buffer;
    }
    memcpy(buffer, line, length);
    buffer[length] = '\n';
    buffer[length + 1] = '\0';
    p->key_line = line;
    p->key_line_length = length;
    p->awaiting_handler = true;
    return buffer;
}

/* ---- Whole-manifest checks and defaults ---- */

static void check_depends(manifest_parser *p)
{
    const manifest *m = p->m;
    for (size_t t = 0; t < m->table_count; t++) {
        const manifest_table *table = &m->tables[t];
        for (size_t d = 0; d < table->depends_count; d++)
            if (!manifest_find_table(m, table->depends[d]))
                manifest_parser_error(
                    p, table->depends_line,
                    "unknown table \"%s\" in depends of [table %s]; expected a table "
                    "that has a [table NAME] section in this manifest",
                    table->depends[d], table->written_name);
    }
}

/* The directory part of `path`: "." when there is none. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    while (slash > path && slash[-1] == '/')
        slash--;
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/*
 * The default [foster] name: the base name of `directory` reduced to
 * [a-z0-9_]. "." and ".." are looked up (realpath) to find the real name.
 */
static char *default_project_name(const char *directory)
{
    char *resolved = NULL;
    const char *name = directory;
    const char *base = strrchr(directory, '/');
    if (base)
        name = base + 1;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        resolved = realpath(directory, NULL);
        base = resolved ? strrchr(resolved, '/') : NULL;
        name = base ? base + 1 : "";
    }
    char reduced[PROJECT_NAME_MAX_LENGTH + 1];
    size_t length = 0;
    for (; length < PROJECT_NAME_MAX_LENGTH && name[length]; length++) {
        unsigned char c = (unsigned char)tolower((unsigned char)name[length]);
        reduced[length] = (isdigit(c) || (c >= 'a' && c <= 'z')) ? (char)c : '_';
    }
    reduced[length] = '\0';
    free(resolved);
    return strdup(length > 0 ? reduced : "foster");
}

/* ---- The manifest ---- */

int manifest_parse(const char *text, const char *path, manifest_getenv_fn getenv_fn, void *context,
                   manifest *out, diag_list *diags)
{
    manifest_parser p = {
        .m = out,
        .diags = diags,
        .getenv_fn = getenv_fn,
        .context = context,
        .next = text,
    };
    out->path = strdup(path);
    out->directory = directory_of(path);
    out->backend = strdup(backend_kind_name(0)); /* the default kind */
    out->cache = true;
    out->schemas_dir = strdup("schemas");
    out->fixtures_dir = strdup("fixtures");
    out->container_image = strdup("postgres:16");
    if (!out->path || !out->directory || !out->backend || !out->schemas_dir || !out->fixtures_dir ||
        !out->container_image) {
        diag_add(diags, path, 0, 0, "out of memory");
        return -1;
    }

    int rc = ini_parse_stream(read_line, &p, manifest_handle_key, &p);
    check_key_line_accepted(&p);
    if (rc == -2)
        manifest_parser_out_of_memory(&p);
    else if (rc > 0 && !p.failed) /* inih refused a line the reader did not expect it to */
        manifest_parser_error(&p, rc, "cannot read this line; expected \"key = value\"");
    check_depends(&p);
    if (!out->name) {
        out->name = default_project_name(out->directory);
        if (!out->name)
            manifest_parser_out_of_memory(&p);
    }
    return p.failed ? -1 : 0;
}

int manifest_load(const char *path, manifest *out, diag_list *diags)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        diag_add(diags, path, 0, 0, "cannot read manifest: %s", strerror(errno));
        return -1;
    }
    strbuf text = STRBUF_INIT;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0 && text.length <= MANIFEST_MAX_BYTES)
        strbuf_append(&text, chunk, got);
    if (text.length > MANIFEST_MAX_BYTES) { /* /dev/zero, a log named by mistake */
        fclose(file);
        strbuf_free(&text);
        diag_add(diags, path, 0, 0, "the manifest is larger than %d MiB; expected a small INI file",
                 MANIFEST_MAX_BYTES >> 20);
        return -1;
    }
    int read_error = ferror(file) ? (errno ? errno : EIO) : 0;
    fclose(file);
    if (read_error || text.failed) {
        diag_add(diags, path, 0, 0, "cannot read manifest: %s",
                 read_error ? strerror(read_error) : "out of memory");
        strbuf_free(&text);
        return -1;
    }
    const char *contents = strbuf_str(&text);
    if (strlen(contents) != text.length) {
        int line = 1;
        for (const char *c = contents; *c; c++)
            line += *c == '\n';
        diag_add(diags, path, line, 0, "NUL byte in the manifest; expected text");
        strbuf_free(&text);
        return -1;
    }
    int rc = manifest_parse(contents, path, NULL, NULL, out, diags);
    strbuf_free(&text);
    return rc;
}

const manifest_table *manifest_find_table(const manifest *m, const char *name)
{
    for (size_t i = 0; i < m->table_count; i++)
        if (strcmp(m->tables[i].name, name) == 0)
            return &m->tables[i];
    return NULL;
}

void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->table_count; i++) {
        manifest_table *table = &m->tables[i];
        free(table->name);
        free(table->written_name);
        free(table->owner);
        free(table->schema);
        strings_free(table->fixtures, table->fixture_count);
        strings_free(table->depends, table->depends_count);
        free(table->model);
        manifest_free_resolved_paths(table);
    }
    free(m->tables);
    free(m->path);
    free(m->directory);
    free(m->name);
    free(m->backend);
    free(m->schemas_dir);
    free(m->fixtures_dir);
    free(m->postgres_url);
    free(m->container_engine);
    free(m->container_image);
    free(m->cluster_bindir);
    free(m->schema_dump);
    free(m->schema_dump_path);
    for (size_t i = 0; i < m->prelude_count; i++) {
        free(m->preludes[i]);
        free(m->prelude_paths ? m->prelude_paths[i] : NULL);
    }
    free(m->preludes);
    free(m->prelude_paths);
    free(m->mysql_url);
    free(m->mysql_cluster_bindir);
    *m = (manifest){0};
}
