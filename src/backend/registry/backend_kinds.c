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

/* One line per kind; the first is the default. */
static const backend_kind *const kinds[] = {
    &sqlite_kind, &postgres_kind, &cluster_kind, &container_kind, &mysql_kind, &mysql_cluster_kind,
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
    for (size_t i = 0; backend_kind_at(i); i++)
        strbuf_appendf(&names, "%s%s",
                       i == 0                   ? ""
                       : backend_kind_at(i + 1) ? separator
                                                : last,
                       kinds[i]->name);
    return strbuf_detach(&names);
}
