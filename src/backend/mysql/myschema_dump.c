/*
 * myschema_dump.c — the owner's MySQL/MariaDB DDL (backend_kind's
 * dump_schema for the `mysql` kind): `mariadb-dump --no-data` (else MySQL's
 * `mysqldump`) in one consistent-snapshot transaction without locks
 * (--single-transaction), or, when neither is installed, SHOW CREATE TABLE
 * inside START TRANSACTION READ ONLY. Neither writes to the owner's
 * database. The password goes to the dump tool through MYSQL_PWD, never on
 * its command line. The table option AUTO_INCREMENT=N (the next key, which
 * every insert changes) is left out, so that a snapshot changes only when
 * the schema does. A table the database lacks gives no DDL (not an error).
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "myconn.h"
#include "myschema_dump.h"
#include "myurl.h"
#include "strbuf.h"

/* The dump tool's arguments: no option files, no data, no locks, then database and tables. */
static char **dump_argv(const char *tool, const my_url *url, const char *const *tables,
                        size_t table_count, size_t *count)
{
    char **argv = calloc(table_count + 16, sizeof *argv);
    if (!argv)
        return NULL;
    size_t n = 0;
    const char *fixed[] = {tool,
                           "--no-defaults",
                           "--no-data",
                           "--single-transaction",
                           "--skip-lock-tables",
                           "--skip-comments",
                           "--skip-add-drop-table"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = strdup(fixed[i]);
    if (url->user)
        argv[n++] = strbuf_format("--user=%s", url->user);
    if (url->unix_socket)
        argv[n++] = strbuf_format("--socket=%s", url->unix_socket);
    else if (url->host)
        argv[n++] = strbuf_format("--host=%s", url->host);
    if (url->port)
        argv[n++] = strbuf_format("--port=%u", url->port);
    if (url->charset)
        argv[n++] = strbuf_format("--default-character-set=%s", url->charset);
    argv[n++] = strdup(url->database);
    for (size_t i = 0; i < table_count; i++) {
        const char *dot = strchr(tables[i], '.');
        argv[n++] = strdup(dot ? dot + 1 : tables[i]);
    }
    *count = n;
    for (size_t i = 0; i < n; i++)
        if (!argv[i])
            return strings_free(argv, n), NULL;
    return argv;
}

/* `tool`'s exit status (127: not found), its output in *out; -1 when it could not run. */
static int run_dump(const char *tool, const my_url *url, const char *const *tables,
                    size_t table_count, char **out, char **err, diag_list *diags)
{
    size_t count = 0;
    char **argv = dump_argv(tool, url, tables, table_count, &count);
    if (!argv)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    const char *names[] = {"MYSQL_PWD", "LC_ALL", "LANG"};
    const char *values[] = {url->password, "C", NULL};
    int status = capture_run(argv, names, values, 3, out, err, diags);
    strings_free(argv, count);
    if (status > 0 && table_count && *err && strstr(*err, "Couldn't find table")) {
        free(*out);
        *out = strdup(""); /* a table the owner lacks: no DDL, as for PostgreSQL */
        status = *out ? 0 : -1;
    }
    return status;
}

static int conn_failed(MYSQL *conn, const char *what, diag_list *diags)
{
    char *message = my_conn_error(conn, NULL);
    diag *d = diag_add(diags, NULL, 0, 0, "%s: %s", what, message ? message : "");
    diag_set_kind(d, DIAG_ENGINE);
    free(message);
    return -1;
}

/* Each row's second column (SHOW CREATE TABLE's statement) and ";", into `out`. */
static int show_create(MYSQL *conn, const char *table, strbuf *out, diag_list *diags)
{
    strbuf sql = STRBUF_INIT;
    strbuf_append_str(&sql, "SHOW CREATE TABLE ");
    my_append_identifier(&sql, table);
    int rc = sql.failed ? -1 : mysql_query(conn, sql.data);
    strbuf_free(&sql);
    if (rc != 0) {
        if (mysql_errno(conn) == 1146) /* ER_NO_SUCH_TABLE: no DDL */
            return 0;
        return conn_failed(conn, "SHOW CREATE TABLE", diags);
    }
    MYSQL_RES *res = mysql_store_result(conn);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    if (row && mysql_num_fields(res) >= 2 && row[1])
        strbuf_appendf(out, "%s;\n\n", row[1]);
    mysql_free_result(res);
    return 0;
}

/* Without a dump tool: SHOW CREATE TABLE of each table, in a read-only transaction. */
static int show_create_tables(const my_url *url, const char *const *tables, size_t table_count,
                              strbuf *out, diag_list *diags)
{
    MYSQL *conn = my_conn_open(url, NULL, 30, NULL, diags);
    if (!conn)
        return -1;
    int rc = my_conn_command(conn, "START TRANSACTION READ ONLY", "a read-only transaction", diags);
    for (size_t i = 0; !rc && i < table_count; i++) {
        const char *dot = strchr(tables[i], '.');
        rc = show_create(conn, dot ? dot + 1 : tables[i], out, diags);
    }
    if (!rc && !table_count) {
        MYSQL_RES *res = NULL;
        if (mysql_query(
                conn, "SHOW FULL TABLES WHERE Table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')") !=
                0 ||
            !(res = mysql_store_result(conn)))
            rc = conn_failed(conn, "SHOW TABLES", diags);
        for (MYSQL_ROW row; !rc && res && (row = mysql_fetch_row(res));)
            rc = show_create(conn, row[0], out, diags);
        mysql_free_result(res);
    }
    mysql_query(conn, "ROLLBACK");
    mysql_close(conn);
    return rc;
}

/* `dump` without the table option " AUTO_INCREMENT=N", after `header`: a new string. */
static char *without_next_keys(const char *header, const char *dump)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, header);
    for (const char *p = dump; *p;) {
        if (strncmp(p, " AUTO_INCREMENT=", 16) == 0 && strspn(p + 16, "0123456789")) {
            p += 16 + strspn(p + 16, "0123456789");
            continue;
        }
        strbuf_append_char(&sb, *p++);
    }
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

