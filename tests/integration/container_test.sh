#!/usr/bin/env bash
# container_test.sh — integration tests of the foster command's `container`
# backend (PostgreSQL in a docker or podman container) and of `foster gc` for
# containers.
#
#   usage: [FOSTER_CONTAINER_ENGINE=stand-in|podman|docker] container_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The same tests run against one of three engines (FOSTER_CONTAINER_ENGINE):
#
#   stand-in (default)  tests/container/docker (and its link `podman`), a
#       test double of the engine's command line that starts a REAL local
#       PostgreSQL per "container" (see its header): it reaches the failures a
#       real engine rarely shows (FOSTER_FAKE_ENGINE_DOWN, _NEVER_READY,
#       _CRASH). The tests put tests/container first on PATH, so foster finds
#       it as `docker` and `podman`; both names share one store, as with
#       podman-docker. Its state lives in $FOSTER_FAKE_ENGINE_STATE (a fresh
#       directory per test, $STATE); every call's argv is appended to calls.log
#       there, which is how the tests see the arguments foster gives the engine.
#   podman  the real podman, running local/postgres:15 (and, for the image's
#       own test, local/mariadb:10.11), which tests/container/build-images.sh
#       builds first (cached: once per machine) and configures podman for.
#   docker  the real docker CLI talking to `podman system service` through
#       DOCKER_HOST (a socket the runner starts and stops), same images.
#
# With a real engine the manifest names the engine and the image, a wrapper
# first on PATH (as `docker` and `podman`) appends each call's argv to
# $STATE/calls.log and runs the real command, "engine down" is the client
# pointed at a socket nobody serves (DOCKER_HOST, CONTAINER_HOST), and the
# containers a test owns are those it ran (`--name` in calls.log). Tests of
# failures only the stand-in can cause are reported SKIP there, with why;
# when the engine cannot run here (not root, podman missing, no docker CLI,
# podman unable to start a container), the whole suite is reported SKIP with
# the reason.
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
# Without PostgreSQL server binaries (the double needs them; the tests use
# psql) every test is reported SKIP and the script exits 77 (meson's
# "skipped").
#
# Needs bash 5, coreutils, util-linux (setsid, flock), the PostgreSQL server
# and psql, and for the example's tests a python3 with psycopg2
# (/usr/bin/python3 with Debian's python3-psycopg2).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
EXAMPLE=$ROOT/foster.ini
ENGINE_DIR=$ROOT/tests/container
FAKE=$ENGINE_DIR/docker
# The `ps` templates foster gives docker and podman (src/backend/ctcontainer_attach.c), with a real tab.
DOCKER_PS_FORMAT=$'{{.Names}}\t{{.Label "foster.run"}}\t{{.Label "foster.pid"}}'
PODMAN_PS_FORMAT=$'{{.Names}}\t{{index .Labels "foster.run"}}\t{{index .Labels "foster.pid"}}'
TAB=$'\t'

MODE=${FOSTER_CONTAINER_ENGINE:-stand-in}
case $MODE in
stand-in) ENGINE=docker IMAGE=postgres:16 REAL=0 ;;
podman | docker) ENGINE=$MODE IMAGE=local/postgres:15 REAL=1 ;;
*)
    echo "FOSTER_CONTAINER_ENGINE must be stand-in, podman or docker, not \"$MODE\"" >&2
    exit 2
    ;;
esac
MARIADB_IMAGE=local/mariadb:10.11
# What a client says when its engine is down: the socket each points at then.
DOCKER_DOWN_SOCKET=/var/run/docker.sock
PODMAN_DOWN_SOCKET=/run/podman/podman.sock
DOCKER_DOWN_MESSAGE="Cannot connect to the Docker daemon at unix://$DOCKER_DOWN_SOCKET. Is the docker daemon running?"
PODMAN_DOWN_MESSAGE="Error: unable to connect to Podman socket: "

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
    if ((REAL)); then
        listed=$(own_containers_left)
        [ -z "$listed" ] || fail "the engine still has containers this test ran: [$listed]"
        return 0
    fi
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

