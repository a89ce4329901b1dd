#!/usr/bin/env bash
# pg_test.sh — integration tests of the foster command on PostgreSQL: the example on the `postgres` backend (a new
# database on an existing server) and the `cluster` backend (a server foster
# starts itself), reset and its helper, and passwords.
#
#   usage: pg_test.sh FOSTER_BINARY [NAME_REGEX]
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
# The example project on both PostgreSQL backends.

test_example_passes_on_postgres_backend() {
    [ -n "$PYTHON_PG" ] || fail "no python3 with psycopg2 (apt-get install python3-psycopg2)"
    foster_pg -c "$EXAMPLE" run -- "$PYTHON_PG" "$ROOT/tests/example/test_transfer.py"
    assert_exit 0
    assert_matches "$ERR" '^OK$' "unittest's summary"
    assert_matches "$ERR" '^foster: created 5 tables in '
    assert_matches "$ERR" '^foster: loaded trading_sharestransfer +3 rows'
    assert_matches "$ERR" '^foster: teardown: removed test_trading_[0-9a-f]{8} '
    local id
    id=$(run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id in the progress line"
    assert_database_absent "test_trading_$id"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_run_gives_command_postgres_environment_and_marked_database() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK PSQL SOCKETS PORT
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
"$2" -h "$3" -p "$4" -U postgres -d postgres -XAtq -c \
    "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$PGDATABASE'" >"$1/comment"
# libpq's variables alone reach the test database, as the test user
"$2" -XAtq -c "SELECT current_user, current_database(), (SELECT count(*) FROM person)" >"$1/whoami"
EOF
    chmod +x "$WORK/probe.sh"
    foster_pg -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK" "$PSQL" "$SERVER_DIR" "$SERVER_PORT"
    assert_exit 0
    local id
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "DATABASE_URL=postgresql://foster_app@127.0.0.1:$SERVER_PORT/test_pgbasic_$id
FOSTER_BACKEND=postgres
FOSTER_RUN_ID=$id
PGDATABASE=test_pgbasic_$id
PGHOST=127.0.0.1
PGPASSWORD=$APP_PW
PGPORT=$SERVER_PORT
PGUSER=foster_app" "$(cat "$WORK/env")" "the command's environment"
    assert_matches "$(cat "$WORK/comment")" "^foster test database; run $id" "COMMENT ON DATABASE during the run"
    assert_eq "foster_app|test_pgbasic_$id|3" "$(cat "$WORK/whoami")" "psql with the PG* variables"
    assert_database_absent "test_pgbasic_$id"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_example_passes_on_cluster_backend() {
    [ -n "$PYTHON_PG" ] || fail "no python3 with psycopg2 (apt-get install python3-psycopg2)"
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh WORK RUNTIME PYTHON TEST: notes the cluster, then runs the example's tests
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
readlink -f "$2/cluster_$FOSTER_RUN_ID" >"$1/link"
stat -c '%U %a' "$PGHOST" >"$1/home_owner"
: >"$1/ready"
exec "$3" "$4"
EOF
    chmod +x "$WORK/probe.sh"
    start_foster -b cluster -c "$EXAMPLE" run -- "$WORK/probe.sh" "$WORK" "$RUNTIME" "$PYTHON_PG" \
        "$ROOT/tests/example/test_transfer.py"
    wait_for_file "$WORK/ready" 30
    local host id
    host=$(sed -n 's/^PGHOST=//p' "$WORK/env")
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    observe_cluster "$host"
    wait_for_exit "$FOSTER_PID" 60
    assert_exit 0
    assert_matches "$ERR" '^OK$' "unittest's summary"
    # as root a link to the server user's directory, else that directory itself
    assert_eq "$(readlink -f "$host")" "$(cat "$WORK/link")" "where the runtime directory's cluster_$id leads"
    local env url query
    env=$(cat "$WORK/env")
    assert_contains "$env" "PGDATABASE=test_trading_$id"
    assert_contains "$env" "PGUSER=postgres"
    assert_contains "$env" "PGPORT=5432"
    assert_contains "$env" "FOSTER_BACKEND=postgres"
    assert_not_contains "$env" "PGPASSWORD=" "the environment of a trust-only cluster"
    url=$(sed -n 's/^DATABASE_URL=//p' "$WORK/env")
    assert_matches "$url" "^postgresql://postgres@/test_trading_$id\\?host=" "DATABASE_URL"
    query=${url#*\?}
    assert_eq "host=$host&port=5432" "$(url_decode "$query")" "DATABASE_URL's query, decoded"
    [ "$(id -u)" -ne 0 ] || assert_matches "$(cat "$WORK/home_owner")" '^[a-z]+ 700$' "owner and mode of the home"
    [ "$(id -u)" -ne 0 ] || assert_not_contains "$(cat "$WORK/home_owner")" "root " "owner of the home"
    assert_cluster_gone
    assert_runtime_empty
}

test_reset_returns_postgres_database_to_its_fixtures() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database
    database=$(export_value "$OUT" PGDATABASE)
    psql_admin "DELETE FROM pet; DELETE FROM person; INSERT INTO person (id, name) VALUES (99, 'Mallory')" \
        "$database" >/dev/null
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$database")" "rows before reset"
    foster_pg -c "$CASES/basic/foster.ini" reset
    assert_exit 0
    assert_matches "$ERR" "^foster: reset $database in [0-9.]+ ms$"
    assert_eq "3|2" "$(psql_admin 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)' "$database")" \
        "rows after reset"
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM person WHERE name = 'Mallory'" "$database")" \
        "the test's row after reset"
    # the template stays closed to connections; the reset database is marked
    assert_eq f "$(psql_admin "SELECT datallowconn FROM pg_database WHERE datname = '${database}_tpl'")" \
        "the template accepts no connections"
    assert_matches "$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$database'")" \
        "^foster test database; run " "marker after reset"
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE '${database}%'")" \
        "databases of the run after down (test, template, next copy)"
    assert_runtime_empty
}


# `up` and each one-shot `reset` leave a detached helper making the next copy:
# the following reset puts that very database in place (its oid), and `down`
# right after a reset waits for the helper and leaves nothing.
test_cli_reset_swaps_in_the_copy_a_helper_made_ahead() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    local database next_oid round
    database=$(export_value "$OUT" PGDATABASE)
    for round in "after up" "after a reset"; do
        next_oid=$(next_copy_oid "$database")
        assert_matches "$next_oid" '^[0-9]+$' "the marked next copy a helper made $round"
        psql_admin "DELETE FROM pet" "$database" >/dev/null
        foster_pg -q -c "$CASES/basic/foster.ini" reset
        assert_exit 0
        assert_eq "$next_oid" "$(psql_admin "SELECT oid FROM pg_database WHERE datname = '$database'")" \
            "oid of the database after the reset (the copy made ahead $round)"
        assert_eq 2 "$(psql_admin 'SELECT count(*) FROM pet' "$database")" "pet rows after reset"
    done
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE '${database}%'")" \
        "databases of the run after down (test, template, next, old)"
    assert_runtime_empty
}

