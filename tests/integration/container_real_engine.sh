# shellcheck shell=bash
# container_real_engine.sh — how the container runners (container_lib.sh) get
# a real engine: podman (or the docker CLI, talking to a `podman system
# service` this file starts on a socket of the suite), the images
# tests/container/build-images.sh builds (once per machine), a wrapper first
# on PATH that logs each call's argv in $FCT_CALLS_LOG, and the example
# project whose manifest names the engine and the image. Sourced by
# container_lib.sh; its functions run from before_all. When the engine cannot
# run here the suite is reported SKIP (skip_all) with the reason.

# shellcheck disable=SC2034 # SERVICE_PID, EXAMPLE, ...: container_lib.sh's hooks and the tests read them
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
