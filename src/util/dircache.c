/*
 * dircache.c — the cache of pristine server data directories. See dircache.h.
 */
#include "dircache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fstree.h"
#include "smallfile.h"
#include "strbuf.h"

#define CACHE_MARKER "foster-complete"

typedef struct cache {
    char *directory; /* NULL: no usable cache, build every time */
    char *entry;
    char *lock;
    char *identity; /* the marker's content */
} cache;

static uint64_t fnv1a(const char *text)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        hash = (hash ^ *p) * 1099511628211ULL;
    return hash;
}

char *dircache_base_directory(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return strbuf_format("%s/foster", xdg);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return strbuf_format("%s/.cache/foster", home);
    return NULL;
}

static void cache_free(cache *c)
{
    free(c->directory);
    free(c->entry);
    free(c->lock);
    free(c->identity);
}

/* A cache we cannot make, or that belongs to another user (sudo keeping HOME), is not used. */
static void cache_init(cache *c, const dircache_spec *spec)
{
    memset(c, 0, sizeof *c);
    char *base = dircache_base_directory();
    char *real = realpath(spec->server_binary, NULL);
    struct stat st, base_st;
    if (base && real && stat(real, &st) == 0 && fstree_make_directories(base) == 0 &&
        stat(base, &base_st) == 0 && base_st.st_uid == geteuid()) {
        c->identity = strbuf_format("foster %s cache 1\nserver %s %ju:%ju %jd %jd.%09ld\n"
                                    "flags %s\n",
                                    spec->prefix, real, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
                                    (intmax_t)st.st_size, (intmax_t)st.st_ctim.tv_sec,
                                    st.st_ctim.tv_nsec, spec->flags_text);
        unsigned long long key = c->identity ? (unsigned long long)fnv1a(c->identity) : 0;
        c->entry = strbuf_format("%s/%s-%016llx", base, spec->prefix, key);
        c->lock = strbuf_format("%s/%s-%016llx.lock", base, spec->prefix, key);
        if (c->identity && c->entry && c->lock) {
            c->directory = base;
            base = NULL;
        }
    }
    free(base);
    free(real);
}

static bool entry_valid(const cache *c, const dircache_spec *spec)
{
    char *marker_path = strbuf_format("%s/" CACHE_MARKER, c->entry);
    char *marker = marker_path ? smallfile_read(marker_path, 65536) : NULL;
    bool valid = marker && strcmp(marker, c->identity) == 0;
    for (const char *const *f = spec->required_files; valid && f && *f; f++) {
        char *path = strbuf_format("%s/%s", c->entry, *f);
        struct stat st;
        valid = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
        free(path);
    }
    free(marker);
    free(marker_path);
    return valid;
}

/* Removes leftovers of builds that died (<entry>.tmp-<pid>); the caller holds the lock. */
static void remove_partial_builds(const cache *c)
{
    const char *entry_name = strrchr(c->entry, '/') + 1;
    char *prefix = strbuf_format("%s.tmp-", entry_name);
    DIR *dir = prefix ? opendir(c->directory) : NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char *path = strbuf_format("%s/%s", c->directory, entry->d_name);
        if (path)
            fstree_remove(path);
        free(path);
    }
    if (dir)
        closedir(dir);
    free(prefix);
}

/*
 * Stores a freshly built directory: copied into a temporary directory,
 * flushed, marked complete, renamed into place. Failing only costs the next
 * run a build, so it is not an error.
 */
