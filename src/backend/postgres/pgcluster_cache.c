/*
 * pgcluster_cache.c — the data directory of an ephemeral cluster, made
 * fast: initdb costs ~0.45 s, so a pristine data directory per server
 * binary and initdb flags is kept in a cache ($XDG_CACHE_HOME/foster or
 * ~/.cache/foster), made once under a lock (flock), verified before use and
 * copied for each run. The layout is described in pgcluster.h.
 */
#include "pgcluster_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fstree.h"
#include "strbuf.h"

#define CACHE_MARKER "foster-complete"

/*
 * The initdb flags, also part of the cache key: a foster that changes them
 * does not pick up data directories made with the old ones. Trust is safe
 * because the server listens on nothing but a socket in a 0700 directory;
 * 1 MB WAL segments make the copied directory 15 MB smaller than 16 MB ones.
 */
#define INITDB_FLAGS_TEXT "-A trust -U postgres -N -E UTF8 --locale=C --wal-segsize=1"

typedef struct data_cache {
    char *directory; /* $XDG_CACHE_HOME/foster; NULL: no usable cache, initdb every time */
    char *entry;     /* directory/pgdata-<key> */
    char *lock;      /* directory/pgdata-<key>.lock */
    char *identity;  /* what the entry must be made from; the marker's content */
} data_cache;

static uint64_t fnv1a(const char *text)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        hash = (hash ^ *p) * 1099511628211ULL;
    return hash;
}

static char *cache_base_directory(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return strbuf_format("%s/foster", xdg);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return strbuf_format("%s/.cache/foster", home);
    return NULL;
}

/*
 * Sets up the cache for the server in `bindir`. The key is the server
 * binary's identity (its real path, device, inode, size and change time)
 * rather than `postgres --version`: that is as precise, also notices a
 * rebuilt binary of the same version, and costs a stat instead of a
 * process. A cache we cannot make, or that belongs to another user (sudo
 * keeping HOME), is not used: every start then runs initdb.
 */
