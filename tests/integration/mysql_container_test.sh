#!/usr/bin/env bash
# mysql_container_test.sh — integration tests of the `container` backend with
# a MySQL/MariaDB image ([container] image = mariadb:11, mysql:8, or
# engine_kind = mysql), on the real podman with the image
# tests/container/build-images.sh builds (local/mariadb:10.11: Debian's
# MariaDB, the official image's entrypoint), and of `foster gc` for it.
#
#   usage: mysql_container_test.sh FOSTER_BINARY [NAME_REGEX]
#
# A wrapper first on PATH (as `podman`) appends each call's argv to
# $WORK/calls.log and runs the real podman: that is how the tests see the
# arguments foster gives the engine (the password must not be among them).
# The containers a test owns are those it ran (`--name` in calls.log); after
# each test none may be left, nor anything in the runtime directory.
#
# The manifest-only tests need no engine. When podman cannot run here (not
# root, not installed, the image cannot be built or started) the engine's
# tests are reported SKIP with the reason (build-images.sh's exit 77).
# Needs bash 5, coreutils, the `mariadb` client (the assertions).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"

# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=()

IMAGE=local/mariadb:10.11
CLIENT=$(command -v mariadb || command -v mysql || echo mariadb)

before_all() {
    SUITE_RUNTIMES=$(mktemp -d /tmp/fmct.XXXXXX)
    REAL_PODMAN=$(command -v podman || true)
    ENGINE_PROBLEM=
    if [ -z "$REAL_PODMAN" ]; then
        ENGINE_PROBLEM="podman is not installed (apt-get install -y podman runc mmdebstrap)"
        return
    fi
    local built status
    built=$("$ROOT/tests/container/build-images.sh" 2>&1)
    status=$?
    if [ $status -eq 77 ]; then
        ENGINE_PROBLEM=$(printf '%s\n' "$built" | tail -n 1)
    elif [ $status -ne 0 ]; then
        printf '%s\n' "$built" >&2
        echo "Bail out! tests/container/build-images.sh failed (exit status $status)"
        exit 1
    fi
    WRAPPERS=$SUITE_RUNTIMES/bin
    mkdir -p "$WRAPPERS" || exit 1
    cat >"$WRAPPERS/podman" <<EOF
#!/bin/sh
printf '%s\n' "podman \$*" >>"\${FMCT_CALLS_LOG:-/dev/null}"
exec "$REAL_PODMAN" "\$@"
EOF
    chmod 755 "$WRAPPERS/podman"
}

describe_suite() {
    if [ -n "$ENGINE_PROBLEM" ]; then
        echo "# no engine: $ENGINE_PROBLEM"
    else
        echo "# real podman $("$REAL_PODMAN" version --format '{{.Client.Version}}' 2>/dev/null), image $IMAGE"
    fi
}

after_all() {
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}

prepare_environment() {
    unset DOCKER_HOST CONTAINER_HOST MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD
    # shellcheck disable=SC2030 # on purpose: only for this test
    export FMCT_CALLS_LOG=$WORK/calls.log
    [ -z "${WRAPPERS:-}" ] || export PATH=$WRAPPERS:$PATH
}

# Besides the runtime directory: the containers this test ran.
after_each() {
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
    local name left=
    for name in $(ran_names); do
        if "$REAL_PODMAN" container exists "$name" 2>/dev/null; then
            left="$left $name"
            "$REAL_PODMAN" rm -f "$name" >/dev/null 2>&1
        fi
    done
    [ -z "$left" ] || leftover "containers left in the engine:$left"
}

# ---------------------------------------------------------------------------
# Helpers.

needs_engine() {
    [ -z "$ENGINE_PROBLEM" ] || skip "$ENGINE_PROBLEM"
}

# Names of the containers this test had the engine run (`--name N` in calls.log).
ran_names() {
    sed -n 's/^podman run .* --name \([^ ]*\) .*$/\1/p' "$WORK/calls.log" 2>/dev/null | sort -u
}

assert_nothing_left() {
    assert_runtime_empty
    local name
    for name in $(ran_names); do
        ! "$REAL_PODMAN" container exists "$name" 2>/dev/null ||
            fail "container $name is still there"
    done
}

