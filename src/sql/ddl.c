/*
 * ddl.c — reads a schema file the way foster needs it: what kind each
 * statement is, which table it is about and which tables it references.
 * The columns of each CREATE TABLE (type, NOT NULL, defaults,
 * auto-increment) are read by ddl_columns.c.
 *
 * This is a reader of owner DDL such as pg_dump writes, not a SQL parser: it
 * looks at the first words of each statement and at the top-level structure
 * of a column list. Everything it does not recognise is DDL_OTHER and is left
 * for the backend to run (or the translator to refuse) as written.
 */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl_internal.h"
#include "strbuf.h"

/* ---- names ---- */

/* The schema of the last two parts, or NULL for none or public. */
static const char *schema_part(char *const *parts, size_t count)
{
    if (count < 2 || strcmp(parts[count - 2], "public") == 0)
        return NULL;
    return parts[count - 2];
}

/* "table" or "schema.table" from the last two of `count` folded parts. */
static char *normalized_name(char *const *parts, size_t count)
{
    const char *schema = schema_part(parts, count);
    if (schema)
        return strbuf_format("%s.%s", schema, parts[count - 1]);
    return strdup(parts[count - 1]);
}

char *ddl_normalize_name(const char *written)
{
    sql_tokens tokens = {0};
    sql_name_parts name = {{NULL}, 0};
    size_t index = 0;
    char *result;
    if (sql_tokenize_text(written, &tokens) == 0 && sql_read_name(&tokens, &index, &name) > 0)
        result = normalized_name(name.part, name.count);
    else
        result = strdup(written); /* not a name SQL would accept: keep it as it is */
    sql_name_parts_free(&name);
    sql_tokens_free(&tokens);
    return result;
}

/* ---- lookups ---- */

ddl_table *ddl_find_table(ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->table_count; i++) {
        if (strcmp(file->tables[i].name, name) == 0)
            return &file->tables[i];
    }
    return NULL;
}

const ddl_table *ddl_file_table(const ddl_file *file, const char *name)
{
    return ddl_find_table((ddl_file *)file, name);
}

/* ---- CREATE TABLE ---- */

typedef struct analysis {
    ddl_file *file;
    diag_list *diags;
} analysis;

int ddl_out_of_memory(diag_list *diags, const ddl_file *file, const sql_statement *source)
{
    diag_set_kind(diag_add(diags, file->display_name, source->line, source->column,
                           "out of memory while reading the schema"),
                  DIAG_OUT_OF_MEMORY);
    return -1;
}

static int out_of_memory(analysis *a, const sql_statement *source)
{
    return ddl_out_of_memory(a->diags, a->file, source);
}

int ddl_add_table(ddl_file *file, ddl_table *table)
{
    ddl_table *tables = realloc(file->tables, (file->table_count + 1) * sizeof *tables);
    if (!tables)
        return -1;
    file->tables = tables;
    file->tables[file->table_count++] = *table;
    return 0;
}

void ddl_table_free(ddl_table *table)
{
    free(table->name);
    free(table->schema);
    free(table->bare_name);
    for (size_t i = 0; i < table->column_count; i++)
        ddl_column_free(&table->columns[i]);
    free(table->columns);
}

/* The position a message about token `i` should name: the token, or the statement's end. */
static const sql_token *token_or_last(const sql_tokens *t, size_t i)
{
    return i < t->count ? &t->items[i] : &t->items[t->count - 1];
}

static int analyze_create_table(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    size_t i = 1;
    while (!word_at(t, i, "TABLE"))
        i++;
    i++;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, &i, &name);
    if (rc < 0)
        return out_of_memory(a, st->source);
    if (rc == 0) {
        const sql_token *at = token_or_last(t, i);
        diag_add(a->diags, a->file->display_name, at->line, at->column,
                 "expected a table name after CREATE TABLE");
        return -1;
    }
    ddl_table table = {0};
    const char *schema = schema_part(name.part, name.count);
    st->table = normalized_name(name.part, name.count);
    table.name = st->table ? strdup(st->table) : NULL;
    table.schema = schema ? strdup(schema) : NULL;
    table.bare_name = strdup(name.part[name.count - 1]);
    table.line = st->source->line;
    sql_name_parts_free(&name);
    if (!table.name || (schema && !table.schema) || !table.bare_name) {
        ddl_table_free(&table);
        return out_of_memory(a, st->source);
    }
    size_t close = punct_at(t, i, '(') ? sql_closing_bracket(t, i, t->count) : t->count;
    if (close == t->count) {
        const sql_token *at = token_or_last(t, i);
        diag *d = diag_add(a->diags, a->file->display_name, at->line, at->column,
                           punct_at(t, i, '(') ? "column list of table %s is not closed"
                                               : "CREATE TABLE %s has no column list",
                           table.name);
        diag_set_hint(d,
                      "foster needs the columns written out: CREATE TABLE %s (column type, "
                      "...)",
                      table.name);
        ddl_table_free(&table);
        return -1;
    }
    st->elements = calloc(1, sizeof *st->elements);
    if (!st->elements || ddl_read_elements(t, i, close, st->elements) < 0 ||
        ddl_read_column_list(&table, t, st->elements) < 0 || ddl_add_table(a->file, &table) < 0) {
        ddl_table_free(&table);
        return out_of_memory(a, st->source);
    }
    return 0;
}

