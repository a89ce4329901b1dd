/*
 * janitor.c — removes what runs whose foster process died left behind
 * (DESIGN safety rule 2): each `foster run` reaps its dead predecessors
 * before it provisions, cheaply (one look at the run records), with no
 * daemon.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "strbuf.h"

/*
 * A PostgreSQL run on an existing server can only be reached with the
 * server settings of its own manifest; SQLite files and clusters need none.
 */
static bool reachable_from(const foster_session *s, const run_record *r)
{
    if (!r->backend || strcmp(r->backend, "postgres") != 0)
        return true;
    char *manifest = realpath(s->manifest_path, NULL);
    bool same = manifest && r->manifest && strcmp(manifest, r->manifest) == 0;
    free(manifest);
    return same;
}

/* Tears down one dead run through a sibling session, as `foster down` would. */
static void reap(foster_session *s, const run_record *r)
{
    foster_options options = s->options;
    options.progress = NULL; /* one line below says what happened */
    foster_session *sibling = NULL;
    foster_result result = foster_open(&options, &sibling);
    if (result == FOSTER_OK || result == FOSTER_ERROR_INPUT)
        result = foster_attach(sibling, r->run_id);
    if (result == FOSTER_OK)
        result = foster_teardown(sibling);
    if (result == FOSTER_ERROR_NOT_FOUND)
        result = FOSTER_OK; /* died before creating anything: attach removed the record */
    if (s->options.progress) {
        char *line =
            result == FOSTER_OK
                ? strbuf_format("reaped run %s left by dead process %ld", r->run_id, (long)r->pid)
                : strbuf_format("could not reap run %s left by dead process %ld: %s", r->run_id,
                                (long)r->pid, foster_errmsg(sibling));
        if (line)
            s->options.progress(s->options.progress_context, line);
        free(line);
    }
    foster_close(sibling);
}

void janitor_reap_dead_runs(foster_session *s)
{
    diag_list ignored = DIAG_LIST_INIT;
    char **ids = run_record_ids(s->runtime_dir, &ignored);
    for (size_t i = 0; ids && ids[i]; i++) {
        run_record r;
        if (strcmp(ids[i], s->run_id) == 0 ||
            run_record_read(s->runtime_dir, ids[i], &r, &ignored) != 0)
            continue;
        if (!r.kept && !run_record_owner_alive(&r) && reachable_from(s, &r))
            reap(s, &r);
        run_record_free(&r);
    }
    run_record_ids_free(ids);
    diag_list_clear(&ignored);
}
