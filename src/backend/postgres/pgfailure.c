/*
 * pgfailure.c — tells a PostgreSQL connection failure worth waiting out
 * ("not ready yet") from one that waiting cannot mend, for pg_wait.
 *
 * libpq 15 gives no SQLSTATE for a refused connection, so failures are told
 * apart by their message texts: the table `failure_patterns` below is the one
 * place where that is decided. It matches the untranslated texts, as libpq
 * and the server send them when the messages locale is C or English.
 */
#include "pgwait_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

typedef struct failure_pattern {
    const char *text; /* found anywhere in one line of libpq's message (case-sensitive) */
    pg_failure_kind kind;
    const char *reason; /* what to report; NULL: the line itself, shortened */
    const char *note;   /* appended in parentheses; may be NULL */
} failure_pattern;

/*
 * First match wins, and a fatal match on any line wins over the other lines
 * (libpq reports one line per host or address it tried). A message matching
 * nothing counts as "not ready yet": the timeout diag then quotes it.
 */
static const failure_pattern failure_patterns[] = {
    /* The server answered, and the answer will not change by waiting. */
    {"password authentication failed", PG_FAILURE_FATAL, NULL, NULL},
    {"authentication failed", PG_FAILURE_FATAL, NULL, NULL}, /* peer, ident, PAM, LDAP, cert */
    {"no pg_hba.conf entry", PG_FAILURE_FATAL, NULL, NULL},
    {"no password supplied", PG_FAILURE_FATAL, NULL, NULL},
    {"does not exist", PG_FAILURE_FATAL, NULL, NULL}, /* database "x", role "x", a cert file */
    {"is not permitted to log in", PG_FAILURE_FATAL, NULL, NULL},
    {"permission denied for database", PG_FAILURE_FATAL, NULL, NULL},
    {"is not currently accepting connections", PG_FAILURE_FATAL, NULL, NULL}, /* datallowconn */
    {"channel binding", PG_FAILURE_FATAL, NULL, NULL},
    {"certificate", PG_FAILURE_FATAL, NULL, NULL},
    {"SSL was required", PG_FAILURE_FATAL, NULL, NULL},
    {"unsupported frontend protocol", PG_FAILURE_FATAL, NULL, NULL},
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
    /* Nothing there yet, or the server is not ready for us. */
    {"Connection refused", PG_FAILURE_RETRY, "connection refused", "is a server listening?"},
    {"No such file or directory", PG_FAILURE_RETRY, "no socket file", "is a server running?"},
    {"the database system is starting up", PG_FAILURE_RETRY, NULL, NULL},
    {"the database system is shutting down", PG_FAILURE_RETRY, NULL, NULL},
    {"the database system is in recovery mode", PG_FAILURE_RETRY, NULL, NULL},
    {"not yet accepting connections", PG_FAILURE_RETRY, NULL, NULL},
    {"the database system is not accepting connections", PG_FAILURE_RETRY, NULL, NULL},
    {"too many clients", PG_FAILURE_RETRY, "too many connections", NULL},
    {"too many connections", PG_FAILURE_RETRY, NULL, NULL},
    {"connection slots are reserved", PG_FAILURE_RETRY, NULL, NULL},
    {"timeout expired", PG_FAILURE_RETRY, NULL, NULL},
    {"server closed the connection unexpectedly", PG_FAILURE_RETRY, NULL, "restarting?"},
    {"terminating connection", PG_FAILURE_RETRY, NULL, NULL}, /* shutdown, crash of a backend */
    {"Connection reset by peer", PG_FAILURE_RETRY, "connection reset by the server", NULL},
    /* A container's service name resolves only once its container runs. */
    {"could not translate host name", PG_FAILURE_RETRY, NULL, "the name may not resolve yet"},
    {"No route to host", PG_FAILURE_RETRY, NULL, NULL},
    {"Network is unreachable", PG_FAILURE_RETRY, NULL, NULL},
};

/*
 * When SELECT 1 itself fails the server gave an SQLSTATE; these classes are
 * transient. Any other SQLSTATE is fatal: the server answered, and a
 * failing SELECT 1 does not heal by itself (28: authorization, 3D: database).
 */
static const char *const retry_sqlstate_classes[] = {
    "08", /* connection exception */
    "40", /* transaction rollback */
    "53", /* insufficient resources: too many connections, out of memory, disk full */
    "57", /* operator intervention: shutting down, cannot connect now, query canceled */
    "58", /* system error */
};

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
    for (size_t i = 0; i < sizeof failure_patterns / sizeof failure_patterns[0]; i++) {
        const char *text = failure_patterns[i].text;
        size_t n = strlen(text);
        for (const char *p = line; p + n <= line + length; p++)
            if (memcmp(p, text, n) == 0)
                return &failure_patterns[i];
    }
    return NULL;
}

/*
 * Classifies libpq's (possibly multi-line) message and sets *reason to a new
 * string saying what went wrong (NULL when memory ran out).
 */
pg_failure_kind pg_failure_classify_message(const char *message, char **reason)
{
    const char *chosen = NULL;
    size_t chosen_length = 0;
    const failure_pattern *chosen_pattern = NULL;
    pg_failure_kind kind = PG_FAILURE_RETRY;
    for (const char *line = message; *line;) {
        size_t length = strcspn(line, "\n");
        /* Indented lines are libpq's hints; DETAIL and HINT lines explain the line before. */
        bool explains = line[0] == '\t' || strncmp(line, "DETAIL:", 7) == 0 ||
                        strncmp(line, "HINT:", 5) == 0 || length == 0;
        if (!explains) {
            const failure_pattern *pattern = match_line(line, length);
            bool fatal = pattern && pattern->kind == PG_FAILURE_FATAL;
            if (kind == PG_FAILURE_RETRY) { /* the last line, unless a fatal one came before */
                chosen = line;
                chosen_length = length;
                chosen_pattern = pattern;
            }
            if (fatal)
                kind = PG_FAILURE_FATAL;
        }
        line += length;
        if (*line == '\n')
            line++;
    }
    if (!chosen) {
        *reason = strdup("no answer");
        return PG_FAILURE_RETRY;
    }
    char *text = chosen_pattern && chosen_pattern->reason ? strdup(chosen_pattern->reason)
                                                          : shorten_line(chosen, chosen_length);
    if (text && chosen_pattern && chosen_pattern->note) {
        char *noted = strbuf_format("%s (%s)", text, chosen_pattern->note);
        free(text);
        text = noted;
    }
    *reason = text;
    return kind;
}

pg_failure_kind pg_failure_classify_sqlstate(const char *sqlstate)
{
    for (size_t i = 0; i < sizeof retry_sqlstate_classes / sizeof retry_sqlstate_classes[0]; i++)
        if (strncmp(sqlstate, retry_sqlstate_classes[i], 2) == 0)
            return PG_FAILURE_RETRY;
    return PG_FAILURE_FATAL;
}

const char *pg_connect_busy_reason(const char *message)
{
    static const struct {
        const char *text;
        const char *reason;
    } busy[] = {
        {"sorry, too many clients already", "too many clients"},         /* 53300 */
        {"remaining connection slots are reserved", "too many clients"}, /* 53300 */
        {"too many connections for", "too many clients"},                /* 53300: role, db */
        {"the database system is starting up", "starting up"},           /* 57P03 */
        {"the database system is not yet accepting connections", "starting up"}, /* 57P03 */
    };
    for (size_t i = 0; message && i < sizeof busy / sizeof busy[0]; i++)
        if (strstr(message, busy[i].text))
            return busy[i].reason;
    return NULL;
}
