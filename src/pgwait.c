/*
 * pgwait.c — waiting until a PostgreSQL server accepts connections. See pgwait.h.
 *
 * Every attempt uses libpq's asynchronous API (PQconnectStart, PQconnectPoll,
 * PQsendQuery) and waits on the socket in slices of at most 50 ms, so that an
 * attempt never outlives the remaining time (libpq's own connect_timeout only
 * applies to its blocking calls), Ctrl-C is noticed at once and the progress
 * callback keeps its beat even while one attempt hangs. The one blocking step
 * left is the host name lookup inside PQconnectStart (getaddrinfo).
 *
 * libpq 15 gives no SQLSTATE for a refused connection, so failures are told
 * apart by their message texts: the table `failure_patterns` below is the one
 * place where that is decided. It matches the untranslated texts, as libpq
 * and the server send them when the messages locale is C or English.
 */
#include "pgwait.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

#define BACKOFF_FIRST_SECONDS  0.005
#define BACKOFF_FACTOR         1.5
#define BACKOFF_MAX_SECONDS    0.250
#define SLICE_SECONDS          0.050 /* longest wait before looking at *interrupt again */
#define PROGRESS_EVERY_SECONDS 1.0
/* With timeout <= 0 the one attempt still needs a bound when the conninfo sets no
 * connect_timeout: a host that drops packets would otherwise hang it for minutes. */
#define SINGLE_ATTEMPT_SECONDS 10.0
#define REDACTED               "***"

/* ---------------------------------------------------------------------------------------------
 * Which failures are worth waiting out
 * -------------------------------------------------------------------------------------------*/

typedef enum failure_kind {
    FAILURE_RETRY, /* not ready yet: try again until the time runs out */
    FAILURE_FATAL, /* waiting cannot help */
} failure_kind;

