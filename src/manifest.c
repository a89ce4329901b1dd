/*
 * manifest.c — reads foster.ini (see manifest.h and DESIGN.md, "Manifest").
 *
 * inih splits the "key = value" lines. A line reader in front of it does the
 * rest, because the Debian build of inih has no line number in its handler,
 * returns only the first syntax error, truncates section names to 50 bytes,
 * never tells the handler about a section without keys, and reads an indented
 * line as the continuation of the previous value. So the reader counts lines,
 * strips comments (';' or '#' at the start of a line or after white space),
 * reads section headers itself, hands inih only the key lines, and checks
 * that inih accepted each of them.
 */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ddl.h"
#include "strbuf.h"

/* Test databases are named test_<name>_<run id>; PostgreSQL allows 63 bytes. */
#define PROJECT_NAME_MAX_LENGTH 30
/* ${A:-${B:-...}} nesting allowed in defaults. */
#define EXPANSION_MAX_DEPTH 16

typedef enum section_kind {
    SECTION_NONE, /* before the first header */
    SECTION_FOSTER,
    SECTION_POSTGRES,
    SECTION_CONTAINER,
    SECTION_CLUSTER,
    SECTION_TABLE,
    SECTION_IGNORED, /* after a header already reported as wrong: its keys are skipped */
} section_kind;

#define SECTION_KEYS_MAX 5

static const char *const section_titles[] = {
    [SECTION_FOSTER] = "foster",       [SECTION_POSTGRES] = "postgres",
    [SECTION_CONTAINER] = "container", [SECTION_CLUSTER] = "cluster",
    [SECTION_TABLE] = "table",
};

static const char *const section_keys[][SECTION_KEYS_MAX + 1] = {
    [SECTION_FOSTER] = {"name", "backend", "schemas", "fixtures", NULL},
    [SECTION_POSTGRES] = {"url", NULL},
    [SECTION_CONTAINER] = {"engine", "image", NULL},
    [SECTION_CLUSTER] = {"bindir", NULL},
    [SECTION_TABLE] = {"owner", "schema", "fixtures", "depends", "model", NULL},
};

typedef struct parser {
    manifest *m;
    diag_list *diags;
    manifest_getenv_fn getenv_fn;
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
} parser;