# A `foster reset` inside `foster run` leaves a helper making the next copy,
# and the command ends at once. Here the copy waits 12 s for a lock a session
# holds on the template (COMMENT takes one CREATE DATABASE's waits for): longer
# than the 10 s after which `run` sends SIGKILL to what the command left. `run`
# waits for the helper first; killed half way, it would leave <db>_next without
# the marker, which no foster command then drops.
test_run_waits_for_a_reset_helper_before_ending_what_the_command_left() {
    cat > "$WORK/command.sh" <<'SCRIPT'
foster=$1 psql=$2 host=$3 port=$4 work=$5 manifest=$6
admin() { "$psql" -h "$host" -p "$port" -U postgres -d postgres -XAtq -v ON_ERROR_STOP=1 "$@"; }
wait_for() { # QUERY: until it answers 1 (10 s at most)
    i=0
    until [ "$(admin -c "$1")" = 1 ]; do
        i=$((i + 1)) && [ $i -lt 200 ] || exit 12
        sleep 0.05
    done
}
echo "$PGDATABASE" > "$work/database"
"$foster" -q -c "$manifest" reset || exit 11
wait_for "SELECT count(*) FROM pg_database WHERE datname = '${PGDATABASE}_next'
          AND shobj_description(oid, 'pg_database') LIKE 'foster test database; run %'"
admin -c "BEGIN" -c "COMMENT ON DATABASE \"${PGDATABASE}_tpl\" IS 'held'" \
      -c "SELECT pg_sleep(12)" -c "ROLLBACK" > /dev/null &
wait_for "SELECT count(*) FROM pg_locks WHERE locktype = 'object' AND granted
          AND classid = 'pg_database'::regclass
          AND objid = (SELECT oid FROM pg_database WHERE datname = '${PGDATABASE}_tpl')"
"$foster" -q -c "$manifest" reset || exit 13
SCRIPT
    foster_pg -q -c "$CASES/basic/foster.ini" run -- \
        sh "$WORK/command.sh" "$FOSTER" "$PSQL" "$SERVER_DIR" "$SERVER_PORT" "$WORK" \
        "$CASES/basic/foster.ini"
    assert_exit 0
    local database
    database=$(cat "$WORK/database")
    assert_matches "$database" '^test_' "the run's database"
    assert_eq "" "$ERR" "what run said"
    assert_eq 0 "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE '${database}%'")" \
        "databases of the run after it (test, template, next, old)"
    assert_runtime_empty
}

