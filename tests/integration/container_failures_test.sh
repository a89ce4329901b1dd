#!/usr/bin/env bash
# container_failures_test.sh — foster's `container` backend when the engine
# fails: the daemon down (exit 125, its message quoted; the manifest's engine
# alone tried), no engine in PATH, an image that cannot be pulled, a container
# dying before it is ready, one that never listens, SIGTERM while waiting for
# readiness; nothing is left after any of them.
#
#   usage: [FOSTER_CONTAINER_ENGINE=stand-in|podman|docker] container_failures_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The engines (the stand-in, real podman, the docker CLI on podman's socket),
# the conventions, assertions, helpers and hooks are container_lib.sh's: each
# test_* function one behaviour, nothing left after it (runtime directory,
# containers, the containers' processes). Output: TAP, then a last line
# "N passed, M failed"; exit 0 only when M is 0 (77 when the engine cannot
# run here, or without PostgreSQL server binaries).
#
# test_never_ready_times_out_... needs about 65 s (foster's readiness timeout
# is a fixed 60 s): it is reported SKIP unless FOSTER_TEST_SLOW=1.

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

# Ends the test as SKIP with a real engine: what it checks needs the stand-in.
needs_stand_in() { # WHY
    ((!REAL)) || skip "only the stand-in engine can: $1"
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

run_tests
