/*
 * backend_kinds.c — the registry of backend kinds (backend_kinds.h).
 */
#include "backend_kinds.h"

#include <string.h>

#include "backend_kind.h"
#include "mykinds.h"
#include "pgkinds.h"
#include "sqlite_kind.h"
#include "strbuf.h"

/*
 * One line per kind; the first is the default. Kinds that share a name are
 * told apart by their `serves` (backend_kind.h).
 */
static const backend_kind *const kinds[] = {
    &sqlite_kind, &postgres_kind,      &cluster_kind,         &container_kind,
    &mysql_kind,  &mysql_cluster_kind, &mysql_container_kind, /* `container` with a MySQL image */
};

const backend_kind *backend_kind_at(size_t index)
{
    return index < sizeof kinds / sizeof *kinds ? kinds[index] : NULL;
}

const char *backend_kind_name(size_t index)
{
    const backend_kind *kind = backend_kind_at(index);
    return kind ? kind->name : NULL;
}

const backend_kind *backend_kind_find(const char *name)
{
    for (size_t i = 0; backend_kind_at(i); i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

/* The kind called `name` whose `serves` accepts (m, server), else the first without `serves`. */
static const backend_kind *served_by(const char *name, const manifest *m, const char *server)
{
    const backend_kind *fallback = NULL;
    for (size_t i = 0; backend_kind_at(i); i++) {
        if (strcmp(kinds[i]->name, name) != 0)
            continue;
        if (kinds[i]->serves && kinds[i]->serves(m, server))
            return kinds[i];
        if (!kinds[i]->serves && !fallback)
            fallback = kinds[i];
    }
    return fallback;
}

const backend_kind *backend_kind_choose(const char *name, const manifest *m)
{
    return m ? served_by(name, m, NULL) : backend_kind_find(name);
}

const backend_kind *backend_kind_of_run(const char *name, const char *server)
{
    return server ? served_by(name, NULL, server) : backend_kind_find(name);
}

const backend_kind *backend_kind_for_url(const char *url)
{
    for (size_t i = 0; backend_kind_at(i); i++)
        if (kinds[i]->takes_url && kinds[i]->takes_url(url))
            return kinds[i];
    for (size_t i = 0; backend_kind_at(i); i++)
        if (kinds[i]->for_url && !kinds[i]->takes_url)
            return kinds[i];
    return NULL;
}

char *backend_kind_names(const char *separator, const char *last)
{
    strbuf names = STRBUF_INIT;
    size_t count = 0, total = 0;
    for (size_t i = 0; backend_kind_at(i); i++)
        total += backend_kind_find(kinds[i]->name) == kinds[i]; /* a shared name once */
    for (size_t i = 0; backend_kind_at(i); i++) {
        if (backend_kind_find(kinds[i]->name) != kinds[i])
            continue;
        strbuf_appendf(&names, "%s%s",
                       count == 0          ? ""
                       : count + 1 < total ? separator
                                           : last,
                       kinds[i]->name);
        count++;
    }
    return strbuf_detach(&names);
}