static void cache_init(data_cache *cache, const char *bindir)
{
    memset(cache, 0, sizeof *cache);
    char *base = cache_base_directory();
    char *postgres = strbuf_format("%s/postgres", bindir);
    char *real = postgres ? realpath(postgres, NULL) : NULL;
    struct stat st, base_st;
    if (!base || !real || stat(real, &st) < 0 || fstree_make_directories(base) < 0 ||
        stat(base, &base_st) < 0 || base_st.st_uid != geteuid()) {
        free(base);
        free(postgres);
        free(real);
        return;
    }
    cache->identity =
        strbuf_format("foster cluster cache 1\npostgres %s %ju:%ju %jd %jd.%09ld\n"
                      "initdb %s\n",
                      real, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
                      (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, INITDB_FLAGS_TEXT);
    if (cache->identity) {
        unsigned long long key = (unsigned long long)fnv1a(cache->identity);
        cache->entry = strbuf_format("%s/pgdata-%016llx", base, key);
        cache->lock = strbuf_format("%s/pgdata-%016llx.lock", base, key);
    }
    if (cache->identity && cache->entry && cache->lock) {
        cache->directory = base;
        base = NULL;
    }
    free(base);
    free(postgres);
    free(real);
}

static void cache_free(data_cache *cache)
{
    free(cache->directory);
    free(cache->entry);
    free(cache->lock);
    free(cache->identity);
}

/* A usable entry: completion marker naming this server, PG_VERSION and global/pg_control. */
static bool cache_entry_valid(const data_cache *cache)
{
    char *marker_path = strbuf_format("%s/" CACHE_MARKER, cache->entry);
    char *version_path = strbuf_format("%s/PG_VERSION", cache->entry);
    char *control_path = strbuf_format("%s/global/pg_control", cache->entry);
    char *marker = marker_path ? pg_cluster_read_small_file(marker_path, 65536) : NULL;
    struct stat st;
    bool valid = marker && strcmp(marker, cache->identity) == 0 && version_path &&
                 stat(version_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                 control_path && stat(control_path, &st) == 0 && S_ISREG(st.st_mode) &&
                 st.st_size > 0;
    free(marker);
    free(marker_path);
    free(version_path);
    free(control_path);
    return valid;
}

/* Removes leftovers of builds that died (pgdata-<key>.tmp-<pid>); the caller holds the lock. */
static void cache_remove_partial_builds(const data_cache *cache)
{
    const char *entry_name = strrchr(cache->entry, '/') + 1;
    char *prefix = strbuf_format("%s.tmp-", entry_name);
    DIR *dir = prefix ? opendir(cache->directory) : NULL;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char *path = strbuf_format("%s/%s", cache->directory, entry->d_name);
        if (path)
            fstree_remove(path);
        free(path);
    }
    if (dir)
        closedir(dir);
    free(prefix);
}

/*
 * Stores a freshly made data directory as the cache entry: copied into a
 * temporary directory, flushed, marked complete, renamed into place. The
 * caller holds the exclusive lock. Failing to store only costs the next run
 * an initdb, so it is not an error.
 */
static void cache_store(const data_cache *cache, const char *data)
{
    char *temporary = strbuf_format("%s.tmp-%ld", cache->entry, (long)getpid());
    char *marker = temporary ? strbuf_format("%s/" CACHE_MARKER, temporary) : NULL;
    bool stored = false;
    if (marker && fstree_copy(data, temporary, false, 0, 0) == 0) {
        /* The marker is written last and the entry renamed only after its files are on disk. */
        int fd = open(temporary, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bool synced = fd >= 0 && syncfs(fd) == 0;
        if (fd >= 0)
            close(fd);
        stored = synced && pg_cluster_write_file_atomically(marker, cache->identity) == 0 &&
                 rename(temporary, cache->entry) == 0;
    }
    if (!stored && temporary)
        fstree_remove(temporary);
    free(marker);
    free(temporary);
}

/* The copy of a cache entry has the entry's completion marker, which is no part of the data. */
static int remove_cache_marker(const char *data)
{
    char *marker = strbuf_format("%s/" CACHE_MARKER, data);
    int rc = marker && unlink(marker) == 0 ? 0 : -1;
    free(marker);
    return rc;
}

static int run_initdb(const pg_cluster *cluster, const char *bindir,
                      const pg_cluster_account *account, int log_fd, const char *log_path,
                      diag_list *diags)
{
    char *program = strbuf_format("%s/initdb", bindir);
    char *argv[] = {
        program, "-D", cluster->data, "-A",         "trust",           "-U", CLUSTER_SUPERUSER,
        "-N",    "-E", "UTF8",        "--locale=C", "--wal-segsize=1", NULL};
    if (!program) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    pg_cluster_spawn_spec spec = {argv, cluster->home, log_fd, false, account};
    pid_t pid = pg_cluster_spawn(&spec, diags);
    int status = pid < 0 ? -1 : pg_cluster_wait_child(pid);
    int rc = 0;
    if (pid >= 0 && status != 0) {
        char *how =
            status < 0 ? strdup("could not be waited for") : pg_cluster_describe_status(status);
        char *tail = pg_cluster_log_tail(log_path);
        diag *d = diag_add(diags, NULL, 0, 0, "%s failed (%s):%s", program, how ? how : "?",
                           tail ? tail : "");
        diag_set_hint(d, "the lines above are the end of its output");
        free(how);
        free(tail);
        rc = -1;
    }
    free(program);
    return pid < 0 ? -1 : rc;
}

static bool take_lock(int fd, int operation, const volatile sig_atomic_t *interrupt)
{
    while (flock(fd, operation) < 0) {
        if (errno != EINTR || pg_cluster_interrupted(interrupt))
            return false;
    }
    return true;
}

/*
 * Fills cluster->data: a copy of the cached pristine directory, made first
 * when missing or broken (by initdb straight into cluster->data, then copied
 * into the cache). Readers share the lock; whoever builds holds it alone.
 */
int pg_cluster_cache_make_data_directory(const pg_cluster *cluster, const char *bindir,
                                         const pg_cluster_account *account, int log_fd,
                                         const char *log_path,
                                         const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    data_cache cache;
    cache_init(&cache, bindir);
    int lock_fd = cache.directory ? open(cache.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    int rc = -1;
    bool shared = lock_fd >= 0 && take_lock(lock_fd, LOCK_SH, interrupt);
    bool exclusive = false;
    bool copy = shared && cache_entry_valid(&cache);
    if (!copy && lock_fd >= 0 && (!shared || flock(lock_fd, LOCK_UN) == 0)) {
        exclusive = take_lock(lock_fd, LOCK_EX, interrupt);
        copy = exclusive && cache_entry_valid(&cache); /* someone built it meanwhile */
    }
    if (copy) {
        rc = fstree_copy(cache.entry, cluster->data, account->switch_user, account->uid,
                         account->gid);
        if (rc < 0)
            diag_add(diags, NULL, 0, 0, "cannot copy the cached data directory %s to %s: %s",
                     cache.entry, cluster->data, strerror(errno));
        else
            rc = remove_cache_marker(cluster->data);
    } else if (pg_cluster_interrupted(interrupt)) {
        diag_add(diags, NULL, 0, 0, "interrupted while starting the PostgreSQL server");
    } else {
        if (exclusive) { /* nobody else is reading or building this entry: ours to replace */
            fstree_remove(cache.entry);
            cache_remove_partial_builds(&cache);
        }
        rc = run_initdb(cluster, bindir, account, log_fd, log_path, diags);
        if (rc == 0 && exclusive)
            cache_store(&cache, cluster->data);
    }
    if (lock_fd >= 0)
        close(lock_fd); /* releases the lock */
    cache_free(&cache);
    return rc;
}
