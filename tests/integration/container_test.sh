#!/usr/bin/env bash
# container_test.sh — integration tests of the foster command's `container`
# backend (PostgreSQL in a docker or podman container) and of `foster gc` for
# containers.
#
#   usage: container_test.sh FOSTER_BINARY [NAME_REGEX]
#
# No container engine runs on the build machines: tests/container/docker (and
# its link `podman`) is a test double of the engine's command line that starts
# a REAL local PostgreSQL per "container" (see its header). The tests put
# tests/container first on PATH, so foster finds it as `docker` and `podman`;
# both names share one store, as with podman-docker. Its state lives in
# $FOSTER_FAKE_ENGINE_STATE (a fresh directory per test); every call's argv
# is appended to calls.log there, which is how the tests see the arguments
# foster gives the engine. FOSTER_FAKE_ENGINE_DOWN, _NEVER_READY, _CRASH make
# the engine fail in the ways a real one does.
#
# Each test_* function is one behaviour, named after it, run in a subshell in
# a fresh temporary directory ($WORK, with HOME and TMPDIR inside), with
# FOSTER_RUNTIME_DIR ($RUNTIME) and FOSTER_FAKE_ENGINE_STATE ($STATE) fresh
# private directories. After every test nothing may be left: the runtime
# directory is empty, the engine lists no container, and no process (a
# container's PostgreSQL) names the engine's state directory.
#
# Inputs: the example project (foster.ini, schemas/, fixtures/ at the root,
# tests/example/test_transfer.py); manifests with a [container] section are
# written by the tests from it.
#
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0.
# EXPECTED_FAILURES lists known bugs of foster (reported "# TODO", not counted
# unless FOSTER_TEST_STRICT=1; a listed test that passes is an error).
# test_never_ready_times_out_... needs about 65 s (foster's readiness timeout
# is a fixed 60 s): it is reported SKIP unless FOSTER_TEST_SLOW=1.
# Without PostgreSQL server binaries (the double needs them) every test is
# reported SKIP and the script exits 77 (meson's "skipped").
#
# Needs bash 5, coreutils, util-linux (setsid, flock), the PostgreSQL server
# and psql, and for the example's tests a python3 with psycopg2
# (/usr/bin/python3 with Debian's python3-psycopg2).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
EXAMPLE=$ROOT/foster.ini
ENGINE_DIR=$ROOT/tests/container
FAKE=$ENGINE_DIR/docker
# The `ps` template foster gives docker (src/backend/postgres/pgcontainer_attach.c), with a real tab.
DOCKER_PS_FORMAT=$'{{.Names}}\t{{.Label "foster.run"}}\t{{.Label "foster.pid"}}'
TAB=$'\t'

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh).

# After the FAIL line: the last foster run, and every call of the engine.
fail_details() {
    show_last_foster_run
    if [ -n "${STATE:-}" ] && [ -s "$STATE/calls.log" ]; then
        printf -- '--- engine calls:\n%s\n' "$(cat "$STATE/calls.log")"
    fi
}

# No container in the engine (its `ps -a` with foster's filter and template,
# and its store), and no process naming the engine's state directory (the
# containers' PostgreSQL servers); waits up to 3 s for processes to end.
assert_no_container() {
    local listed stored running i
    listed=$(engine_ps)
    [ -z "$listed" ] || fail "the engine still lists containers: [$listed]"
    stored=$(ls -A "$STATE/containers" 2>/dev/null)
    [ -z "$stored" ] || fail "the engine's store still holds containers: [$stored]"
    for ((i = 0; i < 300; i++)); do
        running=$(processes_naming "$STATE")
        [ -z "$running" ] && return 0
        sleep 0.01
    done
    # shellcheck disable=SC2086 # one pid a word
    fail "processes of the engine's state directory still run: $(describe_processes $running)"
}

assert_nothing_left() {
    assert_runtime_empty
    assert_no_container
}

