/*
 * translate_sqlite.c — rewrites the owner's PostgreSQL DDL, as pg_dump
 * writes it, into SQLite DDL: one CREATE TABLE per table with everything
 * later ALTER TABLEs add folded in, then the indexes.
 *
 * Two passes over the files: the first builds every table from its CREATE
 * TABLE, the second applies the ALTER TABLEs (which may name a table another
 * file creates) and translates the indexes. Defaults, CHECKs, index columns
 * and index predicates all go through one expression rewriter, which drops
 * casts, maps PostgreSQL-only forms to SQLite's, and reports what it cannot
 * map. Problems are collected for every file, then sorted into file order.
 */
#include "translate_sqlite.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* ---- word lists ---------------------------------------------------------- */

/* Keywords SQLite refuses as a bare column or type name (found by trying
 * every sqlite3_keyword_name() in CREATE TABLE on SQLite 3.40). */
static const char *const sqlite_reserved_words[] = {
    "ADD",     "ALL",        "ALTER",       "AND",      "AS",         "AUTOINCREMENT", "BETWEEN",
    "CASE",    "CHECK",      "COLLATE",     "COMMIT",   "CONSTRAINT", "CREATE",        "CROSS",
    "DEFAULT", "DEFERRABLE", "DELETE",      "DISTINCT", "DROP",       "ELSE",          "ESCAPE",
    "EXCEPT",  "EXISTS",     "FOREIGN",     "FROM",     "FULL",       "GROUP",         "HAVING",
    "IN",      "INDEX",      "INDEXED",     "INNER",    "INSERT",     "INTERSECT",     "INTO",
    "IS",      "ISNULL",     "JOIN",        "LEFT",     "LIMIT",      "NATURAL",       "NOT",
    "NOTHING", "NOTNULL",    "NULL",        "ON",       "OR",         "ORDER",         "OUTER",
    "PRIMARY", "REFERENCES", "RETURNING",   "RIGHT",    "SELECT",     "SET",           "TABLE",
    "THEN",    "TO",         "TRANSACTION", "UNION",    "UNIQUE",     "UPDATE",        "USING",
    "VALUES",  "WHEN",       "WHERE",       NULL};

/* Reserved words that are keywords of an expression, so never quoted there. */
static const char *const expression_keywords[] = {
    "ALL",    "AND",  "AS",   "BETWEEN", "CASE",   "COLLATE", "DISTINCT", "ELSE", "ESCAPE",
    "EXISTS", "FROM", "IN",   "IS",      "ISNULL", "NOT",     "NOTNULL",  "NULL", "OR",
    "SELECT", "THEN", "WHEN", "END",     "LIKE",   "GLOB",    NULL};

/* Words a '(' may follow without being a function call. */
static const char *const words_before_parenthesis[] = {
    "AND",  "OR",    "NOT", "IN",     "IS",  "EXISTS", "CASE", "WHEN",  "THEN",   "ELSE", "BETWEEN",
    "LIKE", "ILIKE", "AS",  "ESCAPE", "ANY", "SOME",   "ALL",  "ARRAY", "VALUES", NULL};

/* Functions that mean the same in SQLite as in PostgreSQL. */
static const char *const shared_functions[] = {"abs",    "cast",      "coalesce", "length", "lower",
                                               "ltrim",  "nullif",    "replace",  "round",  "rtrim",
                                               "substr", "substring", "trim",     "upper",  NULL};

/* PostgreSQL functions returning the current time stamp. */
static const char *const timestamp_functions[] = {"now", "statement_timestamp",
                                                  "transaction_timestamp", "clock_timestamp", NULL};

/* PostgreSQL operators SQLite has with the same meaning. */
static const char *const shared_operators[] = {
    "||", "*",  "/", "%",  "+", "-",  "<<", ">>", "&",   "|",
    "<",  "<=", ">", ">=", "=", "<>", "!=", "->", "->>", NULL};

/* Words that end a column's type and start one of its constraints. */
static const char *const column_constraint_words[] = {
    "CONSTRAINT", "NOT",       "NULL",    "DEFAULT",     "PRIMARY", "UNIQUE", "CHECK",
    "REFERENCES", "GENERATED", "COLLATE", "COMPRESSION", "STORAGE", NULL};

/* Words a PostgreSQL type name may go on with after its first word. */
static const char *const type_continuation_words[] = {
    "varying", "precision", "with", "without", "time",   "zone", "year",
    "month",   "day",       "hour", "minute",  "second", "to",   NULL};

static bool text_is(const char *text, size_t length, const char *word)
{
    return strlen(word) == length && strncasecmp(text, word, length) == 0;
}

static bool text_in(const char *text, size_t length, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (text_is(text, length, words[i]))
            return true;
    return false;
}

static bool word_token_in(const sql_token *t, const char *const *words)
{
    return t->kind == SQL_TOKEN_WORD && text_in(t->start, t->length, words);
}

static bool is_identifier_token(const sql_token *t)
{
    return t->kind == SQL_TOKEN_WORD || t->kind == SQL_TOKEN_QUOTED_ID;
}

static bool is_punct(const sql_token *t, char c)
{
    return t->kind == SQL_TOKEN_PUNCT && t->length == 1 && t->start[0] == c;
}

/* ---- what is being built ------------------------------------------------- */

typedef struct column_build {
    char *name;          /* as SQLite reads it (quoted when SQLite reserves the word) */
    char *folded;        /* folded as PostgreSQL does, for ALTER COLUMN */
    char *type;          /* SQLite type; INTEGER is used instead when auto_increment */
    bool auto_increment; /* serial, identity or nextval default */
    bool not_null;
    char *default_value; /* after DEFAULT, or NULL */
    strbuf constraints;  /* the column's other constraints, each after a space */
} column_build;

typedef struct table_build {
    char *key;  /* normalised name (ddl_normalize_name) */
    char *name; /* the bare name as SQLite reads it */
    const ddl_file *file;
    int line;      /* of the CREATE TABLE */
    int name_line; /* of the table name, for messages */
    int name_column;
    column_build *columns;
    size_t column_count;
    size_t column_capacity;
    strbuf constraints; /* table constraints, each after ",\n    " */
} table_build;

typedef struct translator {
    const ddl_file *const *files;
    size_t file_count;
    const ddl_file *file; /* the file being read */
    table_build *tables;
    size_t table_count;
    size_t table_capacity;
    sqlite_script indexes;
    size_t index_capacity;
    diag_list diags; /* sorted into file order, then handed over */
    bool failed;     /* a problem was reported */
    bool out_of_memory;
} translator;

/* A range of the tokens of one statement, read from `pos` up to `end`. */
typedef struct cursor {
    const sql_tokens *tokens;
    size_t pos;
    size_t end;
} cursor;

static const sql_token *token_at(const cursor *c, size_t ahead)
{
    return c->pos + ahead < c->end ? &c->tokens->items[c->pos + ahead] : NULL;
}

/* The token to name in a message about the current position. */
static const sql_token *here(const cursor *c)
{
    size_t i = c->pos < c->end ? c->pos : c->end - (c->end > 0);
    return &c->tokens->items[i < c->tokens->count ? i : c->tokens->count - 1];
}

static bool word_ahead(const cursor *c, size_t ahead, const char *word)
{
    const sql_token *t = token_at(c, ahead);
    return t && sql_token_is(t, word);
}

static bool at_word(const cursor *c, const char *word)
{
    return word_ahead(c, 0, word);
}

static bool punct_ahead(const cursor *c, size_t ahead, char p)
{
    const sql_token *t = token_at(c, ahead);
    return t && is_punct(t, p);
}

/* Index of the bracket closing the one at `open`, or `end` when none does. */
static size_t closing_bracket(const sql_tokens *tokens, size_t open, size_t end)
{
    int depth = 0;
    for (size_t i = open; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        if (is_punct(t, '(') || is_punct(t, '['))
            depth++;
        else if ((is_punct(t, ')') || is_punct(t, ']')) && --depth == 0)
            return i;
    }
    return end;
}

/* Index of the next ',' outside brackets from `i`, or `end`. */
static size_t next_top_level_comma(const sql_tokens *tokens, size_t i, size_t end)
{
    int depth = 0;
    for (; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        if (is_punct(t, '(') || is_punct(t, '['))
            depth++;
        else if (is_punct(t, ')') || is_punct(t, ']'))
            depth--;
        else if (depth == 0 && is_punct(t, ','))
            return i;
    }
    return end;
}

/* Moves past a bracketed group at the cursor; false when it is not closed. */
static bool skip_group(cursor *c)
{
    size_t close = closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return false;
    c->pos = close + 1;
    return true;
}

/* Moves past a name a.b.c; `last` gets the index of its last part. False
 * when no identifier is at the cursor. */
static bool skip_qualified_name(cursor *c, size_t *last)
{
    const sql_token *t = token_at(c, 0);
    if (!t || !is_identifier_token(t))
        return false;
    *last = c->pos++;
    while (punct_ahead(c, 0, '.') && token_at(c, 1) && is_identifier_token(token_at(c, 1))) {
        *last = c->pos + 1;
        c->pos += 2;
    }
    return true;
}