typedef struct failure_pattern {
    const char *text; /* found anywhere in one line of libpq's message (case-sensitive) */
    failure_kind kind;
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
    {"password authentication failed", FAILURE_FATAL, NULL, NULL},
    {"authentication failed", FAILURE_FATAL, NULL, NULL}, /* peer, ident, PAM, LDAP, cert */
    {"no pg_hba.conf entry", FAILURE_FATAL, NULL, NULL},
    {"no password supplied", FAILURE_FATAL, NULL, NULL},
    {"does not exist", FAILURE_FATAL, NULL, NULL}, /* database "x", role "x", a cert file */
    {"is not permitted to log in", FAILURE_FATAL, NULL, NULL},
    {"permission denied for database", FAILURE_FATAL, NULL, NULL},
    {"is not currently accepting connections", FAILURE_FATAL, NULL, NULL}, /* datallowconn */
    {"channel binding", FAILURE_FATAL, NULL, NULL},
    {"certificate", FAILURE_FATAL, NULL, NULL},
    {"SSL was required", FAILURE_FATAL, NULL, NULL},
    {"unsupported frontend protocol", FAILURE_FATAL, NULL, NULL},
    /* libpq rejects the connection string itself. */
    {"invalid connection option", FAILURE_FATAL, NULL, NULL},
    {"missing \"=\" after", FAILURE_FATAL, NULL, NULL},
    {"unterminated quoted string", FAILURE_FATAL, NULL, NULL},
    {"in URI", FAILURE_FATAL, NULL, NULL}, /* "invalid URI query parameter", "... in URI" */
    {"invalid URI", FAILURE_FATAL, NULL, NULL},
    {"percent-encoded", FAILURE_FATAL, NULL, NULL},
    {"invalid port number", FAILURE_FATAL, NULL, NULL},
    {"invalid integer value", FAILURE_FATAL, NULL, NULL},
    {"invalid sslmode value", FAILURE_FATAL, NULL, NULL},
    {"invalid target_session_attrs value", FAILURE_FATAL, NULL, NULL},
    {"could not match", FAILURE_FATAL, NULL, NULL}, /* hosts vs. ports or hostaddrs */
    /* Nothing there yet, or the server is not ready for us. */
    {"Connection refused", FAILURE_RETRY, "connection refused", "is a server listening?"},
    {"No such file or directory", FAILURE_RETRY, "no socket file", "is a server running?"},
    {"the database system is starting up", FAILURE_RETRY, NULL, NULL},
    {"the database system is shutting down", FAILURE_RETRY, NULL, NULL},
    {"the database system is in recovery mode", FAILURE_RETRY, NULL, NULL},
    {"not yet accepting connections", FAILURE_RETRY, NULL, NULL},
    {"the database system is not accepting connections", FAILURE_RETRY, NULL, NULL},
    {"too many clients", FAILURE_RETRY, "too many connections", NULL},
    {"too many connections", FAILURE_RETRY, NULL, NULL},
    {"connection slots are reserved", FAILURE_RETRY, NULL, NULL},
    {"timeout expired", FAILURE_RETRY, NULL, NULL},
    {"server closed the connection unexpectedly", FAILURE_RETRY, NULL, "restarting?"},
    {"terminating connection", FAILURE_RETRY, NULL, NULL}, /* shutdown, crash of a backend */
    {"Connection reset by peer", FAILURE_RETRY, "connection reset by the server", NULL},
    /* A container's service name resolves only once its container runs. */
    {"could not translate host name", FAILURE_RETRY, NULL, "the name may not resolve yet"},
    {"No route to host", FAILURE_RETRY, NULL, NULL},
    {"Network is unreachable", FAILURE_RETRY, NULL, NULL},
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
static failure_kind classify_message(const char *message, char **reason)
{
    const char *chosen = NULL;
    size_t chosen_length = 0;
    const failure_pattern *chosen_pattern = NULL;
    failure_kind kind = FAILURE_RETRY;
    for (const char *line = message; *line;) {
        size_t length = strcspn(line, "\n");
        /* Indented lines are libpq's hints; DETAIL and HINT lines explain the line before. */
        bool explains = line[0] == '\t' || strncmp(line, "DETAIL:", 7) == 0 ||
                        strncmp(line, "HINT:", 5) == 0 || length == 0;
        if (!explains) {
            const failure_pattern *pattern = match_line(line, length);
            bool fatal = pattern && pattern->kind == FAILURE_FATAL;
            if (kind == FAILURE_RETRY) { /* the last line, unless a fatal one came before */
                chosen = line;
                chosen_length = length;
                chosen_pattern = pattern;
            }
            if (fatal)
                kind = FAILURE_FATAL;
        }
        line += length;
        if (*line == '\n')
            line++;
    }
    if (!chosen) {
        *reason = strdup("no answer");
        return FAILURE_RETRY;
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

static failure_kind classify_sqlstate(const char *sqlstate)
{
    for (size_t i = 0; i < sizeof retry_sqlstate_classes / sizeof retry_sqlstate_classes[0]; i++)
        if (strncmp(sqlstate, retry_sqlstate_classes[i], 2) == 0)
            return FAILURE_RETRY;
    return FAILURE_FATAL;
}

/* ---------------------------------------------------------------------------------------------
 * Keeping passwords out of messages
 * -------------------------------------------------------------------------------------------*/

/* The password texts found in a conninfo, as written and as libpq decodes them. */
typedef struct secret_list {
    char **items;
    size_t count;
    size_t capacity;
    bool failed;
    bool unencoded_url_password; /* holds '@' or '/', which libpq cuts the URL at */
} secret_list;

static void secret_list_add(secret_list *secrets, char *secret) /* takes ownership */
{
    if (!secret) {
        secrets->failed = true;
        return;
    }
    if (!*secret) {
        free(secret);
        return;
    }
    if (secrets->count == secrets->capacity) {
        size_t capacity = secrets->capacity ? secrets->capacity * 2 : 4;
        char **items = realloc(secrets->items, capacity * sizeof *items);
        if (!items) {
            secrets->failed = true;
            free(secret);
            return;
        }
        secrets->items = items;
        secrets->capacity = capacity;
    }
    secrets->items[secrets->count++] = secret;
}

static void secret_list_free(secret_list *secrets)
{
    for (size_t i = 0; i < secrets->count; i++)
        free(secrets->items[i]);
    free(secrets->items);
    *secrets = (secret_list){0};
}

static char *copy_span(const char *s, size_t length)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append(&sb, s, length);
    return strbuf_detach(&sb);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX decoded; malformed sequences are kept as they are. */
static char *percent_decode(const char *s, size_t length)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < length; i++) {
        int high = i + 2 < length && s[i] == '%' ? hex_value(s[i + 1]) : -1;
        int low = high >= 0 ? hex_value(s[i + 2]) : -1;
        if (high >= 0 && low >= 0) {
            strbuf_append_char(&sb, (char)(high * 16 + low));
            i += 2;
        } else {
            strbuf_append_char(&sb, s[i]);
        }
    }
    return strbuf_detach(&sb);
}

/* A key=value value without its quotes and backslash escapes, as libpq reads it. */
static char *unescape_value(const char *s, size_t length)
{
    strbuf sb = STRBUF_INIT;
    size_t i = 0, end = length;
    if (length > 0 && s[0] == '\'') {
        i = 1;
        if (end > 1 && s[end - 1] == '\'')
            end--;
    }
    for (; i < end; i++) {
        if (s[i] == '\\' && i + 1 < end)
            i++;
        strbuf_append_char(&sb, s[i]);
    }
    return strbuf_detach(&sb);
}

/*
 * Records the password `raw` as written, as libpq decodes it, and cut at the
 * characters where libpq's URL parser cuts a password that holds them
 * unencoded: from "u:p@ss@host" it takes the host "ss@host", and quotes it.
 */
static void add_secret_forms(secret_list *secrets, const char *raw, size_t length, bool url)
{
    if (!secrets)
        return;
    secret_list_add(secrets, copy_span(raw, length));
    secret_list_add(secrets, url ? percent_decode(raw, length) : unescape_value(raw, length));
    if (!url)
        return;
    if (memchr(raw, '@', length) || memchr(raw, '/', length))
        secrets->unencoded_url_password = true;
    for (size_t start = 0; start < length;) {
        size_t piece = start;
        while (piece < length && !strchr("@/:?", raw[piece]))
            piece++;
        if (piece - start < length)
            secret_list_add(secrets, copy_span(raw + start, piece - start));
        start = piece + 1;
    }
}

static size_t url_prefix_length(const char *s)
{
    static const char *const prefixes[] = {"postgresql://", "postgres://"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
            return strlen(prefixes[i]);
    return 0;
}

/*
 * postgresql://user:PASSWORD@host/db?password=PASSWORD&... The user part
 * ends at the LAST '@' before the query: libpq stops at the first '@' or '/',
 * but a password with an unencoded '@' or '/' must not leak half of itself.
 */
static void redact_url(const char *s, size_t prefix, strbuf *out, secret_list *secrets)
{
    strbuf_append(out, s, prefix);
    const char *rest = s + prefix;
    const char *query = strchr(rest, '?');
    const char *end = query ? query : rest + strlen(rest);
    const char *at = NULL;
    for (const char *p = rest; p < end; p++)
        if (*p == '@')
            at = p;
    const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    if (colon && at > colon + 1) {
        strbuf_append(out, rest, (size_t)(colon + 1 - rest));
        strbuf_append_str(out, REDACTED);
        add_secret_forms(secrets, colon + 1, (size_t)(at - colon - 1), true);
        strbuf_append(out, at, (size_t)(end - at));
    } else {
        strbuf_append(out, rest, (size_t)(end - rest));
    }
    if (!query)
        return;
    strbuf_append_char(out, '?');
    for (const char *param = query + 1;;) {
        size_t length = strcspn(param, "&");
        const char *equals = memchr(param, '=', length);
        char *key = equals ? percent_decode(param, (size_t)(equals - param)) : NULL;
        if (key && strcmp(key, "password") == 0 && param + length > equals + 1) {
            strbuf_append(out, param, (size_t)(equals + 1 - param));
            strbuf_append_str(out, REDACTED);
            add_secret_forms(secrets, equals + 1, (size_t)(param + length - equals - 1), true);
        } else {
            strbuf_append(out, param, length);
        }
        free(key);
        if (param[length] != '&')
            break;
        strbuf_append_char(out, '&');
        param += length + 1;
    }
}

/* The end of a key=value value starting at `p`, following libpq's quoting rules. */
static const char *keyword_value_end(const char *p)
{
    if (*p == '\'') {
        for (p++; *p && *p != '\''; p++)
            if (*p == '\\' && p[1])
                p++;
        return *p ? p + 1 : p;
    }
    for (; *p && !isspace((unsigned char)*p); p++)
        if (*p == '\\' && p[1])
            p++;
    return p;
}

/* host=h password=SECRET ... (also `password = 'a b'`, and `password SECRET`, which libpq
 * rejects but which must not show the password in the rejection either) */
static void redact_keywords(const char *s, strbuf *out, secret_list *secrets)
{
    const char *p = s;
    while (*p) {
        if (isspace((unsigned char)*p)) {
            strbuf_append_char(out, *p++);
            continue;
        }
        const char *key = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p))
            p++;
        bool is_password = p - key == 8 && memcmp(key, "password", 8) == 0;
        const char *value = p;
        while (isspace((unsigned char)*value))
            value++;
        if (*value == '=') {
            value++;
            while (isspace((unsigned char)*value))
                value++;
        } else if (!is_password) {
            strbuf_append(out, key, (size_t)(value - key)); /* a malformed key: go on */
            p = value;
            continue;
        }
        strbuf_append(out, key, (size_t)(value - key));
        const char *end = keyword_value_end(value);
        if (is_password && end > value) {
            strbuf_append_str(out, REDACTED);
            add_secret_forms(secrets, value, (size_t)(end - value), false);
        } else {
            strbuf_append(out, value, (size_t)(end - value));
        }
        p = end;
    }
}

