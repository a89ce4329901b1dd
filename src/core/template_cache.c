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

/* The identity text, or NULL when an input cannot be read. */
static char *make_identity(const foster_session *s)
{
    strbuf identity = STRBUF_INIT;
    strbuf_appendf(&identity, "foster %s template 1\nbackend %s dialect %d\n", FOSTER_VERSION,
                   s->backend_name, (int)s->dialect);
    int rc = append_file(&identity, "manifest", s->manifest.path);
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

void template_cache_open(foster_session *s, template_cache *cache, const char **why)
{
    memset(cache, 0, sizeof *cache);
    const backend_ops *ops = s->backend->ops;
    if (s->options.no_cache || !s->manifest.cache) {
        *why = s->options.no_cache ? "off (--no-cache)" : "off (cache = false in the manifest)";
        return;
    }
    if (!ops->template_restore || !ops->template_store || !s->runtime_dir) {
        *why = "none for this backend";
        return;
    }
    if (!(cache->identity = make_identity(s))) {
        *why = "off (an input could not be read)";
        return;
    }
    sha256 h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, cache->identity, strlen(cache->identity));
    sha256_final_hex(&h, hex);
    memcpy(cache->key, hex, 32);
    cache->key[32] = '\0';
    if (!(cache->directory = cache_directory()))
        *why = "off (no cache directory: set XDG_CACHE_HOME or HOME)";
}

void template_cache_close(template_cache *cache)
{
    free(cache->directory);
    free(cache->identity);
    memset(cache, 0, sizeof *cache);
}

foster_result template_cache_fill(foster_session *s, template_cache *cache, bool *hit)
{
    backend *b = s->backend;
    const char *why = NULL;
    double started = monotonic_seconds();
    *hit = false;
    template_cache_open(s, cache, &why);
    if (!cache->directory) {
        if (s->options.verbose)
            session_progress(s, "template cache: %s", why);
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
    if (!cache->directory)
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
