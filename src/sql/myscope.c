/*
 * myscope.c — keeps a .sql fixture on MySQL/MariaDB inside foster's load
 * transaction. MySQL commits the open transaction before (and after) DDL,
 * LOCK TABLES and a few administrative statements, so a fixture running one
 * would leave the rows before it loaded whatever failed later. Those are
 * refused with their file, line and column, except what every mariadb-dump
 * data dump writes around its INSERTs (LOCK TABLES, UNLOCK TABLES, ALTER
 * TABLE ... DISABLE/ENABLE KEYS), which protect or speed up nothing in a
 * private database and are skipped. See mysplit.h.
 */
#include "mysplit.h"

#include <stddef.h>

#include "sqlcursor.h"

static const char TRANSACTION[] = "would end foster's load transaction (MySQL commits before it)";
static const char SERVER[] = "would act beyond the test database";

static const sql_scope_rule refused[] = {
    {"START", NULL, TRANSACTION},
    {"BEGIN", NULL, TRANSACTION},
    {"COMMIT", NULL, TRANSACTION},
    {"ROLLBACK", NULL, TRANSACTION},
    {"SAVEPOINT", NULL, TRANSACTION},
    {"RELEASE", NULL, TRANSACTION},
    {"XA", NULL, TRANSACTION},
    {"CREATE", NULL, TRANSACTION},
    {"ALTER", NULL, TRANSACTION},
    {"DROP", NULL, TRANSACTION},
    {"RENAME", NULL, TRANSACTION},
    {"TRUNCATE", NULL, TRANSACTION},
    {"GRANT", NULL, TRANSACTION},
    {"REVOKE", NULL, TRANSACTION},
    {"ANALYZE", NULL, TRANSACTION},
    {"OPTIMIZE", NULL, TRANSACTION},
    {"REPAIR", NULL, TRANSACTION},
    {"CHECK", "TABLE", TRANSACTION},
    {"CACHE", "INDEX", TRANSACTION},
    {"LOAD", "INDEX", TRANSACTION},
    {"FLUSH", NULL, TRANSACTION},
    {"RESET", NULL, TRANSACTION},
    {"INSTALL", NULL, TRANSACTION},
    {"UNINSTALL", NULL, TRANSACTION},
    {"USE", NULL, SERVER},
    {"KILL", NULL, SERVER},
    {"SHUTDOWN", NULL, SERVER},
    {"PURGE", NULL, SERVER},
    {"CHANGE", NULL, SERVER},
};

/* CREATE/DROP TEMPORARY TABLE neither commits nor outlives the load's connection. */
static bool is_temporary_table(const sql_tokens *t)
{
    return (word_at(t, 0, "CREATE") || word_at(t, 0, "DROP")) && word_at(t, 1, "TEMPORARY");
}

/* SET autocommit (=1 commits), SET GLOBAL / @@global. (every session's), SET PASSWORD. */
static const char *set_does(const sql_tokens *t)
{
    for (size_t i = 1; i < t->count; i++) {
        if (word_at(t, i, "autocommit"))
            return TRANSACTION;
        if (word_at(t, i, "GLOBAL") || word_at(t, i, "PERSIST") || word_at(t, i, "PASSWORD"))
            return SERVER;
    }
    return NULL;
}

/* What a dump writes around its rows: skipped, never run. */
static bool is_dump_bracket(const sql_tokens *t)
{
    if (word_at(t, 0, "LOCK") || word_at(t, 0, "UNLOCK"))
        return word_at(t, 1, "TABLE") || word_at(t, 1, "TABLES");
    return word_at(t, 0, "ALTER") && word_at(t, 1, "TABLE") && t->count >= 4 &&
           (word_at(t, t->count - 2, "DISABLE") || word_at(t, t->count - 2, "ENABLE")) &&
           word_at(t, t->count - 1, "KEYS");
}

/* CREATE [DEFINER=...] TRIGGER or DROP TRIGGER: what mariadb-dump --no-create-info writes
 * after a table's rows, unless --skip-triggers. */
static bool is_trigger_definition(const sql_tokens *t)
{
    if (word_at(t, 0, "DROP"))
        return word_at(t, 1, "TRIGGER");
    for (size_t i = 1; word_at(t, 0, "CREATE") && i < t->count && i < 12; i++)
        if (word_at(t, i, "TRIGGER"))
            return true;
    return false;
}

int my_sql_fixture_statement(const sql_statement *statement, const char *file, diag_list *details,
                             diag_list *diags)
{
    sql_tokens t = {0};
    if (my_sql_tokenize(statement, file, &t, diags) < 0)
        return -1;
    int verdict = 1;
    const char *does = NULL;
    if (t.count == 0) {
        verdict = 1;
    } else if (is_dump_bracket(&t)) {
        const sql_token *last = &t.items[word_at(&t, 0, "ALTER") ? t.count - 2 : 1];
        if (details)
            diag_add(details, file, t.items[0].line, t.items[0].column,
                     "%.*s skipped: MySQL would commit foster's load transaction there, and "
                     "nothing else writes to the test database while it loads",
                     (int)(last->start + last->length - t.items[0].start), t.items[0].start);
        verdict = 0;
    } else if (is_trigger_definition(&t)) {
        if (details)
            diag_add(details, file, t.items[0].line, t.items[0].column,
                     "%s TRIGGER skipped: the table's triggers come from its schema file",
                     word_at(&t, 0, "DROP") ? "DROP" : "CREATE");
        verdict = 0;
    } else if (word_at(&t, 0, "SET")) {
        does = set_does(&t);
    } else if (!is_temporary_table(&t)) {
        does = sql_scope_rule_match(refused, sizeof refused / sizeof refused[0], &t);
    }
    if (does) {
        diag *d = diag_add(diags, file, t.items[0].line, t.items[0].column,
                           "%.*s %s; fixtures may not control transactions, change the schema "
                           "or reach other databases",
                           sql_leading_words_length(&t), t.items[0].start, does);
        diag_set_kind(d, DIAG_BAD_INPUT);
        diag_set_hint(d, "foster loads every fixture in one transaction on the test database; "
                         "remove the statement (schema changes belong in the schema files)");
        verdict = -1;
    }
    sql_tokens_free(&t);
    return verdict;
}
