#!/usr/bin/env bash
# pg_concurrency_test.sh — integration tests of the foster command on PostgreSQL: concurrent runs, the
# server template cache and the cluster's cached data directory, and signals.
#
#   usage: pg_concurrency_test.sh FOSTER_BINARY [NAME_REGEX]
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
# Concurrency and signals.

test_two_concurrent_runs_use_separate_databases() {
    cat >"$WORK/both.sh" <<'EOF'
#!/bin/sh
# both.sh WORK ME OTHER: says it is in, waits (10 s at most) for the other run
echo "$PGDATABASE" >"$1/$2.database"
i=0
while [ ! -e "$1/$3.database" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
[ -e "$1/$3.database" ] || exit 3
# both databases exist now, each with its own rows
psql -XAtq -c "INSERT INTO person VALUES (10, '$2', NULL)" -c "SELECT string_agg(name, ',' ORDER BY id) FROM person" >"$1/$2.rows"
EOF
    chmod +x "$WORK/both.sh"
    PATH=$PGBIN:$PATH "$FOSTER" -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- \
        "$WORK/both.sh" "$WORK" one two >"$WORK/one.out" 2>&1 &
    local first=$!
    echo "$first" >>"$WORK/.pids"
    PATH=$PGBIN:$PATH "$FOSTER" -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- \
        "$WORK/both.sh" "$WORK" two one >"$WORK/two.out" 2>&1 &
    local second=$!
    echo "$second" >>"$WORK/.pids"
    wait "$first"
    local first_status=$?
    wait "$second"
    local second_status=$?
    assert_eq 0 "$first_status" "status of the first run (output: $(cat "$WORK/one.out"))"
    assert_eq 0 "$second_status" "status of the second run (output: $(cat "$WORK/two.out"))"
    local one two
    one=$(cat "$WORK/one.database")
    two=$(cat "$WORK/two.database")
    assert_matches "$one" '^test_pgbasic_[0-9a-f]{8}$' "first database"
    assert_matches "$two" '^test_pgbasic_[0-9a-f]{8}$' "second database"
    [ "$one" != "$two" ] || fail "both runs used $one"
    assert_eq "Ada,Grace,Linus,one" "$(grep -v '^INSERT' "$WORK/one.rows")" "rows of the first run"
    assert_eq "Ada,Grace,Linus,two" "$(grep -v '^INSERT' "$WORK/two.rows")" "rows of the second run"
    assert_database_absent "$one"
    assert_database_absent "$two"
    assert_runtime_empty
}

# The names of the server's template-cache databases (foster_tpl_*), one a line.
cached_templates() {
    psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'foster\_tpl\_%' ORDER BY 1"
}

# The CREATE DATABASE statements of the template cache in the server log since it was LINES long.
templates_created_since() { # LINES
    tail -n "+$(($1 + 1))" "$SERVER_DIR/server.log" | grep -c 'statement: CREATE DATABASE "foster_tpl_'
}

# A command for `run`: writes the names in person to OUT.
write_rows_command() {
    cat >"$WORK/rows.sh" <<'EOF'
#!/bin/sh
# rows.sh OUT: the rows this run's database holds
psql -XAtq -c "SELECT string_agg(name, ',' ORDER BY id) FROM person" >"$1"
EOF
    chmod +x "$WORK/rows.sh"
}

test_sixteen_concurrent_postgres_runs_build_the_template_once() {
    use_case basic
    write_rows_command
    psql_admin "ALTER SYSTEM SET log_statement = 'ddl'" >/dev/null
    psql_admin "SELECT pg_reload_conf()" >/dev/null
    local lines i pids=()
    # the postmaster reloads on its own time; a new session then has the setting
    for ((i = 0; i < 200; i++)); do
        [ "$(psql_admin 'SHOW log_statement')" = ddl ] && break
        sleep 0.05
    done
    lines=$(wc -l <"$SERVER_DIR/server.log")
    for i in $(seq 16); do
        PATH=$PGBIN:$PATH "$FOSTER" -v -b postgres -u "$APP_URL" run -- "$WORK/rows.sh" \
            "$WORK/rows.$i" >"$WORK/out.$i" 2>&1 &
        pids+=($!)
        echo "$!" >>"$WORK/.pids"
    done
    local failed=0
    for i in $(seq 16); do
        wait "${pids[$((i - 1))]}" || failed=$i
    done
    local built
    built=$(templates_created_since "$lines")
    psql_admin "ALTER SYSTEM RESET log_statement" >/dev/null
    psql_admin "SELECT pg_reload_conf()" >/dev/null
    [ "$failed" -eq 0 ] || fail "run $failed failed: $(cat "$WORK/out.$failed")"
    for i in $(seq 16); do
        assert_eq "Ada,Grace,Linus" "$(cat "$WORK/rows.$i")" "rows of run $i"
    done
    assert_eq 1 "$built" "CREATE DATABASE foster_tpl_... in the server log"
    local all
    all=$(cat "$WORK"/out.*)
    assert_eq 1 "$(grep -c 'template cache: miss .*this run builds foster_tpl_' <<<"$all")" \
        "runs that built the template"
    assert_eq 15 "$(grep -c 'template cache: hit' <<<"$all")" "runs that cloned it"
    assert_eq 15 "$(grep -c "cloned the server's cached template" <<<"$all")" "clone lines"
    local name
    name=$(cached_templates)
    assert_matches "$name" '^foster_tpl_[0-9a-f]{32}$' "the server's templates"
    assert_matches "$(psql_admin "SELECT datallowconn, shobj_description(oid, 'pg_database')
                                  FROM pg_database WHERE datname = '$name'")" \
        "^f\|foster template database; key ${name#foster_tpl_}; identity [0-9a-f]{64}; uid [0-9]+; used [0-9]+$" \
        "the template's connections and marker"
    assert_no_password "$all" "foster's output"
    assert_runtime_empty
}

test_changed_fixture_gets_a_new_postgres_template() {
    use_case basic
    local names="SELECT string_agg(name, ',' ORDER BY id) FROM person"
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the first run"
    assert_contains "$ERR" "template cache: miss"
    local first
    first=$(cached_templates)
    assert_matches "$first" '^foster_tpl_[0-9a-f]{32}$' "the template after the first run"
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_contains "$ERR" "template cache: hit (key ${first#foster_tpl_})"
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the cloned run"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    foster_pg -v run -- "$PSQL" -XAtq -c "$names"
    assert_exit 0
    assert_eq "Ada,Grace,Margaret" "$OUT" "rows after the fixture changed"
    assert_contains "$ERR" "template cache: miss"
    assert_not_contains "$ERR" "template cache: hit"
    local both
    both=$(cached_templates)
    assert_eq 2 "$(wc -l <<<"$both")" "templates after the change: $both"
    assert_contains "$both" "$first" "the first template (evicted by age or count only)"
    sed -i 's/^CREATE TABLE public.person (/&\n    nickname text,/' schemas/person.sql
    foster_pg -v run -- "$PSQL" -XAtq -c "SELECT count(*) FROM person WHERE nickname IS NULL"
    assert_exit 0
    assert_eq 3 "$OUT" "rows with the changed schema's new column"
    assert_contains "$ERR" "template cache: miss"
    assert_eq 3 "$(cached_templates | wc -l)" "templates after the schema changed"
    assert_runtime_empty
}

test_no_cache_and_cache_false_make_no_postgres_template() {
    use_case basic
    foster_pg -v --no-cache run -- true
    assert_exit 0
    assert_contains "$ERR" "foster: template cache: off (--no-cache)"
    assert_eq "" "$(cached_templates)" "templates after --no-cache"
    sed -i 's/^\[foster\]$/[foster]\ncache = false/' foster.ini
    foster_pg -v run -- true
    assert_exit 0
    assert_contains "$ERR" "foster: template cache: off (cache = false in the manifest)"
    assert_eq "" "$(cached_templates)" "templates after cache = false"
    assert_runtime_empty
}

test_unmarked_template_lookalike_is_neither_used_nor_touched() {
    use_case basic
    foster_pg run -- true
    local name
    name=$(cached_templates)
    assert_matches "$name" '^foster_tpl_[0-9a-f]{32}$' "the template of the first run"
    drop_database "$name"
    make_unmarked_database "$name"
    foster_pg -v run -- "$PSQL" -XAtq -c "SELECT string_agg(name, ',' ORDER BY id) FROM person"
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows built from the inputs"
    assert_contains "$ERR" "database $name exists without foster's template marker: left alone"
    assert_eq "Precious" "$(psql_admin "SELECT string_agg(name, ',') FROM person" "$name")" \
        "the look-alike's rows"
    assert_eq "" "$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                                WHERE datname = '$name'")" "the look-alike's comment"
    assert_runtime_empty
}