static char *redact(const char *conninfo, secret_list *secrets)
{
    strbuf out = STRBUF_INIT;
    const char *start = conninfo;
    while (isspace((unsigned char)*start))
        start++;
    size_t prefix = url_prefix_length(start);
    strbuf_append(&out, conninfo, (size_t)(start - conninfo));
    if (prefix)
        redact_url(start, prefix, &out, secrets);
    else
        redact_keywords(start, &out, secrets);
    return strbuf_detach(&out);
}

char *pg_redact_conninfo(const char *conninfo)
{
    return redact(conninfo ? conninfo : "", NULL);
}

/*
 * `text` with every password in `secrets` replaced by ***. libpq quotes parts
 * of a conninfo it rejects ('invalid percent-encoded token: "..."'). Secrets
 * shorter than 4 characters are replaced only as whole words, so that a
 * password "a" does not turn every "a" of the message into ***.
 */
static char *scrub(const char *text, const secret_list *secrets)
{
    char *result = strdup(text);
    for (size_t i = 0; result && i < secrets->count; i++) {
        const char *secret = secrets->items[i];
        size_t length = strlen(secret);
        bool anywhere = length >= 4;
        strbuf sb = STRBUF_INIT;
        const char *p = result;
        for (const char *hit; (hit = strstr(p, secret)) != NULL; p = hit + length) {
            bool word = (hit == result || !isalnum((unsigned char)hit[-1])) &&
                        !isalnum((unsigned char)hit[length]);
            strbuf_append(&sb, p, (size_t)(hit - p));
            strbuf_append_str(&sb, anywhere || word ? REDACTED : secret);
        }
        strbuf_append_str(&sb, p);
        free(result);
        result = strbuf_detach(&sb);
    }
    return result;
}

