/*
 * ddl.c — reads a schema file the way foster needs it: what kind each
 * statement is, which table it is about, which tables it references, and for
 * each CREATE TABLE the columns a loader must know about (type, NOT NULL,
 * defaults, auto-increment).
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

#include "strbuf.h"

#define MAX_NAME_PARTS 4 /* database.schema.table.column */

/* ---- tokens ---- */

static bool punct_at(const sql_tokens *t, size_t i, char c)
{
    return i < t->count && t->items[i].kind == SQL_TOKEN_PUNCT && t->items[i].start[0] == c;
}

static bool word_at(const sql_tokens *t, size_t i, const char *word)
{
    return i < t->count && sql_token_is(&t->items[i], word);
}

static bool is_name_token(const sql_tokens *t, size_t i)
{
    return i < t->count &&
           (t->items[i].kind == SQL_TOKEN_WORD || t->items[i].kind == SQL_TOKEN_QUOTED_ID);
}

/* Index of the bracket closing the one at `open`, or `end` when it is not closed before `end`. */
static size_t closing_bracket(const sql_tokens *t, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end; i++) {
        if (punct_at(t, i, '(') || punct_at(t, i, '['))
            depth++;
        else if ((punct_at(t, i, ')') || punct_at(t, i, ']')) && --depth == 0)
            return i;
    }
    return end;
}

/* The index after token `i`, skipping the whole bracketed group when `i` opens one. */
static size_t skip_group(const sql_tokens *t, size_t i, size_t end)
{
    if (!punct_at(t, i, '(') && !punct_at(t, i, '['))
        return i + 1;
    size_t close = closing_bracket(t, i, end);
    return close < end ? close + 1 : end;
}

/* Words that end a column's type (and a DEFAULT expression) in a column definition. */
static bool is_column_constraint_word(const sql_token *token)
{
    static const char *const words[] = {
        "NOT",   "NULL",       "DEFAULT",   "PRIMARY", "UNIQUE",  "REFERENCES",
        "CHECK", "CONSTRAINT", "GENERATED", "COLLATE", "STORAGE", "COMPRESSION",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (sql_token_is(token, words[i]))
            return true;
    }
    return false;
}

/* The first column constraint word at bracket depth 0 in [from, end), or `end`. */
static size_t next_constraint_word(const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i = skip_group(t, i, end)) {
        if (is_column_constraint_word(&t->items[i]))
            return i;
    }
    return end;
}

static bool calls_nextval(const sql_tokens *t, size_t from, size_t end)
{
    for (size_t i = from; i < end; i++) {
        if (word_at(t, i, "nextval") && punct_at(t, i + 1, '('))
            return true;
    }
    return false;
}

/* Tokens [begin, end) as written, single spaces between them except around ( ) [ ] , . */
static char *tokens_text(const sql_tokens *t, size_t begin, size_t end)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = begin; i < end; i++) {
        const sql_token *token = &t->items[i];
        bool tight = token->kind == SQL_TOKEN_PUNCT;
        if (i > begin) {
            const sql_token *prev = &t->items[i - 1];
            bool after_open = prev->kind == SQL_TOKEN_PUNCT && strchr("([,.", prev->start[0]);
            if (!tight && !after_open)
                strbuf_append_char(&sb, ' ');
        }
        strbuf_append(&sb, token->start, token->length);
    }
    return strbuf_detach(&sb);
}

/* ---- names ---- */

typedef struct name_parts {
    char *part[MAX_NAME_PARTS];
    size_t count;
} name_parts;

static void name_parts_free(name_parts *name)
{
    for (size_t i = 0; i < name->count; i++)
        free(name->part[i]);
    name->count = 0;
}

/*
 * Reads a possibly qualified name (a, a.b, "A".b.c) at *index. Returns 1 and
 * moves *index past it, 0 when no name starts there, -1 when memory ran out.
 */
