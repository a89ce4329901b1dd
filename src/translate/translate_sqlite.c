/*
 * translate_sqlite.c — rewrites the owner's PostgreSQL DDL, as pg_dump
 * writes it, into SQLite DDL: one CREATE TABLE per table with everything
 * later ALTER TABLEs add folded in, then the indexes.
 *
 * Two passes over the files: the first builds every table from its CREATE
 * TABLE (translate_tables.c), the second applies the ALTER TABLEs (which may
 * name a table another file creates) and translates the indexes
 * (translate_index.c). Defaults, CHECKs, index columns and index predicates
 * all go through one expression rewriter (translate_expression.c), which
 * drops casts, maps PostgreSQL-only forms to SQLite's, and reports what it
 * cannot map. Problems are collected for every file, then sorted into file
 * order. This file holds the passes, reporting, and the statements a
 * throwaway copy skips or cannot have.
 */
#include "translate_sqlite.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "translate_refusal.h"
#include "translate_sqlite_internal.h"

/* ---- reporting ----------------------------------------------------------- */

void translate_report(translator *tr, const sql_token *at, const char *fmt, ...)
{
    tr->failed = true;
    va_list args;
    va_start(args, fmt);
    if (!translate_refusal(&tr->diags, tr->file->display_name, at, fmt, args))
        tr->out_of_memory = true;
    va_end(args);
}

/* Reports the token at the cursor as one this translator does not expect. */
bool translate_unexpected(translator *tr, const sql_cursor *c, const char *where)
{
    const sql_token *t = here(c);
    if (c->pos >= c->end)
        translate_report(tr, t, "cannot translate %s to SQLite: it ends early after \"%.*s\"",
                         where, (int)t->length, t->start);
    else
        translate_report(tr, t, "cannot translate \"%.*s\" in %s to SQLite", (int)t->length,
                         t->start, where);
    return false;
}

void translate_note(translator *tr, const sql_token *at, const char *fmt, ...)
{
    if (!tr->notes)
        return;
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(&tr->notes->notes, tr->file->display_name, at->line, at->column, fmt, args);
    va_end(args);
    if (!d)
        tr->out_of_memory = true;
}

bool translate_note_memory(translator *tr, bool ok)
{
    if (!ok)
        tr->out_of_memory = true;
    return ok;
}

void translate_notes_clear(translate_notes *notes)
{
    diag_list_clear(&notes->notes);
    diag_list_clear(&notes->details);
}

/* Grows an array to hold one more item; returns it (maybe moved) or NULL. */
void *translate_grow_array(void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return items;
    size_t new_capacity = *capacity ? *capacity * 2 : 8;
    void *grown = realloc(items, new_capacity * size);
    if (grown)
        *capacity = new_capacity;
    return grown;
}

/* ---- everything else ----------------------------------------------------- */

/* "CREATE FUNCTION touch_last_update" is not run on SQLite: a note. */
static void note_left_out(translator *tr, const sql_tokens *tokens, size_t object)
{
    size_t name = object + 1;
    while (name < tokens->count &&
           (sql_token_is(&tokens->items[name], "TRIGGER") ||
            sql_token_is(&tokens->items[name], "IF") || sql_token_is(&tokens->items[name], "NOT") ||
            sql_token_is(&tokens->items[name], "EXISTS")))
        name++;
    if (name + 2 < tokens->count && is_punct(&tokens->items[name + 1], '.'))
        name += 2;
    const sql_token *kind = &tokens->items[object];
    const sql_token *what = name < tokens->count ? &tokens->items[name] : kind;
    translate_note(tr, &tokens->items[0], "not run on SQLite: %.*s %.*s %.*s",
                   (int)tokens->items[0].length, tokens->items[0].start, (int)kind->length,
                   kind->start, (int)what->length, what->start);
}

