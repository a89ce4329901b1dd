/*
 * myddl.c — reads a MySQL/MariaDB schema file the way foster needs it: what
 * kind each statement is, which table it is about, which tables it
 * references, and what it must not run. The columns of each CREATE TABLE
 * are read by myddl_table.c. See myddl.h.
 *
 * Like ddl.c, a reader of dumps rather than a SQL parser: it looks at the
 * first words of each statement and at the top level of a column list.
 */
#include "myddl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddl_internal.h"
#include "myddl_internal.h"
#include "mysplit.h"
#include "strbuf.h"

typedef struct analysis {
    ddl_file *file;
    diag_list *diags;
    char *sql_mode; /* what the file's SETs made the session's sql_mode so far, or NULL */
} analysis;

static int out_of_memory(analysis *a, const sql_statement *source)
{
    return ddl_out_of_memory(a->diags, a->file, source);
}

/* Adds a bad-input diag at token `i` (or the statement's last token). */
static diag *report(analysis *a, const sql_tokens *t, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static diag *report(analysis *a, const sql_tokens *t, size_t i, const char *fmt, ...)
{
    const sql_token *at = i < t->count ? &t->items[i] : &t->items[t->count - 1];
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(a->diags, a->file->display_name, at->line, at->column, fmt, args);
    va_end(args);
    return diag_set_kind(d, DIAG_BAD_INPUT);
}

/* "t", or "db.t" for a qualified name. */
static char *joined_name(char *const *parts, size_t count)
{
    if (count >= 2)
        return strbuf_format("%s.%s", parts[count - 2], parts[count - 1]);
    return strdup(parts[0]);
}

/* The name at *i as "t" or "db.t" in *out (NULL when there is none); -1 out of memory. */
static int read_table_name(const sql_tokens *t, size_t *i, char **out)
{
    sql_name_parts name = {{NULL}, 0};
    *out = NULL;
    int rc = sql_read_name(t, i, &name);
    if (rc > 0 && !(*out = joined_name(name.part, name.count)))
        rc = -1;
    sql_name_parts_free(&name);
    return rc < 0 ? -1 : 0;
}

/* ---- kinds ---- */

/* What a schema file must not run; NULL when the statement is not one of those. */
static const char *refused_statement(const sql_tokens *t)
{
    static const char *const first_words[] = {
        "START", "BEGIN", "COMMIT",   "ROLLBACK", "SAVEPOINT", "RELEASE",  "XA",
        "USE",   "FLUSH", "SHUTDOWN", "KILL",     "INSTALL",   "UNINSTALL"};
    for (size_t k = 0; k < sizeof first_words / sizeof first_words[0]; k++) {
        if (word_at(t, 0, first_words[k]))
            return first_words[k];
    }
    if ((word_at(t, 0, "CREATE") || word_at(t, 0, "ALTER") || word_at(t, 0, "DROP")) &&
        (word_at(t, 1, "DATABASE") || word_at(t, 1, "SCHEMA")))
        return word_at(t, 1, "DATABASE") ? "DATABASE" : "SCHEMA";
    return NULL;
}

/* The index of `word` among the first `limit` tokens after CREATE (DEFINER=... skipped), or 0. */
static size_t create_word(const sql_tokens *t, const char *word, size_t limit)
{
    for (size_t i = 1; i < t->count && i <= limit; i++) {
        if (word_at(t, i, word))
            return i;
        if (punct_at(t, i, '('))
            return 0;
    }
    return 0;
}

static ddl_kind classify(const sql_tokens *t)
{
    if (t->count == 0 || word_at(t, 0, "SET") || word_at(t, 0, "LOCK") || word_at(t, 0, "UNLOCK") ||
        word_at(t, 0, "GRANT") || word_at(t, 0, "REVOKE"))
        return DDL_SKIP;
    if (word_at(t, 0, "DROP"))
        return word_at(t, 2, "IF") || word_at(t, 3, "IF") ? DDL_SKIP : DDL_OTHER;
    if (word_at(t, 0, "ALTER")) {
        size_t table = create_word(t, "TABLE", 3);
        if (!table)
            return DDL_OTHER;
        bool keys = (word_at(t, t->count - 2, "DISABLE") || word_at(t, t->count - 2, "ENABLE")) &&
                    word_at(t, t->count - 1, "KEYS");
        return keys ? DDL_SKIP : DDL_ALTER_TABLE;
    }
    if (!word_at(t, 0, "CREATE"))
        return DDL_OTHER;
    size_t i = word_at(t, 1, "OR") && word_at(t, 2, "REPLACE") ? 3 : 1;
    if (word_at(t, i, "TEMPORARY"))
        i++;
    if (word_at(t, i, "TABLE"))
        return DDL_CREATE_TABLE;
    if (word_at(t, i, "SEQUENCE"))
        return DDL_CREATE_SEQUENCE;
    if (word_at(t, i, "UNIQUE") || word_at(t, i, "FULLTEXT") || word_at(t, i, "SPATIAL"))
        i++;
    if (word_at(t, i, "INDEX"))
        return DDL_CREATE_INDEX;
    return create_word(t, "TRIGGER", 12) ? DDL_CREATE_TRIGGER : DDL_OTHER;
}

/* ---- sql_mode ---- */

static bool is_operator(const sql_token *token, const char *text)
{
    return token->kind == SQL_TOKEN_OPERATOR && token->length == strlen(text) &&
           memcmp(token->start, text, token->length) == 0;
}

/*
 * One assignment of a SET, tokens [from, to): whether it sets the session's
 * sql_mode ([SESSION|LOCAL] sql_mode, @@[SESSION.|LOCAL.]sql_mode; not
 * GLOBAL, not a @user_variable), and then to what: *literal is the string
 * token when the value is one string literal, else NULL.
 */
static bool sets_session_sql_mode(const sql_tokens *t, size_t from, size_t to,
                                  const sql_token **literal)
{
    size_t op = from;
    while (op < to && !(t->items[op].kind == SQL_TOKEN_OPERATOR &&
                        (t->items[op].start[0] == '=' || t->items[op].start[0] == ':')))
        op++;
    if (op == from || op == to || !word_at(t, op - 1, "sql_mode"))
        return false;
    for (size_t i = from; i < op; i++) {
        if (word_at(t, i, "GLOBAL") || is_operator(&t->items[i], "@"))
            return false;
    }
    bool plain = is_operator(&t->items[op], "=") || is_operator(&t->items[op], ":=");
    *literal = plain && op + 2 == to && t->items[op + 1].kind == SQL_TOKEN_STRING
                   ? &t->items[op + 1]
                   : NULL;
    return true;
}

/*
 * A SET statement: follows what it does to the session's sql_mode, as the
 * client running the file would (a value from a variable or an expression is
 * not followed: NULL, the server's default). -1 out of memory.
 */
static int follow_sql_mode(analysis *a, const sql_tokens *t)
{
    size_t from = 1;
    for (size_t i = 1; i <= t->count; i++) {
        if (i < t->count && !punct_at(t, i, ','))
            continue;
        const sql_token *literal = NULL;
        if (sets_session_sql_mode(t, from, i, &literal)) {
            free(a->sql_mode);
            a->sql_mode = literal ? strndup(literal->start, literal->length) : NULL;
            if (literal && !a->sql_mode)
                return -1;
        }
        from = i + 1;
    }
    return 0;
}

/* ---- CREATE TABLE ---- */

size_t my_create_table_open(const sql_tokens *t, size_t *name_at)
{
    size_t i = create_word(t, "TABLE", 3);
    if (!i)
        return SIZE_MAX;
    i++;
    if (word_at(t, i, "IF") && word_at(t, i + 1, "NOT") && word_at(t, i + 2, "EXISTS"))
        i += 3;
    *name_at = i;
    sql_name_parts name = {{NULL}, 0};
    int rc = sql_read_name(t, &i, &name);
    sql_name_parts_free(&name);
    return rc > 0 && punct_at(t, i, '(') ? i : SIZE_MAX;
}

static int analyze_create_table(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    size_t name_at = 0;
    size_t open = my_create_table_open(t, &name_at);
    size_t at = name_at;
    if (read_table_name(t, &at, &st->table) < 0)
        return out_of_memory(a, st->source);
    if (!st->table) {
        report(a, t, name_at, "expected a table name after CREATE TABLE");
        return -1;
    }
    size_t close = open == SIZE_MAX ? t->count : sql_closing_bracket(t, open, t->count);
    if (close == t->count) {
        diag *d = report(a, t, open == SIZE_MAX ? at : open,
                         open == SIZE_MAX ? "expected \"(\" and the columns of table %s"
                                          : "the column list of table %s is not closed",
                         st->table);
        diag_set_hint(d, "foster reads CREATE TABLE %s (`column` type, ...) as mysqldump writes it",
                      st->table);
        return -1;
    }
    ddl_table table = {.line = st->source->line};
    const sql_token *last = &t->items[at - 1];
    table.name = strdup(st->table);
    table.bare_name = sql_token_identifier(last);
    if (!table.name || !table.bare_name || ddl_read_my_column_list(&table, t, open, close) < 0 ||
        ddl_add_table(a->file, &table) < 0) {
        ddl_table_free(&table);
        return out_of_memory(a, st->source);
    }
    return 0;
}

/* ---- sequences ---- */

/*
 * CREATE SEQUENCE [IF NOT EXISTS] s, and the dump's DO SETVAL(s, next, 0) that
 * gives it the owner's next value: both are about sequence s (object_name,
 * unqualified), which a table's default may name (myddl_select.c).
 */
static int analyze_sequence(analysis *a, ddl_statement *st, const sql_tokens *t)
{
    size_t at = 0;
    if (st->kind == DDL_CREATE_SEQUENCE) {
        at = create_word(t, "SEQUENCE", 4) + 1;
        if (word_at(t, at, "IF") && word_at(t, at + 1, "NOT") && word_at(t, at + 2, "EXISTS"))
            at += 3;
    } else if ((word_at(t, 0, "DO") || word_at(t, 0, "SELECT")) && word_at(t, 1, "SETVAL") &&
               punct_at(t, 2, '(')) {
        at = 3;
    }
    sql_name_parts name = {{NULL}, 0};
    if (at && sql_read_name(t, &at, &name) > 0) {
        st->object = DDL_OBJECT_SEQUENCE;
        st->object_name = strdup(name.part[name.count - 1]);
        if (!st->object_name) {
            sql_name_parts_free(&name);
            return out_of_memory(a, st->source);
        }
    } else if (st->kind == DDL_CREATE_SEQUENCE) {
        report(a, t, at, "expected the name of the sequence");
        sql_name_parts_free(&name);
        return -1;
    }
    sql_name_parts_free(&name);
    return 0;
}

/* ---- the other statements ---- */

/* CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name [USING x] ON table, or
 * CREATE ... TRIGGER name {BEFORE|AFTER} event ON table: the table after ON. */
static int analyze_on_table(analysis *a, ddl_statement *st, const sql_tokens *t, size_t from)
{
    for (size_t i = from; i < t->count && i < from + 8; i++) {
        if (word_at(t, i, "ON")) {
            size_t at = i + 1;
            if (read_table_name(t, &at, &st->table) < 0)
                return out_of_memory(a, st->source);
            break;
        }
    }
    if (!st->table) {
        report(a, t, from, "expected ON and the table of this %s",
               st->kind == DDL_CREATE_INDEX ? "index" : "trigger");
        return -1;
    }
    return 0;
}

static int analyze_statement(analysis *a, ddl_statement *st)
{
    sql_tokens t = {0};
    if (my_sql_tokenize(st->source, a->file->display_name, &t, a->diags) < 0)
        return -1;
    const char *refused = refused_statement(&t);
    int rc = 0;
    if (refused) {
        diag *d = report(a, &t, 0, "a schema file must not run %s statements", refused);
        diag_set_hint(d, "foster runs the tables' DDL inside a database of its own: dump one "
                         "database, without --databases, and no transaction control");
        sql_tokens_free(&t);
        return -1;
    }
    st->kind = classify(&t);
    if (st->kind == DDL_CREATE_TABLE) {
        rc = analyze_create_table(a, st, &t);
    } else if (st->kind == DDL_ALTER_TABLE) {
        size_t at = create_word(&t, "TABLE", 3) + 1;
        rc = read_table_name(&t, &at, &st->table) < 0 ? out_of_memory(a, st->source) : 0;
    } else if (st->kind == DDL_CREATE_INDEX) {
        rc = analyze_on_table(a, st, &t, create_word(&t, "INDEX", 4));
    } else if (st->kind == DDL_CREATE_TRIGGER) {
        rc = analyze_on_table(a, st, &t, create_word(&t, "TRIGGER", 12));
        if (rc == 0 && a->sql_mode && !(st->sql_mode = strdup(a->sql_mode)))
            rc = out_of_memory(a, st->source);
    } else if (word_at(&t, 0, "SET") && follow_sql_mode(a, &t) < 0) {
        rc = out_of_memory(a, st->source);
    } else if (st->kind == DDL_CREATE_SEQUENCE || st->kind == DDL_OTHER) {
        rc = analyze_sequence(a, st, &t);
    }
    if (rc == 0 && (st->kind == DDL_CREATE_TABLE || st->kind == DDL_ALTER_TABLE))
        rc = ddl_collect_references(st, &t, joined_name) < 0 ? out_of_memory(a, st->source) : 0;
    sql_tokens_free(&t);
    return rc;
}

/* ---- files ---- */

/* Analyses `script`, then drops or refuses the database qualifiers (myddl_names.c). */
static int analyze_script(sql_script *script, const char *display_name, const char *dump_database,
                          ddl_file *out, diag_list *diags)
{
    out->dialect = SQL_DIALECT_MYSQL;
    if (ddl_file_begin(out, script, display_name, diags) < 0)
        return -1;
    size_t count = out->statement_count;
    analysis a = {out, diags, NULL};
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        ddl_statement *st = &out->statements[i];
        if (analyze_statement(&a, st) < 0)
            rc = -1;
    }
    free(a.sql_mode);
    if (rc == 0 && my_ddl_localize_names(out, dump_database, diags) < 0)
        rc = -1;
    return rc;
}

int my_ddl_analyze(sql_script *script, const char *display_name, ddl_file *out, diag_list *diags)
{
    return analyze_script(script, display_name, NULL, out, diags);
}

int my_ddl_analyze_text(const char *text, size_t length, const char *display_name, ddl_file *out,
                        diag_list *diags)
{
    sql_script script = {0};
    if (my_sql_split_keep_layout(text, length, display_name, 0, &script, diags) < 0) {
        out->dialect = SQL_DIALECT_MYSQL;
        out->display_name = display_name ? strdup(display_name) : NULL;
        return -1;
    }
    char *dump_database = my_dump_database(text, length);
    int rc = analyze_script(&script, display_name, dump_database, out, diags);
    free(dump_database);
    return rc;
}

int my_ddl_load_file(const char *path, const char *display_name, ddl_file *out, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    char *text;
    size_t length;
    if (sql_read_file(path, name, &text, &length, diags) < 0) {
        out->dialect = SQL_DIALECT_MYSQL;
        out->display_name = strdup(name);
        return -1;
    }
    int rc = my_ddl_analyze_text(text, length, name, out, diags);
    free(text);
    return rc;
}