test_jobs_give_each_worker_its_own_postgres_database() {
    # shellcheck disable=SC2016 # expanded by the command's shell
    foster_pg -q -c "$CASES/basic/foster.ini" run --jobs 3 -- sh -c '
        test "$FOSTER_JOBS" = 3 || exit 11
        for i in 1 2 3; do eval "echo \"\$DATABASE_URL_$i\""; done > "$1/urls"
        psql -XAtq "$DATABASE_URL_1" -c "DELETE FROM pet" || exit 12
        psql -XAtq "$DATABASE_URL_2" -c "SELECT count(*) FROM pet" > "$1/second"' sh "$WORK"
    assert_exit 0
    assert_eq 3 "$(sort -u "$WORK/urls" | grep -c '^postgresql://')" "distinct worker URLs"
    assert_eq 2 "$(cat "$WORK/second")" "pets in worker 2's database after worker 1 deleted its own"
    assert_runtime_empty
}

test_cluster_up_serves_database_until_down() {
    run_foster -b cluster -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT"
    observe_cluster "$PGHOST"
    assert_eq "3|2" "$("$PSQL" "$DATABASE_URL" -XAtq -c 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows psql sees through DATABASE_URL"
    assert_matches "$("$PSQL" "$DATABASE_URL" -XAtq -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")" \
        "^foster test database; run $FOSTER_RUN_ID" "marker of the cluster's test database"
    [ -L "$RUNTIME/cluster_$FOSTER_RUN_ID" ] || [ -d "$RUNTIME/cluster_$FOSTER_RUN_ID" ] ||
        fail "no cluster_$FOSTER_RUN_ID in the runtime directory: $(ls -A "$RUNTIME")"
    assert_eq "" "$(tcp_sockets_of "$POSTMASTER")" "TCP sockets of the cluster's postmaster"
    assert_eq 700 "$(stat -c %a "$PGHOST")" "mode of the cluster's directory"
    local database=$PGDATABASE
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND
    # load without --url: into the last `up` of this manifest
    run_foster -b cluster -c "$CASES/basic/foster.ini" load "$CASES/load/more/person.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded person +2 rows from $CASES/load/more/person.csv"
    assert_eq 5 "$("$PSQL" -h "$CLUSTER_HOME" -U postgres -d "$database" -XAtq -c 'SELECT count(*) FROM person')" \
        "person rows after load"
    run_foster -b cluster -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed test_pgbasic_$FOSTER_RUN_ID"
    assert_cluster_gone
    assert_runtime_empty
}

