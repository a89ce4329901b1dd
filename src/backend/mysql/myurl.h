/*
 * myurl.h — MySQL/MariaDB server URLs, as users write them and as Django's
 * dj-database-url, SQLAlchemy and Tortoise read them:
 *
 *     mysql://user:password@host:port/database
 *     mysql://user@localhost/database?unix_socket=/run/mysqld/mysqld.sock
 *     mariadb://...                      (the same; both schemes are accepted)
 *
 * Every part is optional except the scheme: no user means the client
 * library's default (the login name), no host means localhost (the client
 * library's default unix socket), no port means 3306, no database means
 * none selected. User, password, host, database and parameter values are
 * percent-decoded (%40 is '@', %2F is '/', %3A is ':', %3F is '?'); an
 * unencoded '@' or '/' in the password is accepted too: the last '@' before
 * the query ends the user part (so a database name holding '@' must be
 * written with %40).
 * Parameters: unix_socket (a socket path; the host is then ignored) and
 * charset (the connection's character set, e.g. utf8mb4).
 *
 * Passwords never reach a message: every diag shows the URL through
 * my_url_redact, and no diag quotes a part of the text it could not parse.
 */
#ifndef FOSTER_MYURL_H
#define FOSTER_MYURL_H

#include <stdbool.h>

#include "diag.h"

typedef struct my_url {
    char *user;        /* NULL: none given */
    char *password;    /* NULL: none given ("" when given empty) */
    char *host;        /* NULL: none given (localhost) */
    unsigned port;     /* 0: none given (3306) */
    char *database;    /* NULL: none given */
    char *unix_socket; /* NULL: none given */
    char *charset;     /* NULL: none given */
} my_url;

/*
 * Parses `text` into `url` (zeroed first). 0, or -1 with one diag
 * "<redacted URL>: <what is wrong>" and `url` left empty. A caller that
 * takes the URL from the user (-u, [mysql] url, `foster wait`) treats -1 as
 * a usage error: exit 2.
 */
int my_url_parse(const char *text, my_url *url, diag_list *diags);

/* Whether `text` starts with a scheme this module reads (mysql:// or mariadb://). */
bool my_url_is_mysql(const char *text);

/*
 * `text` with the password replaced by "***": everything between the first
 * ':' after the scheme and the last '@'. Works on text
 * my_url_parse rejects too (it then hides at least the password). A new
 * string the caller frees; NULL when memory ran out.
 */
char *my_url_redact(const char *text);

/*
 * The URL of `url` with `database` instead of its own (NULL: keep its own),
 * parts percent-encoded, for DATABASE_URL and run records: the password is
 * included only when `with_password` is set. A new string; NULL when memory
 * ran out.
 */
char *my_url_format(const my_url *url, const char *database, bool with_password);

/* Frees the parts and zeroes `url`. */
void my_url_free(my_url *url);

#endif
