/*
 * pgfailure.c — tells a PostgreSQL connection failure worth waiting out
 * ("not ready yet") from one that waiting cannot mend, for pg_wait and for
 * every connection foster makes (pgconn.c).
 *
 * A refusal the server sent is judged by its SQLSTATE, never by its words,
 * which the server translates into its lc_messages: foster's connections ask
 * libpq for verbose errors (pg_failure_verbose_errors), whose lines read
 * "FATAL:  57P03: the database system is starting up", and the code is read
 * back from there (libpq 15 has no other way to hand over the SQLSTATE of a
 * refused connection). What libpq says itself — a refused socket, a bad
 * option, an unresolvable host — carries no code; those texts are libpq's
 * and the C library's own, read in the C locale that c_locale_begin (util/clocale.h)
 * sets for the thread while foster connects, so they are English whatever the
 * process's locale. `client_patterns` below is the one place they are read.
 */
#include "pgwait_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pgwait.h"
#include "strbuf.h"

typedef struct failure_pattern {
    const char *text; /* found anywhere in one line of libpq's message (case-sensitive) */
    pg_failure_kind kind;
    const char *reason; /* what to report; NULL: the line itself, shortened */
    const char *note;   /* appended in parentheses; may be NULL */
} failure_pattern;

/*
 * libpq's own failures, in the C locale. First match wins, and a fatal match
 * on any line wins over the other lines (libpq reports one line per host or
 * address it tried). A line matching nothing counts as "not ready yet": the
 * timeout diag then quotes it.
 */
static const failure_pattern client_patterns[] = {
    /* libpq refuses to go on with what the server offered. */
    {"no password supplied", PG_FAILURE_FATAL, NULL, NULL},
    {"channel binding", PG_FAILURE_FATAL, NULL, NULL},
    {"certificate", PG_FAILURE_FATAL, NULL, NULL},
    {"SSL was required", PG_FAILURE_FATAL, NULL, NULL},
    {"GSSAPI encryption required", PG_FAILURE_FATAL, NULL, NULL},
    /* libpq rejects the connection string itself. */
    {"invalid connection option", PG_FAILURE_FATAL, NULL, NULL},
    {"missing \"=\" after", PG_FAILURE_FATAL, NULL, NULL},
    {"unterminated quoted string", PG_FAILURE_FATAL, NULL, NULL},
    {"in URI", PG_FAILURE_FATAL, NULL, NULL}, /* "invalid URI query parameter", "... in URI" */
    {"invalid URI", PG_FAILURE_FATAL, NULL, NULL},
    {"percent-encoded", PG_FAILURE_FATAL, NULL, NULL},
    {"invalid port number", PG_FAILURE_FATAL, NULL, NULL},
    {"invalid integer value", PG_FAILURE_FATAL, NULL, NULL},
    {"invalid sslmode value", PG_FAILURE_FATAL, NULL, NULL},
    {"invalid target_session_attrs value", PG_FAILURE_FATAL, NULL, NULL},
    {"could not match", PG_FAILURE_FATAL, NULL, NULL}, /* hosts vs. ports or hostaddrs */
    /* Nothing there yet. */
    {"Connection refused", PG_FAILURE_RETRY, "connection refused", "is a server listening?"},
    {"No such file or directory", PG_FAILURE_RETRY, "no socket file", "is a server running?"},
    {"timeout expired", PG_FAILURE_RETRY, NULL, NULL},
    {"server closed the connection unexpectedly", PG_FAILURE_RETRY, NULL, "restarting?"},
    {"Connection reset by peer", PG_FAILURE_RETRY, "connection reset by the server", NULL},
    /* A container's service name resolves only once its container runs. */
    {"could not translate host name", PG_FAILURE_RETRY, NULL, "the name may not resolve yet"},
    {"No route to host", PG_FAILURE_RETRY, NULL, NULL},
    {"Network is unreachable", PG_FAILURE_RETRY, NULL, NULL},
};

/*
 * The server's refusals and a failing SELECT 1, by SQLSTATE: the first rule
 * whose prefix matches decides; a code no rule names is fatal (the server
 * answered, and its answer does not change by waiting: 28 authorization,
 * 3D000 no such database, 42501 no CONNECT privilege, 55000 datallowconn).
 */
