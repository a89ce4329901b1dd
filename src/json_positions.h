/*
 * json_positions.h — where things are written in JSON text that a parser
 * (jansson) has already accepted: the line and column where a value, an
 * element of an array or a member of an object starts, and the exact text of
 * a value. jansson keeps no positions; this fills the gap with a scan that
 * trusts the text to be valid, so it checks nothing and reports no errors
 * (the one function for text jansson rejected says so). On text that is not
 * valid JSON the places are meaningless, but no read goes past the text.
 *
 * `text` is always `length` bytes followed by a NUL (the scan of a string
 * stops at it); it is only read. Lines end at LF (a CR before it is part of
 * no column); lines and columns are 1-based, and columns count bytes.
 * Offsets are bytes from the start of `text`. Nothing here allocates memory
 * (but for the strbuf that json_positions_append_compact appends to) or keeps
 * a pointer it is given, except the cursor, which points into `text`.
 */
#ifndef FOSTER_JSON_POSITIONS_H
#define FOSTER_JSON_POSITIONS_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* A place in the text: byte offset, 1-based line, 1-based byte column. */
typedef struct json_position {
    size_t offset;
    int line;
    int column; /* INT_MAX when the line is longer than that */
} json_position;

/* Where one member of an object is written. */
typedef struct json_member_position {
    json_position key;   /* its key's opening quote */
    json_position value; /* the first byte of its value */
    size_t value_end;    /* offset just past the value */
} json_member_position;

/*
 * A walk through the elements of one array. Its fields belong to
 * json_positions_next_element; set it with json_positions_enter_array.
 */
typedef struct json_positions_cursor {
    const char *text;
    size_t length;
    size_t offset;
    int line;
    size_t line_start; /* offset where `line` starts */
} json_positions_cursor;

/*
 * Where the first token of `text` (`length` bytes) starts, past any
 * whitespace. Its offset is `length` when the text is empty or all
 * whitespace (space, tab, CR, LF).
 */
json_position json_positions_first_token(const char *text, size_t length);

/*
 * Where the token jansson rejected with `error` starts, in text that jansson
 * failed to parse (the one function here for invalid text). jansson's own
 * position is just past that token and its column counts characters; its
 * message ends with "near '<token>'", so the token's first byte is found from
 * both. When the message names no token, the place is jansson's position;
 * when the token was cut short or does not match the text, the last byte
 * jansson read (offset 0 when it read nothing). Never past `length`.
 */
json_position json_positions_of_syntax_error(const char *text, size_t length,
                                             const json_error_t *error);

/*
 * A cursor inside the array whose '[' is at `array`, in `text` of `length`
 * bytes; `text` must outlive the cursor. `array` must be a place a function
 * here returned (lines and columns are counted on from its line and column).
 */
json_positions_cursor json_positions_enter_array(const char *text, size_t length,
                                                 json_position array);

/*
 * Where the next element of the cursor's array starts, moving the cursor past
 * it. Call it no more times than the array has elements (as the parser
 * counted them); past the last one, the place returned is meaningless.
 */
json_position json_positions_next_element(json_positions_cursor *cursor);

/*
 * Where the members of the object whose '{' is at `object` (a place a
 * function here returned, as for json_positions_enter_array) are written, in
 * order: fills up to `capacity` of `members` (which may be NULL when
 * `capacity` is 0) and returns how many members the object has, which may be
 * more than `capacity` (then the rest are not recorded).
 */
size_t json_positions_members(const char *text, size_t length, json_position object,
                              json_member_position *members, size_t capacity);

/*
 * Appends `text` from offset `start` to just before `end` (a value, from
 * json_member_position.value.offset to .value_end) to `out`, less the
 * whitespace outside strings: `[1, "a b"]` becomes `[1,"a b"]`. Running out of
 * memory is recorded in `out` (strbuf's `failed`), as for every strbuf append.
 */
void json_positions_append_compact(strbuf *out, const char *text, size_t start, size_t end);

#endif