/* The tokens [begin, end) as one line of text (for messages and keys). */
static char *tokens_text(const sql_tokens *tokens, size_t begin, size_t end)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = begin; i < end; i++) {
        const sql_token *t = &tokens->items[i];
        bool tight = i == begin || is_punct(t, '.') || is_punct(t, ')') || is_punct(t, ',') ||
                     is_punct(t, '(') || is_punct(&tokens->items[i - 1], '.') ||
                     is_punct(&tokens->items[i - 1], '(');
        if (!tight)
            strbuf_append_char(&sb, ' ');
        strbuf_append(&sb, t->start, t->length);
    }
    return strbuf_detach(&sb);
}

/* ---- reporting ----------------------------------------------------------- */

static void report(translator *tr, const sql_token *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(translator *tr, const sql_token *at, const char *fmt, ...)
{
    tr->failed = true;
    va_list args;
    va_start(args, fmt);
    diag *d = diag_addv(&tr->diags, tr->file->display_name, at->line, at->column, fmt, args);
    va_end(args);
    if (!d) {
        tr->out_of_memory = true;
        return;
    }
    const char *name = tr->file->display_name;
    size_t stem = strlen(name);
    if (stem >= 4 && strcmp(name + stem - 4, ".sql") == 0)
        stem -= 4;
    diag_set_hint(d,
                  "write a SQLite version of this table in %.*s.sqlite.sql; foster uses it "
                  "instead of %s on SQLite",
                  (int)stem, name, name);
}

/* Reports the token at the cursor as one this translator does not expect. */
static bool unexpected(translator *tr, const cursor *c, const char *where)
{
    const sql_token *t = here(c);
    if (c->pos >= c->end)
        report(tr, t, "cannot translate %s to SQLite: it ends early after \"%.*s\"", where,
               (int)t->length, t->start);
    else
        report(tr, t, "cannot translate \"%.*s\" in %s to SQLite", (int)t->length, t->start, where);
    return false;
}

static bool note_memory(translator *tr, bool ok)
{
    if (!ok)
        tr->out_of_memory = true;
    return ok;
}

/* Grows an array to hold one more item; returns it (maybe moved) or NULL. */
static void *grow_array(void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return items;
    size_t new_capacity = *capacity ? *capacity * 2 : 8;
    void *grown = realloc(items, new_capacity * size);
    if (grown)
        *capacity = new_capacity;
    return grown;
}

/* Appends a name token as SQLite reads it: quoted ones as written, bare
 * ones quoted when SQLite reserves the word. */
static void append_name(strbuf *out, const sql_token *t)
{
    bool quote = t->kind == SQL_TOKEN_WORD && text_in(t->start, t->length, sqlite_reserved_words);
    if (quote)
        strbuf_append_char(out, '"');
    strbuf_append(out, t->start, t->length);
    if (quote)
        strbuf_append_char(out, '"');
}

static char *name_text(const sql_token *t)
{
    strbuf sb = STRBUF_INIT;
    append_name(&sb, t);
    return strbuf_detach(&sb);
}

static bool is_sqlite_collation(const sql_token *t)
{
    static const char *const collations[] = {"binary", "nocase", "rtrim", NULL};
    if (t->kind == SQL_TOKEN_QUOTED_ID)
        return t->length >= 2 && text_in(t->start + 1, t->length - 2, collations);
    return word_token_in(t, collations);
}

/* ---- expressions --------------------------------------------------------- */

/* One token of an expression being rewritten; `text` points into the
 * statement, a word list, or a string the expression owns. */
typedef struct piece {
    sql_token_kind kind;
    const char *text;
    size_t length;
    const sql_token *origin; /* the token it came from, for messages */
} piece;

typedef struct expression {
    piece *items;
    size_t count;
    size_t capacity;
    char **owned;
    size_t owned_count;
    size_t owned_capacity;
    char last_cast[24]; /* first word of the type of the last cast dropped, lower case */
} expression;

static void expression_free(expression *ex)
{
    for (size_t i = 0; i < ex->owned_count; i++)
        free(ex->owned[i]);
    free(ex->owned);
    free(ex->items);
}

static bool push_piece(expression *ex, sql_token_kind kind, const char *text, size_t length,
                       const sql_token *origin)
{
    piece *items = grow_array(ex->items, &ex->capacity, ex->count, sizeof *items);
    if (!items)
        return false;
    ex->items = items;
    items[ex->count++] = (piece){kind, text, length, origin};
    return true;
}

static bool push_word(expression *ex, const char *word, const sql_token *origin)
{
    return push_piece(ex, SQL_TOKEN_WORD, word, strlen(word), origin);
}

static bool push_owned_string(expression *ex, char *text, const sql_token *origin)
{
    char **owned = grow_array(ex->owned, &ex->owned_capacity, ex->owned_count, sizeof *owned);
    if (!owned) {
        free(text);
        return false;
    }
    ex->owned = owned;
    owned[ex->owned_count++] = text;
    return push_piece(ex, SQL_TOKEN_STRING, text, strlen(text), origin);
}

/* Moves past the type after "::" (a name, more words of a multi-word type,
 * "(n)" modifiers, "[]"), noting its first word. False when none is there. */
static bool skip_cast_type(cursor *c, expression *ex)
{
    size_t last;
    if (!skip_qualified_name(c, &last))
        return false;
    const sql_token *name = &c->tokens->items[last];
    const char *text = name->start;
    size_t length = name->length;
    if (name->kind == SQL_TOKEN_QUOTED_ID && length >= 2) {
        text++;
        length -= 2;
    }
    size_t n = length < sizeof ex->last_cast - 1 ? length : sizeof ex->last_cast - 1;
    for (size_t i = 0; i < n; i++)
        ex->last_cast[i] = (char)tolower((unsigned char)text[i]);
    ex->last_cast[n] = '\0';
    for (;;) {
        const sql_token *t = token_at(c, 0);
        if (t && (is_punct(t, '(') || is_punct(t, '['))) {
            if (!skip_group(c))
                return false;
        } else if (t && word_token_in(t, type_continuation_words)) {
            c->pos++;
        } else {
            return true;
        }
    }
}

/* E'...' and $$...$$ strings become '...' strings; false after a report
 * (B'...', X'...', U&'...' and escapes other than \\ \' \n \t \r are
 * refused) or when memory ran out. */
static bool push_plain_string(translator *tr, expression *ex, const sql_token *t)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_char(&sb, '\'');
    if (t->start[0] == '$') {
        size_t tag = 1;
        while (tag < t->length && t->start[tag] != '$')
            tag++;
        tag++;
        for (size_t i = tag; i + tag < t->length; i++) {
            if (t->start[i] == '\'')
                strbuf_append_char(&sb, '\'');
            strbuf_append_char(&sb, t->start[i]);
        }
    } else if ((t->start[0] == 'E' || t->start[0] == 'e') && t->length >= 3 &&
               t->start[1] == '\'') {
        for (size_t i = 2; i + 1 < t->length; i++) {
            char ch = t->start[i];
            if (ch != '\\') {
                strbuf_append_char(&sb, ch);
                continue;
            }
            char next = t->start[++i];
            const char *plain = next == '\\'   ? "\\"
                                : next == '\'' ? "''"
                                : next == 'n'  ? "\n"
                                : next == 't'  ? "\t"
                                : next == 'r'  ? "\r"
                                               : NULL;
            if (!plain) {
                strbuf_free(&sb);
                report(tr, t, "cannot translate the escape \"\\%c\" in %.*s to SQLite", next,
                       (int)t->length, t->start);
                return false;
            }
            strbuf_append_str(&sb, plain);
        }
    } else {
        strbuf_free(&sb);
        report(tr, t, "cannot translate the string %.*s to SQLite", (int)t->length, t->start);
        return false;
    }
    strbuf_append_char(&sb, '\'');
    char *text = strbuf_detach(&sb);
    return note_memory(tr, text && push_owned_string(ex, text, t));
}

/* First step: the tokens without casts, without collations SQLite lacks,
 * without a pg_catalog qualifier, with strings in SQLite's one form. */
static bool collect_pieces(translator *tr, cursor c, expression *ex)
{
    while (c.pos < c.end) {
        const sql_token *t = token_at(&c, 0);
        if (t->kind == SQL_TOKEN_OPERATOR && text_is(t->start, t->length, "::")) {
            c.pos++;
            if (!skip_cast_type(&c, ex))
                return unexpected(tr, &c, "a cast");
            continue;
        }
        if (sql_token_is(t, "COLLATE")) {
            c.pos++;
            size_t last;
            if (!skip_qualified_name(&c, &last))
                return unexpected(tr, &c, "a COLLATE clause");
            const sql_token *collation = &c.tokens->items[last];
            if (is_sqlite_collation(collation) &&
                !note_memory(tr, push_piece(ex, t->kind, t->start, t->length, t) &&
                                     push_piece(ex, collation->kind, collation->start,
                                                collation->length, collation)))
                return false;
            continue;
        }
        if (sql_token_is(t, "pg_catalog") && punct_ahead(&c, 1, '.')) {
            c.pos += 2;
            continue;
        }
        c.pos++;
        if (t->kind == SQL_TOKEN_STRING && t->start[0] != '\'') {
            if (!push_plain_string(tr, ex, t))
                return false;
        } else if (!note_memory(tr, push_piece(ex, t->kind, t->start, t->length, t))) {
            return false;
        }
    }
    return true;
}

