/*
 * drift.c — two table models compared (drift.h): tables, columns, keys and
 * checks, indexes, the enum types and domains the columns use, and with
 * --strict what a throwaway copy skips.
 */
#include "drift.h"

#include <stdlib.h>
#include <string.h>

#include "expr_canon.h"
#include "model_internal.h"
#include "strbuf.h"

typedef struct place {
    const char *file;
    int line;
} place;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int add_item(drift_report *r, const char *table, const char *kind, const char *object,
                    const char *aspect, drift_change change, const char *ours, const char *theirs,
                    place our_place, place their_place)
{
    drift_item *item = model_grow((void **)&r->items, &r->count, sizeof *item);
    if (!item)
        return -1;
    item->table = strdup(table);
    item->object_kind = kind;
    item->object = dup_or_null(object);
    item->aspect = aspect;
    item->change = change;
    item->ours = dup_or_null(ours);
    item->theirs = dup_or_null(theirs);
    item->file = our_place.file;
    item->line = our_place.line;
    item->their_file = their_place.file;
    item->their_line = their_place.line;
    bool failed = !item->table || (object && !item->object) || (ours && !item->ours) ||
                  (theirs && !item->theirs);
    return failed ? -1 : 0;
}

static bool differ(const char *a, const char *b)
{
    if (!a || !b)
        return a != b;
    return strcmp(a, b) != 0;
}

static const char *default_of(const model_column *c)
{
    return c->identity ? "generated as identity" : c->default_value ? c->default_value : "none";
}

static int compare_column(drift_report *r, const char *table, const model_column *o,
                          const model_column *t)
{
    place op = {o->file, o->line}, tp = {t->file, t->line};
    int rc = 0;
    if (differ(o->type, t->type))
        rc |=
            add_item(r, table, "column", o->name, "type", DRIFT_CHANGED, o->type, t->type, op, tp);
    if (o->not_null != t->not_null)
        rc |=
            add_item(r, table, "column", o->name, "nullability", DRIFT_CHANGED,
                     o->not_null ? "NOT NULL" : "NULL", t->not_null ? "NOT NULL" : "NULL", op, tp);
    if (!expr_same(default_of(o), default_of(t)))
        rc |= add_item(r, table, "column", o->name, "default", DRIFT_CHANGED, default_of(o),
                       default_of(t), op, tp);
    return rc;
}

static char *column_text(const model_column *c)
{
    return strbuf_format("%s%s%s%s", c->type, c->not_null ? " NOT NULL" : "",
                         c->default_value ? " DEFAULT " : "",
                         c->default_value ? c->default_value : "");
}

static int compare_columns(drift_report *r, const model_table *o, const model_table *t)
{
    int rc = 0;
    for (size_t i = 0; i < o->column_count; i++) {
        const model_column *oc = &o->columns[i];
        const model_column *tc = model_find_column(t, oc->name);
        if (tc) {
            rc |= compare_column(r, o->name, oc, tc);
            continue;
        }
        char *text = column_text(oc);
        rc |= add_item(r, o->name, "column", oc->name, NULL, DRIFT_EXTRA, text, NULL,
                       (place){oc->file, oc->line}, (place){t->file, t->line});
        free(text);
    }
    for (size_t i = 0; i < t->column_count; i++) {
        const model_column *tc = &t->columns[i];
        if (model_find_column(o, tc->name))
            continue;
        char *text = column_text(tc);
        rc |= add_item(r, o->name, "column", tc->name, NULL, DRIFT_MISSING, NULL, text,
                       (place){o->file, o->line}, (place){tc->file, tc->line});
        free(text);
    }
    return rc;
}

static const char *const constraint_kinds[] = {"primary key", "unique", "foreign key", "check"};

/* What a key or check is, whatever its name: "a, b -> t(id) on delete cascade". */
static char *constraint_text(const model_constraint *c)
{
    if (c->kind == MODEL_CHECK)
        return strdup(c->expression);
    if (c->kind == MODEL_FOREIGN_KEY)
        return strbuf_format("(%s) references %s", c->columns, c->references);
    return strbuf_format("(%s)", c->columns);
}

static bool same_constraint(const model_constraint *a, const model_constraint *b)
{
    return a->kind == b->kind && !differ(a->columns, b->columns) &&
           !differ(a->references, b->references) && expr_same(a->expression, b->expression);
}

/* Same kind and name: the same constraint, changed (an FK's ON DELETE, a check's test). */
static bool same_name(const model_constraint *a, const model_constraint *b)
{
    return a->kind == b->kind && a->name && b->name && strcmp(a->name, b->name) == 0;
}

