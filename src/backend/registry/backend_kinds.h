/*
 * backend_kinds.h — the registry: every backend kind foster knows, in one
 * table (backend_kinds.c). The manifest's `backend =`, -b, --help, the
 * session, `down` and `gc` take the kinds and their names from here. A new
 * engine is a folder under src/backend/ plus one line of that table.
 *
 * Declared with an incomplete type so that the manifest, which validates the
 * name, needs nothing of the backend interface.
 */
#ifndef FOSTER_BACKEND_KINDS_H
#define FOSTER_BACKEND_KINDS_H

#include <stddef.h>

struct backend_kind;

/* The (first) kind called `name`, or NULL. */
const struct backend_kind *backend_kind_find(const char *name);

/*
 * The kind called `name` that serves the manifest `m` (kinds sharing a name:
 * backend_kind.h's `serves`), or NULL.
 */
struct manifest;
const struct backend_kind *backend_kind_choose(const char *name, const struct manifest *m);

/* The kind called `name` that made a run whose record names `server` (may be NULL), or NULL. */
const struct backend_kind *backend_kind_of_run(const char *name, const char *server);

/*
 * The name of kind `index` in table order, NULL past the last; kind 0 is the
 * default. A name several kinds share is given for each of them.
 */
const char *backend_kind_name(size_t index);

/* Kind `index` in table order, NULL past the last. */
const struct backend_kind *backend_kind_at(size_t index);

/*
 * The kind that opens databases given by `url` alone (foster_load, wait): the
 * first whose takes_url accepts it, else the first with for_url and no
 * takes_url (files).
 */
const struct backend_kind *backend_kind_for_url(const char *url);

/*
 * The names joined for a message: "a, b, c or d" with (`separator`, `last`)
 * = (", ", " or "). A new string the caller frees; NULL when memory ran out.
 */
char *backend_kind_names(const char *separator, const char *last);

#endif