static bool piece_is(const expression *ex, size_t i, const char *word)
{
    return i < ex->count &&
           (ex->items[i].kind == SQL_TOKEN_WORD || ex->items[i].kind == SQL_TOKEN_OPERATOR) &&
           text_is(ex->items[i].text, ex->items[i].length, word);
}

static bool piece_is_punct(const expression *ex, size_t i, char p)
{
    return i < ex->count && ex->items[i].kind == SQL_TOKEN_PUNCT && ex->items[i].length == 1 &&
           ex->items[i].text[0] == p;
}

static size_t closing_piece(const expression *ex, size_t open)
{
    int depth = 0;
    for (size_t i = open; i < ex->count; i++) {
        if (piece_is_punct(ex, i, '(') || piece_is_punct(ex, i, '['))
            depth++;
        else if ((piece_is_punct(ex, i, ')') || piece_is_punct(ex, i, ']')) && --depth == 0)
            return i;
    }
    return ex->count;
}

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
    size_t close = closing_piece(ex, i + 1);
    if (close == ex->count)
        return 0;
    for (size_t k = 1; k <= extra + 1; k++)
        if (!piece_is_punct(ex, close + k, ')'))
            return 0;
    const sql_token *origin = ex->items[op].origin;
    *ok = (all ? push_word(out, "NOT", origin) : true) && push_word(out, "IN", origin) &&
          push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin);
    for (size_t k = i + 2; k < close && *ok; k++)
        *ok = push_piece(out, ex->items[k].kind, ex->items[k].text, ex->items[k].length,
                         ex->items[k].origin);
    *ok = *ok && push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
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
        ok = push_piece(out, ex->items[k].kind, ex->items[k].text, ex->items[k].length,
                        ex->items[k].origin);
    return ok;
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
    size_t close = closing_piece(ex, i + 1);
    size_t from = keyword_in_call(ex, i + 1, close, "FROM");
    size_t length = keyword_in_call(ex, i + 1, close, "FOR");
    if (close == ex->count || (from == close && length == close))
        return 0;
    size_t value_end = from < length ? from : length;
    const sql_token *origin = ex->items[i].origin;
    *ok = push_word(out, "substr", origin) && push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin) &&
          copy_pieces(ex, i + 2, value_end, out) &&
          push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin);
    if (from == close)
        *ok = *ok && push_piece(out, SQL_TOKEN_NUMBER, "1", 1, origin);
    else
        *ok = *ok && copy_pieces(ex, from + 1, length > from ? length : close, out);
    if (length < close)
        *ok = *ok && push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin) &&
              copy_pieces(ex, length + 1, from > length ? from : close, out);
    *ok = *ok && push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
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
    size_t close = closing_piece(ex, i + 1);
    size_t from = keyword_in_call(ex, i + 1, close, "FROM");
    if (!function || close == ex->count || from >= close)
        return 0;
    const sql_token *origin = ex->items[i].origin;
    *ok = push_word(out, function, origin) && push_piece(out, SQL_TOKEN_PUNCT, "(", 1, origin) &&
          copy_pieces(ex, from + 1, close, out) &&
          (from == i + 3 || (push_piece(out, SQL_TOKEN_PUNCT, ",", 1, origin) &&
                             copy_pieces(ex, i + 3, from, out))) &&
          push_piece(out, SQL_TOKEN_PUNCT, ")", 1, origin);
    return close + 1;
}

/* Second step: PostgreSQL forms with a SQLite spelling get it. */
static bool rewrite_pieces(translator *tr, expression *ex)
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
            i = past;
            continue;
        }
        size_t timestamp = utc_timestamp_length(ex, i);
        if (!timestamp)
            timestamp = current_timestamp_length(ex, i);
        if (timestamp) {
            ok = push_word(&out, "CURRENT_TIMESTAMP", p->origin);
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
            ok = push_word(&out, "NOT", p->origin) && push_word(&out, "LIKE", p->origin);
        else if (renamed)
            ok = push_word(&out, renamed, p->origin);
        else
            ok = push_piece(&out, p->kind, p->text, p->length, p->origin);
        i++;
    }
    if (!ok) {
        free(out.items);
        return note_memory(tr, false);
    }
    free(ex->items);
    ex->items = out.items;
    ex->count = out.count;
    ex->capacity = out.capacity;
    return true;
}

/* Whether a space goes between piece i-1 and piece i. */
static bool space_before(const expression *ex, size_t i)
{
    if (i == 0)
        return false;
    const piece *prev = &ex->items[i - 1];
    if (piece_is_punct(ex, i, ')') || piece_is_punct(ex, i, ',') || piece_is_punct(ex, i, '.') ||
        piece_is_punct(ex, i, ']') || piece_is_punct(ex, i - 1, '(') ||
        piece_is_punct(ex, i - 1, '.') || piece_is_punct(ex, i - 1, '['))
        return false;
    if (piece_is_punct(ex, i, '(') || piece_is_punct(ex, i, '['))
        return !(prev->kind == SQL_TOKEN_QUOTED_ID ||
                 (prev->kind == SQL_TOKEN_WORD &&
                  !text_in(prev->text, prev->length, words_before_parenthesis)));
    /* a sign right after an operator, '(' , ',' or keyword sticks to its operand */
    if (prev->kind == SQL_TOKEN_OPERATOR &&
        (text_is(prev->text, prev->length, "-") || text_is(prev->text, prev->length, "+"))) {
        if (i == 1)
            return false;
        const piece *before = &ex->items[i - 2];
        if (before->kind == SQL_TOKEN_OPERATOR || piece_is_punct(ex, i - 2, '(') ||
            piece_is_punct(ex, i - 2, ',') ||
            (before->kind == SQL_TOKEN_WORD &&
             text_in(before->text, before->length, words_before_parenthesis)))
            return false;
    }
    return true;
}

/* Reports a piece SQLite has no counterpart for; true when it is fine. */
static bool check_piece(translator *tr, const expression *ex, size_t i)
{
    static const char *const foreign_words[] = {
        "ARRAY",           "ANY",          "SOME", "ALL",          "SIMILAR",
        "CURRENT_USER",    "SESSION_USER", "USER", "CURRENT_ROLE", "CURRENT_SCHEMA",
        "CURRENT_CATALOG", "OVERLAPS",     NULL};
    const piece *p = &ex->items[i];
    int length = (int)p->length;
    switch (p->kind) {
    case SQL_TOKEN_QUOTED_ID: /* pg_dump quotes function names that are keywords: "left"(x, 2) */
        if (piece_is_punct(ex, i + 1, '(') && p->length >= 2 &&
            !text_in(p->text + 1, p->length - 2, shared_functions)) {
            report(tr, p->origin, "cannot translate function \"%.*s()\" to SQLite", length - 2,
                   p->text + 1);
            return false;
        }
        return true;
    case SQL_TOKEN_WORD:
        if (piece_is_punct(ex, i + 1, '(') &&
            !text_in(p->text, p->length, words_before_parenthesis)) {
            if (i >= 2 && piece_is_punct(ex, i - 1, '.')) {
                const piece *schema = &ex->items[i - 2];
                report(tr, schema->origin, "cannot translate function \"%.*s.%.*s()\" to SQLite",
                       (int)schema->length, schema->text, length, p->text);
                return false;
            }
            if (!text_in(p->text, p->length, shared_functions)) {
                report(tr, p->origin, "cannot translate function \"%.*s()\" to SQLite", length,
                       p->text);
                return false;
            }
        } else if (text_in(p->text, p->length, foreign_words) ||
                   (piece_is(ex, i, "AT") && piece_is(ex, i + 1, "TIME"))) {
            report(tr, p->origin, "cannot translate \"%.*s\" to SQLite", length, p->text);
            return false;
        }
        return true;
    case SQL_TOKEN_OPERATOR:
        if (text_in(p->text, p->length, shared_operators))
            return true;
        report(tr, p->origin, "cannot translate operator \"%.*s\" to SQLite", length, p->text);
        return false;
    case SQL_TOKEN_PUNCT:
        if (p->text[0] == '[' || p->text[0] == ']' || p->text[0] == ';') {
            report(tr, p->origin, "cannot translate \"%.*s\" (an array subscript) to SQLite",
                   length, p->text);
            return false;
        }
        return true;
    case SQL_TOKEN_PARAMETER:
        report(tr, p->origin, "cannot translate parameter \"%.*s\" to SQLite", length, p->text);
        return false;
    default:
        return true;
    }
}

/* Last step: checks every piece and writes the expression. */
static bool emit_pieces(translator *tr, const expression *ex, strbuf *out)
{
    for (size_t i = 0; i < ex->count; i++) {
        if (!check_piece(tr, ex, i))
            return false;
        const piece *p = &ex->items[i];
        if (space_before(ex, i))
            strbuf_append_char(out, ' ');
        bool quote = p->kind == SQL_TOKEN_WORD &&
                     text_in(p->text, p->length, sqlite_reserved_words) &&
                     !text_in(p->text, p->length, expression_keywords);
        if (quote)
            strbuf_append_char(out, '"');
        strbuf_append(out, p->text, p->length);
        if (quote)
            strbuf_append_char(out, '"');
    }
    return true;
}

