/*
 * keep.c — leaving a run's database for later on purpose (`up`, `run
 * --keep`): the record and the marker say "kept", so that only `foster down`
 * removes it, and the password goes into a private password file rather
 * than into printed output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "strbuf.h"

static int write_record(foster_session *s)
{
    return run_record_write(s->runtime_dir, &s->record, &s->problems);
}

/* One .pgpass field: ':' and '\\' are escaped with a backslash. */
static void append_passfile_field(strbuf *sb, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == ':' || *p == '\\')
            strbuf_append_char(sb, '\\');
        strbuf_append_char(sb, *p);
    }
}

/*
 * A kept run's environment is printed (`up`), and a password must never be
 * (safety rule 3): it goes into a 0600 password file in the runtime directory
 * instead, named by PGPASSFILE, which libpq (and so psql, psycopg2, Django)
 * reads. Removed with the run.
 */
static foster_result hide_password(foster_session *s)
{
    env_var *password = NULL;
    const char *host = "*", *port = "*", *database = "*", *user = "*";
    for (size_t i = 0; i < s->env_count; i++) {
        env_var *v = &s->env[i];
        if (strcmp(v->name, "PGPASSWORD") == 0)
            password = v;
        else if (strcmp(v->name, "PGHOST") == 0)
            host = v->value;
        else if (strcmp(v->name, "PGPORT") == 0)
            port = v->value;
        else if (strcmp(v->name, "PGDATABASE") == 0)
            database = v->value;
        else if (strcmp(v->name, "PGUSER") == 0)
            user = v->value;
    }
    if (!password)
        return FOSTER_OK;
    strbuf line = STRBUF_INIT;
    const char *fields[] = {host, port, database, user, password->value};
    for (size_t i = 0; i < 5; i++) {
        if (i)
            strbuf_append_char(&line, ':');
        append_passfile_field(&line, fields[i]);
    }
    strbuf_append_char(&line, '\n');
    char *path = session_passfile_path(s);
    char *name = strdup("PGPASSFILE");
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    bool written =
        fd >= 0 && !line.failed && write(fd, line.data, line.length) == (ssize_t)line.length;
    if (fd >= 0)
        close(fd);
    explicit_bzero(line.data, line.length);
    strbuf_free(&line);
    if (!written || !name) {
        diag_add(&s->problems, path, 0, 0, "cannot write the password file: %s", strerror(errno));
        free(path);
        free(name);
        return FOSTER_ERROR_SYSTEM;
    }
    explicit_bzero(password->value, strlen(password->value));
    free(password->name);
    free(password->value);
    password->name = name;
    password->value = path;
    return FOSTER_OK;
}

foster_result foster_keep(foster_session *s)
{
    session_clear_error(s);
    if (s->state != SESSION_PROVISIONED || !s->runtime_dir) {
        diag_add(&s->problems, NULL, 0, 0,
                 s->runtime_dir ? "nothing provisioned to keep"
                                : "an in-memory database cannot outlive its process");
        return session_fail(s, FOSTER_ERROR_MISUSE);
    }
    s->record.kept = true;
    if (write_record(s) < 0)
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    if (s->backend->ops->mark_kept(s->backend, &s->problems) < 0)
        return session_fail(s, FOSTER_ERROR_DATABASE);
    s->kept = true;
    /* A kept database's environment may differ (no password in a printed URL). */
    if (session_build_environment(s) != FOSTER_OK)
        return session_fail(s, FOSTER_ERROR_NOMEM);
    foster_result result = hide_password(s);
    return result == FOSTER_OK ? FOSTER_OK : session_fail(s, result);
}
