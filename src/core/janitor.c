/*
 * janitor.c — removes what runs whose foster process died left behind
 * (DESIGN safety rule 2): each `foster run` reaps its dead predecessors
 * before it provisions, cheaply (one look at the run records), with no
 * daemon; `foster gc` also looks for files no record claims and, on a
 * PostgreSQL server, for marked databases of dead processes on this host.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sqlite.h"
#include "pgconn.h"
#include "pgcontainer.h"
#include "pgmarker.h"
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

/*
 * Tears down run `run_id` through a sibling session, as `foster down` would.
 * FOSTER_OK also when only the record was left (attach removed it); on
 * failure *why is the sibling's message (caller frees).
 */
/* Where a sibling's lines about half-made databases go (the caller says the rest). */
typedef struct sibling_report {
    foster_progress_fn report;
    void *context;
} sibling_report;

static void forward_half_made(void *context, const char *line)
{
    const sibling_report *to = context;
    if (to->report && (strstr(line, "half-made") || strncmp(line, "left database ", 14) == 0))
        to->report(to->context, line);
}

static foster_result tear_down_run(foster_session *s, const char *run_id, char **why,
                                   foster_progress_fn report, void *context)
{
    foster_options options = s->options;
    sibling_report to = {report, context};
    options.progress = forward_half_made;
    options.progress_context = &to;
    foster_session *sibling = NULL;
    foster_result result = foster_open(&options, &sibling);
    if (result != FOSTER_ERROR_NOMEM)
        result = foster_attach(sibling, run_id);
    if (result == FOSTER_OK)
        result = foster_teardown(sibling);
    if (result == FOSTER_ERROR_NOT_FOUND)
        result = FOSTER_OK; /* died before creating anything: attach removed the record */
    *why = result == FOSTER_OK ? NULL : strdup(foster_errmsg(sibling));
    foster_close(sibling);
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
    if (tear_down_run(s, r->run_id, &why, NULL, NULL) == FOSTER_OK)
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
    if (tear_down_run(s, r->run_id, &why, gc->report, gc->context) == FOSTER_OK) {
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
static bool claimed_by_a_record(const char *directory, const char *file)
{
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

/* SQLite files in the runtime directory that no record claims any more. */
static void gc_orphan_files(gc_state *gc)
{
    const char *directory = gc->session->runtime_dir;
    DIR *dir = opendir(directory);
    struct dirent *entry;
    while (dir && (entry = readdir(dir))) {
        const char *name = entry->d_name;
        if (!str_has_suffix(name, ".sqlite3") && !str_has_suffix(name, ".sqlite3.pristine"))
            continue;
        if (claimed_by_a_record(directory, name))
            continue;
        char *path = strbuf_format("%s/%s", directory, name);
        if (!path)
            continue;
        if (!sqlite_file_has_marker(path)) {
            gc_say(gc, "left %s: it does not carry foster's marker", path);
        } else if (gc->dry_run) {
            gc_say(gc, "would remove %s (no run record claims it)", path);
        } else if (unlink(path) == 0) {
            gc_say(gc, "removed %s (no run record claimed it)", path);
        } else {
            gc_say(gc, "could not remove %s: %s", path, strerror(errno));
            gc->failures++;
        }
        free(path);
    }
    if (dir)
        closedir(dir);
}

/*
 * Why gc must leave marked database `d` that no record here claims, or NULL
 * when it is abandoned: named as foster names its run's databases, not kept,
 * made by this runtime directory on this host, boot and PID namespace, by a
 * process that is dead. Into `why` (a message of `size` bytes).
 */
static const char *cannot_prove_abandoned(const gc_state *gc, const pg_marked_database *d,
                                          char *why, size_t size)
{
    process_identity me;
    process_identity_get(&me);
    char *directory = realpath(gc->session->runtime_dir, NULL);
    if (!pg_marker_name_fits(d->name, d->run_id))
        snprintf(why, size, "its name is not one foster gives run %s (renamed?)", d->run_id);
    else if (d->kept)
        snprintf(why, size, "kept by `foster up` (run %s, uid %ld, runtime directory %s)",
                 d->run_id, d->uid, d->dir ? d->dir : "?");
    else if (!d->dir || !d->boot || !d->pidns)
        snprintf(why, size, "its marker (of an older foster) names no runtime directory");
    else if (strcmp(d->host, me.host) != 0)
        snprintf(why, size, "made on host %s", d->host);
    else if (strcmp(d->pidns, me.pid_ns) != 0)
        snprintf(why, size, "made in another PID namespace (%s)", d->pidns);
    else if (strcmp(d->boot, me.boot_id) != 0)
        snprintf(why, size, "made before this machine last booted");
    else if (!directory || strcmp(d->dir, directory) != 0)
        snprintf(why, size, "made by the runtime directory %s, not this one", d->dir);
    else if (d->pid <= 0 || runstate_process_alive(d->pid))
        snprintf(why, size, "its foster process %ld still runs", (long)d->pid);
    else
        why = NULL;
    free(directory);
    return why;
}

/*
 * The postgres backend's server: marked databases no record here claims,
 * dropped only when cannot_prove_abandoned finds nothing; the others are
 * named with the reason they stay.
 */
static void gc_server(gc_state *gc)
{
    foster_session *s = gc->session;
    if (s->dialect != SCHEMA_POSTGRES || session_is_cluster(s->backend_name) ||
        strcmp(s->backend_name, "postgres") != 0)
        return;
    diag_list problems = DIAG_LIST_INIT;
    PGconn *admin = pgconn_connect(session_server_conninfo(s), &problems);
    pg_marked_database *databases = NULL;
    size_t count = 0;
    if (!admin || pg_marked_databases(admin, &databases, &count, &problems) < 0) {
        const diag *d = diag_list_last(&problems);
        gc_say(gc, "could not look at the server: %s", d ? d->message : "failed");
        gc->failures++;
    }
    for (size_t i = 0; i < count; i++) {
        pg_marked_database *d = &databases[i];
        run_record r;
        if (run_record_read(s->runtime_dir, d->run_id, &r, &problems) == 0) {
            run_record_free(&r);
            continue; /* its record decides: see gc_run */
        }
        char why[512];
        if (cannot_prove_abandoned(gc, d, why, sizeof why))
            gc_say(gc, "left database %s: %s", d->name, why);
        else if (gc->dry_run)
            gc_say(gc, "would drop database %s (run %s, dead process %ld)", d->name, d->run_id,
                   (long)d->pid);
        else if (pg_drop_marked(admin, d->name, &problems) == 0)
            gc_say(gc, "dropped database %s (run %s, dead process %ld)", d->name, d->run_id,
                   (long)d->pid);
        else {
            gc_say(gc, "could not drop database %s", d->name);
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

/*
 * Containers labelled foster=1 whose run has a record here that was not kept
 * and whose foster process is dead. A container with no record here may be
 * another user's, or another runtime directory's kept run: it is named and
 * left alone (a label cannot say "kept": `up` decides after the container
 * started). Such containers are removed with the engine's own tools.
 */
static void gc_containers(gc_state *gc)
{
    foster_session *s = gc->session;
    diag_list problems = DIAG_LIST_INIT;
    size_t count = 0;
    pg_container_entry *entries = pg_container_list(NULL, &count, &problems);
    for (size_t i = 0; entries && i < count; i++) {
        pg_container_entry *e = &entries[i];
        if (listed_before(entries, i))
            continue;
        run_record r;
        bool recorded = e->run_id && run_record_read(s->runtime_dir, e->run_id, &r, &problems) == 0;
        const char *why = NULL;
        /* The label's pid means something only where the record's owner ran. */
        bool kept = recorded && (r.kept || run_record_owner(&r, &why) == RUN_OWNER_FOREIGN);
        if (recorded)
            run_record_free(&r);
        bool dead = e->owner_pid > 0 && !runstate_process_alive(e->owner_pid);
        if (kept || !dead)
            continue;
        const char *run = e->run_id ? e->run_id : "?";
        if (!recorded) {
            gc_say(gc,
                   "left container %s (%s, run %s): no run record here claims it; remove it "
                   "with `%s rm -f %s` if it is yours",
                   e->name, e->engine, run, e->engine, e->name);
            continue;
        }
        if (gc->dry_run) {
            gc_say(gc, "would remove container %s (%s, run %s, dead process %ld)", e->name,
                   e->engine, run, (long)e->owner_pid);
            continue;
        }
        diag_list attach_problems = DIAG_LIST_INIT;
        pg_container *container = pg_container_attach(e->engine, e->name, &attach_problems);
        const diag *d = diag_list_last(&attach_problems);
        bool already_gone = !container && d && strcasestr(d->message, "no such");
        if (already_gone || (container && pg_container_stop(container, &problems) == 0)) {
            gc_say(gc, "removed container %s (%s, run %s, dead process %ld)", e->name, e->engine,
                   run, (long)e->owner_pid);
            run_record_remove(s->runtime_dir, e->run_id, &problems);
        } else {
            gc_say(gc, "could not remove container %s", e->name);
            gc->failures++;
        }
        diag_list_clear(&attach_problems);
        pg_container_free(container);
    }
    pg_container_list_free(entries, count);
    diag_list_clear(&problems);
}

foster_result foster_gc(foster_session *s, bool dry_run, foster_progress_fn report, void *context)
{
    session_clear_error(s);
    if (!s->runtime_dir && !(s->runtime_dir = runstate_directory(&s->problems)))
        return session_fail(s, FOSTER_ERROR_SYSTEM);
    gc_state gc = {s, dry_run, report, context, 0};
    for_each_dead_run(s, gc_run, gc_foreign_run, &gc);
    gc_orphan_files(&gc);
    gc_containers(&gc);
    if (s->manifest_loaded && s->backend_name)
        gc_server(&gc);
    if (gc.failures) {
        diag_add(&s->problems, NULL, 0, 0, "gc could not remove %d item(s)", gc.failures);
        return session_fail(s, FOSTER_ERROR_DATABASE);
    }
    return FOSTER_OK;
}
