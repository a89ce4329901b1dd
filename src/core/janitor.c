/*
 * janitor.c — removes what runs whose foster process died left behind
 * (DESIGN safety rule 2): each `foster run` reaps its dead predecessors
 * before it provisions, cheaply (one look at the run records), with no
 * daemon; `foster gc` also looks for files no record claims and, on a
 * PostgreSQL server, for marked databases of dead processes on this host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_kinds.h"
#include "session.h"
#include "strbuf.h"

/*
 * A run on a server foster did not start can only be reached with the server
 * settings of its own manifest; files and foster's own servers need none.
 */
static bool reachable_from(const foster_session *s, const run_record *r)
{
    const backend_kind *kind = backend_kind_find(r->backend ? r->backend : "");
    if (!kind || !kind->needs_own_manifest)
        return true;
    char *manifest = realpath(s->manifest_path, NULL);
    bool same = manifest && r->manifest && strcmp(manifest, r->manifest) == 0;
    free(manifest);
    return same;
}

/*
 * Tears down run `r` through its kind, as `foster down` would. FOSTER_OK also
 * when only the record was left; on failure *why is the first problem and its
 * hint (caller frees). What it does with a half-made database goes to
 * `report` (may be NULL).
 */
static foster_result tear_down_run(foster_session *s, const run_record *r, char **why,
                                   foster_progress_fn report, void *context)
{
    diag_list problems = DIAG_LIST_INIT;
    foster_result result = existing_tear_down(s, r, report, context, &problems);
    *why = NULL;
    if (result != FOSTER_OK) {
        const diag *first = problems.count ? &problems.items[0] : NULL;
        char *text = first ? diag_format(first) : strdup("failed");
        if (text && first && first->hint) {
            *why = strbuf_format("%s\nhint: %s", text, first->hint);
            free(text);
        } else {
            *why = text;
        }
    }
    diag_list_clear(&problems);
    return result;
}

/*
 * Calls `visit` for the record of every run that was not kept and whose
 * foster is dead; `foreign` (may be NULL) for those whose pid means nothing
 * here (another host, boot or PID namespace), which are never reaped.
 */
static void for_each_dead_run(foster_session *s,
                              void (*visit)(foster_session *s, const run_record *r, void *context),
                              void (*foreign)(const run_record *r, const char *why, void *context),
                              void *context)
{
    diag_list ignored = DIAG_LIST_INIT;
    char **ids = run_record_ids(s->runtime_dir, &ignored);
    for (size_t i = 0; ids && ids[i]; i++) {
        run_record r;
        if (run_record_read(s->runtime_dir, ids[i], &r, &ignored) != 0)
            continue;
        const char *why = NULL;
        run_owner_state owner = r.kept ? RUN_OWNER_ALIVE : run_record_owner(&r, &why);
        if (owner == RUN_OWNER_DEAD)
            visit(s, &r, context);
        else if (owner == RUN_OWNER_FOREIGN && foreign)
            foreign(&r, why, context);
        run_record_free(&r);
    }
    run_record_ids_free(ids);
    diag_list_clear(&ignored);
}

static void reap(foster_session *s, const run_record *r, void *context)
{
    (void)context;
    if (strcmp(r->run_id, s->run_id) == 0 || !reachable_from(s, r))
        return;
    char *why = NULL;
    if (tear_down_run(s, r, &why, NULL, NULL) == FOSTER_OK)
        session_progress(s, "reaped run %s left by dead process %ld", r->run_id, (long)r->pid);
    else
        session_progress(s, "could not reap run %s left by dead process %ld: %s", r->run_id,
                         (long)r->pid, why ? why : "out of memory");
    free(why);
}

void janitor_reap_dead_runs(foster_session *s)
{
    for_each_dead_run(s, reap, NULL, NULL);
}

/* What gc says, one line an item. */
typedef struct gc_state {
    foster_session *session;
    bool dry_run;
    foster_progress_fn report;
    void *context;
    int failures;
} gc_state;

