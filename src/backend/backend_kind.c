/*
 * backend_kind.c — what every kind shares: the gc line helper and the rules
 * gc judges a marked database by.
 */
#include "backend_kind.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "strbuf.h"

void backend_gc_say(backend_gc *gc, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *line = strbuf_vformat(fmt, args);
    va_end(args);
    if (line && gc->say)
        gc->say(gc, line);
    free(line);
}

void backend_gc_say_line(void *gc, const char *line)
{
    backend_gc *g = gc;
    if (g->say)
        g->say(g, line);
}

const char *backend_gc_must_leave(const backend_gc *gc, const backend_marked *m, char *why,
                                  size_t size)
{
    process_identity me;
    process_identity_get(&me);
    char *directory = realpath(gc->setup->runtime_dir, NULL);
    const char *run = m->run_id ? m->run_id : "?";
    if (!m->run_id || !m->name_fits)
        snprintf(why, size, "its name is not one foster gives run %s (renamed?)", run);
    else if (m->kept && m->uid >= 0)
        snprintf(why, size, "kept by `foster up` (run %s, uid %ld, runtime directory %s)", run,
                 m->uid, m->dir ? m->dir : "?");
    else if (m->kept)
        snprintf(why, size, "kept by `foster up` (run %s, runtime directory %s)", run,
                 m->dir ? m->dir : "?");
    else if (!m->dir || !m->boot || !m->pidns || !m->host)
        snprintf(why, size, "its marker (of an older foster) names no runtime directory");
    else if (strcmp(m->host, me.host) != 0)
        snprintf(why, size, "made on host %s", m->host);
    else if (strcmp(m->pidns, me.pid_ns) != 0)
        snprintf(why, size, "made in another PID namespace (%s)", m->pidns);
    else if (strcmp(m->boot, me.boot_id) != 0)
        snprintf(why, size, "made before this machine last booted");
    else if (!directory || strcmp(m->dir, directory) != 0)
        snprintf(why, size, "made by the runtime directory %s, not this one", m->dir);
    else if (m->pid <= 0 || gc->alive((pid_t)m->pid))
        snprintf(why, size, "its foster process %ld still runs", m->pid);
    else
        why = NULL;
    free(directory);
    return why;
}
