/*
 * myurl.c — parsing, redacting and writing MySQL/MariaDB URLs. See myurl.h.
 */
#include "myurl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

#define REDACTED "***"

static const char *const schemes[] = {"mysql://", "mariadb://"};

/* The length of the scheme prefix `text` starts with, or 0. */
static size_t scheme_length(const char *text)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (text && strncasecmp(text, schemes[i], strlen(schemes[i])) == 0)
            return strlen(schemes[i]);
    return 0;
}

bool my_url_is_mysql(const char *text)
{
    return scheme_length(text) > 0;
}

/* Where the user part ends: the last '@' before the query, or NULL when there is none. */
static const char *find_user_end(const char *rest)
{
    const char *query = strchr(rest, '?');
    const char *at = NULL;
    for (const char *p = rest; *p && (!query || p < query); p++)
        if (*p == '@')
            at = p;
    return at;
}

char *my_url_redact(const char *text)
{
    if (!text)
        return strdup("(none)");
    size_t skip = scheme_length(text);
    if (!skip) { /* not ours: show the scheme at most, which cannot hold a password */
        const char *sep = strstr(text, "://");
        return sep ? strbuf_format("%.*s://" REDACTED, (int)(sep - text), text)
                   : strdup(strchr(text, '@') || strchr(text, ':') ? REDACTED : text);
    }
    /* The last '@' anywhere, not only before the query: a '?' in an unencoded password
       would otherwise hide the password's end. Hiding a query too is the lesser harm. */
    const char *rest = text + skip;
    const char *at = strrchr(rest, '@');
    const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    if (!colon)
        return strdup(text);
    return strbuf_format("%.*s:" REDACTED "%s", (int)(colon - text), text, at);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

typedef enum decode_result {
    DECODE_OK,
    DECODE_BAD_ESCAPE,
    DECODE_NUL,
    DECODE_NO_MEMORY
} decode_result;

/* `length` bytes of `s`, percent-decoded, into *out (a new string). */
static decode_result decode(const char *s, size_t length, char **out)
{
    *out = NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_append(&sb, "", 0);
    for (size_t i = 0; i < length; i++) {
        char c = s[i];
        if (c == '%') {
            int high = i + 2 < length ? hex_value(s[i + 1]) : -1;
            int low = i + 2 < length ? hex_value(s[i + 2]) : -1;
            if (high < 0 || low < 0) {
                strbuf_free(&sb);
                return DECODE_BAD_ESCAPE;
            }
            c = (char)(high * 16 + low);
            i += 2;
            if (c == '\0') {
                strbuf_free(&sb);
                return DECODE_NUL;
            }
        }
        strbuf_append_char(&sb, c);
    }
    *out = strbuf_detach(&sb);
    return *out ? DECODE_OK : DECODE_NO_MEMORY;
}

typedef struct parser {
    const char *text;
    char *subject; /* the redacted URL */
    diag_list *diags;
    int failed;
} parser;

/* Records the first problem only: later ones are often its echoes. */
static void fail(parser *p, const char *message, const char *hint)
{
    if (p->failed)
        return;
    p->failed = 1;
    diag *d = diag_add(p->diags, NULL, 0, 0, "%s: %s", p->subject ? p->subject : "URL", message);
    if (hint)
        diag_set_hint(d, "%s", hint);
}

/* Decodes one part into *out; `part` names it in the message. */
static void decode_part(parser *p, const char *s, size_t length, const char *part, char **out)
{
    if (p->failed)
        return;
    decode_result result = decode(s, length, out);
    if (result == DECODE_NO_MEMORY) {
        fail(p, "out of memory", NULL);
    } else if (result != DECODE_OK) {
        char *message =
            strbuf_format("the %s holds %s", part,
                          result == DECODE_NUL ? "an encoded NUL byte (%00)"
                                               : "a '%' not followed by two hex digits");
        fail(p, message ? message : "out of memory",
             "write '%' as %25 (and '@' as %40, '/' as %2F) in a URL");
        free(message);
    }
}

static void parse_port(parser *p, const char *s, size_t length, my_url *url)
{
    unsigned long value = 0;
    bool digits = length > 0 && length <= 5;
    for (size_t i = 0; digits && i < length; i++) {
        digits = isdigit((unsigned char)s[i]) != 0;
        value = value * 10 + (unsigned long)(s[i] - '0');
    }
    if (!digits || value == 0 || value > 65535)
        fail(p, "the port is not a number from 1 to 65535", NULL);
    else
        url->port = (unsigned)value;
}

/* host, [v6 host], host:port, [v6]:port */
static void parse_host(parser *p, const char *s, size_t length, my_url *url)
{
    const char *colon = NULL;
    const char *host = s;
    size_t host_length = length;
    if (length > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', length);
        if (!close) {
            fail(p, "an IPv6 address opened with '[' is not closed with ']'", NULL);
            return;
        }
        host = s + 1;
        host_length = (size_t)(close - s) - 1;
        if (close + 1 < s + length && close[1] != ':') {
            fail(p, "expected ':' and a port after ']'", NULL);
            return;
        }
        colon = close + 1 < s + length ? close + 1 : NULL;
    } else {
        colon = memchr(s, ':', length);
        if (colon)
            host_length = (size_t)(colon - s);
    }
    if (colon)
        parse_port(p, colon + 1, (size_t)(s + length - colon - 1), url);
    if (host_length > 0)
        decode_part(p, host, host_length, "host", &url->host);
}

static void parse_user(parser *p, const char *s, size_t length, my_url *url)
{
    const char *colon = memchr(s, ':', length);
    size_t user_length = colon ? (size_t)(colon - s) : length;
    if (user_length > 0)
        decode_part(p, s, user_length, "user name", &url->user);
    if (colon)
        decode_part(p, colon + 1, (size_t)(s + length - colon - 1), "password", &url->password);
}

static void parse_parameter(parser *p, const char *s, size_t length, my_url *url)
{
    const char *equals = memchr(s, '=', length);
    size_t name_length = equals ? (size_t)(equals - s) : length;
    char **target = NULL;
    if (name_length == strlen("unix_socket") && strncmp(s, "unix_socket", name_length) == 0)
        target = &url->unix_socket;
    else if (name_length == strlen("charset") && strncmp(s, "charset", name_length) == 0)
        target = &url->charset;
    if (!target) {
        char *name = NULL;
        decode(s, name_length, &name);
        char *message = strbuf_format("unknown parameter \"%s\" (expected unix_socket or charset)",
                                      name ? name : "?");
        fail(p, message ? message : "out of memory", NULL);
        free(message);
        free(name);
        return;
    }
    if (!equals || equals + 1 == s + length) {
        fail(p, "a parameter has no value (expected name=value)", NULL);
        return;
    }
    free(*target);
    *target = NULL;
    decode_part(p, equals + 1, (size_t)(s + length - equals - 1), "parameter value", target);
}

static void parse_query(parser *p, const char *query, my_url *url)
{
    while (!p->failed && *query) {
        const char *end = strchr(query, '&');
        size_t length = end ? (size_t)(end - query) : strlen(query);
        if (length > 0)
            parse_parameter(p, query, length, url);
        query += length + (end ? 1 : 0);
    }
}

/* After the authority: "", "/", "/database", each optionally followed by "?query". */
static void parse_path(parser *p, const char *path, my_url *url)
{
    const char *query = strchr(path, '?');
    size_t length = query ? (size_t)(query - path) : strlen(path);
    if (length > 1) {
        if (memchr(path + 1, '/', length - 1)) {
            fail(p, "expected at most one database name after the host (\"/name\")",
                 "write '/' in a database name as %2F");
            return;
        }
        decode_part(p, path + 1, length - 1, "database name", &url->database);
    }
    if (query)
        parse_query(p, query + 1, url);
}

int my_url_parse(const char *text, my_url *url, diag_list *diags)
{
    memset(url, 0, sizeof *url);
    parser p = {.text = text, .subject = my_url_redact(text), .diags = diags};
    size_t skip = scheme_length(text);
    if (!p.subject) {
        fail(&p, "out of memory", NULL);
    } else if (!skip) {
        fail(&p, "not a MySQL URL (expected mysql://user:password@host:port/database)", NULL);
    } else {
        const char *rest = text + skip;
        const char *at = find_user_end(rest);
        const char *authority = at ? at + 1 : rest;
        size_t authority_length = strcspn(authority, "/?");
        if (at)
            parse_user(&p, rest, (size_t)(at - rest), url);
        parse_host(&p, authority, authority_length, url);
        parse_path(&p, authority + authority_length, url);
    }
    free(p.subject);
    if (!p.failed)
        return 0;
    my_url_free(url);
    return -1;
}

/* Appends `s` percent-encoded: everything but unreserved characters. */
static void append_encoded(strbuf *sb, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (isalnum(*c) || strchr("-._~", *c))
            strbuf_append_char(sb, (char)*c);
        else
            strbuf_appendf(sb, "%%%02X", *c);
    }
}

