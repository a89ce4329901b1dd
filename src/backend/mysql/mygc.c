/*
 * mygc.c — what `foster gc` removes on the `mysql` kind's server: marked
 * databases that no run record here claims, made by this runtime directory
 * on this host, boot and PID namespace, not kept, by a foster process that
 * is dead. Every other marked database is named with the reason it stays.
 * Marked databases are found by their schema comment (MariaDB >= 10.5) and by
 * their `_foster_marker` table (MySQL 8, which has no schema comments), each
 * read through my_db_read_marker. Helpers still making a run's next copy
 * (mynext.c) are waited for first, so that none makes a database after gc
 * looked.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "identity.h"
#include "myconn.h"
#include "mydb.h"
#include "mykinds.h"
#include "strbuf.h"

typedef struct my_marked {
    char *name, *run_id, *host, *boot, *pidns, *dir;
    long pid;
    int kept;
} my_marked;

/* The text after "; <key> " up to the next ';' (or the end for the last key), or NULL. */
static char *field(const char *marker, const char *key, bool last)
{
    char *needle = strbuf_format("; %s ", key);
    const char *at = needle ? strstr(marker, needle) : NULL;
    char *value = NULL;
    if (at) {
        at += strlen(needle);
        size_t length = last ? strlen(at) : strcspn(at, ";");
        value = strndup(at, length);
    }
    free(needle);
    return value;
}

static void parse_marker(const char *name, const char *marker, my_marked *d)
{
    const char *id = marker + strlen(MY_MARKER_PREFIX);
    d->name = strdup(name);
    d->run_id = strndup(id, strcspn(id, ";"));
    d->host = field(marker, "host", false);
    d->boot = field(marker, "boot", false);
    d->pidns = field(marker, "pidns", false);
    d->dir = field(marker, "dir", true);
    char *pid = field(marker, "pid", false), *kept = field(marker, "kept", false);
    d->pid = pid ? atol(pid) : 0;
    d->kept = kept ? atoi(kept) : 0;
    free(pid);
    free(kept);
}

static void free_marked(my_marked *d)
{
    free(d->name);
    free(d->run_id);
    free(d->host);
    free(d->boot);
    free(d->pidns);
    free(d->dir);
}

/* Why gc must leave `d` (backend_gc_must_leave), or NULL when it is abandoned. */
static const char *cannot_prove_abandoned(const backend_gc *gc, const my_marked *d, char *why,
                                          size_t size)
{
    char *expected = strbuf_format("_%s", d->run_id ? d->run_id : "?");
    backend_marked m = {d->run_id, expected && d->name && strstr(d->name, expected),
                        d->kept,   -1,
                        d->dir,    d->boot,
                        d->pidns,  d->host,
                        d->pid};
    free(expected);
    return backend_gc_must_leave(gc, &m, why, size);
}

/* Databases that may carry a marker: by schema comment (when the server has them), by table. */
static const char by_comment_sql[] =
    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT LIKE "
    "'foster test database; run %' UNION ";
static const char by_table_sql[] = "SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE "
                                   "TABLE_NAME = '" MY_MARKER_TABLE "' ORDER BY 1";

/* Waits (at most a minute each) for the helpers of this runtime directory (*.next.lock). */
static void wait_for_helpers(const char *runtime_dir)
{
    DIR *dir = runtime_dir ? opendir(runtime_dir) : NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir))) {
        size_t length = strlen(entry->d_name);
        if (length < 10 || strcmp(entry->d_name + length - 10, ".next.lock") != 0)
            continue;
        int fd = openat(dirfd(dir), entry->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        for (int waited = 0; fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && waited < 30000;
             waited++)
            nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
        if (fd >= 0)
            close(fd);
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

static void collect_one(backend_gc *gc, MYSQL *admin, const my_marked *d)
{
    char why[512];
    diag_list problems = DIAG_LIST_INIT;
    if (cannot_prove_abandoned(gc, d, why, sizeof why))
        backend_gc_say(gc, "left database %s: %s", d->name, why);
    else if (gc->dry_run)
        backend_gc_say(gc, "would drop database %s (run %s, dead process %ld)", d->name, d->run_id,
                       d->pid);
    else if (my_db_drop(admin, d->name, d->run_id, &problems) == 0)
        backend_gc_say(gc, "dropped database %s (run %s, dead process %ld)", d->name, d->run_id,
                       d->pid);
    else {
        backend_gc_say(gc, "could not drop database %s", d->name);
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
        my_marked d = {0};
        char *marker = NULL;
        diag_list unreadable = DIAG_LIST_INIT;
        if (!row[0] || my_db_read_marker(m->admin, row[0], &marker, &unreadable) != MY_MARKED) {
            diag_list_clear(&unreadable);
            continue; /* a table of that name that is not foster's marker */
        }
        parse_marker(row[0], marker, &d);
        free(marker);
        bool kept = false;
        if (!d.run_id || !gc->recorded(gc, d.run_id, &kept))
            collect_one(gc, m->admin, &d);
        free_marked(&d);
    }
    mysql_free_result(result);
    if (b)
        b->ops->free(b);
    diag_list_clear(&problems);
}
