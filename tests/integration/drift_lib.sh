# shellcheck shell=bash
# drift_lib.sh — what the drift runners share (drift_test.sh: snapshot and
# schema; drift_diff_test.sh: diff, its make targets and CI recipe): their
# throwaway PostgreSQL "owner" server, the harness hooks and the helpers.
# Sourced after tests/harness.sh, never run.
#
# Each runner starts ONE throwaway PostgreSQL server (initdb in a private
# directory, a private unix socket only, trust, every statement logged); each
# test builds its own owner database from tests/data/drift/owner.sql and
# copies the project tests/data/drift/project (foster.ini, no schema files
# yet) into $WORK. After each test the owner database is dropped and nothing
# may be left in the runtime directory. Without PostgreSQL server binaries or
# pg_dump every test is reported SKIP and the runner exits 77.

# shellcheck disable=SC2034,SC2153 # used by the files that source this one; DATA is the harness's
CASES=$DATA/drift

# ---------------------------------------------------------------------------
# The server.

as_server_user() { "${AS_SERVER_USER[@]}" "$@"; }

psql_owner() { # SQL [DATABASE]
    "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -h "$SERVER_DIR" -p "$SERVER_PORT" -U postgres \
        -d "${2:-$OWNER_DB}" -c "$1"
}

start_server() {
    SERVER_DIR=$(mktemp -d /tmp/foster-drift-test.XXXXXX) || return 1
    chmod 700 "$SERVER_DIR"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$SERVER_DIR"
    (cd "$SERVER_DIR" && as_server_user "$PGBIN/initdb" -D "$SERVER_DIR/data" -U postgres \
        --auth-local=trust -E UTF8 --locale=C --no-sync) >"$SERVER_DIR/initdb.log" 2>&1 || {
        sed 's/^/#   /' "$SERVER_DIR/initdb.log"
        return 1
    }
    SERVER_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (cd "$SERVER_DIR" && as_server_user "$PGBIN/postgres" -D "$SERVER_DIR/data" -p "$SERVER_PORT" \
        -k "$SERVER_DIR" -c listen_addresses= -c fsync=off -c log_statement=all \
        -c logging_collector=off) >"$SERVER_DIR/server.log" 2>&1 &
    local i
    for ((i = 0; i < 300; i++)); do
        psql_owner "SELECT 1" postgres >/dev/null 2>&1 && return 0
        sleep 0.03
    done
    sed 's/^/#   /' "$SERVER_DIR/server.log"
    return 1
}

stop_server() {
    local pid
    pid=$(head -n 1 "$SERVER_DIR/data/postmaster.pid" 2>/dev/null)
    [[ $pid =~ ^[0-9]+$ ]] && kill -QUIT "$pid" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.01
    done
    kill -KILL "$pid" 2>/dev/null
}

before_all() {
    PGBIN=$(find_pg_bindir) || skip_all "no PostgreSQL server binaries (postgres, initdb): install the postgresql package"
    PSQL=$(command -v psql) || skip_all "no psql: install postgresql-client"
    command -v pg_dump >/dev/null || skip_all "no pg_dump: install postgresql-client"
    SERVER_USER=$(id -un)
    AS_SERVER_USER=(env)
    if [ "$(id -u)" -eq 0 ]; then
        SERVER_USER=postgres
        id postgres >/dev/null 2>&1 || SERVER_USER=nobody
        AS_SERVER_USER=(setpriv "--reuid=$SERVER_USER" "--regid=$(id -g "$SERVER_USER")" --init-groups --)
    fi
    unset_pg_environment
    start_server || { echo "Bail out! cannot start the test PostgreSQL server"; exit 1; }
    # Each test's owner database is a copy of this one.
    psql_owner "CREATE DATABASE owner_template" postgres >/dev/null &&
        psql_owner "$(cat "$CASES/owner.sql")" owner_template >/dev/null ||
        { echo "Bail out! cannot build the owner database"; exit 1; }
}

describe_suite() {
    echo "# PostgreSQL $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'), $(pg_dump --version)"
}

after_all() {
    if [ -n "${SERVER_DIR:-}" ] && [ -d "$SERVER_DIR" ]; then
        stop_server
        rm -rf "$SERVER_DIR"
    fi
}

before_each() {
    RUNTIME=$(mktemp -d "$WORK/runtime.XXXXXX")
    OWNER_DB=owner_$(basename "$WORK" | tr -dc 'a-z0-9' | tail -c 12)
    psql_owner "CREATE DATABASE $OWNER_DB TEMPLATE owner_template" postgres >/dev/null
}

prepare_environment() {
    unset_pg_environment
    export OWNER_DB OWNER_URL="postgresql://postgres@/$OWNER_DB?host=$SERVER_DIR&port=$SERVER_PORT"
    cp -R "$CASES/project/." "$WORK/"
}

after_each() {
    psql_owner "DROP DATABASE IF EXISTS $OWNER_DB" postgres >/dev/null 2>&1 ||
        leftover "cannot drop $OWNER_DB"
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
}

# ---------------------------------------------------------------------------
# Helpers.

snapshot() { # [ARGS...]: a snapshot that must succeed
    run_foster snapshot --from "$OWNER_URL" "$@"
    assert_exit 0
}

# Each difference of the last `diff --json` as "table|kind|object|change|aspect|file:line".
differences() {
    printf '%s\n' "$OUT" | python3 -c 'import json, sys
doc = json.load(sys.stdin)
for d in doc["differences"]:
    print("|".join(str(d[k]) if d[k] is not None else "" for k in
                   ("table", "kind", "object", "change", "aspect")) + "|%s:%d" % (d["file"], d["line"]))'
}

# The line of FILE holding the first match of ERE.
line_of() { # FILE ERE
    grep -nE -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# After a snapshot: SQL on the owner, and diff finds exactly EXPECTED.
expect_drift() { # SQL EXPECTED
    psql_owner "$1" >/dev/null || fail "the owner refused: $1"
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "$2" "$(differences)" "the differences found"
    run_foster diff --against "$OWNER_URL"
    assert_exit 1
    assert_contains "$OUT" "--- foster.ini (schema files)"
    assert_contains "$ERR" "foster: diff: the schema files and the owner differ"
}

