/*
 * sqldialect.c — a schema file's source dialect, named or told from its
 * text. See sqldialect.h.
 *
 * The scan is a skim, not a lexer: it skips comments and quoted strings
 * (taking a backslash as an escape, which only a PostgreSQL string ending
 * in a backslash would get wrong, and such a file has other evidence) and
 * stops at the first construct only one of the dialects writes.
 */
#include "sqldialect.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

const char *sql_dialect_name(sql_dialect dialect)
{
    switch (dialect) {
    case SQL_DIALECT_POSTGRESQL:
        return "PostgreSQL";
    case SQL_DIALECT_MYSQL:
        return "MySQL";
    default:
        return NULL;
    }
}

sql_dialect sql_dialect_parse(const char *name)
{
    if (strcasecmp(name, "PostgreSQL") == 0 || strcasecmp(name, "Postgres") == 0)
        return SQL_DIALECT_POSTGRESQL;
    if (strcasecmp(name, "MySQL") == 0 || strcasecmp(name, "MariaDB") == 0)
        return SQL_DIALECT_MYSQL;
    return SQL_DIALECT_UNKNOWN;
}

typedef struct skim {
    const char *text;
    size_t length;
    size_t at;
    int line;
    bool line_start; /* only blanks since the last line break */
} skim;

typedef struct marker {
    const char *text; /* as it starts (a word: compared without regard to case, whole) */
    bool word;
    sql_dialect dialect;
    const char *what;
} marker;

static const marker header_markers[] = {
    {"-- MySQL dump", false, SQL_DIALECT_MYSQL, "the dump header \"-- MySQL dump\""},
    {"-- MariaDB dump", false, SQL_DIALECT_MYSQL, "the dump header \"-- MariaDB dump\""},
    {"-- PostgreSQL database dump", false, SQL_DIALECT_POSTGRESQL,
     "the dump header \"-- PostgreSQL database dump\""},
};

static const marker code_markers[] = {
    {"/*!", false, SQL_DIALECT_MYSQL, "a versioned comment /*!...*/"},
    {"/*M!", false, SQL_DIALECT_MYSQL, "a versioned comment /*M!...*/"},
    {"`", false, SQL_DIALECT_MYSQL, "a `backquoted` name"},
    {"ENGINE", true, SQL_DIALECT_MYSQL, "the table option ENGINE"},
    {"AUTO_INCREMENT", true, SQL_DIALECT_MYSQL, "AUTO_INCREMENT"},
    {"UNSIGNED", true, SQL_DIALECT_MYSQL, "UNSIGNED"},
    {"::", false, SQL_DIALECT_POSTGRESQL, "a ::cast"},
    {"$$", false, SQL_DIALECT_POSTGRESQL, "a $$dollar quote$$"},
    {"pg_catalog", true, SQL_DIALECT_POSTGRESQL, "pg_catalog"},
};

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* The marker of `markers` at the cursor, or NULL. */
static const marker *marker_at(const skim *s, const marker *markers, size_t count)
{
    if (s->at >= s->length)
        return NULL;
    int first = tolower((unsigned char)s->text[s->at]);
    for (size_t k = 0; k < count; k++) {
        if (tolower((unsigned char)markers[k].text[0]) != first)
            continue; /* most positions: no marker starts with this letter */
        size_t n = strlen(markers[k].text);
        if (s->length - s->at < n || strncasecmp(s->text + s->at, markers[k].text, n) != 0)
            continue;
        if (markers[k].word && ((s->at > 0 && is_word_char(s->text[s->at - 1])) ||
                                (s->at + n < s->length && is_word_char(s->text[s->at + n]))))
            continue;
        return &markers[k];
    }
    return NULL;
}

static void step(skim *s)
{
    char c = s->text[s->at++];
    if (c == '\n') {
        s->line++;
        s->line_start = true;
    } else if (c != ' ' && c != '\t' && c != '\r') {
        s->line_start = false;
    }
}

