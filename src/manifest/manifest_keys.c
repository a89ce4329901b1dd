/*
 * manifest_keys.c — the "key = value" lines of foster.ini: which keys each
 * section takes, which values they accept, and where each value is stored.
 * Values are expanded (${VAR}) before they are checked.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend_kinds.h"
#include "ddl.h"
#include "manifest_internal.h"
#include "sqldialect.h"
#include "strbuf.h"

static const char *const section_keys[][SECTION_KEYS_MAX + 1] = {
    [SECTION_FOSTER] = {"name", "backend", "schemas", "fixtures", "dialect", "cache", "schema_dump",
                        "prelude", "strict", NULL},
    [SECTION_POSTGRES] = {"url", NULL},
    [SECTION_CONTAINER] = {"engine", "image", "engine_kind", NULL},
    [SECTION_CLUSTER] = {"bindir", NULL},
    [SECTION_MYSQL] = {"url", NULL},
    [SECTION_MYSQL_CLUSTER] = {"bindir", NULL},
    [SECTION_TABLE] = {"owner", "schema", "fixtures", "depends", "model", NULL},
};

/* "foster" or "table x", the section as messages name it inside brackets. */
static const char *section_label_prefix(const manifest_parser *p)
{
    return p->section == SECTION_TABLE ? "table " : "";
}

static const char *section_label_name(const manifest_parser *p)
{
    if (p->section == SECTION_TABLE)
        return p->m->tables[p->table_index].written_name;
    return manifest_section_titles[p->section];
}

/* ---- Values ---- */

