/*
 * pgconn.c — the few libpq habits every PostgreSQL part of foster shares:
 * connecting with a message that names the server but never its password,
 * running a command into a diag, quoting names, and writing a URL.
 */
#include "pgconn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clocale.h"
#include "monotonic.h"
#include "pgwait.h"
#include "strbuf.h"

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The first line of libpq's message, without "ERROR:  " and the newline. */
char *pgconn_short_message(const char *message)
{
    if (!message)
        return strdup("unknown error");
    if (strncmp(message, "ERROR:  ", 8) == 0)
        message += 8;
    if (strncmp(message, "FATAL:  ", 8) == 0)
        message += 8;
    size_t length = strcspn(message, "\n");
    return strndup(message, length);
}

void pgconn_add_error(diag_list *diags, PGconn *conn, const char *what)
{
    char *message = pgconn_short_message(conn ? PQerrorMessage(conn) : NULL);
    diag_add(diags, NULL, 0, 0, "%s: %s", what, message ? message : "out of memory");
    free(message);
}

void pgconn_add_result_error(diag_list *diags, const PGresult *result, const char *what)
{
    char *message = pgconn_short_message(PQresultErrorMessage(result));
    diag_add(diags, NULL, 0, 0, "%s: %s", what, message ? message : "failed");
    free(message);
}

double pgconn_busy_timeout(void)
{
    const char *text = getenv("FOSTER_BUSY_TIMEOUT");
    char *end = NULL;
    double seconds = text && *text ? c_strtod(text, &end) : -1;
    return end && *end == '\0' && seconds >= 0 && seconds < 86400 ? seconds : 60.0;
}

static void sleep_seconds(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

PGconn *pgconn_open(const char *conninfo)
{
    c_locale_scope english = c_locale_begin(); /* libpq's own messages are read by their words */
    PGconn *conn = PQconnectStart(conninfo);
    if (conn && PQstatus(conn) != CONNECTION_BAD) {
        pg_failure_verbose_errors(conn);
        PQconninfoOption *options = PQconninfo(conn);
        double limit = pg_connect_timeout(options);
        PQconninfoFree(options);
        double deadline = monotonic_seconds() + limit;
        PostgresPollingStatusType status = PGRES_POLLING_WRITING;
        while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
            struct pollfd wanted = {PQsocket(conn),
                                    status == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
            double left = deadline - monotonic_seconds();
            if (limit > 0 && left <= 0)
                break; /* left in its state: pgconn_error says "timeout expired" */
            int ready = poll(&wanted, 1, limit > 0 ? (int)(left * 1000) + 1 : -1);
            if (ready < 0 && errno != EINTR)
                break;
            if (ready != 0)
                status = PQconnectPoll(conn);
        }
        if (status == PGRES_POLLING_OK)
            PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
    }
    c_locale_end(english);
    return conn;
}

const char *pgconn_error(PGconn *conn)
{
    if (!conn)
        return NULL;
    ConnStatusType status = PQstatus(conn);
    return status == CONNECTION_OK || status == CONNECTION_BAD ? PQerrorMessage(conn)
                                                               : "timeout expired";
}

/* Tries until connected, refused for good, or busy for longer than the bound. */
static PGconn *connect_until_not_busy(const char *conninfo, const pgconn_patience *patience)
{
    double bound = patience && patience->seconds > 0 ? patience->seconds : pgconn_busy_timeout();
    double deadline = monotonic_seconds() + bound;
    double delay = 0.01;
    bool said = false;
    for (;;) {
        PGconn *conn = pgconn_open(conninfo);
        if (!conn || PQstatus(conn) == CONNECTION_OK)
            return conn;
        const char *reason = pg_connect_busy_reason(pgconn_error(conn));
        bool interrupted = patience && patience->interrupt && *patience->interrupt;
        if (!reason || interrupted || monotonic_seconds() + delay > deadline)
            return conn;
        PQfinish(conn);
        if (!said && patience && patience->report) {
            char *line =
                strbuf_format("server busy (%s); retrying for up to %.0f s", reason, bound);
            if (line)
                patience->report(patience->context, line);
            free(line);
        }
        said = true;
        /* Spreads out runs that collided: differs between processes and between attempts. */
        unsigned jitter = ((unsigned)getpid() * 2654435761u + (unsigned)(delay * 1e6)) % 1000;
        sleep_seconds(delay * (0.5 + jitter / 1000.0));
        delay = delay * 1.5 > 0.5 ? 0.5 : delay * 1.5;
    }
}

PGconn *pgconn_connect_patiently(const char *conninfo, const pgconn_patience *patience,
                                 diag_list *diags)
{
    PGconn *conn = connect_until_not_busy(conninfo, patience);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        char *shown = pg_redact_conninfo(conninfo);
        char *plain = conn ? pg_failure_plain(pgconn_error(conn)) : NULL; /* no SQLSTATE */
        char *raw = pgconn_short_message(plain);
        free(plain);
        char *message = raw ? pg_redact_message(conninfo, raw) : NULL;
        diag *d = diag_add(diags, NULL, 0, 0, "cannot connect to %s: %s",
                           shown && *shown ? shown : "the server (PG* environment)",
                           message ? message : "out of memory");
        free(raw);
        diag_set_hint(d, "give the server with -u URL, [postgres] url in the manifest, or "
                         "PGHOST/PGPORT/PGUSER; `foster wait URL` tells whether it is up");
        free(shown);
        free(message);
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    return conn;
}

PGconn *pgconn_connect(const char *conninfo, diag_list *diags)
{
    return pgconn_connect_patiently(conninfo, NULL, diags);
}

/* Runs a command; -1 with a diag naming `what`. */
int pgconn_command(PGconn *conn, const char *sql, const char *what, diag_list *diags)
{
    PGresult *result = PQexec(conn, sql);
    ExecStatusType status = PQresultStatus(result);
    int rc = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0 : -1;
    if (rc < 0)
        pgconn_add_result_error(diags, result, what);
    PQclear(result);
    return rc;
}

char *pgconn_quote_identifier(PGconn *conn, const char *name)
{
    char *quoted = PQescapeIdentifier(conn, name, strlen(name));
    char *copy = quoted ? strdup(quoted) : NULL;
    PQfreemem(quoted);
    return copy;
}

/* schema.table (or table, when `schema` is NULL) as a quoted SQL name. */
char *pgconn_quote_table(PGconn *conn, const char *schema, const char *table)
{
    char *quoted_table = pgconn_quote_identifier(conn, table);
    if (!schema || !quoted_table)
        return quoted_table;
    char *quoted_schema = pgconn_quote_identifier(conn, schema);
    char *result = quoted_schema ? strbuf_format("%s.%s", quoted_schema, quoted_table) : NULL;
    free(quoted_schema);
    free(quoted_table);
    return result;
}

/* Percent-encodes what a URL component may not hold as it is. */
static void append_url_part(strbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            strbuf_append_char(sb, (char)*p);
        else
            strbuf_appendf(sb, "%%%02X", *p);
    }
}

