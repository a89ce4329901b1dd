/*
 * drift_print.c — printing for `diff` and `schema` (drift_cli.h): a drift
 * report like a unified diff or as JSON, and a table model as text or JSON.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "drift_cli.h"

static const char *const change_names[] = {"missing", "extra", "changed"};

/* " column price: type (schemas/t.sql:12)" — what the lines after it are about. */
static void print_item_title(FILE *out, const drift_item *item)
{
    fprintf(out, " %s", item->object_kind);
    if (item->object)
        fprintf(out, " %s", item->object);
    if (item->aspect)
        fprintf(out, ": %s", item->aspect);
    else if (item->change == DRIFT_MISSING)
        fputs(": only in the owner's database", out);
    else
        fputs(": only in our files", out);
    if (item->file)
        fprintf(out, " (%s:%d)", item->file, item->line);
    fputc('\n', out);
}

void drift_print_text(FILE *out, const drift_report *report, const char *ours, const char *theirs)
{
    if (report->count == 0)
        return;
    fprintf(out, "--- %s\n+++ %s\n", ours, theirs);
    const char *table = NULL;
    for (size_t i = 0; i < report->count; i++) {
        const drift_item *item = &report->items[i];
        if (!table || strcmp(table, item->table) != 0) {
            table = item->table;
            fprintf(out, "@@ table %s @@\n", table);
        }
        print_item_title(out, item);
        if (item->ours)
            fprintf(out, "-%s\n", item->ours);
        if (item->theirs)
            fprintf(out, "+%s\n", item->theirs);
    }
}

static void print_field(FILE *out, const char *name, const char *value, bool last)
{
    fprintf(out, "\"%s\": ", name);
    print_json_string_or_null(out, value);
    fputs(last ? "" : ", ", out);
}

void drift_print_json(FILE *out, const drift_report *report, const char *ours, const char *theirs)
{
    fprintf(out, "{\"drift\": %s, ", report->count ? "true" : "false");
    print_field(out, "ours", ours, false);
    print_field(out, "theirs", theirs, false);
    fputs("\"differences\": [", out);
    for (size_t i = 0; i < report->count; i++) {
        const drift_item *item = &report->items[i];
        fputs(i ? ", {" : "{", out);
        print_field(out, "table", item->table, false);
        print_field(out, "kind", item->object_kind, false);
        print_field(out, "object", item->object, false);
        print_field(out, "change", change_names[item->change], false);
        print_field(out, "aspect", item->aspect, false);
        print_field(out, "ours", item->ours, false);
        print_field(out, "theirs", item->theirs, false);
        print_field(out, "file", item->file, false);
        fprintf(out, "\"line\": %d, ", item->line);
        print_field(out, "their_file", item->their_file, false);
        fprintf(out, "\"their_line\": %d}", item->their_line);
    }
    fputs("]}\n", out);
}

