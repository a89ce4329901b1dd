#!/usr/bin/env bash
# faults_gc_test.sh — what outlives a killed foster, and who may remove it:
# SIGKILL at the moments when a run record is behind what it describes (a
# server just started, a database just created, workers' copies), records
# and markers of other runtime directories, PID namespaces, boots and hosts,
# databases renamed or half-made, hostile run ids, and a server that is out
# of connection slots (one test runs 256 runs at once on one server with
# max_connections = 100).
#
#   usage: faults_gc_test.sh FOSTER_BINARY [NAME_REGEX]
#
# Same conventions, helpers and summary as faults_test.sh (faults_lib.sh):
# each test runs in a fresh $WORK with its own private $RUNTIME; after each,
# the runtime directory must be empty and the shared server must hold no
# database but its own. What docs/safety.md promises about `foster gc` is
# what these tests check.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/faults_lib.sh
. "$SCRIPT_DIR/faults_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# The item case with a fixture of COUNT rows.
use_small_item() { # [COUNT]
    use_case item
    mkdir -p fixtures
    awk -v n="${1:-3}" 'BEGIN { print "id,name,qty"; for (i = 1; i <= n; i++) printf "%d,item %d,%d\n", i, i, i }' \
        >fixtures/item.csv
}

# A database on the shared server with COMMENT; with TABLE=1 it holds a row.
make_database() { # NAME COMMENT [TABLE]
    psql_shared "CREATE DATABASE \"$1\"" >/dev/null || fail "cannot create $1"
    [ -z "$2" ] || psql_shared "COMMENT ON DATABASE \"$1\" IS '$2'" >/dev/null || fail "cannot mark $1"
    [ "${3:-0}" == 1 ] || return 0
    psql_shared "CREATE TABLE item (id integer PRIMARY KEY); INSERT INTO item VALUES (7)" "$1" >/dev/null ||
        fail "cannot fill $1"
}

database_exists() { # NAME
    [ "$(psql_shared "SELECT count(*) FROM pg_database WHERE datname = '$1'")" == 1 ]
}

# The marker foster writes, for a run of a dead process of this machine in
# $RUNTIME; KEY=VALUE arguments replace its fields.
forge_marker() { # RUN_ID [pid=N] [host=H] [boot=B] [pidns=P] [kept=K] [dir=D]
    local run=$1 pid host boot pidns kept dir
    pid=$(dead_pid) host=$(this_host) boot=$(this_boot_id) pidns=$(this_pid_ns) kept=0
    dir=$(readlink -f "$RUNTIME")
    shift
    local field
    for field in "$@"; do local "$field"; done
    echo "foster test database; run $run; pid $pid; host $host; boot $boot; pidns $pidns; uid $(id -u); kept $kept; dir $dir"
}

# ===========================================================================
# 1. SIGKILL just after the cluster's server started: the record still says
# server_pid=0, the cluster's marker already names the postmaster.

test_sigkill_just_after_cluster_server_started_gc_stops_it() {
    need_pg
    use_small_item
    fault "SIGKILL right after the cluster's postmaster started"
    start_foster -b cluster run -- true
    wait_for_record 60
    local id=$RUN_ID marker pid="" i
    for ((i = 0; i < 60000; i++)); do
        marker=$(readlink -f "$RUNTIME/cluster_$id" 2>/dev/null)/foster-cluster
        pid=$(head -n 1 "$marker" 2>/dev/null)
        [[ $pid =~ ^[1-9][0-9]*$ ]] && break
        kill -0 "$FOSTER_PID" 2>/dev/null || fail "foster exited before its server started"
    done
    kill -KILL "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 10
    [[ $pid =~ ^[1-9][0-9]*$ ]] || fail "the cluster's marker never named its server"
    CLUSTER_PIDS=$pid
    process_runs "$pid" postgres || fail "the server $pid is not running after the kill"
    run_foster gc
    assert_exit 0
    assert_contains "$OUT$ERR" "removed run $id"
    assert_cluster_of_run_gone "$id"
    assert_runtime_empty
}

# ===========================================================================
# 2. SIGKILL during CREATE DATABASE: the record names the database it was
# about to create (no URL yet), the database exists without its marker.

