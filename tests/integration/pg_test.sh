#!/usr/bin/env bash
# pg_test.sh — integration tests of the foster command on PostgreSQL: the
# `postgres` backend (a new database on an existing server), the `cluster`
# backend (a server foster starts itself) and `foster wait`.
#
#   usage: pg_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner starts ONE throwaway PostgreSQL server for the whole file: its
# own initdb in a private directory, listening on 127.0.0.1 on a free port
# (scram-sha-256 passwords) and on a private unix socket (trust, used by the
# assertions), run as the `postgres` user when the tests run as root. An EXIT
# trap stops it and removes it. Roles: postgres (superuser, password
# $SUPER_PW) and foster_app (LOGIN CREATEDB, password $APP_PW, no superuser:
# what foster connects as, so that skipped OWNER TO and GRANT are real tests).
#
# Each test_* function is one behaviour of the contract in docs/, named after it, run in a
# subshell in a fresh temporary directory ($WORK, with HOME and TMPDIR inside)
# with FOSTER_RUNTIME_DIR set to a fresh private directory ($RUNTIME, short,
# under /tmp: a normal user's cluster puts its socket there) and
# XDG_CACHE_HOME shared by the whole file (clusters' cached initdb). After every
# test nothing may be left: the runtime directory is empty, the server holds no
# database but postgres/template0/template1, and a test that started clusters
# checks their directories and processes are gone.
#
# Inputs: $FOSTER_TEST_DATA/pg/<case>/ (foster.ini, schemas/, fixtures/), the
# example project (foster.ini at the root) and tests/data/ddl (real pg_dump).
#
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0.
# EXPECTED_FAILURES lists known bugs of foster (reported "# TODO", not counted
# unless FOSTER_TEST_STRICT=1; a listed test that passes is an error).
# Without PostgreSQL server binaries every test is reported SKIP and the
# script exits 77 (meson's "skipped").
#
# Needs bash 5, coreutils, the PostgreSQL server and psql, python3 (a free
# port), and for the example's tests a python3 with psycopg2
# (/usr/bin/python3 with Debian's python3-psycopg2).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
CASES=$DATA/pg
EXAMPLE=$ROOT/foster.ini

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh).

