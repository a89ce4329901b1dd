/*
 * mygc.c — what `foster gc` removes on the `mysql` kind's server: marked
 * databases that no run record here claims, made by this runtime directory
 * on this host, boot and PID namespace, not kept, by a foster process that
 * is dead. Every other marked database is named with the reason it stays.
 * (MySQL 8 keeps the marker in a table, which gc does not scan: there a dead
 * run's database is removed through its record only.)
 */
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

static const char list_sql[] =
    "SELECT SCHEMA_NAME, SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT "
    "LIKE 'foster test database; run %' ORDER BY SCHEMA_NAME";

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
    if (m && my_backend_admin(m, &problems) == 0 && mysql_query(m->admin, list_sql) == 0)
        result = mysql_store_result(m->admin);
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
        parse_marker(row[0], row[1], &d);
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