test_gc_finishes_half_made_database_of_dead_run() {
    need_pg
    use_small_item
    local id=0badc0de name=test_faultitem_0badc0de
    fault "database created, record without URL, marker never set"
    make_database "$name" ""
    forge_record "$id" "$(dead_pid)" 0 postgres "$name" ""
    run_foster -b postgres -u "$(shared_url)" gc
    assert_exit 0
    assert_contains "$OUT" "removed run $id"
    assert_contains "$OUT" "half-made database $name"
    database_exists "$name" && fail "the half-made database $name is still there"
    assert_runtime_empty
}

test_gc_leaves_unmarked_database_that_holds_tables_or_has_another_name() {
    need_pg
    use_small_item
    local id=0badc0de name=test_faultitem_0badc0de
    fault "a record without URL naming an unmarked database that holds data"
    make_database "$name" "" 1
    forge_record "$id" "$(dead_pid)" 0 postgres "$name" ""
    run_foster -b postgres -u "$(shared_url)" gc
    assert_contains "$OUT" "left database $name: it does not carry foster's marker and holds tables"
    assert_eq 7 "$(psql_shared 'SELECT id FROM item' "$name")" "rows of $name after gc"
    drop_database "$name"
    fault "a record without URL naming an unmarked database not named for its run"
    make_database "precious_$id" ""
    forge_record "$id" "$(dead_pid)" 0 postgres "precious_$id" ""
    run_foster -b postgres -u "$(shared_url)" gc
    database_exists "precious_$id" || fail "gc dropped precious_$id"
    drop_database "precious_$id"
    rm -f "$RUNTIME/$id.run"
    assert_runtime_empty
}

# ===========================================================================
# 4. Kept databases and other runtime directories: gc leaves what it cannot
# prove abandoned, and says why.

test_gc_leaves_database_kept_by_up_of_another_runtime_directory() {
    need_pg
    use_small_item
    local other=$WORK/other
    mkdir -m 700 "$other"
    fault "gc beside a database kept by \`up\` of another runtime directory"
    FOSTER_RUNTIME_DIR=$other run_foster -q -b postgres -u "$(shared_url)" up
    assert_exit 0
    local database
    database=$(export_value "$OUT" PGDATABASE)
    assert_matches "$database" '^test_faultitem_[0-9a-f]{8}$' "kept database"
    run_foster -b postgres -u "$(shared_url)" gc
    assert_exit 0
    database_exists "$database" || fail "gc dropped $database, kept by another runtime directory"
    assert_contains "$OUT" "left database $database: kept by \`foster up\`"
    FOSTER_RUNTIME_DIR=$other run_foster -b postgres -u "$(shared_url)" down
    assert_exit 0
    database_exists "$database" && fail "down left $database"
    assert_eq "" "$(ls -A "$other")" "the other runtime directory after down"
    assert_runtime_empty
}

test_gc_leaves_databases_it_cannot_prove_abandoned() {
    need_pg
    use_small_item
    local name
    fault "marked databases of dead runs: kept, another directory, namespace, boot, host"
    make_database test_faultitem_0000000a "$(forge_marker 0000000a kept=1)"
    make_database test_faultitem_0000000b "$(forge_marker 0000000b dir=/elsewhere/foster)"
    make_database test_faultitem_0000000c "$(forge_marker 0000000c 'pidns=pid:[1]')"
    make_database test_faultitem_0000000d "$(forge_marker 0000000d boot=0000-another-boot)"
    make_database test_faultitem_0000000e "$(forge_marker 0000000e host=another-host)"
    make_database test_faultitem_0000000f "foster test database; run 0000000f; pid $(dead_pid); host $(this_host)"
    fault "a marked database renamed away from foster's names"
    make_database renamed_by_hand "$(forge_marker 00000010)"
    fault "one database gc may drop: marked, this machine, this directory, dead, not kept"
    make_database test_faultitem_00000011 "$(forge_marker 00000011)"
    run_foster -b postgres -u "$(shared_url)" gc
    assert_exit 0
    assert_contains "$OUT" "dropped database test_faultitem_00000011"
    database_exists test_faultitem_00000011 && fail "gc left the abandoned test_faultitem_00000011"
    for name in test_faultitem_0000000{a,b,c,d,e,f} renamed_by_hand; do
        database_exists "$name" || fail "gc dropped $name"
        assert_contains "$OUT" "left database $name: "
    done
    assert_contains "$OUT" "left database test_faultitem_0000000a: kept by"
    assert_contains "$OUT" "left database test_faultitem_0000000b: made by the runtime directory /elsewhere/foster"
    assert_contains "$OUT" "left database test_faultitem_0000000c: made in another PID namespace"
    assert_contains "$OUT" "left database test_faultitem_0000000d: made before this machine last booted"
    assert_contains "$OUT" "left database test_faultitem_0000000e: made on host another-host"
    assert_contains "$OUT" "left database renamed_by_hand: its name is not one foster gives"
    for name in test_faultitem_0000000{a,b,c,d,e,f} renamed_by_hand; do drop_database "$name"; done
    assert_runtime_empty
}

