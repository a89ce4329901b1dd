/*
 * sqlscope.c — keeps a schema file or .sql fixture inside the test database
 * and inside foster's load transaction: statements that end, open or split
 * that transaction, or that act on other databases or the whole server, are
 * refused with their file, line and column. Decided on the statement's first
 * tokens (sqltoken.c), so that the words inside strings, comments, quoted
 * identifiers and function bodies are data, never statements.
 */
#include "sqlsplit.h"

#include <stddef.h>

static const char TRANSACTION[] = "would end or split foster's load transaction";
static const char SERVER[] = "would act beyond the test database";

static const sql_scope_rule rules[] = {
    {"BEGIN", NULL, TRANSACTION},
    {"START", NULL, TRANSACTION},
    {"COMMIT", NULL, TRANSACTION}, /* also COMMIT PREPARED */
    {"END", NULL, TRANSACTION},
    {"ROLLBACK", NULL, TRANSACTION}, /* also ROLLBACK TO SAVEPOINT, ROLLBACK PREPARED */
    {"ABORT", NULL, TRANSACTION},
    {"SAVEPOINT", NULL, TRANSACTION},
    {"RELEASE", NULL, TRANSACTION},
    {"PREPARE", "TRANSACTION", TRANSACTION},
    {"CREATE", "DATABASE", SERVER},
    {"DROP", "DATABASE", SERVER},
    {"ALTER", "DATABASE", SERVER},
    {"CREATE", "TABLESPACE", SERVER},
    {"DROP", "TABLESPACE", SERVER},
    {"ALTER", "TABLESPACE", SERVER},
    {"ALTER", "SYSTEM", SERVER},
    {"REINDEX", "DATABASE", SERVER},
    {"REINDEX", "SYSTEM", SERVER},
    {"ATTACH", NULL, SERVER}, /* SQLite: opens another database file */
    {"DETACH", NULL, SERVER},
    {"VACUUM", NULL, SERVER}, /* cannot run in a transaction; VACUUM INTO writes a file */
    {"CHECKPOINT", NULL, SERVER},
};

static const char *meta_does(const sql_tokens *tokens)
{
    if (tokens->count &&
        (sql_token_is(&tokens->items[0], "\\c") || sql_token_is(&tokens->items[0], "\\connect")))
        return "would connect to another database";
    return NULL;
}

static const char *statement_does(const sql_statement *statement, const sql_tokens *tokens)
{
    if (statement->is_meta)
        return meta_does(tokens);
    return sql_scope_rule_match(rules, sizeof rules / sizeof rules[0], tokens);
}

const char *sql_scope_rule_match(const sql_scope_rule *rules, size_t count,
                                 const sql_tokens *tokens)
{
    for (size_t i = 0; tokens->count && i < count; i++)
        if (sql_token_is(&tokens->items[0], rules[i].first) &&
            (!rules[i].second ||
             (tokens->count > 1 && sql_token_is(&tokens->items[1], rules[i].second))))
            return rules[i].does;
    return NULL;
}

int sql_leading_words_length(const sql_tokens *tokens)
{
    size_t words = tokens->count > 1 && tokens->items[1].kind == SQL_TOKEN_WORD ? 2 : 1;
    const sql_token *last = &tokens->items[words - 1];
    return (int)(last->start + last->length - tokens->items[0].start);
}

int sql_script_check_scope(const sql_script *script, const char *file, diag_list *diags)
{
    int rc = 0;
    for (size_t i = 0; i < script->count; i++) {
        const sql_statement *statement = &script->items[i];
        sql_tokens tokens = {0};
        if (sql_tokenize(statement, file, &tokens, diags) < 0)
            return -1;
        const char *does = statement_does(statement, &tokens);
        if (does) {
            const sql_token *first = &tokens.items[0];
            diag *d = diag_add(diags, file, first->line, first->column,
                               "%.*s %s; schema files and fixtures may not control "
                               "transactions or reach other databases",
                               sql_leading_words_length(&tokens), first->start, does);
            diag_set_hint(d, "foster loads everything in one transaction on the test database; "
                             "remove the statement");
            rc = -1;
        }
        sql_tokens_free(&tokens);
    }
    return rc;
}
