/*
 * translate_tables.c — builds each table SQLite gets: from its CREATE TABLE
 * (columns, constraints, table options) and then from the ALTER TABLEs that
 * add constraints or columns or change a column's default or NULL-ness,
 * which may come from another file. Reports a table created twice and two
 * tables SQLite would see under one name.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl.h"
#include "strbuf.h"
#include "translate_sqlite_internal.h"

/* ---- tables -------------------------------------------------------------- */

void table_build_free(table_build *table)
{
    free(table->key);
    free(table->name);
    for (size_t i = 0; i < table->column_count; i++)
        column_build_free(&table->columns[i]);
    free(table->columns);
    strbuf_free(&table->constraints);
}

table_build *translate_find_table(translator *tr, const char *key)
{
    for (size_t i = 0; i < tr->table_count; i++)
        if (key && strcmp(tr->tables[i].key, key) == 0)
            return &tr->tables[i];
    return NULL;
}

static column_build *find_column(table_build *table, const char *folded)
{
    for (size_t i = 0; table && i < table->column_count; i++)
        if (folded && strcmp(table->columns[i].folded, folded) == 0)
            return &table->columns[i];
    return NULL;
}

/* Moves a finished column into the table (the column is emptied). */
static bool add_column(translator *tr, table_build *table, column_build *col)
{
    column_build *columns = translate_grow_array(table->columns, &table->column_capacity,
                                                 table->column_count, sizeof *columns);
    if (!translate_note_memory(tr, columns != NULL))
        return false;
    table->columns = columns;
    columns[table->column_count++] = *col;
    memset(col, 0, sizeof *col);
    return true;
}

/* Adds a translated constraint (text after its leading space). */
static void add_table_constraint(table_build *table, const strbuf *constraint)
{
    if (constraint->failed || constraint->length < 2) {
        table->constraints.failed = true; /* out of memory: emit_tables reports it */
        return;
    }
    strbuf_append_str(&table->constraints, ",\n    ");
    strbuf_append_str(&table->constraints, constraint->data + 1);
}

/* Reads [schema.]name at the cursor: its normalised key and its last part. */
char *translate_read_table_name(translator *tr, sql_cursor *c, const sql_token **bare)
{
    size_t begin = c->pos, last;
    if (!sql_skip_qualified_name(c, &last)) {
        translate_unexpected(tr, c, "a table name");
        return NULL;
    }
    *bare = &c->tokens->items[last];
    char *written = sql_tokens_text(c->tokens, begin, c->pos);
    char *key = written ? ddl_normalize_name(written) : NULL;
    free(written);
    translate_note_memory(tr, key != NULL);
    return key;
}

/* What may follow CREATE TABLE's column list. */
static bool translate_table_options(translator *tr, sql_cursor c)
{
    while (c.pos < c.end) {
        if (at_word(&c, "PARTITION") && word_ahead(&c, 1, "BY")) {
            return true; /* one plain table: its partitions' rows load into it */
        }
        if (at_word(&c, "INHERITS")) {
            translate_report(tr, here(&c), "cannot translate \"INHERITS\" to SQLite");
            return false;
        }
        if ((at_word(&c, "WITH") && punct_ahead(&c, 1, '('))) {
            c.pos++;
            if (!sql_cursor_skip_group(&c))
                return translate_unexpected(tr, &c, "CREATE TABLE");
        } else if ((at_word(&c, "WITHOUT") || at_word(&c, "WITH")) && word_ahead(&c, 1, "OIDS")) {
            c.pos += 2;
        } else if ((at_word(&c, "TABLESPACE") || at_word(&c, "USING")) && token_at(&c, 1)) {
            c.pos += 2;
        } else if (at_word(&c, "ON") && word_ahead(&c, 1, "COMMIT") && token_at(&c, 2)) {
            c.pos += 3 + (word_ahead(&c, 3, "ROWS") ? 1 : 0);
        } else {
            return translate_unexpected(tr, &c, "CREATE TABLE");
        }
    }
    return true;
}

