/*
 * myclient.c — how a user reaches a run's MySQL/MariaDB database: a 0600
 * client option file ([client] user, password, socket or host and port;
 * [mysql] database) that the mariadb and mysql clients read through
 * MYSQL_HOME and MARIADB_HOME after /etc/mysql's files (which may name
 * another server's socket, as Debian's does), or with --defaults-extra-file
 * as FOSTER_MYSQL_OPTION_FILE names it; a kept run's stands in for
 * MYSQL_PWD. The client is `mariadb`.
 */
#include <string.h>

#include "mykinds.h"

static const char *find(const env_var *env, size_t count, const char *name, long *index)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(env[i].name, name) == 0) {
            if (index)
                *index = (long)i;
            return env[i].value;
        }
    return NULL;
}

/* One option value, double-quoted with backslash escapes (the option file syntax). */
static void append_option(strbuf *sb, const char *key, const char *value)
{
    strbuf_appendf(sb, "%s=\"", key);
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
    strbuf_append_str(sb, "\"\n");
}

long my_write_secret(const env_var *env, size_t count, strbuf *content)
{
    long password = -1;
    find(env, count, "MYSQL_PWD", &password);
    static const char *const options[][2] = {
        {"MYSQL_USER", "user"}, {"MYSQL_PWD", "password"},  {"MYSQL_UNIX_PORT", "socket"},
        {"MYSQL_HOST", "host"}, {"MYSQL_TCP_PORT", "port"},
    };
    strbuf_append_str(content,
                      "# foster: the run's test database (removed with its run)\n[client]\n");
    for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
        const char *value = find(env, count, options[i][0], NULL);
        if (value)
            append_option(content, options[i][1], value);
    }
    if (find(env, count, "MYSQL_HOST", NULL))
        strbuf_append_str(content, "protocol=TCP\n");
    /* mariadb-dump and mariadb-admin refuse an unknown "database" in [client] */
    const char *database = find(env, count, "MYSQL_DATABASE", NULL);
    if (database) {
        strbuf_append_str(content, "[mysql]\n");
        append_option(content, "database", database);
    }
    return password;
}

char *my_client_command(const char *url, const env_var *env, size_t count)
{
    (void)url;
    strbuf command = STRBUF_INIT;
    strbuf_append_str(&command, "mariadb");
    const char *file = find(env, count, MY_SECRET_VARIABLE, NULL);
    if (file) {
        strbuf_append_str(&command, " --defaults-extra-file=");
        strbuf_append_shell_quoted(&command, file);
        return strbuf_detach(&command);
    }
    static const char *const options[][2] = {
        {"MYSQL_UNIX_PORT", " --socket="},
        {"MYSQL_HOST", " --host="},
        {"MYSQL_TCP_PORT", " --port="},
        {"MYSQL_USER", " --user="},
    };
    for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
        const char *value = find(env, count, options[i][0], NULL);
        if (value) {
            strbuf_append_str(&command, options[i][1]);
            strbuf_append_shell_quoted(&command, value);
        }
    }
    const char *database = find(env, count, "MYSQL_DATABASE", NULL);
    if (database) {
        strbuf_append_char(&command, ' ');
        strbuf_append_shell_quoted(&command, database);
    }
    return strbuf_detach(&command);
}
