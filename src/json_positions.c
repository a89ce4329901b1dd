/*
 * json_positions.c — where values, elements and members are written in JSON
 * text already known to be valid (jansson accepted it), found by one
 * forward scan that skips strings and counts lines; see json_positions.h.
 */
#include "json_positions.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static json_positions_cursor cursor_at(const char *text, size_t length, json_position place)
{
    return (json_positions_cursor){text, length, place.offset, place.line,
                                   place.offset - (size_t)(place.column - 1)};
}

static json_position cursor_place(const json_positions_cursor *cursor)
{
    size_t column = cursor->offset - cursor->line_start + 1;
    return (json_position){cursor->offset, cursor->line, column > INT_MAX ? INT_MAX : (int)column};
}

static char cursor_peek(const json_positions_cursor *cursor)
{
    return cursor->offset < cursor->length ? cursor->text[cursor->offset] : '\0';
}

static void skip_space(json_positions_cursor *cursor)
{
    for (; cursor->offset < cursor->length; cursor->offset++) {
        char c = cursor->text[cursor->offset];
        if (c == '\n') {
            cursor->line++;
            cursor->line_start = cursor->offset + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
    }
}

/* From an opening quote to just past the closing one (no newline can be inside). */
static void skip_string(json_positions_cursor *cursor)
{
    size_t at = cursor->offset + 1;
    while (at < cursor->length) {
        at += strcspn(cursor->text + at, "\"\\");
        if (at >= cursor->length || cursor->text[at] == '"')
            break;
        at += cursor->text[at] == '\\' ? 2 : 1;
    }
    cursor->offset = at < cursor->length ? at + 1 : cursor->length;
}

static void skip_value(json_positions_cursor *cursor)
{
    char first = cursor_peek(cursor);
    if (first == '"') {
        skip_string(cursor);
        return;
    }
    if (first != '[' && first != '{') { /* number, true, false, null */
        for (; cursor->offset < cursor->length; cursor->offset++) {
            char c = cursor->text[cursor->offset];
            if (is_space(c) || c == ',' || c == ']' || c == '}')
                return;
        }
        return;
    }
    size_t depth = 0;
    while (cursor->offset < cursor->length) {
        char c = cursor->text[cursor->offset];
        if (c == '"') {
            skip_string(cursor);
            continue;
        }
        if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (--depth == 0) {
                cursor->offset++;
                return;
            }
        } else if (c == '\n') {
            cursor->line++;
            cursor->line_start = cursor->offset + 1;
        }
        cursor->offset++;
    }
}

json_position json_positions_first_token(const char *text, size_t length)
{
    json_positions_cursor cursor = {text, length, 0, 1, 0};
    skip_space(&cursor);
    return cursor_place(&cursor);
}

/* The place of byte `offset`; only the bytes before it are read. */
static json_position place_of_offset(const char *text, size_t offset)
{
    json_positions_cursor cursor = {text, offset, 0, 1, 0};
    while (cursor.offset < offset) {
        const char *newline = memchr(text + cursor.offset, '\n', offset - cursor.offset);
        if (!newline) {
            cursor.offset = offset;
        } else {
            cursor.offset = (size_t)(newline - text) + 1;
            cursor.line++;
            cursor.line_start = cursor.offset;
        }
    }
    return cursor_place(&cursor);
}

/*
 * jansson's position is just past the token it choked on and its column counts
 * characters; its message ends with "near '<token>'", so the token's first
 * byte can be found from both, and its column counted in bytes like every
 * other column here. When the message was cut short, the last byte read is
 * the best there is.
 */
static size_t syntax_error_offset(const char *text, size_t length, const json_error_t *error)
{
    size_t end = error->position > 0 ? (size_t)error->position : 0;
    if (end > length)
        end = length;
    const char *near = strstr(error->text, " near '");
    if (!near)
        return end;
    const char *token = near + strlen(" near '");
    size_t token_length = strlen(token);
    if (token_length > 0 && token[token_length - 1] == '\'') {
        token_length--;
        if (token_length <= end && memcmp(text + end - token_length, token, token_length) == 0)
            return end - token_length;
    }
    return end > 0 ? end - 1 : 0;
}

json_position json_positions_of_syntax_error(const char *text, size_t length,
                                             const json_error_t *error)
{
    return place_of_offset(text, syntax_error_offset(text, length, error));
}

json_positions_cursor json_positions_enter_array(const char *text, size_t length,
                                                 json_position array)
{
    json_positions_cursor cursor = cursor_at(text, length, array);
    cursor.offset++; /* '[' */
    return cursor;
}

json_position json_positions_next_element(json_positions_cursor *cursor)
{
    skip_space(cursor);
    json_position start = cursor_place(cursor);
    skip_value(cursor);
    skip_space(cursor);
    cursor->offset++; /* ',' or ']' */
    return start;
}

size_t json_positions_members(const char *text, size_t length, json_position object,
                              json_member_position *members, size_t capacity)
{
    json_positions_cursor cursor = cursor_at(text, length, object);
    size_t count = 0;
    cursor.offset++; /* '{' */
    skip_space(&cursor);
    while (cursor_peek(&cursor) == '"') {
        json_member_position member;
        member.key = cursor_place(&cursor);
        skip_string(&cursor);
        skip_space(&cursor);
        cursor.offset++; /* ':' */
        skip_space(&cursor);
        member.value = cursor_place(&cursor);
        skip_value(&cursor);
        member.value_end = cursor.offset;
        skip_space(&cursor);
        if (cursor_peek(&cursor) == ',') {
            cursor.offset++;
            skip_space(&cursor);
        }
        if (count < capacity)
            members[count] = member;
        count++;
    }
    return count;
}

void json_positions_append_compact(strbuf *out, const char *text, size_t start, size_t end)
{
    size_t run = start;
    bool in_string = false;
    for (size_t at = start; at < end; at++) {
        char c = text[at];
        if (in_string) {
            if (c == '\\')
                at++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (is_space(c)) {
            strbuf_append(out, text + run, at - run);
            run = at + 1;
        }
    }
    strbuf_append(out, text + run, end - run);
}
