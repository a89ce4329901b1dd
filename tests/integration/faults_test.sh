#!/usr/bin/env bash
# faults_test.sh — fault injection: foster is interrupted, its provisioning
# fails half-way, its server dies, sixteen of it run at once, and its safety
# rule 1 (never touch a database without foster's marker) is attacked. After
# every fault, what is left must be nothing: no database file, no test
# database, no run record, no cluster directory, no server process.
#
#   usage: faults_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The runner is tests/harness.sh (assertions, helpers, TAP): each test_*
# function runs in a subshell, in a fresh temporary directory ($WORK, also
# HOME and TMPDIR) with FOSTER_RUNTIME_DIR set to a fresh private directory
# ($RUNTIME, short, under /tmp). After every test this file checks that
# $RUNTIME is empty and that the shared server holds no database but its own,
# and stops whatever cluster a failed test left.
#
# PostgreSQL: the `cluster` backend (foster starts its own server), and for
# the tests of the `postgres` backend ONE shared server the runner starts with
# `foster -q -b cluster up` (tests/data/faults/shared) and stops with
# `foster -b cluster down` at the end. Without the PostgreSQL server binaries
# those tests are reported SKIP.
#
# Inputs: $FOSTER_TEST_DATA/faults/ (see its README.md) and the example
# project (foster.ini at the root). Big fixtures are generated at run time.
#
# Output: TAP, a summary block of "# " lines (faults injected and survived,
# leftovers found), then a last line "N passed, M failed"; exit 0 only when M
# is 0. EXPECTED_FAILURES lists known bugs of foster (reported "# TODO", not
# counted unless FOSTER_TEST_STRICT=1; a listed test that passes is an error).
#
# Needs bash 5, coreutils, awk, python3 (sqlite3 module), for PostgreSQL the
# server binaries and psql.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/faults_lib.sh
. "$SCRIPT_DIR/faults_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# 1. A signal while the fixtures load: 128+N, nothing left.

# BACKEND sqlite|cluster, SIGNAL INT|TERM|HUP, STATUS 128+N.
signal_during_load() { # BACKEND SIGNAL STATUS
    use_big_item
    fault "SIG$2 during a $BIG_ROWS-row load on $1"
    # --no-cache: a template an earlier test kept would leave nothing to load.
    start_foster -b "$1" --no-cache run -- true
    wait_for_stderr '^foster: created 1 table ' 60
    wait_for_record 1
    local id=$RUN_ID database
    if [ "$1" == cluster ]; then
        observe_cluster "$(readlink -f "$RUNTIME/cluster_$id")"
    else
        database=$RUNTIME/test_faultitem_$id.sqlite3
        [ -e "$database" ] || fail "no database $database while it loads"
    fi
    kill -"$2" "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit "$3"
    assert_contains "$ERR" "foster: error: fixtures/item.csv:"
    assert_contains "$ERR" "interrupted while loading"
    assert_not_contains "$ERR" "database ready" "stderr (the load was not interrupted)"
    if [ "$1" == cluster ]; then
        assert_cluster_of_run_gone "$id"
    else
        assert_gone "$database"
    fi
    assert_runtime_empty
}

test_sigint_during_sqlite_load_exits_130_leaves_nothing() { signal_during_load sqlite INT 130; }
test_sigterm_during_sqlite_load_exits_143_leaves_nothing() { signal_during_load sqlite TERM 143; }
test_sighup_during_sqlite_load_exits_129_leaves_nothing() { signal_during_load sqlite HUP 129; }
test_sigint_during_cluster_load_exits_130_leaves_nothing() { need_pg; signal_during_load cluster INT 130; }
test_sigterm_during_cluster_load_exits_143_leaves_nothing() { need_pg; signal_during_load cluster TERM 143; }
test_sighup_during_cluster_load_exits_129_leaves_nothing() { need_pg; signal_during_load cluster HUP 129; }

# ===========================================================================
# 2. A signal during provisioning, before the load: as soon as the run
# record exists (on cluster: while the server starts).

