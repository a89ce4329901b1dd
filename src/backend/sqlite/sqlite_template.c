/*
 * sqlite_template.c — SQLite's template cache: the pristine database of a
 * provisioning, kept by the key of everything that decided its content
 * (src/core/template_cache.c makes the key), and copied into the next run's
 * database instead of creating and loading it again.
 *
 * An entry is a directory <cache>/sqlite-<key>/ holding template.sqlite3 and
 * identity (the text the key hashes, compared in full before use, so that a
 * key collision can never serve another project's data). It is written
 * under a temporary name and renamed into place, so a reader sees all of an
 * entry or none of it; concurrent runs that build the same entry each
 * rename theirs, and the second one finds the place taken and drops its own.
 * Each use touches the directory; the least recently used are evicted
 * beyond SQLITE_TEMPLATE_MAX entries or SQLITE_TEMPLATE_MAX_AGE_DAYS days.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend_sqlite.h"
#include "fstree.h"
#include "smallfile.h"
#include "strbuf.h"

#define SQLITE_TEMPLATE_PREFIX       "sqlite-"
#define SQLITE_TEMPLATE_MAX          16
#define SQLITE_TEMPLATE_MAX_AGE_DAYS 14

/* <cache>/sqlite-<SQLite's version>-<key>: a new SQLite makes its own templates. */
static char *entry_path(const char *cache_dir, const char *key)
{
    return strbuf_format("%s/" SQLITE_TEMPLATE_PREFIX "%s-%s", cache_dir, sqlite3_libversion(),
                         key);
}