test_gc_templates_removes_marked_templates_and_leaves_lookalikes() {
    use_case basic
    export XDG_CACHE_HOME=$WORK/cache # this test empties it
    foster_pg run -- true
    assert_exit 0
    run_foster -b sqlite run -- true
    assert_exit 0
    run_foster -b cluster run -- true
    assert_exit 0
    local server sqlite_entry pgdata_entry
    server=$(cached_templates)
    assert_matches "$server" '^foster_tpl_[0-9a-f]{32}$' "the server's template"
    sqlite_entry=$(ls -d "$XDG_CACHE_HOME"/foster/templates/sqlite-*)
    pgdata_entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgdata-* | grep -v '\.lock$')
    local pgtpl_entry
    pgtpl_entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -v '\.lock$')
    assert_file_exists "$pgtpl_entry/foster-complete"
    assert_file_exists "$sqlite_entry/identity"
    assert_file_exists "$pgdata_entry/PG_VERSION"
    # Look-alikes without foster's marker.
    local fake_db=foster_tpl_00000000000000000000000000000000
    make_unmarked_database "$fake_db"
    mkdir -p "$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000" "$XDG_CACHE_HOME/foster/pgdata-0000000000000000"
    echo precious >"$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000/template.sqlite3"

    foster_pg gc --templates --dry-run
    assert_exit 0
    assert_contains "$OUT" "would drop template $server"
    assert_contains "$OUT" "would remove cached template $sqlite_entry"
    assert_contains "$OUT" "would remove cached $pgdata_entry"
    assert_eq "$fake_db
