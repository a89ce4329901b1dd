/*
 * pgredact.c — keeps passwords out of messages: shows a conninfo (URL or
 * key=value) with its passwords replaced by "***", and scrubs every form of
 * those passwords out of the messages libpq sends back, which quote parts
 * of a conninfo they reject.
 */
#include "pgwait.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgwait_internal.h"
#include "pqapi.h"
#include "strbuf.h"

#define REDACTED "***"

static void secret_list_add(pg_redact_secrets *secrets, char *secret) /* takes ownership */
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

void pg_redact_secrets_free(pg_redact_secrets *secrets)
{
    for (size_t i = 0; i < secrets->count; i++)
        free(secrets->items[i]);
    free(secrets->items);
    *secrets = (pg_redact_secrets){0};
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
static void add_secret_forms(pg_redact_secrets *secrets, const char *raw, size_t length, bool url)
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
static void redact_url(const char *s, size_t prefix, strbuf *out, pg_redact_secrets *secrets)
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
static void redact_keywords(const char *s, strbuf *out, pg_redact_secrets *secrets)
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

char *pg_redact_conninfo_secrets(const char *conninfo, pg_redact_secrets *secrets)
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
    return pg_redact_conninfo_secrets(conninfo ? conninfo : "", NULL);
}

/*
 * `text` with every password in `secrets` replaced by ***. libpq quotes parts
 * of a conninfo it rejects ('invalid percent-encoded token: "..."'). Secrets
 * shorter than 4 characters are replaced only as whole words, so that a
 * password "a" does not turn every "a" of the message into ***.
 */
char *pg_redact_scrub(const char *text, const pg_redact_secrets *secrets)
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

char *pg_redact_message(const char *conninfo, const char *message)
{
    pg_redact_secrets secrets = {0};
    char *redacted = pg_redact_conninfo_secrets(conninfo ? conninfo : "", &secrets);
    char *clean = redacted && !secrets.failed ? pg_redact_scrub(message, &secrets) : NULL;
    free(redacted);
    pg_redact_secrets_free(&secrets);
    return clean;
}

int pg_conninfo_check(const char *conninfo, char **problem)
{
    char *error = NULL;
    PQconninfoOption *parsed = PQconninfoParse(conninfo, &error);
    *problem = NULL;
    if (parsed) {
        PQconninfoFree(parsed);
        return 0;
    }
    if (error) {
        size_t length = strlen(error);
        while (length && isspace((unsigned char)error[length - 1]))
            error[--length] = '\0'; /* libpq ends its messages with a newline */
        *problem = pg_redact_message(conninfo, error);
    }
    PQfreemem(error);
    return -1;
}
