/*
 * pgkinds.h — the PostgreSQL backend kinds (backend_kind.h), one per place a
 * server comes from: `postgres` (an existing server), `cluster` (one foster
 * starts with initdb) and `container` (one foster runs in docker/podman).
 * Listed in the registry. pgkinds_gc.c holds their garbage collection.
 */
#ifndef FOSTER_PGKINDS_H
#define FOSTER_PGKINDS_H

#include "backend_kind.h"

extern const backend_kind postgres_kind;
extern const backend_kind cluster_kind;
extern const backend_kind container_kind;

/* dump_schema (pgdump.c): pg_dump --schema-only of `tables` (all when none), read-only. */
int pg_dump_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                   diag_list *diags);

/* gc (pgkinds_gc.c): marked databases of dead runs on the postgres kind's server. */
void pg_collect_server_garbage(backend_gc *gc);
/* `gc --templates`: the postgres kind's server templates (pgtemplate.c), the cluster's cached
 * data directories (pgcluster_cache.c). */
void pg_collect_server_templates(backend_gc *gc);
void pg_collect_cluster_templates(backend_gc *gc);

/* (pgkinds_gc.c): the half-made database of a run killed before marking it. */
void pg_finish_half_made(const backend_setup *setup, const backend_run *run,
                         void (*progress)(void *context, const char *line), void *context);

/* (pgclient.c): a kept run's password into a libpq password file; psql as its client. */
long pg_write_secret(const env_var *env, size_t count, strbuf *content);
char *pg_client_command(const char *url, const env_var *env, size_t count);

#endif