static void store(const cache *c, const char *built)
{
    char *temporary = strbuf_format("%s.tmp-%ld", c->entry, (long)getpid());
    char *marker = temporary ? strbuf_format("%s/" CACHE_MARKER, temporary) : NULL;
    bool stored = false;
    if (marker && fstree_copy(built, temporary, false, 0, 0) == 0) {
        int fd = open(temporary, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bool synced = fd >= 0 && syncfs(fd) == 0;
        if (fd >= 0)
            close(fd);
        stored = synced && smallfile_write_atomically(marker, c->identity) == 0 &&
                 rename(temporary, c->entry) == 0;
    }
    if (!stored && temporary)
        fstree_remove(temporary);
    free(marker);
    free(temporary);
}

static bool take_lock(int fd, int operation, const volatile sig_atomic_t *interrupt)
{
    while (flock(fd, operation) < 0) {
        if (errno != EINTR || (interrupt && *interrupt))
            return false;
    }
    return true;
}

/*
 * Opens the entry's lock file and takes its lock (`operation`): the
 * descriptor, or -1 (no cache, or interrupted). Who removes an entry removes
 * its lock file while holding it; one who waited for that lock opens the
 * file there now, else two builders could each hold a lock of their own.
 */
static int lock_entry(const cache *c, int operation, const volatile sig_atomic_t *interrupt)
{
    for (int tries = 0; c->directory && tries < 100; tries++) {
        int fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        bool locked = fd >= 0 && take_lock(fd, operation, interrupt);
        if (locked && smallfile_names_open_file(c->lock, fd))
            return fd;
        if (fd >= 0)
            close(fd);
        if (!locked)
            return -1;
    }
    return -1;
}

static int copy_entry(const cache *c, const dircache_spec *spec, const char *target,
                      diag_list *diags)
{
    if (fstree_copy(c->entry, target, spec->give_to_owner, spec->uid, spec->gid) < 0) {
        diag_add(diags, NULL, 0, 0, "cannot copy the cached data directory %s to %s: %s", c->entry,
                 target, strerror(errno));
        return -1;
    }
    char *marker = strbuf_format("%s/" CACHE_MARKER, target); /* no part of the data */
    int rc = marker && unlink(marker) == 0 ? 0 : -1;
    if (rc < 0)
        diag_add(diags, NULL, 0, 0, "cannot remove %s: %s", marker ? marker : target,
                 strerror(errno));
    free(marker);
    return rc;
}

int dircache_fill(const dircache_spec *spec, const char *target, diag_list *diags)
{
    cache c;
    cache_init(&c, spec);
    int rc = -1;
    int lock_fd = lock_entry(&c, LOCK_SH, spec->interrupt);
    bool exclusive = false;
    bool copy = lock_fd >= 0 && entry_valid(&c, spec);
    if (!copy && lock_fd >= 0) {
        close(lock_fd);
        lock_fd = lock_entry(&c, LOCK_EX, spec->interrupt);
        exclusive = lock_fd >= 0;
        copy = exclusive && entry_valid(&c, spec); /* someone built it meanwhile */
    }
    if (copy) {
        rc = copy_entry(&c, spec, target, diags);
    } else if (spec->interrupt && *spec->interrupt) {
        diag_add(diags, NULL, 0, 0, "interrupted while %s",
                 spec->purpose ? spec->purpose : "making a data directory");
    } else {
        if (exclusive) { /* nobody else reads or builds this entry: ours to replace */
            fstree_remove(c.entry);
            remove_partial_builds(&c);
        }
        rc = spec->build(spec->context, target, diags);
        if (rc == 0 && exclusive)
            store(&c, target);
    }
    if (lock_fd >= 0)
        close(lock_fd); /* releases the lock */
    cache_free(&c);
    return rc;
}

/* Whether `name` is "<prefix>-<16 hex digits>": an entry, not its lock nor a partial build. */
static bool entry_name(const char *name, const char *prefix)
{
    size_t length = strlen(prefix);
    return strncmp(name, prefix, length) == 0 && name[length] == '-' &&
           strlen(name + length + 1) == 16 && strspn(name + length + 1, "0123456789abcdef") == 16;
}

/* Tells `say` one line, then frees it. */
static void tell(void (*say)(void *, const char *), void *context, char *line)
{
    if (line)
        say(context, line);
    free(line);
}

/* Removes the entry `path` (its lock file `lock`) unless a run holds that lock; 0 or -1. */
static int remove_entry(const char *path, const char *lock, bool dry_run,
                        void (*say)(void *, const char *), void *context)
{
    char *marker = strbuf_format("%s/" CACHE_MARKER, path);
    struct stat st;
    bool marked = marker && stat(marker, &st) == 0 && S_ISREG(st.st_mode);
    free(marker);
    if (!marked) {
        tell(say, context, strbuf_format("left %s: it does not carry foster's marker", path));
        return 0;
    }
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || !smallfile_names_open_file(lock, fd)) {
        tell(say, context, strbuf_format("left %s: a run is using it", path));
        if (fd >= 0)
            close(fd);
        return 0;
    }
    int rc = 0;
    if (dry_run)
        tell(say, context, strbuf_format("would remove cached %s", path));
    else if (fstree_remove(path) == 0 && unlink(lock) == 0)
        tell(say, context, strbuf_format("removed cached %s", path));
    else {
        tell(say, context, strbuf_format("could not remove %s: %s", path, strerror(errno)));
        rc = -1;
    }
    close(fd);
    return rc;
}

