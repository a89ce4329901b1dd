/*
 * fixture_json.c — Django `dumpdata` fixtures as rows; see fixture_json.h.
 *
 * jansson parses and validates the whole file (syntax, UTF-8, duplicate keys)
 * and decodes strings. It keeps no positions and turns numbers into doubles,
 * so a second, much simpler pass over the same text — by then known to be
 * valid JSON — finds where each object, key and value starts and the exact
 * text of numbers, arrays and objects (json_positions.h). The two are matched
 * by order: jansson keeps object members in the order of the text, and with
 * duplicate keys rejected the n-th member it iterates is the n-th member
 * written.
 *
 * The pass over the whole text happens once, at parse time, and records
 * where each top-level object starts; the members of one object are found
 * when its row is built, from that start, so the cost stays linear.
 */
#include "fixture_json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_positions.h"
#include "strbuf.h"

/*
 * Duplicate keys are ambiguous (Python keeps the last, others the first) and
 * always a mistake in a fixture; numbers are read as doubles so that a
 * 30-digit integer is no error (its text is taken from the file anyway).
 */
#define FIXTURE_JSON_DECODE_FLAGS                                                                  \
    (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)

static const char expected_list[] = "expected a list of objects with \"model\" and \"fields\"";
static const char expected_object[] = "expected an object with \"model\" and \"fields\"";

/* One element of the top-level array. */
typedef struct object_entry {
    json_t *object;      /* borrowed from the root */
    json_position start; /* its '{' */
    size_t model_index;  /* into `models` */
} object_entry;

typedef struct model_entry {
    const char *name; /* jansson's string, as first written */
    int line;
} model_entry;

/*
 * A column of the row being built; its strings are in `row_text`, by offset
 * until the row is complete, since the buffer may move as it grows.
 */
typedef struct pending_column {
    const char *field; /* the field's key; NULL for "pk" */
    size_t name_offset;
    size_t name_length;
    size_t value_offset;
    size_t value_length;
    bool is_null;
    json_position key;
    json_position value;
} pending_column;

struct fixture_json {
    char *name;
    char *text; /* the file without its byte order mark, NUL-terminated */
    size_t length;
    json_t *root;
    object_entry *objects;
    size_t object_count;
    model_entry *models;
    size_t model_count;

    /* Reused for each row. */
    json_member_position *members;
    size_t member_capacity;
    pending_column *pending;
    csv_field *header_fields;
    csv_field *row_fields;
    size_t column_capacity;
    strbuf row_text;
    strbuf id_column; /* "<field>_id" */
    strbuf label;     /* the object, for messages */
};

/* ---- parsing ---- */

static const char *type_description(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        break;
    }
    return "null";
}

/*
 * The index of `model` among the models seen so far, adding it when new
 * (models never outnumber objects, for which room was made). The search
 * starts from the latest model, since a dump keeps each model's objects
 * together.
 */
static size_t model_index_of(fixture_json *json, const char *model, int line)
{
    for (size_t i = json->model_count; i-- > 0;)
        if (strcasecmp(json->models[i].name, model) == 0)
            return i;
    json->models[json->model_count] = (model_entry){model, line};
    return json->model_count++;
}

static bool is_model_identifier(const char *model)
{
    const char *dot = strchr(model, '.');
    return dot && dot != model && dot[1] != '\0';
}