# A bin directory whose postgres waits a second before it starts the real one:
# a signal sent once the run's record exists then comes while the server
# starts, however fast foster gets there otherwise. World-readable, outside
# $WORK: as root the server runs as another user.
slow_server_bindir() {
    local real
    real=$(find_pg_bindir) || fail "no PostgreSQL server binaries"
    SLOW_BINDIR=$(mktemp -d /tmp/foster-slowbin.XXXXXX)
    chmod 755 "$SLOW_BINDIR"
    printf '#!/bin/sh\nsleep 1\nexec %s/postgres "$@"\n' "$real" >"$SLOW_BINDIR/postgres"
    printf '#!/bin/sh\nexec %s/initdb "$@"\n' "$real" >"$SLOW_BINDIR/initdb"
    chmod 755 "$SLOW_BINDIR/postgres" "$SLOW_BINDIR/initdb"
}

signal_during_provisioning() { # BACKEND SIGNAL STATUS
    use_big_item
    fault "SIG$2 during provisioning on $1"
    if [ "$1" == cluster ]; then
        slow_server_bindir
        printf '\n[cluster]\nbindir = %s\n' "$SLOW_BINDIR" >>foster.ini
    fi
    start_foster -b "$1" run -- true
    wait_for_record 60
    local id=$RUN_ID
    # On cluster the server is not up yet: no "run ID: ... database" line.
    [ "$1" == cluster ] && assert_not_contains "$(cat "$WORK/.stderr")" "database postgresql" \
        "stderr when the record appeared"
    kill -"$2" "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit "$3"
    assert_not_contains "$ERR" "database ready" "stderr (provisioning was not interrupted)"
    assert_not_contains "$ERR" "loaded item" "stderr (the load had finished)"
    if [ "$1" == cluster ]; then
        assert_not_contains "$ERR" "created 1 table " "stderr (the server had started)"
        assert_cluster_of_run_gone "$id"
        rm -rf "$SLOW_BINDIR"
    else
        assert_gone "$RUNTIME/test_faultitem_$id.sqlite3"
    fi
    assert_runtime_empty
}

test_sigint_during_sqlite_provisioning_leaves_nothing() { signal_during_provisioning sqlite INT 130; }
test_sigterm_during_sqlite_provisioning_leaves_nothing() { signal_during_provisioning sqlite TERM 143; }
test_sighup_during_sqlite_provisioning_leaves_nothing() { signal_during_provisioning sqlite HUP 129; }
test_sigint_while_cluster_starts_leaves_nothing() { need_pg; signal_during_provisioning cluster INT 130; }
test_sigterm_while_cluster_starts_leaves_nothing() { need_pg; signal_during_provisioning cluster TERM 143; }
test_sighup_while_cluster_starts_leaves_nothing() { need_pg; signal_during_provisioning cluster HUP 129; }

# ===========================================================================
# 3. Provisioning fails half-way: exit 125, file:line, nothing left.

test_untranslatable_fifth_table_on_sqlite_exits_125_leaves_nothing() {
    use_case bad_ddl
    fault "untranslatable DDL in table 5 of 6 on sqlite"
    run_foster run -- true
    assert_exit 125
    assert_contains "$ERR" "foster: error: schemas/t5_untranslatable.sql:5:30: cannot translate \"EXCLUDE\" constraint to SQLite"
    assert_runtime_empty
}