/* One element of CREATE TABLE's list, added to `table`. */
static void translate_element(translator *tr, const sql_tokens *tokens, const ddl_element *e,
                              const ddl_table *ddl, table_build *table)
{
    sql_cursor element = {tokens, e->range.begin, e->range.end};
    if (e->kind == DDL_ELEMENT_CONSTRAINT) {
        strbuf constraint = STRBUF_INIT;
        if (translate_constraint(tr, &element, false, &constraint))
            add_table_constraint(table, &constraint);
        strbuf_free(&constraint);
    } else if (e->kind == DDL_ELEMENT_LIKE) {
        translate_report(tr, here(&element), "cannot translate \"LIKE\" in CREATE TABLE to SQLite");
    } else {
        column_build col = {0};
        if (translate_column(tr, tokens, e, ddl, &col))
            add_column(tr, table, &col);
        column_build_free(&col);
    }
}

/* Fills `table` from CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name (...). */
static void read_create_table(translator *tr, const ddl_statement *statement,
                              const sql_tokens *tokens, table_build *table)
{
    sql_cursor c = {tokens, 1, tokens->count};
    while (at_word(&c, "GLOBAL") || at_word(&c, "LOCAL") || at_word(&c, "TEMP") ||
           at_word(&c, "TEMPORARY") || at_word(&c, "UNLOGGED"))
        c.pos++;
    if (!at_word(&c, "TABLE")) {
        translate_unexpected(tr, &c, "CREATE TABLE");
        return;
    }
    c.pos++;
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS"))
        c.pos += 3;
    const sql_token *bare;
    table->key = translate_read_table_name(tr, &c, &bare);
    if (!table->key)
        return;
    table->name = translate_name_text(bare);
    table->name_line = bare->line;
    table->name_column = bare->column;
    if (!translate_note_memory(tr, table->name != NULL))
        return;
    if (at_word(&c, "PARTITION") || at_word(&c, "OF") || at_word(&c, "AS")) {
        translate_report(tr, here(&c), "cannot translate \"CREATE TABLE ... %s%s\" to SQLite",
                         at_word(&c, "PARTITION") ? "PARTITION " : "",
                         at_word(&c, "AS") ? "AS" : "OF");
        return;
    }
    size_t close = sql_closing_bracket(tokens, c.pos, c.end);
    if (!punct_ahead(&c, 0, '(') || close == c.end) {
        translate_unexpected(tr, &c, "CREATE TABLE");
        return;
    }
    ddl_elements own = {0};
    const ddl_elements *elements = statement->elements;
    if (!elements || elements->open != c.pos) { /* not read by ddl_analyze: read it here */
        if (!translate_note_memory(tr, ddl_read_elements(tokens, c.pos, close, &own) == 0)) {
            ddl_elements_free(&own);
            return;
        }
        elements = &own;
    }
    const ddl_table *ddl = ddl_file_table(tr->file, table->key);
    tr->scope_table = table; /* the columns its CHECKs name, so the columns first */
    for (int constraints = 0; constraints <= 1; constraints++)
        for (size_t i = 0; i < elements->count; i++)
            if ((elements->items[i].kind == DDL_ELEMENT_CONSTRAINT) == constraints)
                translate_element(tr, tokens, &elements->items[i], ddl, table);
    tr->scope_table = NULL;
    ddl_elements_free(&own);
    if (table->column_count == 0 && !tr->failed)
        translate_report(tr, &tokens->items[0],
                         "cannot translate a table without columns to SQLite");
    sql_cursor options = {tokens, close + 1, tokens->count};
    translate_table_options(tr, options);
}

void translate_create_table(translator *tr, const ddl_statement *statement,
                            const sql_tokens *tokens)
{
    table_build table = {0};
    table.file = tr->file;
    table.line = statement->source->line;
    read_create_table(tr, statement, tokens, &table);
    if (!table.key || !table.name) {
        table_build_free(&table);
        return;
    }
    table_build *twin = translate_find_table(tr, table.key);
    if (twin) {
        translate_report(tr, &tokens->items[0], "table \"%s\" is created twice (first in %s:%d)",
                         table.key, twin->file->display_name, twin->line);
        table_build_free(&table);
        return;
    }
    table_build *tables =
        translate_grow_array(tr->tables, &tr->table_capacity, tr->table_count, sizeof *tables);
    if (!translate_note_memory(tr, tables != NULL)) {
        table_build_free(&table);
        return;
    }
    tr->tables = tables;
    tables[tr->table_count++] = table;
}