/* The first unmatched constraint of `t` that is `oc` (else one of its name), or the count. */
static size_t find_match(const model_constraint *oc, const model_table *t, const bool *matched)
{
    for (size_t k = 0; k < t->constraint_count; k++)
        if (!matched[k] && same_constraint(oc, &t->constraints[k]))
            return k;
    for (size_t k = 0; k < t->constraint_count; k++)
        if (!matched[k] && same_name(oc, &t->constraints[k]))
            return k;
    return t->constraint_count;
}

static int compare_constraints(drift_report *r, const model_table *o, const model_table *t)
{
    bool *matched = calloc(t->constraint_count + 1, sizeof *matched);
    if (!matched)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < o->constraint_count; i++) {
        const model_constraint *oc = &o->constraints[i];
        size_t k = find_match(oc, t, matched);
        char *text = constraint_text(oc);
        const char *kind = constraint_kinds[oc->kind];
        place op = {oc->file, oc->line};
        if (k == t->constraint_count) {
            rc |= add_item(r, o->name, kind, oc->name, NULL, DRIFT_EXTRA, text, NULL, op,
                           (place){t->file, t->line});
        } else {
            const model_constraint *tc = &t->constraints[k];
            matched[k] = true;
            char *their_text = same_constraint(oc, tc) ? NULL : constraint_text(tc);
            if (their_text)
                rc |= add_item(r, o->name, kind, oc->name, "definition", DRIFT_CHANGED, text,
                               their_text, op, (place){tc->file, tc->line});
            free(their_text);
            if (oc->name && tc->name && strcmp(oc->name, tc->name) != 0)
                rc |= add_item(r, o->name, kind, text, "name", DRIFT_CHANGED, oc->name, tc->name,
                               op, (place){tc->file, tc->line});
        }
        free(text);
    }
    for (size_t k = 0; k < t->constraint_count; k++) {
        if (matched[k])
            continue;
        const model_constraint *tc = &t->constraints[k];
        char *text = constraint_text(tc);
        rc |= add_item(r, o->name, constraint_kinds[tc->kind], tc->name, NULL, DRIFT_MISSING, NULL,
                       text, (place){o->file, o->line}, (place){tc->file, tc->line});
        free(text);
    }
    free(matched);
    return rc;
}

static const model_index *find_index(const model_table *table, const char *name)
{
    for (size_t i = 0; i < table->index_count; i++)
        if (strcmp(table->indexes[i].name, name) == 0)
            return &table->indexes[i];
    return NULL;
}

static int compare_indexes(drift_report *r, const model_table *o, const model_table *t)
{
    int rc = 0;
    for (size_t i = 0; i < o->index_count; i++) {
        const model_index *oi = &o->indexes[i];
        const model_index *ti = find_index(t, oi->name);
        place op = {oi->file, oi->line};
        if (!ti)
            rc |= add_item(r, o->name, "index", oi->name, NULL, DRIFT_EXTRA, oi->definition, NULL,
                           op, (place){t->file, t->line});
        else if (strcmp(oi->definition, ti->definition) != 0)
            rc |= add_item(r, o->name, "index", oi->name, "definition", DRIFT_CHANGED,
                           oi->definition, ti->definition, op, (place){ti->file, ti->line});
    }
    for (size_t i = 0; i < t->index_count; i++) {
        const model_index *ti = &t->indexes[i];
        if (!find_index(o, ti->name))
            rc |= add_item(r, o->name, "index", ti->name, NULL, DRIFT_MISSING, NULL, ti->definition,
                           (place){o->file, o->line}, (place){ti->file, ti->line});
    }
    return rc;
}

static bool has_extra(const model_table *table, const char *text)
{
    for (size_t i = 0; i < table->extra_count; i++)
        if (strcmp(table->extras[i].text, text) == 0)
            return true;
    return false;
}

/* "owner", "grant" or "comment": what an extra statement is about. */
static const char *extra_kind(const char *text)
{
    if (strncmp(text, "comment", 7) == 0)
        return "comment";
    return strncmp(text, "alter", 5) == 0 ? "owner" : "grant";
}