# `up` of the basic case on foster's own cluster, its environment exported;
# HELPER: the pid of the helper that serves its resets, once its copy is made.
cluster_up_with_helper() {
    run_foster -q -b cluster -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT"
    HELPER=$(helper_pid "$PGDATABASE")
    assert_matches "$HELPER" '^[0-9]+$' "the helper's pid in its lock file"
}

# Empties pet, resets from the command line, and checks the rows came back.
cluster_reset_brings_the_rows_back() { # WHAT
    "$PSQL" -XAtq -c 'DELETE FROM pet'
    run_foster -q -c "$CASES/basic/foster.ini" reset
    assert_exit 0
    assert_eq 2 "$("$PSQL" -XAtq -c 'SELECT count(*) FROM pet')" "pet rows after $1"
}

# `down`; the helper PID leaves with it, and nothing is left.
cluster_down_without_helper() { # PID
    run_foster -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    wait_gone "$1" "the helper after down"
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND FOSTER_RUN_ID
    assert_runtime_empty
}

# On foster's own cluster the helper `up` starts stays: each one-shot `reset`
# asks it (over the run's socket) to swap its copy in, and it makes the next
# one, so the command neither loads libpq nor connects. `down` asks it to
# leave, and nothing of it remains.
test_cluster_reset_is_served_by_the_runs_resident_helper() {
    cluster_up_with_helper
    assert_file_exists "$RUNTIME/$PGDATABASE.next.sock"
    local round
    for round in 1 2; do
        LD_DEBUG=files cluster_reset_brings_the_rows_back "reset $round"
        assert_contains "$ERR" "file=libsqlite3" "the loader's report of the reset's libraries"
        assert_not_contains "$ERR" "libpq" "libraries the reset loaded (round $round)"
        assert_eq "$HELPER" "$(helper_pid "$PGDATABASE")" "the helper serving reset $round"
    done
    kill -0 "$HELPER" || fail "the helper is gone before down"
    cluster_down_without_helper "$HELPER"
}

# When the run's helper is gone (killed), a reset does the work itself and
# starts another.
test_cluster_reset_without_its_helper_resets_and_starts_another() {
    cluster_up_with_helper
    kill -9 "$HELPER"
    wait_gone "$HELPER" "the killed helper"
    cluster_reset_brings_the_rows_back "a reset without a helper"
    local another
    another=$(helper_pid "$PGDATABASE")
    assert_matches "$another" '^[0-9]+$' "a new helper's pid"
    [ "$another" != "$HELPER" ] || fail "the lock file still names the killed helper"
    kill -0 "$another" || fail "no new helper runs after the reset"
    cluster_down_without_helper "$another"
}