static const struct sqlstate_rule {
    const char *prefix;
    pg_failure_kind kind;
    const char *reason; /* what to report; NULL: the server's own message */
    const char *busy;   /* a passing refusal every connection waits out; NULL: none */
} sqlstate_rules[] = {
    {"08P01", PG_FAILURE_FATAL, NULL, NULL}, /* protocol violation: unsupported protocol */
    {"53300", PG_FAILURE_RETRY, "too many connections", "too many clients"}, /* also for role/db */
    {"57P03", PG_FAILURE_RETRY, NULL, "starting up or shutting down"}, /* cannot connect now */
    {"08", PG_FAILURE_RETRY, NULL, NULL},                              /* connection exception */
    {"40", PG_FAILURE_RETRY, NULL, NULL},                              /* transaction rollback */
    {"53", PG_FAILURE_RETRY, NULL, NULL}, /* insufficient resources: memory, disk full */
    {"57", PG_FAILURE_RETRY, NULL, NULL}, /* operator intervention: shutdown, cancel */
    {"58", PG_FAILURE_RETRY, NULL, NULL}, /* system error */
};

static const struct sqlstate_rule *sqlstate_rule(const char *sqlstate)
{
    for (size_t i = 0; i < sizeof sqlstate_rules / sizeof sqlstate_rules[0]; i++)
        if (strncmp(sqlstate, sqlstate_rules[i].prefix, strlen(sqlstate_rules[i].prefix)) == 0)
            return &sqlstate_rules[i];
    return NULL;
}

/* The length of the line at `line` (without its newline); *next: the line after it. */
static size_t take_line(const char *line, const char **next)
{
    size_t length = strcspn(line, "\n");
    *next = line + length + (line[length] == '\n');
    return length;
}

/*
 * In one line of a verbose libpq message, the server's SQLSTATE: the five
 * digits or capitals between "<severity>:  " and ": ". Copies it into
 * `sqlstate` and returns where the server's own words start; NULL when the
 * line carries no code (libpq wrote it, not the server).
 */
static const char *line_sqlstate(const char *line, size_t length, char sqlstate[6])
{
    const char *end = line + length;
    for (const char *p = line; p + 10 <= end; p++) {
        if (memcmp(p, ":  ", 3) != 0 || memcmp(p + 8, ": ", 2) != 0)
            continue;
        bool code = true;
        for (int i = 3; i < 8; i++)
            code = code && (isdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]));
        if (code) {
            memcpy(sqlstate, p + 3, 5);
            sqlstate[5] = '\0';
            return p + 10;
        }
    }
    return NULL;
}

bool pg_failure_sqlstate(const char *message, char sqlstate[6])
{
    for (const char *line = message, *next; line && *line; line = next)
        if (line_sqlstate(line, take_line(line, &next), sqlstate))
            return true;
    return false;
}

char *pg_failure_plain(const char *message)
{
    strbuf sb = STRBUF_INIT;
    for (const char *line = message, *next; line && *line; line = next) {
        size_t length = take_line(line, &next);
        char sqlstate[6];
        const char *words = line_sqlstate(line, length, sqlstate);
        if (strncmp(line, "LOCATION:  ", 11) != 0) {
            if (words) { /* "...FATAL:  " and the words, without "57P03: " */
                strbuf_append(&sb, line, (size_t)(words - line) - 7);
                strbuf_append(&sb, words, (size_t)(line + length - words));
            } else {
                strbuf_append(&sb, line, length);
            }
            if (line[length] == '\n')
                strbuf_append(&sb, "\n", 1);
        }
    }
    return strbuf_detach(&sb);
}

/* One line of libpq's message without "connection to server ... failed: " and "FATAL:  ". */
static char *shorten_line(const char *line, size_t length)
{
    static const char prefix[] = "connection to server";
    static const char *const severities[] = {"FATAL:  ", "ERROR:  ", "PANIC:  "};
    const char *end = line + length;
    if (length >= sizeof prefix - 1 && memcmp(line, prefix, sizeof prefix - 1) == 0) {
        for (const char *p = line; p + 9 <= end; p++)
            if (memcmp(p, " failed: ", 9) == 0) {
                line = p + 9;
                break;
            }
    }
    for (size_t i = 0; i < sizeof severities / sizeof severities[0]; i++) {
        size_t n = strlen(severities[i]);
        if ((size_t)(end - line) >= n && memcmp(line, severities[i], n) == 0)
            line += n;
    }
    while (end > line && isspace((unsigned char)end[-1]))
        end--;
    strbuf sb = STRBUF_INIT;
    strbuf_append(&sb, line, (size_t)(end - line));
    return strbuf_detach(&sb);
}

