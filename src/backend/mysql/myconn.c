/*
 * myconn.c — libmariadb connections and small helpers. See myconn.h.
 */
#include "myconn.h"

#include <stdlib.h>
#include <string.h>

#define REDACTED "***"

void my_conn_set_options(MYSQL *mysql, const my_url *url, unsigned timeout_seconds)
{
    if (timeout_seconds > 0) {
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout_seconds);
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &timeout_seconds);
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &timeout_seconds);
    }
    mysql_options(mysql, MYSQL_SET_CHARSET_NAME, url->charset ? url->charset : "utf8mb4");
    unsigned allow = 1;
    mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &allow);
}

char *my_conn_error(MYSQL *mysql, const char *password)
{
    const char *message = mysql_error(mysql);
    strbuf sb = STRBUF_INIT;
    strbuf_append(&sb, "", 0);
    size_t secret = password ? strlen(password) : 0;
    for (const char *p = message; *p;) {
        if (secret > 0 && strncmp(p, password, secret) == 0) {
            strbuf_append_str(&sb, REDACTED);
            p += secret;
        } else {
            strbuf_append_char(&sb, *p++);
        }
    }
    return strbuf_detach(&sb);
}

MYSQL *my_conn_open(const my_url *url, const char *database, unsigned timeout_seconds,
                    unsigned *error_number, diag_list *diags)
{
    if (error_number)
        *error_number = 0;
    MYSQL *mysql = mysql_init(NULL);
    if (!mysql) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    my_conn_set_options(mysql, url, timeout_seconds);
    database = database ? database : url->database;
    if (mysql_real_connect(mysql, url->host, url->user, url->password ? url->password : "",
                           database && *database ? database : NULL, url->port, url->unix_socket,
                           CLIENT_MULTI_RESULTS)) /* CALL and multi-result statements */
        return mysql;
    if (error_number)
        *error_number = mysql_errno(mysql);
    char *subject = my_url_format(url, database, false);
    char *message = my_conn_error(mysql, url->password);
    diag_add(diags, NULL, 0, 0, "%s: %s (error %u)", subject ? subject : "server",
             message ? message : "out of memory", mysql_errno(mysql));
    free(subject);
    free(message);
    mysql_close(mysql);
    return NULL;
}

static void add_error(MYSQL *mysql, const char *what, diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "%s: %s (error %u)", what, mysql_error(mysql), mysql_errno(mysql));
}

int my_conn_command(MYSQL *mysql, const char *sql, const char *what, diag_list *diags)
{
    if (mysql_real_query(mysql, sql, strlen(sql)) != 0) {
        add_error(mysql, what, diags);
        return -1;
    }
    int status;
    do { /* drain every result (a CALL or a multi-statement returns several) */
        MYSQL_RES *result = mysql_store_result(mysql);
        if (result)
            mysql_free_result(result);
        else if (mysql_field_count(mysql) != 0) {
            add_error(mysql, what, diags);
            return -1;
        }
        status = mysql_next_result(mysql);
    } while (status == 0);
    if (status > 0) {
        add_error(mysql, what, diags);
        return -1;
    }
    return 0;
}

char *my_conn_query_value(MYSQL *mysql, const char *sql, bool *found, diag_list *diags)
{
    *found = false;
    if (mysql_real_query(mysql, sql, strlen(sql)) != 0) {
        add_error(mysql, sql, diags);
        return NULL;
    }
    MYSQL_RES *result = mysql_store_result(mysql);
    if (!result) {
        add_error(mysql, sql, diags);
        return NULL;
    }
    MYSQL_ROW row = mysql_fetch_row(result);
    char *value = NULL;
    if (row && mysql_num_fields(result) > 0 && row[0]) {
        unsigned long *lengths = mysql_fetch_lengths(result);
        value = malloc(lengths[0] + 1);
        if (value) {
            memcpy(value, row[0], lengths[0]);
            value[lengths[0]] = '\0';
            *found = true;
        } else {
            diag_add(diags, NULL, 0, 0, "out of memory");
        }
    }
    mysql_free_result(result);
    return value;
}

void my_append_identifier(strbuf *sb, const char *name)
{
    strbuf_append_char(sb, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`')
            strbuf_append_char(sb, '`');
        strbuf_append_char(sb, *p);
    }
    strbuf_append_char(sb, '`');
}

void my_conn_append_string(strbuf *sb, MYSQL *mysql, const char *value, size_t length)
{
    char *escaped = malloc(2 * length + 1);
    if (!escaped) {
        sb->failed = true;
        return;
    }
    unsigned long n = mysql_real_escape_string(mysql, escaped, value, (unsigned long)length);
    strbuf_append_char(sb, '\'');
    strbuf_append(sb, escaped, n);
    strbuf_append_char(sb, '\'');
    free(escaped);
}

void my_append_requalified(strbuf *sb, const char *text, const char *prefix, const char *from,
                           const char *to)
{
    strbuf find = STRBUF_INIT, with = STRBUF_INIT;
    if (from) {
        strbuf_append_str(&find, prefix);
        my_append_identifier(&find, from);
        strbuf_append_char(&find, '.');
        strbuf_append_str(&with, prefix);
        if (to) {
            my_append_identifier(&with, to);
            strbuf_append_char(&with, '.');
        }
    }
    if (find.failed || with.failed)
        sb->failed = true;
    else if (from)
        strbuf_append_replaced(sb, text, strbuf_str(&find), strbuf_str(&with));
    else
        strbuf_append_str(sb, text);
    strbuf_free(&find);
    strbuf_free(&with);
}
