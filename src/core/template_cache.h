/*
 * template_cache.h — what decides a provisioned database's content, as one
 * text and its key, for the engines' template caches (backend.h:
 * template_restore, template_store): foster's version, the backend kind,
 * the manifest, every schema file, every fixture (their content, not their
 * dates), and the statements the engine runs (the translation for SQLite).
 * A change in any of them is a new key: a changed fixture or schema file is
 * never served stale.
 */
#ifndef FOSTER_TEMPLATE_CACHE_H
#define FOSTER_TEMPLATE_CACHE_H

#include "session.h"

/* The cache in effect for this provisioning: where it is, identity and key. */
typedef struct template_cache {
    bool on;         /* false: build without the cache (why says why) */
    const char *why; /* a static phrase for -v when the cache is off */
    char *directory; /* file-kept entries (template_restore): made 0700 when missing */
    char *identity;
    char key[33]; /* 32 hex digits of the identity's SHA-256 */
    /* What create_cached did, told by template_cache_fill after the run's first line. */
    bool created;
    bool created_hit;
    double create_seconds;
    char created_why[256];
} template_cache;

/*
 * Fills `cache` for session `s` about to provision, or leaves it off (on
 * false) saying why in cache->why: turned off (--no-cache, `cache =
 * false`), an engine without a cache, no usable cache directory for an
 * engine that keeps its entries in files, an input that cannot be read
 * (provisioning then says so). Called before the server starts: an engine
 * whose server may start from a cached data directory is told the key
 * (backend prefer_template).
 */
void template_cache_open(foster_session *s, template_cache *cache);

void template_cache_close(template_cache *cache);

/*
 * Creates the test database (backend create): for an engine whose cache is
 * on its server (create_cached), as a copy of the server's template of
 * these inputs when there is one (*hit; template_cache_fill tells it). FOSTER_OK or
 * FOSTER_ERROR_DATABASE.
 */
foster_result template_cache_create(foster_session *s, template_cache *cache, bool *hit);

/*
 * Right after the database is created: tells what template_cache_create
 * did; for an engine keeping its entries in files, fills it from the cached template of these
 * inputs when there is one
 * (*hit; one progress line says so), else leaves `cache` ready for
 * template_cache_store. -v says why there was no hit. FOSTER_OK, or the
 * failure of a template that could not be copied.
 */
foster_result template_cache_fill(foster_session *s, template_cache *cache, bool *hit);

/* After the snapshot of a database built from its inputs: keeps it for the next run. */
void template_cache_store(foster_session *s, template_cache *cache);

#endif
