/*
 * isolation.c — keeping tests apart: reset to the just-provisioned state,
 * per-test savepoints on foster's own connection, and one copy of the
 * database per parallel worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monotonic.h"
#include "session.h"

/* foster_options.jobs: one database per parallel worker, copied from the snapshot. */
foster_result session_make_copies(foster_session *s)
{
    if (s->options.jobs <= 1)
        return FOSTER_OK;
    double started = monotonic_seconds();
    s->copies = calloc((size_t)s->options.jobs, sizeof *s->copies);
    if (!s->copies)
        return FOSTER_ERROR_NOMEM;
    for (int i = 1; i <= s->options.jobs; i++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "%d", i);
        /* Recorded before it exists: a run killed now leaves no copy that down and gc miss. */
        s->record.copies = i;
        if (s->runtime_dir && run_record_write(s->runtime_dir, &s->record, &s->problems) < 0)
            return FOSTER_ERROR_SYSTEM;
        backend *copy = s->backend->ops->copy(s->backend, suffix, &s->problems);
        if (!copy)
            return FOSTER_ERROR_DATABASE;
        s->copies[s->copy_count++] = copy;
    }
    session_progress(s, "made %d copies for parallel workers in %.1f ms", s->options.jobs,
                     (monotonic_seconds() - started) * 1e3);
    return FOSTER_OK;
}

void session_drop_copies(foster_session *s, diag_list *problems)
{
    for (size_t i = 0; i < s->copy_count; i++) {
        s->copies[i]->ops->drop(s->copies[i], problems);
        s->copies[i]->ops->free(s->copies[i]);
    }
    free(s->copies);
    s->copies = NULL;
    s->copy_count = 0;
}

int session_drop_recorded_copies(foster_session *s)
{
    int rc = 0;
    for (int i = (int)s->copy_count + 1; i <= s->record.copies; i++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "%d", i);
        if (s->backend->ops->drop_copy(s->backend, suffix, &s->problems) < 0)
            rc = -1;
    }
    return rc;
}

foster_result session_name_leftover(foster_session *s)
{
    const diag *last = diag_list_last(&s->problems);
    char *why = last ? strdup(last->message) : NULL;
    diag_list_clear(&s->problems);
    diag *d = diag_add(&s->problems, NULL, 0, 0, "could not remove %s (run %s): %s",
                       s->database_name, s->run_id, why ? why : "failed");
    diag_set_hint(d,
                  "remove it later with `foster gc` (same manifest and server options) or "
                  "`foster down %s`; its record stays in %s",
                  s->run_id, s->runtime_dir ? s->runtime_dir : "the runtime directory");
    free(why);
    return FOSTER_ERROR_DATABASE;
}

/* The session must have a database (provisioned or attached) for these. */
static bool has_database(foster_session *s)
{
    if (s->state == SESSION_PROVISIONED)
        return true;
    diag_add(&s->problems, NULL, 0, 0, "the session has no test database");
    return false;
}

foster_result foster_reset(foster_session *s)
{
    session_clear_error(s);
    if (!has_database(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    double started = monotonic_seconds();
    /* A process that lives on (not a one-shot `foster reset`) gets the next copy ready. */
    bool lives_on = s->options.sqlite_in_memory || !s->kept;
    if (s->backend->ops->reset(s->backend, lives_on, &s->problems) < 0)
        return session_fail(s, FOSTER_ERROR_DATABASE);
    session_progress(s, "reset %s in %.1f ms", s->database_name,
                     (monotonic_seconds() - started) * 1e3);
    return FOSTER_OK;
}

foster_result foster_test_begin(foster_session *s)
{
    session_clear_error(s);
    if (!has_database(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    return s->backend->ops->test_begin(s->backend, &s->problems) == 0
               ? FOSTER_OK
               : session_fail(s, FOSTER_ERROR_DATABASE);
}

foster_result foster_test_end(foster_session *s)
{
    session_clear_error(s);
    if (!has_database(s))
        return session_fail(s, FOSTER_ERROR_MISUSE);
    return s->backend->ops->test_end(s->backend, &s->problems) == 0
               ? FOSTER_OK
               : session_fail(s, FOSTER_ERROR_DATABASE);
}

void *foster_connection(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->backend->ops->connection(s->backend) : NULL;
}

const char *foster_backend(const foster_session *s)
{
    return s && s->state == SESSION_PROVISIONED ? s->backend->ops->name : NULL;
}
