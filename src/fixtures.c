/*
 * fixtures.c — fixture files into a backend, or through the checker. See
 * fixtures.h. The CSV reading and header rules live here once, so every
 * backend loads exactly the same rows.
 */
#include "fixtures.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "csv.h"
#include "fixture_json.h"
#include "monotonic.h"
#include "sqlsplit.h"
#include "strbuf.h"

/* How many rows between two looks at *interrupt (and two progress ticks). */
#define FIXTURES_INTERRUPT_EVERY 4096

/* `check` lists at most this many problems of one fixture file. */
#define FIXTURES_CHECK_MAX_PROBLEMS 20

static bool is_blank_row(const csv_row *row)
{
    return row->count == 1 && row->fields[0].is_null;
}

/* Header rules shared by loading and checking. */
static int check_header(const csv_row *header, const char *file, const ddl_table *table,
                        diag_list *diags)
{
    int rc = 0;
    for (size_t i = 0; i < header->count; i++) {
        const csv_field *f = &header->fields[i];
        if (f->is_null || f->length == 0) {
            diag_add(diags, file, header->line, f->column,
                     "empty column name in the header (field %zu); expected a column of "
                     "\"%s\"",
                     i + 1, table ? table->name : "the table");
            rc = -1;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(header->fields[j].value, f->value) == 0) {
                diag_add(diags, file, header->line, f->column,
                         "column \"%s\" appears twice in the header", f->value);
                rc = -1;
            }
        if (table && !ddl_table_column(table, f->value)) {
            diag *d = diag_add(diags, file, header->line, f->column,
                               "table \"%s\" has no column \"%s\"", table->name, f->value);
            if (d && table->column_count) {
                strbuf names = STRBUF_INIT;
                for (size_t c = 0; c < table->column_count; c++)
                    strbuf_appendf(&names, "%s%s", c ? ", " : "", table->columns[c].name);
                diag_set_hint(d, "its columns are: %s", strbuf_str(&names));
                strbuf_free(&names);
            }
            rc = -1;
        }
    }
    return rc;
}

static int check_field_count(const csv_row *row, const csv_row *header, size_t header_count,
                             const char *file, diag_list *diags)
{
    if (row->count == header_count)
        return 0;
    const csv_field *extra = row->count > header_count ? &row->fields[header_count] : NULL;
    diag_add(diags, file, extra ? extra->line : row->line, extra ? extra->column : 0,
             "expected %zu fields as in the header (line %d), found %zu", header_count,
             header->line, row->count);
    return -1;
}

typedef struct csv_context {
    fixtures_loader *loader;
    const ddl_table *table;
    bool deferred;
    bool skip_blank;
    double started; /* monotonic_seconds() when the file began to load */
} csv_context;

/*
 * The header row must be copied: the reader reuses its memory for the next
 * row. Holds the names and their columns.
 */
typedef struct header_copy {
    csv_row row;
    csv_field *fields;
    char **names;
} header_copy;

static int header_copy_make(header_copy *copy, const csv_row *header)
{
    size_t n = header->count ? header->count : 1;
    copy->fields = calloc(n, sizeof *copy->fields);
    copy->names = calloc(n, sizeof *copy->names);
    if (!copy->fields || !copy->names)
        return -1;
    for (size_t i = 0; i < header->count; i++) {
        copy->names[i] = strdup(header->fields[i].value);
        if (!copy->names[i])
            return -1;
        copy->fields[i] = header->fields[i];
        copy->fields[i].value = copy->names[i];
    }
    copy->row = (csv_row){copy->fields, header->count, header->line};
    return 0;
}

static void header_copy_free(header_copy *copy)
{
    for (size_t i = 0; copy->names && i < copy->row.count; i++)
        free(copy->names[i]);
    free(copy->names);
    free(copy->fields);
}

/*
 * Reads and checks the header row of a CSV fixture (against `table`'s
 * columns when it is given). Returns 0, or -1 with diags. Whenever there was
 * a header row, `header` holds a copy of it (the caller frees it), so a
 * check can go on reading rows after a bad header.
 */