# The password is on no argv line the engine was given, nor in foster's output.
assert_password_hidden() { # PASSWORD
    [ ${#1} -ge 8 ] || fail "no password to look for: [$1]"
    if grep -nF -- "$1" "$WORK/calls.log" >"$WORK/.hits"; then
        fail "the password is on the engine's command line: $(cat "$WORK/.hits")"
    fi
    assert_not_contains "$OUT$ERR" "$1" "foster's output"
}

# A project in $WORK/p with the given [container] lines: author and book (a
# foreign key), CSV fixtures with NULL and "".
make_project() { # LINE...
    mkdir -p "$WORK/p/schemas" "$WORK/p/fixtures" && cd "$WORK/p" || fail "no project"
    { printf '[foster]\nname = shop\nbackend = container\n[table author]\n[table book]\n[container]\n'
      printf '%s\n' "$@"; } >foster.ini
    cat >schemas/author.sql <<'EOF'
CREATE TABLE `author` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(100) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
EOF
    cat >schemas/book.sql <<'EOF'
CREATE TABLE `book` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `author_id` int(11) NOT NULL,
  `title` varchar(200) NOT NULL,
  `note` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `book_author_fk` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
EOF
    printf 'id,name\n1,Ann\n2,Bob\n' >fixtures/author.csv
    printf 'id,author_id,title,note\n1,1,First,\n2,2,Second,""\n3,1,Third,x\n' >fixtures/book.csv
}

# A command for `run` that notes its environment, the record, the container
# (labels, published ports, state) and the processes whose argv holds the
# password, then runs SQL through the mariadb client.
write_probe() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK [SQL]
work=$1
env | grep -E '^(DATABASE_URL|MYSQL_[A-Z_]+|FOSTER_(BACKEND|RUN_ID))=' | sort >"$work/env"
cat "$FOSTER_RUNTIME_DIR/$FOSTER_RUN_ID.run" >"$work/record" 2>&1
name=foster-mysql-$FOSTER_RUN_ID
podman inspect --format '{{json .Config.Labels}}' "$name" >"$work/labels" 2>&1
podman port "$name" >"$work/ports" 2>&1
printf '%s\n' "$MYSQL_PWD" >"$work/.password"
grep -lF -f "$work/.password" /proc/[0-9]*/cmdline 2>/dev/null | while read -r file; do
    printf '%s: %s\n' "$file" "$(tr '\0' ' ' <"$file")"
done >"$work/password_in_argv"
rm -f "$work/.password"
[ -z "${2:-}" ] || mariadb --no-defaults -h "$MYSQL_HOST" -P "$MYSQL_TCP_PORT" -u "$MYSQL_USER" \
    -N -B -e "$2" "$MYSQL_DATABASE" >"$work/sql.out" 2>&1
EOF
    chmod +x "$WORK/probe.sh"
}

env_value() { # NAME
    sed -n "s/^$1=//p" "$WORK/env"
}

# ---------------------------------------------------------------------------
# The manifest: which server the image holds.

test_engine_kind_must_be_an_engine() {
    make_project "image = $IMAGE" "engine_kind = oracle"
    run_foster run -- true
    assert_exit 125
    assert_contains "$ERR" "foster.ini:8: unknown engine_kind \"oracle\" in [container]; expected postgresql or mysql"
    assert_nothing_left
}

# engine_kind = postgresql wins over the image's name: the backend then runs
# PostgreSQL DDL, and the project's MySQL DDL is refused before any container.
test_engine_kind_postgresql_overrides_a_mariadb_image() {
    make_project "engine = podman" "image = $IMAGE" "engine_kind = postgresql"
    run_foster run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "schemas/author.sql:1: this is MySQL DDL (a \`backquoted\` name), but the backend runs PostgreSQL DDL"
    assert_file_absent "$WORK/calls.log"
    assert_nothing_left
}

# Without engine_kind the image's name decides: mysql:8 (any registry, tag or
# digest) is MySQL's, postgres:16 PostgreSQL's; foster refuses the other
# engine's DDL before it starts anything, and the MySQL kind's hint names
# its backend without a container.
test_image_name_chooses_the_engine() {
    make_project "engine = podman" "image = docker.io/library/postgres:16@sha256:0000"
    run_foster run -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" "schemas/author.sql:1: this is MySQL DDL (a \`backquoted\` name), but the backend runs PostgreSQL DDL"
    make_project "engine = podman" "image = registry.example:5000/team/mysql:8.0"
    PATH=/nonexistent run_foster run -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" "podman: not found in PATH"
    assert_contains "$ERR" "hint: install Docker or Podman, or use -b mysql-cluster"
    assert_file_absent "$WORK/ran"
    assert_nothing_left
}

# ---------------------------------------------------------------------------
# run: provision, load, run, teardown.

test_mariadb_image_run_provisions_loads_and_removes_the_container() {
    needs_engine
    make_project "engine = podman" "image = $IMAGE"
    write_probe
    run_foster -v run -- "$WORK/probe.sh" "$WORK" \
        "SELECT id, author_id, title, IFNULL(note, 'NULL') FROM book ORDER BY id; SELECT @@innodb_flush_log_at_trx_commit, @@local_infile"
    assert_exit 0
    local id password
    id=$(env_value FOSTER_RUN_ID)
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "1	1	First	NULL
2	2	Second	
3	1	Third	x
0	1" "$(cat "$WORK/sql.out")" "rows (COPY's NULL rule) and the throwaway server's settings"
    assert_eq "mysql://root:***@127.0.0.1:$(env_value MYSQL_TCP_PORT)/test_shop_$id" \
        "$(env_value DATABASE_URL | sed 's|//root:[^@]*@|//root:***@|')" "DATABASE_URL"
    assert_eq "mysql" "$(env_value FOSTER_BACKEND)" "FOSTER_BACKEND (the engine)"
    password=$(env_value MYSQL_PWD)
    assert_matches "$password" '^[A-Za-z0-9]{24}$' "the root password (24 letters and digits)"
    assert_password_hidden "$password"
    assert_not_contains "$(cat "$WORK/record")" "$password" "the run record"
    assert_contains "$(cat "$WORK/record")" "server=podman/foster-mysql-$id" "the run record"
    assert_eq "" "$(cat "$WORK/password_in_argv")" "processes with the password in their argv"
    # labels, 127.0.0.1 only, the password by name only
    assert_contains "$(cat "$WORK/labels")" '"foster":"1"' "labels"
    assert_contains "$(cat "$WORK/labels")" "\"foster.run\":\"$id\"" "labels"
    assert_matches "$(cat "$WORK/labels")" '"foster.pid":"[0-9]+"' "labels"
    assert_matches "$(cat "$WORK/ports")" "^3306/tcp -> 127\.0\.0\.1:$(env_value MYSQL_TCP_PORT)\$" "published ports"
    local run_line
    run_line=$(grep '^podman run ' "$WORK/calls.log")
    assert_contains "$run_line" "--name foster-mysql-$id " "the run line"
    assert_contains "$run_line" " -e MYSQL_ROOT_PASSWORD -p 127.0.0.1::3306 $IMAGE " "the run line"
    assert_matches "$ERR" '^foster: loaded book +3 rows from fixtures/book.csv'
    assert_matches "$ERR" "^foster: teardown: removed test_shop_$id "
    assert_nothing_left
}

# The image's default: engine_kind = mysql without an image is mariadb:11
# (not pulled here: the engine's answer is enough to see which image was asked for).
test_engine_kind_mysql_defaults_to_the_mariadb_image() {
    needs_engine
    make_project "engine = podman" "engine_kind = mysql"
    run_foster run -- touch "$WORK/ran"
    assert_file_absent "$WORK/ran"
    assert_contains "$(grep '^podman run ' "$WORK/calls.log")" " -e MYSQL_ROOT_PASSWORD -p 127.0.0.1::3306 mariadb:11 " "the run line"
    assert_nothing_left
}

# ---------------------------------------------------------------------------
# up, reset and down through the run record; SIGKILL and gc.

test_up_reset_down_reach_the_container_through_the_record() {
    needs_engine
    make_project "engine = podman" "image = $IMAGE"
    run_foster -q up
    assert_exit 0
    local id port file
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    port=$(export_value "$OUT" MYSQL_TCP_PORT)
    file=$(export_value "$OUT" FOSTER_MYSQL_OPTION_FILE)
    assert_not_contains "$OUT" "MYSQL_PWD" "up's output"
    assert_mode "$file" 600
    local client=("$CLIENT" --defaults-extra-file="$file" -h 127.0.0.1 -P "$port" -u root -N -B "test_shop_$id")
    "${client[@]}" -e "DELETE FROM book; INSERT INTO author (name) VALUES ('Cy')" ||
        fail "the client could not change the database"
    FOSTER_RUN_ID=$id run_foster reset
    assert_exit 0
    assert_eq "3 2 3" "$("${client[@]}" -e "SELECT (SELECT COUNT(*) FROM book), (SELECT COUNT(*) FROM author), (SELECT MAX(id) + 1 FROM author)" | tr '\t' ' ')" "rows after reset"
    run_foster down "$id"
    assert_exit 0
    ! "$REAL_PODMAN" container exists "foster-mysql-$id" || fail "down left the container"
    assert_nothing_left
}

test_gc_removes_the_container_of_a_killed_run() {
    needs_engine
    make_project "engine = podman" "image = $IMAGE"
    start_foster run -- sh -c "echo \$\$ >'$WORK/command.pid'; exec sleep 60"
    wait_for_file "$WORK/command.pid" 120
    local pid=$FOSTER_PID id
    id=$(sed -n 's/^foster-mysql-//p' <(ran_names))
    assert_matches "$id" '^[0-9a-f]{8}$' "the run of the container"
    "$REAL_PODMAN" container exists "foster-mysql-$id" || fail "no container while the run runs"
    kill -KILL "$pid"
    wait_for_exit "$pid" 5 2>/dev/null # reaped: gc must see a dead process, not a zombie
    kill -KILL "$(cat "$WORK/command.pid")" 2>/dev/null # the orphaned command
    assert_file_exists "$RUNTIME/$id.run"
    run_foster gc --dry-run
    assert_exit 0
    assert_matches "$OUT$ERR" "^would remove (run $id|container foster-mysql-$id) " "gc --dry-run's report"
    "$REAL_PODMAN" container exists "foster-mysql-$id" || fail "gc --dry-run removed the container"
    assert_file_exists "$RUNTIME/$id.run"
    run_foster gc
    assert_exit 0
    assert_matches "$OUT$ERR" "^removed (run $id|container foster-mysql-$id) " "gc's report"
    assert_no_match "$OUT$ERR" "could not" "gc's report"
    assert_nothing_left
}

run_tests