$server" "$(cached_templates)" "the server's templates after --dry-run"
    assert_file_exists "$sqlite_entry/identity"
    assert_file_exists "$pgdata_entry/PG_VERSION"

    foster_pg gc --templates
    assert_exit 0
    assert_contains "$OUT" "dropped template $server"
    assert_contains "$OUT" "removed cached template $sqlite_entry"
    assert_contains "$OUT" "removed cached $pgdata_entry"
    assert_contains "$OUT" "removed cached $pgtpl_entry"
    assert_contains "$OUT" "left database $fake_db: it does not carry foster's template marker"
    assert_contains "$OUT" "left $XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000: it does not carry foster's marker"
    assert_contains "$OUT" "left $XDG_CACHE_HOME/foster/pgdata-0000000000000000: it does not carry foster's marker"
    assert_eq "$fake_db" "$(cached_templates)" "the server's templates after gc --templates"
    assert_eq "Precious" "$(psql_admin "SELECT string_agg(name, ',') FROM person" "$fake_db")" \
        "the look-alike's rows"
    assert_file_absent "$sqlite_entry"
    assert_file_absent "$pgdata_entry"
    assert_file_absent "$pgtpl_entry"
    assert_eq precious "$(cat "$XDG_CACHE_HOME/foster/templates/sqlite-3.0.0-0000/template.sqlite3")" \
        "the SQLite look-alike"
    assert_file_exists "$XDG_CACHE_HOME/foster/pgdata-0000000000000000"
    drop_database "$fake_db"
    assert_runtime_empty
}

test_template_unused_for_fourteen_days_is_evicted_by_the_next_build() {
    use_case basic
    foster_pg run -- true
    local old
    old=$(cached_templates)
    assert_matches "$old" '^foster_tpl_[0-9a-f]{32}$' "the first template"
    # Its marker as fifteen days without use would leave it.
    local comment
    comment=$(psql_admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$old'")
    comment=$(sed -E "s/used [0-9]+$/used $(($(date +%s) - 15 * 24 * 3600))/" <<<"$comment")
    psql_admin "COMMENT ON DATABASE \"$old\" IS '$comment'" >/dev/null
    local fake_db=foster_tpl_00000000000000000000000000000000
    make_unmarked_database "$fake_db"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    foster_pg -v run -- true
    assert_exit 0
    assert_contains "$ERR" "template cache: kept"
    local now
    now=$(cached_templates)
    assert_eq 2 "$(wc -l <<<"$now")" "templates after the second build: $now"
    assert_contains "$now" "$fake_db" "the unmarked look-alike"
    assert_not_contains "$now" "$old" "the template unused for 15 days"
    drop_database "$fake_db"
    assert_runtime_empty
}

test_cluster_keeps_its_loaded_data_directory_and_the_next_run_clones_it() {
    use_case basic
    export XDG_CACHE_HOME=$WORK/cache # its own cache: the first run is a miss
    local names="SELECT string_agg(name, ',' ORDER BY id) FROM person"
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_eq "Ada,Grace,Linus" "$OUT" "rows of the first run"
    assert_contains "$ERR" "template cache: miss"
    assert_contains "$ERR" "no data directory cached for these inputs yet"
    local entry
    entry=$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -v '\.lock$')
    assert_matches "$entry" '/pgtpl-[0-9a-f]{16}$' "the cached data directory"
    assert_file_exists "$entry/foster-complete"
    assert_file_exists "$entry/PG_VERSION"
    assert_file_absent "$entry/postmaster.pid"
    # The server's template becomes the run's snapshot (renamed and marked, not
    # copied): a reset restores from it.
    local databases="SELECT string_agg(datname || ':' || datallowconn || ':' || coalesce(shobj_description(oid, 'pg_database') LIKE 'foster test database; run %', false), ',' ORDER BY datname) FROM pg_database WHERE datname NOT LIKE 'template_'"
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$databases\" -d postgres; $PSQL -XAtq -c 'DELETE FROM pet; DELETE FROM person'; \"$FOSTER\" -q reset && $PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_contains "$ERR" "template cache: hit"
    assert_contains "$ERR" "the server started from the data directory cached for them"
    assert_contains "$ERR" "cloned the server's cached template"
    assert_matches "$ERR" "kept a pristine copy in [0-9.]+ ms"
    local id
    id=$(run_line_id)
    assert_eq "postgres:true:false,test_pgbasic_$id:true:true,test_pgbasic_${id}_tpl:false:true
Ada,Grace,Linus" "$OUT" "databases of the cloned run (no foster_tpl_*: it is the snapshot), rows after a reset"
    sed -i 's/Linus/Margaret/' fixtures/person.csv
    run_foster -v -b cluster run -- sh -c "$PSQL -XAtq -c \"$names\""
    assert_exit 0
    assert_eq "Ada,Grace,Margaret" "$OUT" "rows after the fixture changed"
    assert_contains "$ERR" "template cache: miss"
    assert_eq 2 "$(ls -d "$XDG_CACHE_HOME"/foster/pgtpl-* | grep -cv '\.lock$')" "cached data directories"
    assert_runtime_empty
}