/* ---- other statements ---- */

/* Index of the table name in ALTER TABLE [IF EXISTS] [ONLY] name. */
size_t ddl_alter_table_name_index(const sql_tokens *t)
{
    size_t i = 2;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "EXISTS"))
        i += 2;
    if (word_at(t, i, "ONLY"))
        i++;
    return i;
}

/* Sets st->table from the name at `i`; 0 also when there is none, -1 out of memory. */
static int set_table_at(analysis *a, ddl_statement *st, const sql_tokens *t, size_t i,
                        bool drop_column)
{
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, &i, &name);
    if (rc < 0)
        return out_of_memory(a, st->source);
    size_t count = drop_column && name.count > 0 ? name.count - 1 : name.count;
    if (rc > 0 && count > 0) {
        st->table = normalized_name(name.part, count);
        if (!st->table)
            rc = -1;
    }
    sql_name_parts_free(&name);
    return rc < 0 ? out_of_memory(a, st->source) : 0;
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table */
static int analyze_create_index(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    size_t i = word_at(t, 1, "UNIQUE") ? 3 : 2;
    if (word_at(t, i, "CONCURRENTLY"))
        i++;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    if (!word_at(t, i, "ON"))
        i++; /* the index name (never qualified) */
    if (!word_at(t, i, "ON"))
        return 0;
    i++;
    if (word_at(t, i, "ONLY"))
        i++;
    return set_table_at(a, st, t, i, false);
}

/* A sequence is about the table whose column OWNS it: OWNED BY table.column. */
static int analyze_sequence(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    for (size_t i = 2; i < t->count; i = sql_skip_group(t, i, t->count)) {
        if (word_at(t, i, "OWNED") && word_at(t, i + 1, "BY") && !word_at(t, i + 2, "NONE"))
            return set_table_at(a, st, t, i + 2, true);
    }
    return 0;
}

int ddl_add_reference(ddl_statement *st, char *name)
{
    for (size_t i = 0; i < st->reference_count; i++) {
        if (strcmp(st->references[i], name) == 0) {
            free(name);
            return 0;
        }
    }
    char **references = realloc(st->references, (st->reference_count + 1) * sizeof *st->references);
    if (!references) {
        free(name);
        return -1;
    }
    st->references = references;
    st->references[st->reference_count++] = name;
    return 0;
}

/* The name at *at (moving past it), joined, as a table `st` references: 1, 0 when there
 * is no name there, -1 on out of memory or a name that cannot be read. */
static int reference_at(ddl_statement *st, const sql_tokens *t, size_t *at, ddl_name_join join)
{
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, at, &name);
    char *joined = rc > 0 ? join(name.part, name.count) : NULL;
    sql_name_parts_free(&name);
    return rc < 0 || (rc > 0 && (!joined || ddl_add_reference(st, joined) < 0)) ? -1 : rc;
}

int ddl_collect_references(ddl_statement *st, const sql_tokens *t, ddl_name_join join)
{
    for (size_t i = 0; i < t->count; i++) {
        size_t at = i + 1;
        if (word_at(t, i, "REFERENCES") && reference_at(st, t, &at, join) < 0)
            return -1;
    }
    return 0;
}

/* CREATE TABLE ... INHERITS (parent, ...): each parent, as a table it references (it
 * must be created first, and by the manifest). */
static int collect_inherited(ddl_statement *st, const sql_tokens *t)
{
    for (size_t i = 0; i < t->count; i = sql_skip_group(t, i, t->count)) {
        if (!word_at(t, i, "INHERITS") || !punct_at(t, i + 1, '('))
            continue;
        for (size_t at = i + 2;; at++) {
            int rc = reference_at(st, t, &at, normalized_name);
            if (rc <= 0 || !punct_at(t, at, ','))
                return rc < 0 ? -1 : 0;
        }
    }
    return 0;
}

