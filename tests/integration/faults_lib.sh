# shellcheck shell=bash
# faults_lib.sh — what the fault runners (faults_test.sh, faults_gc_test.sh) share:
# assertions that count leftovers, helpers that start, watch and kill foster,
# the shared PostgreSQL server's hooks (shared_cluster.sh has the server), and the hooks of tests/harness.sh. Sourced by a
# runner right after the harness; see faults_test.sh for the conventions.

# shellcheck source=SCRIPTDIR/shared_cluster.sh
. "$SCRIPT_DIR/shared_cluster.sh"

CASES=$DATA/faults
# shellcheck disable=SC2034 # used by the runners
EXAMPLE=$ROOT/foster.ini
BIG_ROWS=300000
# The summary's counts, kept by after_each.
FAULT_TESTS=0 SKIPPED_TESTS=0 FAULTS=0 SURVIVED=0 LEFTOVERS=0

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh). Those below count
# what outlived a test as a leftover in the summary.

# Something outlived the test: counted in the summary, then the test fails.
assert_fail_left_behind() { # WHAT
    echo "$*" >>"$WORK/.leftovers"
    fail "left behind: $*"
}

assert_gone() { # PATH
    if [ -e "$1" ] || [ -L "$1" ]; then assert_fail_left_behind "file $1"; fi
}

# The harness's, but counted as a leftover.
assert_runtime_empty() {
    local left
    left=$(ls -A "$RUNTIME")
    [ -z "$left" ] || assert_fail_left_behind "in the runtime directory: $left"
}

# The cluster of run ID is gone: no directory foster-cluster_ID-* where
# clusters live, no process naming it, none of the processes observe_cluster
# saw (waits up to 15 s: a loaded machine stops a server slowly).
assert_cluster_of_run_gone() { # ID
    local id=$1 i pid alive dirs
    for ((i = 0; i < 1500; i++)); do
        alive=""
        for pid in ${CLUSTER_PIDS:-}; do
            process_runs "$pid" postgres && alive="$alive $pid"
        done
        alive="$alive $(processes_naming "foster-cluster_$id" | tr "\n" " ")"
        # shellcheck disable=SC2031 # the test's TMPDIR, exported by the harness
        dirs=$(ls -d /dev/shm/foster-cluster_"$id"-* "$TMPDIR"/foster-cluster_"$id"-* \
            /tmp/foster-cluster_"$id"-* "$RUNTIME"/foster-cluster_"$id"* 2>/dev/null)
        [ -z "${alive// /}" ] && [ -z "$dirs" ] && return 0
        sleep 0.01
    done
    [ -z "${alive// /}" ] || assert_fail_left_behind "processes of run $id's cluster:$alive"
    assert_fail_left_behind "directories of run $id's cluster: $dirs"
}

# ---------------------------------------------------------------------------
# Helpers.

# A fault this test injects (counted in the summary).
fault() { # DESCRIPTION
    echo "$*" >>"$WORK/.faults"
}

# Waits (up to SECONDS) until foster's stderr has a line matching ERE; fails
# early when foster exits first.
wait_for_stderr() { # ERE SECONDS
    local i limit=$(($2 * 200))
    for ((i = 0; i < limit; i++)); do
        grep -Eq -- "$1" "$WORK/.stderr" 2>/dev/null && return 0
        if ! kill -0 "$FOSTER_PID" 2>/dev/null; then
            wait_for_exit "$FOSTER_PID" 1
            fail "foster exited before it printed /$1/"
        fi
        sleep 0.005
    done
    fail "foster printed no /$1/ within $2 s"
}

# Waits until the runtime directory holds a run record; sets RUN_ID.
wait_for_record() { # SECONDS
    local i limit=$(($1 * 200)) record
    for ((i = 0; i < limit; i++)); do
        record=$(find "$RUNTIME" -maxdepth 1 -name '*.run' | head -n 1)
        if [ -n "$record" ]; then
            # shellcheck disable=SC2034 # read by the tests
            RUN_ID=$(basename "$record" .run)
            return 0
        fi
        if ! kill -0 "$FOSTER_PID" 2>/dev/null; then
            wait_for_exit "$FOSTER_PID" 1
            fail "foster exited before it wrote a run record"
        fi
        sleep 0.005
    done
    fail "no run record within $1 s"
}

# The run id of foster's "run ID: BACKEND database URL" line, any backend
# (the harness's run_line_id knows only postgres).
any_run_line_id() {
    printf '%s\n' "$ERR" | sed -n 's/^foster: run \([0-9a-f]\{8\}\): [a-z]* database .*/\1/p'
}

# Copies tests/data/faults/CASE to $WORK/proj and enters it.
use_case() { # CASE
    rm -rf "$WORK/proj"
    cp -R "$CASES/$1" "$WORK/proj" || fail "no test case $CASES/$1"
    cd "$WORK/proj" || fail "cannot enter $WORK/proj"
}

# The item case with the big generated fixture ($BIG_ROWS rows).
use_big_item() {
    use_case item
    # a hard link: foster refuses a fixture that a symbolic link takes out of the project
    mkdir -p fixtures && ln "$BIG_CSV" fixtures/item.csv
}

# The item case with 10,000 rows where row 5,000 (line 5001) is BAD: dup or abc.
use_item_with_bad_row() { # dup|abc
    use_case item
    mkdir -p fixtures
    awk -v bad="$1" 'BEGIN {
        print "id,name,qty"
        for (i = 1; i <= 10000; i++) {
            id = i; qty = i % 97
            if (i == 5000 && bad == "dup") id = 1
            if (i == 5000 && bad == "abc") qty = "abc"
            printf "%s,item number %d,%s\n", id, i, qty
        }
    }' >fixtures/item.csv
}

