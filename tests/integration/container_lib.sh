# shellcheck shell=bash
# container_lib.sh — what the container runners share (container_test.sh: run,
# two runs at once, the port, the images; container_failures_test.sh: the
# engine fails; container_updown_test.sh: up, down, reset, signals and gc):
# the engine a suite runs against, the assertions and helpers about it, and the
# harness hooks. Sourced after tests/harness.sh, never run; the real engines'
# preparation is container_real_engine.sh's.
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
# EXPECTED_FAILURES (each runner's) lists known bugs of foster (reported
# "# TODO", not counted unless FOSTER_TEST_STRICT=1; a listed test that passes
# is an error). Without PostgreSQL server binaries (the double needs them; the
# tests use psql) every test is reported SKIP and the runner exits 77 (meson's
# "skipped").
#
# Needs bash 5, coreutils, util-linux (setsid, flock), the PostgreSQL server
# and psql, and for the example's tests a python3 with psycopg2
# (/usr/bin/python3 with Debian's python3-psycopg2).

# shellcheck disable=SC2034 # TAB, the messages, ...: used by the files that source this one
# shellcheck source=SCRIPTDIR/container_real_engine.sh
. "$(dirname "${BASH_SOURCE[0]}")/container_real_engine.sh"
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

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh).

# After the FAIL line: the last foster run, every call of the engine, and the log of
# each stand-in container that died.
fail_details() {
    show_last_foster_run
    if [ -n "${STATE:-}" ] && [ -s "$STATE/calls.log" ]; then
        printf -- '--- engine calls:\n%s\n' "$(cat "$STATE/calls.log")"
    fi
    local died
    for died in "${STATE:-/nonexistent}"/died-*.log; do
        [ -f "$died" ] && printf -- '--- %s:\n%s\n' "${died##*/}" "$(tail -20 "$died")"
    done
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

# Lines of calls.log for SUBCOMMAND (e.g. "docker run"), without the log of engine_ps.
calls_of() { # ENGINE SUBCOMMAND
    grep -E "^$1 $2( |\$)" "$STATE/calls.log" 2>/dev/null
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