# The password appears on no argv line the engine was given.
assert_password_not_in_calls() { # PASSWORD
    [ ${#1} -ge 8 ] || fail "no password to look for: [$1]"
    if grep -nF -- "$1" "$STATE/calls.log" >"$WORK/.hits"; then
        fail "the password is on the engine's command line: $(cat "$WORK/.hits")"
    fi
}

# ---------------------------------------------------------------------------
# Helpers.

# Waits until calls.log has a line matching ERE (the engine was called so).
wait_for_call() { # ERE [SECONDS]
    local i limit=$((${2:-15} * 100))
    for ((i = 0; i < limit; i++)); do
        grep -Eq -- "$1" "$STATE/calls.log" 2>/dev/null && return 0
        if [ -n "${FOSTER_PID:-}" ] && ! kill -0 "$FOSTER_PID" 2>/dev/null; then
            wait_for_exit "$FOSTER_PID" 1
            fail "foster exited before calling the engine as /$1/"
        fi
        sleep 0.01
    done
    fail "timed out waiting for an engine call matching /$1/"
}

# The engine's own answer to foster's listing, as foster asks it (whatever
# failure mode the test set for foster).
engine_ps() {
    env -u FOSTER_FAKE_ENGINE_DOWN -u FOSTER_FAKE_ENGINE_NEVER_READY -u FOSTER_FAKE_ENGINE_CRASH \
        "$FAKE" ps -a --filter label=foster=1 --format "$DOCKER_PS_FORMAT" 2>&1
}

# Lines of calls.log for SUBCOMMAND (e.g. "docker run"), without the log of engine_ps.
calls_of() { # ENGINE SUBCOMMAND
    grep -E "^$1 $2( |\$)" "$STATE/calls.log" 2>/dev/null
}

# Pids of processes whose command line contains TEXT (not this shell's).
processes_naming() { # TEXT
    printf '%s\n' "$1" >"$WORK/.pattern"
    grep -l -F -f "$WORK/.pattern" /proc/[0-9]*/cmdline 2>/dev/null |
        sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p' | grep -vx -e "$$" -e "$BASHPID"
}

describe_processes() { # PID...
    local pid
    for pid; do
        printf '[%s: %s] ' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    done
}

# The value of NAME in a file of NAME=value lines (env output).
env_value() { # FILE NAME
    sed -n "s/^$2=//p" "$1"
}

# A copy of the example project in $WORK/proj whose foster.ini ends with the
# given lines (e.g. a [container] section); enters it.
make_project() { # LINE...
    mkdir -p "$WORK/proj" || fail "cannot make $WORK/proj"
    cp -R "$ROOT/schemas" "$ROOT/fixtures" "$WORK/proj/" || fail "cannot copy the example"
    { cat "$EXAMPLE" && printf '\n' && printf '%s\n' "$@"; } >"$WORK/proj/foster.ini"
    cd "$WORK/proj" || fail "cannot enter $WORK/proj"
}

# A script that notes the command's environment (and the engine's port of
# its container) in $WORK, then runs its arguments (exec).
write_probe() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK [COMMAND...]
work=$1
shift
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$work/env.new"
cat "$FOSTER_FAKE_ENGINE_STATE/containers/foster-$FOSTER_RUN_ID/port" >"$work/engine_port" 2>&1
cat "$FOSTER_RUNTIME_DIR/$FOSTER_RUN_ID.run" >"$work/record" 2>&1
echo "$PPID" >"$work/parent"
mv "$work/env.new" "$work/env"
[ $# -eq 0 ] || exec "$@"
EOF
    chmod +x "$WORK/probe.sh"
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

# A directory holding only the named engines (links to the double): a PATH
# where foster finds nothing else called docker or podman.
bin_with() { # ENGINE...
    local dir engine
    dir=$(mktemp -d "$WORK/bin.XXXXXX") || fail "mktemp"
    for engine; do ln -s "$FAKE" "$dir/$engine" || fail "cannot link $engine"; done
    echo "$dir"
}

# ===========================================================================
# A. run: the example's tests against PostgreSQL in a container.

test_example_passes_in_container_with_postgres_environment() {
    [ -n "$PYTHON_PG" ] || fail "no python3 with psycopg2 (apt-get install python3-psycopg2)"
    write_probe
    run_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK" \
        "$PYTHON_PG" "$ROOT/tests/example/test_transfer.py"
    assert_exit 0
    assert_matches "$ERR" '^OK$' "unittest's summary"
    assert_matches "$ERR" '^Ran 9 tests in ' "unittest's count"
    assert_matches "$ERR" '^foster: created 5 tables in '
    assert_matches "$ERR" '^foster: loaded trading_sharestransfer +3 rows'
    local id port password
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "$id" "$(run_line_id)" "run id of foster's progress line"
    port=$(cat "$WORK/engine_port")
    assert_matches "$port" '^[0-9]+$' "the port the engine published (its store)"
    password=$(env_value "$WORK/env" PGPASSWORD)
    assert_matches "$password" '^[A-Za-z0-9]{24}$' "PGPASSWORD (24 letters and digits)"
    assert_eq "DATABASE_URL=postgresql://postgres@127.0.0.1:$port/test_trading_$id
FOSTER_BACKEND=postgres
FOSTER_RUN_ID=$id
PGDATABASE=test_trading_$id
PGHOST=127.0.0.1
PGPASSWORD=$password
PGPORT=$port
PGUSER=postgres" "$(cat "$WORK/env")" "the command's environment"
    assert_matches "$ERR" "^foster: run $id: postgres database postgresql://postgres@127.0.0.1:$port/test_trading_$id\$"
    assert_matches "$ERR" "^foster: teardown: removed test_trading_$id "
    assert_not_contains "$OUT$ERR" "$password" "foster's output"
    assert_not_contains "$(cat "$WORK/record")" "$password" "the run record"
    assert_contains "$(cat "$WORK/record")" "backend=container" "the run record"
    assert_contains "$(cat "$WORK/record")" "server=docker/foster-$id" "the run record"
    assert_eq 1 "$(calls_of docker 'rm -f' | grep -c "^docker rm -f foster-$id\$")" "rm -f calls for the container"
    assert_nothing_left
}

test_run_gives_engine_labels_and_password_by_name_only() {
    write_probe
    start_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit 0
    local id password runs line
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    password=$(env_value "$WORK/env" PGPASSWORD)
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "$FOSTER_PID" "$(cat "$WORK/parent")" "the command's parent (foster)"
    runs=$(calls_of docker run)
    assert_eq 1 "$(printf '%s\n' "$runs" | grep -c .)" "docker run calls"
    line=" $runs "
    assert_contains "$line" " run -d --rm " "the run line"
    assert_contains "$line" " --name foster-$id " "the run line"
    assert_contains "$line" " --label foster=1 --label foster.run=$id --label foster.pid=$FOSTER_PID " "the run line"
    assert_contains "$line" " -e POSTGRES_PASSWORD " "the run line"
    assert_not_contains "$line" "POSTGRES_PASSWORD=" "the run line"
    assert_contains "$line" " -p 127.0.0.1::5432 postgres:16 " "the run line (publish, then the image)"
    assert_contains "$line" " -c fsync=off " "the run line"
    assert_password_not_in_calls "$password"
    assert_not_contains "$OUT$ERR" "$password" "foster's output"
    # The order of the calls: info (the engine answers), run, port; rm at the end.
    assert_matches "$(sed -n 1p "$STATE/calls.log")" '^docker info$' "first engine call"
    assert_matches "$(sed -n 3p "$STATE/calls.log")" "^docker port foster-$id 5432/tcp\$" "third engine call"
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^docker rm -f foster-$id\$" "last engine call"
    assert_nothing_left
}

test_run_uses_engine_and_image_of_manifest() {
    make_project "[container]" "engine = podman" "image = postgres:15.7-alpine"
    write_probe
    run_foster -b container run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    local id
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    assert_matches "$(calls_of podman run)" " -p 127\.0\.0\.1::5432 postgres:15\.7-alpine -c " "podman's run line"
    assert_eq "" "$(grep '^docker' "$STATE/calls.log")" "docker calls (the manifest names podman)"
    assert_contains "$(cat "$WORK/record")" "server=podman/foster-$id" "the run record"
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^podman rm -f foster-$id\$" "last engine call"
    assert_nothing_left
}

test_auto_engine_takes_podman_when_docker_daemon_is_down() {
    export FOSTER_FAKE_ENGINE_DOWN=docker
    write_probe
    run_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    local id
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    assert_eq "docker info
podman info" "$(sed -n 1,2p "$STATE/calls.log")" "the engines asked, in order"
    assert_eq 1 "$(calls_of podman run | grep -c .)" "podman run calls"
    assert_eq "" "$(calls_of docker run)" "docker run calls"
    assert_contains "$(cat "$WORK/record")" "server=podman/foster-$id" "the run record"
    unset FOSTER_FAKE_ENGINE_DOWN
    assert_nothing_left
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
    assert_eq "$port" "$(cat "$STATE/containers/foster-$id/port")" "the port the engine published"
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
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^docker rm -f foster-$id\$" "last engine call"
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
# its record and its container stay for a later `down`.
test_down_with_engine_down_keeps_run() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    FOSTER_FAKE_ENGINE_DOWN=1 run_foster -c "$EXAMPLE" -b container down
    assert_exit 1
    assert_contains "$ERR" "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    assert_file_exists "$RUNTIME/$FOSTER_RUN_ID.run"
    assert_file_exists "$RUNTIME/$FOSTER_RUN_ID.pgpass"
    assert_contains "$(engine_ps)" "foster-$FOSTER_RUN_ID" "containers the engine lists"
    run_foster -q -c "$EXAMPLE" -b container down
    assert_exit 0
    assert_nothing_left
}

# As `down` of a SQLite run whose file is gone (cli_test.sh): a container the
# engine no longer has (a restart of the daemon removes --rm containers) is
# already gone; `down` forgets the run instead of failing forever.
test_down_forgets_run_whose_container_is_gone() {
    run_foster -q -c "$EXAMPLE" -b container up
    assert_exit 0
    eval "$OUT"
    "$FAKE" rm -f "foster-$FOSTER_RUN_ID" >/dev/null || fail "the engine cannot remove the container"
    run_foster -c "$EXAMPLE" -b container down
    local status=$STATUS out=$OUT err=$ERR
    rm -f "$RUNTIME/$FOSTER_RUN_ID.run" "$RUNTIME/$FOSTER_RUN_ID.pgpass" # so that the runner's check is about this test
    STATUS=$status OUT=$out ERR=$err
    assert_exit 0
    assert_contains "$ERR" "is already gone; removing its record"
    assert_nothing_left
}

# ===========================================================================
# C. The engine fails.

test_engine_down_exits_125_and_quotes_daemon() {
    export FOSTER_FAKE_ENGINE_DOWN=1
    run_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: no container engine answered: docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    assert_contains "$ERR" "; podman: Error: unable to connect to Podman socket"
    assert_contains "$ERR" "hint: start the container engine"
    assert_eq "docker info
podman info" "$(cat "$STATE/calls.log")" "engine calls"
    unset FOSTER_FAKE_ENGINE_DOWN
    assert_nothing_left
}

test_named_engine_down_exits_125_without_trying_other() {
    make_project "[container]" "engine = docker"
    export FOSTER_FAKE_ENGINE_DOWN=docker # podman would answer: it must not be used
    run_foster -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    assert_eq "" "$(grep '^podman' "$STATE/calls.log")" "podman calls"
    unset FOSTER_FAKE_ENGINE_DOWN
    assert_nothing_left
}

test_engine_not_in_path_exits_125() {
    make_project "[container]" "engine = podman"
    local bin
    bin=$(bin_with docker) # docker is there, podman (the manifest's) is not
    PATH=$bin run_foster -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: no container engine answered: podman: not found in PATH"
    assert_not_contains "$ERR" "docker" "the message (the manifest names podman)"
    assert_file_absent "$STATE/calls.log"
    assert_nothing_left
}

test_no_engine_at_all_names_both_and_exits_125() {
    local bin
    bin=$(bin_with) # empty: neither docker nor podman
    PATH=$bin run_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: no container engine answered: docker: not found in PATH; podman: not found in PATH"
    assert_contains "$ERR" "hint: install Docker or Podman, or use -b cluster"
    assert_nothing_left
}

test_image_pull_failure_exits_125_with_engine_message() {
    make_project "[container]" "engine = docker" "image = nosuch/postgres:16"
    run_foster -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: \`docker run\` of nosuch/postgres:16 failed (exit status 125): "
    assert_contains "$ERR" "pull access denied for nosuch/postgres, repository does not exist"
    assert_nothing_left
}

test_container_dying_before_ready_exits_125_quickly() {
    export FOSTER_FAKE_ENGINE_CRASH=1
    local t0=$EPOCHREALTIME
    run_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    local elapsed
    elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_matches "$ERR" '^foster: error: container foster-[0-9a-f]{8} \(postgres:16\) stopped before PostgreSQL was ready, and the engine removed it$'
    [ "$elapsed" -lt 10 ] || fail "foster noticed the dead container after $elapsed s"
    unset FOSTER_FAKE_ENGINE_CRASH
    assert_nothing_left
}

# foster's readiness timeout is a fixed 60 s (pgcontainer.c): slow.
test_never_ready_times_out_and_removes_container() {
    [ -n "${FOSTER_TEST_SLOW:-}" ] || skip "readiness timeout is a fixed 60 s; set FOSTER_TEST_SLOW=1"
    export FOSTER_FAKE_ENGINE_NEVER_READY=1
    run_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_matches "$ERR" '^foster: error: container foster-[0-9a-f]{8} \(postgres:16\): '
    assert_contains "$ERR" "fake engine: this container never listens" "the log's tail in the message"
    unset FOSTER_FAKE_ENGINE_NEVER_READY
    assert_nothing_left
}

test_sigterm_while_waiting_for_readiness_removes_container() {
    export FOSTER_FAKE_ENGINE_NEVER_READY=1
    start_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    wait_for_call '^docker port foster-' 20
    sleep 0.3
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    assert_file_absent "$WORK/ran"
    assert_exit 143 # 128 + SIGTERM
    assert_matches "$ERR" '^foster: error: interrupted while waiting for container foster-[0-9a-f]{8}'
    unset FOSTER_FAKE_ENGINE_NEVER_READY
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
    wait_for_call '^docker port foster-' 20
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
    wait_for_call '^docker port foster-' 20
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

# ===========================================================================
# The runner.

# Removes whatever containers a failed test left in STATE, and their processes.
remove_leftover_containers() { # STATE
    local dir pid
    for dir in "$1"/containers/*; do
        [ -d "$dir" ] || continue
        env -u FOSTER_FAKE_ENGINE_DOWN FOSTER_FAKE_ENGINE_STATE="$1" "$FAKE" rm -f "${dir##*/}" >/dev/null 2>&1
    done
    for pid in $(processes_naming "$1"); do kill -KILL "$pid" 2>/dev/null; done
}

before_all() {
    [ -x "$FAKE" ] || { echo "the engine's test double is missing: $FAKE" >&2; exit 2; }
    find_python_pg
    PGBIN=$(find_pg_bindir) || skip_all "no PostgreSQL server binaries (postgres, initdb): install the postgresql package"
    PSQL=$PGBIN/psql
    [ -x "$PSQL" ] || PSQL=$(command -v psql) || skip_all "no psql: install postgresql-client"
    # Short and under /tmp: the containers' sockets live in the engine's state.
    SUITE_RUNTIMES=$(mktemp -d /tmp/fct.XXXXXX)
    chmod 0711 "$SUITE_RUNTIMES" # the containers' servers run as postgres when we are root
    # The double's cache of initdb'ed data directories, kept between runs as it intends.
    # shellcheck disable=SC2031 # the caller's, not a test's
    ENGINE_CACHE=${FOSTER_FAKE_ENGINE_CACHE:-${TMPDIR:-/tmp}/foster-fake-engine-cache-$(id -u)}
    unset_pg_environment
}

describe_suite() {
    echo "# PostgreSQL $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //') from $PGBIN behind the engine double $FAKE"
    [ -n "$PYTHON_PG" ] || echo "# no python3 with psycopg2: the example's tests will fail (apt-get install python3-psycopg2)"
}

after_all() {
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}

before_each() {
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/r.XXXXXX") # 0700
    STATE=$(mktemp -d "$SUITE_RUNTIMES/e.XXXXXX")   # the double makes it 0711
}

prepare_environment() {
    unset DOCKER_HOST CONTAINER_HOST \
        FOSTER_FAKE_ENGINE_DOWN FOSTER_FAKE_ENGINE_NEVER_READY FOSTER_FAKE_ENGINE_CRASH \
        FOSTER_FAKE_ENGINE_PORT_EXTRA FOSTER_FAKE_ENGINE_PULL_SECONDS
    unset_pg_environment
    # shellcheck disable=SC2030 # on purpose: only for this test
    export FOSTER_FAKE_ENGINE_STATE=$STATE FOSTER_FAKE_ENGINE_CACHE=$ENGINE_CACHE \
        PATH=$ENGINE_DIR:$PATH
}

# Besides the runtime directory: containers in the engine, and processes
# naming its state directory.
after_each() {
    local left listed running
    left=$(ls -A "$RUNTIME" 2>/dev/null)
    listed=$(FOSTER_FAKE_ENGINE_STATE=$STATE "$FAKE" ps -a --filter label=foster=1 \
        --format "$DOCKER_PS_FORMAT" 2>&1)
    running=$(processes_naming "$STATE")
    report_runtime_left "$left"
    [ -z "$listed" ] || leftover "containers left in the engine: $listed"
    # shellcheck disable=SC2086 # one pid a word
    [ -z "$running" ] || leftover "processes of the engine's state left: $(describe_processes $running)"
    remove_leftover_containers "$STATE"
    rm -rf "$STATE"
}

run_tests