static const failure_pattern *match_line(const char *line, size_t length)
{
    for (size_t i = 0; i < sizeof client_patterns / sizeof client_patterns[0]; i++) {
        const char *text = client_patterns[i].text;
        size_t n = strlen(text);
        for (const char *p = line; p + n <= line + length; p++)
            if (memcmp(p, text, n) == 0)
                return &client_patterns[i];
    }
    return NULL;
}

/* What one line of libpq's message says: the server's code, or a pattern of libpq's own. */
typedef struct line_verdict {
    pg_failure_kind kind;
    const char *reason, *note; /* fixed words for the reason; NULL: from the line */
    const char *words;         /* where the line's own words start */
} line_verdict;

static line_verdict judge_line(const char *line, size_t length)
{
    char sqlstate[6];
    const char *words = line_sqlstate(line, length, sqlstate);
    if (words) {
        const struct sqlstate_rule *rule = sqlstate_rule(sqlstate);
        return (line_verdict){rule ? rule->kind : PG_FAILURE_FATAL, rule ? rule->reason : NULL,
                              NULL, words};
    }
    const failure_pattern *pattern = match_line(line, length);
    if (!pattern)
        return (line_verdict){PG_FAILURE_RETRY, NULL, NULL, line};
    return (line_verdict){pattern->kind, pattern->reason, pattern->note, line};
}

/*
 * Classifies libpq's (possibly multi-line) message and sets *reason to a new
 * string saying what went wrong (NULL when memory ran out).
 */
pg_failure_kind pg_failure_classify_message(const char *message, char **reason)
{
    const char *chosen = NULL;
    size_t chosen_length = 0;
    line_verdict verdict = {PG_FAILURE_RETRY, NULL, NULL, NULL};
    pg_failure_kind kind = PG_FAILURE_RETRY;
    for (const char *line = message, *next; *line; line = next) {
        size_t length = take_line(line, &next);
        /* Indented lines are libpq's hints; DETAIL, HINT and LOCATION lines explain the one
         * before (libpq's labels, in the C locale). */
        bool explains = line[0] == '\t' || strncmp(line, "DETAIL:", 7) == 0 ||
                        strncmp(line, "HINT:", 5) == 0 || strncmp(line, "LOCATION:", 9) == 0 ||
                        length == 0;
        if (!explains) {
            line_verdict judged = judge_line(line, length);
            if (kind == PG_FAILURE_RETRY) { /* the last line, unless a fatal one came before */
                chosen = line;
                chosen_length = length;
                verdict = judged;
            }
            if (judged.kind == PG_FAILURE_FATAL)
                kind = PG_FAILURE_FATAL;
        }
    }
    if (!chosen) {
        *reason = strdup("no answer");
        return PG_FAILURE_RETRY;
    }
    const char *end = chosen + chosen_length;
    char *text = verdict.reason            ? strdup(verdict.reason)
                 : verdict.words != chosen ? strndup(verdict.words, (size_t)(end - verdict.words))
                                           : shorten_line(chosen, chosen_length);
    if (text && verdict.note) {
        char *noted = strbuf_format("%s (%s)", text, verdict.note);
        free(text);
        text = noted;
    }
    *reason = text;
    return kind;
}

pg_failure_kind pg_failure_classify_sqlstate(const char *sqlstate)
{
    const struct sqlstate_rule *rule = sqlstate_rule(sqlstate);
    return rule ? rule->kind : PG_FAILURE_FATAL;
}

const char *pg_connect_busy_reason(const char *message)
{
    char sqlstate[6];
    const struct sqlstate_rule *rule =
        pg_failure_sqlstate(message, sqlstate) ? sqlstate_rule(sqlstate) : NULL;
    return rule ? rule->busy : NULL;
}

void pg_failure_verbose_errors(PGconn *conn)
{
    PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
}
