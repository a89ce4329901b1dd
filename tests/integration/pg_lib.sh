# shellcheck shell=bash
# pg_lib.sh — what the PostgreSQL integration tests share (pg_test.sh,
# pg_ddl_test.sh, pg_concurrency_test.sh, pg_updown_test.sh): their
# throwaway server, assertions, helpers and the harness hooks. Sourced after
# tests/harness.sh, never run.
#
# The runner starts ONE throwaway PostgreSQL server for each test file: its
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
# EXPECTED_FAILURES (each file's) lists known bugs of foster (reported "# TODO",
# not counted unless FOSTER_TEST_STRICT=1; a listed test that passes is an error).
# Without PostgreSQL server binaries every test is reported SKIP and the
# script exits 77 (meson's "skipped").
#
# Needs bash 5, coreutils, the PostgreSQL server and psql, python3 (a free
# port), and for the example's tests a python3 with psycopg2
# (/usr/bin/python3 with Debian's python3-psycopg2).

# shellcheck disable=SC2034,SC2153 # used by the files that source this one; DATA and ROOT
# are the harness's
CASES=$DATA/pg
# shellcheck disable=SC2034
EXAMPLE=$ROOT/foster.ini

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