/* Checks one element of the top-level array: -1 with a diag when it is no fixture object. */
static int check_object(fixture_json *json, object_entry *entry, diag_list *diags)
{
    const json_t *object = entry->object;
    int line = entry->start.line, column = entry->start.column;
    if (!json_is_object(object)) {
        diag_add(diags, json->name, line, column, "%s, found %s", expected_object,
                 type_description(object));
        return -1;
    }
    const json_t *model = json_object_get(object, "model");
    const json_t *fields = json_object_get(object, "fields");
    const json_t *pk = json_object_get(object, "pk");
    const char *problem = NULL;
    if (!model)
        problem = "this one has no \"model\"";
    else if (!json_is_string(model) || !is_model_identifier(json_string_value(model)))
        problem = "\"model\" must be a string \"app_label.model_name\"";
    else if (!fields)
        problem = "this one has no \"fields\"";
    else if (!json_is_object(fields))
        problem = "\"fields\" must be an object of field names and values";
    else if (pk && !json_is_null(pk) && !json_is_number(pk) && !json_is_string(pk))
        problem = "\"pk\" must be a number or a string";
    if (problem) {
        diag_add(diags, json->name, line, column, "%s; %s", expected_object, problem);
        return -1;
    }
    entry->model_index = model_index_of(json, json_string_value(model), line);
    return 0;
}

/* Finds where each element of the top-level array, written at `array`, starts and checks it. */
static int index_objects(fixture_json *json, json_position array, diag_list *diags)
{
    size_t count = json_array_size(json->root);
    json->objects = calloc(count ? count : 1, sizeof *json->objects);
    json->models = calloc(count ? count : 1, sizeof *json->models);
    if (!json->objects || !json->models) {
        diag_add(diags, json->name, 0, 0, "out of memory reading JSON file");
        return -1;
    }
    json->object_count = count;
    json_positions_cursor cursor = json_positions_enter_array(json->text, json->length, array);
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        object_entry *entry = &json->objects[i];
        entry->object = json_array_get(json->root, i);
        entry->start = json_positions_next_element(&cursor);
        if (check_object(json, entry, diags) < 0)
            rc = -1;
    }
    return rc;
}

static int parse_text(fixture_json *json, diag_list *diags)
{
    json_position first = json_positions_first_token(json->text, json->length);
    if (first.offset >= json->length) {
        diag_add(diags, json->name, 1, 0, "empty file; %s", expected_list);
        return -1;
    }
    json_error_t error;
    json->root = json_loadb(json->text, json->length, FIXTURE_JSON_DECODE_FLAGS, &error);
    if (!json->root) {
        json_position place = json_positions_of_syntax_error(json->text, json->length, &error);
        diag_add(diags, json->name, place.line, place.column, "invalid JSON: %s", error.text);
        return -1;
    }
    if (!json_is_array(json->root)) {
        diag_add(diags, json->name, first.line, first.column, "%s, found %s", expected_list,
                 type_description(json->root));
        return -1;
    }
    return index_objects(json, first, diags);
}

/* Parses `text` (`length` bytes and a NUL, from malloc), which it takes over. */
static fixture_json *parse_owned_text(char *text, size_t length, const char *name, diag_list *diags)
{
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        length -= 3; /* a byte order mark, which jansson rejects */
        memmove(text, text + 3, length + 1);
    }
    fixture_json *json = calloc(1, sizeof *json);
    if (json)
        json->name = strdup(name);
    if (!json || !json->name) {
        diag_add(diags, name, 0, 0, "out of memory reading JSON file");
        free(text);
        fixture_json_free(json);
        return NULL;
    }
    json->text = text;
    json->length = length;
    if (parse_text(json, diags) < 0) {
        fixture_json_free(json);
        return NULL;
    }
    return json;
}

fixture_json *fixture_json_parse(const char *text, size_t length, const char *display_name,
                                 diag_list *diags)
{
    const char *name = display_name ? display_name : "<memory>";
    char *copy = malloc(length + 1);
    if (!copy) {
        diag_add(diags, name, 0, 0, "out of memory reading JSON file");
        return NULL;
    }
    memcpy(copy, text, length);
    copy[length] = '\0';
    return parse_owned_text(copy, length, name, diags);
}