int sqlite_template_restore(backend *b, const char *cache_dir, const char *key,
                            const char *identity, bool *hit, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    *hit = false;
    char *entry = entry_path(cache_dir, key);
    char *identity_path = entry ? strbuf_format("%s/identity", entry) : NULL;
    char *database = entry ? strbuf_format("%s/template.sqlite3", entry) : NULL;
    char *stored = identity_path ? smallfile_read(identity_path, 1 << 20) : NULL;
    sqlite3 *template = NULL;
    int rc = 0;
    if (stored && strcmp(stored, identity) == 0 && sqlite_file_has_marker(database) &&
        sqlite3_open_v2(database, &template, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        rc = sqlite_copy_fast(template, database, s->db, s->path, "cannot copy the cached template",
                              diags);
        *hit = rc == 0;
        utimensat(AT_FDCWD, entry, NULL, 0); /* recently used: evicted last */
        free(s->restored_from);
        s->restored_from = *hit ? strdup(database) : NULL; /* the snapshot may link to it */
    }
    sqlite3_close(template);
    free(stored);
    free(database);
    free(identity_path);
    free(entry);
    return rc;
}

/* Writes the entry under a temporary name in `cache_dir`; its path, or NULL with a diag. */
static char *write_entry(sqlite_backend *s, const char *cache_dir, const char *identity,
                         diag_list *diags)
{
    char *temporary = strbuf_format("%s/" SQLITE_TEMPLATE_PREFIX "tmp-XXXXXX", cache_dir);
    if (!temporary || !mkdtemp(temporary)) {
        diag_add(diags, cache_dir, 0, 0, "cannot make a template cache entry: %s", strerror(errno));
        free(temporary);
        return NULL;
    }
    char *database = strbuf_format("%s/template.sqlite3", temporary);
    char *identity_path = strbuf_format("%s/identity", temporary);
    sqlite3 *copy = database ? sqlite_open_new(database, diags) : NULL;
    int rc = copy && identity_path
                 ? sqlite_copy_fast(s->pristine ? s->pristine : s->db,
                                    s->pristine ? s->pristine_path : s->path, copy, database,
                                    "cannot keep the template", diags)
                 : -1;
    sqlite3_close(copy);
    if (rc == 0 && smallfile_write_atomically(identity_path, identity) < 0) {
        diag_add(diags, identity_path, 0, 0, "cannot write: %s", strerror(errno));
        rc = -1;
    }
    free(database);
    free(identity_path);
    if (rc < 0) {
        fstree_remove(temporary);
        free(temporary);
        return NULL;
    }
    return temporary;
}

/* One entry of the cache, for eviction. */
typedef struct cached {
    char *path;
    time_t used;
} cached;

static int by_use_newest_first(const void *a, const void *b)
{
    time_t x = ((const cached *)a)->used, y = ((const cached *)b)->used;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Removes the entries beyond the count limit (least recently used first) or the age limit. */
static void evict(const char *cache_dir)
{
    DIR *dir = opendir(cache_dir);
    cached *entries = NULL;
    size_t count = 0;
    struct dirent *d;
    while (dir && (d = readdir(dir))) {
        if (strncmp(d->d_name, SQLITE_TEMPLATE_PREFIX, strlen(SQLITE_TEMPLATE_PREFIX)) != 0 ||
            strncmp(d->d_name, SQLITE_TEMPLATE_PREFIX "tmp-", strlen(SQLITE_TEMPLATE_PREFIX) + 4) ==
                0)
            continue;
        char *path = strbuf_format("%s/%s", cache_dir, d->d_name);
        struct stat st;
        cached *grown = path ? realloc(entries, (count + 1) * sizeof *entries) : NULL;
        if (!grown || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(path);
            entries = grown ? grown : entries;
            continue;
        }
        entries = grown;
        entries[count++] = (cached){path, st.st_mtime};
    }
    if (dir)
        closedir(dir);
    if (count)
        qsort(entries, count, sizeof *entries, by_use_newest_first);
    time_t oldest = time(NULL) - (time_t)SQLITE_TEMPLATE_MAX_AGE_DAYS * 24 * 3600;
    for (size_t i = 0; i < count; i++) {
        if (i >= SQLITE_TEMPLATE_MAX || entries[i].used < oldest)
            fstree_remove(entries[i].path);
        free(entries[i].path);
    }
    free(entries);
}

int sqlite_template_store(backend *b, const char *cache_dir, const char *key, const char *identity,
                          diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    char *entry = entry_path(cache_dir, key);
    char *temporary = entry ? write_entry(s, cache_dir, identity, diags) : NULL;
    if (!temporary) {
        free(entry);
        return -1;
    }
    if (rename(temporary, entry) < 0) {
        /* Another run stored it first; or an entry for other inputs holds the place. */
        char *identity_path = strbuf_format("%s/identity", entry);
        char *stored = identity_path ? smallfile_read(identity_path, 1 << 20) : NULL;
        if (!stored || strcmp(stored, identity) != 0)
            fstree_remove(entry);
        if (rename(temporary, entry) < 0)
            fstree_remove(temporary);
        free(stored);
        free(identity_path);
    }
    free(temporary);
    free(entry);
    evict(cache_dir);
    return 0;
}

/* Tells `say` one line, then frees it. */
static void tell(void (*say)(void *, const char *), void *context, char *line)
{
    if (line)
        say(context, line);
    free(line);
}

/* One entry: removed when it is foster's (identity file, marked database). 0, or -1. */
static int remove_entry(const char *entry, bool dry_run, void (*say)(void *, const char *),
                        void *context)
{
    char *identity = strbuf_format("%s/identity", entry);
    char *database = strbuf_format("%s/template.sqlite3", entry);
    struct stat st;
    bool ours = identity && database && stat(identity, &st) == 0 && S_ISREG(st.st_mode) &&
                sqlite_file_has_marker(database);
    int rc = 0;
    if (!ours)
        tell(say, context, strbuf_format("left %s: it does not carry foster's marker", entry));
    else if (dry_run)
        tell(say, context, strbuf_format("would remove cached template %s", entry));
    else if (fstree_remove(entry) == 0)
        tell(say, context, strbuf_format("removed cached template %s", entry));
    else {
        tell(say, context, strbuf_format("could not remove %s: %s", entry, strerror(errno)));
        rc = -1;
    }
    free(identity);
    free(database);
    return rc;
}

int sqlite_templates_remove(const char *cache_dir, bool dry_run,
                            void (*say)(void *context, const char *line), void *context)
{
    DIR *dir = opendir(cache_dir);
    int failures = 0;
    struct dirent *d;
    while (dir && (d = readdir(dir))) {
        if (strncmp(d->d_name, SQLITE_TEMPLATE_PREFIX, strlen(SQLITE_TEMPLATE_PREFIX)) != 0 ||
            strncmp(d->d_name, SQLITE_TEMPLATE_PREFIX "tmp-", strlen(SQLITE_TEMPLATE_PREFIX) + 4) ==
                0)
            continue;
        char *entry = strbuf_format("%s/%s", cache_dir, d->d_name);
        struct stat st;
        if (entry && lstat(entry, &st) == 0 && S_ISDIR(st.st_mode) &&
            remove_entry(entry, dry_run, say, context) < 0)
            failures++;
        free(entry);
    }
    if (dir)
        closedir(dir);
    return failures;
}