# The engine itself, as the test sees it (whatever failure mode or down
# socket the test set for foster); not logged in calls.log by the real
# engines' wrapper (the stand-in logs every call).
engine() { # ARGUMENT...
    if ((REAL)); then
        env -u CONTAINER_HOST DOCKER_HOST="${SERVICE_HOST:-}" "$REAL_ENGINE" "$@"
    else
        env -u FOSTER_FAKE_ENGINE_DOWN -u FOSTER_FAKE_ENGINE_NEVER_READY \
            -u FOSTER_FAKE_ENGINE_CRASH "$FAKE" "$@"
    fi
}

# The engine's own answer to foster's listing, as foster asks it: "name TAB
# run TAB pid" per container. With a real engine, only the containers this
# test ran (other suites may share the engine).
engine_ps() {
    if ((!REAL)); then
        engine ps -a --filter label=foster=1 --format "$DOCKER_PS_FORMAT" 2>&1
        return
    fi
    local format=$DOCKER_PS_FORMAT
    [ "$ENGINE" = podman ] && format=$PODMAN_PS_FORMAT
    engine ps -a --filter label=foster=1 --format "$format" 2>&1 | grep -F -f <(ran_names | sed 's/$/\t/')
}

# Names of the containers this test had the engine run (`--name N` in calls.log).
ran_names() {
    sed -n 's/^[a-z]* run .* --name \([^ ]*\) .*$/\1/p' "$STATE/calls.log" 2>/dev/null | sort -u
}

# Those of ran_names the engine still has (any label), one a line.
own_containers_left() {
    local name
    for name in $(ran_names); do
        engine inspect --format '{{.State.Status}}' "$name" >/dev/null 2>&1 && echo "$name"
    done
}

# The host port the engine published for the container's 5432.
engine_port() { # NAME
    engine port "$1" 5432/tcp | sed -n 's/^.*:\([0-9][0-9]*\)$/\1/p' | head -n 1
}

# Makes ENGINE (docker, podman or all) down for foster's next commands:
# the stand-in's failure mode, or the real client pointed at a socket nobody
# serves; engines_up undoes it.
engines_down() { # ENGINE
    if ((!REAL)); then
        export FOSTER_FAKE_ENGINE_DOWN=$1
        return
    fi
    case $1 in docker | all) export DOCKER_HOST=unix://$DOCKER_DOWN_SOCKET ;; esac
    case $1 in podman | all) export CONTAINER_HOST=unix://$PODMAN_DOWN_SOCKET ;; esac
}

engines_up() {
    unset FOSTER_FAKE_ENGINE_DOWN CONTAINER_HOST
    if [ -n "${SERVICE_HOST:-}" ]; then export DOCKER_HOST=$SERVICE_HOST; else unset DOCKER_HOST; fi
}