static int read_name(const sql_tokens *t, size_t *index, name_parts *out)
{
    size_t i = *index;
    out->count = 0;
    while (is_name_token(t, i) && out->count < MAX_NAME_PARTS) {
        char *part = sql_token_identifier(&t->items[i]);
        if (!part) {
            name_parts_free(out);
            return -1;
        }
        out->part[out->count++] = part;
        i++;
        if (!punct_at(t, i, '.') || !is_name_token(t, i + 1))
            break;
        i++;
    }
    if (out->count == 0)
        return 0;
    *index = i;
    return 1;
}

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
    char *text = strdup(written);
    if (!text)
        return NULL;
    sql_statement statement = {text, 1, 1, false};
    sql_tokens tokens = {0};
    diag_list ignored = DIAG_LIST_INIT;
    name_parts name = {{NULL}, 0};
    size_t index = 0;
    char *result;
    if (sql_tokenize(&statement, NULL, &tokens, &ignored) == 0 &&
        read_name(&tokens, &index, &name) > 0)
        result = normalized_name(name.part, name.count);
    else
        result = strdup(written); /* not a name SQL would accept: keep it as it is */
    name_parts_free(&name);
    sql_tokens_free(&tokens);
    diag_list_clear(&ignored);
    free(text);
    return result;
}

/* ---- lookups ---- */

static ddl_table *find_table(ddl_file *file, const char *name)
{
    for (size_t i = 0; i < file->table_count; i++) {
        if (strcmp(file->tables[i].name, name) == 0)
            return &file->tables[i];
    }
    return NULL;
}

static ddl_column *find_column(ddl_table *table, const char *name)
{
    for (size_t i = 0; i < table->column_count; i++) {
        if (strcmp(table->columns[i].name, name) == 0)
            return &table->columns[i];
    }
    return NULL;
}

const ddl_table *ddl_file_table(const ddl_file *file, const char *name)
{
    return find_table((ddl_file *)file, name);
}

const ddl_column *ddl_table_column(const ddl_table *table, const char *name)
{
    return find_column((ddl_table *)table, name);
}

/* The column named by the identifier token at `i`, or NULL. */
static ddl_column *column_at(ddl_table *table, const sql_tokens *t, size_t i)
{
    if (!is_name_token(t, i))
        return NULL;
    char *name = sql_token_identifier(&t->items[i]);
    ddl_column *column = name ? find_column(table, name) : NULL;
    free(name);
    return column;
}

/* Marks NOT NULL the columns listed in the parenthesised list at `open` (a PRIMARY KEY). */
static void mark_key_columns_not_null(ddl_table *table, const sql_tokens *t, size_t open,
                                      size_t end)
{
    if (!punct_at(t, open, '('))
        return;
    size_t close = closing_bracket(t, open, end);
    for (size_t i = open + 1; i < close; i++) {
        ddl_column *column = column_at(table, t, i);
        if (column)
            column->not_null = true;
    }
}

/* ---- column definitions ---- */

static bool is_serial_type(const char *type)
{
    static const char *const serials[] = {"serial",  "serial4",     "bigserial",
                                          "serial8", "smallserial", "serial2"};
    for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
        if (strcasecmp(type, serials[i]) == 0)
            return true;
    }
    return false;
}

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY at `i`. */
static bool is_identity_at(const sql_tokens *t, size_t i)
{
    if (!word_at(t, i, "GENERATED"))
        return false;
    if (word_at(t, i + 1, "ALWAYS"))
        return word_at(t, i + 2, "AS") && word_at(t, i + 3, "IDENTITY");
    return word_at(t, i + 1, "BY") && word_at(t, i + 2, "DEFAULT") && word_at(t, i + 3, "AS") &&
           word_at(t, i + 4, "IDENTITY");
}

static void mark_identity(ddl_column *column)
{
    /* identity columns are NOT NULL whether or not the DDL says so */
    column->not_null = column->has_default = column->auto_increment = true;
}

static void read_column_constraints(ddl_column *column, const sql_tokens *t, size_t from,
                                    size_t end)
{
    for (size_t i = from; i < end; i = skip_group(t, i, end)) {
        if (word_at(t, i, "NOT") && word_at(t, i + 1, "NULL")) {
            column->not_null = true;
        } else if (word_at(t, i, "PRIMARY")) {
            column->not_null = true;
        } else if (word_at(t, i, "DEFAULT") && !word_at(t, i - 1, "SET")) {
            /* (not ON DELETE SET DEFAULT) */
            column->has_default = true;
            if (calls_nextval(t, i + 1, next_constraint_word(t, i + 1, end)))
                column->auto_increment = true;
        } else if (is_identity_at(t, i)) {
            mark_identity(column);
        } else if (word_at(t, i, "GENERATED")) {
            /* GENERATED ALWAYS AS (expr) STORED: computed, so never inserted */
            column->has_default = true;
        }
    }
}