static void gc_say(gc_state *gc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gc_say(gc_state *gc, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *line = strbuf_vformat(fmt, args);
    va_end(args);
    if (line && gc->report)
        gc->report(gc->context, line);
    free(line);
}

/* Dead, unkept runs with a record: torn down as `down` would. */
static void gc_run(foster_session *s, const run_record *r, void *context)
{
    gc_state *gc = context;
    const char *what = r->url ? r->url : "no database yet";
    if (!reachable_from(s, r)) {
        gc_say(gc, "left run %s (%s): its server is known only to %s", r->run_id, what,
               r->manifest ? r->manifest : "its manifest");
        return;
    }
    if (gc->dry_run) {
        gc_say(gc, "would remove run %s (%s), left by dead process %ld", r->run_id, what,
               (long)r->pid);
        return;
    }
    char *why = NULL;
    if (tear_down_run(s, r, &why, gc->report, gc->context) == FOSTER_OK) {
        gc_say(gc, "removed run %s (%s), left by dead process %ld", r->run_id, what, (long)r->pid);
    } else {
        gc_say(gc, "could not remove run %s: %s", r->run_id, why ? why : "out of memory");
        gc->failures++;
    }
    free(why);
}

/* A record gc must not judge by its pid. */
static void gc_foreign_run(const run_record *r, const char *why, void *context)
{
    gc_state *gc = context;
    gc_say(gc, "left run %s: %s (host %s, PID namespace %s), so its pid %ld says nothing here",
           r->run_id, why, r->host ? r->host : "?", r->pid_ns ? r->pid_ns : "?", (long)r->pid);
}

/* Whether a record still names the database `file` (or its copies and snapshot) belongs to. */
static bool claimed_by_a_record(backend_gc *gc, const char *file)
{
    const char *directory = gc->setup->runtime_dir;
    diag_list ignored = DIAG_LIST_INIT;
    char **ids = run_record_ids(directory, &ignored);
    bool claimed = false;
    for (size_t i = 0; ids && ids[i] && !claimed; i++) {
        run_record r;
        if (run_record_read(directory, ids[i], &r, &ignored) == 0) {
            claimed = r.database && strncmp(file, r.database, strlen(r.database)) == 0;
            run_record_free(&r);
        }
    }
    run_record_ids_free(ids);
    diag_list_clear(&ignored);
    return claimed;
}

static bool gc_recorded(backend_gc *gc, const char *run_id, bool *kept)
{
    diag_list ignored = DIAG_LIST_INIT;
    run_record r;
    bool recorded = run_record_read(gc->setup->runtime_dir, run_id, &r, &ignored) == 0;
    const char *why = NULL;
    /* A pid (a container label's) means something only where the record's owner ran. */
    *kept = recorded && (r.kept || run_record_owner(&r, &why) == RUN_OWNER_FOREIGN);
    if (recorded)
        run_record_free(&r);
    diag_list_clear(&ignored);
    return recorded;
}

static void gc_forget(backend_gc *gc, const char *run_id)
{
    diag_list ignored = DIAG_LIST_INIT;
    run_record_remove(gc->setup->runtime_dir, run_id, &ignored);
    diag_list_clear(&ignored);
}

static void gc_hand_on(backend_gc *kind_gc, const char *line)
{
    gc_state *gc = kind_gc->context;
    if (gc->report)
        gc->report(gc->context, line);
}

/* What each kind finds: files, servers, containers no live run claims. */
static void gc_kinds(gc_state *gc)
{
    foster_session *s = gc->session;
    backend_setup setup = session_setup(s);
    setup.manifest = s->manifest_loaded ? &s->manifest : NULL;
    for (size_t i = 0; backend_kind_at(i); i++) {
        const backend_kind *kind = backend_kind_at(i);
        if (!kind->collect_garbage)
            continue;
        backend_gc kind_gc = {.setup = &setup,
                              .dry_run = gc->dry_run,
                              .own_kind = s->manifest_loaded && kind == s->kind,
                              .say = gc_hand_on,
                              .recorded = gc_recorded,
                              .claimed = claimed_by_a_record,
                              .forget = gc_forget,
                              .alive = runstate_process_alive,
                              .context = gc};
        kind->collect_garbage(&kind_gc);
        gc->failures += kind_gc.failures;
    }
}

foster_result foster_gc_templates(foster_session *s, bool dry_run, foster_progress_fn report,
                                  void *context)
{
    session_clear_error(s);
    if (!s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    gc_state gc = {s, dry_run, report, context, 0};
    backend_setup setup = session_setup(s);
    setup.manifest = s->manifest_loaded ? &s->manifest : NULL;
    for (size_t i = 0; backend_kind_at(i); i++) {
        const backend_kind *kind = backend_kind_at(i);
        if (!kind->collect_templates)
            continue;
        backend_gc kind_gc = {.setup = &setup,
                              .dry_run = dry_run,
                              .own_kind = s->manifest_loaded && kind == s->kind,
                              .say = gc_hand_on,
                              .context = &gc};
        kind->collect_templates(&kind_gc);
        gc.failures += kind_gc.failures;
    }
    if (gc.failures) {
        diag_add(&s->problems, NULL, 0, 0, "gc could not remove %d cached template(s)",
                 gc.failures);
        return session_fail(s, FOSTER_ERROR_DATABASE);
    }
    return FOSTER_OK;
}

foster_result foster_gc(foster_session *s, bool dry_run, foster_progress_fn report, void *context)
{
    session_clear_error(s);
    if (!s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    gc_state gc = {s, dry_run, report, context, 0};
    for_each_dead_run(s, gc_run, gc_foreign_run, &gc);
    gc_kinds(&gc);
    if (gc.failures) {
        diag_add(&s->problems, NULL, 0, 0, "gc could not remove %d item(s)", gc.failures);
        return session_fail(s, FOSTER_ERROR_DATABASE);
    }
    return FOSTER_OK;
}