# Ends the test as SKIP with a real engine: what it checks needs the stand-in.
needs_stand_in() { # WHY
    ((!REAL)) || skip "only the stand-in engine can: $1"
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
# given lines (e.g. a [container] section); enters it. Without a [container]
# section among the lines, the suite's (the real engine and image) is kept.
make_project() { # LINE...
    local base=$EXAMPLE
    printf '%s\n' "$@" | grep -qx '\[container\]' && base=$ROOT/foster.ini
    mkdir -p "$WORK/proj" || fail "cannot make $WORK/proj"
    cp -R "$ROOT/schemas" "$ROOT/fixtures" "$WORK/proj/" || fail "cannot copy the example"
    { cat "$base" && printf '\n' && printf '%s\n' "$@"; } >"$WORK/proj/foster.ini"
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
cat "$FOSTER_RUNTIME_DIR/$FOSTER_RUN_ID.run" >"$work/record" 2>&1
# The engine foster uses, from the record (server=ENGINE/NAME).
engine=$(sed -n 's|^server=\([a-z]*\)/.*$|\1|p' "$work/record")
"${engine:-$FCT_ENGINE}" port "foster-$FOSTER_RUN_ID" 5432/tcp 2>&1 | sed 's/.*://' >"$work/engine_port"
"${engine:-$FCT_ENGINE}" port "foster-$FOSTER_RUN_ID" >"$work/engine_ports" 2>&1
# Processes (containers' included) whose command line holds the password;
# grep reads it from a file, so that its own command line does not.
printf '%s\n' "${PGPASSWORD:-}" >"$work/.password"
[ -n "${PGPASSWORD:-}" ] && grep -lF -f "$work/.password" /proc/[0-9]*/cmdline 2>/dev/null | while read -r file; do
    printf '%s: %s\n' "$file" "$(tr '\0' ' ' <"$file")"
done >"$work/password_in_argv"
rm -f "$work/.password"
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
    assert_contains "$(cat "$WORK/record")" "server=$ENGINE/foster-$id" "the run record"
    assert_eq 1 "$(calls_of "$ENGINE" 'rm -f' | grep -c "^$ENGINE rm -f foster-$id\$")" "rm -f calls for the container"
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
    runs=$(calls_of "$ENGINE" run)
    assert_eq 1 "$(printf '%s\n' "$runs" | grep -c .)" "$ENGINE run calls"
    line=" $runs "
    assert_contains "$line" " run -d --rm " "the run line"
    assert_contains "$line" " --name foster-$id " "the run line"
    assert_contains "$line" " --label foster=1 --label foster.run=$id --label foster.pid=$FOSTER_PID " "the run line"
    assert_contains "$line" " -e POSTGRES_PASSWORD " "the run line"
    assert_not_contains "$line" "POSTGRES_PASSWORD=" "the run line"
    assert_contains "$line" " -p 127.0.0.1::5432 $IMAGE " "the run line (publish, then the image)"
    assert_contains "$line" " -c fsync=off " "the run line"
    assert_password_not_in_calls "$password"
    assert_not_contains "$OUT$ERR" "$password" "foster's output"
    # No process (the engine's, the container's) had it on its command line while the command ran.
    assert_file_exists "$WORK/password_in_argv"
    assert_eq "" "$(cat "$WORK/password_in_argv")" "processes with the password in their argv"
    # The order of the calls: info (the engine answers), run, port; rm at the end.
    assert_matches "$(sed -n 1p "$STATE/calls.log")" "^$ENGINE info\$" "first engine call"
    assert_matches "$(sed -n 3p "$STATE/calls.log")" "^$ENGINE port foster-$id 5432/tcp\$" "third engine call"
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^$ENGINE rm -f foster-$id\$" "last engine call"
    assert_nothing_left
}

test_run_uses_engine_and_image_of_manifest() {
    local engine=podman other=docker image=postgres:15.7-alpine
    ((REAL)) && engine=$ENGINE image=$IMAGE
    [ "$engine" = docker ] && other=podman
    make_project "[container]" "engine = $engine" "image = $image"
    write_probe
    run_foster -b container run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    local id
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    assert_contains "$(calls_of "$engine" run)" " -p 127.0.0.1::5432 $image -c " "$engine's run line"
    assert_eq "" "$(grep "^$other" "$STATE/calls.log")" "$other calls (the manifest names $engine)"
    assert_contains "$(cat "$WORK/record")" "server=$engine/foster-$id" "the run record"
    assert_matches "$(tail -n 1 "$STATE/calls.log")" "^$engine rm -f foster-$id\$" "last engine call"
    assert_nothing_left
}

test_auto_engine_takes_podman_when_docker_daemon_is_down() {
    [ "$MODE" != docker ] || skip "docker answers in this suite (podman's socket)"
    [ "$MODE" != podman ] || [ -n "$REAL_DOCKER" ] || skip "no docker CLI here to find down"
    engines_down docker
    make_project "[container]" "image = $IMAGE"
    write_probe
    run_foster -b container run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    local id
    id=$(env_value "$WORK/env" FOSTER_RUN_ID)
    assert_eq "docker info
podman info" "$(sed -n 1,2p "$STATE/calls.log")" "the engines asked, in order"
    assert_eq 1 "$(calls_of podman run | grep -c .)" "podman run calls"
    assert_eq "" "$(calls_of docker run)" "docker run calls"
    assert_contains "$(cat "$WORK/record")" "server=podman/foster-$id" "the run record"
    engines_up
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
# C. The engine fails.

test_engine_down_exits_125_and_quotes_daemon() {
    ((!REAL)) || [ -n "$REAL_DOCKER" ] || skip "no docker CLI here to find down"
    engines_down all
    make_project "[container]" "image = $IMAGE"
    run_foster -b container run -- touch "$WORK/ran"
    engines_up
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: no container engine answered: docker: $DOCKER_DOWN_MESSAGE"
    assert_contains "$ERR" "; podman: $PODMAN_DOWN_MESSAGE"
    assert_contains "$ERR" "hint: start the container engine"
    assert_eq "docker info
podman info" "$(cat "$STATE/calls.log")" "engine calls"
    assert_nothing_left
}

test_named_engine_down_exits_125_without_trying_other() {
    local other=podman message="docker: $DOCKER_DOWN_MESSAGE"
    [ "$ENGINE" = podman ] && other=docker message="podman: $PODMAN_DOWN_MESSAGE"
    make_project "[container]" "engine = $ENGINE" "image = $IMAGE"
    engines_down "$ENGINE" # the other would answer (the stand-in's): it must not be used
    run_foster -b container run -- touch "$WORK/ran"
    engines_up
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "$message"
    assert_eq "" "$(grep "^$other" "$STATE/calls.log")" "$other calls"
    assert_nothing_left
}

test_engine_not_in_path_exits_125() {
    needs_stand_in "foster finds no engine in PATH; no engine is involved"
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
    needs_stand_in "foster finds no engine in PATH; no engine is involved"
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
    local image=nosuch/postgres:16 why="pull access denied for nosuch/postgres, repository does not exist"
    if ((REAL)); then # a registry that refuses connections: no network needed
        image=localhost:1/nosuch/postgres:16
        why="initializing source docker://$image: pinging container registry localhost:1: "
    fi
    make_project "[container]" "engine = $ENGINE" "image = $image"
    run_foster -b container run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: \`$ENGINE run\` of $image failed (exit status 125): "
    assert_contains "$ERR" "$why"
    assert_not_contains "$ERR" "level=warning" "foster's message (podman's retry warnings)"
    assert_nothing_left
}

# With a real engine: the MariaDB image, whose entrypoint exits at once
# without MARIADB_ROOT_PASSWORD (foster gives POSTGRES_PASSWORD).
test_container_dying_before_ready_exits_125_quickly() {
    local image=postgres:16
    export FOSTER_FAKE_ENGINE_CRASH=1
    local kind=()
    # A real engine's dying container: MariaDB's image exits when given no root password.
    # engine_kind keeps foster on PostgreSQL, which the image's name alone would not.
    ((REAL)) && image=$MARIADB_IMAGE kind=("engine_kind = postgresql")
    make_project "[container]" "engine = $ENGINE" "image = $image" "${kind[@]}"
    local t0=$EPOCHREALTIME
    run_foster -b container run -- touch "$WORK/ran"
    local elapsed
    elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_matches "$ERR" "^foster: error: container foster-[0-9a-f]{8} \\($image\\) stopped before PostgreSQL was ready, and the engine removed it\$"
    # Within seconds, not foster's 60 s timeout (a real engine's `run` alone can take 10 s on a busy machine).
    [ "$elapsed" -lt $((REAL ? 40 : 10)) ] || fail "foster noticed the dead container after $elapsed s"
    unset FOSTER_FAKE_ENGINE_CRASH
    assert_nothing_left
}

# foster's readiness timeout is a fixed 60 s (pgcontainer.c): slow.
test_never_ready_times_out_and_removes_container() {
    needs_stand_in "a container that runs but never listens"
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

# With a real engine the server is ready within seconds: the signal comes
# just after `run` was called, while the engine starts the container.
test_sigterm_while_waiting_for_readiness_removes_container() {
    export FOSTER_FAKE_ENGINE_NEVER_READY=1
    start_foster -c "$EXAMPLE" -b container run -- touch "$WORK/ran"
    if ((REAL)); then
        wait_for_call "^$ENGINE run " 20
        sleep 0.2
    else
        wait_for_call '^docker port foster-' 20
        sleep 0.3
    fi
    kill -TERM "$FOSTER_PID"
    # A real engine's `run` is let finish (foster gives it 15 s): killing its client
    # does not stop the engine, which made the container after foster's `rm -f`.
    wait_for_exit "$FOSTER_PID" $((REAL ? 20 : 5))
    assert_file_absent "$WORK/ran"
    assert_exit 143 # 128 + SIGTERM
    if ((REAL)); then # in `run`, `port` or the readiness wait
        assert_matches "$ERR" '^foster: error: interrupted (while waiting for|waiting for `'"$ENGINE"' (run|port)`)'
        sleep 2 # time for a container the engine would make late
    else
        assert_matches "$ERR" '^foster: error: interrupted while waiting for container foster-[0-9a-f]{8}'
    fi
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

# ===========================================================================
# E. Two runs at once; the port; the images (real engines).

test_two_concurrent_runs_get_own_containers_and_ports() {
    write_probe
    mkdir -p "$WORK/a" "$WORK/b" || fail "mkdir"
    start_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK/a"
    local first=$FOSTER_PID
    start_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK/b"
    local second=$FOSTER_PID
    wait_for_exit "$first" 90
    local first_status=$STATUS
    wait_for_exit "$second" 90
    assert_eq "0 0" "$first_status $STATUS" "exit statuses of the two runs"
    local id_a id_b port_a port_b
    id_a=$(env_value "$WORK/a/env" FOSTER_RUN_ID)
    id_b=$(env_value "$WORK/b/env" FOSTER_RUN_ID)
    port_a=$(env_value "$WORK/a/env" PGPORT)
    port_b=$(env_value "$WORK/b/env" PGPORT)
    assert_matches "$id_a $id_b" '^[0-9a-f]{8} [0-9a-f]{8}$' "the run ids"
    [ "$id_a" != "$id_b" ] || fail "both runs got run id $id_a"
    [ "$port_a" != "$port_b" ] || fail "both runs got port $port_a"
    assert_eq "$port_a" "$(cat "$WORK/a/engine_port")" "the first run's port (the engine's)"
    assert_eq "$port_b" "$(cat "$WORK/b/engine_port")" "the second run's port (the engine's)"
    assert_eq 2 "$(calls_of "$ENGINE" run | grep -c -e "--name foster-$id_a " -e "--name foster-$id_b ")" \
        "$ENGINE run calls, one per run"
    assert_nothing_left
}

# Published on 127.0.0.1 only: the engine's `port` lists one address; a real
# engine's inspect binds 127.0.0.1 only, and nothing listens elsewhere.
test_port_is_published_on_127_0_0_1_only() {
    write_probe
    cat >"$WORK/ports.sh" <<'SCRIPT'
#!/bin/sh
# ports.sh WORK: the container's port bindings as the engine says, and who listens on the port
"$FCT_ENGINE" inspect --format '{{json .HostConfig.PortBindings}}' "foster-$FOSTER_RUN_ID" >"$1/bindings" 2>&1
ss -Hltn "sport = :$PGPORT" >"$1/listening" 2>&1
SCRIPT
    chmod +x "$WORK/ports.sh"
    local then=true
    ((REAL)) && then=$WORK/ports.sh
    run_foster -c "$EXAMPLE" -b container run -- "$WORK/probe.sh" "$WORK" "$then" "$WORK"
    assert_exit 0
    local port
    port=$(env_value "$WORK/env" PGPORT)
    assert_matches "$port" '^[0-9]+$' "PGPORT"
    assert_eq "5432/tcp -> 127.0.0.1:$port" "$(cat "$WORK/engine_ports")" "\`$ENGINE port\` of the container"
    if ((REAL)); then
        assert_eq "{\"5432/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"}]}" \
            "$(cat "$WORK/bindings")" "the port bindings \`$ENGINE inspect\` shows"
        if command -v ss >/dev/null; then
            assert_eq "127.0.0.1:$port" "$(awk '{print $4}' "$WORK/listening" | sort -u)" \
                "addresses listening on port $port"
        fi
    fi
    assert_nothing_left
}

# Runs IMAGE through the engine (as the tests' wrapper logs it) with the
# variables named, published on 127.0.0.1; prints its host port.
run_image() { # NAME IMAGE CONTAINER_PORT VARIABLE...
    local name=$1 image=$2 port=$3 variable
    shift 3
    local -a arguments=(run -d --rm --name "$name" -p "127.0.0.1::$port")
    for variable; do arguments+=(-e "$variable"); done
    "$ENGINE" "${arguments[@]}" "$image" >"$WORK/run.out" 2>&1 ||
        fail "cannot run $image: $(cat "$WORK/run.out")"
    engine port "$name" "$port/tcp" | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p'
}

# Retries COMMAND for up to SECONDS until it succeeds; its last output in $WORK/tried.
until_ok() { # SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    while ((SECONDS < deadline)); do
        "$@" >"$WORK/tried" 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# The container's last log lines, for a failure message.
log_tail() { # NAME
    engine logs "$1" 2>&1 | tail -n 5
}

test_postgres_image_honours_user_password_and_database() {
    ((REAL)) || skip "tests the image build-images.sh builds, through a real engine"
    local name=fct-pg-$BASHPID port
    export POSTGRES_PASSWORD="pw'$RANDOM\"x" POSTGRES_USER=alice POSTGRES_DB=shop
    port=$(run_image "$name" "$IMAGE" 5432 POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB)
    assert_matches "$port" '^[0-9]+$' "the published port"
    export PGPASSWORD=$POSTGRES_PASSWORD
    until_ok 60 "$PSQL" -h 127.0.0.1 -p "$port" -U alice -d shop -XAtq \
        -c 'SELECT current_user, current_database()' ||
        fail "the image never answered: $(cat "$WORK/tried"); log: $(log_tail "$name")"
    assert_eq "alice|shop" "$(cat "$WORK/tried")" "who and where psql is"
    PGPASSWORD=wrong "$PSQL" -h 127.0.0.1 -p "$port" -U alice -d shop -XAtq -c 'SELECT 1' \
        >"$WORK/wrong" 2>&1 && fail "a wrong password was accepted"
    assert_contains "$(cat "$WORK/wrong")" 'password authentication failed for user "alice"'
    engine rm -f "$name" >/dev/null
    assert_eq "" "$(own_containers_left)" "containers left"
}

# The MariaDB image, for the MySQL work: root's password, a user with a
# password and a database (MARIADB_* and MYSQL_* names), over TCP.
test_mariadb_image_starts_and_answers() {
    ((REAL)) || skip "tests the image build-images.sh builds, through a real engine"
    local name=fct-mariadb-$BASHPID port
    export MARIADB_ROOT_PASSWORD="root'$RANDOM" MYSQL_USER=app MARIADB_PASSWORD="app\\$RANDOM" \
        MARIADB_DATABASE=shop
    port=$(run_image "$name" "$MARIADB_IMAGE" 3306 MARIADB_ROOT_PASSWORD MYSQL_USER MARIADB_PASSWORD \
        MARIADB_DATABASE)
    assert_matches "$port" '^[0-9]+$' "the published port"
    # The client inside the container, over TCP; the password from its environment (MYSQL_PWD).
    export MYSQL_PWD=$MARIADB_PASSWORD
    until_ok 60 engine exec -e MYSQL_PWD "$name" mariadb -h 127.0.0.1 -u app shop -N -B \
        -e 'SELECT CURRENT_USER(), DATABASE(), VERSION()' ||
        fail "the image never answered: $(cat "$WORK/tried"); log: $(log_tail "$name")"
    assert_matches "$(cat "$WORK/tried")" "^app@%${TAB}shop${TAB}10\\.11\\." "user, database and version"
    export MYSQL_PWD=$MARIADB_ROOT_PASSWORD
    engine exec -e MYSQL_PWD "$name" mariadb -h 127.0.0.1 -u root -N -B \
        -e "SELECT COUNT(*) FROM mysql.user WHERE user = 'root'" >"$WORK/root" 2>&1 ||
        fail "root cannot log in: $(cat "$WORK/root")"
    assert_eq 2 "$(cat "$WORK/root")" "root's accounts (localhost and %)"
    export MYSQL_PWD=wrong
    engine exec -e MYSQL_PWD "$name" mariadb -h 127.0.0.1 -u root -e 'SELECT 1' >"$WORK/wrong" 2>&1 &&
        fail "a wrong password was accepted"
    assert_contains "$(cat "$WORK/wrong")" "Access denied for user 'root'"
    if command -v mariadb >/dev/null; then # from the host too, through the published port
        MYSQL_PWD=$MARIADB_PASSWORD mariadb -h 127.0.0.1 -P "$port" -u app shop -N -B -e 'SELECT 1' \
            >"$WORK/host" 2>&1 || fail "the published port does not answer: $(cat "$WORK/host")"
    fi
    engine rm -f "$name" >/dev/null
    assert_eq "" "$(own_containers_left)" "containers left"
}

# ===========================================================================
# The runner.

# Removes whatever containers a failed test left in STATE, and their processes;
# with a real engine, the containers the test ran.
remove_leftover_containers() { # STATE
    local dir pid name
    if ((REAL)); then
        for name in $(STATE=$1 ran_names); do engine rm -f "$name" >/dev/null 2>&1; done
        return 0
    fi
    for dir in "$1"/containers/*; do
        [ -d "$dir" ] || continue
        env -u FOSTER_FAKE_ENGINE_DOWN FOSTER_FAKE_ENGINE_STATE="$1" "$FAKE" rm -f "${dir##*/}" >/dev/null 2>&1
    done
    for pid in $(processes_naming "$1"); do kill -KILL "$pid" 2>/dev/null; done
}

# A command of PATH that is not the stand-in; empty when there is none.
real_command() { # NAME
    local found
    found=$(command -v "$1") || return 0
    [ "$(readlink -f "$found")" = "$(readlink -f "$FAKE")" ] || echo "$found"
}

# The wrapper of a real engine: logs the call in $FCT_CALLS_LOG, then runs it.
write_wrapper() { # NAME REAL_PATH
    cat >"$WRAPPERS/$1" <<EOF
#!/usr/bin/env bash
# $1 as the container tests see it: each call's argv logged, then $2 run.
line=\$(printf '%q' "$1")
for argument; do line+=" \$(printf '%q' "\$argument")"; done
[ -z "\${FCT_CALLS_LOG:-}" ] || printf '%s\\n' "\$line" >>"\$FCT_CALLS_LOG"
exec "$2" "\$@"
EOF
    chmod +x "$WRAPPERS/$1"
}

# Starts `podman system service` on a socket of the suite: DOCKER_HOST for the docker CLI.
start_podman_service() {
    local socket=$SUITE_RUNTIMES/podman.sock i
    podman system service --time=0 "unix://$socket" >"$SUITE_RUNTIMES/service.log" 2>&1 &
    SERVICE_PID=$!
    SERVICE_HOST=unix://$socket
    for ((i = 0; i < 300; i++)); do
        DOCKER_HOST=$SERVICE_HOST "$REAL_ENGINE" info >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    skip_all "the docker CLI cannot talk to podman's socket: $(DOCKER_HOST=$SERVICE_HOST "$REAL_ENGINE" info 2>&1 | tail -n 1)"
}

# Real engines: the images (built once per machine), the wrapper, the service.
prepare_real_engine() {
    REAL_PODMAN=$(real_command podman)
    REAL_DOCKER=$(real_command docker)
    [ -n "$REAL_PODMAN" ] || skip_all "podman is not installed (apt-get install -y podman runc mmdebstrap)"
    if [ "$MODE" = docker ]; then
        [ -n "$REAL_DOCKER" ] || skip_all "no docker CLI (apt-get install -y docker.io)"
        REAL_ENGINE=$REAL_DOCKER
    else
        REAL_ENGINE=$REAL_PODMAN
    fi
    local built status
    built=$("$ENGINE_DIR/build-images.sh" 2>&1)
    status=$?
    [ -z "$built" ] || printf '%s\n' "$built" | sed 's/^/# /' >"$SUITE_RUNTIMES/built"
    [ $status -ne 77 ] || skip_all "$(printf '%s\n' "$built" | tail -n 1)"
    if [ $status -ne 0 ]; then
        printf '%s\n' "$built" >&2
        echo "Bail out! tests/container/build-images.sh failed (exit status $status)"
        exit 1
    fi
    WRAPPERS=$SUITE_RUNTIMES/bin
    mkdir -p "$WRAPPERS" || exit 1
    write_wrapper podman "$REAL_PODMAN"
    [ -z "$REAL_DOCKER" ] || write_wrapper docker "$REAL_DOCKER"
    [ "$MODE" != docker ] || start_podman_service
    # The example project, its manifest naming the engine and the image.
    mkdir -p "$SUITE_RUNTIMES/example" || exit 1
    cp -R "$ROOT/schemas" "$ROOT/fixtures" "$SUITE_RUNTIMES/example/" || exit 1
    { cat "$ROOT/foster.ini" && printf '\n[container]\nengine = %s\nimage = %s\n' "$ENGINE" "$IMAGE"; } \
        >"$SUITE_RUNTIMES/example/foster.ini"
    EXAMPLE=$SUITE_RUNTIMES/example/foster.ini
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
    REAL_DOCKER=$(real_command docker) SERVICE_HOST='' SERVICE_PID=''
    # Real engines: sockets nobody serves for "engine down" (the usual ones, unless a daemon uses them here).
    if ((REAL)) && [ -e "$DOCKER_DOWN_SOCKET" ]; then DOCKER_DOWN_SOCKET=$SUITE_RUNTIMES/no-docker.sock; fi
    if ((REAL)) && [ -e "$PODMAN_DOWN_SOCKET" ]; then PODMAN_DOWN_SOCKET=$SUITE_RUNTIMES/no-podman.sock; fi
    DOCKER_DOWN_MESSAGE="Cannot connect to the Docker daemon at unix://$DOCKER_DOWN_SOCKET. Is the docker daemon running?"
    ((!REAL)) || prepare_real_engine
    unset_pg_environment
}

describe_suite() {
    if ((REAL)); then
        echo "# real $MODE: $("$REAL_ENGINE" version --format '{{.Client.Version}}' 2>/dev/null | head -n 1) (client)$([ "$MODE" = docker ] && echo " against podman $(podman version --format '{{.Server.Version}}' 2>/dev/null)'s socket"), runtime $(podman info --format '{{.Host.OCIRuntime.Version}}' 2>/dev/null | head -n 1 | cut -c1-60), images $IMAGE and $MARIADB_IMAGE"
        [ ! -s "$SUITE_RUNTIMES/built" ] || cat "$SUITE_RUNTIMES/built"
    else
        echo "# PostgreSQL $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //') from $PGBIN behind the engine double $FAKE"
    fi
    [ -n "$PYTHON_PG" ] || echo "# no python3 with psycopg2: the example's tests will fail (apt-get install python3-psycopg2)"
}

after_all() {
    if [ -n "${SERVICE_PID:-}" ]; then
        kill "$SERVICE_PID" 2>/dev/null
        wait "$SERVICE_PID" 2>/dev/null
    fi
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
        FCT_CALLS_LOG=$STATE/calls.log FCT_ENGINE=$ENGINE PATH=$ENGINE_DIR:$PATH
    if ((REAL)); then
        export PATH=$WRAPPERS:$PATH
        [ -z "$SERVICE_HOST" ] || export DOCKER_HOST=$SERVICE_HOST
    fi
}

# Besides the runtime directory: containers in the engine, and processes
# naming its state directory.
after_each() {
    local left listed running
    left=$(ls -A "$RUNTIME" 2>/dev/null)
    if ((REAL)); then
        listed=$(own_containers_left | tr '\n' ' ')
    else
        listed=$(FOSTER_FAKE_ENGINE_STATE=$STATE "$FAKE" ps -a --filter label=foster=1 \
            --format "$DOCKER_PS_FORMAT" 2>&1)
    fi
    running=$(processes_naming "$STATE")
    report_runtime_left "$left"
    [ -z "$listed" ] || leftover "containers left in the engine: $listed"
    # shellcheck disable=SC2086 # one pid a word
    [ -z "$running" ] || leftover "processes of the engine's state left: $(describe_processes $running)"
    remove_leftover_containers "$STATE"
    rm -rf "$STATE"
}

run_tests
