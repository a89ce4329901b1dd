#!/usr/bin/env bash
# container_updown_test.sh — containers that outlive a foster process: `up`
# keeps one (its environment, its password file) until `down`, `reset`
# restores its rows, `down` with the engine down keeps the run, a container
# already gone is forgotten; SIGTERM reaches the command and removes the
# container, SIGKILL leaves one that `gc` removes (also while it starts, and
# once when docker and podman share a store), and `gc` leaves those of `up`.
#
#   usage: [FOSTER_CONTAINER_ENGINE=stand-in|podman|docker] container_updown_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The engines (the stand-in, real podman, the docker CLI on podman's socket),
# the conventions, assertions, helpers and hooks are container_lib.sh's: each
# test_* function one behaviour, nothing left after it (runtime directory,
# containers, the containers' processes). Output: TAP, then a last line
# "N passed, M failed"; exit 0 only when M is 0 (77 when the engine cannot
# run here, or without PostgreSQL server binaries).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/container_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/container_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Helpers (more in container_lib.sh).

# The host port the engine published for the container's 5432.
engine_port() { # NAME
    engine port "$1" 5432/tcp | sed -n 's/^.*:\([0-9][0-9]*\)$/\1/p' | head -n 1
}

# A command for `run` that notes its pid, then sleeps; a TERM makes it note
# the signal and exit 7.
write_sleeper() {
    cat >"$WORK/sleeper.sh" <<'EOF'
#!/bin/sh
# sleeper.sh WORK
trap 'echo TERM >"$1/signal"; kill "$child" 2>/dev/null; exit 7' TERM
echo $$ >"$1/command.pid.new" && mv "$1/command.pid.new" "$1/command.pid"
sleep 30 &
child=$!
echo "$child" >>"$1/.pids"
wait "$child"
EOF
    chmod +x "$WORK/sleeper.sh"
}

# ===========================================================================
# B. up, down, reset: a kept container.

test_up_keeps_container_and_down_removes_it() {
    run_foster -c "$EXAMPLE" -b container up
    assert_exit 0
    assert_not_contains "$OUT" "PGPASSWORD" "up's output"
    eval "$OUT"
    local id=$FOSTER_RUN_ID port=$PGPORT password
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "postgresql://postgres@127.0.0.1:$port/test_trading_$id" "$DATABASE_URL" "DATABASE_URL"
    assert_eq "127.0.0.1 postgres test_trading_$id" "$PGHOST $PGUSER $PGDATABASE" "PGHOST PGUSER PGDATABASE"
    assert_eq "$RUNTIME/$id.pgpass" "$PGPASSFILE" "PGPASSFILE"
    assert_eq 600 "$(stat -c %a "$PGPASSFILE")" "mode of the password file"
    password=$(sed -n 's/^.*:\([^:]*\)$/\1/p' "$PGPASSFILE" | head -n 1)
    assert_matches "$password" '^[A-Za-z0-9]{24}$' "the password in PGPASSFILE"
    assert_not_contains "$OUT$ERR" "$password" "up's output"
    assert_password_not_in_calls "$password"
    # The container survives up, labelled with the run.
    local owner
    owner=$(sed -n 's/^pid=//p' "$RUNTIME/$id.run")
    assert_eq "foster-$id${TAB}$id${TAB}$owner" "$(engine_ps)" "containers the engine lists (name, run, owner)"
    assert_eq "$port" "$(engine_port "foster-$id")" "the port the engine published"
    # psql with the exported environment alone (PGPASSFILE, over TCP).
    assert_eq "5|8" "$("$PSQL" -XAtq -c 'SELECT (SELECT count(*) FROM trading_account), (SELECT count(*) FROM trading_shares)')" \
        "rows psql sees with up's environment"
    assert_eq "5" "$("$PSQL" "$DATABASE_URL" -XAtq -c 'SELECT count(*) FROM trading_company')" \
        "rows psql sees through DATABASE_URL"
    assert_file_exists "$RUNTIME/$id.run"
    run_foster -c "$EXAMPLE" -b container down
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed test_trading_$id"
    assert_file_absent "$RUNTIME/$id.pgpass"
    assert_file_absent "$RUNTIME/$id.run"
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^$ENGINE rm -f foster-$id\$" "last engine call"
    assert_nothing_left
}

