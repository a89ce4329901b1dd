/*
 * ddl_phase.c — the phase of each schema statement (see ddl_phase.h). A
 * reader of pg_dump's output, like ddl.c: only the first words of a
 * statement, and of each ALTER TABLE action, are looked at.
 */
#include "ddl_phase.h"

#include <string.h>

#include "ddl_internal.h"

/* CREATE [OR REPLACE] [CONSTRAINT] TRIGGER, CREATE EVENT TRIGGER. */
static bool is_create_trigger(const sql_tokens *t)
{
    size_t i = 1;
    if (word_at(t, i, "OR") && word_at(t, i + 1, "REPLACE"))
        i += 2;
    if (word_at(t, i, "CONSTRAINT") || word_at(t, i, "EVENT"))
        i++;
    return word_at(t, 0, "CREATE") && word_at(t, i, "TRIGGER");
}

/* CREATE RULE / POLICY / STATISTICS: pg_restore's post-data. */
static bool is_post_data_other(const sql_tokens *t)
{
    size_t i = 1;
    if (word_at(t, i, "OR") && word_at(t, i + 1, "REPLACE"))
        i += 2;
    /* ALTER INDEX parent ATTACH PARTITION child: after the indexes it names. */
    if (word_at(t, 0, "ALTER") && word_at(t, 1, "INDEX"))
        return true;
    return word_at(t, 0, "CREATE") &&
           (word_at(t, i, "RULE") || word_at(t, i, "POLICY") || word_at(t, i, "STATISTICS"));
}

/* The phase of the actions of ALTER TABLE name <actions>, from the first one. */
static ddl_phase alter_table_phase(const sql_tokens *t)
{
    size_t i = ddl_alter_table_name_index(t);
    sql_name_parts name = {{NULL}, 0};
    if (sql_read_name(t, &i, &name) <= 0)
        return DDL_PHASE_PRE_DATA;
    sql_name_parts_free(&name);
    if (word_at(t, i, "ENABLE") || word_at(t, i, "DISABLE")) {
        size_t what = i + 1;
        if (word_at(t, what, "ALWAYS") || word_at(t, what, "REPLICA"))
            what++;
        if (word_at(t, what, "TRIGGER"))
            return DDL_PHASE_TRIGGERS;
        if (word_at(t, what, "ROW") || word_at(t, what, "RULE"))
            return DDL_PHASE_POST_DATA;
    }
    if (word_at(t, i, "CLUSTER") || word_at(t, i, "REPLICA") ||
        (word_at(t, i, "FORCE") && word_at(t, i + 1, "ROW")))
        return DDL_PHASE_POST_DATA;
    if (!word_at(t, i, "ADD"))
        return DDL_PHASE_PRE_DATA;
    i++;
    if (word_at(t, i, "CONSTRAINT"))
        i += 2; /* its name */
    if (word_at(t, i, "PRIMARY") || word_at(t, i, "UNIQUE") || word_at(t, i, "FOREIGN") ||
        word_at(t, i, "EXCLUDE"))
        return DDL_PHASE_POST_DATA;
    return DDL_PHASE_PRE_DATA;
}

ddl_phase ddl_statement_phase(const ddl_statement *statement)
{
    switch (statement->kind) {
    case DDL_SKIP:
        return DDL_PHASE_NONE;
    case DDL_CREATE_INDEX:
        return DDL_PHASE_POST_DATA;
    case DDL_CREATE_TRIGGER: /* MySQL's (myddl.h), DELIMITER blocks included */
        return DDL_PHASE_TRIGGERS;
    case DDL_CREATE_TABLE:
    case DDL_CREATE_SEQUENCE:
    case DDL_ALTER_SEQUENCE:
        return DDL_PHASE_PRE_DATA;
    default:
        break;
    }
    /* Foreign keys (and any ALTER TABLE naming another table) wait for the data. */
    if (statement->kind == DDL_ALTER_TABLE && statement->reference_count > 0)
        return DDL_PHASE_POST_DATA;
    sql_tokens own = {0}; /* when ddl_analyze kept none (the MySQL reader's statements) */
    diag_list ignored = DIAG_LIST_INIT;
    const sql_tokens *t = statement->tokenized ? &statement->tokens : &own;
    ddl_phase phase = DDL_PHASE_PRE_DATA;
    if (statement->tokenized || sql_tokenize(statement->source, NULL, &own, &ignored) == 0) {
        if (statement->kind == DDL_ALTER_TABLE)
            phase = alter_table_phase(t);
        else if (is_create_trigger(t))
            phase = DDL_PHASE_TRIGGERS;
        else if (is_post_data_other(t))
            phase = DDL_PHASE_POST_DATA;
    }
    sql_tokens_free(&own);
    diag_list_clear(&ignored);
    return phase;
}

ddl_phase ddl_text_phase(const char *sql)
{
    sql_tokens t = {0};
    ddl_phase phase = DDL_PHASE_PRE_DATA;
    if (sql_tokenize_text(sql, &t) == 0) {
        size_t i = word_at(&t, 1, "UNIQUE") ? 2 : 1;
        size_t trigger = word_at(&t, 1, "TEMP") || word_at(&t, 1, "TEMPORARY") ? 2 : 1;
        if (word_at(&t, 0, "CREATE") && word_at(&t, i, "INDEX"))
            phase = DDL_PHASE_POST_DATA;
        else if (word_at(&t, 0, "CREATE") && word_at(&t, trigger, "TRIGGER"))
            phase = DDL_PHASE_TRIGGERS;
    }
    sql_tokens_free(&t);
    return phase;
}