char *my_url_format(const my_url *url, const char *database, bool with_password)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "mysql://");
    if (url->user) {
        append_encoded(&sb, url->user);
        if (url->password && with_password) {
            strbuf_append_char(&sb, ':');
            append_encoded(&sb, url->password);
        }
        strbuf_append_char(&sb, '@');
    }
    const char *host = url->host ? url->host : (url->unix_socket ? "localhost" : "");
    if (strchr(host, ':'))
        strbuf_appendf(&sb, "[%s]", host);
    else
        append_encoded(&sb, host);
    if (url->port)
        strbuf_appendf(&sb, ":%u", url->port);
    strbuf_append_char(&sb, '/');
    database = database ? database : url->database;
    if (database)
        append_encoded(&sb, database);
    const char *separator = "?";
    if (url->unix_socket) {
        strbuf_append_str(&sb, "?unix_socket=");
        for (const char *c = url->unix_socket; *c; c++) /* '/' stays readable in a path */
            if (*c == '/')
                strbuf_append_char(&sb, '/');
            else {
                char one[2] = {*c, '\0'};
                append_encoded(&sb, one);
            }
        separator = "&";
    }
    if (url->charset) {
        strbuf_appendf(&sb, "%scharset=", separator);
        append_encoded(&sb, url->charset);
    }
    return strbuf_detach(&sb);
}

void my_url_free(my_url *url)
{
    free(url->user);
    free(url->password);
    free(url->host);
    free(url->database);
    free(url->unix_socket);
    free(url->charset);
    memset(url, 0, sizeof *url);
}
