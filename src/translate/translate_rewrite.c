/*
 * translate_rewrite.c — the middle step of the expression translator: the
 * PostgreSQL forms that SQLite has under another spelling get it. now() and
 * its kin (with AT TIME ZONE 'utc' or timezone('utc', ...)) become
 * CURRENT_TIMESTAMP, 'now'::date CURRENT_DATE; "= ANY (ARRAY[...])" becomes
 * IN (...); ILIKE, ~~ and !~~ become [NOT] LIKE; TRIM(BOTH FROM x),
 * SUBSTRING(x FROM a FOR b), btrim() and char_length() become SQLite's
 * functions.
 */
#include <stdlib.h>
#include <string.h>

#include "translate_expression.h"

/* PostgreSQL functions returning the current time stamp. */
static const char *const timestamp_functions[] = {"now", "statement_timestamp",
                                                  "transaction_timestamp", "clock_timestamp", NULL};

/* At `op` (= or <>): "= ANY ((ARRAY[a, b]))" as pg_dump writes "IN (a, b)";
 * appends "IN (a, b)" (or NOT IN for "<> ALL") to `out` and returns the index
 * past the construct, or 0 when it is not there. */
static size_t rewrite_array_comparison(const expression *ex, size_t op, expression *out, bool *ok)
{
    bool any =
        piece_is(ex, op, "=") && (piece_is(ex, op + 1, "ANY") || piece_is(ex, op + 1, "SOME"));
    bool all = (piece_is(ex, op, "<>") || piece_is(ex, op, "!=")) && piece_is(ex, op + 1, "ALL");
    if (!(any || all) || !piece_is_punct(ex, op + 2, '('))
        return 0;
    size_t i = op + 3;
    size_t extra = 0;
    while (piece_is_punct(ex, i, '(')) {
        i++;
        extra++;
    }
    if (!piece_is(ex, i, "ARRAY") || !piece_is_punct(ex, i + 1, '['))
        return 0;
    size_t close = translate_closing_piece(ex, i + 1);
    if (close == ex->count)
        return 0;
    for (size_t k = 1; k <= extra + 1; k++)
        if (!piece_is_punct(ex, close + k, ')'))
            return 0;
    const sql_token *origin = ex->items[op].origin;
    *ok = (all ? translate_push_word(out, "NOT", origin) : true) &&
          translate_push_word(out, "IN", origin) &&
          translate_push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin);
    for (size_t k = i + 2; k < close && *ok; k++)
        *ok = translate_push_copy(out, &ex->items[k]);
    *ok = *ok && translate_push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
    return close + extra + 2;
}

/* Length of a current time stamp at i: now() or one of its kin, or
 * CURRENT_TIMESTAMP / LOCALTIMESTAMP, with an optional AT TIME ZONE 'utc'
 * (SQLite's time stamps are UTC already); 0 when none starts there. */
static size_t current_timestamp_length(const expression *ex, size_t i)
{
    size_t n;
    if (i >= ex->count || (i > 0 && piece_is_punct(ex, i - 1, '.')))
        return 0;
    if (ex->items[i].kind == SQL_TOKEN_WORD &&
        text_in(ex->items[i].text, ex->items[i].length, timestamp_functions) &&
        piece_is_punct(ex, i + 1, '(') && piece_is_punct(ex, i + 2, ')'))
        n = 3;
    else if (piece_is(ex, i, "CURRENT_TIMESTAMP") || piece_is(ex, i, "LOCALTIMESTAMP"))
        n = 1;
    else
        return 0;
    if (piece_is(ex, i + n, "AT") && piece_is(ex, i + n + 1, "TIME") &&
        piece_is(ex, i + n + 2, "ZONE") && i + n + 3 < ex->count &&
        ex->items[i + n + 3].kind == SQL_TOKEN_STRING &&
        text_is(ex->items[i + n + 3].text, ex->items[i + n + 3].length, "'utc'"))
        n += 4;
    return n;
}

