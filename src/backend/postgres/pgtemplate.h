/*
 * pgtemplate.h — the `postgres` backend's template cache on the server: a
 * template database foster_tpl_<key> per set of inputs (src/core/
 * template_cache.c makes the key), carrying foster's template marker
 *
 *     foster template database; key <key>; identity <sha256>; uid 1000; used 1764800000
 *
 * (one line: the full SHA-256 of the inputs' identity, who made it, when it
 * was last copied). foster copies, evicts or replaces only a database whose
 * name and marker say it is such a template; a look-alike without the
 * marker is never used nor touched.
 */
#ifndef FOSTER_PGTEMPLATE_H
#define FOSTER_PGTEMPLATE_H

#include <stdbool.h>

#include "diag.h"
#include "pqapi.h"

#define PG_TEMPLATE_PREFIX        "foster_tpl_"
#define PG_TEMPLATE_MARKER_PREFIX "foster template database; key "

/*
 * The limits applied after each new template (documented in docs/
 * commands.md): the least recently used beyond PG_TEMPLATE_MAX on the
 * server, and any not used for PG_TEMPLATE_MAX_AGE_DAYS, are dropped.
 */
#define PG_TEMPLATE_MAX          16
#define PG_TEMPLATE_MAX_AGE_DAYS 14

/*
 * Drops the server's marked templates: every one when `all`, else those
 * beyond the limits above; never `keep` (NULL: none) nor one whose build
 * lock another run holds. Each dropped (or, with `dry_run`, that would be)
 * is told to `report` as one line; unmarked look-alikes are named and left.
 * The number of templates that could not be dropped, or -1 with a diag
 * when the server could not be asked.
 */
int pg_templates_evict(PGconn *admin, bool all, const char *keep, bool dry_run,
                       void (*report)(void *context, const char *line), void *context,
                       diag_list *diags);

#endif