/* Tables of different schemas that SQLite would see under one name. */
void translate_check_bare_names(translator *tr)
{
    for (size_t i = 0; i < tr->table_count; i++) {
        for (size_t j = 0; j < i; j++) {
            const char *a = tr->tables[i].name, *b = tr->tables[j].name;
            if (*a == '"')
                a++;
            if (*b == '"')
                b++;
            size_t la = strcspn(a, "\""), lb = strcspn(b, "\"");
            if (la != lb || strncasecmp(a, b, la) != 0)
                continue;
            tr->file = tr->tables[i].file;
            sql_token at = {SQL_TOKEN_WORD, a, la, tr->tables[i].name_line,
                            tr->tables[i].name_column};
            translate_report(tr, &at, "tables \"%s\" and \"%s\" would both be \"%.*s\" in SQLite",
                             tr->tables[j].key, tr->tables[i].key, (int)la, a);
            break;
        }
    }
}

/* ---- ALTER TABLE --------------------------------------------------------- */

typedef struct alter_target {
    const sql_token *name; /* the table name as written */
    char *key;
    table_build *table; /* NULL when no file creates it */
    bool reported;      /* "no file creates it" said once */
} alter_target;

/* The table an action changes; reports (once) when no file creates it. */
static table_build *require_table(translator *tr, alter_target *target)
{
    if (!target->table && !target->reported) {
        translate_report(tr, target->name,
                         "ALTER TABLE changes table \"%s\", which none of the schema files creates",
                         target->key);
        target->reported = true;
    }
    return target->table;
}

/* Reports an action this translator does not know, naming its first
 * `words` words after `prefix`. */
static void unknown_alter(translator *tr, const sql_cursor *c, const char *prefix, size_t words)
{
    size_t end = c->pos + words <= c->end ? c->pos + words : c->end;
    char *what = sql_tokens_text(c->tokens, c->pos, end);
    translate_report(tr, here(c), "cannot translate \"ALTER TABLE ... %s%s\" to SQLite", prefix,
                     what ? what : "?");
    free(what);
}

/* ALTER [COLUMN] name ...: defaults and NOT NULL are folded into the
 * column; statistics, storage and identity options do not matter here. */
static void alter_column(translator *tr, sql_cursor c, alter_target *target)
{
    static const char *const ignored_after_set[] = {
        "STATISTICS", "STORAGE",  "COMPRESSION", "GENERATED", "INCREMENT", "START",
        "MINVALUE",   "MAXVALUE", "CACHE",       "CYCLE",     "NO",        NULL};
    c.pos++;
    if (at_word(&c, "COLUMN"))
        c.pos++;
    const sql_token *name = token_at(&c, 0);
    if (!name || !is_identifier_token(name)) {
        translate_unexpected(tr, &c, "ALTER COLUMN");
        return;
    }
    c.pos++;
    const sql_token *action = token_at(&c, 1);
    bool ignored = at_word(&c, "RESTART") || at_word(&c, "RESET") ||
                   (at_word(&c, "SET") && action &&
                    (is_punct(action, '(') || word_token_in(action, ignored_after_set)));
    if (ignored)
        return;
    bool known =
        (at_word(&c, "SET") && (word_ahead(&c, 1, "DEFAULT") || word_ahead(&c, 1, "NOT"))) ||
        (at_word(&c, "DROP") && (word_ahead(&c, 1, "DEFAULT") || word_ahead(&c, 1, "NOT") ||
                                 word_ahead(&c, 1, "IDENTITY"))) ||
        (at_word(&c, "ADD") && word_ahead(&c, 1, "GENERATED"));
    if (!known) {
        unknown_alter(tr, &c, "ALTER COLUMN ... ",
                      at_word(&c, "SET") || at_word(&c, "DROP") ? 2 : 1);
        return;
    }
    table_build *table = require_table(tr, target);
    if (!table)
        return;
    char *folded = sql_token_identifier(name);
    column_build *col = find_column(table, folded);
    free(folded);
    if (!col) {
        translate_report(tr, name,
                         "ALTER TABLE names column %.*s, which table \"%s\" does not have",
                         (int)name->length, name->start, target->key);
        return;
    }
    if (at_word(&c, "SET") && word_ahead(&c, 1, "DEFAULT")) {
        sql_cursor value = {c.tokens, c.pos + 2, c.end};
        translate_default(tr, value, col);
    } else if (at_word(&c, "SET")) {
        col->not_null = true;
    } else if (word_ahead(&c, 1, "DEFAULT")) {
        free(col->default_value);
        col->default_value = NULL;
    } else if (word_ahead(&c, 1, "NOT")) {
        col->not_null = false;
    } else if (word_ahead(&c, 1, "IDENTITY")) {
        col->auto_increment = false;
    } else {
        c.pos++;
        translate_generated(tr, &c, col);
    }
}