/* Length of timezone('utc', <current time stamp>) at i, or 0. */
static size_t utc_timestamp_length(const expression *ex, size_t i)
{
    if (!piece_is(ex, i, "timezone") || !piece_is_punct(ex, i + 1, '(') || i + 2 >= ex->count ||
        ex->items[i + 2].kind != SQL_TOKEN_STRING ||
        !text_is(ex->items[i + 2].text, ex->items[i + 2].length, "'utc'") ||
        !piece_is_punct(ex, i + 3, ','))
        return 0;
    size_t n = current_timestamp_length(ex, i + 4);
    return n && piece_is_punct(ex, i + 4 + n, ')') ? n + 5 : 0;
}

static bool copy_pieces(const expression *ex, size_t begin, size_t end, expression *out)
{
    bool ok = true;
    for (size_t k = begin; k < end && ok; k++)
        ok = translate_push_copy(out, &ex->items[k]);
    return ok;
}

/* A form rewritten into `out` keeps the cast its last piece carried: in
 * now()::date the cast belongs to the ')' that CURRENT_TIMESTAMP replaces. */
static void carry_cast(expression *out, const piece *last)
{
    if (out->count > 0 && last->cast != CAST_NONE) {
        out->items[out->count - 1].cast = last->cast;
        out->items[out->count - 1].cast_origin = last->cast_origin;
    }
}

/* Index of the word `word` at the top level of the call whose '(' is at
 * `open` and ')' at `close`, or `close`. */
static size_t keyword_in_call(const expression *ex, size_t open, size_t close, const char *word)
{
    int depth = 0;
    for (size_t k = open + 1; k < close; k++) {
        if (piece_is_punct(ex, k, '(') || piece_is_punct(ex, k, '['))
            depth++;
        else if (piece_is_punct(ex, k, ')') || piece_is_punct(ex, k, ']'))
            depth--;
        else if (depth == 0 && piece_is(ex, k, word))
            return k;
    }
    return close;
}

/* At i: SUBSTRING(x FROM a [FOR b]), as pg_dump writes substring(),
 * becomes substr(x, a[, b]). Returns the index past it, or 0. */
static size_t rewrite_substring(const expression *ex, size_t i, expression *out, bool *ok)
{
    if (!piece_is(ex, i, "substring") || !piece_is_punct(ex, i + 1, '(') ||
        (i > 0 && piece_is_punct(ex, i - 1, '.')))
        return 0;
    size_t close = translate_closing_piece(ex, i + 1);
    size_t from = keyword_in_call(ex, i + 1, close, "FROM");
    size_t length = keyword_in_call(ex, i + 1, close, "FOR");
    if (close == ex->count || (from == close && length == close))
        return 0;
    size_t value_end = from < length ? from : length;
    const sql_token *origin = ex->items[i].origin;
    *ok = translate_push_word(out, "substr", origin) &&
          translate_push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin) &&
          copy_pieces(ex, i + 2, value_end, out) &&
          translate_push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin);
    if (from == close)
        *ok = *ok && translate_push_piece(out, SQL_TOKEN_NUMBER, "1", 1, origin);
    else
        *ok = *ok && copy_pieces(ex, from + 1, length > from ? length : close, out);
    if (length < close)
        *ok = *ok && translate_push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin) &&
              copy_pieces(ex, length + 1, from > length ? from : close, out);
    *ok = *ok && translate_push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
    return close + 1;
}

/* At i: TRIM(BOTH|LEADING|TRAILING [chars] FROM x), as pg_dump writes
 * trim(), becomes trim/ltrim/rtrim(x[, chars]). Returns the index past
 * it, or 0 when it is not there. */
static size_t rewrite_trim(const expression *ex, size_t i, expression *out, bool *ok)
{
    static const char *const sides[][2] = {
        {"BOTH", "trim"}, {"LEADING", "ltrim"}, {"TRAILING", "rtrim"}};
    if (!piece_is(ex, i, "trim") || !piece_is_punct(ex, i + 1, '(') ||
        (i > 0 && piece_is_punct(ex, i - 1, '.')))
        return 0;
    const char *function = NULL;
    for (size_t k = 0; k < 3; k++)
        if (piece_is(ex, i + 2, sides[k][0]))
            function = sides[k][1];
    size_t close = translate_closing_piece(ex, i + 1);
    size_t from = keyword_in_call(ex, i + 1, close, "FROM");
    if (!function || close == ex->count || from >= close)
        return 0;
    const sql_token *origin = ex->items[i].origin;
    *ok = translate_push_word(out, function, origin) &&
          translate_push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin) &&
          copy_pieces(ex, from + 1, close, out) &&
          (from == i + 3 || (translate_push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin) &&
                             copy_pieces(ex, i + 3, from, out))) &&
          translate_push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
    return close + 1;
}

