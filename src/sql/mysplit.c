/*
 * mysplit.c — MySQL/MariaDB scripts into statements. See mysplit.h.
 *
 * One pass over the text: code bytes are copied into the statement being
 * built (versioned comments' content included, their marks left out), plain
 * comments are skipped, quoted runs are copied whole, and the current
 * delimiter ends the statement.
 */
#include "mysplit.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* Without a server version: every versioned comment but the "never" ones (999999, such as
 * mariadb-dump's sandbox line for its own client) is code. */
#define NEWEST_VERSION 999998UL

typedef struct splitter {
    const char *text;
    size_t length;
    size_t at;
    int line;
    int column; /* 1-based, of the cursor, in characters (UTF-8 continuation bytes
                   not counted), as the tokenizer counts them */
    const char *file;
    diag_list *diags;
    sql_script *out;
    char delimiter[16];
    strbuf statement;
    int statement_line, statement_column; /* 0: no code byte yet */
    bool in_versioned; /* inside a versioned comment: its closing mark is dropped */
    bool keep_layout;  /* what is dropped becomes spaces and line breaks (see mysplit.h) */
    unsigned long server_version;
} splitter;

static char peek(const splitter *s, size_t ahead)
{
    return s->at + ahead < s->length ? s->text[s->at + ahead] : '\0';
}

static void advance(splitter *s)
{
    unsigned char c = (unsigned char)s->text[s->at];
    if (c == '\n') {
        s->line++;
        s->column = 1;
    } else if ((c & 0xC0) != 0x80) {
        s->column++;
    }
    s->at++;
}

static void copy_byte(splitter *s)
{
    if (!s->statement_line && !isspace((unsigned char)s->text[s->at])) {
        s->statement_line = s->line;
        s->statement_column = s->column;
    }
    strbuf_append_char(&s->statement, s->text[s->at]);
    advance(s);
}

/*
 * Drops the byte at the cursor from the statement; with keep_layout it leaves
 * a line break for a line break and one space for each other character (not
 * for a UTF-8 continuation byte: columns count characters).
 */
static void drop_byte(splitter *s)
{
    unsigned char c = (unsigned char)s->text[s->at];
    if (s->keep_layout && c == '\n')
        strbuf_append_char(&s->statement, '\n');
    else if (s->keep_layout && (c & 0xC0) != 0x80)
        strbuf_append_char(&s->statement, ' ');
    advance(s);
}

/* Drops `count` bytes of marks; without keep_layout they leave one space in their place. */
static void drop_marks(splitter *s, size_t count)
{
    if (!s->keep_layout)
        strbuf_append_char(&s->statement, ' ');
    while (count-- > 0)
        drop_byte(s);
}

static int finish_statement(splitter *s)
{
    size_t end = s->statement.length;
    while (end > 0 && isspace((unsigned char)s->statement.data[end - 1]))
        end--;
    if (s->statement_line && end > 0) {
        const char *data = strbuf_str(&s->statement);
        size_t start = 0;
        while (isspace((unsigned char)data[start]))
            start++;
        sql_statement *items = realloc(s->out->items, (s->out->count + 1) * sizeof *s->out->items);
        char *text = items ? strndup(data + start, end - start) : NULL;
        if (items)
            s->out->items = items;
        if (!text) {
            diag_add(s->diags, s->file, s->statement_line, 0, "out of memory");
            return -1;
        }
        s->out->items[s->out->count++] =
            (sql_statement){text, s->statement_line, s->statement_column, false};
    }
    strbuf_reset(&s->statement);
    s->statement_line = s->statement_column = 0;
    return s->statement.failed ? -1 : 0;
}

/* A quoted run ('…', "…" or `…`), copied whole. -1 with a diag when it never ends. */
static int copy_quoted(splitter *s)
{
    char quote = s->text[s->at];
    int line = s->line, column = s->column;
    copy_byte(s);
    while (s->at < s->length) {
        char c = s->text[s->at];
        if (c == '\\' && quote != '`' && s->at + 1 < s->length) {
            copy_byte(s);
            copy_byte(s);
        } else if (c == quote && peek(s, 1) == quote) {
            copy_byte(s);
            copy_byte(s);
        } else if (c == quote) {
            copy_byte(s);
            return 0;
        } else {
            copy_byte(s);
        }
    }
    diag_set_kind(diag_add(s->diags, s->file, line, column, "%s opened here is never closed",
                           quote == '`' ? "a `name`" : "a string"),
                  DIAG_BAD_INPUT);
    return -1;
}

/* At slash-star: a versioned comment's marks are dropped (content stays code); a plain
 * comment is skipped. */
