/*
 * pgcluster_spawn.c — the account PostgreSQL's programs (initdb, postgres)
 * run as: PostgreSQL refuses to run as root, so when foster runs as root they
 * run as the `postgres` user if it exists, else `nobody`. Running them is
 * util's server_spawn (server_account.h).
 */
#include "pgcluster_internal.h"

int pg_cluster_account_resolve(pg_cluster_account *account, diag_list *diags)
{
    static const char *const candidates[] = {"postgres", "nobody", NULL};
    return server_account_resolve(account, candidates, "PostgreSQL", diags);
}