fixture_json *fixture_json_open(const char *path, const char *display_name, diag_list *diags)
{
    const char *name = display_name ? display_name : path;
    FILE *stream = fopen(path, "rb");
    if (!stream) {
        diag_add(diags, name, 0, 0, "cannot open JSON file: %s", strerror(errno));
        return NULL;
    }
    strbuf content = STRBUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, stream)) > 0)
        strbuf_append(&content, chunk, got);
    int read_errno = ferror(stream) ? errno : 0;
    fclose(stream);
    if (read_errno) {
        diag_add(diags, name, 0, 0, "cannot read JSON file: %s", strerror(read_errno));
        strbuf_free(&content);
        return NULL;
    }
    size_t length = content.length;
    char *text = strbuf_detach(&content);
    if (!text) {
        diag_add(diags, name, 0, 0, "out of memory reading JSON file");
        return NULL;
    }
    return parse_owned_text(text, length, name, diags);
}

size_t fixture_json_model_count(const fixture_json *json)
{
    return json->model_count;
}

const char *fixture_json_model(const fixture_json *json, size_t index)
{
    return index < json->model_count ? json->models[index].name : NULL;
}

int fixture_json_model_line(const fixture_json *json, size_t index)
{
    return index < json->model_count ? json->models[index].line : 0;
}

/* ---- rows ---- */

static int reserve_row(fixture_json *json, size_t members, size_t columns)
{
    if (members > json->member_capacity) {
        json_member_position *grown = realloc(json->members, members * sizeof *grown);
        if (!grown)
            return -1;
        json->members = grown;
        json->member_capacity = members;
    }
    if (columns > json->column_capacity) {
        pending_column *pending = realloc(json->pending, columns * sizeof *pending);
        if (pending)
            json->pending = pending;
        csv_field *header = realloc(json->header_fields, columns * sizeof *header);
        if (header)
            json->header_fields = header;
        csv_field *row = realloc(json->row_fields, columns * sizeof *row);
        if (row)
            json->row_fields = row;
        if (!pending || !header || !row)
            return -1;
        json->column_capacity = columns;
    }
    return 0;
}

typedef struct row_build {
    fixture_json *json;
    const object_entry *entry;
    json_member_position pk_place;
    size_t count; /* columns so far */
    diag_list *diags;
} row_build;

/* What a message calls the object: "trading.account (pk 3)"; valid until the next call. */
static const char *object_label(row_build *build)
{
    fixture_json *json = build->json;
    const json_t *object = build->entry->object;
    const json_t *pk = json_object_get(object, "pk");
    strbuf *label = &json->label;
    strbuf_reset(label);
    strbuf_append_str(label, json_string_value(json_object_get(object, "model")));
    if (json_is_string(pk))
        strbuf_appendf(label, " (pk \"%s\")", json_string_value(pk));
    else if (json_is_number(pk))
        strbuf_appendf(label, " (pk %.*s)",
                       (int)(build->pk_place.value_end - build->pk_place.value.offset),
                       json->text + build->pk_place.value.offset);
    return strbuf_str(label);
}

static void add_column(row_build *build, const char *field, const char *name, size_t name_length,
                       const json_t *value, const json_member_position *place)
{
    fixture_json *json = build->json;
    strbuf *text = &json->row_text;
    pending_column *column = &json->pending[build->count++];
    column->field = field;
    column->key = place->key;
    column->value = place->value;
    column->name_offset = text->length;
    column->name_length = name_length;
    strbuf_append(text, name, name_length);
    strbuf_append_char(text, '\0');
    column->value_offset = text->length;
    column->is_null = json_is_null(value);
    if (json_is_string(value))
        strbuf_append(text, json_string_value(value), json_string_length(value));
    else if (json_is_true(value))
        strbuf_append_char(text, '1');
    else if (json_is_false(value))
        strbuf_append_char(text, '0');
    else if (json_is_number(value))
        strbuf_append(text, json->text + place->value.offset,
                      place->value_end - place->value.offset);
    else if (!column->is_null)
        json_positions_append_compact(text, json->text, place->value.offset, place->value_end);
    column->value_length = text->length - column->value_offset;
    strbuf_append_char(text, '\0');
}

