#!/usr/bin/env bash
# container_test.sh — foster's `container` backend (PostgreSQL in a docker or
# podman container) running the example's tests: the command's environment,
# what foster gives the engine (labels, the password by name only, the
# manifest's engine and image, podman when docker's daemon is down); two runs
# at once; the port published on 127.0.0.1 only; and, with a real engine, the
# PostgreSQL and MariaDB images build-images.sh builds.
#
#   usage: [FOSTER_CONTAINER_ENGINE=stand-in|podman|docker] container_test.sh FOSTER_BINARY [NAME_REGEX]
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

run_tests
