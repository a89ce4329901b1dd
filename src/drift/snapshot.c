/*
 * snapshot.c — the schema files `foster snapshot` writes (snapshot.h).
 */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smallfile.h"
#include "strbuf.h"

/* What pg_dump writes first: a file that starts so is one it wrote. */
#define PG_DUMP_HEADER "--\n-- PostgreSQL database dump\n--\n"

/* Schema files are small; a bigger one is not one foster wrote. */
#define SNAPSHOT_MAX_BYTES (64u << 20)

char *snapshot_text(const char *table, const char *source, const char *types, const char *dump)
{
    strbuf sb = STRBUF_INIT;
    strbuf_appendf(&sb,
                   SNAPSHOT_HEADER
                   "%s\n"
                   "-- Written by `foster snapshot` from %s; it rewrites this file,\n"
                   "-- so change the owner's database, not this file.\n\n",
                   table, source);
    if (types && types[0])
        strbuf_appendf(&sb, "-- Types the table is the first of the manifest to use:\n%s\n", types);
    strbuf_append_str(&sb, dump);
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

static bool is_restrict_line(const char *line)
{
    return strncmp(line, "\\restrict ", 10) == 0 || strncmp(line, "\\unrestrict ", 12) == 0;
}

/* Whether `a` and `b` are the same, line by line, restrict-key lines left out. */
static bool same_text(const char *a, const char *b)
{
    for (;;) {
        while (*a && is_restrict_line(a))
            a += strcspn(a, "\n") + (a[strcspn(a, "\n")] ? 1 : 0);
        while (*b && is_restrict_line(b))
            b += strcspn(b, "\n") + (b[strcspn(b, "\n")] ? 1 : 0);
        if (!*a || !*b)
            return !*a && !*b;
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0)
            return false;
        a += la + (a[la] ? 1 : 0);
        b += lb + (b[lb] ? 1 : 0);
    }
}

/* Whether `old` is `table`'s snapshot, or a file as pg_dump, mariadb-dump or mysqldump
 * wrote it (its first line). */
static bool may_overwrite(const char *old, const char *table, char **why)
{
    size_t header = strlen(SNAPSHOT_HEADER);
    if (strncmp(old, SNAPSHOT_HEADER, header) == 0) {
        size_t length = strcspn(old + header, "\n");
        if (length == strlen(table) && memcmp(old + header, table, length) == 0)
            return true;
        *why = strbuf_format("it is the snapshot of table %.*s", (int)length, old + header);
        return false;
    }
    /* mariadb-dump's sandbox line (a versioned comment) may come before its header */
    const char *first =
        strncmp(old, "/*M!999999", 10) == 0 && strchr(old, '\n') ? strchr(old, '\n') + 1 : old;
    if (strncmp(old, PG_DUMP_HEADER, strlen(PG_DUMP_HEADER)) == 0 ||
        strncmp(first, "-- MariaDB dump ", 16) == 0 || strncmp(first, "-- MySQL dump ", 14) == 0)
        return true;
    *why = strdup("neither foster snapshot nor a dump tool (pg_dump, mariadb-dump, mysqldump) "
                  "wrote it");
    return false;
}

int snapshot_compare(const char *path, const char *table, const char *text, snapshot_state *state,
                     diag_list *diags)
{
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        *state = SNAPSHOT_NEW;
        return 0;
    }
    char *old = smallfile_read(path, SNAPSHOT_MAX_BYTES);
    if (!old) {
        diag_add(diags, path, 0, 0, "cannot read the schema file: %s", strerror(errno));
        return -1;
    }
    char *why = NULL;
    if (same_text(old, text)) {
        *state = SNAPSHOT_SAME;
    } else if (may_overwrite(old, table, &why)) {
        *state = SNAPSHOT_CHANGED;
    } else {
        *state = SNAPSHOT_FOREIGN;
        diag *d = diag_add(diags, path, 1, 0, "not overwritten: %s",
                           why ? why : "foster does not know this file");
        diag_set_hint(d, "move the file aside (or point the table's schema key at another "
                         "file) and run foster snapshot again");
    }
    free(why);
    free(old);
    return 0;
}

/* The folder of `path`, made when it is missing (the schemas folder of a new project). */
static void make_parent(const char *path)
{
    char *parent = strdup(path);
    char *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash && slash != parent) {
        *slash = '\0';
        mkdir(parent, 0777);
    }
    free(parent);
}

int snapshot_write(const char *path, const char *text, diag_list *diags)
{
    make_parent(path);
    if (smallfile_write_atomically(path, text) < 0) {
        diag_add(diags, path, 0, 0, "cannot write the schema file: %s", strerror(errno));
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    chmod(path, 0666 & ~mask);
    return 0;
}