/* Maps one field to its column, or skips a many-to-many list; -1 with a diag when neither fits. */
static int add_field(row_build *build, const fixture_json_table *table, const char *key,
                     const json_t *value, const json_member_position *place)
{
    fixture_json *json = build->json;
    if (table->has_column(table->context, key)) {
        add_column(build, key, key, strlen(key), value, place);
        return 0;
    }
    strbuf_reset(&json->id_column);
    strbuf_appendf(&json->id_column, "%s_id", key);
    if (json->id_column.failed) {
        diag_add(build->diags, json->name, place->key.line, 0, "out of memory reading JSON file");
        return -1;
    }
    const char *id_column = strbuf_str(&json->id_column);
    diag *d;
    if (!table->has_column(table->context, id_column)) {
        if (json_is_array(value))
            return 0; /* a many-to-many relation, which has a table of its own */
        d = diag_add(build->diags, json->name, place->key.line, place->key.column,
                     "field \"%s\" of %s matches no column of the table; tried \"%s\" and \"%s\"",
                     key, object_label(build), key, id_column);
        diag_set_hint(d, "remove the field from the fixture, or add the column to the table");
        return -1;
    }
    if (json_is_array(value)) {
        d = diag_add(build->diags, json->name, place->key.line, place->key.column,
                     "field \"%s\" of %s is a natural key (a list), but column \"%s\" takes the "
                     "key's value",
                     key, object_label(build), id_column);
        diag_set_hint(d, "dump the fixture without --natural-foreign");
        return -1;
    }
    add_column(build, key, id_column, json->id_column.length, value, place);
    return 0;
}

/* Points the header and row at the finished strings, unless two fields fill one column. */
static int finish_row(row_build *build, csv_row *header, csv_row *row)
{
    fixture_json *json = build->json;
    const char *text = strbuf_str(&json->row_text);
    for (size_t i = 0; i < build->count; i++) {
        const pending_column *column = &json->pending[i];
        const char *name = text + column->name_offset;
        for (size_t earlier = 0; earlier < i; earlier++) {
            const pending_column *other = &json->pending[earlier];
            if (strcmp(text + other->name_offset, name) != 0)
                continue;
            diag_add(build->diags, json->name, column->key.line, column->key.column,
                     "%s%s%s and field \"%s\" of %s both fill column \"%s\"",
                     other->field ? "field \"" : "\"", other->field ? other->field : "pk", "\"",
                     column->field, object_label(build), name);
            return -1;
        }
        json->header_fields[i] =
            (csv_field){name, column->name_length, false, column->key.line, column->key.column};
        json->row_fields[i] =
            (csv_field){text + column->value_offset, column->value_length, column->is_null,
                        column->value.line, column->value.column};
    }
    int line = build->entry->start.line;
    *header = (csv_row){json->header_fields, build->count, line};
    *row = (csv_row){json->row_fields, build->count, line};
    return 1;
}

/*
 * Whether the key written at `place` is `key`. An escaped key cannot be
 * compared without decoding it, and passes.
 */
static bool key_written_at(const fixture_json *json, json_position place, const char *key)
{
    const char *written = json->text + place.offset + 1;
    size_t length = strlen(key);
    if (strncmp(written, key, length) == 0 && written[length] == '"')
        return true;
    return written[strcspn(written, "\"\\")] == '\\';
}

/*
 * Finds where the members of `object`, written at `start`, are: the n-th
 * member jansson iterates is the n-th written (see the top of the file),
 * which is checked. NULL with a diag when they disagree (which would be a bug).
 */
static const json_member_position *find_members(row_build *build, json_position start,
                                                json_t *object)
{
    fixture_json *json = build->json;
    bool agree = json_positions_members(json->text, json->length, start, json->members,
                                        json->member_capacity) == json_object_size(object);
    size_t index = 0;
    for (void *member = json_object_iter(object); member && agree;
         member = json_object_iter_next(object, member), index++)
        agree = key_written_at(json, json->members[index].key, json_object_iter_key(member));
    if (agree)
        return json->members;
    diag_add(build->diags, json->name, start.line, start.column,
             "internal error: the JSON text and its parse disagree");
    return NULL;
}