# ===========================================================================
# 5. A live run of another PID namespace (or boot, or host) sharing the
# runtime directory: its pid means nothing here, so it is never reaped.

test_live_run_of_another_namespace_is_never_reaped() {
    use_small_item
    start_foster run -- sleep 60
    wait_for_stderr '^foster: run [0-9a-f]{8}: sqlite database' 30
    wait_for_record 1
    local id=$RUN_ID file field value record
    file=$RUNTIME/test_faultitem_$id.sqlite3
    record=$RUNTIME/$id.run
    for field in pid_ns boot_id host; do
        case $field in
        pid_ns) value='pid:[4026531999]' ;;
        boot_id) value=00000000-0000-0000-0000-000000000000 ;;
        host) value=another-host ;;
        esac
        fault "a live run whose record has another $field and a pid dead here"
        cp "$record" "$WORK/record.saved"
        sed -i -e "s/^pid=.*/pid=$(dead_pid)/" -e "s/^$field=.*/$field=$value/" "$record"
        run_foster gc
        assert_exit 0
        assert_file_exists "$file"
        assert_file_exists "$record"
        assert_contains "$OUT" "left run $id: "
        run_foster run -- true
        assert_exit 0
        assert_file_exists "$file"
        cp "$WORK/record.saved" "$record"
    done
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 30
    assert_gone "$file"
    assert_runtime_empty
}

# ===========================================================================
# 7. Workers' copies (--jobs): down and reaping remove them too.

test_up_jobs_then_down_removes_every_copy_on_sqlite() {
    use_small_item
    fault "up --jobs 3, then down"
    run_foster -q up --jobs 3
    assert_exit 0
    local id
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    assert_file_exists "$RUNTIME/test_faultitem_${id}_3.sqlite3"
    run_foster down
    assert_exit 0
    assert_eq "" "$(ls "$RUNTIME"/*.sqlite3 2>/dev/null)" "database files after down"
    assert_runtime_empty
}

test_up_jobs_then_down_removes_every_copy_on_postgres() {
    need_pg
    use_small_item
    fault "up --jobs 3 on a server, then down"
    run_foster -q -b postgres -u "$(shared_url)" up --jobs 3
    assert_exit 0
    local database
    database=$(export_value "$OUT" PGDATABASE)
    database_exists "${database}_3" || fail "no copy ${database}_3 after up"
    run_foster -b postgres -u "$(shared_url)" down
    assert_exit 0
    assert_eq "" "$(extra_databases)" "databases left after down"
    assert_runtime_empty
}

test_sigkill_during_run_jobs_then_reaping_removes_every_copy() {
    use_small_item
    fault "SIGKILL during run --jobs 3, then the next run reaps"
    start_foster run --jobs 3 -- sleep 60
    wait_for_stderr '^foster: made 3 copies' 30
    wait_for_record 1
    local id=$RUN_ID
    kill -KILL "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 10
    assert_file_exists "$RUNTIME/test_faultitem_${id}_2.sqlite3"
    run_foster run -- true
    assert_exit 0
    assert_contains "$ERR" "reaped run $id"
    assert_eq "" "$(ls "$RUNTIME"/*.sqlite3* 2>/dev/null)" "database files after the next run reaped"
    assert_runtime_empty
}

# ===========================================================================
# 10. Run ids from outside: never a path.

test_run_ids_that_are_paths_are_refused() {
    use_small_item
    mkdir -m 700 "$WORK/rt" && mkdir -m 700 "$WORK/rt/inner"
    export FOSTER_RUNTIME_DIR=$WORK/rt/inner
    RUNTIME=$WORK/rt/inner
    forge_record victim "$(dead_pid)" 1 sqlite test_faultitem_victim "sqlite:///$WORK/none.sqlite3"
    mv "$RUNTIME/victim.run" "$WORK/rt/victim.run"
    fault "down ../victim"
    run_foster down ../victim
    assert_exit 2
    assert_contains "$ERR" "foster: error: \"../victim\" is not a run id"
    assert_file_exists "$WORK/rt/victim.run"
    fault "FOSTER_RUN_ID=../victim reset"
    FOSTER_RUN_ID=../victim run_foster reset
    assert_exit 2
    assert_contains "$ERR" "\"../victim\" is not a run id"
    assert_file_exists "$WORK/rt/victim.run"
    assert_runtime_empty
}

