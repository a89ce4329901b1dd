/*
 * template_cache.c — the key of a provisioned database's content; see
 * template_cache.h. The engines keep the entries (sqlite_template.c).
 */
#include "template_cache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dircache.h"
#include "fstree.h"
#include "monotonic.h"
#include "sha256.h"
#include "strbuf.h"

/* Appends "<what> <sha256 of the file>\n"; -1 when the file cannot be read. */
static int append_file(strbuf *identity, const char *what, const char *path)
{
    char hex[65];
    if (sha256_file_hex(path, hex) < 0)
        return -1;
    strbuf_appendf(identity, "%s %s\n", what, hex);
    return 0;
}

static int append_tables(strbuf *identity, const foster_session *s)
{
    const manifest *m = &s->manifest;
    for (size_t i = 0; i < m->table_count; i++) {
        const manifest_table *t = &m->tables[i];
        strbuf_appendf(identity, "table %s\n", t->name);
        if (append_file(identity, "schema", t->schema_path) < 0 ||
            (t->sqlite_schema_path && append_file(identity, "variant", t->sqlite_schema_path) < 0))
            return -1;
        for (size_t f = 0; f < t->fixture_path_count; f++)
            if (append_file(identity, "fixture", t->fixture_paths[f]) < 0)
                return -1;
    }
    return 0;
}

/* The owner's whole dump and the preludes: they decide the tables too. */
static int append_shared_files(strbuf *identity, const manifest *m)
{
    if (m->schema_dump_path && append_file(identity, "schema_dump", m->schema_dump_path) < 0)
        return -1;
    for (size_t i = 0; i < m->prelude_count; i++)
        if (m->prelude_paths && m->prelude_paths[i] &&
            append_file(identity, "prelude", m->prelude_paths[i]) < 0)
            return -1;
    return 0;
}

/* The identity text, or NULL when an input cannot be read. */
static char *make_identity(const foster_session *s)
{
    strbuf identity = STRBUF_INIT;
    strbuf_appendf(&identity, "foster %s template 1\nbackend %s dialect %d\n", FOSTER_VERSION,
                   s->backend_name, (int)s->dialect);
    int rc = append_file(&identity, "manifest", s->manifest.path);
    if (rc == 0)
        rc = append_shared_files(&identity, &s->manifest);
    if (rc == 0)
        rc = append_tables(&identity, s);
    /* What the engine runs: the translation decides SQLite's tables. */
    for (size_t i = 0; rc == 0 && i < s->schemas.sqlite.count; i++)
        strbuf_appendf(&identity, "statement %s\n", s->schemas.sqlite.items[i].sql);
    if (rc < 0 || identity.failed) {
        strbuf_free(&identity);
        return NULL;
    }
    return strbuf_detach(&identity);
}

/* foster's cache directory, made 0700 and owned by this user; NULL when there is none. */
static char *cache_directory(void)
{
    char *base = dircache_base_directory();
    char *directory = base ? strbuf_format("%s/templates", base) : NULL;
    struct stat st;
    bool usable = directory && fstree_make_directories(directory) == 0 &&
                  stat(directory, &st) == 0 && st.st_uid == geteuid();
    free(base);
    if (!usable) {
        free(directory);
        return NULL;
    }
    return directory;
}

void template_cache_open(foster_session *s, template_cache *cache)
{
    memset(cache, 0, sizeof *cache);
    const backend_ops *ops = s->backend->ops;
    bool in_files = ops->template_restore != NULL;
    if (s->options.no_cache || !s->manifest.cache) {
        cache->why =
            s->options.no_cache ? "off (--no-cache)" : "off (cache = false in the manifest)";
        return;
    }
    if (!(ops->template_restore || ops->create_cached) || !ops->template_store || !s->runtime_dir) {
        cache->why = "none for this backend";
        return;
    }
    if (!(cache->identity = make_identity(s))) {
        cache->why = "off (an input could not be read)";
        return;
    }
    sha256 h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, cache->identity, strlen(cache->identity));
    sha256_final_hex(&h, hex);
    memcpy(cache->key, hex, 32);
    cache->key[32] = '\0';
    if (in_files && !(cache->directory = cache_directory())) {
        cache->why = "off (no cache directory: set XDG_CACHE_HOME or HOME)";
        return;
    }
    if (ops->prefer_template && ops->prefer_template(s->backend, cache->key) < 0) {
        cache->why = "off (out of memory)";
        return;
    }
    cache->on = true;
}

void template_cache_close(template_cache *cache)
{
    free(cache->directory);
    free(cache->identity);
    memset(cache, 0, sizeof *cache);
}

foster_result template_cache_create(foster_session *s, template_cache *cache, bool *hit)
{
    backend *b = s->backend;
    double started = monotonic_seconds();
    *hit = false;
    if (!cache->on || !b->ops->create_cached)
        return b->ops->create(b, s->database_name, s->run_id, &s->problems) < 0
                   ? FOSTER_ERROR_DATABASE
                   : FOSTER_OK;
    if (b->ops->create_cached(b, s->database_name, s->run_id, cache->key, cache->identity, hit,
                              cache->created_why, sizeof cache->created_why, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    cache->created = true;
    cache->created_hit = *hit;
    cache->create_seconds = monotonic_seconds() - started;
    return FOSTER_OK;
}

/* The lines of what create_cached did. */
static void tell_created(foster_session *s, const template_cache *cache)
{
    if (cache->created_hit)
        session_progress(s,
                         "cloned the server's cached template %s (%zu %s with their fixtures) "
                         "in %.1f ms",
                         cache->key, s->schemas.count,
                         str_plural((long long)s->schemas.count, "table", "tables"),
                         cache->create_seconds * 1e3);
    if (s->options.verbose)
        session_progress(s, "template cache: %s (key %s)%s%s", cache->created_hit ? "hit" : "miss",
                         cache->key, cache->created_why[0] ? ": " : "", cache->created_why);
}

foster_result template_cache_fill(foster_session *s, template_cache *cache, bool *hit)
{
    backend *b = s->backend;
    double started = monotonic_seconds();
    *hit = false;
    if (cache->created) {
        tell_created(s, cache);
        *hit = cache->created_hit;
        return FOSTER_OK;
    }
    if (!cache->on || !b->ops->template_restore) {
        if (s->options.verbose && !cache->on)
            session_progress(s, "template cache: %s", cache->why);
        return FOSTER_OK;
    }
    if (b->ops->template_restore(b, cache->directory, cache->key, cache->identity, hit,
                                 &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    if (*hit)
        session_progress(s, "copied the cached template %s (%zu %s with their fixtures) in %.1f ms",
                         cache->key, s->schemas.count,
                         str_plural((long long)s->schemas.count, "table", "tables"),
                         (monotonic_seconds() - started) * 1e3);
    else if (s->options.verbose)
        session_progress(s, "template cache: miss (no template made from these inputs yet, key %s)",
                         cache->key);
    return FOSTER_OK;
}

void template_cache_store(foster_session *s, template_cache *cache)
{
    if (!cache->on)
        return;
    diag_list problems = DIAG_LIST_INIT;
    backend *b = s->backend;
    int rc = b->ops->template_store(b, cache->directory, cache->key, cache->identity, &problems);
    if (rc == 0 && s->options.verbose)
        session_progress(s, "template cache: kept %s for the next run", cache->key);
    else if (rc < 0 && problems.count)
        session_progress(s, "template cache: not kept: %s", problems.items[0].message);
    diag_list_clear(&problems);
}