/* ---------------------------------------------------------------------------------------------
 * Waiting
 * -------------------------------------------------------------------------------------------*/

typedef enum attempt_result {
    ATTEMPT_READY,
    ATTEMPT_NOT_READY,
    ATTEMPT_FATAL,
    ATTEMPT_INTERRUPTED,
    ATTEMPT_NO_MEMORY,
} attempt_result;

typedef struct waiter {
    const char *conninfo;
    const pg_wait_options *options;
    char *subject; /* the conninfo as messages show it */
    secret_list secrets;
    double start;
    double next_progress;
    char *last_reason; /* of the last failed attempt; NULL before the first */
} waiter;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs between slices of every wait: true when the caller asked us to stop. */
static bool waiter_tick(waiter *w)
{
    double now = now_seconds();
    if (w->options->progress && now >= w->next_progress) {
        w->options->progress(w->options->progress_context, now - w->start,
                             w->last_reason ? w->last_reason : "no answer yet");
        w->next_progress = now + PROGRESS_EVERY_SECONDS;
    }
    return w->options->interrupt && *w->options->interrupt;
}

typedef enum wait_outcome { WAIT_DONE, WAIT_TIMED_OUT, WAIT_INTERRUPTED } wait_outcome;

/* Waits until `socket` has `events` (socket < 0: just sleeps) or `until` comes. */
static wait_outcome wait_until(waiter *w, int socket, short events, double until)
{
    for (;;) {
        if (waiter_tick(w))
            return WAIT_INTERRUPTED;
        double remaining = until - now_seconds();
        if (remaining <= 0)
            return socket < 0 ? WAIT_DONE : WAIT_TIMED_OUT;
        double slice = remaining < SLICE_SECONDS ? remaining : SLICE_SECONDS;
        int milliseconds = (int)(slice * 1000) + 1; /* never 0: that would spin */
        if (socket < 0) {
            struct timespec ts = {0, (long)(slice * 1e9)};
            nanosleep(&ts, NULL);
            continue;
        }
        struct pollfd pfd = {.fd = socket, .events = events};
        int ready = poll(&pfd, 1, milliseconds);
        if (ready > 0 || (ready < 0 && errno != EINTR))
            return WAIT_DONE; /* errors too: libpq will say what went wrong */
    }
}