# Rows of a read-only query on a SQLite file as "a|b" lines.
sqlite_rows() { # FILE QUERY
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in con.execute(sys.argv[2]):
    print("|".join(str(v) for v in row))
con.close()
EOF
}

# A plain SQLite file (no marker) holding item with one row.
make_unmarked_sqlite() { # FILE
    python3 - "$1" <<'EOF' || fail "cannot make $1"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL)")
con.execute("INSERT INTO item VALUES (1, 'precious', 7)")
con.commit()
con.close()
EOF
}

# The pid of a process that has exited.
dead_pid() {
    sh -c 'exit 0' &
    local pid=$!
    wait "$pid"
    echo "$pid"
}

# This machine as runstate.c records it: host, boot id, PID namespace.
this_host() { hostname; }
this_boot_id() { cat /proc/sys/kernel/random/boot_id; }
this_pid_ns() { readlink /proc/self/ns/pid; }

# A run record as runstate.c writes it, for a database foster did not make.
# FORGE_HOST, FORGE_BOOT_ID, FORGE_PID_NS and FORGE_COPIES override this
# machine's host, boot id, PID namespace and the 0 copies.
forge_record() { # RUN_ID PID KEPT BACKEND DATABASE URL
    cat >"$RUNTIME/$1.run" <<EOF
run_id=$1
pid=$2
kept=$3
manifest=$WORK/proj/foster.ini
backend=$4
database=$5
url=$6
server=
server_pid=0
started=$EPOCHREALTIME
host=${FORGE_HOST:-$(this_host)}
boot_id=${FORGE_BOOT_ID:-$(this_boot_id)}
pid_ns=${FORGE_PID_NS:-$(this_pid_ns)}
copies=${FORGE_COPIES:-0}
EOF
    chmod 600 "$RUNTIME/$1.run"
}

# ---- processes

# Notes the postmaster of the cluster whose home is HOME and its children
# (CLUSTER_PIDS), for assert_cluster_of_run_gone.
observe_cluster() { # HOME
    local postmaster
    postmaster=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
    [[ $postmaster =~ ^[0-9]+$ ]] || fail "no postmaster.pid in $1/data"
    CLUSTER_PIDS="$postmaster $(children_of "$postmaster" | tr '\n' ' ')"
}

# ===========================================================================
# The runner's hooks (the runner itself is tests/harness.sh).

before_all() {
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
    unset_pg_environment
    SUITE_CACHE=$SUITE_TMP/cache # clusters' pristine data directories, shared by the tests
    SUITE_RUNTIMES=$(mktemp -d /tmp/ffl.XXXXXX)
    BIG_CSV=$SUITE_TMP/big_item.csv
    awk -v n="$BIG_ROWS" 'BEGIN { print "id,name,qty"; for (i = 1; i <= n; i++) printf "%d,item number %d,%d\n", i, i, i % 97 }' >"$BIG_CSV"
    shared_cluster_start
}

before_each() {
    # Short: as a normal user a cluster's socket lives in it (107 bytes at most).
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/XXXXXX") # 0700
}

prepare_environment() {
    unset_pg_environment
    export XDG_CACHE_HOME=$SUITE_CACHE
}

# A leftover found after the test, counted in the summary unless the test had
# already failed.
count_leftover() { # MESSAGE
    [ "$RESULT" -eq 0 ] && NLEFT=$((NLEFT + 1))
    leftover "$1"
}

# Besides the runtime directory: clusters a test left, databases on the
# shared server; then the test's faults and leftovers go to the summary.
after_each() {
    local nfaults left databases database
    nfaults=$( (wc -l <"$WORK/.faults") 2>/dev/null || echo 0)
    NLEFT=$( (wc -l <"$WORK/.leftovers") 2>/dev/null || echo 0)
    left=$(ls -A "$RUNTIME" 2>/dev/null)
    stop_leftover_clusters "$RUNTIME"
    [ -z "$left" ] || count_leftover "left behind in the runtime directory: $left"
    if [ -n "$SHARED_PGHOST" ]; then
        drop_cached_templates
        databases=$(extra_databases)
        if [ -n "$databases" ]; then
            count_leftover "databases left on the shared server: $databases"
            for database in $databases; do drop_database "$database"; done
        fi
    fi
    if [ "$RESULT" -eq 0 ] && [ -n "$SKIPPED" ]; then
        SKIPPED_TESTS=$((SKIPPED_TESTS + 1))
        return 0
    fi
    FAULT_TESTS=$((FAULT_TESTS + 1))
    FAULTS=$((FAULTS + nfaults))
    LEFTOVERS=$((LEFTOVERS + NLEFT))
    [ "$RESULT" -eq 0 ] && SURVIVED=$((SURVIVED + nfaults))
    [ -s "$WORK/.figures" ] && cat "$WORK/.figures" >>"$SUITE_TMP/figures"
    return 0
}

# The summary the README's table is made from, just before the closing line.
describe_results() {
    echo "# ---- fault injection summary"
    echo "# tests run:         $FAULT_TESTS ($SKIPPED_TESTS skipped)"
    echo "# faults injected:   $FAULTS"
    echo "# faults survived:   $SURVIVED (the test passed: right status, right message, nothing left)"
    echo "# leftovers found:   $LEFTOVERS"
    [ -s "$SUITE_TMP/figures" ] && sed 's/^/# /' "$SUITE_TMP/figures"
    return 0
}

after_all() {
    stop_shared_server
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}