test_reset_restores_rows_in_container() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    "$PSQL" -XAtq -v ON_ERROR_STOP=1 -c 'DELETE FROM trading_sharestransfer; DELETE FROM trading_shares' ||
        fail "cannot delete rows"
    assert_eq "0|0" "$("$PSQL" -XAtq -c 'SELECT (SELECT count(*) FROM trading_shares), (SELECT count(*) FROM trading_sharestransfer)')" \
        "rows after the delete"
    run_foster -c "$EXAMPLE" -b container reset
    local status=$STATUS err=$ERR rows
    rows=$("$PSQL" -XAtq -c 'SELECT (SELECT count(*) FROM trading_shares), (SELECT count(*) FROM trading_sharestransfer)')
    run_foster -q -c "$EXAMPLE" -b container down
    assert_exit 0
    STATUS=$status ERR=$err
    assert_exit 0
    assert_matches "$ERR" "^foster: reset test_trading_$FOSTER_RUN_ID in "
    assert_eq "8|3" "$rows" "rows after reset"
    assert_nothing_left
}

# Another foster's `down` while the daemon is down: an error, and the run,
# its record and its container stay for a later `down`. Both engines with the
# stand-in: podman's message when its socket is missing says "no such file or
# directory", which is no "no such container".
test_down_with_engine_down_keeps_run() {
    local engine engines=$ENGINE
    ((REAL)) || engines="docker podman"
    for engine in $engines; do
        make_project "[container]" "engine = $engine" "image = $IMAGE"
        run_foster -q -b container up
        assert_exit 0
        eval "$OUT"
        engines_down all
        run_foster -b container down
        engines_up
        assert_exit 1
        if [ "$engine" = docker ]; then
            assert_contains "$ERR" "$DOCKER_DOWN_MESSAGE"
        else
            assert_contains "$ERR" "$PODMAN_DOWN_MESSAGE"
        fi
        assert_file_exists "$RUNTIME/$FOSTER_RUN_ID.run"
        assert_file_exists "$RUNTIME/$FOSTER_RUN_ID.pgpass"
        assert_contains "$(engine_ps)" "foster-$FOSTER_RUN_ID" "containers the engine lists ($engine)"
        run_foster -q -b container down
        assert_exit 0
        assert_nothing_left
    done
}

# As `down` of a SQLite run whose file is gone (cli_test.sh): a container the
# engine no longer has (a restart of the daemon removes --rm containers) is
# already gone; `down` forgets the run instead of failing forever.
test_down_forgets_run_whose_container_is_gone() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    engine rm -f "foster-$FOSTER_RUN_ID" >/dev/null || fail "the engine cannot remove the container"
    run_foster -c "$EXAMPLE" -b container down
    local status=$STATUS out=$OUT err=$ERR
    rm -f "$RUNTIME/$FOSTER_RUN_ID.run" "$RUNTIME/$FOSTER_RUN_ID.pgpass" # so that the runner's check is about this test
    STATUS=$status OUT=$out ERR=$err
    assert_exit 0
    assert_contains "$ERR" "is already gone; removing its record"
    assert_nothing_left
}

# ===========================================================================
# D. Signals and gc.

test_sigterm_reaches_command_and_container_is_removed() {
    write_sleeper
    start_foster -c "$EXAMPLE" -b container run -- "$WORK/sleeper.sh" "$WORK"
    wait_for_file "$WORK/command.pid" 30
    local id
    id=$(engine_ps | cut -f2)
    assert_matches "$id" '^[0-9a-f]{8}$' "the run of the engine's container"
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 10
    assert_eq TERM "$(cat "$WORK/signal" 2>/dev/null)" "the signal the command got"
    assert_exit 7
    assert_contains "$ERR" "foster: command exited with status 7"
    assert_contains "$ERR" "foster: teardown: removed test_trading_$id"
    assert_nothing_left
}

test_sigkill_leaves_container_that_gc_removes() {
    write_sleeper
    start_foster -c "$EXAMPLE" -b container run -- "$WORK/sleeper.sh" "$WORK"
    wait_for_file "$WORK/command.pid" 30
    local pid=$FOSTER_PID id
    id=$(engine_ps | cut -f2)
    kill -KILL "$pid"
    wait_for_exit "$pid" 5 2>/dev/null # reaped (gc must see a dead process, not a zombie); no "Killed"
    kill -TERM "$(cat "$WORK/command.pid")" 2>/dev/null # the orphaned command
    assert_eq "foster-$id${TAB}$id${TAB}$pid" "$(engine_ps)" "containers the engine lists after the kill"
    assert_file_exists "$RUNTIME/$id.run"
    run_foster gc --dry-run
    assert_exit 0
    assert_matches "$OUT$ERR" "^would remove (run $id|container foster-$id) " "gc --dry-run's report"
    assert_eq "foster-$id${TAB}$id${TAB}$pid" "$(engine_ps)" "containers the engine lists after gc --dry-run"
    assert_file_exists "$RUNTIME/$id.run"
    run_foster gc
    assert_exit 0
    assert_matches "$OUT$ERR" "^removed (run $id|container foster-$id) " "gc's report"
    assert_no_match "$OUT$ERR" "could not" "gc's report"
    assert_nothing_left
}