/* ALTER <anything> name OWNER TO role, but not RENAME [COLUMN] owner TO x. */
static bool is_owner_to(const sql_tokens *t)
{
    size_t n = t->count;
    if (n < 4 || !word_at(t, n - 3, "OWNER") || !word_at(t, n - 2, "TO"))
        return false;
    static const char *const renames[] = {"RENAME", "COLUMN", "CONSTRAINT", "ATTRIBUTE"};
    for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++) {
        if (word_at(t, n - 4, renames[i]))
            return false;
    }
    return true;
}

/* SELECT [pg_catalog.]set_config(...) or setval(...), as pg_dump writes them. */
static bool is_session_call(const sql_tokens *t)
{
    size_t i = 1;
    if (word_at(t, i, "pg_catalog") && punct_at(t, i + 1, '.'))
        i += 2;
    return (word_at(t, i, "set_config") || word_at(t, i, "setval")) && punct_at(t, i + 1, '(');
}

/* pg_dump's SELECT pg_catalog.set_config('search_path', '', false): names as written. */
static bool is_search_path_call(const sql_tokens *t)
{
    size_t i = 1;
    if (word_at(t, i, "pg_catalog") && punct_at(t, i + 1, '.'))
        i += 2;
    return word_at(t, 0, "SELECT") && word_at(t, i, "set_config") && punct_at(t, i + 1, '(') &&
           i + 2 < t->count && t->items[i + 2].kind == SQL_TOKEN_STRING &&
           t->items[i + 2].length == 13 && memcmp(t->items[i + 2].start, "'search_path'", 13) == 0;
}

/* Settings that change how later DDL is read, which a copy must keep. */
static bool is_reading_setting(const sql_tokens *t)
{
    size_t i = word_at(t, 1, "SESSION") || word_at(t, 1, "LOCAL") ? 2 : 1;
    return (word_at(t, 0, "SET") && (word_at(t, i, "check_function_bodies") ||
                                     word_at(t, i, "standard_conforming_strings"))) ||
           is_search_path_call(t);
}

static ddl_kind classify(const sql_statement *source, const sql_tokens *t)
{
    if (!source->is_meta && is_reading_setting(t))
        return DDL_SETTING;
    if (source->is_meta || t->count == 0 || word_at(t, 0, "SET") || word_at(t, 0, "GRANT") ||
        word_at(t, 0, "REVOKE") || (word_at(t, 0, "COMMENT") && word_at(t, 1, "ON")) ||
        (word_at(t, 0, "SELECT") && is_session_call(t)))
        return DDL_SKIP;
    if (word_at(t, 0, "ALTER")) {
        if (is_owner_to(t) || (word_at(t, 1, "DEFAULT") && word_at(t, 2, "PRIVILEGES")))
            return DDL_SKIP;
        if (word_at(t, 1, "TABLE"))
            return DDL_ALTER_TABLE;
        return word_at(t, 1, "SEQUENCE") ? DDL_ALTER_SEQUENCE : DDL_OTHER;
    }
    if (!word_at(t, 0, "CREATE"))
        return DDL_OTHER;
    size_t i = 1;
    if (word_at(t, i, "GLOBAL") || word_at(t, i, "LOCAL"))
        i++;
    if (word_at(t, i, "TEMP") || word_at(t, i, "TEMPORARY") || word_at(t, i, "UNLOGGED"))
        i++;
    if (word_at(t, i, "TABLE"))
        return DDL_CREATE_TABLE;
    if (word_at(t, i, "SEQUENCE"))
        return DDL_CREATE_SEQUENCE;
    i = word_at(t, 1, "UNIQUE") ? 2 : 1;
    return word_at(t, i, "INDEX") ? DDL_CREATE_INDEX : DDL_OTHER;
}

/* Reads the statement's tokens once, into st->tokens; -1 after a diag. */
static int tokenize(analysis *a, ddl_statement *st)
{
    sql_tokens_free(&st->tokens);
    st->tokenized = sql_tokenize(st->source, a->file->display_name, &st->tokens, a->diags) == 0;
    if (!st->tokenized)
        sql_tokens_free(&st->tokens);
    return st->tokenized ? 0 : -1;
}