void diags_print_json(FILE *out, const diag_list *problems)
{
    fputs("{\"problems\": [", out);
    for (size_t i = 0; i < problems->count; i++) {
        const diag *d = &problems->items[i];
        fputs(i ? ", {" : "{", out);
        print_field(out, "file", d->file, false);
        fprintf(out, "\"line\": %d, \"column\": %d, ", d->line, d->column);
        print_field(out, "message", d->message, false);
        print_field(out, "hint", d->hint, true);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

/* ---- schema ---- */

static void print_size(FILE *out, const char *name, long value)
{
    if (value < 0)
        fprintf(out, "\"%s\": null, ", name);
    else
        fprintf(out, "\"%s\": %ld, ", name, value);
}

static void print_column_json(FILE *out, const table_model *model, const model_table *table,
                              const model_column *c)
{
    char *target_table = NULL, *target_column = NULL;
    const model_constraint *fk =
        model_column_reference(table, c->name, &target_table, &target_column);
    fputc('{', out);
    print_field(out, "name", c->name, false);
    print_field(out, "type", c->type, false);
    print_field(out, "family", model_column_family(model, c), false);
    print_size(out, "length", c->length);
    print_size(out, "precision", c->precision);
    print_size(out, "scale", c->scale);
    fprintf(out, "\"null\": %s, \"identity\": %s, ", c->not_null ? "false" : "true",
            c->identity ? "true" : "false");
    print_field(out, "default", c->default_value, false);
    fprintf(out, "\"primary_key\": %s, \"unique\": %s, \"references\": ",
            model_column_is_primary_key(table, c->name) ? "true" : "false",
            model_column_is_unique(table, c->name) ? "true" : "false");
    if (fk) {
        fputc('{', out);
        print_field(out, "table", target_table, false);
        print_field(out, "column", target_column, false);
        fprintf(out, "\"line\": %d}, ", fk->line);
    } else {
        fputs("null, ", out);
    }
    print_field(out, "file", c->file, false);
    fprintf(out, "\"line\": %d}", c->line);
    free(target_table);
    free(target_column);
}

static const char *const constraint_names[] = {"primary key", "unique", "foreign key", "check"};

static void print_table_json(FILE *out, const table_model *model, const model_table *table)
{
    fputc('{', out);
    print_field(out, "name", table->name, false);
    print_field(out, "file", table->file, false);
    fprintf(out, "\"line\": %d, \"columns\": [", table->line);
    for (size_t i = 0; i < table->column_count; i++) {
        fputs(i ? ", " : "", out);
        print_column_json(out, model, table, &table->columns[i]);
    }
    fputs("], \"constraints\": [", out);
    for (size_t i = 0; i < table->constraint_count; i++) {
        const model_constraint *k = &table->constraints[i];
        fputs(i ? ", {" : "{", out);
        print_field(out, "kind", constraint_names[k->kind], false);
        print_field(out, "name", k->name, false);
        print_field(out, "columns", k->columns, false);
        print_field(out, "references", k->references, false);
        print_field(out, "expression", k->expression, false);
        fprintf(out, "\"line\": %d}", k->line);
    }
    fputs("], \"indexes\": [", out);
    for (size_t i = 0; i < table->index_count; i++) {
        fputs(i ? ", {" : "{", out);
        print_field(out, "name", table->indexes[i].name, false);
        print_field(out, "definition", table->indexes[i].definition, false);
        fprintf(out, "\"line\": %d}", table->indexes[i].line);
    }
    fputs("]}", out);
}

static void print_table_text(FILE *out, const model_table *table)
{
    fprintf(out, "table %s (%s:%d)\n", table->name, table->file, table->line);
    for (size_t i = 0; i < table->column_count; i++) {
        const model_column *c = &table->columns[i];
        fprintf(out, "  %s %s%s%s%s  (line %d)\n", c->name, c->type, c->not_null ? " NOT NULL" : "",
                c->default_value ? " DEFAULT " : "", c->default_value ? c->default_value : "",
                c->line);
    }
    for (size_t i = 0; i < table->constraint_count; i++) {
        const model_constraint *k = &table->constraints[i];
        fprintf(out, "  %s %s%s%s  (line %d)\n", constraint_names[k->kind],
                k->columns ? k->columns : k->expression, k->references ? " -> " : "",
                k->references ? k->references : "", k->line);
    }
    for (size_t i = 0; i < table->index_count; i++)
        fprintf(out, "  index %s %s  (line %d)\n", table->indexes[i].name,
                table->indexes[i].definition, table->indexes[i].line);
}

void model_print(FILE *out, const table_model *model, const char *const *tables, size_t count,
                 bool json)
{
    if (json)
        fputs("{\"tables\": [", out);
    bool first = true;
    for (size_t i = 0; i < count; i++) {
        const model_table *table = model_find_table(model, tables[i]);
        if (!table)
            continue;
        if (json) {
            fputs(first ? "" : ", ", out);
            print_table_json(out, model, table);
        } else {
            print_table_text(out, table);
        }
        first = false;
    }
    if (!json)
        return;
    fputs("], \"types\": [", out);
    for (size_t i = 0; i < model->type_count; i++) {
        const model_type *t = &model->types[i];
        fputs(i ? ", {" : "{", out);
        print_field(out, "name", t->name, false);
        print_field(out, "kind", t->kind == MODEL_ENUM ? "enum" : "domain", false);
        print_field(out, "definition", t->definition, false);
        print_field(out, "file", t->file, false);
        fprintf(out, "\"line\": %d}", t->line);
    }
    fputs("]}\n", out);
}