test_sqlite_rejecting_fifth_table_exits_125_leaves_nothing() {
    use_case bad_ddl
    fault "DDL SQLite rejects in table 5 of 6 (tables 1-4 created)"
    run_foster -c execution.ini run -- true
    assert_exit 125
    assert_contains "$ERR" "foster: error: schemas/t5_execution.sql:8: SQLite rejected the statement: no such column: no_such_column"
    local id
    id=$(any_run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id"
    assert_gone "$RUNTIME/test_faultexec_$id.sqlite3"
    assert_runtime_empty
}

test_syntax_error_in_fifth_table_on_cluster_exits_125_leaves_nothing() {
    need_pg
    use_case bad_ddl
    fault "syntax error in table 5 of 6 on cluster"
    run_foster -b cluster -c syntax.ini run -- true
    assert_exit 125
    assert_contains "$ERR" "foster: error: schemas/t5_syntax.sql:5:1: PostgreSQL rejected the statement: syntax error at or near \")\""
    local id
    id=$(any_run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id"
    assert_cluster_of_run_gone "$id"
    assert_runtime_empty
}

# Row 5,000 of 10,000 is bad on BACKEND: exit 125, the message names line
# 5001, and there is no database left to hold the first 4,999 rows.
bad_row() { # BACKEND dup|abc EXPECTED_MESSAGE
    use_item_with_bad_row "$2"
    fault "bad row 5000 of 10000 ($2) on $1"
    run_foster -b "$1" run -- true
    assert_exit 125
    assert_contains "$ERR" "$3"
    assert_not_contains "$ERR" "database ready"
    local id
    id=$(any_run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id"
    if [ "$1" == cluster ]; then
        assert_cluster_of_run_gone "$id"
    else
        assert_gone "$RUNTIME/test_faultitem_$id.sqlite3"
    fi
    assert_runtime_empty
}

test_duplicate_key_at_line_5001_on_sqlite_exits_125_leaves_nothing() {
    bad_row sqlite dup 'foster: error: fixtures/item.csv:5001:1: cannot load row into "item": UNIQUE constraint failed: item.id'
}

test_duplicate_key_at_line_5001_on_cluster_exits_125_leaves_nothing() {
    need_pg
    bad_row cluster dup 'foster: error: fixtures/item.csv:5001: duplicate key value violates unique constraint "item_pkey": Key (id)=(1) already exists.'
}

test_text_in_integer_at_line_5001_on_cluster_exits_125_leaves_nothing() {
    need_pg
    bad_row cluster abc 'foster: error: fixtures/item.csv:5001: invalid input syntax for type integer: "abc"'
}

# ===========================================================================
# 4. The server dies (SIGKILL to the postmaster) while the command runs.

test_postmaster_killed_mid_run_no_hang_leaves_nothing() {
    need_pg
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n1,one,1\n2,two,2\n' >fixtures/item.csv
    fault "SIGKILL to the cluster's postmaster during run"
    cat >"$WORK/kill_server.sh" <<'EOF'
#!/bin/sh
# kill_server.sh WORK PSQL: notes the cluster, kills its postmaster, then queries it.
pm=$(head -n 1 "$PGHOST/data/postmaster.pid")
echo "$PGHOST" >"$1/host"
awk -v pm="$pm" '{ sub(/^.*\) /, ""); if ($2 == pm) { f = FILENAME; gsub(/[^0-9]/, "", f); print f } }' \
    /proc/[0-9]*/stat >"$1/children" 2>/dev/null
echo "$pm" >"$1/postmaster"
kill -KILL "$pm"
sleep 1
"$2" -XAtc 'SELECT count(*) FROM item' >"$1/psql.out" 2>&1 || true
EOF
    chmod +x "$WORK/kill_server.sh"
    start_foster -b cluster run -- timeout 60 "$WORK/kill_server.sh" "$WORK" "$PSQL"
    wait_for_exit "$FOSTER_PID" 90
    [ -s "$WORK/postmaster" ] || fail "the command did not run"
    assert_contains "$(cat "$WORK/psql.out")" "psql: error:" "what psql saw after the kill"
    # A clear error or the command's status (0), never a hang.
    if [ "$STATUS" != 0 ]; then
        assert_contains "$ERR" "foster: error:" "stderr without the command's status 0"
    fi
    local id
    id=$(any_run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id"
    CLUSTER_PIDS="$(cat "$WORK/postmaster") $(tr "\n" " " <"$WORK/children" 2>/dev/null)"
    assert_cluster_of_run_gone "$id"
    assert_gone "$(cat "$WORK/host")"
    assert_runtime_empty
}

# ===========================================================================
# 5. Sixteen runs at once.

test_16_concurrent_postgres_runs_on_one_server_leave_nothing() {
    need_pg
    fault "16 concurrent runs on one PostgreSQL server"
    local i url
    url=$(shared_url)
    mkdir "$WORK/c"
    for ((i = 1; i <= 16; i++)); do
        (
            "$FOSTER" -b postgres -u "$url" -c "$EXAMPLE" run -- \
                "$PSQL" -XAt -c 'select count(*) from trading_shares' \
                >"$WORK/c/$i.out" 2>"$WORK/c/$i.err"
            echo $? >"$WORK/c/$i.status"
        ) &
        echo $! >>"$WORK/.pids"
    done
    wait
    check_16_runs 8 postgres
    assert_eq "" "$(psql_shared "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname LIKE 'test_trading%'")" \
        "test databases left on the server"
    assert_runtime_empty
}

test_16_concurrent_sqlite_runs_leave_nothing() {
    fault "16 concurrent runs on SQLite"
    local i
    mkdir "$WORK/c"
    for ((i = 1; i <= 16; i++)); do
        (
            "$FOSTER" -c "$EXAMPLE" run -- python3 -c 'import os, sqlite3
print(sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"]).execute("select count(*) from trading_shares").fetchone()[0])' \
                >"$WORK/c/$i.out" 2>"$WORK/c/$i.err"
            echo $? >"$WORK/c/$i.status"
        ) &
        echo $! >>"$WORK/.pids"
    done
    wait
    check_16_runs 8 sqlite
    assert_eq "" "$(ls "$RUNTIME"/*.sqlite3 2>/dev/null)" "database files left"
    assert_runtime_empty
}

# All 16 runs in $WORK/c exited 0, printed COUNT, had distinct run ids.
check_16_runs() { # COUNT BACKEND
    local i ids=""
    for ((i = 1; i <= 16; i++)); do
        ERR=$(cat "$WORK/c/$i.err")
        STATUS=$(cat "$WORK/c/$i.status")
        OUT=$(cat "$WORK/c/$i.out")
        assert_exit 0
        assert_eq "$1" "$OUT" "rows of trading_shares seen by run $i"
        ids="$ids$(printf '%s\n' "$ERR" | sed -n "s/^foster: run \([0-9a-f]\{8\}\): $2 database .*/\1/p")"$'\n'
    done
    assert_eq 16 "$(printf '%s' "$ids" | grep -E '^[0-9a-f]{8}$' | sort -u | wc -l)" "distinct run ids"
}

# ===========================================================================
# 6. The command's own status, including death by SIGKILL.

test_command_exit_0_1_137_passes_through_and_leaves_nothing() {
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n1,one,1\n' >fixtures/item.csv
    local command expected id
    for command in 'exit 0' 'exit 1' 'kill -KILL $$'; do
        case $command in
        'exit 0') expected=0 ;;
        'exit 1') expected=1 ;;
        *) expected=137 ;;
        esac
        fault "command: $command"
        run_foster run -- sh -c "$command"
        assert_exit "$expected"
        id=$(any_run_line_id)
        assert_matches "$id" '^[0-9a-f]{8}$' "run id"
        assert_gone "$RUNTIME/test_faultitem_$id.sqlite3"
        assert_runtime_empty
    done
}

# ===========================================================================
# 7. Safety rule 1 attacked: databases without the marker, holding data.

test_sqlite_load_refuses_unmarked_file() {
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    make_unmarked_sqlite "$WORK/precious.sqlite3"
    fault "load into an unmarked SQLite file"
    run_foster load --url "sqlite:///$WORK/precious.sqlite3" fixtures/item.csv
    assert_exit 1
    assert_contains "$ERR" "foster: error: refusing to load into sqlite:///$WORK/precious.sqlite3: it is not a database foster created"
    assert_eq "1|precious|7" "$(sqlite_rows "$WORK/precious.sqlite3" 'SELECT * FROM item')" "rows of the unmarked file"
    assert_runtime_empty
}

test_sqlite_down_reset_gc_refuse_forged_record() {
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    # Exactly where and how foster would name its own database.
    local file=$RUNTIME/test_faultitem_deadbeef.sqlite3
    make_unmarked_sqlite "$file"
    forge_record deadbeef $$ 1 sqlite test_faultitem_deadbeef "sqlite:///$file"
    fault "down on a forged kept SQLite record"
    run_foster down deadbeef
    assert_exit 1
    assert_contains "$ERR" "foster: error: test_faultitem_deadbeef does not carry foster's marker; leaving it alone"
    assert_eq "1|precious|7" "$(sqlite_rows "$file" 'SELECT * FROM item')" "rows after down"
    fault "reset on a forged kept SQLite record"
    FOSTER_RUN_ID=deadbeef run_foster reset
    assert_exit 1
    assert_contains "$ERR" "does not carry foster's marker"
    assert_eq "1|precious|7" "$(sqlite_rows "$file" 'SELECT * FROM item')" "rows after reset"
    forge_record deadbeef "$(dead_pid)" 0 sqlite test_faultitem_deadbeef "sqlite:///$file"
    fault "gc of a forged SQLite record of a dead process"
    run_foster gc
    assert_contains "$ERR$OUT" "does not carry foster's marker"
    assert_eq "1|precious|7" "$(sqlite_rows "$file" 'SELECT * FROM item')" "rows after gc"
    fault "a new run reaping a forged SQLite record of a dead process"
    run_foster run -- true
    assert_exit 0
    assert_eq "1|precious|7" "$(sqlite_rows "$file" 'SELECT * FROM item')" "rows after a new run's reaping"
    rm -f "$file" "$RUNTIME/deadbeef.run"
    assert_runtime_empty
}

# A database on the shared server made by hand (no marker), with one row.
make_unmarked_postgres() { # NAME
    psql_shared "CREATE DATABASE \"$1\"" >/dev/null || fail "cannot create $1"
    psql_shared "CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL);
                 INSERT INTO item VALUES (1, 'precious', 7)" "$1" >/dev/null || fail "cannot fill $1"
}

assert_postgres_intact() { # NAME WHEN
    assert_eq "1|precious|7" "$(psql_shared 'SELECT * FROM item' "$1")" "rows of $1 $2"
}

test_postgres_load_refuses_unmarked_database() {
    need_pg
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    local name=handmade_$$
    make_unmarked_postgres "$name"
    fault "load into an unmarked PostgreSQL database"
    run_foster load --url "$(shared_url "$name")" fixtures/item.csv
    assert_exit 1
    assert_contains "$ERR" "it is not a database foster created"
    assert_postgres_intact "$name" "after load"
    drop_database "$name"
    assert_runtime_empty
}

test_postgres_down_reset_gc_refuse_forged_record() {
    need_pg
    use_case item
    mkdir -p fixtures && printf 'id,name,qty\n2,two,2\n' >fixtures/item.csv
    local name=test_faultitem_cafef00d
    make_unmarked_postgres "$name"
    forge_record cafef00d $$ 1 postgres "$name" "$(shared_url "$name")"
    fault "down on a forged kept PostgreSQL record"
    run_foster -b postgres -u "$(shared_url)" down cafef00d
    assert_exit 1
    assert_contains "$ERR" "foster: error: $name does not carry foster's marker; leaving it alone"
    assert_postgres_intact "$name" "after down"
    fault "reset on a forged kept PostgreSQL record"
    FOSTER_RUN_ID=cafef00d run_foster -b postgres -u "$(shared_url)" reset
    assert_exit 1
    assert_contains "$ERR" "does not carry foster's marker"
    assert_postgres_intact "$name" "after reset"
    forge_record cafef00d "$(dead_pid)" 0 postgres "$name" "$(shared_url "$name")"
    fault "gc of a forged PostgreSQL record of a dead process"
    run_foster -b postgres -u "$(shared_url)" gc
    assert_contains "$ERR$OUT" "does not carry foster's marker"
    assert_postgres_intact "$name" "after gc"
    fault "a new run reaping a forged PostgreSQL record of a dead process"
    run_foster -b postgres -u "$(shared_url)" run -- true
    assert_exit 0
    assert_postgres_intact "$name" "after a new run's reaping"
    drop_database "$name"
    rm -f "$RUNTIME/cafef00d.run"
    assert_runtime_empty
}


run_tests