# No secret (a password, raw or percent-encoded) in TEXT.
assert_no_password() { # TEXT WHAT [SECRET...]
    local text=$1 what=$2 secret
    shift 2
    [ $# -gt 0 ] || set -- "$APP_PW"
    for secret in "$@"; do
        [[ $text != *"$secret"* ]] || fail "$what shows the password [$secret]: [$text]"
    done
}

assert_database_exists() { # NAME
    assert_eq 1 "$(database_count "$1")" "databases named $1 on the server"
}

assert_database_absent() { # NAME
    assert_eq 0 "$(database_count "$1")" "databases named $1 on the server"
}

# Elapsed seconds (with decimals) since START (an $EPOCHREALTIME value) is
# between MIN and MAX.
assert_elapsed_between() { # START MIN MAX WHAT
    local elapsed
    elapsed=$(awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    awk -v e="$elapsed" -v lo="$2" -v hi="$3" 'BEGIN { exit !(e >= lo && e <= hi) }' ||
        fail "$4 took $elapsed s, expected between $2 and $3 s"
}

# ---------------------------------------------------------------------------
# Helpers.

# foster on the shared server as foster_app, password in the URL.
foster_pg() {
    run_foster -b postgres -u "$APP_URL" "$@"
}

# Rows of QUERY on the shared server (unix socket, superuser) as "a|b" lines.
psql_admin() { # QUERY [DATABASE]
    "$PSQL" -h "$SERVER_DIR" -p "$SERVER_PORT" -U postgres -d "${2:-postgres}" \
        -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

database_count() { # NAME
    psql_admin "SELECT count(*) FROM pg_database WHERE datname = '$1'"
}

# Databases on the shared server other than the three initdb made and the
# template cache's (foster_tpl_*, kept on purpose: drop_cached_templates).
extra_databases() {
    psql_admin "SELECT string_agg(datname, ' ' ORDER BY datname) FROM pg_database
                WHERE datname NOT IN ('postgres', 'template0', 'template1')
                  AND datname NOT LIKE 'foster\_tpl\_%'"
}

# Drops the templates the cache kept, so that every test starts cold.
drop_cached_templates() {
    local name
    for name in $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'foster\_tpl\_%'"); do
        drop_database "$name"
    done
}

# Percent-decodes TEXT.
url_decode() {
    local text=${1//+/ }
    printf '%b' "${text//%/\\x}"
}

# Copies tests/data/pg to $WORK/pg (cases share schemas) and enters pg/CASE.
use_case() {
    [ -d "$WORK/pg" ] || cp -R "$CASES" "$WORK/pg" || fail "cannot copy $CASES"
    cd "$WORK/pg/$1" || fail "no test case $CASES/$1"
}

# A database made by hand (no marker) holding basic's person table with one row.
make_unmarked_database() { # NAME
    psql_admin "CREATE DATABASE \"$1\" OWNER foster_app" >/dev/null || fail "cannot create $1"
    psql_admin "CREATE TABLE person (id integer PRIMARY KEY, name text NOT NULL, email text);
                ALTER TABLE person OWNER TO foster_app;
                INSERT INTO person VALUES (1, 'Precious', 'keep@example.com')" "$1" >/dev/null ||
        fail "cannot fill $1"
}

# Drops database NAME, even one made a template.
drop_database() { # NAME
    psql_admin "ALTER DATABASE \"$1\" WITH IS_TEMPLATE false ALLOW_CONNECTIONS true" >/dev/null 2>&1
    psql_admin "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
}

# Drops database NAME and those foster made beside it (NAME_*, e.g. a template).
drop_database_and_siblings() { # NAME
    local name
    for name in "$1" $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE '$1\\_%'"); do
        drop_database "$name"
    done
}

# A run record as runstate.c writes it, for a database foster did not make.
forge_record() { # RUN_ID PID KEPT MANIFEST DATABASE
    cat >"$RUNTIME/$1.run" <<EOF
run_id=$1
pid=$2
kept=$3
manifest=$(realpath "$4")
backend=postgres
database=$5
url=postgresql://foster_app@127.0.0.1:$SERVER_PORT/$5
server=
server_pid=0
started=$EPOCHREALTIME
host=$(hostname)
boot_id=$(cat /proc/sys/kernel/random/boot_id)
pid_ns=$(readlink /proc/self/ns/pid)
copies=0
EOF
    chmod 600 "$RUNTIME/$1.run"
}

# The pid of a process that has exited.
dead_pid() {
    sh -c 'exit 0' &
    local pid=$!
    wait "$pid"
    echo "$pid"
}

# ---- clusters and their processes

# Facts about a running cluster whose socket directory (its home) is HOME:
# sets CLUSTER_HOME, POSTMASTER, CLUSTER_CHILDREN.
observe_cluster() { # HOME
    CLUSTER_HOME=$1
    [ -d "$CLUSTER_HOME" ] || fail "cluster home $CLUSTER_HOME is not a directory"
    POSTMASTER=$(head -n 1 "$CLUSTER_HOME/data/postmaster.pid" 2>/dev/null)
    [[ $POSTMASTER =~ ^[0-9]+$ ]] || fail "no postmaster.pid in $CLUSTER_HOME/data"
    process_runs "$POSTMASTER" "$CLUSTER_HOME/data" ||
        fail "postmaster $POSTMASTER does not run in $CLUSTER_HOME/data"
    CLUSTER_CHILDREN=$(children_of "$POSTMASTER")
    [ -n "$CLUSTER_CHILDREN" ] || fail "postmaster $POSTMASTER has no children"
}

# The processes of the cluster observed last are gone (waits up to 3 s).
assert_cluster_processes_gone() {
    local i pid alive
    for ((i = 0; i < 300; i++)); do
        alive=""
        process_runs "$POSTMASTER" "$CLUSTER_HOME" && alive="postmaster $POSTMASTER"
        for pid in $CLUSTER_CHILDREN; do
            process_runs "$pid" "postgres" && alive="$alive child $pid"
        done
        [ -z "$alive" ] && [ -z "$(processes_naming "$CLUSTER_HOME")" ] && break
        sleep 0.01
    done
    [ -z "$alive" ] || fail "cluster processes still running: $alive"
    [ -z "$(processes_naming "$CLUSTER_HOME")" ] ||
        fail "processes naming $CLUSTER_HOME still run: $(processes_naming "$CLUSTER_HOME")"
}

# The cluster observed last is gone: processes, home.
assert_cluster_gone() {
    assert_cluster_processes_gone
    assert_file_absent "$CLUSTER_HOME"
}

# The inodes of PID's sockets that /proc/net/tcp{,6} lists (TCP sockets).
tcp_sockets_of() { # PID
    local fd link inode
    for fd in /proc/"$1"/fd/*; do
        link=$(readlink "$fd" 2>/dev/null) || continue
        [[ $link =~ ^socket:\[([0-9]+)\]$ ]] || continue
        inode=${BASH_REMATCH[1]}
        cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v i="$inode" '$10 == i { found = 1 } END { exit !found }' &&
            echo "$inode"
    done
}

# ---- the servers this file starts

# Runs a command as the server's user (PostgreSQL refuses root): the
# prefix AS_SERVER_USER, set by main.
as_server_user() {
    "${AS_SERVER_USER[@]}" "$@"
}

free_port() {
    "$PYTHON_ANY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Starts postgres on DATA, 127.0.0.1:PORT and socket directory SOCKETS, in
# the background; stderr to LOG.
start_postgres() { # DATA PORT SOCKETS LOG
    (cd "$3" && exec "${AS_SERVER_USER[@]}" "$PGBIN/postgres" -D "$1" -p "$2" -k "$3" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
        -c synchronous_commit=off -c max_connections=40 -c shared_buffers=16MB \
        -c dynamic_shared_memory_type=mmap -c logging_collector=off) >"$4" 2>&1 &
}

# Stops the server of data directory DATA (immediate shutdown), waits for it.
stop_postgres() { # DATA
    local pid i
    pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    process_runs "$pid" "$1" || return 0
    kill -QUIT "$pid" 2>/dev/null
    for ((i = 0; i < 500; i++)); do
        process_runs "$pid" "$1" || return 0
        sleep 0.01
    done
    kill -KILL "$pid" 2>/dev/null
}

start_shared_server() {
    SERVER_DIR=$(mktemp -d /tmp/foster-pg-test.XXXXXX) || return 1
    chmod 700 "$SERVER_DIR"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$SERVER_DIR"
    SUPER_PW="super-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    APP_PW="app-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$SUPER_PW" >"$SERVER_DIR/pwfile"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$SERVER_DIR/pwfile"
    (cd "$SERVER_DIR" && as_server_user "$PGBIN/initdb" -D "$SERVER_DIR/data" -U postgres \
        --pwfile="$SERVER_DIR/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C --no-sync --wal-segsize=1) >"$SERVER_DIR/initdb.log" 2>&1 || {
        echo "# initdb failed:" && sed 's/^/#   /' "$SERVER_DIR/initdb.log"
        return 1
    }
    rm -f "$SERVER_DIR/pwfile"
    # A pristine copy, for the server that `wait` sees start late.
    cp -a "$SERVER_DIR/data" "$SERVER_DIR/pristine"
    SERVER_PORT=$(free_port) || return 1
    start_postgres "$SERVER_DIR/data" "$SERVER_PORT" "$SERVER_DIR" "$SERVER_DIR/server.log"
    local i
    for ((i = 0; i < 300; i++)); do
        [ -S "$SERVER_DIR/.s.PGSQL.$SERVER_PORT" ] && psql_admin "SELECT 1" >/dev/null 2>&1 && break
        sleep 0.03
    done
    psql_admin "CREATE ROLE foster_app LOGIN CREATEDB PASSWORD '$APP_PW'" >/dev/null 2>&1 || {
        echo "# the test server did not start:" && sed 's/^/#   /' "$SERVER_DIR/server.log"
        return 1
    }
    APP_URL="postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/postgres"
    APP_URL_NO_PASSWORD="postgresql://foster_app@127.0.0.1:$SERVER_PORT/postgres"
}

# A second server from the pristine copy, started after DELAY seconds in the
# background (the superuser's password is SUPER_PW). Sets LATE_PORT, LATE_DIR.
start_late_server() { # DELAY
    LATE_DIR=$(mktemp -d "$SERVER_DIR/late.XXXXXX")
    cp -a "$SERVER_DIR/pristine" "$LATE_DIR/data"
    [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$LATE_DIR"
    echo "$LATE_DIR/data" >>"$WORK/.servers"
    LATE_PORT=$(free_port)
    (
        sleep "$1"
        start_postgres "$LATE_DIR/data" "$LATE_PORT" "$LATE_DIR" "$LATE_DIR/server.log"
    ) &
}

# Stops the clusters whose links a failed test left in RUNTIME.
stop_leftover_clusters() { # RUNTIME
    local link home
    for link in "$1"/cluster_*; do
        [ -e "$link" ] || [ -L "$link" ] || continue
        home=$(readlink -f "$link")
        [ -n "$home" ] && [ -d "$home/data" ] && stop_postgres "$home/data"
        [ -n "$home" ] && [ "$home" != / ] && rm -rf "$home"
        rm -f "$link"
    done
}

# ===========================================================================
# A. The example project on both PostgreSQL backends.

test_example_passes_on_postgres_backend() {
    [ -n "$PYTHON_PG" ] || fail "no python3 with psycopg2 (apt-get install python3-psycopg2)"
    foster_pg -c "$EXAMPLE" run -- "$PYTHON_PG" "$ROOT/tests/example/test_transfer.py"
    assert_exit 0
    assert_matches "$ERR" '^OK$' "unittest's summary"
    assert_matches "$ERR" '^foster: created 5 tables in '
    assert_matches "$ERR" '^foster: loaded trading_sharestransfer +3 rows'
    assert_matches "$ERR" '^foster: teardown: removed test_trading_[0-9a-f]{8} '
    local id
    id=$(run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id in the progress line"
    assert_database_absent "test_trading_$id"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_run_gives_command_postgres_environment_and_marked_database() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK PSQL SOCKETS PORT
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
"$2" -h "$3" -p "$4" -U postgres -d postgres -XAtq -c \
    "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$PGDATABASE'" >"$1/comment"
# libpq's variables alone reach the test database, as the test user
"$2" -XAtq -c "SELECT current_user, current_database(), (SELECT count(*) FROM person)" >"$1/whoami"
EOF
    chmod +x "$WORK/probe.sh"
    foster_pg -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK" "$PSQL" "$SERVER_DIR" "$SERVER_PORT"
    assert_exit 0
    local id
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "DATABASE_URL=postgresql://foster_app@127.0.0.1:$SERVER_PORT/test_pgbasic_$id
FOSTER_BACKEND=postgres
FOSTER_RUN_ID=$id
PGDATABASE=test_pgbasic_$id
PGHOST=127.0.0.1
PGPASSWORD=$APP_PW
PGPORT=$SERVER_PORT
PGUSER=foster_app" "$(cat "$WORK/env")" "the command's environment"
    assert_matches "$(cat "$WORK/comment")" "^foster test database; run $id" "COMMENT ON DATABASE during the run"
    assert_eq "foster_app|test_pgbasic_$id|3" "$(cat "$WORK/whoami")" "psql with the PG* variables"
    assert_database_absent "test_pgbasic_$id"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_example_passes_on_cluster_backend() {
    [ -n "$PYTHON_PG" ] || fail "no python3 with psycopg2 (apt-get install python3-psycopg2)"
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK RUNTIME PYTHON TEST: notes the cluster, then runs the example's tests
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
readlink -f "$2/cluster_$FOSTER_RUN_ID" >"$1/link"
stat -c '%U %a' "$PGHOST" >"$1/home_owner"
: >"$1/ready"
exec "$3" "$4"
EOF
    chmod +x "$WORK/probe.sh"
    start_foster -b cluster -c "$EXAMPLE" run -- "$WORK/probe.sh" "$WORK" "$RUNTIME" "$PYTHON_PG" \
        "$ROOT/tests/example/test_transfer.py"
    wait_for_file "$WORK/ready" 30
    local host id
    host=$(sed -n 's/^PGHOST=//p' "$WORK/env")
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    observe_cluster "$host"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit 0
    assert_matches "$ERR" '^OK$' "unittest's summary"
    # as root a link to the server user's directory, else that directory itself
    assert_eq "$(readlink -f "$host")" "$(cat "$WORK/link")" "where the runtime directory's cluster_$id leads"
    local env url query
    env=$(cat "$WORK/env")
    assert_contains "$env" "PGDATABASE=test_trading_$id"
    assert_contains "$env" "PGUSER=postgres"
    assert_contains "$env" "PGPORT=5432"
    assert_contains "$env" "FOSTER_BACKEND=postgres"
    assert_not_contains "$env" "PGPASSWORD=" "the environment of a trust-only cluster"
    url=$(sed -n 's/^DATABASE_URL=//p' "$WORK/env")
    assert_matches "$url" "^postgresql://postgres@/test_trading_$id\\?host=" "DATABASE_URL"
    query=${url#*\?}
    assert_eq "host=$host&port=5432" "$(url_decode "$query")" "DATABASE_URL's query, decoded"
    [ "$(id -u)" -ne 0 ] || assert_matches "$(cat "$WORK/home_owner")" '^[a-z]+ 700$' "owner and mode of the home"
    [ "$(id -u)" -ne 0 ] || assert_not_contains "$(cat "$WORK/home_owner")" "root " "owner of the home"
    assert_cluster_gone
    assert_runtime_empty
}

test_reset_returns_postgres_database_to_its_fixtures() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database
    database=$(export_value "$OUT" PGDATABASE)
    psql_admin "DELETE FROM pet; DELETE FROM person; INSERT INTO person (id, name) VALUES (99, 'Mallory')" \
        "$database" >/dev/null
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$database")" "rows before reset"
    foster_pg -c "$CASES/basic/foster.ini" reset
    assert_exit 0
    assert_matches "$ERR" "^foster: reset $database in [0-9.]+ ms$"
    assert_eq "3|2" "$(psql_admin 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)' "$database")" \
        "rows after reset"
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM person WHERE name = 'Mallory'" "$database")" \
        "the test's row after reset"
    # the template stays closed to connections; the reset database is marked
    assert_eq f "$(psql_admin "SELECT datallowconn FROM pg_database WHERE datname = '${database}_tpl'")" \
        "the template accepts no connections"
    assert_matches "$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$database'")" \
        "^foster test database; run " "marker after reset"
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE '${database}%'")" \
        "databases of the run after down (test, template, next copy)"
    assert_runtime_empty
}

# Whether DATABASE's helper is idle: its lock file gone, or not held (flock(1)
# in a subshell, so that the lock goes with it).
helper_idle() { # DATABASE
    local lock=$RUNTIME/$1.next.lock
    [ ! -e "$lock" ] || (exec 9<"$lock" && flock -n 9) 2>/dev/null
}

# The oid of DATABASE's marked next copy once a detached helper has made it
# (waits at most 10 s); empty when none came.
next_copy_oid() { # DATABASE
    local oid i
    for i in $(seq 200); do
        oid=$(psql_admin "SELECT oid FROM pg_database WHERE datname = '${1}_next'
                            AND shobj_description(oid, 'pg_database') LIKE 'foster test database; run %'")
        [ -n "$oid" ] && helper_idle "$1" && break
        sleep 0.05
    done
    printf '%s' "$oid"
}

# The pid of DATABASE's resident helper (its lock file says it) once it is
# idle, its copy made (waits at most 10 s); empty when there is none.
helper_pid() { # DATABASE
    local i
    for i in $(seq 200); do
        [ -e "$RUNTIME/$1.next.lock" ] && helper_idle "$1" && break
        sleep 0.05
    done
    cat "$RUNTIME/$1.next.lock" 2>/dev/null
}

# Waits (at most 5 s) for process PID to end; fails the test when it does not.
wait_gone() { # PID WHAT
    local i
    for i in $(seq 100); do
        kill -0 "$1" 2>/dev/null || return 0
        [ "$(ps -o stat= -p "$1" 2>/dev/null)" = Z ] && return 0 # ended, not yet reaped
        sleep 0.05
    done
    fail "$2 (pid $1) still runs after 5 s"
}

# `up` and each one-shot `reset` leave a detached helper making the next copy:
# the following reset puts that very database in place (its oid), and `down`
# right after a reset waits for the helper and leaves nothing.
test_cli_reset_swaps_in_the_copy_a_helper_made_ahead() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database next_oid round
    database=$(export_value "$OUT" PGDATABASE)
    for round in "after up" "after a reset"; do
        next_oid=$(next_copy_oid "$database")
        assert_matches "$next_oid" '^[0-9]+$' "the marked next copy a helper made $round"
        psql_admin "DELETE FROM pet" "$database" >/dev/null
        foster_pg -q -c "$CASES/basic/foster.ini" reset
        assert_exit 0
        assert_eq "$next_oid" "$(psql_admin "SELECT oid FROM pg_database WHERE datname = '$database'")" \
            "oid of the database after the reset (the copy made ahead $round)"
        assert_eq 2 "$(psql_admin 'SELECT count(*) FROM pet' "$database")" "pet rows after reset"
    done
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE '${database}%'")" \
        "databases of the run after down (test, template, next, old)"
    assert_runtime_empty
}

test_jobs_give_each_worker_its_own_postgres_database() {
    # shellcheck disable=SC2016 # expanded by the command's shell
    foster_pg -q -c "$CASES/basic/foster.ini" run --jobs 3 -- sh -c '
        test "$FOSTER_JOBS" = 3 || exit 11
        for i in 1 2 3; do eval "echo \"\$DATABASE_URL_$i\""; done > "$1/urls"
        psql -XAtq "$DATABASE_URL_1" -c "DELETE FROM pet" || exit 12
        psql -XAtq "$DATABASE_URL_2" -c "SELECT count(*) FROM pet" > "$1/second"' sh "$WORK"
    assert_exit 0
    assert_eq 3 "$(sort -u "$WORK/urls" | grep -c '^postgresql://')" "distinct worker URLs"
    assert_eq 2 "$(cat "$WORK/second")" "pets in worker 2's database after worker 1 deleted its own"
    assert_runtime_empty
}

test_cluster_up_serves_database_until_down() {
    run_foster -b cluster -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT"
    observe_cluster "$PGHOST"
    assert_eq "3|2" "$("$PSQL" "$DATABASE_URL" -XAtq -c 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows psql sees through DATABASE_URL"
    assert_matches "$("$PSQL" "$DATABASE_URL" -XAtq -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")" \
        "^foster test database; run $FOSTER_RUN_ID" "marker of the cluster's test database"
    [ -L "$RUNTIME/cluster_$FOSTER_RUN_ID" ] || [ -d "$RUNTIME/cluster_$FOSTER_RUN_ID" ] ||
        fail "no cluster_$FOSTER_RUN_ID in the runtime directory: $(ls -A "$RUNTIME")"
    assert_eq "" "$(tcp_sockets_of "$POSTMASTER")" "TCP sockets of the cluster's postmaster"
    assert_eq 700 "$(stat -c %a "$PGHOST")" "mode of the cluster's directory"
    local database=$PGDATABASE
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND
    # load without --url: into the last `up` of this manifest
    run_foster -b cluster -c "$CASES/basic/foster.ini" load "$CASES/load/more/person.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded person +2 rows from $CASES/load/more/person.csv"
    assert_eq 5 "$("$PSQL" -h "$CLUSTER_HOME" -U postgres -d "$database" -XAtq -c 'SELECT count(*) FROM person')" \
        "person rows after load"
    run_foster -b cluster -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed test_pgbasic_$FOSTER_RUN_ID"
    assert_cluster_gone
    assert_runtime_empty
}

# `up` of the basic case on foster's own cluster, its environment exported;
# HELPER: the pid of the helper that serves its resets, once its copy is made.
cluster_up_with_helper() {
    run_foster -q -b cluster -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT"
    HELPER=$(helper_pid "$PGDATABASE")
    assert_matches "$HELPER" '^[0-9]+$' "the helper's pid in its lock file"
}

# Empties pet, resets from the command line, and checks the rows came back.
cluster_reset_brings_the_rows_back() { # WHAT
    "$PSQL" -XAtq -c 'DELETE FROM pet'
    run_foster -q -c "$CASES/basic/foster.ini" reset
    assert_exit 0
    assert_eq 2 "$("$PSQL" -XAtq -c 'SELECT count(*) FROM pet')" "pet rows after $1"
}

# `down`; the helper PID leaves with it, and nothing is left.
cluster_down_without_helper() { # PID
    run_foster -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    wait_gone "$1" "the helper after down"
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND FOSTER_RUN_ID
    assert_runtime_empty
}

# On foster's own cluster the helper `up` starts stays: each one-shot `reset`
# asks it (over the run's socket) to swap its copy in, and it makes the next
# one, so the command neither loads libpq nor connects. `down` asks it to
# leave, and nothing of it remains.
test_cluster_reset_is_served_by_the_runs_resident_helper() {
    cluster_up_with_helper
    assert_file_exists "$RUNTIME/$PGDATABASE.next.sock"
    local round
    for round in 1 2; do
        LD_DEBUG=files cluster_reset_brings_the_rows_back "reset $round"
        assert_contains "$ERR" "file=libsqlite3" "the loader's report of the reset's libraries"
        assert_not_contains "$ERR" "libpq" "libraries the reset loaded (round $round)"
        assert_eq "$HELPER" "$(helper_pid "$PGDATABASE")" "the helper serving reset $round"
    done
    kill -0 "$HELPER" || fail "the helper is gone before down"
    cluster_down_without_helper "$HELPER"
}

# When the run's helper is gone (killed), a reset does the work itself and
# starts another.
test_cluster_reset_without_its_helper_resets_and_starts_another() {
    cluster_up_with_helper
    kill -9 "$HELPER"
    wait_gone "$HELPER" "the killed helper"
    cluster_reset_brings_the_rows_back "a reset without a helper"
    local another
    another=$(helper_pid "$PGDATABASE")
    assert_matches "$another" '^[0-9]+$' "a new helper's pid"
    [ "$another" != "$HELPER" ] || fail "the lock file still names the killed helper"
    kill -0 "$another" || fail "no new helper runs after the reset"
    cluster_down_without_helper "$another"
}

# On foster's own cluster the helper keeps its one connection between resets
# (the reset then only waits for its statements), and leaves when the server
# goes: stopped behind foster's back here. `down` then forgets the run and
# removes the dead server's directory instead of failing to connect forever.
test_cluster_helper_keeps_a_connection_and_leaves_with_the_server() {
    cluster_up_with_helper
    observe_cluster "$PGHOST"
    local id=$FOSTER_RUN_ID
    cluster_reset_brings_the_rows_back "reset"
    local i sessions=""
    for i in $(seq 100); do # the helper makes the next copy after answering
        sessions=$("$PSQL" -XAtq -d postgres -c "SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
        [ "$sessions" = 1 ] && break
        sleep 0.05
    done
    assert_eq 1 "$sessions" "sessions on the cluster besides this one (the helper's)"
    kill -INT "$POSTMASTER" # a fast shutdown, as a crash or an operator would
    wait_gone "$HELPER" "the helper once its server is gone"
    assert_file_absent "$RUNTIME/$PGDATABASE.next.sock"
    assert_file_absent "$RUNTIME/$PGDATABASE.next.lock"
    assert_cluster_processes_gone
    run_foster -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "run $id: $PGDATABASE is already gone; removing its record"
    assert_cluster_gone
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND FOSTER_RUN_ID
    assert_runtime_empty
}

test_postgres_backend_over_unix_socket_gives_host_query_url() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
"$2" "$DATABASE_URL" -XAtq -c "SELECT current_user, current_database(), (SELECT count(*) FROM pet)" >"$1/seen"
EOF
    chmod +x "$WORK/probe.sh"
    run_foster -b postgres -u "postgresql://foster_app@/postgres?host=$SERVER_DIR&port=$SERVER_PORT" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK" "$PSQL"
    assert_exit 0
    local id url
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    url=$(sed -n 's/^DATABASE_URL=//p' "$WORK/env")
    assert_matches "$url" "^postgresql://foster_app@/test_pgbasic_$id\\?host=" "DATABASE_URL"
    assert_eq "host=$SERVER_DIR&port=$SERVER_PORT" "$(url_decode "${url#*\?}")" "DATABASE_URL's query, decoded"
    assert_eq "FOSTER_BACKEND=postgres
FOSTER_RUN_ID=$id
PGDATABASE=test_pgbasic_$id
PGHOST=$SERVER_DIR
PGPORT=$SERVER_PORT
PGUSER=foster_app" "$(grep -v '^DATABASE_URL=' "$WORK/env")" "the other variables (no password: none was used)"
    assert_eq "foster_app|test_pgbasic_$id|2" "$(cat "$WORK/seen")" "psql through DATABASE_URL"
    assert_database_absent "test_pgbasic_$id"
    assert_runtime_empty
}

# ===========================================================================
# B. Passwords: never in output, logs or records (DESIGN, safety rule 3).

test_password_in_url_never_in_verbose_output_or_record() {
    # shellcheck disable=SC2016 # the command's own $1
    foster_pg -v -c "$CASES/basic/foster.ini" run -- sh -c 'cat "$1"/*.run' probe "$RUNTIME"
    assert_exit 0
    assert_contains "$OUT" "backend=postgres" "the run record, printed by the command"
    assert_no_password "$OUT" "the run record during the run"
    assert_no_password "$ERR" "stderr of run -v"
    assert_matches "$ERR" '^foster:   .*schemas/pet\.sql:17: ALTER TABLE ONLY public\.pet' "-v statement lines"
    foster_pg -v -c "$CASES/basic/foster.ini" run --keep -- true
    assert_exit 0
    assert_no_password "$ERR" "stderr of run --keep -v"
    assert_no_password "$(cat "$RUNTIME"/*.run)" "the kept run's record"
    foster_pg -v -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_no_password "$OUT$ERR" "output of down -v"
    assert_runtime_empty
}

test_keep_on_failure_says_how_to_connect_without_showing_the_password() {
    foster_pg -c "$CASES/basic/foster.ini" run --keep-on-failure -- false
    assert_exit 1
    assert_no_password "$ERR" "stderr of run --keep-on-failure"
    local connect id
    connect=$(printf '%s\n' "$ERR" | sed -n 's/^foster: connect with: //p')
    assert_matches "$connect" "^PGPASSFILE='$RUNTIME/[0-9a-f]{8}\.pgpass' psql 'postgresql://foster_app@"
    id=$(printf '%s\n' "$ERR" | sed -n 's/^foster: remove it with: foster down //p')
    # The command as printed, with this machine's psql, reaches the kept database.
    assert_eq "Ada" "$(eval "${connect/ psql / \"\$PSQL\" } -XAtc 'SELECT name FROM person WHERE id = 1'")" \
        "psql as foster said"
    foster_pg -c "$CASES/basic/foster.ini" down "$id"
    assert_exit 0
    assert_database_absent "test_pgbasic_$id"
    assert_runtime_empty
}

test_password_from_pgpassword_never_in_output() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
printf '%s\n' "$PGPASSWORD" >"$1/password"
EOF
    chmod +x "$WORK/probe.sh"
    PGPASSWORD=$APP_PW run_foster -v -b postgres -u "$APP_URL_NO_PASSWORD" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    assert_eq "$APP_PW" "$(cat "$WORK/password")" "PGPASSWORD the command sees"
    assert_no_password "$OUT$ERR" "output of run -v"
    # and from FOSTER_ADMIN_URL through the manifest's ${VAR} expansion
    PGPASSWORD=$APP_PW FOSTER_ADMIN_URL=$APP_URL_NO_PASSWORD run_foster -v -b postgres -c "$EXAMPLE" run -- true
    assert_exit 0
    assert_matches "$ERR" "^foster: run [0-9a-f]{8}: postgres database postgresql://foster_app@127\\.0\\.0\\.1:$SERVER_PORT/test_trading_"
    assert_no_password "$OUT$ERR" "output of run -v (manifest url)"
    assert_runtime_empty
}

# DESIGN's environment table says `up` prints PGPASSWORD "when one exists",
# while safety rule 3 says passwords never appear in output: foster follows
# the table (stdout only, for eval); stderr stays clean.
test_up_prints_no_password_and_hands_it_over_in_a_private_passfile() {
    # up's output is printed (and often logged): the password goes into a 0600
    # file named by PGPASSFILE, which libpq reads, never onto stdout.
    foster_pg -c "$CASES/basic/foster.ini" up
    assert_exit 0
    assert_no_password "$OUT" "stdout of up"
    assert_no_password "$ERR" "stderr of up"
    assert_eq "" "$(export_value "$OUT" PGPASSWORD)" "PGPASSWORD in up's export lines"
    local passfile
    passfile=$(export_value "$OUT" PGPASSFILE)
    assert_file_exists "$passfile"
    assert_eq 600 "$(stat -c %a "$passfile")" "mode of the password file"
    assert_contains "$(cat "$passfile")" ":$APP_PW"
    (
        unset PGPASSWORD
        eval "$OUT"
        psql -XAtqc 'SELECT count(*) FROM person' >"$WORK/count" 2>"$WORK/psql.err"
    )
    assert_eq 3 "$(cat "$WORK/count")" "rows read with the exported environment alone"
    foster_pg -q -c "$CASES/basic/foster.ini" up --json
    assert_exit 0
    assert_no_password "$OUT" "up --json"
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_file_absent "$passfile"
    assert_runtime_empty
}

test_password_with_url_special_characters_works_and_stays_hidden() {
    local odd='p@ss:w/rd?x%y z' encoded='p%40ss%3Aw%2Frd%3Fx%25y%20z'
    psql_admin "CREATE ROLE foster_odd LOGIN CREATEDB PASSWORD '$odd'" >/dev/null 2>&1 ||
        psql_admin "ALTER ROLE foster_odd PASSWORD '$odd'" >/dev/null
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
printf '%s\n' "$PGPASSWORD" >"$1/password"
psql -XAtq -c 'SELECT current_user' >"$1/user"
EOF
    chmod +x "$WORK/probe.sh"
    PATH=$PGBIN:$PATH run_foster -v -b postgres -u "postgresql://foster_odd:$encoded@127.0.0.1:$SERVER_PORT/postgres" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    assert_eq "$odd" "$(cat "$WORK/password")" "PGPASSWORD (decoded from the URL)"
    assert_eq "foster_odd" "$(cat "$WORK/user")" "psql through PG*"
    assert_no_password "$OUT$ERR" "output of run -v" "$odd" "$encoded"
    assert_runtime_empty
}

test_wrong_password_run_exits_125_without_showing_it() {
    local wrong="wrong-$APP_PW"
    run_foster -b postgres -u "postgresql://foster_app:$wrong@127.0.0.1:$SERVER_PORT/postgres" \
        -c "$CASES/basic/foster.ini" run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: cannot connect to postgresql://foster_app:***@127.0.0.1:$SERVER_PORT/postgres"
    assert_contains "$ERR" 'password authentication failed for user "foster_app"'
    assert_no_password "$OUT$ERR" "foster's output" "$wrong"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_unreachable_server_run_exits_125() {
    local port
    port=$(free_port)
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" \
        -c "$CASES/basic/foster.ini" run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: cannot connect to postgresql://foster_app:***@127.0.0.1:$port/postgres"
    assert_contains "$ERR" "hint: "
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

# ===========================================================================
# C. The owner's DDL on PostgreSQL.

test_pgdump_files_provision_as_connecting_user() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT string_agg(n.nspname || '.' || c.relname || ':' || pg_get_userbyid(c.relowner), ' '
                  ORDER BY n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'billing') AND c.relkind = 'r';
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'billing') AND c.relkind IN ('r', 'S')
   AND pg_get_userbyid(c.relowner) <> current_user;
SELECT coalesce(relacl::text, 'no grants') FROM pg_class WHERE oid = 'public."UserProfile"'::regclass;
SELECT (SELECT count(*) FROM public.author) || ' ' || (SELECT count(*) FROM public.book) || ' ' ||
       (SELECT count(*) FROM public.category) || ' ' || (SELECT count(*) FROM public.department) || ' ' ||
       (SELECT count(*) FROM public.employee) || ' ' || (SELECT count(*) FROM public."UserProfile") || ' ' ||
       (SELECT count(*) FROM public.event_log) || ' ' || (SELECT count(*) FROM billing.invoice);
SELECT parent_id FROM public.category WHERE id = 2;
SELECT payload->>'a' FROM public.event_log WHERE id = 1;
INSERT INTO public.author (name, email) VALUES ('New', 'new@example.com') RETURNING id;
INSERT INTO public."UserProfile" ("displayName") VALUES ('terry') RETURNING "Id";
INSERT INTO public.event_log (kind) VALUES ('note') RETURNING id;
INSERT INTO billing.invoice (author_id, amount) VALUES (1, 5) RETURNING id;
EOF
    # shellcheck disable=SC2016 # the command's own $1
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/pgdump/foster.ini" run -- sh -c \
        'psql -XAtq -v ON_ERROR_STOP=1 -f "$1" || exit 1
         psql -XAtq -c "INSERT INTO public.book (author_id, title) VALUES (42, '"'x'"')" 2>&1 |
             sed -n "s/^ERROR: *//p"' probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq "billing.invoice:foster_app public.UserProfile:foster_app public.author:foster_app public.book:foster_app public.category:foster_app public.department:foster_app public.employee:foster_app public.event_log:foster_app
0
no grants
2 2 3 1 2 1 2 1
3
1
3
2
6
2
insert or update on table \"book\" violates foreign key constraint \"book_author_id_fkey\"" \
        "$(grep -v '^INSERT ' <<<"$OUT")" "what the command saw"
    assert_runtime_empty
}

test_self_reference_and_cycle_load_and_keep_their_foreign_keys() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT string_agg(id || ':' || coalesce(parent_id::text, '-'), ' ' ORDER BY id) FROM node;
SELECT string_agg(id || ':' || lead_id, ' ' ORDER BY id) FROM team;
SELECT string_agg(id || ':' || team_id, ' ' ORDER BY id) FROM member;
SELECT string_agg(conrelid::regclass || '.' || conname || ':' || condeferred, ' ' ORDER BY conname)
  FROM pg_constraint WHERE contype = 'f';
EOF
    # shellcheck disable=SC2016 # the command's own $1 and $insert
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/cycle/foster.ini" run -- sh -c '
        psql -XAtq -v ON_ERROR_STOP=1 -f "$1" || exit 1
        for insert in "INSERT INTO node VALUES (9, 99, '"'x'"')" \
                      "INSERT INTO team VALUES (9, '"'x'"', 99)" \
                      "INSERT INTO member VALUES (99, 9, '"'x'"')"; do
            psql -XAtq -c "$insert" 2>&1 | sed -n "s/^ERROR: *//p"
        done' probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq '1:- 2:4 3:1 4:3
1:10 2:21
10:1 20:1 21:2
member.member_team_id_fkey:false node.node_parent_id_fkey:false team.team_lead_id_fkey:false
insert or update on table "node" violates foreign key constraint "node_parent_id_fkey"
insert or update on table "team" violates foreign key constraint "team_lead_id_fkey"
insert or update on table "member" violates foreign key constraint "member_team_id_fkey"' \
        "$OUT" "rows, foreign keys (not deferred) and rejected inserts"
    assert_runtime_empty
}

# pg_restore's order: tables, rows, then keys and indexes, then triggers. The
# owner's trigger (it notes every new account) exists afterwards and fires
# for the command's row, but did not fire for the fixture rows.
test_keys_indexes_and_triggers_come_after_the_rows() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT count(*) FROM account_audit;
SELECT string_agg(conname || ':' || contype::text, ' ' ORDER BY conname) FROM pg_constraint
 WHERE conrelid IN ('account'::regclass, 'entry'::regclass);
SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public';
SELECT string_agg(tgname, ' ') FROM pg_trigger WHERE NOT tgisinternal;
SELECT (SELECT count(*) FROM account) || ' ' || (SELECT count(*) FROM entry);
INSERT INTO account VALUES (4, 'loan');
SELECT string_agg(account_id::text, ' ') FROM account_audit;
EOF
    use_case phases
    # shellcheck disable=SC2016 # the command's own $1
    PATH=$PGBIN:$PATH foster_pg -q run -- sh -c 'psql -XAtq -v ON_ERROR_STOP=1 -f "$1" &&
        psql -XAtq -c "INSERT INTO entry VALUES (9, 99, 1)" 2>&1 | sed -n "s/^ERROR: *//p"' \
        probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq '0
account_name_check:c account_name_key:u account_pkey:p entry_account_id_fkey:f entry_pkey:p
account_name_key account_pkey entry_account_id_idx entry_pkey
account_noted
3 4
4
insert or update on table "entry" violates foreign key constraint "entry_account_id_fkey"' \
        "$(grep -v '^INSERT ' <<<"$OUT")" "audit rows, keys, indexes, trigger, rows, audit after insert"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

# A unique key built over the loaded rows names the row that repeats it, in
# the words PostgreSQL uses for a row refused on arrival.
test_unique_key_added_after_the_rows_names_the_repeating_line() {
    use_case phases
    printf 'id,name\n1,cash\n2,bank\n3,bank\n' >fixtures/account.csv
    foster_pg run -- true
    printf 'id,name\n1,cash\n2,bank\n3,card\n' >fixtures/account.csv
    assert_exit 125
    assert_contains "$ERR" 'foster: error: fixtures/account.csv:4: duplicate key value violates unique constraint "account_name_key": Key (name)=(bank) already exists.'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

# A foreign key validated after the rows (one join) names the row at fault,
# here in the second of the table's two fixture files.
test_foreign_key_added_after_the_rows_names_file_line_and_column() {
    use_case phases
    printf 'id,account_id,amount\n5,2,1.00\n6,8,2.00\n' >fixtures/entry_more.csv
    sed -i 's/^\[table entry\]$/[table entry]\nfixtures = entry.csv, entry_more.csv/' foster.ini
    foster_pg run -- true
    sed -i '/^fixtures = entry.csv, entry_more.csv$/d' foster.ini
    rm -f fixtures/entry_more.csv
    assert_exit 125
    assert_contains "$ERR" 'foster: error: fixtures/entry_more.csv:3:3: insert or update on table "entry" violates foreign key constraint "entry_account_id_fkey": Key (account_id)=(8) is not present in table "account".'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_sequences_and_identities_continue_after_loaded_keys() {
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/sequences/foster.ini" run -- psql -XAtq -v ON_ERROR_STOP=1 \
        -c "INSERT INTO ticket (title) VALUES ('new') RETURNING id" \
        -c "INSERT INTO note (body) VALUES ('new') RETURNING id" \
        -c "INSERT INTO tag (name) VALUES ('new') RETURNING id" \
        -c "INSERT INTO audit (what) VALUES ('new') RETURNING id"
    assert_exit 0
    assert_eq "42
101
10
13" "$(grep -v '^INSERT' <<<"$OUT")" "ids of new rows (serial 41+1, bigserial 100+1, identity 9+1 and 12+1)"
    assert_runtime_empty
}

# ===========================================================================
# D. Bad fixtures: foster fails, names file and line, leaves nothing.

check_bad_fixture_run() { # CASE EXPECTED_MESSAGE
    use_case "$1"
    foster_pg run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: $2"
    local id
    id=$(run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id (the database was created before the load)"
    assert_database_absent "test_pgbad_$id"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_bad_integer_in_fixture_exits_125_naming_file_and_line() {
    check_bad_fixture_run bad_integer 'fixtures/pet.csv:4: invalid input syntax for type integer: "abc"'
    assert_contains "$ERR" 'hint: column 1 of the header, "id"'
}

test_foreign_key_violation_in_fixture_exits_125_naming_file_and_line() {
    check_bad_fixture_run bad_fk 'fixtures/pet.csv:4:3: insert or update on table "pet" violates foreign key constraint "pet_owner_id_fkey": Key (owner_id)=(7) is not present in table "person".'
}

test_up_with_bad_fixture_exits_1_and_leaves_nothing() {
    use_case bad_integer
    foster_pg up
    assert_exit 1
    assert_eq "" "$OUT" "stdout (nothing to eval)"
    assert_contains "$ERR" 'foster: error: fixtures/pet.csv:4: invalid input syntax for type integer'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_check_on_postgres_backend_touches_no_server() {
    local port
    port=$(free_port) # nobody listens there
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" \
        -c "$CASES/basic/foster.ini" check
    assert_exit 0
    assert_eq "foster: check: no problems found" "$ERR"
    use_case bad_csv
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/person.csv:3:3: unterminated quoted field'
    run_foster -b cluster check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/person.csv:3:3: unterminated quoted field'
    assert_runtime_empty
}

# The sqlite check (default backend) rejects this fixture (cli_test.sh
# test_check_foreign_key_violation_names_child_row); DESIGN's check "validates
# fixtures" whatever the backend.
test_check_on_postgres_backend_finds_foreign_key_violation() {
    use_case bad_fk
    run_foster check
    assert_exit 1 # the sqlite check does
    run_foster -b postgres -u "$APP_URL" check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/pet.csv:4:3: '
    assert_runtime_empty
}

# ===========================================================================
# E. Concurrency and signals.

test_two_concurrent_runs_use_separate_databases() {
    cat >"$WORK/both.sh" <<'EOF'
#!/bin/sh
# both.sh WORK ME OTHER: says it is in, waits (10 s at most) for the other run
echo "$PGDATABASE" >"$1/$2.database"
i=0
while [ ! -e "$1/$3.database" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
[ -e "$1/$3.database" ] || exit 3
# both databases exist now, each with its own rows
psql -XAtq -c "INSERT INTO person VALUES (10, '$2', NULL)" -c "SELECT string_agg(name, ',' ORDER BY id) FROM person" >"$1/$2.rows"
EOF
    chmod +x "$WORK/both.sh"
    PATH=$PGBIN:$PATH "$FOSTER" -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- \
        "$WORK/both.sh" "$WORK" one two >"$WORK/one.out" 2>&1 &
    local first=$!
    echo "$first" >>"$WORK/.pids"
    PATH=$PGBIN:$PATH "$FOSTER" -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- \
        "$WORK/both.sh" "$WORK" two one >"$WORK/two.out" 2>&1 &
    local second=$!
    echo "$second" >>"$WORK/.pids"
    wait "$first"
    local first_status=$?
    wait "$second"
    local second_status=$?
    assert_eq 0 "$first_status" "status of the first run (output: $(cat "$WORK/one.out"))"
    assert_eq 0 "$second_status" "status of the second run (output: $(cat "$WORK/two.out"))"
    local one two
    one=$(cat "$WORK/one.database")
    two=$(cat "$WORK/two.database")
    assert_matches "$one" '^test_pgbasic_[0-9a-f]{8}$' "first database"
    assert_matches "$two" '^test_pgbasic_[0-9a-f]{8}$' "second database"
    [ "$one" != "$two" ] || fail "both runs used $one"
    assert_eq "Ada,Grace,Linus,one" "$(grep -v '^INSERT' "$WORK/one.rows")" "rows of the first run"
    assert_eq "Ada,Grace,Linus,two" "$(grep -v '^INSERT' "$WORK/two.rows")" "rows of the second run"
    assert_database_absent "$one"
    assert_database_absent "$two"
    assert_runtime_empty
}

# The names of the server's template-cache databases (foster_tpl_*), one a line.
cached_templates() {
    psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'foster\_tpl\_%' ORDER BY 1"
}

# The CREATE DATABASE statements of the template cache in the server log since it was LINES long.
templates_created_since() { # LINES
    tail -n "+$(($1 + 1))" "$SERVER_DIR/server.log" | grep -c 'statement: CREATE DATABASE "foster_tpl_'
}

# A command for `run`: writes the names in person to OUT.
write_rows_command() {
    cat >"$WORK/rows.sh" <<'EOF'
#!/bin/sh
# rows.sh OUT: the rows this run's database holds
psql -XAtq -c "SELECT string_agg(name, ',' ORDER BY id) FROM person" >"$1"
EOF
    chmod +x "$WORK/rows.sh"
}

test_sixteen_concurrent_postgres_runs_build_the_template_once() {
    use_case basic
    write_rows_command
    psql_admin "ALTER SYSTEM SET log_statement = 'ddl'" >/dev/null
    psql_admin "SELECT pg_reload_conf()" >/dev/null
    sleep 0.3 # the setting reaches every backend at its next command
    local lines i pids=()
    lines=$(wc -l <"$SERVER_DIR/server.log")
    for i in $(seq 16); do
        PATH=$PGBIN:$PATH "$FOSTER" -v -b postgres -u "$APP_URL" run -- "$WORK/rows.sh" \
            "$WORK/rows.$i" >"$WORK/out.$i" 2>&1 &
        pids+=($!)
        echo "$!" >>"$WORK/.pids"
    done
    local failed=0
    for i in $(seq 16); do
        wait "${pids[$((i - 1))]}" || failed=$i
    done
    local built
    built=$(templates_created_since "$lines")
    psql_admin "ALTER SYSTEM RESET log_statement" >/dev/null
    psql_admin "SELECT pg_reload_conf()" >/dev/null
    [ "$failed" -eq 0 ] || fail "run $failed failed: $(cat "$WORK/out.$failed")"
    for i in $(seq 16); do
        assert_eq "Ada,Grace,Linus" "$(cat "$WORK/rows.$i")" "rows of run $i"
    done
    assert_eq 1 "$built" "CREATE DATABASE foster_tpl_... in the server log"
    local all
    all=$(cat "$WORK"/out.*)
    assert_eq 1 "$(grep -c 'template cache: miss .*this run builds foster_tpl_' <<<"$all")" \
        "runs that built the template"
    assert_eq 15 "$(grep -c 'template cache: hit' <<<"$all")" "runs that cloned it"
    assert_eq 15 "$(grep -c "cloned the server's cached template" <<<"$all")" "clone lines"
    local name
    name=$(cached_templates)
    assert_matches "$name" '^foster_tpl_[0-9a-f]{32}$' "the server's templates"
    assert_matches "$(psql_admin "SELECT datallowconn, shobj_description(oid, 'pg_database')
                                  FROM pg_database WHERE datname = '$name'")" \
        "^f\|foster template database; key ${name#foster_tpl_}; identity [0-9a-f]{64}; uid [0-9]+; used [0-9]+$" \
        "the template's connections and marker"
    assert_no_password "$all" "foster's output"
    assert_runtime_empty
}

test_changed_fixture_gets_a_new_postgres_template() {
    use_case basic
    local names="SELECT string_agg(name, ',' ORDER BY id) FROM person"
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the first run"
    assert_contains "$ERR" "template cache: miss"
    local first
    first=$(cached_templates)
    assert_matches "$first" '^foster_tpl_[0-9a-f]{32}$' "the template after the first run"
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_contains "$ERR" "template cache: hit (key ${first#foster_tpl_})"
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the cloned run"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_exit 0
    assert_eq "Ada,Grace,Margaret" "$OUT" "rows after the fixture changed"
    assert_contains "$ERR" "template cache: miss"
    assert_not_contains "$ERR" "template cache: hit"
    local both
    both=$(cached_templates)
    assert_eq 2 "$(wc -l <<<"$both")" "templates after the change: $both"
    assert_contains "$both" "$first" "the first template (evicted by age or count only)"
    sed -i 's/^CREATE TABLE public.person (/&\n    nickname text,/' schemas/person.sql
    foster_pg -v run -- "$PSQL" -XAtq -c "SELECT count(*) FROM person WHERE nickname IS NULL"
    assert_exit 0
    assert_eq 3 "$OUT" "rows with the changed schema's new column"
    assert_contains "$ERR" "template cache: miss"
    assert_eq 3 "$(cached_templates | wc -l)" "templates after the schema changed"
    assert_runtime_empty
}

test_no_cache_and_cache_false_make_no_postgres_template() {
    use_case basic
    foster_pg -v --no-cache run -- true
    assert_exit 0
    assert_contains "$ERR" "foster: template cache: off (--no-cache)"
    assert_eq "" "$(cached_templates)" "templates after --no-cache"
    sed -i 's/^\[foster\]$/[foster]\ncache = false/' foster.ini
    foster_pg -v run -- true
    assert_exit 0
    assert_contains "$ERR" "foster: template cache: off (cache = false in the manifest)"
    assert_eq "" "$(cached_templates)" "templates after cache = false"
    assert_runtime_empty
}

test_unmarked_template_lookalike_is_neither_used_nor_touched() {
    use_case basic
    foster_pg run -- true
    local name
    name=$(cached_templates)
    assert_matches "$name" '^foster_tpl_[0-9a-f]{32}$' "the template of the first run"
    drop_database "$name"
    make_unmarked_database "$name"
    foster_pg -v run -- "$PSQL" -XAtq -c "SELECT string_agg(name, ',' ORDER BY id) FROM person"
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows built from the inputs"
    assert_contains "$ERR" "database $name exists without foster's template marker: left alone"
    assert_eq "Precious" "$(psql_admin "SELECT string_agg(name, ',') FROM person" "$name")" \
        "the look-alike's rows"
    assert_eq "" "$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                                WHERE datname = '$name'")" "the look-alike's comment"
    assert_runtime_empty
}

test_gc_templates_removes_marked_templates_and_leaves_lookalikes() {
    use_case basic
    export XDG_CACHE_HOME=$WORK/cache # this test empties it
    foster_pg run -- true
    assert_exit 0
    run_foster -b sqlite run -- true
    assert_exit 0
    run_foster -b cluster run -- true
    assert_exit 0
    local server sqlite_entry pgdata_entry
    server=$(cached_templates)
    assert_matches "$server" '^foster_tpl_[0-9a-f]{32}$' "the server's template"
    sqlite_entry=$(ls -d "$XDG_CACHE_HOME"/foster/templates/sqlite-*)
    pgdata_entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgdata-* | grep -v '\.lock$')
    local pgtpl_entry
    pgtpl_entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -v '\.lock$')
    assert_file_exists "$pgtpl_entry/foster-complete"
    assert_file_exists "$sqlite_entry/identity"
    assert_file_exists "$pgdata_entry/PG_VERSION"
    # Look-alikes without foster's marker.
    local fake_db=foster_tpl_00000000000000000000000000000000
    make_unmarked_database "$fake_db"
    mkdir -p "$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000" "$XDG_CACHE_HOME/foster/pgdata-0000000000000000"
    echo precious >"$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000/template.sqlite3"

    foster_pg gc --templates --dry-run
    assert_exit 0
    assert_contains "$OUT" "would drop template $server"
    assert_contains "$OUT" "would remove cached template $sqlite_entry"
    assert_contains "$OUT" "would remove cached $pgdata_entry"
    assert_eq "$fake_db
$server" "$(cached_templates)" "the server's templates after --dry-run"
    assert_file_exists "$sqlite_entry/identity"
    assert_file_exists "$pgdata_entry/PG_VERSION"

    foster_pg gc --templates
    assert_exit 0
    assert_contains "$OUT" "dropped template $server"
    assert_contains "$OUT" "removed cached template $sqlite_entry"
    assert_contains "$OUT" "removed cached $pgdata_entry"
    assert_contains "$OUT" "removed cached $pgtpl_entry"
    assert_contains "$OUT" "left database $fake_db: it does not carry foster's template marker"
    assert_contains "$OUT" "left $XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000: it does not carry foster's marker"
    assert_contains "$OUT" "left $XDG_CACHE_HOME/foster/pgdata-0000000000000000: it does not carry foster's marker"
    assert_eq "$fake_db" "$(cached_templates)" "the server's templates after gc --templates"
    assert_eq "Precious" "$(psql_admin "SELECT string_agg(name, ',') FROM person" "$fake_db")" \
        "the look-alike's rows"
    assert_file_absent "$sqlite_entry"
    assert_file_absent "$pgdata_entry"
    assert_file_absent "$pgtpl_entry"
    assert_eq precious "$(cat "$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000/template.sqlite3")" \
        "the SQLite look-alike"
    assert_file_exists "$XDG_CACHE_HOME/foster/pgdata-0000000000000000"
    drop_database "$fake_db"
    assert_runtime_empty
}

test_template_unused_for_fourteen_days_is_evicted_by_the_next_build() {
    use_case basic
    foster_pg run -- true
    local old
    old=$(cached_templates)
    assert_matches "$old" '^foster_tpl_[0-9a-f]{32}$' "the first template"
    # Its marker as fifteen days without use would leave it.
    local comment
    comment=$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$old'")
    comment=$(sed -E "s/used [0-9]+$/used $(($(date +%s) - 15 * 24 * 3600))/" <<<"$comment")
    psql_admin "COMMENT ON DATABASE \"$old\" IS '$comment'" >/dev/null
    local fake_db=foster_tpl_00000000000000000000000000000000
    make_unmarked_database "$fake_db"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    foster_pg -v run -- true
    assert_exit 0
    assert_contains "$ERR" "template cache: kept"
    local now
    now=$(cached_templates)
    assert_eq 2 "$(wc -l <<<"$now")" "templates after the second build: $now"
    assert_contains "$now" "$fake_db" "the unmarked look-alike"
    assert_not_contains "$now" "$old" "the template unused for 15 days"
    drop_database "$fake_db"
    assert_runtime_empty
}

test_cluster_keeps_its_loaded_data_directory_and_the_next_run_clones_it() {
    use_case basic
    export XDG_CACHE_HOME=$WORK/cache # its own cache: the first run is a miss
    local names="SELECT string_agg(name, ',' ORDER BY id) FROM person"
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the first run"
    assert_contains "$ERR" "template cache: miss"
    assert_contains "$ERR" "no data directory cached for these inputs yet"
    local entry
    entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -v '\.lock$')
    assert_matches "$entry" '/pgtpl-[0-9a-f]{16}$' "the cached data directory"
    assert_file_exists "$entry/foster-complete"
    assert_file_exists "$entry/PG_VERSION"
    assert_file_absent "$entry/postmaster.pid"
    # The server's template becomes the run's snapshot (renamed and marked, not
    # copied): a reset restores from it.
    local databases="SELECT string_agg(datname || ':' || datallowconn || ':' || coalesce(shobj_description(oid, 'pg_database') LIKE 'foster test database; run %', false), ',' ORDER BY datname) FROM pg_database WHERE datname NOT LIKE 'template_'"
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$databases\" -d postgres; $PSQL -XAtq -c 'DELETE FROM pet; DELETE FROM person'; \"$FOSTER\" -q reset && $PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_contains "$ERR" "template cache: hit"
    assert_contains "$ERR" "the server started from the data directory cached for them"
    assert_contains "$ERR" "cloned the server's cached template"
    assert_matches "$ERR" "kept a pristine copy in [0-9.]+ ms"
    local id
    id=$(run_line_id)
    assert_eq "postgres:true:false,test_pgbasic_$id:true:true,test_pgbasic_${id}_tpl:false:true
Ada,Grace,Linus" "$OUT" "databases of the cloned run (no foster_tpl_*: it is the snapshot), rows after a reset"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_eq "Ada,Grace,Margaret" "$OUT" "rows after the fixture changed"
    assert_contains "$ERR" "template cache: miss"
    assert_eq 2 "$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -cv '\.lock$')" "cached data directories"
    assert_runtime_empty
}

# A command for `run` that traps SIGNAL, says it is ready, and on the signal
# records it and exits with STATUS.
write_trapping_command() { # SIGNAL STATUS
    cat >"$WORK/trap.sh" <<EOF
#!/bin/sh
trap 'echo $1 > "$WORK/got"; exit $2' $1
env | grep -E '^(PG[A-Z]+|FOSTER_RUN_ID)=' > "$WORK/env"
: > "$WORK/ready"
while :; do sleep 0.02; done
EOF
    chmod +x "$WORK/trap.sh"
}

test_sigterm_during_postgres_run_reaches_command_and_drops_database() {
    write_trapping_command TERM 7
    start_foster -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- "$WORK/trap.sh"
    wait_for_file "$WORK/ready"
    local database
    database=$(sed -n 's/^PGDATABASE=//p' "$WORK/env")
    assert_database_exists "$database"
    local started=$EPOCHREALTIME
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 10
    assert_elapsed_between "$started" 0 3 "teardown after SIGTERM"
    assert_eq TERM "$(cat "$WORK/got" 2>/dev/null)" "signal the command received"
    assert_exit 7
    assert_database_absent "$database"
    assert_runtime_empty
}

test_sigterm_during_cluster_run_removes_server() {
    write_trapping_command TERM 7
    start_foster -q -b cluster -c "$CASES/basic/foster.ini" run -- "$WORK/trap.sh"
    wait_for_file "$WORK/ready" 30
    observe_cluster "$(sed -n 's/^PGHOST=//p' "$WORK/env")"
    local id
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    [ -e "$RUNTIME/cluster_$id" ] || fail "no cluster_$id in the runtime directory"
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_eq TERM "$(cat "$WORK/got" 2>/dev/null)" "signal the command received"
    assert_exit 7
    assert_cluster_gone
    assert_file_absent "$RUNTIME/cluster_$id"
    assert_runtime_empty
}

test_sigterm_ends_sleeping_command_on_cluster_with_143() {
    start_foster -q -b cluster -c "$CASES/basic/foster.ini" run -- \
        sh -c "echo \"\$PGHOST\" > '$WORK/host'; : > '$WORK/ready'; exec sleep 30"
    wait_for_file "$WORK/ready" 30
    observe_cluster "$(cat "$WORK/host")"
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_cluster_gone
    assert_runtime_empty
}

test_sigterm_while_cluster_starts_leaves_nothing() {
    start_foster -b cluster -c "$CASES/basic/foster.ini" run -- sleep 30
    local record="" i
    for ((i = 0; i < 1000; i++)); do
        record=$(find "$RUNTIME" -name '*.run' | head -n 1)
        [ -n "$record" ] && break
        kill -0 "$FOSTER_PID" 2>/dev/null || wait_for_exit "$FOSTER_PID" 1
        kill -0 "$FOSTER_PID" 2>/dev/null || fail "foster exited before it wrote a run record"
        sleep 0.005
    done
    [ -n "$record" ] || fail "no run record appeared"
    local id
    id=$(basename "$record" .run)
    sleep 0.1
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    local left
    # shellcheck disable=SC2031 # the test's own TMPDIR (set by the harness)
    left=$(ls -d /dev/shm/foster-cluster_"$id"-* "$TMPDIR"/foster-cluster_"$id"-* /tmp/foster-cluster_"$id"-* 2>/dev/null)
    assert_eq "" "$left" "cluster directories of run $id"
    assert_eq "" "$(processes_naming "foster-cluster_$id")" "processes of run $id's cluster"
    assert_runtime_empty
}

# ===========================================================================
# F. wait.

test_wait_times_out_when_nobody_listens() {
    local port started=$EPOCHREALTIME
    port=$(free_port)
    run_foster wait --timeout 1 "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres"
    assert_exit 1
    assert_elapsed_between "$started" 0.9 10 "wait --timeout 1" # bounded, not timed: under load, starting processes took 3.3 s
    assert_eq "foster: error: postgresql://foster_app:***@127.0.0.1:$port/postgres: not ready after 1.0 s: connection refused (is a server listening?)" \
        "$ERR" "message"
    assert_eq "" "$OUT" "stdout"
}

test_wait_succeeds_when_server_starts_late() {
    start_late_server 1.5
    local started=$EPOCHREALTIME
    run_foster wait --timeout 20 "postgresql://postgres:$SUPER_PW@127.0.0.1:$LATE_PORT/postgres"
    assert_exit 0
    assert_elapsed_between "$started" 1.5 15 "wait for the late server"
    assert_eq "foster: ready" "$ERR" "message"
    assert_no_password "$OUT$ERR" "output" "$SUPER_PW"
    stop_postgres "$LATE_DIR/data"
    rm -rf "$LATE_DIR"
}

test_wait_with_wrong_password_fails_at_once() {
    local started=$EPOCHREALTIME wrong="wrong-$APP_PW"
    run_foster wait --timeout 10 "postgresql://foster_app:$wrong@127.0.0.1:$SERVER_PORT/postgres"
    assert_exit 1
    assert_elapsed_between "$started" 0 2 "wait with a wrong password"
    assert_eq "foster: error: postgresql://foster_app:***@127.0.0.1:$SERVER_PORT/postgres: password authentication failed for user \"foster_app\"" \
        "$ERR" "message"
    assert_no_password "$OUT$ERR" "output" "$wrong"
}

test_wait_for_missing_database_fails_at_once() {
    local started=$EPOCHREALTIME
    run_foster wait --timeout 10 "postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/no_such_database"
    assert_exit 1
    assert_elapsed_between "$started" 0 2 "wait for a missing database"
    assert_contains "$ERR" 'database "no_such_database" does not exist'
    assert_no_password "$OUT$ERR" "output"
}

test_wait_on_running_server_succeeds() {
    run_foster wait --timeout 5 "$APP_URL"
    assert_exit 0
    assert_eq "foster: ready" "$ERR"
    run_foster -q wait "$APP_URL"
    assert_exit 0
    assert_eq "" "$ERR" "stderr with -q"
}

test_wait_with_unparseable_url_fails_at_once() {
    local started=$EPOCHREALTIME
    run_foster wait --timeout 10 "postgresql://foster_app:$APP_PW@[::1/postgres"
    assert_exit 1
    assert_elapsed_between "$started" 0 1 "wait with a bad URL"
    assert_contains "$ERR" "foster: error: postgresql://foster_app:***@[::1/postgres: "
    assert_no_password "$OUT$ERR" "output"
    run_foster wait --timeout 10 "postgresql://foster_app:$APP_PW@127.0.0.1:notaport/postgres"
    assert_exit 1
    assert_contains "$ERR" 'invalid integer value "notaport"'
    assert_no_password "$OUT$ERR" "output"
    run_foster wait --timeout 10 "host=127.0.0.1 password=$APP_PW bogus=1"
    assert_exit 1
    assert_contains "$ERR" 'invalid connection option "bogus"'
    assert_no_password "$OUT$ERR" "output (key=value form)"
}

test_wait_with_bad_arguments_exits_2() {
    local bad
    for bad in abc -1 "" 1s; do
        run_foster wait --timeout "$bad" "$APP_URL"
        assert_exit 2
        assert_contains "$ERR" "foster: error: --timeout takes a number of seconds, not \"$bad\""
    done
    run_foster wait
    assert_exit 2
    assert_contains "$ERR" "foster: error: wait takes one URL: foster wait [--timeout S] URL"
    run_foster wait "$APP_URL" "$APP_URL"
    assert_exit 2
    assert_no_password "$OUT$ERR" "output"
}

# ===========================================================================
# G. up/down on an existing server, and the marker (safety rule 1).

test_up_then_down_on_postgres_backend() {
    foster_pg -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local id database
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    database=$(export_value "$OUT" PGDATABASE)
    assert_eq "test_pgbasic_$id" "$database" "PGDATABASE"
    assert_eq "postgresql://foster_app@127.0.0.1:$SERVER_PORT/$database" "$(export_value "$OUT" DATABASE_URL)"
    assert_matches "$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$database'")" \
        "^foster test database; run $id" "marker"
    assert_eq 3 "$(psql_admin 'SELECT count(*) FROM person' "$database")" "person rows"
    assert_eq foster_app "$(psql_admin "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$database'")" "owner"
    foster_pg -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed $database"
    assert_database_absent "$database"
    assert_runtime_empty
}

test_down_refuses_forged_record_of_unmarked_database() {
    local manifest=$CASES/basic/foster.ini name
    for name in "handmade_$$" "test_pgbasic_0badf00d"; do
        make_unmarked_database "$name"
        forge_record 0badf00d "$(dead_pid)" 1 "$manifest" "$name"
        foster_pg -c "$manifest" down 0badf00d
        assert_exit 1
        assert_contains "$ERR" "foster: error: $name does not carry foster's marker; leaving it alone"
        foster_pg -c "$manifest" down # the newest kept record of this manifest
        assert_exit 1
        assert_contains "$ERR" "does not carry foster's marker"
        assert_eq "1|Precious" "$(psql_admin 'SELECT id, name FROM person' "$name")" "rows of $name after down"
        rm -f "$RUNTIME/0badf00d.run"
        drop_database "$name"
    done
    assert_runtime_empty
}

test_down_refuses_database_whose_marker_was_removed() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database id
    database=$(export_value "$OUT" PGDATABASE)
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    psql_admin "COMMENT ON DATABASE \"$database\" IS 'nightly copy of production'" >/dev/null
    foster_pg -c "$CASES/basic/foster.ini" down "$id"
    assert_exit 1
    assert_contains "$ERR" "does not carry foster's marker; leaving it alone"
    assert_database_exists "$database"
    assert_eq 3 "$(psql_admin 'SELECT count(*) FROM person' "$database")" "rows left alone"
    rm -f "$RUNTIME/$id.run" "$RUNTIME/$id.pgpass" # what foster refused to remove
    next_copy_oid "$database" >/dev/null # up's helper: its copy made, its lock file gone
    drop_database_and_siblings "$database"
    assert_runtime_empty
}

test_next_run_does_not_reap_unmarked_database_of_dead_record() {
    local manifest=$CASES/basic/foster.ini name=test_pgbasic_0dead000
    make_unmarked_database "$name"
    forge_record 0dead000 "$(dead_pid)" 0 "$manifest" "$name"
    foster_pg -c "$manifest" run -- true
    assert_exit 0
    assert_eq "1|Precious" "$(psql_admin 'SELECT id, name FROM person' "$name")" "rows of $name after the run"
    rm -f "$RUNTIME/0dead000.run"
    drop_database "$name"
    assert_runtime_empty
}

test_next_run_reaps_database_of_killed_foster() {
    start_foster -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- \
        sh -c "echo \$\$ > '$WORK/command.pid'; echo \"\$PGDATABASE\" > '$WORK/database'; exec sleep 30"
    wait_for_file "$WORK/database"
    sleep 0.05
    cat "$WORK/command.pid" >>"$WORK/.pids"
    local database
    database=$(cat "$WORK/database")
    kill -KILL "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    kill -TERM "$(cat "$WORK/command.pid")"
    assert_database_exists "$database" # a killed foster cannot clean up ...
    foster_pg -c "$CASES/basic/foster.ini" run -- true
    assert_exit 0
    assert_matches "$ERR" "^foster: reaped run [0-9a-f]{8} left by dead process $FOSTER_PID"
    assert_database_absent "$database" # ... but the next run reaps it
    assert_runtime_empty
}

# The shell `eval "$(foster up)"` leaves behind holds PGDATABASE=<test
# database>; with the server given by libpq's PG* variables (no url), `down`
# must still drop it.
test_down_after_eval_of_up_with_pg_environment() {
    export PGHOST=127.0.0.1 PGPORT=$SERVER_PORT PGUSER=postgres PGPASSWORD=$SUPER_PW
    run_foster -b postgres -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT"
    assert_database_exists "$PGDATABASE"
    run_foster -b postgres -c "$CASES/basic/foster.ini" down
    local status=$STATUS
    rm -f "$RUNTIME"/*.run
    STATUS=$status
    assert_exit 0
    assert_database_absent "$PGDATABASE"
    assert_runtime_empty
}

# DESIGN: the postgres backend's server is `[postgres] url` "or libpq's own
# PG* environment", and foster's hint says PGHOST/PGPORT/PGUSER: a user
# without a database of the same name must be able to provision (createdb and
# dropdb connect to the maintenance database postgres).
test_pg_environment_alone_provisions_for_user_without_own_database() {
    export PGHOST=127.0.0.1 PGPORT=$SERVER_PORT PGUSER=foster_app PGPASSWORD=$APP_PW
    run_foster -b postgres -c "$CASES/basic/foster.ini" run -- true
    assert_exit 0
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

# `down` given another server (here a second, empty one) must not declare the
# database "already gone" and forget its record: the database still lives on
# the server it was made on, and nothing could find it again.
test_down_with_other_server_keeps_record_of_database() {
    start_late_server 0
    local i
    for ((i = 0; i < 500; i++)); do
        [ -S "$LATE_DIR/.s.PGSQL.$LATE_PORT" ] && break
        sleep 0.02
    done
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local id database
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    database=$(export_value "$OUT" PGDATABASE)
    run_foster -b postgres -u "postgresql://postgres:$SUPER_PW@127.0.0.1:$LATE_PORT/postgres" \
        -c "$CASES/basic/foster.ini" down "$id"
    local status=$STATUS err=$ERR record=no
    [ -e "$RUNTIME/$id.run" ] && record=yes
    foster_pg -q -c "$CASES/basic/foster.ini" down "$id" # the right server, to clean up
    stop_postgres "$LATE_DIR/data"
    STATUS=$status ERR=$err
    assert_eq yes "$record" "run record after down on the wrong server"
    [ "$STATUS" -ne 0 ] || fail "down on the wrong server exited 0: $ERR"
    assert_runtime_empty
}

# `load` without --url loads into the last `up` of the manifest, reaching the
# server as up and down do (-u, with its password).
test_load_without_url_uses_last_up_and_server_password() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database
    database=$(export_value "$OUT" PGDATABASE)
    foster_pg -c "$CASES/basic/foster.ini" load "$CASES/load/more/person.csv"
    local status=$STATUS err=$ERR rows
    rows=$(psql_admin 'SELECT count(*) FROM person' "$database")
    foster_pg -q -c "$CASES/basic/foster.ini" down
    STATUS=$status ERR=$err
    assert_exit 0
    assert_eq 5 "$rows" "person rows after load"
    assert_no_password "$ERR" "stderr of load"
    assert_runtime_empty
}

# ===========================================================================
# H. load into PostgreSQL.

test_load_into_up_database_adds_rows() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT" # PGPASSWORD reaches the server for the URL without password
    run_foster -c "$CASES/basic/foster.ini" load --url "$DATABASE_URL" "$CASES/load/more/person.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded person +2 rows from $CASES/load/more/person.csv"
    assert_eq "1,2,3,4,5" "$(psql_admin 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM person' "$PGDATABASE")" "ids after load"
    assert_eq "<null>" "$(psql_admin "SELECT coalesce(email, '<null>') FROM person WHERE id = 5" "$PGDATABASE")" \
        "email of the row whose field was empty"
    run_foster -c "$CASES/basic/foster.ini" load --url "$DATABASE_URL" "$CASES/load/bad/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad/person.csv:3: invalid input syntax for type integer: \"seven\""
    assert_eq 5 "$(psql_admin 'SELECT count(*) FROM person' "$PGDATABASE")" "rows after a failed load"
    unset DATABASE_URL PGPASSWORD
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_load_refuses_unmarked_database_even_with_force() {
    local name=handmade_$$
    make_unmarked_database "$name"
    local url="postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/$name"
    run_foster -c "$CASES/basic/foster.ini" load --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: refusing to load into postgresql://foster_app@127.0.0.1:$SERVER_PORT/$name: it is not a database foster created"
    assert_contains "$ERR" "hint: use --force to load anyway (the name must contain \"test\")"
    run_foster -c "$CASES/basic/foster.ini" load --force --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "hint: --force works only for databases whose name contains \"test\""
    assert_no_password "$OUT$ERR" "output"
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$name")" "rows of the unmarked database"
    drop_database "$name"
}

test_load_force_into_unmarked_test_database() {
    local name=mytest_$$
    make_unmarked_database "$name"
    local url="postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/$name"
    run_foster -c "$CASES/basic/foster.ini" load --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "refusing to load into"
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$name")" "rows without --force"
    run_foster -c "$CASES/basic/foster.ini" load --force --url "$url" "$CASES/load/more/person.csv"
    assert_exit 0
    assert_eq "1,4,5" "$(psql_admin 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM person' "$name")" "ids with --force"
    assert_no_password "$OUT$ERR" "output"
    drop_database "$name"
}

# ===========================================================================
# The runner.

before_all() {
    PYTHON_ANY=$(command -v python3) || { echo "python3 is needed" >&2; exit 2; }
    find_python_pg
    PGBIN=$(find_pg_bindir) || skip_all "no PostgreSQL server binaries (postgres, initdb): install the postgresql package"
    PSQL=$PGBIN/psql
    [ -x "$PSQL" ] || PSQL=$(command -v psql) || skip_all "no psql: install postgresql-client"
    SERVER_USER=$(id -un)
    AS_SERVER_USER=(env)
    if [ "$(id -u)" -eq 0 ]; then
        SERVER_USER=postgres
        id postgres >/dev/null 2>&1 || SERVER_USER=nobody
        if command -v setpriv >/dev/null; then
            AS_SERVER_USER=(setpriv "--reuid=$SERVER_USER" "--regid=$(id -g "$SERVER_USER")" --init-groups --)
        else
            AS_SERVER_USER=(runuser -u "$SERVER_USER" --)
        fi
    fi
    SUITE_CACHE=$SUITE_TMP/cache # clusters' pristine data directories, shared by the tests
    SUITE_RUNTIMES=$(mktemp -d /tmp/fpg.XXXXXX)
    unset_pg_environment
    start_shared_server || { echo "Bail out! cannot start the test PostgreSQL server"; exit 1; }
}

describe_suite() {
    echo "# PostgreSQL $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //') from $PGBIN on 127.0.0.1:$SERVER_PORT, run as $SERVER_USER"
    [ -n "$PYTHON_PG" ] || echo "# no python3 with psycopg2: the example's tests will fail (apt-get install python3-psycopg2)"
}

after_all() {
    if [ -n "${SERVER_DIR:-}" ] && [ -d "$SERVER_DIR" ]; then
        local data
        for data in "$SERVER_DIR"/late.*/data "$SERVER_DIR/data"; do
            [ -d "$data" ] && stop_postgres "$data"
        done
        rm -rf "$SERVER_DIR"
    fi
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}

before_each() {
    # Short: as a normal user a cluster's socket lives in it (107 bytes at most).
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/XXXXXX") # 0700
}

prepare_environment() {
    unset_pg_environment
    export XDG_CACHE_HOME=$SUITE_CACHE
}

# Besides the runtime directory: clusters and servers a test started, and
# databases on the shared server.
after_each() {
    local left databases data
    left=$(ls -A "$RUNTIME" 2>/dev/null)
    stop_leftover_clusters "$RUNTIME"
    report_runtime_left "$left"
    if [ -f "$WORK/.servers" ]; then
        while read -r data; do
            stop_postgres "$data"
            rm -rf "$(dirname "$data")"
        done <"$WORK/.servers"
    fi
    drop_cached_templates
    databases=$(extra_databases)
    if [ -n "$databases" ]; then
        leftover "databases left on the server: $databases"
        for data in $databases; do drop_database "$data"; done
    fi
}

run_tests
