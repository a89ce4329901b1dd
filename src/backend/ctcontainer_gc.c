/*
 * ctcontainer_gc.c — what `foster gc` removes of the container kinds,
 * whatever the server inside: foster's containers (label foster=1) of dead,
 * unkept runs recorded here, with their records. See ctcontainer.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend_kind.h"
#include "ctcontainer.h"

/* Whether an earlier entry of the list names the same container (podman-docker shares a store). */
static bool listed_before(const ct_container_entry *entries, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(entries[j].name, entries[i].name) == 0)
            return true;
    return false;
}

/* Removes one container of a dead run recorded here, and then its record. */
static void remove_container(backend_gc *gc, const ct_container_entry *e, const char *run)
{
    diag_list problems = DIAG_LIST_INIT;
    ct_container *container = ct_container_attach(e->engine, e->name, NULL, &problems);
    bool already_gone = !container && diag_list_last_kind(&problems) == DIAG_NOT_FOUND;
    if (already_gone || (container && ct_container_stop(container, &problems) == 0)) {
        backend_gc_say(gc, "removed container %s (%s, run %s, dead process %ld)", e->name,
                       e->engine, run, (long)e->owner_pid);
        gc->forget(gc, e->run_id);
    } else {
        backend_gc_say(gc, "could not remove container %s", e->name);
        gc->failures++;
    }
    ct_container_free(container);
    diag_list_clear(&problems);
}

/*
 * Containers labelled foster=1 whose run has a record here that was not kept
 * and whose foster process is dead. A container with no record here may be
 * another user's, or another runtime directory's kept run: it is named and
 * left alone (a label cannot say "kept": `up` decides after the container
 * started). Such containers are removed with the engine's own tools.
 */
void ct_collect_container_garbage(backend_gc *gc)
{
    diag_list problems = DIAG_LIST_INIT;
    size_t count = 0;
    ct_container_entry *entries = ct_container_list(NULL, &count, &problems);
    for (size_t i = 0; entries && i < count; i++) {
        ct_container_entry *e = &entries[i];
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
    ct_container_list_free(entries, count);
    diag_list_clear(&problems);
}
