/*
 * db_marker.c — writing and reading the marker of a database foster made.
 * See db_marker.h.
 */
#include "db_marker.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "strbuf.h"

char *db_marker_text(const char *run_id, const char *runtime_dir, bool kept)
{
    process_identity me;
    process_identity_get(&me);
    char *real = runtime_dir ? realpath(runtime_dir, NULL) : NULL;
    const char *dir = real ? real : runtime_dir ? runtime_dir : "";
    char *text = strbuf_format(DB_MARKER_PREFIX "%s; pid %ld; host %s; boot %s; pidns %s; "
                                                "uid %ld; kept %d; dir %s",
                               run_id, (long)getpid(), me.host, me.boot_id, me.pid_ns,
                               (long)geteuid(), kept ? 1 : 0, dir);
    free(real);
    return text;
}

bool db_marker_is(const char *text)
{
    return text && strncmp(text, DB_MARKER_PREFIX, strlen(DB_MARKER_PREFIX)) == 0;
}

bool db_marker_run_id(const char *text, char run_id[9])
{
    return text && sscanf(text, DB_MARKER_PREFIX "%8[0-9a-f]", run_id) == 1;
}

/* One "key value" field of a marker into `out`. */
static int marker_field(db_marker *out, const char *key, const char *value)
{
    char **target = NULL;
    if (strcmp(key, "run") == 0)
        target = &out->run_id;
    else if (strcmp(key, "host") == 0)
        target = &out->host;
    else if (strcmp(key, "boot") == 0)
        target = &out->boot;
    else if (strcmp(key, "pidns") == 0)
        target = &out->pidns;
    else if (strcmp(key, "dir") == 0)
        target = &out->dir;
    else if (strcmp(key, "pid") == 0)
        out->pid = strtol(value, NULL, 10);
    else if (strcmp(key, "uid") == 0)
        out->uid = strtol(value, NULL, 10);
    else if (strcmp(key, "kept") == 0)
        out->kept = strcmp(value, "1") == 0;
    if (!target)
        return 0;
    free(*target);
    *target = strdup(value);
    return *target ? 0 : -1;
}

int db_marker_parse(const char *text, db_marker *out)
{
    *out = (db_marker){.uid = -1};
    if (!db_marker_is(text))
        return -1;
    const char *field = text + strlen("foster test database; ");
    while (*field) {
        const char *space = strchr(field, ' ');
        bool last = strncmp(field, "dir ", 4) == 0;
        const char *end = last ? field + strlen(field) : strstr(field, "; ");
        if (!end)
            end = field + strlen(field);
        if (!space || space > end)
            return -1;
        char *key = strndup(field, (size_t)(space - field));
        char *value = strndup(space + 1, (size_t)(end - space - 1));
        int rc = key && value ? marker_field(out, key, value) : -1;
        free(key);
        free(value);
        if (rc < 0)
            return -1;
        field = *end ? end + 2 : end;
    }
    if (!out->host && !(out->host = strdup("")))
        return -1;
    return out->run_id && out->pid > 0 ? 0 : -1;
}

void db_marker_free(db_marker *marker)
{
    free(marker->run_id);
    free(marker->host);
    free(marker->boot);
    free(marker->pidns);
    free(marker->dir);
    *marker = (db_marker){.uid = -1};
}

const char *db_marker_must_leave(const backend_gc *gc, const db_marker *marker, bool name_fits,
                                 char *why, size_t size)
{
    backend_marked m = {marker->run_id, name_fits,     marker->kept, marker->uid, marker->dir,
                        marker->boot,   marker->pidns, marker->host, marker->pid};
    return backend_gc_must_leave(gc, &m, why, size);
}