/* Second step: PostgreSQL forms with a SQLite spelling get it. */
bool translate_rewrite_pieces(translator *tr, expression *ex)
{
    expression out = {0};
    bool ok = true;
    for (size_t i = 0; i < ex->count && ok;) {
        const piece *p = &ex->items[i];
        size_t past = rewrite_array_comparison(ex, i, &out, &ok);
        if (!past)
            past = rewrite_trim(ex, i, &out, &ok);
        if (!past)
            past = rewrite_substring(ex, i, &out, &ok);
        if (past) {
            carry_cast(&out, &ex->items[past - 1]);
            i = past;
            continue;
        }
        size_t timestamp = utc_timestamp_length(ex, i);
        if (!timestamp)
            timestamp = current_timestamp_length(ex, i);
        if (timestamp) {
            ok = translate_push_word(&out, "CURRENT_TIMESTAMP", p->origin);
            if (timestamp == 1 || piece_is_punct(ex, i + timestamp - 1, ')'))
                carry_cast(&out, &ex->items[i + timestamp - 1]); /* not 'utc'::text's */
            i += timestamp;
            continue;
        }
        const char *renamed = NULL;
        if (piece_is(ex, i, "LOCALTIME"))
            renamed = "CURRENT_TIME";
        else if (piece_is(ex, i, "ILIKE") || piece_is(ex, i, "~~") || piece_is(ex, i, "~~*"))
            renamed = "LIKE";
        else if ((piece_is(ex, i, "char_length") || piece_is(ex, i, "character_length")) &&
                 piece_is_punct(ex, i + 1, '('))
            renamed = "length";
        else if (piece_is(ex, i, "btrim") && piece_is_punct(ex, i + 1, '('))
            renamed = "trim";
        if (piece_is(ex, i, "!~~") || piece_is(ex, i, "!~~*"))
            ok = translate_push_word(&out, "NOT", p->origin) &&
                 translate_push_word(&out, "LIKE", p->origin);
        else if (renamed)
            ok = translate_push_word(&out, renamed, p->origin);
        else
            ok = translate_push_copy(&out, p);
        carry_cast(&out, p);
        i++;
    }
    if (!ok) {
        free(out.items);
        return translate_note_memory(tr, false);
    }
    free(ex->items);
    ex->items = out.items;
    ex->count = out.count;
    ex->capacity = out.capacity;
    return true;
}

/* 'now'::date and the like (a 'now' string and casts only) become the
 * SQLite keyword for the current date or time. */
bool translate_rewrite_now_literal(expression *ex)
{
    size_t found = ex->count;
    for (size_t i = 0; i < ex->count; i++) {
        if (piece_is_punct(ex, i, '(') || piece_is_punct(ex, i, ')'))
            continue;
        if (found != ex->count)
            return true;
        found = i;
    }
    if (found == ex->count || ex->items[found].kind != SQL_TOKEN_STRING ||
        !text_is(ex->items[found].text, ex->items[found].length, "'now'"))
        return true;
    const char *keyword = NULL;
    if (strcmp(ex->last_cast, "date") == 0)
        keyword = "CURRENT_DATE";
    else if (strncmp(ex->last_cast, "timestamp", 9) == 0)
        keyword = "CURRENT_TIMESTAMP";
    else if (strncmp(ex->last_cast, "time", 4) == 0)
        keyword = "CURRENT_TIME";
    if (!keyword)
        return true;
    const sql_token *origin = ex->items[found].origin;
    ex->count = 0;
    return translate_push_word(ex, keyword, origin);
}
