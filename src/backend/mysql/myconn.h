/*
 * myconn.h — connections to a MySQL or MariaDB server through MariaDB
 * Connector/C (libmariadb), and the few helpers every part of the engine
 * needs: run a statement, read one value, quote a name or a string.
 *
 * Why the client library rather than the protocol by hand: libmariadb (350 KB,
 * LGPL, Debian's libmariadb-dev, in every distribution) already speaks every
 * authentication a server may ask for (mysql_native_password,
 * caching_sha2_password of MySQL 8 with its RSA exchange, ed25519, PAM's
 * dialog), TLS, the LOCAL INFILE sub-protocol with a callback for our own
 * data (mysql_set_local_infile_handler), non-blocking connects (so `wait`
 * can be interrupted and bounded like libpq's), escaping by the connection's
 * character set, and both MariaDB's and MySQL 8's handshakes and error
 * packets. Written by hand, that is several thousand lines foster would have
 * to keep right against two server families; what it would save is one
 * shared library.
 *
 * Every function that can fail adds one diag and returns -1 or NULL. No
 * message holds a password: servers are named by my_url_format without it,
 * and server messages are scrubbed of the password before they are kept.
 */
#ifndef FOSTER_MYCONN_H
#define FOSTER_MYCONN_H

#include "myapi.h"

#include "diag.h"
#include "myurl.h"
#include "strbuf.h"

/*
 * Prepares `mysql` (from mysql_init) with the URL's options: connect, read
 * and write timeouts of `timeout_seconds` (0: the library's defaults),
 * the charset (utf8mb4 unless the URL names one), LOCAL INFILE allowed
 * (foster feeds it from its own handler only), and no option files read.
 */
void my_conn_set_options(MYSQL *mysql, const my_url *url, unsigned timeout_seconds);

/*
 * Connects to the server `url` names, to `database` (NULL: the URL's own; ""
 * none). NULL with the diag "<URL without password>: <server's message>
 * (error N)"; `*error_number` (may be NULL) receives the client or server
 * error number then, 0 on success.
 */
MYSQL *my_conn_open(const my_url *url, const char *database, unsigned timeout_seconds,
                    unsigned *error_number, diag_list *diags);

/* The connection's last error with `password` (may be NULL) replaced by "***"; caller frees. */
char *my_conn_error(MYSQL *mysql, const char *password);

/* Runs `sql` (results discarded); 0, or -1 with the diag "what: <message> (error N)". */
int my_conn_command(MYSQL *mysql, const char *sql, const char *what, diag_list *diags);

/*
 * Runs `sql` and returns the first column of its first row as a new string;
 * *found is false (and NULL returned) when there is no row or the value is
 * NULL. NULL with a diag on failure (then *found is false too).
 */
char *my_conn_query_value(MYSQL *mysql, const char *sql, bool *found, diag_list *diags);

/* Appends `name` as a backquoted identifier (`a``b`). */
void my_append_identifier(strbuf *sb, const char *name);

/* Appends `value` as a quoted string literal escaped for the connection's character set. */
void my_conn_append_string(strbuf *sb, MYSQL *mysql, const char *value, size_t length);

/*
 * Appends `text` with the database qualifier `prefix``from`. made
 * `prefix``to`. (`prefix` alone for a NULL `to`); a NULL `from` appends it
 * as it is. With prefix "(": the sequence of a default as MariaDB prints it,
 * nextval(`db`.`seq`); with "": a server message's `db`.`t`.
 */
void my_append_requalified(strbuf *sb, const char *text, const char *prefix, const char *from,
                           const char *to);

#endif