/* Splits a comma list into trimmed, non-empty items. Returns 0, or -1 after a diag. */
static int split_list(manifest_parser *p, const char *value, const char *key, char ***items,
                      size_t *count)
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
            manifest_parser_error(p, p->line,
                                  "empty entry in the %s list of [%s%s]; expected names separated "
                                  "by commas",
                                  key, section_label_prefix(p), section_label_name(p));
            return -1;
        }
        char **grown = realloc(*items, (*count + 1) * sizeof *grown);
        char *item = strndup(start, (size_t)(end - start));
        if (grown)
            *items = grown;
        if (!grown || !item) {
            free(item);
            manifest_parser_out_of_memory(p);
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

/* [foster] dialect: the source dialect of every schema file (sqldialect.h); takes `value`. */
static void apply_dialect(manifest_parser *p, char *value)
{
    sql_dialect dialect = sql_dialect_parse(value);
    if (*value && dialect == SQL_DIALECT_UNKNOWN)
        manifest_parser_error(
            p, p->line, "unknown dialect \"%s\" in [foster]; expected postgresql or mysql", value);
    else if (*value)
        p->m->dialect = dialect;
    p->m->dialect_line = p->line;
    free(value);
}

/* [container] engine_kind: the server in the image (sqldialect.h's names); takes `value`. */
static void apply_engine_kind(manifest_parser *p, char *value)
{
    sql_dialect kind = sql_dialect_parse(value);
    if (*value && kind == SQL_DIALECT_UNKNOWN)
        manifest_parser_error(
            p, p->line, "unknown engine_kind \"%s\" in [container]; expected %s", value,
            "postgresql or mysql"); /* sqldialect's names (the engines), not backend kinds */
    else
        p->m->container_engine_kind = kind;
    p->m->container_engine_kind_line = p->line;
    free(value);
}

/* A [foster] key that is true or false (empty: the default); takes `value`. */
static void apply_flag(manifest_parser *p, const char *key, char *value, bool *flag)
{
    if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
        *flag = strcmp(value, "true") == 0;
    else if (*value)
        manifest_parser_error(p, p->line, "invalid %s \"%s\" in [foster]; expected true or false",
                              key, value);
    free(value);
}

/* Stores a value of [foster], [postgres], [container] or [cluster]; takes `value`. */
static void apply_setting(manifest_parser *p, const char *key, char *value)
{
    static const char *const engines[] = {"docker", "podman", NULL};
    manifest *m = p->m;
    char **field = NULL;
    bool valid = true;
    if (p->section == SECTION_FOSTER && strcmp(key, "name") == 0) {
        field = &m->name;
        if (*value && !(valid = is_valid_project_name(value)))
            manifest_parser_error(
                p, p->line,
                "invalid name \"%s\" in [foster]; expected 1 to %d characters from "
                "a-z, 0-9 and _",
                value, PROJECT_NAME_MAX_LENGTH);
    } else if (p->section == SECTION_FOSTER && strcmp(key, "backend") == 0) {
        field = &m->backend;
        if (*value && !(valid = backend_kind_find(value) != NULL)) {
            char *names = backend_kind_names(", ", " or ");
            manifest_parser_error(p, p->line, "unknown backend \"%s\" in [foster]; expected %s",
                                  value, names ? names : "a backend foster knows");
            free(names);
        }
    } else if (p->section == SECTION_FOSTER && strcmp(key, "cache") == 0) {
        apply_flag(p, key, value, &m->cache);
        return;
    } else if (p->section == SECTION_FOSTER && strcmp(key, "schemas") == 0) {
        field = &m->schemas_dir;
    } else if (p->section == SECTION_FOSTER && strcmp(key, "dialect") == 0) {
        apply_dialect(p, value);
        return;
    } else if (p->section == SECTION_CONTAINER && strcmp(key, "engine_kind") == 0) {
        apply_engine_kind(p, value);
        return;
    } else if (p->section == SECTION_FOSTER && strcmp(key, "schema_dump") == 0) {
        field = &m->schema_dump;
        m->schema_dump_line = p->line;
    } else if (p->section == SECTION_FOSTER && strcmp(key, "prelude") == 0) {
        m->prelude_line = p->line;
        split_list(p, value, key, &m->preludes, &m->prelude_count);
        free(value);
        return;
    } else if (p->section == SECTION_FOSTER && strcmp(key, "strict") == 0) {
        apply_flag(p, key, value, &m->strict);
        return;
    } else if (p->section == SECTION_FOSTER) {
        field = &m->fixtures_dir;
    } else if (p->section == SECTION_POSTGRES) {
        field = &m->postgres_url;
        m->postgres_url_line = p->line;
    } else if (p->section == SECTION_CONTAINER && strcmp(key, "engine") == 0) {
        field = &m->container_engine;
        if (*value && !(valid = is_one_of(value, engines)))
            manifest_parser_error(p, p->line,
                                  "unknown engine \"%s\" in [container]; expected docker or podman",
                                  value);
    } else if (p->section == SECTION_CONTAINER) {
        field = &m->container_image;
        m->container_image_line = *value ? p->line : 0;
    } else if (p->section == SECTION_MYSQL) {
        field = &m->mysql_url;
        m->mysql_url_line = p->line;
    } else if (p->section == SECTION_MYSQL_CLUSTER) {
        field = &m->mysql_cluster_bindir;
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
static void apply_table_key(manifest_parser *p, const char *key, char *value)
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
            if (!manifest_is_valid_table_name(written[i])) {
                manifest_parser_error(
                    p, p->line,
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
                manifest_parser_out_of_memory(p);
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
                manifest_parser_error(
                    p, p->line, "invalid model \"%s\" in [table %s]; expected app_label.model",
                    value, table->written_name);
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
int manifest_handle_key(void *user, const char *section, const char *key, const char *value)
{
    (void)section; /* the reader tracks sections itself, untruncated */
    manifest_parser *p = user;
    p->awaiting_handler = false;
    if (*key == '\0') {
        manifest_parser_error(p, p->line, "missing key before \"=\"; expected \"key = value\"");
        return 1;
    }
    if (p->section == SECTION_NONE) {
        manifest_parser_error(
            p, p->line, "key \"%s\" outside any section; expected a [section] header before it",
            key);
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
        manifest_parser_error(p, p->line, "unknown key \"%s\" in [%s%s]; expected %s", key,
                              section_label_prefix(p), section_label_name(p),
                              expected ? expected : "another key");
        free(expected);
        return 1;
    }
    if (p->key_lines[k]) {
        manifest_parser_error(p, p->line, "duplicate key \"%s\" in [%s%s]; the first is on line %d",
                              key, section_label_prefix(p), section_label_name(p), p->key_lines[k]);
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