static bool is_literal(const piece *p)
{
    static const char *const literals[] = {
        "TRUE", "FALSE", "NULL", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", NULL};
    return p->kind == SQL_TOKEN_STRING || p->kind == SQL_TOKEN_NUMBER ||
           (p->kind == SQL_TOKEN_WORD && text_in(p->text, p->length, literals));
}

/* True when the expression needs no parentheses after DEFAULT: a literal,
 * or already one parenthesised whole. */
static bool is_plain_default(const expression *ex)
{
    if (ex->count == 1)
        return is_literal(&ex->items[0]);
    return piece_is_punct(ex, 0, '(') && closing_piece(ex, 0) == ex->count - 1;
}

/* 'now'::date and the like (a 'now' string and casts only) become the
 * SQLite keyword for the current date or time. */
static bool rewrite_now_literal(expression *ex)
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
    return push_word(ex, keyword, origin);
}

typedef enum expression_place {
    PLACE_DEFAULT, /* after DEFAULT: wrapped in parentheses unless a plain literal */
    PLACE_OTHER,   /* CHECK, generated column, index column or predicate */
} expression_place;

/* Translates the tokens in `c` into `out`; false after a report. */
static bool translate_expression(translator *tr, cursor c, expression_place place, strbuf *out)
{
    expression ex = {0};
    bool ok = collect_pieces(tr, c, &ex);
    if (ok && place == PLACE_DEFAULT)
        ok = note_memory(tr, rewrite_now_literal(&ex));
    ok = ok && rewrite_pieces(tr, &ex);
    if (ok && place == PLACE_DEFAULT && ex.count == 3 && piece_is_punct(&ex, 0, '(') &&
        is_literal(&ex.items[1]) && piece_is_punct(&ex, 2, ')')) {
        ex.items[0] = ex.items[1]; /* (now() AT TIME ZONE 'utc') is just CURRENT_TIMESTAMP */
        ex.count = 1;
    }
    if (ok && ex.count == 0)
        ok = unexpected(tr, &c, "an expression");
    bool wrap = ok && place == PLACE_DEFAULT && !is_plain_default(&ex);
    if (wrap)
        strbuf_append_char(out, '(');
    ok = ok && emit_pieces(tr, &ex, out);
    if (wrap)
        strbuf_append_char(out, ')');
    expression_free(&ex);
    return ok;
}

/* At '(': appends prefix "(" expression ")" and moves past the ')'. */
static bool translate_parenthesized(translator *tr, cursor *c, const char *prefix, strbuf *out)
{
    if (!punct_ahead(c, 0, '('))
        return unexpected(tr, c, prefix);
    size_t close = closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return unexpected(tr, c, prefix);
    strbuf_append_str(out, prefix);
    strbuf_append_char(out, '(');
    cursor inner = {c->tokens, c->pos + 1, close};
    if (!translate_expression(tr, inner, PLACE_OTHER, out))
        return false;
    strbuf_append_char(out, ')');
    c->pos = close + 1;
    return true;
}

/* ---- constraints --------------------------------------------------------- */

/* At '(': appends `open` then the column names and ")" ; moves past it. */
static bool translate_column_list(translator *tr, cursor *c, const char *open, strbuf *out)
{
    if (!punct_ahead(c, 0, '('))
        return unexpected(tr, c, "a column list");
    size_t close = closing_bracket(c->tokens, c->pos, c->end);
    if (close == c->end)
        return unexpected(tr, c, "a column list");
    strbuf_append_str(out, open);
    for (size_t i = c->pos + 1; i < close; i++) {
        const sql_token *t = &c->tokens->items[i];
        if (is_punct(t, ','))
            strbuf_append_str(out, ", ");
        else if (is_identifier_token(t))
            append_name(out, t);
        else {
            cursor at = {c->tokens, i, close};
            return unexpected(tr, &at, "a column list");
        }
    }
    strbuf_append_char(out, ')');
    c->pos = close + 1;
    return true;
}

/* ON DELETE/UPDATE action: appended as written; SET NULL (columns) refused. */
static bool translate_referential_action(translator *tr, cursor *c, strbuf *out)
{
    strbuf_appendf(out, " ON %s", at_word(c, "DELETE") ? "DELETE" : "UPDATE");
    c->pos++;
    static const char *const actions[][2] = {{"NO", "ACTION"},
                                             {"SET", "NULL"},
                                             {"SET", "DEFAULT"},
                                             {"CASCADE", NULL},
                                             {"RESTRICT", NULL}};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        if (!at_word(c, actions[i][0]) || (actions[i][1] && !word_ahead(c, 1, actions[i][1])))
            continue;
        strbuf_appendf(out, " %s%s%s", actions[i][0], actions[i][1] ? " " : "",
                       actions[i][1] ? actions[i][1] : "");
        c->pos += actions[i][1] ? 2 : 1;
        if (punct_ahead(c, 0, '(')) {
            report(tr, here(c), "cannot translate \"%s %s\" with a column list to SQLite",
                   actions[i][0], actions[i][1] ? actions[i][1] : "");
            return false;
        }
        return true;
    }
    return unexpected(tr, c, "a referential action");
}

/* REFERENCES [schema.]table [(columns)]: the table without its schema. */
static bool translate_references(translator *tr, cursor *c, strbuf *out)
{
    c->pos++;
    size_t last;
    if (!skip_qualified_name(c, &last))
        return unexpected(tr, c, "REFERENCES");
    strbuf_append_str(out, " REFERENCES ");
    append_name(out, &c->tokens->items[last]);
    return !punct_ahead(c, 0, '(') || translate_column_list(tr, c, "(", out);
}

/* What may follow a constraint. Foreign keys keep their actions and
 * deferral; index storage, NOT VALID, NO INHERIT and MATCH are dropped.
 * At column level an unknown word ends the constraint; at table level it is
 * an error. */
static bool translate_constraint_options(translator *tr, cursor *c, bool column_level, bool foreign,
                                         strbuf *out)
{
    int deferrable = 0; /* 1 DEFERRABLE, -1 NOT DEFERRABLE */
    int initially = 0;  /* 1 DEFERRED, -1 IMMEDIATE */
    while (c->pos < c->end) {
        if (at_word(c, "MATCH")) {
            c->pos += 2;
        } else if (at_word(c, "ON") && (word_ahead(c, 1, "DELETE") || word_ahead(c, 1, "UPDATE"))) {
            c->pos++;
            if (!translate_referential_action(tr, c, out))
                return false;
        } else if (at_word(c, "DEFERRABLE")) {
            deferrable = 1;
            c->pos++;
        } else if (at_word(c, "NOT") && word_ahead(c, 1, "DEFERRABLE")) {
            deferrable = -1;
            c->pos += 2;
        } else if (at_word(c, "INITIALLY") &&
                   (word_ahead(c, 1, "DEFERRED") || word_ahead(c, 1, "IMMEDIATE"))) {
            initially = word_ahead(c, 1, "DEFERRED") ? 1 : -1;
            c->pos += 2;
        } else if ((at_word(c, "NOT") && word_ahead(c, 1, "VALID")) ||
                   (at_word(c, "NO") && word_ahead(c, 1, "INHERIT"))) {
            c->pos += 2;
        } else if ((at_word(c, "INCLUDE") || at_word(c, "WITH")) && punct_ahead(c, 1, '(')) {
            c->pos++;
            if (!skip_group(c))
                return unexpected(tr, c, "a constraint");
        } else if (at_word(c, "USING") && word_ahead(c, 1, "INDEX") &&
                   word_ahead(c, 2, "TABLESPACE") && token_at(c, 3)) {
            c->pos += 4;
        } else if (column_level) {
            break;
        } else {
            return unexpected(tr, c, "a constraint");
        }
    }
    /* SQLite knows deferral only for foreign keys, and spells it fully */
    if (foreign && initially == 1 && deferrable != -1)
        strbuf_append_str(out, " DEFERRABLE INITIALLY DEFERRED");
    else if (foreign && deferrable == 1)
        strbuf_append_str(out, initially == -1 ? " DEFERRABLE INITIALLY IMMEDIATE" : " DEFERRABLE");
    else if (foreign && deferrable == -1)
        strbuf_append_str(out, " NOT DEFERRABLE");
    return true;
}

/* One constraint, column or table level, appended after a space. */
static bool translate_constraint(translator *tr, cursor *c, bool column_level, strbuf *out)
{
    if (at_word(c, "CONSTRAINT")) {
        const sql_token *name = token_at(c, 1);
        if (!name || !is_identifier_token(name)) {
            c->pos++;
            return unexpected(tr, c, "a constraint name");
        }
        strbuf_append_str(out, " CONSTRAINT ");
        append_name(out, name);
        c->pos += 2;
    }
    bool foreign = false;
    if (at_word(c, "PRIMARY") && word_ahead(c, 1, "KEY")) {
        strbuf_append_str(out, " PRIMARY KEY");
        c->pos += 2;
        if (punct_ahead(c, 0, '(') && !translate_column_list(tr, c, " (", out))
            return false;
    } else if (at_word(c, "UNIQUE")) {
        strbuf_append_str(out, " UNIQUE");
        c->pos++;
        if (at_word(c, "NULLS")) /* NULLS [NOT] DISTINCT: SQLite's NULLs are distinct */
            c->pos += word_ahead(c, 1, "NOT") ? 3 : 2;
        if (punct_ahead(c, 0, '(') && !translate_column_list(tr, c, " (", out))
            return false;
    } else if (at_word(c, "CHECK")) {
        c->pos++;
        if (!translate_parenthesized(tr, c, " CHECK ", out))
            return false;
    } else if (at_word(c, "FOREIGN") && word_ahead(c, 1, "KEY")) {
        c->pos += 2;
        if (!translate_column_list(tr, c, " FOREIGN KEY (", out))
            return false;
        if (!at_word(c, "REFERENCES"))
            return unexpected(tr, c, "a FOREIGN KEY constraint");
        if (!translate_references(tr, c, out))
            return false;
        foreign = true;
    } else if (at_word(c, "REFERENCES")) {
        if (!translate_references(tr, c, out))
            return false;
        foreign = true;
    } else if (at_word(c, "EXCLUDE")) {
        report(tr, here(c), "cannot translate \"EXCLUDE\" constraint to SQLite");
        return false;
    } else {
        return unexpected(tr, c, "a constraint");
    }
    return translate_constraint_options(tr, c, column_level, foreign, out);
}