/* A dump tool that ran and failed: its words (password hidden), and what to install. */
static void dump_failed(const char *tool, const char *url, const my_url *parsed, int status,
                        const char *err, diag_list *diags)
{
    char *where = my_url_redact(url);
    strbuf said = STRBUF_INIT;
    for (const char *p = err ? err : ""; *p; p++) {
        size_t pw = parsed->password ? strlen(parsed->password) : 0;
        if (pw && strncmp(p, parsed->password, pw) == 0) {
            strbuf_append_str(&said, "***");
            p += pw - 1;
        } else if (*p != '\n' || p[1]) {
            strbuf_append_char(&said, *p);
        }
    }
    diag *d = diag_add(diags, NULL, 0, 0, "%s of %s failed (exit %d): %s", tool,
                       where ? where : "the owner's database", status, said.data ? said.data : "");
    diag_set_kind(d, DIAG_ENGINE);
    free(where);
    strbuf_free(&said);
}

int my_dump_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                   diag_list *diags)
{
    my_url parsed;
    if (my_url_parse(url, &parsed, diags) < 0)
        return -1;
    if (!parsed.database || !parsed.database[0]) {
        char *where = my_url_redact(url);
        diag *d = diag_add(diags, NULL, 0, 0, "%s names no database", where ? where : "the URL");
        diag_set_hint(d, "give the owner's database as mysql://USER@HOST:PORT/DATABASE");
        diag_set_kind(d, DIAG_BAD_INPUT);
        free(where);
        my_url_free(&parsed);
        return -1;
    }
    const char *tools[] = {"mariadb-dump", "mysqldump"};
    char *out = NULL, *err = NULL;
    int status = 127;
    const char *tool = NULL;
    for (size_t i = 0; i < 2 && status == 127; i++) {
        free(out);
        free(err);
        out = err = NULL;
        tool = tools[i];
        status = run_dump(tool, &parsed, tables, table_count, &out, &err, diags);
    }
    char *header = NULL;
    if (status == 127) { /* neither tool: the server's own SHOW CREATE TABLE */
        strbuf shown = STRBUF_INIT;
        status = show_create_tables(&parsed, tables, table_count, &shown, diags);
        free(out);
        out = status ? NULL : shown.data ? strbuf_detach(&shown) : strdup("");
        strbuf_free(&shown);
        header = strdup(MY_SCHEMA_HEADER "SHOW CREATE TABLE (no mariadb-dump or mysqldump "
                                         "found), in a read-only transaction\n");
    } else if (status == 0) {
        header = strbuf_format(MY_SCHEMA_HEADER "%s --no-data --single-transaction\n", tool);
    } else if (status > 0) {
        dump_failed(tool, url, &parsed, status, err, diags);
    }
    if (status == 0 && out && header && !(*sql = without_next_keys(header, out)))
        status = -1;
    free(header);
    free(out);
    free(err);
    my_url_free(&parsed);
    return status == 0 ? 0 : -1;
}