# Killed before its database existed (no url in the record yet; with the
# engine chosen automatically the record names no engine yet): gc still
# finds the container through the record, trying each engine. Only docker
# answers, as on a machine with Docker alone.
test_gc_removes_container_of_run_killed_while_starting() {
    export FOSTER_FAKE_ENGINE_NEVER_READY=1 FOSTER_FAKE_ENGINE_DOWN=podman
    start_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    wait_for_call "^$ENGINE port foster-" 20 # a real server is not ready yet either
    local pid=$FOSTER_PID id
    id=$(engine_ps | cut -f2)
    assert_matches "$id" '^[0-9a-f]{8}$' "the run of the engine's container"
    kill -KILL "$pid"
    wait_for_exit "$pid" 5 2>/dev/null # no "Killed" from the shell
    run_foster gc --dry-run
    assert_exit 0
    assert_matches "$OUT$ERR" "^would remove run $id \\(no database yet\\), left by dead process $pid\$" "gc --dry-run's report"
    assert_contains "$(engine_ps)" "foster-$id" "containers after gc --dry-run"
    run_foster gc
    assert_exit 0
    assert_matches "$OUT$ERR" "^removed run $id \\(no database yet\\), left by dead process $pid\$" "gc's report"
    unset FOSTER_FAKE_ENGINE_NEVER_READY FOSTER_FAKE_ENGINE_DOWN
    assert_nothing_left
}

# With podman-docker (docker is podman) both engines list the same container:
# gc must remove it once and not fail on the second name of it.
test_gc_with_docker_and_podman_sharing_store_removes_container_once() {
    export FOSTER_FAKE_ENGINE_NEVER_READY=1
    start_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    wait_for_call "^$ENGINE port foster-" 20
    local pid=$FOSTER_PID id
    id=$(engine_ps | cut -f2)
    kill -KILL "$pid"
    wait_for_exit "$pid" 5 2>/dev/null # no "Killed" from the shell
    run_foster gc
    local status=$STATUS out=$OUT err=$ERR
    unset FOSTER_FAKE_ENGINE_NEVER_READY
    STATUS=$status OUT=$out ERR=$err
    assert_no_container
    assert_no_match "$OUT$ERR" "could not" "gc's report"
    assert_exit 0
    assert_matches "$OUT$ERR" "^removed run $id " "gc's report"
    assert_nothing_left
}

# A kept run (`up`) has exited on purpose: gc leaves its container.
test_gc_leaves_container_of_up() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    run_foster gc --dry-run
    assert_exit 0
    assert_not_contains "$OUT$ERR" "$FOSTER_RUN_ID" "gc --dry-run's report"
    run_foster gc
    assert_exit 0
    assert_not_contains "$OUT$ERR" "$FOSTER_RUN_ID" "gc's report"
    assert_contains "$(engine_ps)" "foster-$FOSTER_RUN_ID" "containers after gc"
    assert_eq 5 "$("$PSQL" -XAtq -c 'SELECT count(*) FROM trading_account')" "rows after gc"
    run_foster -q -c "$EXAMPLE" -b container down
    assert_exit 0
    assert_nothing_left
}

# A gc that does not see the record (another runtime directory: another
# user of the same engine, another session) must not take the container of
# a kept run for one of a dead run.
test_gc_elsewhere_leaves_container_of_up() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    local elsewhere
    elsewhere=$(mktemp -d "$WORK/runtime.XXXXXX")
    FOSTER_RUNTIME_DIR=$elsewhere run_foster gc
    local status=$STATUS out=$OUT err=$ERR survived=no
    engine_ps | grep -q "foster-$FOSTER_RUN_ID" && survived=yes
    if [ $survived == yes ]; then
        run_foster -q -c "$EXAMPLE" -b container down
    else
        rm -f "$RUNTIME/$FOSTER_RUN_ID".* # the container is gone: only its record and password file remain
    fi
    STATUS=$status OUT=$out ERR=$err
    assert_eq yes "$survived" "the kept run's container survived a gc of another runtime directory"
    assert_exit 0
    assert_nothing_left
}

run_tests
