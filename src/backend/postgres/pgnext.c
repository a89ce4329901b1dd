/*
 * pgnext.c — the next reset's copy, made ahead by a detached helper. A
 * one-shot `foster reset` cannot keep a pipeline running after it exits, as
 * a process that lives on does (pgreset.c); so after the reset, a helper
 * (util/nexthelper.h: its own session, signals blocked, holding the run's
 * next.lock) drops the retired copy and creates <db>_next from the template,
 * marked, while the command returns at once. The next reset then only swaps
 * it in by two renames. The helper never stops half way: a database created
 * without its marker would be nobody's to drop.
 */
#include <stdlib.h>

#include "backend_postgres.h"
#include "nexthelper.h"
#include "pgconn.h"
#include "pgmarker.h"

void pg_wait_for_helper(pg_backend *p, bool remove)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    next_helper_wait(path, remove);
    free(path);
}

typedef struct next_work {
    const char *conninfo, *old, *next, *template, *marker;
} next_work;

/* In the helper: drop the retired copy, make the next one. */
static void make_next(void *context)
{
    const next_work *w = context;
    diag_list ignored = DIAG_LIST_INIT;
    PGconn *admin = pgconn_open(w->conninfo);
    int rc = PQstatus(admin) == CONNECTION_OK ? 0 : -1;
    if (rc == 0 && w->old)
        rc = pg_drop_marked(admin, w->old, &ignored);
    if (rc == 0)
        pg_create_marked(admin, w->next, w->template, w->marker, &ignored);
    PQfinish(admin);
    diag_list_clear(&ignored);
}

int pg_prepare_next_detached(pg_backend *p, const char *old, const char *next, const char *template)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    char *conninfo = p->source->ops->conninfo(p->source, NULL);
    next_work work = {conninfo, old, next, template, p->marker};
    int rc = path && conninfo ? next_helper_start(path, make_next, &work) : -1;
    free(path);
    free(conninfo);
    return rc;
}