/* Statements a throwaway SQLite copy does without, and the rest refused. */
static void other_statement(translator *tr, const sql_tokens *tokens)
{
    static const char *const skipped_objects[] = {"SCHEMA",      "SEQUENCE",     "STATISTICS",
                                                  "PUBLICATION", "SUBSCRIPTION", NULL};
    static const char *const noted_objects[] = {"EXTENSION", "POLICY", "FUNCTION",  "PROCEDURE",
                                                "TRIGGER",   "RULE",   "AGGREGATE", NULL};
    static const char *const skipped_commands[] = {"SET",    "RESET",    "BEGIN",   "COMMIT",
                                                   "START",  "END",      "COMMENT", "GRANT",
                                                   "REVOKE", "SECURITY", NULL};
    static const char *const two_word_objects[] = {"MATERIALIZED", "CONSTRAINT", "EVENT",
                                                   "FOREIGN",      "TEXT",       "ACCESS",
                                                   "OPERATOR",     "UNLOGGED",   NULL};
    sql_cursor c = {tokens, 0, tokens->count};
    if (word_token_in(here(&c), skipped_commands))
        return;
    if (at_word(&c, "SELECT")) {
        for (size_t i = 1; i < tokens->count; i++)
            if (sql_token_is(&tokens->items[i], "setval") ||
                sql_token_is(&tokens->items[i], "set_config"))
                return;
    }
    size_t object = 1;
    if (at_word(&c, "CREATE") && word_ahead(&c, 1, "OR") && word_ahead(&c, 2, "REPLACE"))
        object = 3;
    sql_cursor rest = {tokens, object, tokens->count};
    if ((at_word(&c, "CREATE") || at_word(&c, "ALTER")) &&
        word_token_in(here(&rest), skipped_objects))
        return;
    if (at_word(&c, "CREATE") && translate_user_type(tr, tokens))
        return;
    if ((at_word(&c, "CREATE") || at_word(&c, "ALTER")) &&
        (word_token_in(here(&rest), noted_objects) ||
         (word_ahead(&rest, 0, "CONSTRAINT") && word_ahead(&rest, 1, "TRIGGER")))) {
        note_left_out(tr, tokens, object);
        return;
    }
    size_t words = word_token_in(here(&rest), two_word_objects) && token_at(&rest, 1) ? 2 : 1;
    strbuf construct = STRBUF_INIT;
    strbuf_append(&construct, tokens->items[0].start, tokens->items[0].length);
    for (size_t i = object; i < object + words && i < tokens->count; i++) {
        strbuf_append_char(&construct, ' ');
        strbuf_append(&construct, tokens->items[i].start, tokens->items[i].length);
    }
    char *text = strbuf_detach(&construct);
    for (char *p = text; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    translate_report(tr, &tokens->items[0], "cannot translate \"%s\" to SQLite", text ? text : "?");
    free(text);
}

/*
 * Ownership and comments: skipped on every engine (a throwaway copy has the
 * owner's roles nowhere), and on SQLite named with -v, statement by statement:
 * "not run on SQLite: COMMENT ON TABLE film", "... ALTER TABLE film OWNER TO
 * dvd". Other skipped statements (SET, GRANT, psql meta-commands) say nothing.
 */
static void skipped_statement(translator *tr, const sql_tokens *tokens)
{
    if (!tr->notes || tokens->count < 3)
        return;
    const sql_token *first = &tokens->items[0];
    size_t end = 0;
    for (size_t i = 3; sql_token_is(first, "COMMENT") && !end && i < tokens->count; i++)
        if (sql_token_is(&tokens->items[i], "IS")) /* COMMENT ON TABLE name IS ... */
            end = i;
    for (size_t i = 1; !end && sql_token_is(first, "ALTER") && i + 2 < tokens->count; i++)
        if (sql_token_is(&tokens->items[i], "OWNER") && sql_token_is(&tokens->items[i + 1], "TO"))
            end = i + 3;
    if (!end)
        return;
    strbuf text = STRBUF_INIT;
    for (size_t i = 0; i < end; i++) {
        if (i && !is_punct(&tokens->items[i], '.') && !is_punct(&tokens->items[i - 1], '.'))
            strbuf_append_char(&text, ' ');
        strbuf_append(&text, tokens->items[i].start, tokens->items[i].length);
    }
    if (!text.failed && !diag_add(&tr->notes->details, tr->file->display_name, first->line,
                                  first->column, "not run on SQLite: %s", strbuf_str(&text)))
        tr->out_of_memory = true;
    strbuf_free(&text);
}

/* ---- the passes ---------------------------------------------------------- */

typedef enum pass { PASS_TABLES, PASS_CHANGES } pass;

static void translate_statement(translator *tr, const ddl_statement *statement, pass pass)
{
    ddl_kind kind = statement->kind;
    bool wanted = pass == PASS_TABLES ? (kind == DDL_CREATE_TABLE || kind == DDL_OTHER ||
                                         kind == DDL_SKIP || kind == DDL_CREATE_SEQUENCE)
                                      : (kind == DDL_ALTER_TABLE || kind == DDL_CREATE_INDEX);
    if (!wanted || statement->source->is_meta)
        return;
    sql_tokens own = {0}; /* when ddl_analyze kept none */
    const sql_tokens *t = statement->tokenized ? &statement->tokens : &own;
    if (!statement->tokenized &&
        sql_tokenize(statement->source, tr->file->display_name, &own, &tr->diags) < 0) {
        tr->failed = true;
        sql_tokens_free(&own);
        return;
    }
    if (t->count > 0) {
        if (kind == DDL_CREATE_TABLE)
            translate_create_table(tr, statement, t);
        else if (kind == DDL_OTHER)
            other_statement(tr, t);
        else if (kind == DDL_SKIP)
            skipped_statement(tr, t);
        else if (kind == DDL_CREATE_SEQUENCE) /* its options, for nextval columns */
            translate_create_sequence(tr, t);
        else if (kind == DDL_ALTER_TABLE)
            translate_alter_table(tr, t);
        else
            translate_create_index(tr, statement, t);
    }
    sql_tokens_free(&own);
}

static size_t file_rank(const translator *tr, const char *file)
{
    for (size_t i = 0; file && i < tr->file_count; i++)
        if (strcmp(tr->files[i]->display_name, file) == 0)
            return i;
    return tr->file_count;
}

/* Problems in the order of the files, then of lines and columns. */
static void sort_diags(translator *tr)
{
    diag *items = tr->diags.items;
    for (size_t i = 1; i < tr->diags.count; i++) {
        diag moving = items[i];
        size_t rank = file_rank(tr, moving.file);
        size_t j = i;
        while (j > 0) {
            const diag *prev = &items[j - 1];
            size_t prev_rank = file_rank(tr, prev->file);
            bool after =
                prev_rank > rank ||
                (prev_rank == rank && (prev->line > moving.line || (prev->line == moving.line &&
                                                                    prev->column > moving.column)));
            if (!after)
                break;
            items[j] = items[j - 1];
            j--;
        }
        items[j] = moving;
    }
}

static bool emit_tables(translator *tr, sqlite_script *out)
{
    size_t total = tr->table_count + tr->indexes.count;
    for (size_t i = 0; i < tr->table_count; i++)
        total += tr->tables[i].column_count; /* room for what goes with identities */
    out->items = calloc(total ? total : 1, sizeof *out->items);
    if (!translate_note_memory(tr, out->items != NULL))
        return false;
    for (size_t i = 0; i < tr->table_count; i++) {
        const table_build *table = &tr->tables[i];
        strbuf sql = STRBUF_INIT;
        strbuf_appendf(&sql, "CREATE TABLE %s (", table->name);
        translate_append_table_body(&sql, table);
        strbuf_append_str(&sql, "\n)");
        char *text = strbuf_detach(&sql);
        if (!translate_note_memory(tr, text != NULL))
            return false;
        out->items[out->count++] = (sqlite_statement){text, table->file->display_name, table->line};
        if (!translate_emit_identities(tr, table, out))
            return false;
    }
    for (size_t i = 0; i < tr->indexes.count; i++) {
        out->items[out->count++] = tr->indexes.items[i];
        tr->indexes.items[i].sql = NULL;
    }
    return true;
}

int translate_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                     translate_notes *notes, diag_list *diags)
{
    translator tr = {0};
    tr.notes = notes;
    tr.files = files;
    tr.file_count = file_count;
    for (pass pass = PASS_TABLES; pass <= PASS_CHANGES; pass++) {
        for (size_t f = 0; f < file_count; f++) {
            tr.file = files[f];
            for (size_t s = 0; s < files[f]->statement_count; s++)
                translate_statement(&tr, &files[f]->statements[s], pass);
        }
        if (pass == PASS_TABLES)
            translate_check_bare_names(&tr);
    }
    translate_plan_identities(&tr);
    bool ok = !tr.failed && !tr.out_of_memory && emit_tables(&tr, out);
    if (!ok)
        sqlite_script_free(out);
    sort_diags(&tr);
    diag_list_move(diags, &tr.diags);
    if (tr.out_of_memory)
        diag_add(diags, NULL, 0, 0, "out of memory while translating the schema files to SQLite");
    for (size_t i = 0; i < tr.table_count; i++)
        table_build_free(&tr.tables[i]);
    translate_user_types_free(&tr);
    translate_sequences_free(&tr);
    free(tr.tables);
    sqlite_script_free(&tr.indexes);
    return ok ? 0 : -1;
}

void sqlite_script_free(sqlite_script *script)
{
    for (size_t i = 0; i < script->count; i++)
        free(script->items[i].sql);
    free(script->items);
    script->items = NULL;
    script->count = 0;
}
