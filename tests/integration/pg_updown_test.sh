#!/usr/bin/env bash
# pg_updown_test.sh — integration tests of the foster command on PostgreSQL: `foster wait`, up/down on an
# existing server, and the marker (safety rule 1).
#
#   usage: pg_updown_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The server, the conventions and the hooks are pg_lib.sh's: one throwaway
# PostgreSQL server for the whole file, each test_* function one behaviour of
# the contract in docs/, nothing left after any of them. Output: TAP, then a
# last line "N passed, M failed"; exit 0 only when M is 0 (77 without
# PostgreSQL server binaries).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/pg_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# wait.

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
    run_foster wait --timeout 30 "postgresql://foster_app:$wrong@127.0.0.1:$SERVER_PORT/postgres"
    assert_exit 1
    assert_elapsed_between "$started" 0 10 "wait with a wrong password" # not the 30 s timeout
    assert_eq "foster: error: postgresql://foster_app:***@127.0.0.1:$SERVER_PORT/postgres: password authentication failed for user \"foster_app\"" \
        "$ERR" "message"
    assert_no_password "$OUT$ERR" "output" "$wrong"
}

test_wait_for_missing_database_fails_at_once() {
    local started=$EPOCHREALTIME
    run_foster wait --timeout 30 "postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/no_such_database"
    assert_exit 1
    assert_elapsed_between "$started" 0 10 "wait for a missing database" # not the 30 s timeout
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
    run_foster wait --timeout 30 "postgresql://foster_app:$APP_PW@[::1/postgres"
    assert_exit 1
    assert_elapsed_between "$started" 0 10 "wait with a bad URL" # not the 30 s timeout
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
# up/down on an existing server, and the marker (safety rule 1).

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

run_tests
