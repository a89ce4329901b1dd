/*
 * mygc.c — what `foster gc` removes on the `mysql` kind's server: marked
 * databases that no run record here claims, made by this runtime directory
 * on this host, boot and PID namespace, not kept, by a foster process that
 * is dead. Every other marked database is named with the reason it stays.
 * Marked databases are found by their schema comment (MariaDB >= 10.5) and by
 * their `_foster_marker` table (MySQL 8, which has no schema comments), each
 * read through my_db_read_marker. Helpers still making a run's next copy
 * (mynext.c, util/nexthelper.h) are waited for first, so that none makes a database after gc
 * looked.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "identity.h"
#include "myconn.h"
#include "mydb.h"
#include "nexthelper.h"
#include "mykinds.h"
#include "strbuf.h"

/* Databases that may carry a marker: by schema comment (when the server has them), by table. */
static const char by_comment_sql[] =
    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT LIKE "
    "'" DB_MARKER_PREFIX "%' UNION ";
static const char by_table_sql[] = "SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE "
                                   "TABLE_NAME = '" MY_MARKER_TABLE "' ORDER BY 1";

/* Waits for the helpers of this runtime directory (util/nexthelper.h's *.next.lock). */
static void wait_for_helpers(const char *runtime_dir)
{
    DIR *dir = runtime_dir ? opendir(runtime_dir) : NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir))) {
        size_t length = strlen(entry->d_name);
        if (length < 10 || strcmp(entry->d_name + length - 10, ".next.lock") != 0)
            continue;
        char *path = strbuf_format("%s/%s", runtime_dir, entry->d_name);
        next_helper_wait(path, false);
        free(path);
    }
    if (dir)
        closedir(dir);
}

/* The candidates' names (a result the caller frees), or NULL with a diag. */
static MYSQL_RES *list_candidates(MYSQL *admin, diag_list *diags)
{
    int comments = my_db_has_schema_comments(admin, diags);
    if (comments < 0)
        return NULL;
    char *sql = strbuf_format("%s%s", comments ? by_comment_sql : "", by_table_sql);
    MYSQL_RES *result = sql && mysql_query(admin, sql) == 0 ? mysql_store_result(admin) : NULL;
    if (!result)
        diag_add(diags, NULL, 0, 0, "%s", sql ? mysql_error(admin) : "out of memory");
    free(sql);
    return result;
}

/* Whether `name` is one foster gives a database of run `run_id` ("…_<run_id>…"). */
static bool name_fits(const char *name, const char *run_id)
{
    char *expected = strbuf_format("_%s", run_id ? run_id : "?");
    bool fits = expected && strstr(name, expected);
    free(expected);
    return fits;
}

static void collect_one(backend_gc *gc, MYSQL *admin, const char *name, const db_marker *d)
{
    char why[512];
    diag_list problems = DIAG_LIST_INIT;
    if (db_marker_must_leave(gc, d, name_fits(name, d->run_id), why, sizeof why))
        backend_gc_say(gc, "left database %s: %s", name, why);
    else if (gc->dry_run)
        backend_gc_say(gc, "would drop database %s (run %s, dead process %ld)", name, d->run_id,
                       d->pid);
    else if (my_db_drop(admin, name, d->run_id, &problems) == 0)
        backend_gc_say(gc, "dropped database %s (run %s, dead process %ld)", name, d->run_id,
                       d->pid);
    else {
        backend_gc_say(gc, "could not drop database %s", name);
        gc->failures++;
    }
    diag_list_clear(&problems);
}

void my_collect_server_garbage(backend_gc *gc)
{
    if (!gc->own_kind)
        return;
    diag_list problems = DIAG_LIST_INIT;
    backend *b = mysql_kind.make(gc->setup, &(char *){NULL}, &problems);
    my_backend *m = b ? as_my(b) : NULL;
    MYSQL_RES *result = NULL;
    wait_for_helpers(gc->setup->runtime_dir);
    if (m && my_backend_admin(m, &problems) == 0)
        result = list_candidates(m->admin, &problems);
    if (!result) {
        const diag *d = diag_list_last(&problems);
        backend_gc_say(gc, "could not look at the MySQL server: %s",
                       d               ? d->message
                       : m && m->admin ? mysql_error(m->admin)
                                       : "out of memory");
        gc->failures++;
    }
    MYSQL_ROW row;
    while (result && (row = mysql_fetch_row(result))) {
        db_marker d;
        char *marker = NULL;
        diag_list unreadable = DIAG_LIST_INIT;
        if (!row[0] || my_db_read_marker(m->admin, row[0], &marker, &unreadable) != MY_MARKED) {
            diag_list_clear(&unreadable);
            continue; /* a table of that name that is not foster's marker */
        }
        db_marker_parse(marker, &d); /* what it cannot read, gc leaves (no run id) */
        free(marker);
        bool kept = false;
        if (!d.run_id || !gc->recorded(gc, d.run_id, &kept))
            collect_one(gc, m->admin, row[0], &d);
        db_marker_free(&d);
    }
    mysql_free_result(result);
    if (b)
        b->ops->free(b);
    diag_list_clear(&problems);
}