static int read_header(csv_reader *reader, const char *path, const ddl_table *table,
                       header_copy *header, diag_list *diags)
{
    csv_row row;
    int rc = csv_next_row(reader, &row, diags);
    if (rc == 0) {
        diag_add(diags, path, 1, 0, "empty file; expected a header row naming the columns");
        return -1;
    }
    if (rc < 0)
        return -1;
    rc = check_header(&row, path, table, diags);
    if (header_copy_make(header, &row) < 0) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    return rc;
}

static int load_csv(csv_context *ctx, const char *path, long long *rows, diag_list *diags)
{
    fixtures_loader *loader = ctx->loader;
    backend *b = loader->backend;
    csv_reader *reader = csv_open(path, path, diags);
    if (!reader)
        return -1;
    struct stat file;
    long long size = stat(path, &file) == 0 ? (long long)file.st_size : 0;
    header_copy header = {0};
    csv_row row;
    /* The database knows the columns; it names a wrong one in table_begin. */
    int rc = read_header(reader, path, NULL, &header, diags);
    if (rc == 0)
        rc = b->ops->table_begin(b, ctx->table->schema, ctx->table->bare_name, &header.row, path,
                                 ctx->deferred, diags);
    while (rc == 0) {
        int got = csv_next_row(reader, &row, diags);
        if (got <= 0) {
            rc = got;
            break;
        }
        if (ctx->skip_blank && is_blank_row(&row))
            continue;
        if (check_field_count(&row, &header.row, header.row.count, path, diags) < 0 ||
            b->ops->table_row(b, &row, diags) < 0) {
            rc = -1;
            break;
        }
        if (++*rows % FIXTURES_INTERRUPT_EVERY != 0)
            continue;
        if (loader->tick)
            loader->tick(loader->report_context, ctx->table->name, path, *rows, csv_offset(reader),
                         size, monotonic_seconds() - ctx->started);
        if (loader->interrupt && *loader->interrupt) {
            loader->interrupted = true;
            diag_add(diags, path, row.line, 0, "interrupted while loading");
            rc = -1;
        }
    }
    if (rc == 0)
        rc = b->ops->table_end(b, diags);
    header_copy_free(&header);
    csv_close(reader);
    return rc;
}

static int load_sql(fixtures_loader *loader, const char *path, long long *statements,
                    diag_list *diags)
{
    sql_script script = {0};
    int rc = sql_split_file(path, path, &script, diags);
    for (size_t i = 0; rc == 0 && i < script.count; i++) {
        if (script.items[i].is_meta)
            continue;
        rc = loader->backend->ops->exec_sql(loader->backend, &script.items[i], path, diags);
        ++*statements;
    }
    sql_script_free(&script);
    return rc;
}

/* JSON: the column "pk" fills, when the primary key is one column. */
static const char *single_primary_key(const ddl_table *table)
{
    const char *found = NULL;
    for (size_t c = 0; c < table->column_count; c++)
        if (table->columns[c].primary_key) {
            if (found)
                return NULL;
            found = table->columns[c].name;
        }
    return found;
}

static bool table_has_column(const void *context, const char *column)
{
    return ddl_table_column(context, column) != NULL;
}

/* Every model in a JSON fixture must be some table's `model`. */
static int check_json_models(const fixture_json *json, const manifest *m, const char *path,
                             diag_list *diags)
{
    int rc = 0;
    for (size_t j = 0; j < fixture_json_model_count(json); j++) {
        const char *model = fixture_json_model(json, j);
        bool mapped = false;
        for (size_t i = 0; i < m->table_count && !mapped; i++)
            mapped = m->tables[i].model && strcasecmp(m->tables[i].model, model) == 0;
        if (!mapped) {
            diag *d = diag_add(diags, path, fixture_json_model_line(json, j), 0,
                               "model %s is not mapped to any table of %s", model, m->path);
            diag_set_hint(d, "add `model = %s` to the section of the table it fills", model);
            rc = -1;
        }
    }
    return rc;
}

/* Whether table `i` is the first in the manifest to list `path` (so it checks it once). */
static bool first_to_list(const manifest *m, size_t i, const char *path)
{
    for (size_t j = 0; j < i; j++)
        for (size_t f = 0; f < m->tables[j].fixture_path_count; f++)
            if (strcmp(m->tables[j].fixture_paths[f], path) == 0)
                return false;
    return true;
}