# ===========================================================================
# 10. The cluster's server dies while the fixtures load: foster says so.

test_server_dying_during_load_is_named_with_its_log() {
    need_pg
    use_big_item
    fault "SIGKILL to the cluster's postmaster during a $BIG_ROWS-row load"
    start_foster -b cluster run -- true
    wait_for_stderr '^foster: created 1 table ' 60
    wait_for_record 1
    local id=$RUN_ID home pm
    home=$(readlink -f "$RUNTIME/cluster_$id")
    observe_cluster "$home"
    pm=$(head -n 1 "$home/foster-cluster")
    kill -KILL "$pm"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit 125
    assert_contains "$ERR" "foster: error: the PostgreSQL server (pid $pm) died; the end of its log $home/postgres.log"
    assert_cluster_of_run_gone "$id"
    assert_runtime_empty
}

# ===========================================================================
# A create refused on the cluster foster started: the server goes too.

test_create_refused_on_its_own_cluster_stops_the_server() {
    need_pg
    use_small_item
    # A bindir whose postgres starts read-only, so CREATE DATABASE is refused
    # after the server runs; its cluster_name finds the process afterwards.
    fault "CREATE DATABASE refused by the cluster foster started"
    local real tag=foster_undo_$$_$RANDOM bindir
    real=$(find_pg_bindir)
    bindir=$(mktemp -d /tmp/fbin.XXXXXX)
    chmod 755 "$bindir"
    ln -s "$real"/* "$bindir/"
    rm "$bindir/postgres"
    printf '#!/bin/sh\nexec %s/postgres -c default_transaction_read_only=on -c cluster_name=%s "$@"\n' \
        "$real" "$tag" >"$bindir/postgres"
    chmod 755 "$bindir/postgres"
    printf '[cluster]\nbindir = %s\n' "$bindir" >>foster.ini
    run_foster -b cluster run -- true
    rm -rf "$bindir"
    assert_exit 125
    assert_contains "$ERR" "foster: error: cannot create the test database: cannot execute CREATE DATABASE in a read-only transaction"
    assert_eq "" "$(processes_naming "$tag")" "servers left running"
    assert_runtime_empty
}

# ===========================================================================
# 10. A full disk while the pristine copy is made: the right hint.

test_full_disk_while_making_pristine_copy_gives_disk_hint() {
    [ "$(id -u)" == 0 ] || skip "mounting a small tmpfs needs root"
    use_small_item 40000 # an 860 KB database: it fits, its pristine copy does not
    mkdir "$WORK/small"
    mount -t tmpfs -o size=1200k,mode=700 tmpfs "$WORK/small" 2>"$WORK/.mount" ||
        skip "cannot mount a tmpfs here: $(cat "$WORK/.mount")"
    fault "the file system fills up while the pristine copy is written"
    FOSTER_RUNTIME_DIR=$WORK/small run_foster run -- true
    local left
    left=$(ls -A "$WORK/small")
    umount "$WORK/small"
    assert_exit 125
    assert_contains "$ERR" "cannot keep a pristine copy: "
    assert_contains "$ERR" "hint: the file system holding it is full (or failing)"
    assert_not_contains "$ERR" "finish or roll back open transactions"
    assert_eq "" "$left" "files left on the full file system"
    assert_runtime_empty
}

# ===========================================================================
# 11. A server out of connection slots: foster waits (bounded), then says
# what it left and how to remove it.

# $WORK/saturate.sh SECONDS: takes every connection slot of the shared
# server, returns once the server refuses connections with "too many
# clients", and frees the slots SECONDS later (the sessions are psql
# processes in their own sessions, listed in $WORK/.pids so the harness ends
# them; client_connection_check_interval ends a server session as soon as
# its psql is gone).
write_saturate_script() {
    cat >"$WORK/saturate.sh" <<EOF
#!/usr/bin/env bash
: >"$WORK/.sleepers"
for ((i = 0; i < 110; i++)); do # more than the slots: a probe may take one meanwhile
    setsid "$PSQL" -h "$SHARED_PGHOST" -p "$SHARED_PGPORT" -U postgres -d postgres -XAtq \\
        -c "SET client_connection_check_interval = 100" -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
    echo \$! >>"$WORK/.pids"
    echo \$! >>"$WORK/.sleepers"
done
for ((i = 0; i < 600; i++)); do
    "$PSQL" -h "$SHARED_PGHOST" -p "$SHARED_PGPORT" -U postgres -d postgres -XAtq \\
        -c "SELECT 1" >/dev/null 2>"$WORK/.probe" || break
    sleep 0.1
done
setsid sh -c "sleep \$1; kill \\\$(cat '$WORK/.sleepers') 2>/dev/null" >/dev/null 2>&1 &
echo \$! >>"$WORK/.pids"
grep -q "too many clients" "$WORK/.probe"
EOF
    chmod +x "$WORK/saturate.sh"
}

test_run_on_a_saturated_server_waits_and_succeeds() {
    need_pg
    use_small_item
    write_saturate_script
    fault "every connection slot taken for 4 s when the run starts"
    "$WORK/saturate.sh" 4 || fail "the server did not fill up: $(cat "$WORK/.probe")"
    run_foster -v -b postgres -u "$(shared_url)" run -- sh -c 'test -n "$DATABASE_URL"'
    assert_exit 0
    assert_matches "$ERR" "foster: server busy \(too many clients\); retrying for up to [0-9]+ s"
    assert_contains "$ERR" "teardown: removed test_faultitem_"
    assert_eq "" "$(extra_databases)" "databases left"
    assert_runtime_empty
}

test_teardown_on_a_saturated_server_names_leftover_and_gc() {
    need_pg
    use_small_item
    write_saturate_script
    fault "every connection slot taken while the command runs, longer than the bound"
    # The slots are taken from here, not by the command: foster ends what its command leaves.
    FOSTER_BUSY_TIMEOUT=1 start_foster -b postgres -u "$(shared_url)" run -- \
        sh -c "touch '$WORK/go'; while [ ! -e '$WORK/full' ]; do sleep 0.05; done"
    wait_for_file "$WORK/go" 60
    "$WORK/saturate.sh" 4 || fail "the server did not fill up: $(cat "$WORK/.probe")"
    touch "$WORK/full"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit 125
    local id
    id=$(any_run_line_id)
    assert_contains "$ERR" "foster: error: could not remove test_faultitem_$id"
    assert_contains "$ERR" "too many clients"
    assert_contains "$ERR" "hint: remove it later with \`foster gc\`"
    assert_file_exists "$RUNTIME/$id.run" # the server is still full: the record tells what is left
    run_foster -b postgres -u "$(shared_url)" gc
    assert_exit 0
    assert_contains "$OUT" "removed run $id"
    assert_eq "" "$(extra_databases)" "databases left after gc"
    assert_runtime_empty
}

test_256_concurrent_runs_on_a_server_with_100_connections_all_succeed() {
    need_pg
    use_small_item
    fault "256 concurrent runs on one server with max_connections = 100"
    assert_eq 100 "$(psql_shared 'SHOW max_connections')" "the shared server's max_connections"
    local i started failed=0
    mkdir "$WORK/c"
    started=$EPOCHREALTIME
    for ((i = 1; i <= 256; i++)); do
        (
            "$FOSTER" -b postgres -u "$(shared_url)" run -- sh -c 'test -n "$DATABASE_URL"' \
                >"$WORK/c/$i.out" 2>"$WORK/c/$i.err"
            echo $? >"$WORK/c/$i.status"
        ) &
        echo $! >>"$WORK/.pids"
    done
    wait
    for ((i = 1; i <= 256; i++)); do
        [ "$(cat "$WORK/c/$i.status")" == 0 ] || {
            failed=$((failed + 1))
            echo "# run $i: $(tail -n 3 "$WORK/c/$i.err")"
        }
    done
    # A figure for the summary (README's faults table).
    echo "256 concurrent runs, max_connections = 100: $((256 - failed)) succeeded in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s, $(nproc) cores" >>"$WORK/.figures"
    assert_eq 0 "$failed" "runs that failed"
    assert_eq "" "$(extra_databases)" "databases left"
    assert_runtime_empty
}

run_tests