static int compare_extras(drift_report *r, const model_table *o, const model_table *t)
{
    int rc = 0;
    for (size_t i = 0; i < o->extra_count; i++)
        if (!has_extra(t, o->extras[i].text))
            rc |= add_item(r, o->name, extra_kind(o->extras[i].text), NULL, NULL, DRIFT_EXTRA,
                           o->extras[i].text, NULL, (place){o->extras[i].file, o->extras[i].line},
                           (place){t->file, t->line});
    for (size_t i = 0; i < t->extra_count; i++)
        if (!has_extra(o, t->extras[i].text))
            rc |= add_item(r, o->name, extra_kind(t->extras[i].text), NULL, NULL, DRIFT_MISSING,
                           NULL, t->extras[i].text, (place){o->file, o->line},
                           (place){t->extras[i].file, t->extras[i].line});
    return rc;
}

/*
 * `definition` without "constraint NAME " where NAME is the one the server gives
 * an unnamed check of domain `type` (type_check, type_check1...): a new string.
 */
static char *without_default_names(const char *definition, const char *type)
{
    strbuf sb = STRBUF_INIT;
    size_t type_length = strlen(type);
    for (const char *p = definition; *p;) {
        const char *name = strncmp(p, "constraint ", 11) == 0 ? p + 11 : NULL;
        if (name && strncmp(name, type, type_length) == 0 &&
            strncmp(name + type_length, "_check", 6) == 0) {
            const char *end = name + type_length + 6;
            end += strspn(end, "0123456789");
            if (*end == ' ') {
                p = end + 1;
                continue;
            }
        }
        strbuf_append_char(&sb, *p++);
    }
    strbuf_append_str(&sb, "");
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

/* Whether two definitions of type `type` are the same: their CHECKs as expressions,
 * a domain check's default name as no name. */
static bool same_definition(const char *type, const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    char *na = without_default_names(a, type), *nb = without_default_names(b, type);
    char *ca = na ? expr_canonical_checks(na) : NULL, *cb = nb ? expr_canonical_checks(nb) : NULL;
    free(na);
    free(nb);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

/* The enum types and domains `o`'s columns use, as either side defines them. */
static int compare_types(drift_report *r, const table_model *ours, const table_model *theirs,
                         const model_table *o)
{
    int rc = 0;
    for (size_t i = 0; i < o->column_count; i++) {
        const char *name = o->columns[i].type;
        size_t earlier = 0;
        while (earlier < i && strcmp(name, o->columns[earlier].type) != 0)
            earlier++;
        if (earlier < i)
            continue;
        const model_type *ot = model_find_type(ours, name);
        const model_type *tt = model_find_type(theirs, name);
        if (!tt)
            continue; /* not a type of theirs: the column's type said all */
        const char *kind = tt->kind == MODEL_ENUM ? "enum" : "domain";
        const char *aspect = tt->kind == MODEL_ENUM ? "values" : "definition";
        place tp = {tt->file, tt->line};
        if (!ot)
            rc |= add_item(r, o->name, kind, name, NULL, DRIFT_MISSING, NULL, tt->definition,
                           (place){o->columns[i].file, o->columns[i].line}, tp);
        else if (!same_definition(name, ot->definition, tt->definition))
            rc |= add_item(r, o->name, kind, name, aspect, DRIFT_CHANGED, ot->definition,
                           tt->definition, (place){ot->file, ot->line}, tp);
    }
    return rc;
}

static int compare_table(drift_report *r, const table_model *ours, const table_model *theirs,
                         const char *name, bool strict)
{
    const model_table *o = model_find_table(ours, name);
    const model_table *t = model_find_table(theirs, name);
    if (!o && !t)
        return 0;
    if (!t)
        return add_item(r, name, "table", NULL, NULL, DRIFT_EXTRA, name, NULL,
                        (place){o->file, o->line}, (place){NULL, 0});
    if (!o)
        return add_item(r, name, "table", NULL, NULL, DRIFT_MISSING, NULL, name, (place){NULL, 0},
                        (place){t->file, t->line});
    int rc = compare_columns(r, o, t);
    rc |= compare_constraints(r, o, t);
    rc |= compare_indexes(r, o, t);
    rc |= compare_types(r, ours, theirs, o);
    if (strict)
        rc |= compare_extras(r, o, t);
    return rc;
}

int drift_compare(const table_model *ours, const table_model *theirs, const char *const *tables,
                  size_t table_count, bool strict, drift_report *out)
{
    for (size_t i = 0; i < table_count; i++)
        if (compare_table(out, ours, theirs, tables[i], strict) < 0)
            return -1;
    return 0;
}

void drift_report_free(drift_report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        free(report->items[i].table);
        free(report->items[i].object);
        free(report->items[i].ours);
        free(report->items[i].theirs);
    }
    free(report->items);
    memset(report, 0, sizeof *report);
}