static int analyze_statement(analysis *a, ddl_statement *st)
{
    if (tokenize(a, st) < 0)
        return -1;
    const sql_tokens *t = &st->tokens;
    st->kind = classify(st->source, t);
    int rc = 0;
    switch (st->kind) {
    case DDL_CREATE_TABLE:
        rc = analyze_create_table(a, st, t);
        break;
    case DDL_ALTER_TABLE:
        rc = set_table_at(a, st, t, ddl_alter_table_name_index(t), false);
        break;
    case DDL_CREATE_INDEX:
        rc = analyze_create_index(a, st, t);
        break;
    case DDL_CREATE_SEQUENCE:
    case DDL_ALTER_SEQUENCE:
        rc = analyze_sequence(a, st, t);
        break;
    default:
        break;
    }
    if (rc == 0 && (st->kind == DDL_CREATE_TABLE || st->kind == DDL_ALTER_TABLE))
        rc = ddl_collect_references(st, t, normalized_name) < 0 ? out_of_memory(a, st->source) : 0;
    if (rc == 0 && st->kind == DDL_CREATE_TABLE)
        rc = collect_inherited(st, t) < 0 ? out_of_memory(a, st->source) : 0;
    if (rc == 0 && ddl_read_object(st, t) < 0)
        rc = out_of_memory(a, st->source);
    return rc;
}

/* ---- files ---- */

/*
 * SET x -> SET LOCAL x, set_config(..., false) -> set_config(..., true): the
 * setting lasts as long as the transaction that creates the tables, not into
 * the connection the tests are given.
 */
static int make_local(sql_statement *statement)
{
    const char *text = statement->text;
    if (strncasecmp(text, "SELECT", 6) == 0) { /* the search_path call: its last argument */
        const char *last = NULL;
        for (const char *p = strcasestr(text, "false"); p; p = strcasestr(p + 1, "false"))
            last = p;
        if (!last)
            return 0;
        char *local = strbuf_format("%.*strue%s", (int)(last - text), text, last + 5);
        if (!local)
            return -1;
        free(statement->text);
        statement->text = local;
        return 0;
    }
    size_t skip = 3; /* "SET" */
    while (text[skip] == ' ' || text[skip] == '\t')
        skip++;
    if (strncasecmp(text + skip, "LOCAL", 5) == 0)
        return 0;
    if (strncasecmp(text + skip, "SESSION", 7) == 0)
        skip += 7;
    char *local = strbuf_format("SET LOCAL %s", text + skip);
    if (!local)
        return -1;
    free(statement->text);
    statement->text = local;
    return 0;
}

int ddl_file_begin(ddl_file *out, sql_script *script, const char *display_name, diag_list *diags)
{
    out->script = *script;
    script->items = NULL;
    script->count = 0;
    size_t count = out->script.count;
    out->display_name = display_name ? strdup(display_name) : NULL;
    out->statements = calloc(count ? count : 1, sizeof *out->statements);
    if ((display_name && !out->display_name) || !out->statements) {
        diag_set_kind(diag_add(diags, display_name, 0, 0, "out of memory while reading the schema"),
                      DIAG_OUT_OF_MEMORY);
        return -1;
    }
    out->statement_count = count;
    for (size_t i = 0; i < count; i++) {
        out->statements[i].source = &out->script.items[i];
        out->statements[i].kind = DDL_OTHER;
    }
    return 0;
}

int ddl_analyze(sql_script *script, const char *display_name, ddl_file *out, diag_list *diags)
{
    if (ddl_file_begin(out, script, display_name, diags) < 0)
        return -1;
    analysis a = {out, diags};
    size_t count = out->statement_count;
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        ddl_statement *st = &out->statements[i];
        if (analyze_statement(&a, st) < 0)
            rc = -1;
        else if (st->kind == DDL_SETTING &&
                 (make_local(&out->script.items[i]) < 0 || tokenize(&a, st) < 0))
            rc = out_of_memory(&a, st->source); /* its tokens point into the new text */
    }
    ddl_apply_column_alters(out);
    return rc;
}

int ddl_load_file(const char *path, const char *display_name, ddl_file *out, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    sql_script script = {0};
    if (sql_split_file(path, name, &script, diags) < 0 ||
        sql_script_check_scope(&script, name, diags) < 0) {
        sql_script_free(&script);
        out->display_name = strdup(name);
        return -1;
    }
    return ddl_analyze(&script, name, out, diags);
}

void ddl_file_free(ddl_file *file)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        ddl_statement *st = &file->statements[i];
        free(st->table);
        free(st->object_name);
        free(st->parent);
        free(st->on_table);
        free(st->sql_mode);
        sql_tokens_free(&st->tokens);
        if (st->elements)
            ddl_elements_free(st->elements);
        free(st->elements);
        for (size_t r = 0; r < st->reference_count; r++)
            free(st->references[r]);
        free(st->references);
    }
    free(file->statements);
    for (size_t i = 0; i < file->table_count; i++)
        ddl_table_free(&file->tables[i]);
    free(file->tables);
    sql_script_free(&file->script);
    free(file->display_name);
    memset(file, 0, sizeof *file);
}
