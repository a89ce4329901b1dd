/*
 * pgcluster_cache.c — the data directory of an ephemeral cluster, made
 * fast: initdb costs ~0.45 s, so a pristine data directory per server
 * binary and initdb flags is kept in foster's cache of data directories
 * (util's dircache.h: made once under a lock, verified before use, copied
 * for each run). The layout is described in pgcluster.h.
 */
#include "pgcluster_internal.h"

#include <stdlib.h>
#include <string.h>

#include "dircache.h"
#include "pgkinds.h"
#include "strbuf.h"

/*
 * The initdb flags, also part of the cache key: a foster that changes them
 * does not pick up data directories made with the old ones. Trust is safe
 * because the server listens on nothing but a socket in a 0700 directory;
 * 1 MB WAL segments make the copied directory 15 MB smaller than 16 MB ones.
 */
#define INITDB_FLAGS_TEXT "-A trust -U postgres -N -E UTF8 --locale=C --wal-segsize=1"

typedef struct initdb_context {
    const pg_cluster *cluster;
    const char *bindir;
    const pg_cluster_account *account;
    int log_fd;
    const char *log_path;
} initdb_context;

static int run_initdb(void *context, const char *target, diag_list *diags)
{
    const initdb_context *c = context;
    char *program = strbuf_format("%s/initdb", c->bindir);
    char *argv[] = {
        program, "-D", (char *)target, "-A",         "trust",           "-U", CLUSTER_SUPERUSER,
        "-N",    "-E", "UTF8",         "--locale=C", "--wal-segsize=1", NULL};
    if (!program) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    pg_cluster_spawn_spec spec = {argv, c->cluster->home, c->log_fd, false, c->account};
    pid_t pid = pg_cluster_spawn(&spec, diags);
    int status = pid < 0 ? -1 : pg_cluster_wait_child(pid);
    int rc = 0;
    if (pid >= 0 && status != 0) {
        char *how =
            status < 0 ? strdup("could not be waited for") : pg_cluster_describe_status(status);
        char *tail = pg_cluster_log_tail(c->log_path);
        diag *d = diag_add(diags, NULL, 0, 0, "%s failed (%s):%s", program, how ? how : "?",
                           tail ? tail : "");
        diag_set_hint(d, "the lines above are the end of its output");
        free(how);
        free(tail);
        rc = -1;
    }
    free(program);
    return pid < 0 ? -1 : rc;
}

int pg_cluster_cache_make_data_directory(const pg_cluster *cluster, const char *bindir,
                                         const pg_cluster_account *account, int log_fd,
                                         const char *log_path,
                                         const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    static const char *const required[] = {"PG_VERSION", "global/pg_control", NULL};
    char *postgres = strbuf_format("%s/postgres", bindir);
    if (!postgres) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return -1;
    }
    initdb_context context = {cluster, bindir, account, log_fd, log_path};
    dircache_spec spec = {.prefix = "pgdata",
                          .server_binary = postgres,
                          .flags_text = INITDB_FLAGS_TEXT,
                          .required_files = required,
                          .build = run_initdb,
                          .context = &context,
                          .give_to_owner = account->switch_user,
                          .uid = account->uid,
                          .gid = account->gid,
                          .interrupt = interrupt,
                          .purpose = "starting the PostgreSQL server"};
    int rc = dircache_fill(&spec, cluster->data, diags);
    free(postgres);
    return rc;
}

void pg_collect_cluster_templates(backend_gc *gc)
{
    gc->failures += dircache_remove_entries("pgtpl", gc->dry_run, backend_gc_say_line, gc);
    gc->failures += dircache_remove_entries("pgdata", gc->dry_run, backend_gc_say_line, gc);
}

/* The cache's limits on cached template data directories (pgcluster.h). */
#define TEMPLATE_MAX_ENTRIES  4
#define TEMPLATE_MAX_AGE_DAYS 14

/* The dircache spec of cluster->template_key's data directory; its strings are the caller's. */
static dircache_spec template_spec(const pg_cluster *cluster, const char *postgres,
                                   const char *flags, const pg_cluster_account *account,
                                   const volatile sig_atomic_t *interrupt)
{
    static const char *const required[] = {"PG_VERSION", "global/pg_control", NULL};
    return (dircache_spec){.prefix = "pgtpl",
                           .server_binary = postgres,
                           .flags_text = flags,
                           .required_files = required,
                           .give_to_owner = account && account->switch_user,
                           .uid = account ? account->uid : 0,
                           .gid = account ? account->gid : 0,
                           .interrupt = interrupt,
                           .purpose = "starting the PostgreSQL server",
                           .max_entries = TEMPLATE_MAX_ENTRIES,
                           .max_age_days = TEMPLATE_MAX_AGE_DAYS};
    (void)cluster;
}

int pg_cluster_cache_copy_template(const pg_cluster *cluster, const pg_cluster_account *account,
                                   const volatile sig_atomic_t *interrupt, diag_list *diags)
{
    char *postgres = strbuf_format("%s/postgres", cluster->bindir);
    char *flags = strbuf_format(INITDB_FLAGS_TEXT " template %s", cluster->template_key);
    int rc = -1;
    if (postgres && flags) {
        dircache_spec spec = template_spec(cluster, postgres, flags, account, interrupt);
        rc = dircache_copy_cached(&spec, cluster->data, diags);
    } else {
        diag_add(diags, NULL, 0, 0, "out of memory");
    }
    free(postgres);
    free(flags);
    return rc;
}

void pg_cluster_cache_keep_template(const pg_cluster *cluster)
{
    char *postgres = strbuf_format("%s/postgres", cluster->bindir);
    char *flags = strbuf_format(INITDB_FLAGS_TEXT " template %s", cluster->template_key);
    if (postgres && flags) {
        dircache_spec spec = template_spec(cluster, postgres, flags, NULL, NULL);
        dircache_store_built(&spec, cluster->data);
    }
    free(postgres);
    free(flags);
}
