/*
 * pgkinds_gc.c — what `foster gc` removes for the PostgreSQL kinds: marked
 * databases of dead processes of this host on the postgres kind's server.
 * (The containers of dead runs: ctcontainer_gc.c, for every engine.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "pgconn.h"
#include "pgkinds.h"
#include "pgmarker.h"
#include "pgsource.h"
#include "pqapi.h"
#include "strbuf.h"

/*
 * The postgres kind's server: marked databases no record here claims,
 * dropped only when db_marker_must_leave finds nothing; the others are
 * named with the reason they stay. Only for the session's own kind: its
 * manifest names the server.
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
    for (size_t i = 0; i < count; i++) {
        pg_marked_database *d = &databases[i];
        bool kept = false;
        const db_marker *m = &d->marker;
        if (gc->recorded(gc, m->run_id, &kept))
            continue; /* its record decides: see the janitor's gc of runs */
        char why[512];
        if (db_marker_must_leave(gc, m, pg_marker_name_fits(d->name, m->run_id), why, sizeof why))
            backend_gc_say(gc, "left database %s: %s", d->name, why);
        else if (gc->dry_run)
            backend_gc_say(gc, "would drop database %s (run %s, dead process %ld)", d->name,
                           m->run_id, m->pid);
        else if (pg_drop_marked(admin, d->name, &problems) == 0)
            backend_gc_say(gc, "dropped database %s (run %s, dead process %ld)", d->name, m->run_id,
                           m->pid);
        else {
            backend_gc_say(gc, "could not drop database %s", d->name);
            gc->failures++;
        }
    }
    pg_marked_databases_free(databases, count);
    PQfinish(admin);
    diag_list_clear(&problems);
}

/* One progress line through `progress`. */
static void say_to(void (*progress)(void *, const char *), void *context, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say_to(void (*progress)(void *, const char *), void *context, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *line = strbuf_vformat(fmt, args);
    va_end(args);
    if (line)
        progress(context, line);
    free(line);
}

/*
 * A run on an existing server killed between CREATE DATABASE and its COMMENT
 * left a database its record names but no marker: when it fits the run and
 * holds nothing (pg_adopt_half_made), it is marked and dropped.
 */
void pg_finish_half_made(const backend_setup *setup, const backend_run *run,
                         void (*progress)(void *context, const char *line), void *context)
{
    pg_source *source = pg_source_existing(setup->server_url);
    char *admin_info = source ? source->ops->conninfo(source, NULL) : NULL;
    char *database_info = source ? source->ops->conninfo(source, run->database) : NULL;
    char *marker = db_marker_text(run->run_id, NULL, false);
    diag_list problems = DIAG_LIST_INIT;
    PGconn *admin = admin_info && marker ? pgconn_connect(admin_info, &problems) : NULL;
    diag_list absent = DIAG_LIST_INIT; /* a database that was never created cannot be reached */
    PGconn *database = admin ? pgconn_connect(database_info, &absent) : NULL;
    const char *why = NULL;
    int adopted = admin ? pg_adopt_half_made(admin, database, run->database, run->run_id, marker,
                                             &why, &problems)
                        : -1;
    if (adopted > 0 && pg_drop_marked(admin, run->database, &problems) == 0)
        say_to(progress, context, "run %s: dropped its half-made database %s", run->run_id,
               run->database);
    else if (adopted == 0 && strcmp(why, "it does not exist") != 0)
        say_to(progress, context, "left database %s: %s", run->database, why);
    else if (adopted != 0) {
        const diag *d = diag_list_last(&problems);
        say_to(progress, context, "could not finish the half-made database %s: %s", run->database,
               d ? d->message : "out of memory");
    }
    PQfinish(database);
    PQfinish(admin);
    diag_list_clear(&absent);
    diag_list_clear(&problems);
    free(marker);
    free(admin_info);
    free(database_info);
    if (source)
        source->ops->free(source);
}