# On foster's own cluster the helper keeps its one connection between resets
# (the reset then only waits for its statements), and leaves when the server
# goes: stopped behind foster's back here. `down` then forgets the run and
# removes the dead server's directory instead of failing to connect forever.
test_cluster_helper_keeps_a_connection_and_leaves_with_the_server() {
    cluster_up_with_helper
    observe_cluster "$PGHOST"
    local id=$FOSTER_RUN_ID
    cluster_reset_brings_the_rows_back "reset"
    local i sessions=""
    for i in $(seq 100); do # the helper makes the next copy after answering
        sessions=$("$PSQL" -XAtq -d postgres -c "SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
        [ "$sessions" = 1 ] && break
        sleep 0.05
    done
    assert_eq 1 "$sessions" "sessions on the cluster besides this one (the helper's)"
    kill -INT "$POSTMASTER" # a fast shutdown, as a crash or an operator would
    wait_gone "$HELPER" "the helper once its server is gone"
    assert_file_absent "$RUNTIME/$PGDATABASE.next.sock"
    assert_file_absent "$RUNTIME/$PGDATABASE.next.lock"
    assert_cluster_processes_gone
    run_foster -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "run $id: $PGDATABASE is already gone; removing its record"
    assert_cluster_gone
    unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER FOSTER_BACKEND FOSTER_RUN_ID
    assert_runtime_empty
}

test_postgres_backend_over_unix_socket_gives_host_query_url() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
env | grep -E '^(DATABASE_URL|PG[A-Z]+|FOSTER_(BACKEND|RUN_ID|SQLITE_PATH))=' | sort >"$1/env"
"$2" "$DATABASE_URL" -XAtq -c "SELECT current_user, current_database(), (SELECT count(*) FROM pet)" >"$1/seen"
EOF
    chmod +x "$WORK/probe.sh"
    run_foster -b postgres -u "postgresql://foster_app@/postgres?host=$SERVER_DIR&port=$SERVER_PORT" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK" "$PSQL"
    assert_exit 0
    local id url
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    url=$(sed -n 's/^DATABASE_URL=//p' "$WORK/env")
    assert_matches "$url" "^postgresql://foster_app@/test_pgbasic_$id\\?host=" "DATABASE_URL"
    assert_eq "host=$SERVER_DIR&port=$SERVER_PORT" "$(url_decode "${url#*\?}")" "DATABASE_URL's query, decoded"
    assert_eq "FOSTER_BACKEND=postgres
FOSTER_RUN_ID=$id
PGDATABASE=test_pgbasic_$id
PGHOST=$SERVER_DIR
PGPORT=$SERVER_PORT
PGUSER=foster_app" "$(grep -v '^DATABASE_URL=' "$WORK/env")" "the other variables (no password: none was used)"
    assert_eq "foster_app|test_pgbasic_$id|2" "$(cat "$WORK/seen")" "psql through DATABASE_URL"
    assert_database_absent "test_pgbasic_$id"
    assert_runtime_empty
}

# ===========================================================================
# Passwords: never in output, logs or records (DESIGN, safety rule 3).

test_password_in_url_never_in_verbose_output_or_record() {
    # shellcheck disable=SC2016 # the command's own $1
    foster_pg -v -c "$CASES/basic/foster.ini" run -- sh -c 'cat "$1"/*.run' probe "$RUNTIME"
    assert_exit 0
    assert_contains "$OUT" "backend=postgres" "the run record, printed by the command"
    assert_no_password "$OUT" "the run record during the run"
    assert_no_password "$ERR" "stderr of run -v"
    assert_matches "$ERR" '^foster:   .*schemas/pet\.sql:17: ALTER TABLE ONLY public\.pet' "-v statement lines"
    foster_pg -v -c "$CASES/basic/foster.ini" run --keep -- true
    assert_exit 0
    assert_no_password "$ERR" "stderr of run --keep -v"
    assert_no_password "$(cat "$RUNTIME"/*.run)" "the kept run's record"
    foster_pg -v -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_no_password "$OUT$ERR" "output of down -v"
    assert_runtime_empty
}

test_keep_on_failure_says_how_to_connect_without_showing_the_password() {
    foster_pg -c "$CASES/basic/foster.ini" run --keep-on-failure -- false
    assert_exit 1
    assert_no_password "$ERR" "stderr of run --keep-on-failure"
    local connect id
    connect=$(printf '%s\n' "$ERR" | sed -n 's/^foster: connect with: //p')
    assert_matches "$connect" "^PGPASSFILE='$RUNTIME/[0-9a-f]{8}\.pgpass' psql 'postgresql://foster_app@"
    id=$(printf '%s\n' "$ERR" | sed -n 's/^foster: remove it with: foster down //p')
    # The command as printed, with this machine's psql, reaches the kept database.
    assert_eq "Ada" "$(eval "${connect/ psql / \"\$PSQL\" } -XAtc 'SELECT name FROM person WHERE id = 1'")" \
        "psql as foster said"
    foster_pg -c "$CASES/basic/foster.ini" down "$id"
    assert_exit 0
    assert_database_absent "test_pgbasic_$id"
    assert_runtime_empty
}

test_password_from_pgpassword_never_in_output() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
printf '%s\n' "$PGPASSWORD" >"$1/password"
EOF
    chmod +x "$WORK/probe.sh"
    PGPASSWORD=$APP_PW run_foster -v -b postgres -u "$APP_URL_NO_PASSWORD" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    assert_eq "$APP_PW" "$(cat "$WORK/password")" "PGPASSWORD the command sees"
    assert_no_password "$OUT$ERR" "output of run -v"
    # and from FOSTER_ADMIN_URL through the manifest's ${VAR} expansion
    PGPASSWORD=$APP_PW FOSTER_ADMIN_URL=$APP_URL_NO_PASSWORD run_foster -v -b postgres -c "$EXAMPLE" run -- true
    assert_exit 0
    assert_matches "$ERR" "^foster: run [0-9a-f]{8}: postgres database postgresql://foster_app@127\\.0\\.0\\.1:$SERVER_PORT/test_trading_"
    assert_no_password "$OUT$ERR" "output of run -v (manifest url)"
    assert_runtime_empty
}

