/*
 * dircache.h — a cache of pristine server data directories, engine-neutral:
 * making one costs seconds (initdb ~0.45 s, mariadb-install-db ~3 s), copying
 * one costs a few milliseconds, so each is made once per server binary and
 * set of flags, under a lock (flock), verified before use, and copied for
 * every run.
 *
 * Layout: <cache>/<prefix>-<16 hex digits>/ (the pristine directory with a
 * `foster-complete` marker written last, holding the identity) and
 * <cache>/<prefix>-<key>.lock, where <cache> is $XDG_CACHE_HOME/foster or
 * ~/.cache/foster and the key hashes the identity: the server binary's real
 * path, device, inode, size and change time, plus the flags text. An entry
 * whose marker is missing or for another identity, or that lacks a required
 * file, is removed and made again. When the cache directory cannot be made
 * or belongs to another user, every fill builds afresh (slower, not an
 * error).
 */
#ifndef FOSTER_DIRCACHE_H
#define FOSTER_DIRCACHE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

typedef struct dircache_spec {
    const char *prefix;                /* "mydata": names the entries */
    const char *server_binary;         /* its identity keys the cache */
    const char *flags_text;            /* how entries are built; part of the key */
    const char *const *required_files; /* NULL-terminated; each a non-empty regular file */
    /* Makes a pristine directory at `target` (which does not exist yet). 0, or -1 with a diag. */
    int (*build)(void *context, const char *target, diag_list *diags);
    void *context;
    bool give_to_owner; /* copies are given to uid:gid */
    uid_t uid;
    gid_t gid;
    const volatile sig_atomic_t *interrupt; /* may be NULL */
    const char *purpose; /* for "interrupted while <purpose>", e.g. "starting the … server" */
    /* dircache_store_built's limits on this prefix's entries (0: none). */
    int max_entries;
    int max_age_days;
} dircache_spec;

/*
 * Fills `target` (which must not exist): a copy of the cached entry, made
 * first when missing or broken (built straight into `target`, then copied
 * into the cache), or a fresh build when there is no usable cache. 0, or -1
 * with a diag ("interrupted while <purpose>" when *interrupt became non-zero
 * while waiting for the lock). Readers share the lock; whoever builds holds it alone.
 */
int dircache_fill(const dircache_spec *spec, const char *target, diag_list *diags);

/*
 * Fills `target` (which must not exist) with a copy of the cached entry
 * when there is a valid one, and marks that entry used; builds nothing.
 * 1 copied, 0 no such entry (or no usable cache; `target` not made), -1
 * with a diag when the copy failed.
 */
int dircache_copy_cached(const dircache_spec *spec, const char *target, diag_list *diags);

/*
 * Keeps the directory `built` (made by the caller, not changed meanwhile) as
 * the entry of `spec` unless a valid one exists, under the lock, then
 * removes this prefix's least recently used entries beyond
 * spec->max_entries and those unused for spec->max_age_days (skipping any a
 * run holds). Failing only costs a later run a build: nothing is returned.
 */
void dircache_store_built(const dircache_spec *spec, const char *built);

/*
 * Removes every entry of `prefix` from foster's cache (`gc --templates`):
 * each one that carries its `foster-complete` marker and whose lock no run
 * holds (taken at once, never waited for); one without the marker is named
 * and left. One line per entry to `say` (removed, or with `dry_run` would
 * be, or left and why). Returns how many could not be removed.
 */
int dircache_remove_entries(const char *prefix, bool dry_run,
                            void (*say)(void *context, const char *line), void *context);

/*
 * foster's cache directory, $XDG_CACHE_HOME/foster or ~/.cache/foster (not
 * made here); NULL when neither is an absolute path or memory ran out.
 * Caller frees. The template cache keeps its entries there too.
 */
char *dircache_base_directory(void);

#endif