char *pgconn_url(const char *user, const char *host, const char *port, const char *database)
{
    strbuf url = STRBUF_INIT;
    strbuf_append_str(&url, "postgresql://");
    if (*user) {
        append_url_part(&url, user);
        strbuf_append_char(&url, '@');
    }
    bool socket = host[0] == '/' || host[0] == '@';
    if (!socket) {
        bool ipv6 = strchr(host, ':') != NULL;
        strbuf_appendf(&url, ipv6 ? "[%s]:%s" : "%s:%s", host, port);
    }
    strbuf_append_char(&url, '/');
    append_url_part(&url, database);
    if (socket) {
        strbuf_append_str(&url, "?host=");
        append_url_part(&url, host);
        strbuf_appendf(&url, "&port=%s", port);
    }
    return strbuf_detach(&url);
}

char *pgconn_database_named(const char *conninfo)
{
    for (const char *c = conninfo; *c;) {
        while (*c == ' ')
            c++;
        const char *keyword = c;
        while (*c && *c != '=' && *c != ' ')
            c++;
        if (*c++ != '=')
            return NULL;
        bool is_dbname = c - keyword == 7 && strncmp(keyword, "dbname", 6) == 0;
        bool quoted = *c == '\'';
        strbuf value = STRBUF_INIT;
        for (c += quoted; *c && (quoted ? *c != '\'' : *c != ' '); c++) {
            c += quoted && *c == '\\' && c[1];
            strbuf_append_char(&value, *c);
        }
        if (quoted && *c++ != '\'')
            return strbuf_free(&value), NULL;
        if (is_dbname)
            return value.length ? strbuf_detach(&value) : (strbuf_free(&value), NULL);
        strbuf_free(&value);
    }
    return NULL;
}

void pgconn_append_value(strbuf *sb, const char *keyword, const char *value)
{
    strbuf_appendf(sb, "%s%s='", sb->length ? " " : "", keyword);
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
    strbuf_append_char(sb, '\'');
}