# DESIGN's environment table says `up` prints PGPASSWORD "when one exists",
# while safety rule 3 says passwords never appear in output: foster follows
# the table (stdout only, for eval); stderr stays clean.
test_up_prints_no_password_and_hands_it_over_in_a_private_passfile() {
    # up's output is printed (and often logged): the password goes into a 0600
    # file named by PGPASSFILE, which libpq reads, never onto stdout.
    foster_pg -c "$CASES/basic/foster.ini" up
    assert_exit 0
    assert_no_password "$OUT" "stdout of up"
    assert_no_password "$ERR" "stderr of up"
    assert_eq "" "$(export_value "$OUT" PGPASSWORD)" "PGPASSWORD in up's export lines"
    local passfile
    passfile=$(export_value "$OUT" PGPASSFILE)
    assert_file_exists "$passfile"
    assert_eq 600 "$(stat -c %a "$passfile")" "mode of the password file"
    assert_contains "$(cat "$passfile")" ":$APP_PW"
    (
        unset PGPASSWORD
        eval "$OUT"
        psql -XAtqc 'SELECT count(*) FROM person' >"$WORK/count" 2>"$WORK/psql.err"
    )
    assert_eq 3 "$(cat "$WORK/count")" "rows read with the exported environment alone"
    foster_pg -q -c "$CASES/basic/foster.ini" up --json
    assert_exit 0
    assert_no_password "$OUT" "up --json"
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_file_absent "$passfile"
    assert_runtime_empty
}

test_password_with_url_special_characters_works_and_stays_hidden() {
    local odd='p@ss:w/rd?x%y z' encoded='p%40ss%3Aw%2Frd%3Fx%25y%20z'
    psql_admin "CREATE ROLE foster_odd LOGIN CREATEDB PASSWORD '$odd'" >/dev/null 2>&1 ||
        psql_admin "ALTER ROLE foster_odd PASSWORD '$odd'" >/dev/null
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
printf '%s\n' "$PGPASSWORD" >"$1/password"
psql -XAtq -c 'SELECT current_user' >"$1/user"
EOF
    chmod +x "$WORK/probe.sh"
    PATH=$PGBIN:$PATH run_foster -v -b postgres -u "postgresql://foster_odd:$encoded@127.0.0.1:$SERVER_PORT/postgres" \
        -c "$CASES/basic/foster.ini" run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    assert_eq "$odd" "$(cat "$WORK/password")" "PGPASSWORD (decoded from the URL)"
    assert_eq "foster_odd" "$(cat "$WORK/user")" "psql through PG*"
    assert_no_password "$OUT$ERR" "output of run -v" "$odd" "$encoded"
    assert_runtime_empty
}

test_wrong_password_run_exits_125_without_showing_it() {
    local wrong="wrong-$APP_PW"
    run_foster -b postgres -u "postgresql://foster_app:$wrong@127.0.0.1:$SERVER_PORT/postgres" \
        -c "$CASES/basic/foster.ini" run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: cannot connect to postgresql://foster_app:***@127.0.0.1:$SERVER_PORT/postgres"
    assert_contains "$ERR" 'password authentication failed for user "foster_app"'
    assert_no_password "$OUT$ERR" "foster's output" "$wrong"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_unreachable_server_run_exits_125() {
    local port
    port=$(free_port)
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" \
        -c "$CASES/basic/foster.ini" run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: cannot connect to postgresql://foster_app:***@127.0.0.1:$port/postgres"
    assert_contains "$ERR" "hint: "
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

run_tests