# A command for `run` that traps SIGNAL, says it is ready, and on the signal
# records it and exits with STATUS.
write_trapping_command() { # SIGNAL STATUS
    cat >"$WORK/trap.sh" <<EOF
#!/bin/sh
trap 'echo $1 > "$WORK/got"; exit $2' $1
env | grep -E '^(PG[A-Z]+|FOSTER_RUN_ID)=' > "$WORK/env"
: > "$WORK/ready"
while :; do sleep 0.02; done
EOF
    chmod +x "$WORK/trap.sh"
}

test_sigterm_during_postgres_run_reaches_command_and_drops_database() {
    write_trapping_command TERM 7
    start_foster -q -b postgres -u "$APP_URL" -c "$CASES/basic/foster.ini" run -- "$WORK/trap.sh"
    wait_for_file "$WORK/ready"
    local database
    database=$(sed -n 's/^PGDATABASE=//p' "$WORK/env")
    assert_database_exists "$database"
    local started=$EPOCHREALTIME
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_elapsed_between "$started" 0 8 "teardown after SIGTERM" # before the 10 s grace
    assert_eq TERM "$(cat "$WORK/got" 2>/dev/null)" "signal the command received"
    assert_exit 7
    assert_database_absent "$database"
    assert_runtime_empty
}

test_sigterm_during_cluster_run_removes_server() {
    write_trapping_command TERM 7
    start_foster -q -b cluster -c "$CASES/basic/foster.ini" run -- "$WORK/trap.sh"
    wait_for_file "$WORK/ready" 30
    observe_cluster "$(sed -n 's/^PGHOST=//p' "$WORK/env")"
    local id
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    [ -e "$RUNTIME/cluster_$id" ] || fail "no cluster_$id in the runtime directory"
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_eq TERM "$(cat "$WORK/got" 2>/dev/null)" "signal the command received"
    assert_exit 7
    assert_cluster_gone
    assert_file_absent "$RUNTIME/cluster_$id"
    assert_runtime_empty
}

test_sigterm_ends_sleeping_command_on_cluster_with_143() {
    start_foster -q -b cluster -c "$CASES/basic/foster.ini" run -- \
        sh -c "echo \"\$PGHOST\" > '$WORK/host'; : > '$WORK/ready'; exec sleep 30"
    wait_for_file "$WORK/ready" 30
    observe_cluster "$(cat "$WORK/host")"
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_cluster_gone
    assert_runtime_empty
}

test_sigterm_while_cluster_starts_leaves_nothing() {
    start_foster -b cluster -c "$CASES/basic/foster.ini" run -- sleep 30
    local record="" i
    for ((i = 0; i < 1000; i++)); do
        record=$(find "$RUNTIME" -name '*.run' | head -n 1)
        [ -n "$record" ] && break
        kill -0 "$FOSTER_PID" 2>/dev/null || wait_for_exit "$FOSTER_PID" 1
        kill -0 "$FOSTER_PID" 2>/dev/null || fail "foster exited before it wrote a run record"
        sleep 0.005
    done
    [ -n "$record" ] || fail "no run record appeared"
    local id
    id=$(basename "$record" .run)
    sleep 0.1
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    local left
    # shellcheck disable=SC2031 # the test's own TMPDIR (set by the harness)
    left=$(ls -d /dev/shm/foster-cluster_"$id"-* "$TMPDIR"/foster-cluster_"$id"-* /tmp/foster-cluster_"$id"-* 2>/dev/null)
    assert_eq "" "$left" "cluster directories of run $id"
    assert_eq "" "$(processes_naming "foster-cluster_$id")" "processes of run $id's cluster"
    assert_runtime_empty
}

run_tests
