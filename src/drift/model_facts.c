/*
 * model_facts.c — facts about one column of a table model that a model
 * checker asks (is it the primary key, unique, a reference, of which type
 * family), each read from the table's keys, indexes and types.
 */
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "strbuf.h"

static const model_constraint *single_column(const model_table *table, model_constraint_kind kind,
                                             const char *column)
{
    for (size_t i = 0; i < table->constraint_count; i++) {
        const model_constraint *c = &table->constraints[i];
        if (c->kind == kind && c->columns && strcmp(c->columns, column) == 0)
            return c;
    }
    return NULL;
}

bool model_column_is_primary_key(const model_table *table, const char *column)
{
    return single_column(table, MODEL_PRIMARY_KEY, column) != NULL;
}

bool model_column_is_unique(const model_table *table, const char *column)
{
    if (single_column(table, MODEL_UNIQUE, column))
        return true;
    char *definition = strbuf_format("unique using btree(%s)", column);
    bool found = false;
    for (size_t i = 0; definition && i < table->index_count && !found; i++)
        found = strcmp(table->indexes[i].definition, definition) == 0;
    free(definition);
    return found;
}

const model_constraint *model_column_reference(const model_table *table, const char *column,
                                               char **target_table, char **target_column)
{
    const model_constraint *c = single_column(table, MODEL_FOREIGN_KEY, column);
    *target_table = *target_column = NULL;
    if (!c)
        return NULL;
    /* "table(column) on delete ..." or "table on delete ..." */
    size_t name_length = strcspn(c->references, "( ");
    *target_table = strndup(c->references, name_length);
    if (c->references[name_length] == '(') {
        const char *start = c->references + name_length + 1;
        *target_column = strndup(start, strcspn(start, ")"));
    }
    return c;
}

const char *model_column_family(const table_model *model, const model_column *column)
{
    const model_type *type = model_find_type(model, column->type);
    if (!type)
        return column->family;
    if (type->kind == MODEL_ENUM)
        return "enum";
    return "domain";
}