/* ---- columns ------------------------------------------------------------- */

static void column_free(column_build *col)
{
    free(col->name);
    free(col->folded);
    free(col->type);
    free(col->default_value);
    strbuf_free(&col->constraints);
}

/* True for "(n)" or "(n,m)" (signed numbers) between `open` and `close`. */
static bool is_type_modifier(const sql_tokens *tokens, size_t open, size_t close)
{
    size_t numbers = 0;
    for (size_t i = open + 1; i < close; i++) {
        const sql_token *t = &tokens->items[i];
        bool sign = t->kind == SQL_TOKEN_OPERATOR &&
                    (text_is(t->start, t->length, "-") || text_is(t->start, t->length, "+"));
        if (sign && i + 1 < close)
            t = &tokens->items[++i];
        if (t->kind != SQL_TOKEN_NUMBER)
            return false;
        numbers++;
        if (i + 1 < close && !is_punct(&tokens->items[++i], ','))
            return false;
    }
    return numbers == 1 || numbers == 2;
}

/* The type of a column: serials become INTEGER (auto_increment), arrays
 * TEXT; other types keep the words SQLite's grammar takes and a final
 * "(n)" or "(n,m)"; a type in a schema other than pg_catalog (an enum,
 * domain or extension type) is an error. */
static bool translate_type(translator *tr, cursor c, column_build *col)
{
    static const char *const serials[] = {"serial",      "serial4", "bigserial", "serial8",
                                          "smallserial", "serial2", NULL};
    if (c.pos == c.end)
        return unexpected(tr, &c, "a column definition");
    for (size_t i = c.pos; i < c.end; i++)
        if (is_punct(&c.tokens->items[i], '[') || sql_token_is(&c.tokens->items[i], "ARRAY"))
            return note_memory(tr, (col->type = strdup("TEXT")) != NULL);
    if (punct_ahead(&c, 1, '.')) {
        if (!at_word(&c, "pg_catalog")) {
            char *text = tokens_text(c.tokens, c.pos, c.end);
            report(tr, here(&c), "cannot translate type \"%s\" to SQLite", text ? text : "?");
            free(text);
            return false;
        }
        c.pos += 2;
    }
    if (c.end - c.pos == 1 && word_token_in(here(&c), serials)) {
        col->auto_increment = true;
        return note_memory(tr, (col->type = strdup("INTEGER")) != NULL);
    }
    strbuf sb = STRBUF_INIT;
    while (c.pos < c.end) {
        const sql_token *t = here(&c);
        if (is_punct(t, '(')) {
            size_t close = closing_bracket(c.tokens, c.pos, c.end);
            if (close == c.end || !is_type_modifier(c.tokens, c.pos, close)) {
                strbuf_free(&sb);
                return unexpected(tr, &c, "a column type");
            }
            if (close + 1 == c.end) /* a final (n) or (n,m) */
                for (size_t i = c.pos; i <= close; i++)
                    strbuf_append(&sb, c.tokens->items[i].start, c.tokens->items[i].length);
            c.pos = close + 1;
        } else if (is_identifier_token(t)) {
            if (word_token_in(t, sqlite_reserved_words)) /* e.g. "interval day TO second" */
                break;
            if (sb.length)
                strbuf_append_char(&sb, ' ');
            strbuf_append(&sb, t->start, t->length);
            c.pos++;
        } else {
            strbuf_free(&sb);
            return unexpected(tr, &c, "a column type");
        }
    }
    col->type = strbuf_detach(&sb);
    return note_memory(tr, col->type != NULL);
}

/* DEFAULT's expression ends at the next column constraint. */
static size_t default_end(const cursor *c)
{
    int depth = 0;
    for (size_t i = c->pos; i < c->end; i++) {
        const sql_token *t = &c->tokens->items[i];
        if (is_punct(t, '(') || is_punct(t, '['))
            depth++;
        else if (is_punct(t, ')') || is_punct(t, ']'))
            depth--;
        else if (depth == 0 && i > c->pos &&
                 (word_token_in(t, column_constraint_words) || sql_token_is(t, "DEFERRABLE") ||
                  sql_token_is(t, "INITIALLY")))
            return i;
    }
    return c->end;
}

static bool mentions_nextval(cursor c)
{
    for (size_t i = c.pos; i < c.end; i++)
        if (sql_token_is(&c.tokens->items[i], "nextval"))
            return true;
    return false;
}

/* Sets (or, for a nextval default, drops) the column's default. */
static bool translate_default(translator *tr, cursor c, column_build *col)
{
    free(col->default_value);
    col->default_value = NULL;
    if (mentions_nextval(c)) {
        col->auto_increment = true;
        return true;
    }
    strbuf sb = STRBUF_INIT;
    if (!translate_expression(tr, c, PLACE_DEFAULT, &sb)) {
        strbuf_free(&sb);
        return false;
    }
    col->default_value = strbuf_detach(&sb);
    return note_memory(tr, col->default_value != NULL);
}

/* GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(...)] makes the column
 * auto_increment; GENERATED ALWAYS AS (expr) STORED is kept. */
static bool translate_generated(translator *tr, cursor *c, column_build *col)
{
    c->pos++;
    if (at_word(c, "ALWAYS"))
        c->pos++;
    else if (at_word(c, "BY") && word_ahead(c, 1, "DEFAULT"))
        c->pos += 2;
    else
        return unexpected(tr, c, "GENERATED");
    if (!at_word(c, "AS"))
        return unexpected(tr, c, "GENERATED");
    c->pos++;
    if (at_word(c, "IDENTITY")) {
        c->pos++;
        col->auto_increment = true;
        return !punct_ahead(c, 0, '(') || skip_group(c) || unexpected(tr, c, "GENERATED");
    }
    if (!translate_parenthesized(tr, c, " GENERATED ALWAYS AS ", &col->constraints))
        return false;
    if (!at_word(c, "STORED"))
        return unexpected(tr, c, "a generated column");
    strbuf_append_str(&col->constraints, " STORED");
    c->pos++;
    return true;
}