/*
 * The objects of table `i`'s model, as rows. With a loader they are loaded
 * (a new header whenever the fields change); without, only checked.
 */
static int load_json(fixtures_loader *loader, const schema_set *set, size_t i, const char *path,
                     long long *rows, diag_list *diags)
{
    const manifest_table *mt = &set->manifest->tables[i];
    const ddl_table *table = schema_set_table(set, i);
    fixture_json *json = fixture_json_open(path, path, diags);
    if (!json)
        return -1;
    int rc = first_to_list(set->manifest, i, path)
                 ? check_json_models(json, set->manifest, path, diags)
                 : 0;
    if (rc == 0 && !mt->model) {
        diag *d = diag_add(diags, set->manifest->path, mt->line, 0,
                           "[table %s] lists the JSON fixture %s but has no model key",
                           mt->written_name, path);
        diag_set_hint(d, "add `model = app_label.model_name` (as in the fixture) to the section");
        rc = -1;
    }
    fixture_json_table target = {mt->model, table ? single_primary_key(table) : NULL,
                                 table_has_column, table};
    backend *b = loader ? loader->backend : NULL;
    header_copy current = {0};
    bool open = false;
    size_t cursor = 0;
    while (rc == 0 && table) {
        csv_row header, row;
        int got = fixture_json_next(json, &target, &cursor, &header, &row, diags);
        if (got <= 0) {
            rc = got;
            break;
        }
        if (b && (!open || !fixture_json_same_header(&current.row, &header))) {
            if (open)
                rc = b->ops->table_end(b, diags);
            header_copy_free(&current);
            memset(&current, 0, sizeof current);
            if (rc == 0 && header_copy_make(&current, &header) < 0)
                rc = (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
            if (rc == 0)
                rc = b->ops->table_begin(b, table->schema, table->bare_name, &current.row, path,
                                         set->cyclic[i], diags);
            open = rc == 0;
        }
        if (rc == 0 && b)
            rc = b->ops->table_row(b, &row, diags);
        ++*rows;
    }
    if (rc == 0 && open)
        rc = b->ops->table_end(b, diags);
    header_copy_free(&current);
    fixture_json_free(json);
    return rc;
}

/* Loads one fixture file into manifest table `i` (-1: a .sql file of no table). */
static int load_file(fixtures_loader *loader, long i, const char *path, diag_list *diags)
{
    const schema_set *set = loader->schemas;
    const ddl_table *table = i >= 0 ? schema_set_table(set, (size_t)i) : NULL;
    double started = monotonic_seconds();
    long long count = 0;
    int rc;
    if (str_has_suffix(path, ".csv") && !table) {
        diag_add(diags, path, 0, 0, "no table definition to load this file into");
        rc = -1;
    } else if (str_has_suffix(path, ".csv")) {
        csv_context ctx = {loader, table, set->cyclic[i], table->column_count > 1, started};
        rc = load_csv(&ctx, path, &count, diags);
    } else if (str_has_suffix(path, ".json") && i >= 0) {
        rc = load_json(loader, set, (size_t)i, path, &count, diags);
    } else if (str_has_suffix(path, ".sql")) {
        rc = load_sql(loader, path, &count, diags);
    } else {
        diag *d = diag_add(diags, path, 0, 0, "unknown fixture format");
        diag_set_hint(d, "fixture files end in .csv (RFC 4180 with a header row), .json "
                         "(Django dumpdata) or .sql");
        rc = -1;
    }
    if (rc == 0 && loader->report)
        loader->report(loader->report_context, table ? table->name : NULL, path, count,
                       monotonic_seconds() - started);
    return rc;
}

/* Loads the fixtures of the table at position `k` of the order. */
static int load_table(fixtures_loader *loader, size_t k, diag_list *diags)
{
    const schema_set *set = loader->schemas;
    size_t i = set->order[k];
    const manifest_table *table = &set->manifest->tables[i];
    for (size_t f = 0; f < table->fixture_path_count; f++)
        if (load_file(loader, (long)i, table->fixture_paths[f], diags) < 0)
            return -1;
    /* A cycle is checked once all of its tables are in. */
    bool next_cyclic = k + 1 < set->count && set->cyclic[set->order[k + 1]];
    if (set->cyclic[i] && !next_cyclic)
        return loader->backend->ops->check_deferred(loader->backend, diags);
    return 0;
}

static int finish(fixtures_loader *loader, int rc, diag_list *diags)
{
    backend *b = loader->backend;
    if (rc == 0)
        return b->ops->load_end(b, true, diags);
    diag_list ignored = DIAG_LIST_INIT; /* the first error is the one to report */
    b->ops->load_end(b, false, &ignored);
    diag_list_clear(&ignored);
    return -1;
}

int fixtures_load_manifest(fixtures_loader *loader, diag_list *diags)
{
    int rc = loader->backend->ops->load_begin(loader->backend, loader->schemas, diags);
    if (rc < 0)
        return -1;
    for (size_t k = 0; rc == 0 && k < loader->schemas->count; k++)
        rc = load_table(loader, k, diags);
    return finish(loader, rc, diags);
}

/* The manifest index of the table a fixture file belongs to, or -1. */
static long table_of_file(const schema_set *set, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t stem = strlen(base) - (str_has_suffix(base, ".csv") ? 4 : 0);
    const manifest *m = set->manifest;
    for (size_t i = 0; i < m->table_count; i++) {
        const char *name = m->tables[i].written_name;
        if (strlen(name) == stem && strncmp(name, base, stem) == 0)
            return (long)i;
    }
    for (size_t i = 0; i < m->table_count; i++)
        for (size_t f = 0; f < m->tables[i].fixture_count; f++) {
            const char *listed = strrchr(m->tables[i].fixtures[f], '/');
            listed = listed ? listed + 1 : m->tables[i].fixtures[f];
            if (strcmp(listed, base) == 0)
                return (long)i;
        }
    return -1;
}

int fixtures_load_files(fixtures_loader *loader, const char *const *files, size_t count,
                        diag_list *diags)
{
    const schema_set *set = loader->schemas;
    int rc = 0;
    for (size_t f = 0; f < count; f++)
        if (str_has_suffix(files[f], ".csv") && table_of_file(set, files[f]) < 0) {
            diag *d = diag_add(diags, files[f], 0, 0, "no table of %s takes this file",
                               set->manifest->path);
            diag_set_hint(d, "name the file <table>.csv, or list it under the table's "
                             "fixtures key");
            rc = -1;
        }
    if (rc < 0 || loader->backend->ops->load_begin(loader->backend, loader->schemas, diags) < 0)
        return -1;
    for (size_t k = 0; rc == 0 && k < set->count; k++) {
        size_t i = set->order[k];
        for (size_t f = 0; rc == 0 && f < count; f++) {
            bool csv = str_has_suffix(files[f], ".csv") && table_of_file(set, files[f]) == (long)i;
            /* a JSON fixture feeds every table whose model it holds */
            bool json = str_has_suffix(files[f], ".json") && set->manifest->tables[i].model;
            if (csv || json)
                rc = load_file(loader, (long)i, files[f], diags);
        }
        if (rc == 0 && set->cyclic[i])
            rc = loader->backend->ops->check_deferred(loader->backend, diags);
    }
    for (size_t f = 0; rc == 0 && f < count; f++)
        if (!str_has_suffix(files[f], ".csv") && !str_has_suffix(files[f], ".json"))
            rc = load_file(loader, -1, files[f], diags);
    return finish(loader, rc, diags);
}

int fixtures_find_value(const char *file, const char *column, const char *value, int *field_column)
{
    diag_list ignored = DIAG_LIST_INIT;
    csv_reader *reader = csv_open(file, file, &ignored);
    int found = 0;
    long index = -1;
    csv_row row;
    if (reader && csv_next_row(reader, &row, &ignored) > 0)
        for (size_t i = 0; i < row.count; i++)
            if (strcmp(row.fields[i].value, column) == 0)
                index = (long)i;
    while (reader && index >= 0 && !found && csv_next_row(reader, &row, &ignored) > 0)
        if ((size_t)index < row.count && !row.fields[index].is_null &&
            strcmp(row.fields[index].value, value) == 0) {
            found = row.fields[index].line;
            *field_column = row.fields[index].column;
        }
    csv_close(reader);
    diag_list_clear(&ignored);
    return found;
}

/* Without a database: NULLs where NOT NULL forbids them. */
static int check_row_values(const csv_row *row, const header_copy *header, const ddl_table *table,
                            const char *file, diag_list *diags)
{
    int rc = 0;
    for (size_t i = 0; i < row->count && i < header->row.count; i++) {
        if (!row->fields[i].is_null)
            continue;
        const ddl_column *column = ddl_table_column(table, header->names[i]);
        if (column && column->not_null && !column->auto_increment) {
            diag *d = diag_add(diags, file, row->fields[i].line, row->fields[i].column,
                               "NULL in column \"%s\", which is NOT NULL", column->name);
            diag_set_hint(d, "an unquoted empty field is NULL; write \"\" for an empty string");
            rc = -1;
        }
    }
    return rc;
}

static int check_required_columns(const header_copy *header, const ddl_table *table,
                                  const char *file, diag_list *diags)
{
    int rc = 0;
    for (size_t c = 0; c < table->column_count; c++) {
        const ddl_column *column = &table->columns[c];
        if (!column->not_null || column->has_default)
            continue;
        bool given = false;
        for (size_t i = 0; i < header->row.count && !given; i++)
            given = strcmp(header->names[i], column->name) == 0;
        if (!given) {
            diag_add(diags, file, header->row.line, 0,
                     "column \"%s\" is NOT NULL without a default, but the header leaves it "
                     "out",
                     column->name);
            rc = -1;
        }
    }
    return rc;
}

static int check_csv(const char *path, const ddl_table *table, diag_list *diags)
{
    csv_reader *reader = csv_open(path, path, diags);
    if (!reader)
        return -1;
    header_copy header = {0};
    csv_row row = {0};
    int rc = read_header(reader, path, table, &header, diags);
    if (table && header.names && check_required_columns(&header, table, path, diags) < 0)
        rc = -1;
    bool skip_blank = !table || table->column_count > 1;
    size_t first_problem = diags->count;
    while (header.names) {
        if (diags->count - first_problem >= FIXTURES_CHECK_MAX_PROBLEMS) {
            diag_add(diags, path, row.line, 0, "stopping after %d problems in this file",
                     FIXTURES_CHECK_MAX_PROBLEMS);
            break;
        }
        int got = csv_next_row(reader, &row, diags);
        if (got <= 0) {
            rc = got < 0 ? -1 : rc;
            break;
        }
        if (skip_blank && is_blank_row(&row))
            continue;
        if (check_field_count(&row, &header.row, header.row.count, path, diags) < 0)
            rc = -1;
        else if (table && check_row_values(&row, &header, table, path, diags) < 0)
            rc = -1;
    }
    header_copy_free(&header);
    csv_close(reader);
    return rc;
}

int fixtures_check(const schema_set *schemas, diag_list *diags)
{
    int rc = 0;
    const manifest *m = schemas->manifest;
    for (size_t i = 0; i < m->table_count; i++) {
        const ddl_table *table = schema_set_table(schemas, i);
        for (size_t f = 0; f < m->tables[i].fixture_path_count; f++) {
            const char *path = m->tables[i].fixture_paths[f];
            int result = 0;
            if (str_has_suffix(path, ".csv")) {
                result = check_csv(path, table, diags);
            } else if (str_has_suffix(path, ".json")) {
                long long rows = 0;
                result = load_json(NULL, schemas, i, path, &rows, diags);
            } else if (str_has_suffix(path, ".sql")) {
                sql_script script = {0};
                result = sql_split_file(path, path, &script, diags);
                sql_script_free(&script);
            } else {
                diag *d = diag_add(diags, path, 0, 0, "unknown fixture format");
                diag_set_hint(d, "fixture files end in .csv (RFC 4180 with a header row), .json "
                                 "(Django dumpdata) or .sql");
                result = -1;
            }
            if (result < 0)
                rc = -1;
        }
    }
    return rc;
}
