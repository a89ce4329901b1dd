/*
 * keep.c — leaving a run's database for later on purpose (`up`, `run
 * --keep`): the record and the marker say "kept", so that only `foster down`
 * removes it, and the password goes into a private password file rather
 * than into printed output; and the client option file some kinds write for
 * every run (MySQL's my.cnf), and its removal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_kind.h"
#include "session.h"
#include "strbuf.h"

static int write_record(foster_session *s)
{
    return run_record_write(s->runtime_dir, &s->record, &s->problems);
}

/* The directory of a kind's secret file, for one with secret_home: a new string. */
static char *secret_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path)) : NULL;
}

void session_remove_secret(const backend_kind *kind, const char *runtime_dir, const char *run_id)
{
    char *path = session_secret_file(kind, runtime_dir, run_id);
    if (!path)
        return;
    unlink(path);
    char *directory = kind->secret_home[0] ? secret_directory(path) : NULL;
    if (directory)
        rmdir(directory);
    free(directory);
    free(path);
}

int session_add_secret_environment(foster_session *s)
{
    const backend_kind *kind = s->kind;
    if (!kind->secret_home[0] || !s->runtime_dir)
        return 0;
    char *path = session_secret_path(s);
    char *directory = path ? secret_directory(path) : NULL;
    int rc = directory ? env_list_add(&s->env, &s->env_count, kind->secret_variable, path) : -1;
    for (size_t i = 0; rc == 0 && i < 2 && kind->secret_home[i]; i++)
        rc = env_list_add(&s->env, &s->env_count, kind->secret_home[i], directory);
    free(directory);
    free(path);
    return rc;
}

/*
 * `content` into the 0600 file `path`, for a kind with secret_home in a 0700
 * directory of its own, made here or one this user already made; 0, or -1
 * with errno set.
 */
static int write_private(const char *path, const strbuf *content, bool home)
{
    char *directory = home ? secret_directory(path) : NULL;
    if (home) {
        struct stat st;
        bool ready = directory && (mkdir(directory, 0700) == 0 ||
                                   (errno == EEXIST && lstat(directory, &st) == 0 &&
                                    S_ISDIR(st.st_mode) && st.st_uid == geteuid()));
        free(directory);
        if (!ready)
            return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    bool written = write(fd, content->data, content->length) == (ssize_t)content->length;
    int error = written ? 0 : errno ? errno : EIO;
    close(fd);
    errno = error;
    return written ? 0 : -1;
}

/*
 * A kept run's environment is printed (`up`), and a password must never be
 * (safety rule 3): the kind writes it into a 0600 file in the runtime
 * directory that its clients read (PostgreSQL: a password file named by
 * PGPASSFILE), which replaces the variable (`hide`). A kind with secret_home
 * (MySQL) writes its file for every run, password or not, and its
 * environment names the file already: the password variable only goes.
 * Removed with the run.
 */
static foster_result write_secret(foster_session *s, bool hide)
{
    const backend_kind *kind = s->kind;
    bool home = kind->secret_home[0] != NULL;
    if (!kind->write_secret)
        return FOSTER_OK;
    strbuf content = STRBUF_INIT;
    long index = kind->write_secret(s->env, s->env_count, &content);
    if (index < 0 && !home) {
        strbuf_free(&content);
        return FOSTER_OK;
    }
    char *path = session_secret_path(s);
    char *name = hide && !home ? strdup(kind->secret_variable) : NULL;
    errno = ENOMEM;
    bool written = path && !content.failed && write_private(path, &content, home) == 0;
    int error = errno;
    if (content.data)
        explicit_bzero(content.data, content.length);
    strbuf_free(&content);
    if (!written || (hide && !home && !name)) {
        diag_add(&s->problems, path, 0, 0, "cannot write the %s file: %s",
                 home ? "client option" : "password", strerror(error));
        free(path);
        free(name);
        return FOSTER_ERROR_SYSTEM;
    }
    if (!hide || index < 0) {
        free(path);
        return FOSTER_OK;
    }
    env_var *password = &s->env[index];
    explicit_bzero(password->value, strlen(password->value));
    free(password->name);
    free(password->value);
    if (home) {
        free(path);
        memmove(password, password + 1, (s->env_count - (size_t)index - 1) * sizeof *password);
        s->env_count--;
        return FOSTER_OK;
    }
    password->name = name;
    password->value = path;
    return FOSTER_OK;
}

foster_result session_write_client_file(foster_session *s)
{
    if (!s->kind->secret_home[0] || !s->runtime_dir)
        return FOSTER_OK;
    return write_secret(s, false);
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
    foster_result result = write_secret(s, true);
    return result == FOSTER_OK ? FOSTER_OK : session_fail(s, result);
}