/* name type [constraints...], the cursor spanning the whole definition. */
static bool translate_column(translator *tr, cursor c, const ddl_table *ddl, column_build *col)
{
    const sql_token *name = token_at(&c, 0);
    if (!name || !is_identifier_token(name))
        return unexpected(tr, &c, "a column definition");
    col->name = name_text(name);
    col->folded = sql_token_identifier(name);
    if (!note_memory(tr, col->name && col->folded))
        return false;
    c.pos++;
    size_t type_begin = c.pos;
    while (c.pos < c.end && !word_token_in(here(&c), column_constraint_words)) {
        if (punct_ahead(&c, 0, '(') && skip_group(&c))
            continue;
        c.pos++;
    }
    cursor type = {c.tokens, type_begin, c.pos};
    if (!translate_type(tr, type, col))
        return false;
    const ddl_column *known = ddl ? ddl_table_column(ddl, col->folded) : NULL;
    if (known && known->auto_increment)
        col->auto_increment = true;
    while (c.pos < c.end) {
        bool ok = true;
        if (at_word(&c, "CONSTRAINT") &&
            (word_ahead(&c, 2, "NOT") || word_ahead(&c, 2, "NULL") ||
             word_ahead(&c, 2, "DEFAULT") || word_ahead(&c, 2, "GENERATED"))) {
            c.pos += 2; /* SQLite has no use for the name of these */
        } else if (at_word(&c, "NOT") && word_ahead(&c, 1, "NULL")) {
            col->not_null = true;
            c.pos += 2;
        } else if (at_word(&c, "NULL")) {
            c.pos++;
        } else if (at_word(&c, "DEFAULT")) {
            c.pos++;
            cursor value = {c.tokens, c.pos, default_end(&c)};
            ok = translate_default(tr, value, col);
            c.pos = value.end;
        } else if (at_word(&c, "GENERATED")) {
            ok = translate_generated(tr, &c, col);
        } else if (at_word(&c, "COLLATE")) {
            size_t last;
            c.pos++;
            ok = skip_qualified_name(&c, &last) || unexpected(tr, &c, "COLLATE");
            if (ok && is_sqlite_collation(&c.tokens->items[last])) {
                strbuf_append_str(&col->constraints, " COLLATE ");
                append_name(&col->constraints, &c.tokens->items[last]);
            }
        } else if ((at_word(&c, "COMPRESSION") || at_word(&c, "STORAGE")) && token_at(&c, 1)) {
            c.pos += 2;
        } else {
            ok = translate_constraint(tr, &c, true, &col->constraints);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* The column as SQLite's CREATE TABLE lists it. */
static void append_column(strbuf *out, const column_build *col)
{
    strbuf_appendf(out, "%s %s", col->name, col->auto_increment ? "INTEGER" : col->type);
    if (col->default_value && !col->auto_increment)
        strbuf_appendf(out, " DEFAULT %s", col->default_value);
    if (col->not_null)
        strbuf_append_str(out, " NOT NULL");
    if (col->constraints.length)
        strbuf_append_str(out, col->constraints.data);
}

/* ---- tables -------------------------------------------------------------- */

static void table_free(table_build *table)
{
    free(table->key);
    free(table->name);
    for (size_t i = 0; i < table->column_count; i++)
        column_free(&table->columns[i]);
    free(table->columns);
    strbuf_free(&table->constraints);
}

static table_build *find_table(translator *tr, const char *key)
{
    for (size_t i = 0; i < tr->table_count; i++)
        if (key && strcmp(tr->tables[i].key, key) == 0)
            return &tr->tables[i];
    return NULL;
}

static column_build *find_column(table_build *table, const char *folded)
{
    for (size_t i = 0; table && i < table->column_count; i++)
        if (folded && strcmp(table->columns[i].folded, folded) == 0)
            return &table->columns[i];
    return NULL;
}

/* Moves a finished column into the table (the column is emptied). */
static bool add_column(translator *tr, table_build *table, column_build *col)
{
    column_build *columns =
        grow_array(table->columns, &table->column_capacity, table->column_count, sizeof *columns);
    if (!note_memory(tr, columns != NULL))
        return false;
    table->columns = columns;
    columns[table->column_count++] = *col;
    memset(col, 0, sizeof *col);
    return true;
}

/* Adds a translated constraint (text after its leading space). */
static void add_table_constraint(table_build *table, const strbuf *constraint)
{
    if (constraint->failed || constraint->length < 2) {
        table->constraints.failed = true; /* out of memory: emit_tables reports it */
        return;
    }
    strbuf_append_str(&table->constraints, ",\n    ");
    strbuf_append_str(&table->constraints, constraint->data + 1);
}

/* Reads [schema.]name at the cursor: its normalised key and its last part. */
static char *read_table_name(translator *tr, cursor *c, const sql_token **bare)
{
    size_t begin = c->pos, last;
    if (!skip_qualified_name(c, &last)) {
        unexpected(tr, c, "a table name");
        return NULL;
    }
    *bare = &c->tokens->items[last];
    char *written = tokens_text(c->tokens, begin, c->pos);
    char *key = written ? ddl_normalize_name(written) : NULL;
    free(written);
    note_memory(tr, key != NULL);
    return key;
}

/* What may follow CREATE TABLE's column list. */
static bool translate_table_options(translator *tr, cursor c)
{
    while (c.pos < c.end) {
        if (at_word(&c, "INHERITS") || (at_word(&c, "PARTITION") && word_ahead(&c, 1, "BY"))) {
            report(tr, here(&c), "cannot translate \"%s\" to SQLite",
                   at_word(&c, "INHERITS") ? "INHERITS" : "PARTITION BY");
            return false;
        }
        if ((at_word(&c, "WITH") && punct_ahead(&c, 1, '('))) {
            c.pos++;
            if (!skip_group(&c))
                return unexpected(tr, &c, "CREATE TABLE");
        } else if ((at_word(&c, "WITHOUT") || at_word(&c, "WITH")) && word_ahead(&c, 1, "OIDS")) {
            c.pos += 2;
        } else if ((at_word(&c, "TABLESPACE") || at_word(&c, "USING")) && token_at(&c, 1)) {
            c.pos += 2;
        } else if (at_word(&c, "ON") && word_ahead(&c, 1, "COMMIT") && token_at(&c, 2)) {
            c.pos += 3 + (word_ahead(&c, 3, "ROWS") ? 1 : 0);
        } else {
            return unexpected(tr, &c, "CREATE TABLE");
        }
    }
    return true;
}

static bool is_table_constraint_start(const cursor *c)
{
    static const char *const starts[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN",
                                         "CHECK",      "EXCLUDE", NULL};
    return word_token_in(here(c), starts);
}

/* Fills `table` from CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name (...). */
static void read_create_table(translator *tr, const sql_tokens *tokens, table_build *table)
{
    cursor c = {tokens, 1, tokens->count};
    while (at_word(&c, "GLOBAL") || at_word(&c, "LOCAL") || at_word(&c, "TEMP") ||
           at_word(&c, "TEMPORARY") || at_word(&c, "UNLOGGED"))
        c.pos++;
    if (!at_word(&c, "TABLE")) {
        unexpected(tr, &c, "CREATE TABLE");
        return;
    }
    c.pos++;
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS"))
        c.pos += 3;
    const sql_token *bare;
    table->key = read_table_name(tr, &c, &bare);
    if (!table->key)
        return;
    table->name = name_text(bare);
    table->name_line = bare->line;
    table->name_column = bare->column;
    if (!note_memory(tr, table->name != NULL))
        return;
    if (at_word(&c, "PARTITION") || at_word(&c, "OF") || at_word(&c, "AS")) {
        report(tr, here(&c), "cannot translate \"CREATE TABLE ... %s%s\" to SQLite",
               at_word(&c, "PARTITION") ? "PARTITION " : "", at_word(&c, "AS") ? "AS" : "OF");
        return;
    }
    size_t close = closing_bracket(tokens, c.pos, c.end);
    if (!punct_ahead(&c, 0, '(') || close == c.end) {
        unexpected(tr, &c, "CREATE TABLE");
        return;
    }
    const ddl_table *ddl = ddl_file_table(tr->file, table->key);
    for (size_t begin = c.pos + 1; begin < close;) {
        size_t end = next_top_level_comma(tokens, begin, close);
        cursor element = {tokens, begin, end};
        if (is_table_constraint_start(&element)) {
            strbuf constraint = STRBUF_INIT;
            if (translate_constraint(tr, &element, false, &constraint))
                add_table_constraint(table, &constraint);
            strbuf_free(&constraint);
        } else if (at_word(&element, "LIKE")) {
            report(tr, here(&element), "cannot translate \"LIKE\" in CREATE TABLE to SQLite");
        } else {
            column_build col = {0};
            if (translate_column(tr, element, ddl, &col))
                add_column(tr, table, &col);
            column_free(&col);
        }
        begin = end + 1;
    }
    if (table->column_count == 0 && !tr->failed)
        report(tr, &tokens->items[0], "cannot translate a table without columns to SQLite");
    cursor options = {tokens, close + 1, tokens->count};
    translate_table_options(tr, options);
}

static void create_table(translator *tr, const ddl_statement *statement, const sql_tokens *tokens)
{
    table_build table = {0};
    table.file = tr->file;
    table.line = statement->source->line;
    read_create_table(tr, tokens, &table);
    if (!table.key || !table.name) {
        table_free(&table);
        return;
    }
    table_build *twin = find_table(tr, table.key);
    if (twin) {
        report(tr, &tokens->items[0], "table \"%s\" is created twice (first in %s:%d)", table.key,
               twin->file->display_name, twin->line);
        table_free(&table);
        return;
    }
    table_build *tables =
        grow_array(tr->tables, &tr->table_capacity, tr->table_count, sizeof *tables);
    if (!note_memory(tr, tables != NULL)) {
        table_free(&table);
        return;
    }
    tr->tables = tables;
    tables[tr->table_count++] = table;
}

/* Tables of different schemas that SQLite would see under one name. */
static void check_bare_names(translator *tr)
{
    for (size_t i = 0; i < tr->table_count; i++) {
        for (size_t j = 0; j < i; j++) {
            const char *a = tr->tables[i].name, *b = tr->tables[j].name;
            if (*a == '"')
                a++;
            if (*b == '"')
                b++;
            size_t la = strcspn(a, "\""), lb = strcspn(b, "\"");
            if (la != lb || strncasecmp(a, b, la) != 0)
                continue;
            tr->file = tr->tables[i].file;
            sql_token at = {SQL_TOKEN_WORD, a, la, tr->tables[i].name_line,
                            tr->tables[i].name_column};
            report(tr, &at, "tables \"%s\" and \"%s\" would both be \"%.*s\" in SQLite",
                   tr->tables[j].key, tr->tables[i].key, (int)la, a);
            break;
        }
    }
}

/* ---- ALTER TABLE --------------------------------------------------------- */

typedef struct alter_target {
    const sql_token *name; /* the table name as written */
    char *key;
    table_build *table; /* NULL when no file creates it */
    bool reported;      /* "no file creates it" said once */
} alter_target;

/* The table an action changes; reports (once) when no file creates it. */
static table_build *require_table(translator *tr, alter_target *target)
{
    if (!target->table && !target->reported) {
        report(tr, target->name,
               "ALTER TABLE changes table \"%s\", which none of the schema files creates",
               target->key);
        target->reported = true;
    }
    return target->table;
}

/* Reports an action this translator does not know, naming its first
 * `words` words after `prefix`. */
static void unknown_alter(translator *tr, const cursor *c, const char *prefix, size_t words)
{
    size_t end = c->pos + words <= c->end ? c->pos + words : c->end;
    char *what = tokens_text(c->tokens, c->pos, end);
    report(tr, here(c), "cannot translate \"ALTER TABLE ... %s%s\" to SQLite", prefix,
           what ? what : "?");
    free(what);
}

/* ALTER [COLUMN] name ...: defaults and NOT NULL are folded into the
 * column; statistics, storage and identity options do not matter here. */
static void alter_column(translator *tr, cursor c, alter_target *target)
{
    static const char *const ignored_after_set[] = {
        "STATISTICS", "STORAGE",  "COMPRESSION", "GENERATED", "INCREMENT", "START",
        "MINVALUE",   "MAXVALUE", "CACHE",       "CYCLE",     "NO",        NULL};
    c.pos++;
    if (at_word(&c, "COLUMN"))
        c.pos++;
    const sql_token *name = token_at(&c, 0);
    if (!name || !is_identifier_token(name)) {
        unexpected(tr, &c, "ALTER COLUMN");
        return;
    }
    c.pos++;
    const sql_token *action = token_at(&c, 1);
    bool ignored = at_word(&c, "RESTART") || at_word(&c, "RESET") ||
                   (at_word(&c, "SET") && action &&
                    (is_punct(action, '(') || word_token_in(action, ignored_after_set)));
    if (ignored)
        return;
    bool known =
        (at_word(&c, "SET") && (word_ahead(&c, 1, "DEFAULT") || word_ahead(&c, 1, "NOT"))) ||
        (at_word(&c, "DROP") && (word_ahead(&c, 1, "DEFAULT") || word_ahead(&c, 1, "NOT") ||
                                 word_ahead(&c, 1, "IDENTITY"))) ||
        (at_word(&c, "ADD") && word_ahead(&c, 1, "GENERATED"));
    if (!known) {
        unknown_alter(tr, &c, "ALTER COLUMN ... ",
                      at_word(&c, "SET") || at_word(&c, "DROP") ? 2 : 1);
        return;
    }
    table_build *table = require_table(tr, target);
    if (!table)
        return;
    char *folded = sql_token_identifier(name);
    column_build *col = find_column(table, folded);
    free(folded);
    if (!col) {
        report(tr, name, "ALTER TABLE names column %.*s, which table \"%s\" does not have",
               (int)name->length, name->start, target->key);
        return;
    }
    if (at_word(&c, "SET") && word_ahead(&c, 1, "DEFAULT")) {
        cursor value = {c.tokens, c.pos + 2, c.end};
        translate_default(tr, value, col);
    } else if (at_word(&c, "SET")) {
        col->not_null = true;
    } else if (word_ahead(&c, 1, "DEFAULT")) {
        free(col->default_value);
        col->default_value = NULL;
    } else if (word_ahead(&c, 1, "NOT")) {
        col->not_null = false;
    } else if (word_ahead(&c, 1, "IDENTITY")) {
        col->auto_increment = false;
    } else {
        c.pos++;
        translate_generated(tr, &c, col);
    }
}

/* ADD [CONSTRAINT n] PRIMARY KEY/UNIQUE/FOREIGN KEY/CHECK, or ADD [COLUMN]. */
static void alter_add(translator *tr, cursor c, alter_target *target)
{
    c.pos++;
    if (is_table_constraint_start(&c)) {
        strbuf constraint = STRBUF_INIT;
        if (translate_constraint(tr, &c, false, &constraint) && require_table(tr, target))
            add_table_constraint(target->table, &constraint);
        strbuf_free(&constraint);
        return;
    }
    if (at_word(&c, "COLUMN"))
        c.pos++;
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS"))
        c.pos += 3;
    column_build col = {0};
    if (translate_column(tr, c, NULL, &col) && require_table(tr, target))
        add_column(tr, target->table, &col);
    column_free(&col);
}

static void alter_table(translator *tr, const sql_tokens *tokens)
{
    /* what a throwaway copy has no use for: ownership, triggers, row
     * security, clustering, replication, storage */
    static const char *const ignored_actions[] = {"OWNER", "ENABLE",  "DISABLE", "FORCE",
                                                  "NO",    "CLUSTER", "REPLICA", "VALIDATE",
                                                  "SET",   "RESET",   NULL};
    cursor c = {tokens, 2, tokens->count};
    if (at_word(&c, "IF") && word_ahead(&c, 1, "EXISTS"))
        c.pos += 2;
    if (at_word(&c, "ONLY"))
        c.pos++;
    alter_target target = {0};
    target.name = here(&c);
    const sql_token *bare;
    target.key = read_table_name(tr, &c, &bare);
    if (!target.key)
        return;
    target.table = find_table(tr, target.key);
    if (c.pos < c.end && text_is(here(&c)->start, here(&c)->length, "*"))
        c.pos++;
    if (c.pos == c.end)
        unexpected(tr, &c, "ALTER TABLE");
    while (c.pos < c.end) {
        cursor action = {tokens, c.pos, next_top_level_comma(tokens, c.pos, c.end)};
        if (at_word(&action, "ADD"))
            alter_add(tr, action, &target);
        else if (at_word(&action, "ALTER"))
            alter_column(tr, action, &target);
        else if (!word_token_in(here(&action), ignored_actions))
            unknown_alter(tr, &action, "", 2);
        c.pos = action.end + 1;
    }
    free(target.key);
}

/* ---- CREATE INDEX -------------------------------------------------------- */

/* One index column: a name, a function call or a parenthesised expression,
 * then [COLLATE x] [opclass] [ASC|DESC] [NULLS FIRST|LAST]. */
static bool translate_index_element(translator *tr, cursor c, strbuf *out)
{
    size_t begin = c.pos, last;
    if (punct_ahead(&c, 0, '(')) {
        if (!translate_parenthesized(tr, &c, "", out))
            return false;
    } else if (skip_qualified_name(&c, &last) && punct_ahead(&c, 0, '(')) {
        size_t close = closing_bracket(c.tokens, c.pos, c.end);
        if (close == c.end)
            return unexpected(tr, &c, "an index column");
        cursor call = {c.tokens, begin, close + 1};
        if (!translate_expression(tr, call, PLACE_OTHER, out))
            return false;
        c.pos = close + 1;
    } else if (c.pos == begin + 1) {
        append_name(out, &c.tokens->items[begin]);
    } else {
        c.pos = begin;
        return unexpected(tr, &c, "an index column");
    }
    while (c.pos < c.end) {
        if (at_word(&c, "ASC") || at_word(&c, "DESC")) {
            strbuf_appendf(out, " %s", at_word(&c, "ASC") ? "ASC" : "DESC");
            c.pos++;
        } else if (at_word(&c, "NULLS") && token_at(&c, 1)) {
            c.pos += 2; /* SQLite takes NULLS FIRST/LAST in ORDER BY only */
        } else if (at_word(&c, "COLLATE")) {
            c.pos++;
            if (!skip_qualified_name(&c, &last))
                return unexpected(tr, &c, "COLLATE");
            if (is_sqlite_collation(&c.tokens->items[last])) {
                strbuf_append_str(out, " COLLATE ");
                append_name(out, &c.tokens->items[last]);
            }
        } else if (skip_qualified_name(&c, &last)) { /* operator class */
            if (punct_ahead(&c, 0, '(') && !skip_group(&c))
                return unexpected(tr, &c, "an operator class");
        } else {
            return unexpected(tr, &c, "an index column");
        }
    }
    return true;
}

static bool add_index(translator *tr, char *sql, int line)
{
    if (!note_memory(tr, sql != NULL))
        return false;
    sqlite_statement *items =
        grow_array(tr->indexes.items, &tr->index_capacity, tr->indexes.count, sizeof *items);
    if (!note_memory(tr, items != NULL)) {
        free(sql);
        return false;
    }
    tr->indexes.items = items;
    items[tr->indexes.count++] = (sqlite_statement){sql, tr->file->display_name, line};
    return true;
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] t
 * [USING method] (columns) [INCLUDE (...)] [NULLS [NOT] DISTINCT]
 * [WITH (...)] [TABLESPACE x] [WHERE predicate]. Indexes of methods other
 * than btree and hash are left out: SQLite could not use them anyway. */
static void create_index(translator *tr, const ddl_statement *statement, const sql_tokens *tokens)
{
    cursor c = {tokens, 1, tokens->count};
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "CREATE ");
    if (at_word(&c, "UNIQUE")) {
        strbuf_append_str(&sql, "UNIQUE ");
        c.pos++;
    }
    c.pos++; /* INDEX */
    if (at_word(&c, "CONCURRENTLY"))
        c.pos++;
    strbuf_append_str(&sql, "INDEX ");
    if (at_word(&c, "IF") && word_ahead(&c, 1, "NOT") && word_ahead(&c, 2, "EXISTS")) {
        strbuf_append_str(&sql, "IF NOT EXISTS ");
        c.pos += 3;
    }
    const sql_token *index_name = NULL;
    if (!at_word(&c, "ON")) {
        index_name = token_at(&c, 0);
        c.pos++;
    }
    if (!at_word(&c, "ON") || (index_name && !is_identifier_token(index_name))) {
        unexpected(tr, &c, "CREATE INDEX");
        goto done;
    }
    c.pos++;
    if (at_word(&c, "ONLY"))
        c.pos++;
    const sql_token *table_name = here(&c), *bare;
    char *key = read_table_name(tr, &c, &bare);
    if (!key)
        goto done;
    table_build *table = find_table(tr, key);
    if (!table)
        report(tr, table_name, "index is on table \"%s\", which none of the schema files creates",
               key);
    free(key);
    if (at_word(&c, "USING") && token_at(&c, 1)) {
        if (!word_ahead(&c, 1, "btree") && !word_ahead(&c, 1, "hash"))
            goto done;
        c.pos += 2;
    }
    if (!table)
        goto done;
    if (index_name) {
        append_name(&sql, index_name);
    } else { /* SQLite wants a name: "<table>_idx<n>" */
        const char *bare = table->name + (*table->name == '"');
        strbuf_appendf(&sql, "\"%.*s_idx%zu\"", (int)strcspn(bare, "\""), bare,
                       tr->indexes.count + 1);
    }
    strbuf_appendf(&sql, " ON %s (", table->name);
    size_t close = closing_bracket(tokens, c.pos, c.end);
    if (!punct_ahead(&c, 0, '(') || close == c.end) {
        unexpected(tr, &c, "CREATE INDEX");
        goto done;
    }
    for (size_t begin = c.pos + 1; begin < close;) {
        size_t end = next_top_level_comma(tokens, begin, close);
        cursor element = {tokens, begin, end};
        if (begin > c.pos + 1)
            strbuf_append_str(&sql, ", ");
        if (!translate_index_element(tr, element, &sql))
            goto done;
        begin = end + 1;
    }
    strbuf_append_char(&sql, ')');
    c.pos = close + 1;
    while (c.pos < c.end) {
        if ((at_word(&c, "INCLUDE") || at_word(&c, "WITH")) && punct_ahead(&c, 1, '(')) {
            c.pos++;
            if (!skip_group(&c))
                break;
        } else if (at_word(&c, "NULLS")) {
            c.pos += word_ahead(&c, 1, "NOT") ? 3 : 2;
        } else if (at_word(&c, "TABLESPACE") && token_at(&c, 1)) {
            c.pos += 2;
        } else if (at_word(&c, "WHERE")) {
            strbuf_append_str(&sql, " WHERE ");
            cursor predicate = {tokens, c.pos + 1, c.end};
            if (!translate_expression(tr, predicate, PLACE_OTHER, &sql))
                goto done;
            c.pos = c.end;
        } else {
            break;
        }
    }
    if (c.pos < c.end) {
        unexpected(tr, &c, "CREATE INDEX");
        goto done;
    }
    add_index(tr, strbuf_detach(&sql), statement->source->line);
done:
    strbuf_free(&sql);
}

/* ---- everything else ----------------------------------------------------- */

/* Statements a throwaway SQLite copy does without, and the rest refused. */
static void other_statement(translator *tr, const sql_tokens *tokens)
{
    static const char *const skipped_objects[] = {"SCHEMA",       "EXTENSION",  "SEQUENCE",
                                                  "POLICY",       "STATISTICS", "PUBLICATION",
                                                  "SUBSCRIPTION", NULL};
    static const char *const skipped_commands[] = {"SET",    "RESET",    "BEGIN",   "COMMIT",
                                                   "START",  "END",      "COMMENT", "GRANT",
                                                   "REVOKE", "SECURITY", NULL};
    static const char *const two_word_objects[] = {"MATERIALIZED", "CONSTRAINT", "EVENT",
                                                   "FOREIGN",      "TEXT",       "ACCESS",
                                                   "OPERATOR",     "UNLOGGED",   NULL};
    cursor c = {tokens, 0, tokens->count};
    if (word_token_in(here(&c), skipped_commands))
        return;
    if (at_word(&c, "SELECT")) {
        for (size_t i = 1; i < tokens->count; i++)
            if (sql_token_is(&tokens->items[i], "setval") ||
                sql_token_is(&tokens->items[i], "set_config"))
                return;
    }
    size_t object = 1;
    if (at_word(&c, "CREATE") && word_ahead(&c, 1, "OR") && word_ahead(&c, 2, "REPLACE"))
        object = 3;
    cursor rest = {tokens, object, tokens->count};
    if ((at_word(&c, "CREATE") || at_word(&c, "ALTER")) &&
        word_token_in(here(&rest), skipped_objects))
        return;
    size_t words = word_token_in(here(&rest), two_word_objects) && token_at(&rest, 1) ? 2 : 1;
    strbuf construct = STRBUF_INIT;
    strbuf_append(&construct, tokens->items[0].start, tokens->items[0].length);
    for (size_t i = object; i < object + words && i < tokens->count; i++) {
        strbuf_append_char(&construct, ' ');
        strbuf_append(&construct, tokens->items[i].start, tokens->items[i].length);
    }
    char *text = strbuf_detach(&construct);
    for (char *p = text; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    report(tr, &tokens->items[0], "cannot translate \"%s\" to SQLite", text ? text : "?");
    free(text);
}

/* ---- the passes ---------------------------------------------------------- */

typedef enum pass { PASS_TABLES, PASS_CHANGES } pass;

static void translate_statement(translator *tr, const ddl_statement *statement, pass pass)
{
    ddl_kind kind = statement->kind;
    bool wanted = pass == PASS_TABLES ? (kind == DDL_CREATE_TABLE || kind == DDL_OTHER)
                                      : (kind == DDL_ALTER_TABLE || kind == DDL_CREATE_INDEX);
    if (!wanted || statement->source->is_meta)
        return;
    sql_tokens tokens = {0};
    if (sql_tokenize(statement->source, tr->file->display_name, &tokens, &tr->diags) < 0) {
        tr->failed = true;
        sql_tokens_free(&tokens);
        return;
    }
    if (tokens.count > 0) {
        if (kind == DDL_CREATE_TABLE)
            create_table(tr, statement, &tokens);
        else if (kind == DDL_OTHER)
            other_statement(tr, &tokens);
        else if (kind == DDL_ALTER_TABLE)
            alter_table(tr, &tokens);
        else
            create_index(tr, statement, &tokens);
    }
    sql_tokens_free(&tokens);
}

static size_t file_rank(const translator *tr, const char *file)
{
    for (size_t i = 0; file && i < tr->file_count; i++)
        if (strcmp(tr->files[i]->display_name, file) == 0)
            return i;
    return tr->file_count;
}

/* Problems in the order of the files, then of lines and columns. */
static void sort_diags(translator *tr)
{
    diag *items = tr->diags.items;
    for (size_t i = 1; i < tr->diags.count; i++) {
        diag moving = items[i];
        size_t rank = file_rank(tr, moving.file);
        size_t j = i;
        while (j > 0) {
            const diag *prev = &items[j - 1];
            size_t prev_rank = file_rank(tr, prev->file);
            bool after =
                prev_rank > rank ||
                (prev_rank == rank && (prev->line > moving.line || (prev->line == moving.line &&
                                                                    prev->column > moving.column)));
            if (!after)
                break;
            items[j] = items[j - 1];
            j--;
        }
        items[j] = moving;
    }
}

static bool emit_tables(translator *tr, sqlite_script *out)
{
    size_t total = tr->table_count + tr->indexes.count;
    out->items = calloc(total ? total : 1, sizeof *out->items);
    if (!note_memory(tr, out->items != NULL))
        return false;
    for (size_t i = 0; i < tr->table_count; i++) {
        const table_build *table = &tr->tables[i];
        strbuf sql = STRBUF_INIT;
        strbuf_appendf(&sql, "CREATE TABLE %s (", table->name);
        for (size_t k = 0; k < table->column_count; k++) {
            strbuf_append_str(&sql, k ? ",\n    " : "\n    ");
            append_column(&sql, &table->columns[k]);
        }
        if (table->constraints.length)
            strbuf_append_str(&sql, table->constraints.data);
        strbuf_append_str(&sql, "\n)");
        char *text = strbuf_detach(&sql);
        if (!note_memory(tr, text != NULL))
            return false;
        out->items[out->count++] = (sqlite_statement){text, table->file->display_name, table->line};
    }
    for (size_t i = 0; i < tr->indexes.count; i++) {
        out->items[out->count++] = tr->indexes.items[i];
        tr->indexes.items[i].sql = NULL;
    }
    return true;
}

int translate_sqlite(const ddl_file *const *files, size_t file_count, sqlite_script *out,
                     diag_list *diags)
{
    translator tr = {0};
    tr.files = files;
    tr.file_count = file_count;
    for (pass pass = PASS_TABLES; pass <= PASS_CHANGES; pass++) {
        for (size_t f = 0; f < file_count; f++) {
            tr.file = files[f];
            for (size_t s = 0; s < files[f]->statement_count; s++)
                translate_statement(&tr, &files[f]->statements[s], pass);
        }
        if (pass == PASS_TABLES)
            check_bare_names(&tr);
    }
    bool ok = !tr.failed && !tr.out_of_memory && emit_tables(&tr, out);
    if (!ok)
        sqlite_script_free(out);
    sort_diags(&tr);
    diag_list_move(diags, &tr.diags);
    if (tr.out_of_memory)
        diag_add(diags, NULL, 0, 0, "out of memory while translating the schema files to SQLite");
    for (size_t i = 0; i < tr.table_count; i++)
        table_free(&tr.tables[i]);
    free(tr.tables);
    sqlite_script_free(&tr.indexes);
    return ok ? 0 : -1;
}

void sqlite_script_free(sqlite_script *script)
{
    for (size_t i = 0; i < script->count; i++)
        free(script->items[i].sql);
    free(script->items);
    script->items = NULL;
    script->count = 0;
}