/* Reads "name type [constraints]" from [begin, end) into `column`; -1 when memory ran out. */
static int read_column_definition(ddl_column *column, const sql_tokens *t, size_t begin, size_t end)
{
    size_t type_end = next_constraint_word(t, begin + 1, end);
    column->name = sql_token_identifier(&t->items[begin]);
    column->type = tokens_text(t, begin + 1, type_end);
    column->line = t->items[begin].line;
    if (!column->name || !column->type)
        return -1;
    if (is_serial_type(column->type))
        column->not_null = column->has_default = column->auto_increment = true;
    read_column_constraints(column, t, type_end, end);
    return 0;
}

static void column_free(ddl_column *column)
{
    free(column->name);
    free(column->type);
}

/* Words that start a table constraint instead of a column in a CREATE TABLE list. */
static bool starts_table_constraint(const sql_tokens *t, size_t i)
{
    static const char *const words[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                        "CHECK",      "EXCLUDE", "LIKE"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (word_at(t, i, words[k]))
            return true;
    }
    return false;
}

/* Index of PRIMARY KEY's column list in the constraint at `i` ([CONSTRAINT name] PRIMARY KEY),
 * or 0 when the constraint is not a primary key with a column list. */
static size_t primary_key_list(const sql_tokens *t, size_t i)
{
    if (word_at(t, i, "CONSTRAINT"))
        i += 2;
    if (word_at(t, i, "PRIMARY") && word_at(t, i + 1, "KEY") && punct_at(t, i + 2, '('))
        return i + 2;
    return 0;
}

/* ---- CREATE TABLE ---- */

typedef struct analysis {
    ddl_file *file;
    diag_list *diags;
} analysis;

static int out_of_memory(analysis *a, const sql_statement *source)
{
    diag_add(a->diags, a->file->display_name, source->line, source->column,
             "out of memory while reading the schema");
    return -1;
}

/* Reads the column list between `open` and `close` into `table`. */
static int read_column_list(ddl_table *table, const sql_tokens *t, size_t open, size_t close)
{
    size_t elements = 1;
    for (size_t i = open + 1; i < close; i = skip_group(t, i, close))
        elements += punct_at(t, i, ',');
    table->columns = calloc(elements, sizeof *table->columns);
    if (!table->columns)
        return -1;
    size_t begin = open + 1;
    for (size_t i = begin;; i = skip_group(t, i, close)) {
        if (i < close && !punct_at(t, i, ','))
            continue;
        if (i > begin && !starts_table_constraint(t, begin) && is_name_token(t, begin)) {
            ddl_column *column = &table->columns[table->column_count++];
            if (read_column_definition(column, t, begin, i) < 0)
                return -1;
        }
        if (i >= close)
            break;
        begin = i + 1;
    }
    /* a table-level PRIMARY KEY (a, b) may come before or after its columns */
    begin = open + 1;
    for (size_t i = begin; i <= close; i = skip_group(t, i, close + 1)) {
        if (i == close || punct_at(t, i, ',')) {
            size_t list = primary_key_list(t, begin);
            if (list)
                mark_key_columns_not_null(table, t, list, i);
            begin = i + 1;
        }
    }
    return 0;
}

static int add_table(ddl_file *file, ddl_table *table)
{
    ddl_table *tables = realloc(file->tables, (file->table_count + 1) * sizeof *tables);
    if (!tables)
        return -1;
    file->tables = tables;
    file->tables[file->table_count++] = *table;
    return 0;
}

static void table_free(ddl_table *table)
{
    free(table->name);
    free(table->schema);
    free(table->bare_name);
    for (size_t i = 0; i < table->column_count; i++)
        column_free(&table->columns[i]);
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
    name_parts name = {{NULL}, 0};
    int rc = read_name(t, &i, &name);
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
    name_parts_free(&name);
    if (!table.name || (schema && !table.schema) || !table.bare_name) {
        table_free(&table);
        return out_of_memory(a, st->source);
    }
    size_t close = punct_at(t, i, '(') ? closing_bracket(t, i, t->count) : t->count;
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
        table_free(&table);
        return -1;
    }
    if (read_column_list(&table, t, i, close) < 0 || add_table(a->file, &table) < 0) {
        table_free(&table);
        return out_of_memory(a, st->source);
    }
    return 0;
}

/* ---- other statements ---- */