/* ADD [CONSTRAINT n] PRIMARY KEY/UNIQUE/FOREIGN KEY/CHECK, or ADD [COLUMN]. */
static void alter_add(translator *tr, sql_cursor c, alter_target *target)
{
    c.pos++;
    bool column_word = at_word(&c, "COLUMN");
    if (column_word)
        c.pos++;
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS"))
        c.pos += 3;
    ddl_element e;
    if (!translate_note_memory(tr, ddl_read_element(c.tokens, c.pos, c.end, &e) == 0))
        return;
    tr->scope_table = target->table; /* the columns its CHECK names */
    if (e.kind == DDL_ELEMENT_CONSTRAINT && !column_word) {
        strbuf constraint = STRBUF_INIT;
        if (translate_constraint(tr, &c, false, &constraint) && require_table(tr, target))
            add_table_constraint(target->table, &constraint);
        strbuf_free(&constraint);
    } else {
        column_build col = {0};
        if (translate_column(tr, c.tokens, &e, NULL, &col) && require_table(tr, target))
            add_column(tr, target->table, &col);
        column_build_free(&col);
    }
    tr->scope_table = NULL;
    ddl_element_free(&e);
}

void translate_alter_table(translator *tr, const sql_tokens *tokens)
{
    /* what a throwaway copy has no use for: ownership, triggers, row
     * security, clustering, replication, storage */
    static const char *const ignored_actions[] = {"OWNER", "ENABLE",  "DISABLE", "FORCE",
                                                  "NO",    "CLUSTER", "REPLICA", "VALIDATE",
                                                  "SET",   "RESET",   NULL};
    sql_cursor c = {tokens, 2, tokens->count};
    if (at_word(&c, "IF") && word_ahead(&c, 1, "EXISTS"))
        c.pos += 2;
    if (at_word(&c, "ONLY"))
        c.pos++;
    alter_target target = {0};
    target.name = here(&c);
    const sql_token *bare;
    target.key = translate_read_table_name(tr, &c, &bare);
    if (!target.key)
        return;
    target.table = translate_find_table(tr, target.key);
    if (c.pos < c.end && text_is(here(&c)->start, here(&c)->length, "*"))
        c.pos++;
    if (c.pos == c.end)
        translate_unexpected(tr, &c, "ALTER TABLE");
    while (c.pos < c.end) {
        sql_cursor action = {tokens, c.pos, sql_next_top_level_comma(tokens, c.pos, c.end)};
        if (at_word(&action, "ADD"))
            alter_add(tr, action, &target);
        else if (at_word(&action, "ALTER"))
            alter_column(tr, action, &target);
        else if (!word_token_in(here(&action), ignored_actions))
            unknown_alter(tr, &action, "", 2);
        c.pos = action.end + 1;
    }
    free(target.key);
}