static int enter_comment(splitter *s)
{
    size_t mark = 2;
    if (peek(s, 2) == '!' || (peek(s, 2) == 'M' && peek(s, 3) == '!')) {
        mark = peek(s, 2) == '!' ? 3 : 4;
        unsigned long version = 0;
        size_t digits = 0;
        for (; isdigit((unsigned char)peek(s, mark)); mark++, digits++)
            version = version * 10 + (unsigned long)(peek(s, mark) - '0');
        unsigned long newest = s->server_version ? s->server_version : NEWEST_VERSION;
        if (digits == 0 || version <= newest) { /* as the server does: code for it */
            drop_marks(s, mark);
            s->in_versioned = true;
            return 0;
        }
    }
    int line = s->line, column = s->column;
    for (drop_byte(s), drop_byte(s); s->at < s->length; drop_byte(s)) {
        if (s->text[s->at] == '*' && peek(s, 1) == '/') {
            drop_byte(s);
            drop_byte(s);
            return 0;
        }
    }
    diag_set_kind(
        diag_add(s->diags, s->file, line, column, "a /* comment opened here is never closed"),
        DIAG_BAD_INPUT);
    return -1;
}

static void skip_to_line_end(splitter *s)
{
    while (s->at < s->length && s->text[s->at] != '\n')
        drop_byte(s);
}

/* "DELIMITER x" at the start of a statement: the new delimiter; the line is no statement. */
static int try_delimiter_line(splitter *s, bool *taken)
{
    *taken = false;
    if (s->statement_line || s->length - s->at < 10 ||
        strncasecmp(s->text + s->at, "DELIMITER", 9) != 0 ||
        !isblank((unsigned char)s->text[s->at + 9]))
        return 0;
    size_t start = s->at + 10;
    while (start < s->length && isblank((unsigned char)s->text[start]))
        start++;
    size_t end = start;
    while (end < s->length && !isspace((unsigned char)s->text[end]))
        end++;
    if (end == start || end - start >= sizeof s->delimiter) {
        diag_add(s->diags, s->file, s->line, 0,
                 "DELIMITER needs a delimiter of 1 to %zu characters", sizeof s->delimiter - 1);
        return -1;
    }
    memcpy(s->delimiter, s->text + start, end - start);
    s->delimiter[end - start] = '\0';
    *taken = true;
    skip_to_line_end(s);
    return 0;
}

static bool at_delimiter(const splitter *s)
{
    size_t n = strlen(s->delimiter);
    return s->length - s->at >= n && memcmp(s->text + s->at, s->delimiter, n) == 0;
}

static int step(splitter *s)
{
    char c = s->text[s->at];
    bool taken = false;
    if ((c == 'D' || c == 'd') && try_delimiter_line(s, &taken) < 0)
        return -1;
    if (taken)
        return 0;
    if (s->in_versioned && c == '*' && peek(s, 1) == '/') {
        drop_marks(s, 2);
        s->in_versioned = false;
        return 0;
    }
    if (c == '/' && peek(s, 1) == '*')
        return enter_comment(s);
    if (c == '#' || (c == '-' && peek(s, 1) == '-' &&
                     (peek(s, 2) == '\0' || isspace((unsigned char)peek(s, 2))))) {
        skip_to_line_end(s);
        return 0;
    }
    if (c == '\'' || c == '"' || c == '`')
        return copy_quoted(s);
    if (at_delimiter(s)) {
        for (size_t i = strlen(s->delimiter); i > 0; i--)
            advance(s);
        return finish_statement(s);
    }
    copy_byte(s);
    return 0;
}

static int split(const char *text, size_t length, const char *file, unsigned long server_version,
                 bool keep_layout, sql_script *out, diag_list *diags)
{
    splitter s = {.text = text,
                  .keep_layout = keep_layout,
                  .length = length,
                  .line = 1,
                  .column = 1,
                  .file = file,
                  .diags = diags,
                  .out = out,
                  .delimiter = ";",
                  .server_version = server_version};
    int rc = 0;
    while (rc == 0 && s.at < s.length)
        rc = step(&s);
    if (rc == 0)
        rc = finish_statement(&s);
    strbuf_free(&s.statement);
    if (rc < 0)
        sql_script_free(out);
    return rc;
}

int my_sql_split(const char *text, size_t length, const char *file, unsigned long server_version,
                 sql_script *out, diag_list *diags)
{
    return split(text, length, file, server_version, false, out, diags);
}

int my_sql_split_keep_layout(const char *text, size_t length, const char *file,
                             unsigned long server_version, sql_script *out, diag_list *diags)
{
    return split(text, length, file, server_version, true, out, diags);
}
