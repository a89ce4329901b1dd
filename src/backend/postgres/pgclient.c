/*
 * pgclient.c — how a user reaches a kept PostgreSQL database: the password
 * goes into a libpq password file (PGPASSFILE), and the client is psql.
 */
#include "pgkinds.h"

#include <string.h>

/* One .pgpass field: ':' and '\\' are escaped with a backslash. */
static void append_passfile_field(strbuf *sb, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == ':' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
}

/* The .pgpass line for the run's PG* variables; the index of PGPASSWORD, or -1. */
long pg_write_secret(const env_var *env, size_t count, strbuf *content)
{
    long password = -1;
    const char *host = "*", *port = "*", *database = "*", *user = "*";
    for (size_t i = 0; i < count; i++) {
        const env_var *v = &env[i];
        if (strcmp(v->name, "PGPASSWORD") == 0)
            password = (long)i;
        else if (strcmp(v->name, "PGHOST") == 0)
            host = v->value;
        else if (strcmp(v->name, "PGPORT") == 0)
            port = v->value;
        else if (strcmp(v->name, "PGDATABASE") == 0)
            database = v->value;
        else if (strcmp(v->name, "PGUSER") == 0)
            user = v->value;
    }
    if (password < 0)
        return -1;
    const char *fields[] = {host, port, database, user, env[password].value};
    for (size_t i = 0; i < 5; i++) {
        if (i)
            strbuf_append_char(content, ':');
        append_passfile_field(content, fields[i]);
    }
    strbuf_append_char(content, '\n');
    return password;
}

/* "PGPASSFILE='…' psql 'URL'" (the password file only when the run has one). */
char *pg_client_command(const char *url, const env_var *env, size_t count)
{
    strbuf command = STRBUF_INIT;
    for (size_t i = 0; i < count; i++)
        if (strcmp(env[i].name, "PGPASSFILE") == 0) {
            strbuf_append_str(&command, "PGPASSFILE=");
            strbuf_append_shell_quoted(&command, env[i].value);
            strbuf_append_char(&command, ' ');
        }
    strbuf_append_str(&command, "psql ");
    strbuf_append_shell_quoted(&command, url);
    return strbuf_detach(&command);
}