/* Skips what cannot hold evidence at the cursor (a comment, a string); false when nothing. */
static bool skip_inert(skim *s)
{
    const char *p = s->text + s->at;
    size_t left = s->length - s->at;
    if ((left >= 2 && p[0] == '-' && p[1] == '-') || p[0] == '#') {
        while (s->at < s->length && s->text[s->at] != '\n')
            step(s);
        return true;
    }
    if (left >= 2 && p[0] == '/' && p[1] == '*') {
        step(s);
        step(s);
        while (s->at < s->length &&
               !(s->text[s->at] == '*' && s->at + 1 < s->length && s->text[s->at + 1] == '/'))
            step(s);
        if (s->at < s->length) {
            step(s);
            step(s);
        }
        return true;
    }
    if (p[0] != '\'' && p[0] != '"')
        return false;
    char quote = p[0];
    for (step(s); s->at < s->length && s->text[s->at] != quote;) {
        if (s->text[s->at] == '\\' && s->at + 1 < s->length)
            step(s);
        step(s);
    }
    if (s->at < s->length)
        step(s);
    return true;
}

static sql_dialect found(const skim *s, sql_dialect dialect, const char *what,
                         sql_dialect_evidence *evidence)
{
    if (evidence)
        *evidence = (sql_dialect_evidence){s->line, what};
    return dialect;
}

/* A line starting with DELIMITER (MySQL's client) or a backslash (psql's meta-commands). */
static sql_dialect line_start_evidence(const skim *s, const char **what)
{
    const char *p = s->text + s->at;
    size_t left = s->length - s->at;
    if (left > 10 && strncasecmp(p, "DELIMITER", 9) == 0 && (p[9] == ' ' || p[9] == '\t')) {
        *what = "a DELIMITER line";
        return SQL_DIALECT_MYSQL;
    }
    if (p[0] == '\\' && left > 1 && isalpha((unsigned char)p[1])) {
        *what = "a psql meta-command";
        return SQL_DIALECT_POSTGRESQL;
    }
    return SQL_DIALECT_UNKNOWN;
}

/* A dump header at the start of one of the first HEADER_LINES lines: the clearest evidence,
 * named even when mariadb-dump's sandbox line (a versioned comment) comes before it. */
#define HEADER_LINES 5

static const marker *find_header(skim *s)
{
    size_t headers = sizeof header_markers / sizeof header_markers[0];
    while (s->at < s->length && s->line <= HEADER_LINES) {
        const marker *m = marker_at(s, header_markers, headers);
        if (m)
            return m;
        while (s->at < s->length && s->text[s->at] != '\n')
            step(s);
        if (s->at < s->length)
            step(s);
    }
    return NULL;
}

sql_dialect sql_dialect_detect(const char *text, size_t length, sql_dialect_evidence *evidence)
{
    skim s = {text, length, 0, 1, true};
    const marker *header = find_header(&s);
    if (header)
        return found(&s, header->dialect, header->what, evidence);
    s = (skim){text, length, 0, 1, true};
    size_t headers = sizeof header_markers / sizeof header_markers[0];
    size_t codes = sizeof code_markers / sizeof code_markers[0];
    while (s.at < s.length) {
        const char *what = NULL;
        sql_dialect dialect = s.line_start ? line_start_evidence(&s, &what) : SQL_DIALECT_UNKNOWN;
        if (dialect != SQL_DIALECT_UNKNOWN)
            return found(&s, dialect, what, evidence);
        const marker *m = marker_at(&s, header_markers, headers);
        if (!m)
            m = marker_at(&s, code_markers, codes);
        if (m)
            return found(&s, m->dialect, m->what, evidence);
        if (!skip_inert(&s))
            step(&s);
    }
    if (evidence)
        *evidence = (sql_dialect_evidence){0, NULL};
    return SQL_DIALECT_UNKNOWN;
}
