/*
 * pgkinds_gc.c — what `foster gc` removes for the PostgreSQL kinds: marked
 * databases of dead processes of this host on the postgres kind's server,
 * and the containers of dead, unkept runs recorded here.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgconn.h"
#include "pgcontainer.h"
#include "pgkinds.h"
#include "pgmarker.h"

/*
 * The postgres kind's server: marked databases of this host whose process
 * is dead and whose run has no record here. Only for the session's own kind:
 * its manifest names the server.
 */
void pg_collect_server_garbage(backend_gc *gc)
{
    if (!gc->own_kind)
        return;
    diag_list problems = DIAG_LIST_INIT;
    PGconn *admin = pgconn_connect(gc->setup->server_url, &problems);
    pg_marked_database *databases = NULL;
    size_t count = 0;
    if (!admin || pg_marked_databases(admin, &databases, &count, &problems) < 0) {
        const diag *d = diag_list_last(&problems);
        backend_gc_say(gc, "could not look at the server: %s", d ? d->message : "failed");
        gc->failures++;
    }
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    for (size_t i = 0; i < count; i++) {
        pg_marked_database *d = &databases[i];
        bool kept = false;
        bool recorded = gc->recorded(gc, d->run_id, &kept);
        bool dead = d->pid > 0 && !gc->alive(d->pid);
        if (recorded || strcmp(d->host, host) != 0 || !dead)
            continue;
        if (gc->dry_run) {
            backend_gc_say(gc, "would drop database %s (run %s, dead process %ld)", d->name,
                           d->run_id, (long)d->pid);
        } else if (pg_drop_marked(admin, d->name, &problems) == 0) {
            backend_gc_say(gc, "dropped database %s (run %s, dead process %ld)", d->name, d->run_id,
                           (long)d->pid);
        } else {
            backend_gc_say(gc, "could not drop database %s", d->name);
            gc->failures++;
        }
    }
    pg_marked_databases_free(databases, count);
    PQfinish(admin);
    diag_list_clear(&problems);
}

/* Whether an earlier entry of the list names the same container (podman-docker shares a store). */
static bool listed_before(const pg_container_entry *entries, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(entries[j].name, entries[i].name) == 0)
            return true;
    return false;
}

/* Removes one container of a dead run recorded here, and then its record. */
static void remove_container(backend_gc *gc, const pg_container_entry *e, const char *run)
{
    diag_list problems = DIAG_LIST_INIT;
    pg_container *container = pg_container_attach(e->engine, e->name, &problems);
    bool already_gone = !container && diag_list_last_kind(&problems) == DIAG_NOT_FOUND;
    if (already_gone || (container && pg_container_stop(container, &problems) == 0)) {
        backend_gc_say(gc, "removed container %s (%s, run %s, dead process %ld)", e->name,
                       e->engine, run, (long)e->owner_pid);
        gc->forget(gc, e->run_id);
    } else {
        backend_gc_say(gc, "could not remove container %s", e->name);
        gc->failures++;
    }
    pg_container_free(container);
    diag_list_clear(&problems);
}

/*
 * Containers labelled foster=1 whose run has a record here that was not kept
 * and whose foster process is dead. A container with no record here may be
 * another user's, or another runtime directory's kept run: it is named and
 * left alone (a label cannot say "kept": `up` decides after the container
 * started). Such containers are removed with the engine's own tools.
 */
void pg_collect_container_garbage(backend_gc *gc)
{
    diag_list problems = DIAG_LIST_INIT;
    size_t count = 0;
    pg_container_entry *entries = pg_container_list(NULL, &count, &problems);
    for (size_t i = 0; entries && i < count; i++) {
        pg_container_entry *e = &entries[i];
        if (listed_before(entries, i))
            continue;
        bool kept = false;
        bool recorded = e->run_id && gc->recorded(gc, e->run_id, &kept);
        bool dead = e->owner_pid > 0 && !gc->alive(e->owner_pid);
        if (kept || !dead)
            continue;
        const char *run = e->run_id ? e->run_id : "?";
        if (!recorded)
            backend_gc_say(gc,
                           "left container %s (%s, run %s): no run record here claims it; "
                           "remove it with `%s rm -f %s` if it is yours",
                           e->name, e->engine, run, e->engine, e->name);
        else if (gc->dry_run)
            backend_gc_say(gc, "would remove container %s (%s, run %s, dead process %ld)", e->name,
                           e->engine, run, (long)e->owner_pid);
        else
            remove_container(gc, e, run);
    }
    pg_container_list_free(entries, count);
    diag_list_clear(&problems);
}
