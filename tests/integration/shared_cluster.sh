#!/usr/bin/env bash
# shared_cluster.sh — one PostgreSQL server for a whole test runner, started
# as a user would (`foster -q -b cluster up` in its own runtime directory), and
# what the tests ask of it. Sourced by faults_lib.sh and safety_lib.sh after
# tests/harness.sh; needs $CASES/shared (a one-table project), $SUITE_RUNTIMES,
# $SUITE_CACHE and $SUITE_TMP.

# Finds psql and starts the shared server; PG_SKIP says why when it cannot.
shared_cluster_start() {
    SHARED_PGHOST="" SHARED_PGPORT="" SHARED_DATABASE="" PSQL="" PG_SKIP=""
    local pgbin
    if pgbin=$(find_pg_bindir); then
        PSQL=$pgbin/psql
        [ -x "$PSQL" ] || PSQL=$(command -v psql) || PG_SKIP="no psql"
        [ -z "$PG_SKIP" ] && { start_shared_server || PG_SKIP="the shared server did not start"; }
    else
        PG_SKIP="no PostgreSQL server binaries"
    fi
}

describe_suite() {
    if [ -n "$PG_SKIP" ]; then echo "# PostgreSQL tests skipped: $PG_SKIP"; fi
}

need_pg() {
    [ -n "$SHARED_PGHOST" ] || skip "$PG_SKIP"
}

# Rows of QUERY on the shared server, as its superuser.
psql_shared() { # QUERY [DATABASE]
    "$PSQL" -h "$SHARED_PGHOST" -p "$SHARED_PGPORT" -U postgres -d "${2:-postgres}" \
        -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# Databases on the shared server other than initdb's and the `up` run's.
extra_databases() {
    psql_shared "SELECT coalesce(string_agg(datname, ' ' ORDER BY datname), '') FROM pg_database
                 WHERE datname NOT IN ('postgres', 'template0', 'template1')
                   AND datname NOT LIKE '${SHARED_DATABASE}%'
                   AND datname NOT LIKE 'foster\_tpl\_%'"
}

# Drops the templates the cache kept (not leftovers), so that every test starts cold.
drop_cached_templates() {
    local name
    for name in $(psql_shared "SELECT datname FROM pg_database WHERE datname LIKE 'foster\_tpl\_%'"); do
        psql_shared "DROP DATABASE \"$name\"" >/dev/null
    done
}

drop_database() { # NAME
    psql_shared "ALTER DATABASE \"$1\" WITH IS_TEMPLATE false ALLOW_CONNECTIONS true" >/dev/null 2>&1
    psql_shared "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
}

# The shared server's admin URL for -b postgres -u.
shared_url() { # [DATABASE]
    echo "postgresql://postgres@/${1:-postgres}?host=${SHARED_PGHOST//\//%2F}&port=$SHARED_PGPORT"
}

# Stops the clusters whose links a failed test left in RUNTIME.
stop_leftover_clusters() { # RUNTIME
    local link home pid
    for link in "$1"/cluster_*; do
        [ -e "$link" ] || [ -L "$link" ] || continue
        home=$(readlink -f "$link")
        if [ -n "$home" ] && [ -d "$home/data" ]; then
            pid=$(head -n 1 "$home/data/postmaster.pid" 2>/dev/null)
            [[ $pid =~ ^[0-9]+$ ]] && process_runs "$pid" "$home" && kill -QUIT "$pid" 2>/dev/null
            sleep 0.5
        fi
        [ -n "$home" ] && [ "$home" != / ] && rm -rf "$home"
        rm -f "$link"
    done
}

# The one shared server: `foster -q -b cluster up` in its own runtime directory.
start_shared_server() {
    SHARED_RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/shared.XXXXXX")
    local exports
    exports=$(cd "$CASES/shared" && FOSTER_RUNTIME_DIR=$SHARED_RUNTIME XDG_CACHE_HOME=$SUITE_CACHE \
        "$FOSTER" -q -b cluster up 2>"$SUITE_TMP/shared.err") || {
        echo "# cannot start the shared server:" && sed 's/^/#   /' "$SUITE_TMP/shared.err"
        return 1
    }
    SHARED_PGHOST=$(eval "$exports" && echo "$PGHOST")
    SHARED_PGPORT=$(eval "$exports" && echo "$PGPORT")
    SHARED_DATABASE=$(eval "$exports" && echo "$PGDATABASE")
    [ -n "$SHARED_PGHOST" ] && [ -n "$SHARED_DATABASE" ]
}

stop_shared_server() {
    [ -n "${SHARED_RUNTIME:-}" ] && [ -d "$SHARED_RUNTIME" ] || return 0
    (cd "$CASES/shared" && FOSTER_RUNTIME_DIR=$SHARED_RUNTIME XDG_CACHE_HOME=$SUITE_CACHE \
        "$FOSTER" -q -b cluster down) >/dev/null 2>&1 || echo "# foster -b cluster down failed for the shared server"
    stop_leftover_clusters "$SHARED_RUNTIME"
    SHARED_RUNTIME=""
}