static int add_fields(row_build *build, const fixture_json_table *table, json_t *fields,
                      json_position start)
{
    const json_member_position *places = find_members(build, start, fields);
    if (!places)
        return -1;
    size_t index = 0;
    for (void *member = json_object_iter(fields); member;
         member = json_object_iter_next(fields, member), index++) {
        const char *key = json_object_iter_key(member);
        if (add_field(build, table, key, json_object_iter_value(member), &places[index]) < 0)
            return -1;
    }
    return 0;
}

static int build_row(fixture_json *json, const object_entry *entry, const fixture_json_table *table,
                     csv_row *header, csv_row *row, diag_list *diags)
{
    json_t *object = entry->object;
    json_t *fields = json_object_get(object, "fields");
    const json_t *pk = json_object_get(object, "pk");
    size_t member_count = json_object_size(object), field_count = json_object_size(fields);
    row_build build = {json, entry, {{0, 0, 0}, {0, 0, 0}, 0}, 0, diags};
    *header = (csv_row){NULL, 0, entry->start.line};
    *row = *header;
    if (reserve_row(json, member_count > field_count ? member_count : field_count,
                    field_count + 1) < 0) {
        diag_add(diags, json->name, entry->start.line, 0, "out of memory reading JSON file");
        return -1;
    }
    const json_member_position *places = find_members(&build, entry->start, object);
    if (!places)
        return -1;
    json_position fields_start = places[0].value;
    size_t index = 0;
    for (void *member = json_object_iter(object); member;
         member = json_object_iter_next(object, member), index++) {
        const char *key = json_object_iter_key(member);
        if (strcmp(key, "pk") == 0)
            build.pk_place = places[index];
        else if (strcmp(key, "fields") == 0)
            fields_start = places[index].value;
    }
    strbuf_reset(&json->row_text);
    if (pk && !json_is_null(pk)) {
        if (!table->primary_key) {
            diag_add(diags, json->name, build.pk_place.key.line, build.pk_place.key.column,
                     "%s has a \"pk\", but its table has no single-column primary key",
                     object_label(&build));
            return -1;
        }
        add_column(&build, NULL, table->primary_key, strlen(table->primary_key), pk,
                   &build.pk_place);
    }
    if (add_fields(&build, table, fields, fields_start) < 0)
        return -1;
    if (json->row_text.failed) {
        diag_add(diags, json->name, entry->start.line, 0, "out of memory reading JSON file");
        return -1;
    }
    return finish_row(&build, header, row);
}

int fixture_json_next(fixture_json *json, const fixture_json_table *table, size_t *cursor,
                      csv_row *header, csv_row *row, diag_list *diags)
{
    size_t model_index = 0;
    bool known = false;
    for (size_t i = 0; i < json->model_count && !known; i++) {
        known = strcasecmp(json->models[i].name, table->model) == 0;
        model_index = i;
    }
    for (size_t i = known ? *cursor : json->object_count; i < json->object_count; i++) {
        if (json->objects[i].model_index != model_index)
            continue;
        *cursor = i + 1;
        return build_row(json, &json->objects[i], table, header, row, diags);
    }
    *cursor = json->object_count;
    return 0;
}

bool fixture_json_same_header(const csv_row *a, const csv_row *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const csv_field *x = &a->fields[i], *y = &b->fields[i];
        if (x->length != y->length || memcmp(x->value, y->value, x->length) != 0)
            return false;
    }
    return true;
}

void fixture_json_free(fixture_json *json)
{
    if (!json)
        return;
    json_decref(json->root);
    free(json->name);
    free(json->text);
    free(json->objects);
    free(json->models);
    free(json->members);
    free(json->pending);
    free(json->header_fields);
    free(json->row_fields);
    strbuf_free(&json->row_text);
    strbuf_free(&json->id_column);
    strbuf_free(&json->label);
    free(json);
}
