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

/* Why `d` must stay, into `why`; NULL when it is abandoned. */
static const char *cannot_prove_abandoned(const backend_gc *gc, const my_marked *d, char *why,
                                          size_t size)
{
    process_identity me;
    process_identity_get(&me);
    char *directory = realpath(gc->setup->runtime_dir, NULL);
    char *expected = strbuf_format("_%s", d->run_id ? d->run_id : "?");
    bool named = expected && d->name && strstr(d->name, expected);
    if (!d->run_id || !named)
        snprintf(why, size, "its name is not one foster gives run %s (renamed?)",
                 d->run_id ? d->run_id : "?");
    else if (d->kept)
        snprintf(why, size, "kept by `foster up` (run %s, runtime directory %s)", d->run_id,
                 d->dir ? d->dir : "?");
    else if (!d->dir || !d->boot || !d->pidns || !d->host)
        snprintf(why, size, "its marker names no runtime directory");
    else if (strcmp(d->host, me.host) != 0)
        snprintf(why, size, "made on host %s", d->host);
    else if (strcmp(d->pidns, me.pid_ns) != 0)
        snprintf(why, size, "made in another PID namespace (%s)", d->pidns);
    else if (strcmp(d->boot, me.boot_id) != 0)
        snprintf(why, size, "made before this machine last booted");
    else if (!directory || strcmp(d->dir, directory) != 0)
        snprintf(why, size, "made by the runtime directory %s, not this one", d->dir);
    else if (d->pid <= 0 || gc->alive((pid_t)d->pid))
        snprintf(why, size, "its foster process %ld still runs", d->pid);
    else
        why = NULL;
    free(directory);
    free(expected);
    return why;
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
