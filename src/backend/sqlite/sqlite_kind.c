/*
 * sqlite_kind.c — the `sqlite` backend kind: makes and reaches file-backed
 * (or in-memory) SQLite databases, and collects the files of dead runs.
 */
#include "sqlite_kind.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_sqlite.h"
#include "dircache.h"
#include "strbuf.h"

static backend *sqlite_make(const backend_setup *setup, char **server, diag_list *diags)
{
    (void)diags;
    *server = NULL;
    return backend_sqlite_new(setup->runtime_dir);
}

static backend_attach_result sqlite_attach(const backend_setup *setup, const backend_run *run,
                                           backend **out, char **target, diag_list *diags)
{
    (void)diags;
    *out = backend_sqlite_new(setup->runtime_dir);
    *target = strdup(run->url);
    return BACKEND_ATTACHED;
}

/* SQLite files in the runtime directory that no record claims any more. */
static void sqlite_collect_garbage(backend_gc *gc)
{
    const char *directory = gc->setup->runtime_dir;
    DIR *dir = opendir(directory);
    struct dirent *entry;
    while (dir && (entry = readdir(dir))) {
        const char *name = entry->d_name;
        if (!str_has_suffix(name, ".sqlite3") && !str_has_suffix(name, ".sqlite3.pristine"))
            continue;
        if (gc->claimed(gc, name))
            continue;
        char *path = strbuf_format("%s/%s", directory, name);
        if (!path)
            continue;
        if (!sqlite_file_has_marker(path)) {
            backend_gc_say(gc, "left %s: it does not carry foster's marker", path);
        } else if (gc->dry_run) {
            backend_gc_say(gc, "would remove %s (no run record claims it)", path);
        } else if (unlink(path) == 0) {
            backend_gc_say(gc, "removed %s (no run record claimed it)", path);
        } else {
            backend_gc_say(gc, "could not remove %s: %s", path, strerror(errno));
            gc->failures++;
        }
        free(path);
    }
    if (dir)
        closedir(dir);
}

/* `gc --templates`: the SQLite template cache (sqlite_template.c). */
static void sqlite_collect_templates(backend_gc *gc)
{
    char *base = dircache_base_directory();
    char *directory = base ? strbuf_format("%s/templates", base) : NULL;
    if (directory)
        gc->failures += sqlite_templates_remove(directory, gc->dry_run, backend_gc_say_line, gc);
    free(directory);
    free(base);
}

static backend *sqlite_for_url(void)
{
    return backend_sqlite_new(NULL);
}

/* "sqlite3 '/path'": the file the URL names. */
static char *sqlite_client_command(const char *url, const env_var *env, size_t count)
{
    (void)env;
    (void)count;
    static const char prefix[] = "sqlite:///"; /* then the absolute path */
    if (strncmp(url, prefix, sizeof prefix - 1) == 0)
        url += sizeof prefix - 1;
    strbuf command = STRBUF_INIT;
    strbuf_append_str(&command, "sqlite3 ");
    strbuf_append_shell_quoted(&command, url);
    return strbuf_detach(&command);
}

const backend_kind sqlite_kind = {
    .name = "sqlite",
    .dialect = SCHEMA_SQLITE,
    .in_memory = true,
    .make = sqlite_make,
    .attach = sqlite_attach,
    .collect_garbage = sqlite_collect_garbage,
    .collect_templates = sqlite_collect_templates,
    /* no takes_url: a file name, whatever no server kind claims */
    .for_url = sqlite_for_url,
    .client_command = sqlite_client_command,
};