int dircache_remove_entries(const char *prefix, bool dry_run,
                            void (*say)(void *context, const char *line), void *context)
{
    char *base = dircache_base_directory();
    DIR *dir = base ? opendir(base) : NULL;
    int failures = 0;
    struct dirent *d;
    while (dir && (d = readdir(dir))) {
        const char *name = d->d_name;
        if (!entry_name(name, prefix))
            continue;
        char *path = strbuf_format("%s/%s", base, name);
        char *lock = path ? strbuf_format("%s.lock", path) : NULL;
        struct stat st;
        if (lock && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
            remove_entry(path, lock, dry_run, say, context) < 0)
            failures++;
        free(path);
        free(lock);
    }
    if (dir)
        closedir(dir);
    free(base);
    return failures;
}

int dircache_copy_cached(const dircache_spec *spec, const char *target, diag_list *diags)
{
    cache c;
    cache_init(&c, spec);
    int lock_fd = lock_entry(&c, LOCK_SH, spec->interrupt);
    int rc = 0;
    if (lock_fd >= 0 && entry_valid(&c, spec)) {
        rc = copy_entry(&c, spec, target, diags) == 0 ? 1 : -1;
        utimensat(AT_FDCWD, c.entry, NULL, 0); /* recently used: evicted last */
    }
    if (lock_fd >= 0)
        close(lock_fd);
    cache_free(&c);
    return rc;
}

/* One entry of a prefix, for eviction. */
typedef struct used_entry {
    char *path;
    time_t used;
} used_entry;

static int by_use_newest_first(const void *a, const void *b)
{
    time_t x = ((const used_entry *)a)->used, y = ((const used_entry *)b)->used;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The entries of `prefix` in `base`, newest use first. */
static used_entry *list_entries(const char *base, const char *prefix, size_t *count)
{
    DIR *dir = opendir(base);
    used_entry *entries = NULL;
    *count = 0;
    struct dirent *d;
    while (dir && (d = readdir(dir))) {
        char *path = entry_name(d->d_name, prefix) ? strbuf_format("%s/%s", base, d->d_name) : NULL;
        struct stat st;
        used_entry *grown = path ? realloc(entries, (*count + 1) * sizeof *entries) : NULL;
        if (grown)
            entries = grown;
        if (!grown || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(path);
            continue;
        }
        entries[(*count)++] = (used_entry){path, st.st_mtime};
    }
    if (dir)
        closedir(dir);
    if (*count)
        qsort(entries, *count, sizeof *entries, by_use_newest_first);
    return entries;
}

/* Removes `path` when nobody holds its lock (a lock file another eviction removed meanwhile
 * is no longer the entry's: it is left). */
static void evict_entry(const char *path)
{
    char *lock = strbuf_format("%s.lock", path);
    int fd = lock ? open(lock, O_RDWR | O_CLOEXEC) : -1;
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && smallfile_names_open_file(lock, fd)) {
        fstree_remove(path);
        unlink(lock);
    }
    if (fd >= 0)
        close(fd);
    free(lock);
}

static void evict(const char *base, const dircache_spec *spec, const char *keep)
{
    size_t count = 0;
    used_entry *entries = list_entries(base, spec->prefix, &count);
    time_t oldest = time(NULL) - (time_t)spec->max_age_days * 24 * 3600;
    for (size_t i = 0; i < count; i++) {
        bool beyond = (spec->max_entries > 0 && i >= (size_t)spec->max_entries) ||
                      (spec->max_age_days > 0 && entries[i].used < oldest);
        if (beyond && strcmp(entries[i].path, keep) != 0)
            evict_entry(entries[i].path);
        free(entries[i].path);
    }
    free(entries);
}

void dircache_store_built(const dircache_spec *spec, const char *built)
{
    cache c;
    cache_init(&c, spec);
    int lock_fd = lock_entry(&c, LOCK_EX, spec->interrupt);
    if (lock_fd >= 0 && !entry_valid(&c, spec)) {
        fstree_remove(c.entry);
        remove_partial_builds(&c);
        store(&c, built);
    }
    if (lock_fd >= 0)
        close(lock_fd);
    if (c.directory)
        evict(c.directory, spec, c.entry);
    cache_free(&c);
}