static attempt_result fail_with_message(const char *message, char **reason)
{
    return classify_message(message, reason) == FAILURE_FATAL ? ATTEMPT_FATAL : ATTEMPT_NOT_READY;
}

static char *timed_out_reason(double limit)
{
    return strbuf_format("no answer within %.1f s", limit);
}

static void ignore_notice(void *context, const char *message)
{
    (void)context;
    (void)message;
}

/* Connects (PQconnectPoll driven by poll(2)); CONNECTION_OK when the result is ATTEMPT_READY. */
static attempt_result connect_once(waiter *w, PGconn *conn, double until, double limit,
                                   char **reason)
{
    PostgresPollingStatusType status =
        PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        int socket = PQsocket(conn);
        wait_outcome waited = wait_until(w, socket, events, until);
        if (waited == WAIT_INTERRUPTED)
            return ATTEMPT_INTERRUPTED;
        if (waited == WAIT_TIMED_OUT) {
            *reason = timed_out_reason(limit);
            return *reason ? ATTEMPT_NOT_READY : ATTEMPT_NO_MEMORY;
        }
        status = PQconnectPoll(conn);
    }
    if (status == PGRES_POLLING_OK)
        return ATTEMPT_READY;
    attempt_result result = fail_with_message(PQerrorMessage(conn), reason);
    return *reason ? result : ATTEMPT_NO_MEMORY;
}