static diag *parser_error(parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static diag *parser_error(parser *p, int line, const char *fmt, ...)
{
    p->failed = true;
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(p->diags, p->m->path, line, 0, fmt, args);
    va_end(args);
    return d;
}

static void parser_out_of_memory(parser *p)
{
    parser_error(p, p->line, "out of memory");
}

/* "foster" or "table x", the section as messages name it inside brackets. */
static const char *section_label_prefix(const parser *p)
{
    return p->section == SECTION_TABLE ? "table " : "";
}

static const char *section_label_name(const parser *p)
{
    if (p->section == SECTION_TABLE)
        return p->m->tables[p->table_index].written_name;
    return section_titles[p->section];
}

/* ---- Table names ---- */

static bool is_identifier_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_identifier_char(unsigned char c)
{
    return is_identifier_start(c) || isdigit(c) || c == '$';
}

/* Length of the identifier (bare or "quoted") at the start of `s`, 0 when there is none. */
static size_t identifier_length(const char *s)
{
    if (s[0] == '"') {
        size_t i = 1;
        for (;;) {
            if (s[i] == '\0')
                return 0;
            if (s[i] == '"' && s[i + 1] == '"')
                i += 2;
            else if (s[i] == '"')
                return i > 1 ? i + 1 : 0; /* "" is not an identifier */
            else
                i++;
        }
    }
    if (!is_identifier_start((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (is_identifier_char((unsigned char)s[i]))
        i++;
    return i;
}

/* True for `table`, `schema.table`, each part bare or "quoted". */
static bool is_valid_table_name(const char *s)
{
    size_t first = identifier_length(s);
    if (first == 0)
        return false;
    if (s[first] == '\0')
        return true;
    if (s[first] != '.')
        return false;
    size_t second = identifier_length(s + first + 1);
    return second > 0 && s[first + 1 + second] == '\0';
}

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

/* ---- Values ---- */

/* Splits a comma list into trimmed, non-empty items. Returns 0, or -1 after a diag. */
static int split_list(parser *p, const char *value, const char *key, char ***items, size_t *count)
{
    if (*value == '\0')
        return 0;
    for (const char *start = value;;) {
        const char *comma = strchr(start, ',');
        const char *end = comma ? comma : start + strlen(start);
        while (start < end && isspace((unsigned char)*start))
            start++;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (start == end) {
            parser_error(p, p->line,
                         "empty entry in the %s list of [table %s]; expected names separated "
                         "by commas",
                         key, section_label_name(p));
            return -1;
        }
        char **grown = realloc(*items, (*count + 1) * sizeof *grown);
        char *item = strndup(start, (size_t)(end - start));
        if (grown)
            *items = grown;
        if (!grown || !item) {
            free(item);
            parser_out_of_memory(p);
            return -1;
        }
        (*items)[(*count)++] = item;
        if (!comma)
            return 0;
        start = comma + 1;
    }
}

static bool is_valid_project_name(const char *name)
{
    size_t length = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");
    return length > 0 && length <= PROJECT_NAME_MAX_LENGTH && name[length] == '\0';
}

static bool is_one_of(const char *value, const char *const *choices)
{
    for (; *choices; choices++)
        if (strcmp(value, *choices) == 0)
            return true;
    return false;
}

/* A Django model label: app_label.model, no white space. */
static bool is_valid_model(const char *value)
{
    const char *dot = strchr(value, '.');
    if (!dot || dot == value || dot[1] == '\0' || strchr(dot + 1, '.'))
        return false;
    for (const char *c = value; *c; c++)
        if (isspace((unsigned char)*c))
            return false;
    return true;
}

/* Stores a value of [foster], [postgres], [container] or [cluster]; takes `value`. */
static void apply_setting(parser *p, const char *key, char *value)
{
    static const char *const backends[] = {"sqlite", "postgres", "cluster", "container", NULL};
    static const char *const engines[] = {"docker", "podman", NULL};
    manifest *m = p->m;
    char **field = NULL;
    bool valid = true;
    if (p->section == SECTION_FOSTER && strcmp(key, "name") == 0) {
        field = &m->name;
        if (*value && !(valid = is_valid_project_name(value)))
            parser_error(p, p->line,
                         "invalid name \"%s\" in [foster]; expected 1 to %d characters from "
                         "a-z, 0-9 and _",
                         value, PROJECT_NAME_MAX_LENGTH);
    } else if (p->section == SECTION_FOSTER && strcmp(key, "backend") == 0) {
        field = &m->backend;
        if (*value && !(valid = is_one_of(value, backends)))
            parser_error(p, p->line,
                         "unknown backend \"%s\" in [foster]; expected sqlite, postgres, "
                         "cluster or container",
                         value);
    } else if (p->section == SECTION_FOSTER && strcmp(key, "schemas") == 0) {
        field = &m->schemas_dir;
    } else if (p->section == SECTION_FOSTER) {
        field = &m->fixtures_dir;
    } else if (p->section == SECTION_POSTGRES) {
        field = &m->postgres_url;
    } else if (p->section == SECTION_CONTAINER && strcmp(key, "engine") == 0) {
        field = &m->container_engine;
        if (*value && !(valid = is_one_of(value, engines)))
            parser_error(p, p->line,
                         "unknown engine \"%s\" in [container]; expected docker or podman", value);
    } else if (p->section == SECTION_CONTAINER) {
        field = &m->container_image;
    } else {
        field = &m->cluster_bindir;
    }
    /* An empty value (often an unset ${VAR}) leaves the default. */
    if (*value == '\0' || !valid) {
        free(value);
        return;
    }
    free(*field);
    *field = value;
}

/* Stores a value of a [table NAME] section; takes `value`. */
static void apply_table_key(parser *p, const char *key, char *value)
{
    manifest_table *table = &p->m->tables[p->table_index];
    if (strcmp(key, "fixtures") == 0) {
        table->fixtures_given = true;
        table->fixtures_line = p->line;
        split_list(p, value, key, &table->fixtures, &table->fixture_count);
    } else if (strcmp(key, "depends") == 0) {
        table->depends_line = p->line;
        char **written = NULL;
        size_t count = 0;
        split_list(p, value, key, &written, &count);
        for (size_t i = 0; i < count; i++) {
            if (!is_valid_table_name(written[i])) {
                parser_error(p, p->line,
                             "invalid table name \"%s\" in depends of [table %s]; expected "
                             "NAME, \"NAME\" or SCHEMA.NAME",
                             written[i], table->written_name);
                continue;
            }
            char *name = ddl_normalize_name(written[i]);
            char **grown = realloc(table->depends, (table->depends_count + 1) * sizeof *grown);
            if (grown)
                table->depends = grown;
            if (!name || !grown) {
                free(name);
                parser_out_of_memory(p);
                break;
            }
            table->depends[table->depends_count++] = name;
        }
        for (size_t i = 0; i < count; i++)
            free(written[i]);
        free(written);
    } else if (*value != '\0') {
        char **field = &table->owner;
        if (strcmp(key, "schema") == 0) {
            field = &table->schema;
            table->schema_line = p->line;
        } else if (strcmp(key, "model") == 0) {
            field = &table->model;
            if (!is_valid_model(value)) {
                parser_error(p, p->line,
                             "invalid model \"%s\" in [table %s]; expected app_label.model", value,
                             table->written_name);
                free(value);
                return;
            }
        }
        *field = value;
        return;
    }
    free(value);
}

/* "owner, schema, fixtures, depends or model" */
static char *expected_keys(const char *const *keys)
{
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; keys[i]; i++) {
        if (i > 0)
            strbuf_append_str(&out, keys[i + 1] ? ", " : " or ");
        strbuf_append_str(&out, keys[i]);
    }
    return strbuf_detach(&out);
}

/* inih's handler: one "key = value" line of the current section. */
static int handle_key(void *user, const char *section, const char *key, const char *value)
{
    (void)section; /* the reader tracks sections itself, untruncated */
    parser *p = user;
    p->awaiting_handler = false;
    if (*key == '\0') {
        parser_error(p, p->line, "missing key before \"=\"; expected \"key = value\"");
        return 1;
    }
    if (p->section == SECTION_NONE) {
        parser_error(p, p->line,
                     "key \"%s\" outside any section; expected a [section] header before it", key);
        return 1;
    }
    if (p->section == SECTION_IGNORED)
        return 1;
    const char *const *keys = section_keys[p->section];
    size_t k = 0;
    while (keys[k] && strcmp(keys[k], key) != 0)
        k++;
    if (!keys[k]) {
        char *expected = expected_keys(keys);
        parser_error(p, p->line, "unknown key \"%s\" in [%s%s]; expected %s", key,
                     section_label_prefix(p), section_label_name(p),
                     expected ? expected : "another key");
        free(expected);
        return 1;
    }
    if (p->key_lines[k]) {
        parser_error(p, p->line, "duplicate key \"%s\" in [%s%s]; the first is on line %d", key,
                     section_label_prefix(p), section_label_name(p), p->key_lines[k]);
        return 1;
    }
    p->key_lines[k] = p->line;
    char *expanded =
        manifest_expand(value, p->m->path, p->line, p->getenv_fn, p->context, p->diags);
    if (!expanded) {
        p->failed = true;
        return 1;
    }
    if (p->section == SECTION_TABLE)
        apply_table_key(p, key, expanded);
    else
        apply_setting(p, key, expanded);
    return 1;
}

/* ---- Section headers ---- */

/* Appends a zeroed table to the manifest; NULL when memory ran out. */
static manifest_table *add_table(parser *p)
{
    manifest *m = p->m;
    if (m->table_count == p->table_capacity) {
        size_t capacity = p->table_capacity ? p->table_capacity * 2 : 8;
        manifest_table *grown = realloc(m->tables, capacity * sizeof *grown);
        if (!grown)
            return NULL;
        m->tables = grown;
        p->table_capacity = capacity;
    }
    manifest_table *table = &m->tables[m->table_count++];
    *table = (manifest_table){0};
    return table;
}

/* Opens a [table NAME] section; `written` is the trimmed name. */
static void open_table_section(parser *p, const char *written, size_t length)
{
    if (length == 0) {
        parser_error(p, p->line, "empty table name in [table]; expected [table NAME]");
        return;
    }
    char *written_name = strndup(written, length);
    if (!written_name) {
        parser_out_of_memory(p);
        return;
    }
    if (!is_valid_table_name(written_name)) {
        parser_error(p, p->line,
                     "invalid table name \"%s\"; expected [table NAME], [table \"NAME\"] or "
                     "[table SCHEMA.NAME]",
                     written_name);
        free(written_name);
        return;
    }
    char *name = ddl_normalize_name(written_name);
    const manifest_table *first = name ? manifest_find_table(p->m, name) : NULL;
    manifest_table *table = NULL;
    if (first)
        parser_error(p, p->line, "duplicate table \"%s\"; the first [table %s] is on line %d", name,
                     first->written_name, first->line);
    else if (!name || !(table = add_table(p)))
        parser_out_of_memory(p);
    if (!table) {
        free(name);
        free(written_name);
        return;
    }
    table->name = name;
    table->written_name = written_name;
    table->line = p->line;
    p->table_index = (size_t)(table - p->m->tables);
    p->section = SECTION_TABLE;
}

/* Reads a "[...]" line (comment removed, trimmed) and makes it the current section. */
static void read_section_header(parser *p, const char *line, size_t length)
{
    memset(p->key_lines, 0, sizeof p->key_lines);
    p->section = SECTION_IGNORED;
    if (length >= 2 && line[length - 1] != ']' && memchr(line, ']', length)) {
        parser_error(p, p->line,
                     "unexpected text after \"]\" in \"%.*s\"; expected a comment or the end "
                     "of the line",
                     (int)length, line);
        return;
    }
    if (length < 2 || line[length - 1] != ']') {
        parser_error(p, p->line,
                     "unterminated section header \"%.*s\"; expected \"]\" at the end of the "
                     "line",
                     (int)length, line);
        return;
    }
    const char *inside = line + 1;
    size_t inside_length = length - 2;
    while (inside_length > 0 && isspace((unsigned char)*inside)) {
        inside++;
        inside_length--;
    }
    while (inside_length > 0 && isspace((unsigned char)inside[inside_length - 1]))
        inside_length--;

    if (inside_length >= 5 && strncmp(inside, "table", 5) == 0 &&
        (inside_length == 5 || isspace((unsigned char)inside[5]))) {
        const char *written = inside + 5;
        size_t written_length = inside_length - 5;
        while (written_length > 0 && isspace((unsigned char)*written)) {
            written++;
            written_length--;
        }
        open_table_section(p, written, written_length);
        return;
    }
    for (section_kind kind = SECTION_FOSTER; kind < SECTION_TABLE; kind++) {
        if (strlen(section_titles[kind]) != inside_length ||
            strncmp(section_titles[kind], inside, inside_length) != 0)
            continue;
        if (p->section_lines[kind]) {
            parser_error(p, p->line, "duplicate section [%s]; the first is on line %d",
                         section_titles[kind], p->section_lines[kind]);
            return;
        }
        p->section_lines[kind] = p->line;
        p->section = kind;
        return;
    }
    parser_error(p, p->line,
                 "unknown section [%.*s]; expected [foster], [postgres], [container], "
                 "[cluster] or [table NAME]",
                 (int)inside_length, inside);
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
static void check_key_line_accepted(parser *p)
{
    if (!p->awaiting_handler)
        return;
    p->awaiting_handler = false;
    parser_error(p, p->line,
                 "cannot read \"%.*s\"; expected \"key = value\", a [section] header or a "
                 "comment",
                 (int)p->key_line_length, p->key_line);
}

/* inih's fgets-like reader: gives inih the next key line, or an empty line for the others. */
static char *read_line(char *buffer, int size, void *stream)
{
    parser *p = stream;
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
        read_section_header(p, line, length);
        return buffer;
    }
    /* Room for the line, '\n' and NUL, so that inih sees a whole line as fgets gives it. */
    if (size < 2 || length > (size_t)size - 2) {
        parser_error(p, p->line,
                     "line too long (%zu characters without comments); expected at most %d", length,
                     size - 2);
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

static void check_depends(parser *p)
{
    const manifest *m = p->m;
    for (size_t t = 0; t < m->table_count; t++) {
        const manifest_table *table = &m->tables[t];
        for (size_t d = 0; d < table->depends_count; d++)
            if (!manifest_find_table(m, table->depends[d]))
                parser_error(p, table->depends_line,
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
    for (; name[length] && length < PROJECT_NAME_MAX_LENGTH; length++) {
        unsigned char c = (unsigned char)tolower((unsigned char)name[length]);
        reduced[length] = (isdigit(c) || (c >= 'a' && c <= 'z')) ? (char)c : '_';
    }
    reduced[length] = '\0';
    free(resolved);
    return strdup(length > 0 ? reduced : "foster");
}

static const char *process_getenv(const char *name, void *context)
{
    (void)context;
    return getenv(name);
}

int manifest_parse(const char *text, const char *path, manifest_getenv_fn getenv_fn, void *context,
                   manifest *out, diag_list *diags)
{
    parser p = {
        .m = out,
        .diags = diags,
        .getenv_fn = getenv_fn ? getenv_fn : process_getenv,
        .context = context,
        .next = text,
    };
    out->path = strdup(path);
    out->directory = directory_of(path);
    out->backend = strdup("sqlite");
    out->schemas_dir = strdup("schemas");
    out->fixtures_dir = strdup("fixtures");
    out->container_image = strdup("postgres:16");
    if (!out->path || !out->directory || !out->backend || !out->schemas_dir || !out->fixtures_dir ||
        !out->container_image) {
        diag_add(diags, path, 0, 0, "out of memory");
        return -1;
    }

    int rc = ini_parse_stream(read_line, &p, handle_key, &p);
    check_key_line_accepted(&p);
    if (rc == -2)
        parser_out_of_memory(&p);
    else if (rc > 0 && !p.failed) /* inih refused a line the reader did not expect it to */
        parser_error(&p, rc, "cannot read this line; expected \"key = value\"");
    check_depends(&p);
    if (!out->name) {
        out->name = default_project_name(out->directory);
        if (!out->name)
            parser_out_of_memory(&p);
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
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0)
        strbuf_append(&text, chunk, got);
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

/* ---- Resolving file names ---- */

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

static bool is_regular_file(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

/* Checks that `path` is a readable regular file; a diag and -1 when it is not. */
static int check_file(const manifest *m, const manifest_table *table, const char *what,
                      const char *key, const char *path, int line, diag_list *diags)
{
    struct stat info;
    int error = stat(path, &info) == 0 ? 0 : errno;
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

static void free_resolved_paths(manifest_table *table)
{
    free(table->schema_path);
    free(table->sqlite_schema_path);
    for (size_t i = 0; i < table->fixture_path_count; i++)
        free(table->fixture_paths[i]);
    free(table->fixture_paths);
    table->schema_path = table->sqlite_schema_path = NULL;
    table->fixture_paths = NULL;
    table->fixture_path_count = 0;
}

static int resolve_schema(const manifest *m, manifest_table *table, const char *stem,
                          diag_list *diags)
{
    char *default_file = table->schema ? NULL : strbuf_format("%s.sql", stem);
    const char *file = table->schema ? table->schema : default_file;
    table->schema_path = file ? join_path(m->directory, m->schemas_dir, file) : NULL;
    free(default_file);
    if (!table->schema_path)
        return -1;

    /* schemas/x.sql -> schemas/x.sqlite.sql */
    size_t length = strlen(table->schema_path);
    if (length >= 4 && strcmp(table->schema_path + length - 4, ".sql") == 0)
        length -= 4;
    char *variant = strbuf_format("%.*s.sqlite.sql", (int)length, table->schema_path);
    if (!variant)
        return -1;
    if (is_regular_file(variant))
        table->sqlite_schema_path = variant;
    else
        free(variant);

    int line = table->schema_line ? table->schema_line : table->line;
    return check_file(m, table, "schema", "schema", table->schema_path, line, diags);
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
    if (!table->fixtures_given) {
        char *file = strbuf_format("%s.csv", stem);
        char *path = file ? join_path(m->directory, m->fixtures_dir, file) : NULL;
        free(file);
        if (!path)
            return -1;
        if (is_regular_file(path))
            return add_fixture_path(table, path);
        free(path);
        return 0;
    }
    int rc = 0;
    int line = table->fixtures_line ? table->fixtures_line : table->line;
    for (size_t i = 0; i < table->fixture_count; i++) {
        char *path = join_path(m->directory, m->fixtures_dir, table->fixtures[i]);
        if (add_fixture_path(table, path) < 0)
            return -1;
        if (check_file(m, table, "fixture", "fixtures", path, line, diags) < 0)
            rc = -1;
    }
    return rc;
}

int manifest_resolve(manifest *m, diag_list *diags)
{
    int rc = 0;
    for (size_t i = 0; i < m->table_count; i++) {
        manifest_table *table = &m->tables[i];
        free_resolved_paths(table);
        size_t reported = diags->count;
        char *stem = table_file_stem(table->written_name);
        if (!stem || resolve_schema(m, table, stem, diags) < 0)
            rc = -1;
        if (!stem || resolve_fixtures(m, table, stem, diags) < 0)
            rc = -1;
        free(stem);
        if (rc < 0 && diags->count == reported)
            diag_add(diags, m->path, table->line, 0, "out of memory");
    }
    return rc;
}

const manifest_table *manifest_find_table(const manifest *m, const char *name)
{
    for (size_t i = 0; i < m->table_count; i++)
        if (strcmp(m->tables[i].name, name) == 0)
            return &m->tables[i];
    return NULL;
}

static void free_strings(char **strings, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}

void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->table_count; i++) {
        manifest_table *table = &m->tables[i];
        free(table->name);
        free(table->written_name);
        free(table->owner);
        free(table->schema);
        free_strings(table->fixtures, table->fixture_count);
        free_strings(table->depends, table->depends_count);
        free(table->model);
        free_resolved_paths(table);
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
    *m = (manifest){0};
}

/* ---- ${VAR} expansion ---- */

typedef struct expansion {
    const char *value; /* the whole value, for messages */
    const char *file;
    int line;
    manifest_getenv_fn getenv_fn;
    void *context;
    diag_list *diags;
} expansion;

/* Index of the '}' closing the reference whose name starts at `start`, or `length`. */
static size_t closing_brace(const char *text, size_t length, size_t start)
{
    int depth = 1;
    for (size_t i = start; i < length; i++) {
        if (text[i] == '$' && i + 1 < length && (text[i + 1] == '$' || text[i + 1] == '{')) {
            depth += text[i + 1] == '{';
            i++;
        } else if (text[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return length;
}

/* Appends `text` with its references expanded. Returns 0, or -1 after a diag. */
static int expand_text(const expansion *e, const char *text, size_t length, int depth, strbuf *out)
{
    if (depth > EXPANSION_MAX_DEPTH) {
        diag_add(e->diags, e->file, e->line, 0,
                 "references nested more than %d deep in \"%s\"; expected fewer",
                 EXPANSION_MAX_DEPTH, e->value);
        return -1;
    }
    size_t i = 0;
    while (i < length) {
        if (text[i] != '$' || i + 1 == length || (text[i + 1] != '{' && text[i + 1] != '$')) {
            strbuf_append_char(out, text[i++]);
            continue;
        }
        if (text[i + 1] == '$') { /* $$ is one literal $ */
            strbuf_append_char(out, '$');
            i += 2;
            continue;
        }
        size_t close = closing_brace(text, length, i + 2);
        if (close == length) {
            diag_add(e->diags, e->file, e->line, 0,
                     "unterminated \"${\" in \"%s\"; expected \"}\" after the variable name",
                     e->value);
            return -1;
        }
        const char *name = text + i + 2;
        size_t name_length = 0;
        while (name + name_length < text + close &&
               (isalnum((unsigned char)name[name_length]) || name[name_length] == '_'))
            name_length++;
        const char *rest = name + name_length;
        size_t rest_length = (size_t)(text + close - rest);
        bool has_default = rest_length >= 2 && rest[0] == ':' && rest[1] == '-';
        if (name_length == 0 || isdigit((unsigned char)name[0]) ||
            (rest_length > 0 && !has_default)) {
            diag_add(e->diags, e->file, e->line, 0,
                     "invalid reference \"%.*s\" in \"%s\"; expected ${NAME} or "
                     "${NAME:-default}",
                     (int)(close - i + 1), text + i, e->value);
            return -1;
        }
        char *variable = strndup(name, name_length);
        if (!variable) {
            out->failed = true;
            return 0;
        }
        const char *found = e->getenv_fn(variable, e->context);
        free(variable);
        if (has_default && (!found || *found == '\0')) {
            if (expand_text(e, rest + 2, rest_length - 2, depth + 1, out) < 0)
                return -1;
        } else if (found) {
            strbuf_append_str(out, found);
        }
        i = close + 1;
    }
    return 0;
}

char *manifest_expand(const char *value, const char *file, int line, manifest_getenv_fn getenv_fn,
                      void *context, diag_list *diags)
{
    expansion e = {value, file, line, getenv_fn ? getenv_fn : process_getenv, context, diags};
    strbuf out = STRBUF_INIT;
    if (expand_text(&e, value, strlen(value), 0, &out) < 0) {
        strbuf_free(&out);
        return NULL;
    }
    char *expanded = strbuf_detach(&out);
    if (!expanded)
        diag_add(diags, file, line, 0, "out of memory");
    return expanded;
}
