/*
 * ddl_extensions.c — which package provides a PostgreSQL extension, so that
 * "the server has no extension X" can say what to install.
 */
#include <string.h>

#include "ddl.h"

typedef struct extension_package {
    const char *extension;
    const char *package;
} extension_package;

/* Debian's names; NN is the server's major version. */
static const extension_package packages[] = {
    {"postgis", "postgresql-NN-postgis-3"},
    {"postgis_topology", "postgresql-NN-postgis-3"},
    {"postgis_raster", "postgresql-NN-postgis-3"},
    {"vector", "postgresql-NN-pgvector"},
    {"timescaledb", "timescaledb-2-postgresql-NN (Timescale's repository)"},
    {"pg_partman", "postgresql-NN-partman"},
    {"pg_cron", "postgresql-NN-cron"},
    {"hypopg", "postgresql-NN-hypopg"},
    {"pgaudit", "postgresql-NN-pgaudit"},
    {"pg_repack", "postgresql-NN-repack"},
    {"h3", "postgresql-NN-h3"},
    {"orafce", "postgresql-NN-orafce"},
    {"plpython3u", "postgresql-plpython3-NN"},
    {"plperl", "postgresql-plperl-NN"},
    {"pltcl", "postgresql-pltcl-NN"},
    {NULL, NULL},
};

const char *ddl_extension_package(const char *extension)
{
    for (const extension_package *p = packages; p->extension; p++)
        if (strcmp(p->extension, extension) == 0)
            return p->package;
    /* The contrib modules (citext, pgcrypto, uuid-ossp, hstore, pg_trgm...) ship with the
     * server itself on Debian; elsewhere in postgresql-contrib. */
    return "postgresql-NN (contrib modules such as citext, pgcrypto, uuid-ossp, hstore; "
           "postgresql-contrib on other systems), or the extension's own package";
}