/* SELECT 1 on a connected `conn`. */
static attempt_result query_once(waiter *w, PGconn *conn, double until, double limit, char **reason)
{
    if (!PQsendQuery(conn, "SELECT 1")) {
        attempt_result result = fail_with_message(PQerrorMessage(conn), reason);
        return *reason ? result : ATTEMPT_NO_MEMORY;
    }
    while (PQisBusy(conn)) {
        wait_outcome waited = wait_until(w, PQsocket(conn), POLLIN, until);
        if (waited == WAIT_INTERRUPTED)
            return ATTEMPT_INTERRUPTED;
        if (waited == WAIT_TIMED_OUT) {
            *reason = timed_out_reason(limit);
            return *reason ? ATTEMPT_NOT_READY : ATTEMPT_NO_MEMORY;
        }
        if (!PQconsumeInput(conn))
            break; /* PQgetResult reports the lost connection */
    }
    attempt_result result = ATTEMPT_READY;
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (result == ATTEMPT_READY && PQresultStatus(res) != PGRES_TUPLES_OK) {
            const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            if (sqlstate && primary) {
                *reason = strdup(primary);
                result = classify_sqlstate(sqlstate) == FAILURE_FATAL ? ATTEMPT_FATAL
                                                                      : ATTEMPT_NOT_READY;
            } else { /* no SQLSTATE: libpq lost the connection */
                const char *message = PQresultErrorMessage(res);
                result = fail_with_message(*message ? message : PQerrorMessage(conn), reason);
            }
            if (!*reason)
                result = ATTEMPT_NO_MEMORY;
        }
        PQclear(res);
    }
    return result;
}

/* The subject of messages when the conninfo is empty: what libpq's defaults chose. */
static void describe_default_server(waiter *w, PGconn *conn)
{
    const char *host = PQhost(conn);
    const char *port = PQport(conn);
    char *subject = strbuf_format("default server (host=%s port=%s)", host && *host ? host : "?",
                                  port && *port ? port : "?");
    if (subject) {
        free(w->subject);
        w->subject = subject;
    }
}

/* One connection and SELECT 1, given up at `until` (`limit` seconds from now). */
static attempt_result attempt_once(waiter *w, double until, double limit, char **reason)
{
    *reason = NULL;
    PGconn *conn = PQconnectStart(w->conninfo);
    if (!conn)
        return ATTEMPT_NO_MEMORY;
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    if (!*w->subject)
        describe_default_server(w, conn);
    attempt_result result = connect_once(w, conn, until, limit, reason);
    if (result == ATTEMPT_READY)
        result = query_once(w, conn, until, limit, reason);
    PQfinish(conn);
    return result;
}

/* connect_timeout from the conninfo, else PGCONNECT_TIMEOUT; 0 when neither is set. */
static double connect_timeout(const PQconninfoOption *options)
{
    const char *value = getenv("PGCONNECT_TIMEOUT");
    for (const PQconninfoOption *o = options; o && o->keyword; o++)
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val)
            value = o->val;
    long seconds = value ? strtol(value, NULL, 10) : 0;
    if (seconds <= 0)
        return 0;
    return seconds < 2 ? 2 : (double)seconds; /* libpq's own rule */
}

static pg_wait_result report(waiter *w, pg_wait_result result, const char *reason, diag_list *diags)
{
    char *clean = reason ? scrub(reason, &w->secrets) : NULL;
    const char *text = clean ? clean : "out of memory";
    diag *d = NULL;
    if (result == PG_WAIT_TIMEOUT && w->options->timeout > 0) /* the time asked for */
        d = diag_add(diags, NULL, 0, 0, "%s: not ready after %.1f s: %s", w->subject,
                     w->options->timeout, text);
    else if (result == PG_WAIT_TIMEOUT) /* the one attempt failed */
        d = diag_add(diags, NULL, 0, 0, "%s: not ready: %s", w->subject, text);
    else if (result == PG_WAIT_FATAL)
        d = diag_add(diags, NULL, 0, 0, "%s: %s", w->subject, text);
    if (w->secrets.unencoded_url_password)
        diag_set_hint(d, "write \"@\" in a URL's password as %%40 and \"/\" as %%2F");
    free(clean);
    return result;
}

