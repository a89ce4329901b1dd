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

#include "backend_kind.h"
#include "session.h"
#include "strbuf.h"

static int write_record(foster_session *s)
{
    return run_record_write(s->runtime_dir, &s->record, &s->problems);
}

/*
 * A kept run's environment is printed (`up`), and a password must never be
 * (safety rule 3): the kind writes it into a 0600 file in the runtime
 * directory that its clients read (PostgreSQL: a password file named by
 * PGPASSFILE), which replaces the variable. Removed with the run.
 */
static foster_result hide_password(foster_session *s)
{
    const backend_kind *kind = s->kind;
    if (!kind->write_secret)
        return FOSTER_OK;
    strbuf content = STRBUF_INIT;
    long index = kind->write_secret(s->env, s->env_count, &content);
    if (index < 0) {
        strbuf_free(&content);
        return FOSTER_OK;
    }
    env_var *password = &s->env[index];
    char *path = session_secret_path(s);
    char *name = strdup(kind->secret_variable);
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    bool written = fd >= 0 && !content.failed &&
                   write(fd, content.data, content.length) == (ssize_t)content.length;
    if (fd >= 0)
        close(fd);
    if (content.data)
        explicit_bzero(content.data, content.length);
    strbuf_free(&content);
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

char *foster_client_command(const foster_session *s)
{
    const char *url = foster_url(s);
    if (!url || !s->kind->client_command)
        return NULL;
    return s->kind->client_command(url, s->env, s->env_count);
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