/* Index of the table name in ALTER TABLE [IF EXISTS] [ONLY] name. */
static size_t alter_table_name_index(const sql_tokens *t)
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
    name_parts name = {{NULL}, 0};
    int rc = read_name(t, &i, &name);
    if (rc < 0)
        return out_of_memory(a, st->source);
    size_t count = drop_column && name.count > 0 ? name.count - 1 : name.count;
    if (rc > 0 && count > 0) {
        st->table = normalized_name(name.part, count);
        if (!st->table)
            rc = -1;
    }
    name_parts_free(&name);
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
    for (size_t i = 2; i < t->count; i = skip_group(t, i, t->count)) {
        if (word_at(t, i, "OWNED") && word_at(t, i + 1, "BY") && !word_at(t, i + 2, "NONE"))
            return set_table_at(a, st, t, i + 2, true);
    }
    return 0;
}

static int add_reference(ddl_statement *st, char *name)
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

/* REFERENCES is a reserved word, so every bare REFERENCES names a referenced table. */
static int collect_references(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    for (size_t i = 0; i < t->count; i++) {
        if (!word_at(t, i, "REFERENCES"))
            continue;
        size_t at = i + 1;
        name_parts name = {{NULL}, 0};
        int rc = read_name(t, &at, &name);
        char *normalized = rc > 0 ? normalized_name(name.part, name.count) : NULL;
        name_parts_free(&name);
        if (rc < 0 || (rc > 0 && (!normalized || add_reference(st, normalized) < 0)))
            return out_of_memory(a, st->source);
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

static ddl_kind classify(const sql_statement *source, const sql_tokens *t)
{
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

static int analyze_statement(analysis *a, ddl_statement *st)
{
    sql_tokens t = {0};
    if (sql_tokenize(st->source, a->file->display_name, &t, a->diags) < 0)
        return -1;
    st->kind = classify(st->source, &t);
    int rc = 0;
    switch (st->kind) {
    case DDL_CREATE_TABLE:
        rc = analyze_create_table(a, st, &t);
        break;
    case DDL_ALTER_TABLE:
        rc = set_table_at(a, st, &t, alter_table_name_index(&t), false);
        break;
    case DDL_CREATE_INDEX:
        rc = analyze_create_index(a, st, &t);
        break;
    case DDL_CREATE_SEQUENCE:
    case DDL_ALTER_SEQUENCE:
        rc = analyze_sequence(a, st, &t);
        break;
    default:
        break;
    }
    if (rc == 0 && (st->kind == DDL_CREATE_TABLE || st->kind == DDL_ALTER_TABLE))
        rc = collect_references(a, st, &t);
    sql_tokens_free(&t);
    return rc;
}

/* ---- ALTER TABLE changes to columns ---- */

static void add_column(ddl_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    ddl_column column = {0};
    if (!is_name_token(t, begin) || read_column_definition(&column, t, begin, end) < 0 ||
        find_column(table, column.name)) {
        column_free(&column); /* unreadable, out of memory, or already there */
        return;
    }
    ddl_column *columns =
        realloc(table->columns, (table->column_count + 1) * sizeof *table->columns);
    if (!columns) {
        column_free(&column);
        return;
    }
    table->columns = columns;
    table->columns[table->column_count++] = column;
}

/* ALTER [COLUMN] c {SET DEFAULT e | DROP DEFAULT | SET/DROP NOT NULL | ADD GENERATED ... |
 * DROP IDENTITY | [SET DATA] TYPE t}, the action at `i` (after ALTER [COLUMN] c). */
static void alter_column(ddl_column *column, const sql_tokens *t, size_t i, size_t end)
{
    if (word_at(t, i, "SET") && word_at(t, i + 1, "DEFAULT")) {
        column->has_default = true;
        column->auto_increment = calls_nextval(t, i + 2, end);
    } else if (word_at(t, i, "DROP") && word_at(t, i + 1, "DEFAULT")) {
        column->has_default = column->auto_increment = false;
    } else if (word_at(t, i + 1, "NOT") && word_at(t, i + 2, "NULL")) {
        column->not_null = word_at(t, i, "SET");
    } else if (word_at(t, i, "ADD") && is_identity_at(t, i + 1)) {
        mark_identity(column);
    } else if (word_at(t, i, "DROP") && word_at(t, i + 1, "IDENTITY")) {
        column->has_default = column->auto_increment = false;
    } else if (word_at(t, i, "TYPE") || (word_at(t, i, "SET") && word_at(t, i + 1, "DATA"))) {
        size_t begin = word_at(t, i, "TYPE") ? i + 1 : i + 3;
        size_t type_end = begin;
        while (type_end < end && !word_at(t, type_end, "COLLATE") && !word_at(t, type_end, "USING"))
            type_end = skip_group(t, type_end, end);
        char *type = tokens_text(t, begin, type_end);
        if (type) {
            free(column->type);
            column->type = type;
        }
    }
}

/* RENAME [COLUMN] a TO b, the action at `begin` (not RENAME TO or RENAME CONSTRAINT). */
static void rename_column(ddl_table *table, const sql_tokens *t, size_t begin)
{
    size_t i = word_at(t, begin + 1, "COLUMN") ? begin + 2 : begin + 1;
    if (word_at(t, i, "CONSTRAINT") || !word_at(t, i + 1, "TO") || !is_name_token(t, i + 2))
        return;
    ddl_column *column = column_at(table, t, i);
    char *name = column ? sql_token_identifier(&t->items[i + 2]) : NULL;
    if (name) {
        free(column->name);
        column->name = name;
    }
}

static void apply_action(ddl_table *table, const sql_tokens *t, size_t begin, size_t end)
{
    if (word_at(t, begin, "RENAME")) {
        rename_column(table, t, begin);
        return;
    }
    if (word_at(t, begin, "ALTER") && !word_at(t, begin + 1, "CONSTRAINT")) {
        size_t i = word_at(t, begin + 1, "COLUMN") ? begin + 2 : begin + 1;
        ddl_column *column = column_at(table, t, i);
        if (column)
            alter_column(column, t, i + 1, end);
        return;
    }
    if (!word_at(t, begin, "ADD"))
        return;
    size_t list = primary_key_list(t, begin + 1);
    if (list) {
        mark_key_columns_not_null(table, t, list, end);
        return;
    }
    size_t i = begin + 1;
    if (word_at(t, i, "COLUMN"))
        i++;
    else if (starts_table_constraint(t, i))
        return;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    add_column(table, t, i, end);
}

static void apply_alter_table(ddl_file *file, const ddl_statement *st)
{
    ddl_table *table = find_table(file, st->table);
    if (!table)
        return;
    sql_tokens t = {0};
    diag_list ignored = DIAG_LIST_INIT; /* ddl_analyze has reported these already */
    if (sql_tokenize(st->source, NULL, &t, &ignored) == 0) {
        size_t begin = alter_table_name_index(&t);
        name_parts name = {{NULL}, 0};
        if (read_name(&t, &begin, &name) > 0) {
            if (begin < t.count && t.items[begin].kind == SQL_TOKEN_OPERATOR &&
                t.items[begin].start[0] == '*')
                begin++; /* ALTER TABLE t * ... (descendants too) */
            for (size_t i = begin; i <= t.count; i = skip_group(&t, i, t.count + 1)) {
                if (i == t.count || punct_at(&t, i, ',')) {
                    apply_action(table, &t, begin, i);
                    begin = i + 1;
                }
            }
        }
        name_parts_free(&name);
    }
    sql_tokens_free(&t);
    diag_list_clear(&ignored);
}

void ddl_apply_column_alters(ddl_file *file)
{
    for (size_t i = 0; i < file->statement_count; i++) {
        const ddl_statement *st = &file->statements[i];
        if (st->kind == DDL_ALTER_TABLE && st->table)
            apply_alter_table(file, st);
    }
}

/* ---- files ---- */

int ddl_analyze(sql_script *script, const char *display_name, ddl_file *out, diag_list *diags)
{
    out->script = *script;
    script->items = NULL;
    script->count = 0;
    analysis a = {out, diags};
    size_t count = out->script.count;
    out->display_name = display_name ? strdup(display_name) : NULL;
    out->statements = calloc(count ? count : 1, sizeof *out->statements);
    if ((display_name && !out->display_name) || !out->statements) {
        diag_add(diags, display_name, 0, 0, "out of memory while reading the schema");
        return -1;
    }
    out->statement_count = count;
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        ddl_statement *st = &out->statements[i];
        st->source = &out->script.items[i];
        st->kind = DDL_OTHER;
        if (analyze_statement(&a, st) < 0)
            rc = -1;
    }
    ddl_apply_column_alters(out);
    return rc;
}

int ddl_load_file(const char *path, const char *display_name, ddl_file *out, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    sql_script script = {0};
    if (sql_split_file(path, name, &script, diags) < 0) {
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
        for (size_t r = 0; r < st->reference_count; r++)
            free(st->references[r]);
        free(st->references);
    }
    free(file->statements);
    for (size_t i = 0; i < file->table_count; i++)
        table_free(&file->tables[i]);
    free(file->tables);
    sql_script_free(&file->script);
    free(file->display_name);
    memset(file, 0, sizeof *file);
}
