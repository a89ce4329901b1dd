/*
 * manifest_sections.c — the [section] headers of foster.ini: [foster],
 * [postgres], [container], [cluster], [mysql], [mysql-cluster] and
 * [table NAME], each at most once,
 * and the syntax of the table names they and `depends` give.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "manifest_internal.h"
#include "strbuf.h"

const char *const manifest_section_titles[SECTION_TABLE + 1] = {
    [SECTION_FOSTER] = "foster",       [SECTION_POSTGRES] = "postgres",
    [SECTION_CONTAINER] = "container", [SECTION_CLUSTER] = "cluster",
    [SECTION_MYSQL] = "mysql",         [SECTION_MYSQL_CLUSTER] = "mysql-cluster",
    [SECTION_TABLE] = "table",
};

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
bool manifest_is_valid_table_name(const char *s)
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

/* ---- Section headers ---- */

/* Appends a zeroed table to the manifest; NULL when memory ran out. */
static manifest_table *add_table(manifest_parser *p)
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
static void open_table_section(manifest_parser *p, const char *written, size_t length)
{
    if (length == 0) {
        manifest_parser_error(p, p->line, "empty table name in [table]; expected [table NAME]");
        return;
    }
    char *written_name = strndup(written, length);
    if (!written_name) {
        manifest_parser_out_of_memory(p);
        return;
    }
    if (!manifest_is_valid_table_name(written_name)) {
        manifest_parser_error(
            p, p->line,
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
        manifest_parser_error(p, p->line,
                              "duplicate table \"%s\"; the first [table %s] is on line %d", name,
                              first->written_name, first->line);
    else if (!name || !(table = add_table(p)))
        manifest_parser_out_of_memory(p);
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
void manifest_read_section_header(manifest_parser *p, const char *line, size_t length)
{
    memset(p->key_lines, 0, sizeof p->key_lines);
    p->section = SECTION_IGNORED;
    if (length >= 2 && line[length - 1] != ']' && memchr(line, ']', length)) {
        manifest_parser_error(
            p, p->line,
            "unexpected text after \"]\" in \"%.*s\"; expected a comment or the end "
            "of the line",
            (int)length, line);
        return;
    }
    if (length < 2 || line[length - 1] != ']') {
        manifest_parser_error(
            p, p->line,
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
        if (strlen(manifest_section_titles[kind]) != inside_length ||
            strncmp(manifest_section_titles[kind], inside, inside_length) != 0)
            continue;
        if (p->section_lines[kind]) {
            manifest_parser_error(p, p->line, "duplicate section [%s]; the first is on line %d",
                                  manifest_section_titles[kind], p->section_lines[kind]);
            return;
        }
        p->section_lines[kind] = p->line;
        p->section = kind;
        return;
    }
    strbuf expected = STRBUF_INIT;
    for (section_kind kind = SECTION_FOSTER; kind < SECTION_TABLE; kind++)
        strbuf_appendf(&expected, "%s[%s]", kind == SECTION_FOSTER ? "" : ", ",
                       manifest_section_titles[kind]);
    manifest_parser_error(p, p->line, "unknown section [%.*s]; expected %s or [table NAME]",
                          (int)inside_length, inside, expected.failed ? "" : strbuf_str(&expected));
    strbuf_free(&expected);
}