static void remember_reason(waiter *w, char *reason)
{
    free(w->last_reason);
    w->last_reason = reason;
}

static pg_wait_result wait_loop(waiter *w, double attempt_seconds, diag_list *diags)
{
    const pg_wait_options *options = w->options;
    bool single = options->timeout <= 0;
    double deadline = w->start + (single ? 0 : options->timeout);
    int confirmations = options->confirmations < 1 ? 1 : options->confirmations;
    int successes = 0;
    double delay = BACKOFF_FIRST_SECONDS;
    for (;;) {
        double now = now_seconds();
        double until = single ? now + attempt_seconds : deadline;
        if (attempt_seconds > 0 && now + attempt_seconds < until)
            until = now + attempt_seconds;
        char *reason = NULL;
        attempt_result result = attempt_once(w, until, until - now, &reason);
        switch (result) {
        case ATTEMPT_INTERRUPTED:
            free(reason);
            return PG_WAIT_INTERRUPTED;
        case ATTEMPT_NO_MEMORY:
            free(reason);
            return report(w, PG_WAIT_FATAL, NULL, diags);
        case ATTEMPT_FATAL:
            report(w, PG_WAIT_FATAL, reason, diags);
            free(reason);
            return PG_WAIT_FATAL;
        case ATTEMPT_READY:
            if (++successes >= confirmations)
                return PG_WAIT_READY;
            remember_reason(
                w, strbuf_format("ready %d of %d times in a row so far", successes, confirmations));
            break;
        case ATTEMPT_NOT_READY:
            successes = 0;
            remember_reason(w, reason);
            if (single)
                return report(w, PG_WAIT_TIMEOUT, w->last_reason, diags);
            break;
        }
        double wake = now_seconds() + delay;
        if (!single && wake > deadline)
            wake = deadline;
        if (wait_until(w, -1, 0, wake) == WAIT_INTERRUPTED)
            return PG_WAIT_INTERRUPTED;
        if (!single && now_seconds() >= deadline)
            return report(w, PG_WAIT_TIMEOUT, w->last_reason, diags);
        delay = delay * BACKOFF_FACTOR > BACKOFF_MAX_SECONDS ? BACKOFF_MAX_SECONDS
                                                             : delay * BACKOFF_FACTOR;
    }
}

pg_wait_result pg_wait(const char *conninfo, const pg_wait_options *options, diag_list *diags)
{
    static const pg_wait_options defaults = {0};
    waiter w = {.conninfo = conninfo ? conninfo : "", .options = options ? options : &defaults};
    w.start = now_seconds();
    w.next_progress = w.start + PROGRESS_EVERY_SECONDS;
    w.subject = redact(w.conninfo, &w.secrets);
    if (!w.subject || w.secrets.failed) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        free(w.subject);
        secret_list_free(&w.secrets);
        return PG_WAIT_FATAL;
    }
    pg_wait_result result;
    char *error = NULL;
    PQconninfoOption *parsed = PQconninfoParse(w.conninfo, &error);
    if (!parsed) { /* rejected at once: waiting cannot mend a malformed string */
        char *reason = NULL;
        if (error)
            classify_message(error, &reason);
        result = report(&w, PG_WAIT_FATAL, reason, diags);
        free(reason);
    } else {
        double attempt_seconds = connect_timeout(parsed);
        if (w.options->timeout <= 0 && attempt_seconds == 0)
            attempt_seconds = SINGLE_ATTEMPT_SECONDS;
        result = wait_loop(&w, attempt_seconds, diags);
    }
    PQconninfoFree(parsed);
    PQfreemem(error);
    free(w.last_reason);
    free(w.subject);
    secret_list_free(&w.secrets);
    return result;
}
