#!/usr/bin/env bash
# cli_test.sh — integration tests of the foster command, SQLite backend.
#
#   usage: cli_test.sh FOSTER_BINARY [NAME_REGEX]
#
# Each test_* function below is one behaviour of the contract in docs/, named after it.
# It runs in a subshell, in a fresh temporary directory ($WORK, also HOME and
# TMPDIR), with FOSTER_RUNTIME_DIR set to a fresh private directory
# ($RUNTIME, mode 0700). After every test that directory must be empty: no
# test database, run record or journal may outlive the test.
#
# Input projects live in $FOSTER_TEST_DATA/cli/<case>/ (foster.ini, schemas/,
# fixtures/); a test copies the one it needs into $WORK/proj, so it can also
# check that foster wrote nothing there.
#
# Output: TAP ("ok N - name" / "not ok N - name" plus "# " details), then a
# last line "N passed, M failed". Exit status 0 only when M is 0.
# Tests listed in EXPECTED_FAILURES are known bugs of foster: when they fail
# they are reported "not ok ... # TODO" and not counted in M (set
# FOSTER_TEST_STRICT=1 to count them); when they pass, that is an error, so
# that the list is kept honest.
#
# Needs bash, coreutils and python3 (its sqlite3 module reads the databases).
# No network, no server.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
CASES=$DATA/cli
EXAMPLE=$ROOT/foster.ini

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh).

# Unlike the harness's, a dangling link counts as absent.
assert_file_absent() { [ ! -e "$1" ] || fail "expected no file $1"; }

# The number of lines of TEXT that start with PREFIX.
count_lines() {
    local n=0 line
    while IFS= read -r line; do
        [[ $line == "$2"* ]] && n=$((n + 1))
    done <<<"$1"
    echo "$n"
}

assert_error_count() { # N (lines "foster: error: " in $ERR)
    assert_eq "$1" "$(count_lines "$ERR" "foster: error: ")" "number of error lines"
}

# ---------------------------------------------------------------------------
# Helpers.

# Copies tests/data/cli/CASE to $WORK/proj and enters it; remembers its listing.
use_case() {
    rm -rf "$WORK/proj"
    cp -R "$CASES/$1" "$WORK/proj" || fail "no test case $CASES/$1"
    cd "$WORK/proj" || fail "cannot enter $WORK/proj"
    PROJECT_LISTING=$(find . | LC_ALL=C sort)
}

# foster wrote nothing into the project (no database, no temporary file).
assert_project_unchanged() {
    assert_eq "$PROJECT_LISTING" "$(cd "$WORK/proj" && find . | LC_ALL=C sort)" "project files"
}

# Rows of a read-only query as "a|b" lines; NULL shows as <null>.
sql() { # DATABASE_FILE QUERY
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in con.execute(sys.argv[2]):
    print("|".join("<null>" if v is None else str(v) for v in row))
con.close()
EOF
}

# The one test database in the runtime directory (fails unless exactly one).
only_database() {
    local found=("$RUNTIME"/*.sqlite3)
    if [ ${#found[@]} -ne 1 ] || [ ! -e "${found[0]}" ]; then
        fail "expected one database in the runtime directory, found: $(ls -A "$RUNTIME")"
    fi
    DATABASE=${found[0]}
}

database_count() {
    local n=0 f
    for f in "$RUNTIME"/*.sqlite3; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}

# Waits (up to 10 s) until a file exists (unlike the harness's, it does not
# watch foster).
wait_for_file() {
    local i
    for ((i = 0; i < 1000; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.01
    done
    fail "timed out waiting for $1"
}

# A command for `run` that traps SIGNAL, says it is ready, and on the signal
# records it and exits with STATUS.
write_trapping_command() { # SIGNAL STATUS
    cat >"$WORK/trap.sh" <<EOF
#!/bin/sh
trap 'echo $1 > "$WORK/got"; exit $2' $1
: > "$WORK/ready"
while :; do sleep 0.02; done
EOF
    chmod +x "$WORK/trap.sh"
}

# ===========================================================================
# A. The example project (foster.ini at the root, tests/example).

test_example_suite_passes_under_run() {
    run_foster -c "$EXAMPLE" run -- python3 "$ROOT/tests/example/test_transfer.py"
    assert_exit 0
    assert_matches "$ERR" '^OK' "unittest's summary"
    assert_contains "$ERR" "foster: command exited with status 0"
    assert_file_absent "$WORK/example.sqlite3"
    assert_runtime_empty
}

test_example_suite_fails_without_foster() {
    env -u DATABASE_URL python3 "$ROOT/tests/example/test_transfer.py" >"$WORK/out" 2>&1
    local status=$?
    [ "$status" -ne 0 ] || fail "the example's tests passed without foster"
    assert_contains "$(cat "$WORK/out")" "no such table" "the test's output"
    assert_file_absent "$WORK/example.sqlite3"
}

test_run_gives_command_database_environment() {
    cat >"$WORK/probe.sh" <<'EOF'
#!/bin/sh
env | grep -E '^(DATABASE_URL|FOSTER_[A-Z_]+)=' | sort > "$1/env"
stat -c %a "$FOSTER_SQLITE_PATH" > "$1/file_mode"
stat -c %a "$(dirname "$FOSTER_SQLITE_PATH")" > "$1/dir_mode"
EOF
    chmod +x "$WORK/probe.sh"
    run_foster -c "$EXAMPLE" run -- "$WORK/probe.sh" "$WORK"
    assert_exit 0
    local env id path
    env=$(cat "$WORK/env")
    id=$(sed -n 's/^FOSTER_RUN_ID=//p' "$WORK/env")
    path=$(sed -n 's/^FOSTER_SQLITE_PATH=//p' "$WORK/env")
    assert_matches "$id" '^[0-9a-f]{8}$' "FOSTER_RUN_ID"
    assert_eq "$RUNTIME/test_trading_$id.sqlite3" "$path" "FOSTER_SQLITE_PATH"
    assert_contains "$env" "DATABASE_URL=sqlite:///$path"$'\n'
    assert_matches "$env" '^DATABASE_URL=sqlite:////' "DATABASE_URL (four slashes: absolute path)"
    assert_contains "$env" "FOSTER_BACKEND=sqlite"
    assert_eq 600 "$(cat "$WORK/file_mode")" "mode of the database file during the run"
    assert_eq 700 "$(cat "$WORK/dir_mode")" "mode of the runtime directory"
    assert_file_absent "$path"
    assert_runtime_empty
}

test_run_command_sees_tables_and_fixture_rows() {
    cat >"$WORK/count.py" <<'EOF'
import os, sqlite3
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
for table in ["auth_user", "trading_company", "trading_account", "trading_shares",
              "trading_sharestransfer"]:
    print(table, con.execute("SELECT count(*) FROM " + table).fetchone()[0])
print("alice", con.execute("SELECT username FROM auth_user WHERE id = 2").fetchone()[0])
EOF
    run_foster -c "$EXAMPLE" run -- python3 "$WORK/count.py"
    assert_exit 0
    assert_eq "auth_user 4
trading_company 5
trading_account 5
trading_shares 8
trading_sharestransfer 3
alice alice" "$OUT" "rows the command sees"
    assert_runtime_empty
}

test_run_identity_columns_continue_after_loaded_keys() {
    # trading_sharestransfer.id is a bigint identity; its fixture ends at 1057.
    run_foster -q -c "$EXAMPLE" run -- python3 -c 'import os, sqlite3
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
print(con.execute("INSERT INTO trading_sharestransfer (from_account_id, to_account_id, "
                  "company_id, quantity, price) VALUES (1, 2, 1, 5, 10)").lastrowid)'
    assert_exit 0
    assert_eq 1058 "$OUT" "id given to a new row"
    assert_runtime_empty
}

test_run_reports_tables_created_and_rows_loaded() {
    run_foster -c "$EXAMPLE" run -- true
    assert_exit 0
    assert_eq "" "$OUT" "stdout (progress goes to stderr)"
    assert_matches "$ERR" '^foster: created 5 tables in .*auth_user' "tables line"
    assert_matches "$ERR" '^foster: loaded auth_user +4 rows from .*auth_user\.csv'
    assert_matches "$ERR" '^foster: loaded trading_company +5 rows'
    assert_matches "$ERR" '^foster: loaded trading_account +5 rows'
    assert_matches "$ERR" '^foster: loaded trading_shares +8 rows'
    assert_matches "$ERR" '^foster: loaded trading_sharestransfer +3 rows'
    assert_matches "$ERR" '^foster: teardown: removed test_trading_[0-9a-f]{8}'
    assert_runtime_empty
}

test_quiet_run_prints_nothing_of_its_own() {
    run_foster -q -c "$EXAMPLE" run -- sh -c 'echo from-the-command'
    assert_exit 0
    assert_eq "from-the-command" "$OUT" "stdout"
    assert_eq "" "$ERR" "stderr with -q"
    assert_runtime_empty
}

# ===========================================================================
# B. run: exit statuses, signals, --keep.

test_run_exits_with_command_status() {
    local expected
    for expected in 0 1 3 42; do
        run_foster -q -c "$CASES/valid/foster.ini" run -- sh -c "exit $expected"
        assert_exit "$expected"
    done
    assert_runtime_empty
}

test_run_exits_128_plus_signal_when_command_dies_of_it() {
    run_foster -q -c "$CASES/valid/foster.ini" run -- sh -c 'kill -TERM $$'
    assert_exit 143
    run_foster -q -c "$CASES/valid/foster.ini" run -- sh -c 'kill -KILL $$'
    assert_exit 137
    assert_runtime_empty
}

test_run_command_not_found_exits_127() {
    run_foster -c "$CASES/valid/foster.ini" run -- no-such-command-for-foster-tests --flag
    assert_exit 127
    assert_contains "$ERR" "foster: error: no-such-command-for-foster-tests: command not found"
    assert_runtime_empty
}

test_run_non_executable_file_exits_126() {
    printf '#!/bin/sh\necho should not run\n' >"$WORK/not-executable.sh"
    chmod 644 "$WORK/not-executable.sh"
    run_foster -c "$CASES/valid/foster.ini" run -- "$WORK/not-executable.sh"
    assert_exit 126
    assert_contains "$ERR" "foster: error: $WORK/not-executable.sh: Permission denied"
    assert_not_contains "$OUT" "should not run"
    assert_runtime_empty
}

test_run_without_command_exits_125() {
    run_foster -c "$CASES/valid/foster.ini" run
    assert_exit 125
    assert_contains "$ERR" "foster: error: run needs a command: foster run -- CMD [ARGS...]"
    run_foster -c "$CASES/valid/foster.ini" run --
    assert_exit 125
    assert_runtime_empty
}

test_run_with_unknown_option_exits_125() {
    run_foster -c "$CASES/valid/foster.ini" run --bogus -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" "foster: error: unknown option --bogus"
    assert_file_absent "$WORK/ran"
    assert_runtime_empty
}

test_run_passes_command_options_through_without_double_dash() {
    # shellcheck disable=SC2016 # $0 and $1 are the command's own
    run_foster -q -c "$CASES/valid/foster.ini" run sh -c 'echo "$0 $1"; exit 5' first second
    assert_exit 5
    assert_eq "first second" "$OUT" "the command's own arguments"
    assert_runtime_empty
}

# SIGNAL sent to foster while a command that traps it runs.
check_signal_is_forwarded_and_database_removed() { # SIGNAL
    write_trapping_command "$1" 7
    start_foster -c "$CASES/valid/foster.ini" run -- "$WORK/trap.sh"
    wait_for_file "$WORK/ready"
    only_database
    assert_file_exists "$DATABASE"
    kill -"$1" "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    assert_eq "$1" "$(cat "$WORK/got" 2>/dev/null)" "signal the command received"
    assert_exit 7 # the command's own status
    assert_file_absent "$DATABASE"
    assert_runtime_empty
}

test_sigterm_to_foster_reaches_command_and_tears_down() {
    check_signal_is_forwarded_and_database_removed TERM
}

test_sigint_to_foster_reaches_command_and_tears_down() {
    check_signal_is_forwarded_and_database_removed INT
}

test_sighup_to_foster_reaches_command_and_tears_down() {
    check_signal_is_forwarded_and_database_removed HUP
}

test_sigterm_ends_sleeping_command_and_foster_exits_143() {
    start_foster -q -c "$CASES/valid/foster.ini" run -- sh -c ": > '$WORK/ready'; exec sleep 30"
    wait_for_file "$WORK/ready"
    only_database
    local started=$SECONDS
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    assert_exit 143
    [ $((SECONDS - started)) -le 3 ] || fail "foster took $((SECONDS - started)) s to stop"
    assert_file_absent "$DATABASE"
    assert_runtime_empty
}

test_run_keep_leaves_database_until_down() {
    run_foster -c "$CASES/valid/foster.ini" run --keep -- sh -c 'exit 3'
    assert_exit 3
    local id
    id=$(printf '%s\n' "$ERR" | sed -n 's/^foster: kept run \([0-9a-f]*\): .*/\1/p')
    assert_matches "$id" '^[0-9a-f]{8}$' "run id in the kept line"
    local database="$RUNTIME/test_cli_$id.sqlite3"
    assert_contains "$ERR" "foster: kept run $id: DATABASE_URL=sqlite:///$database"
    assert_contains "$ERR" "foster: remove it with: foster down $id"
    assert_file_exists "$database"
    assert_mode "$database" 600
    assert_file_exists "$RUNTIME/$id.run"
    assert_mode "$RUNTIME/$id.run" 600
    assert_eq 4 "$(sql "$database" 'SELECT count(*) FROM person')" "rows kept"

    run_foster -c "$CASES/valid/foster.ini" down "$id"
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed test_cli_$id"
    assert_file_absent "$database"
    assert_file_absent "$RUNTIME/$id.run"
    assert_runtime_empty
}

test_command_ignoring_forwarded_signal_is_killed_after_grace() {
    start_foster -q -c "$CASES/valid/foster.ini" run -- \
        sh -c "trap '' TERM; : > '$WORK/ready'; while :; do sleep 0.05; done"
    wait_for_file "$WORK/ready"
    only_database
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 20 # the grace is 10 s (main.c KILL_GRACE_SECONDS)
    assert_exit 137
    assert_file_absent "$DATABASE"
    assert_runtime_empty
}

test_runtime_directory_must_be_private() {
    chmod 755 "$RUNTIME"
    run_foster -c "$CASES/valid/foster.ini" run -- touch "$WORK/ran"
    local status=$STATUS left
    left=$(ls -A "$RUNTIME")
    chmod 700 "$RUNTIME"
    STATUS=$status
    assert_exit 125
    assert_contains "$ERR" "foster: error: $RUNTIME: the runtime directory is not a private directory of this user"
    assert_eq "" "$left" "files created in a shared runtime directory"
    assert_file_absent "$WORK/ran"
}

test_next_run_reaps_what_a_killed_foster_left() {
    start_foster -q -c "$CASES/valid/foster.ini" run -- \
        sh -c "echo \$\$ > '$WORK/command.pid'; : > '$WORK/ready'; exec sleep 30"
    wait_for_file "$WORK/ready"
    cat "$WORK/command.pid" >>"$WORK/.pids"
    only_database
    kill -KILL "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    kill -TERM "$(cat "$WORK/command.pid")"
    assert_file_exists "$DATABASE" # a killed foster cannot clean up ...
    [ -n "$(ls "$RUNTIME"/*.run 2>/dev/null)" ] || fail "a killed run left no record"
    run_foster -q -c "$CASES/valid/foster.ini" run -- true
    assert_exit 0
    assert_file_absent "$DATABASE" # ... but the next run reaps it (DESIGN: safety rule 2)
    assert_runtime_empty
}

# Kills foster mid-run with SIGKILL; leaves its database, pristine copy and record.
kill_foster_mid_run() {
    start_foster -q -c "$CASES/valid/foster.ini" run -- \
        sh -c "echo \$\$ > '$WORK/command.pid'; : > '$WORK/ready'; exec sleep 30"
    wait_for_file "$WORK/ready"
    cat "$WORK/command.pid" >>"$WORK/.pids"
    only_database
    kill -KILL "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 5
    kill -TERM "$(cat "$WORK/command.pid")"
}

test_gc_dry_run_lists_a_dead_run_and_removes_nothing() {
    kill_foster_mid_run
    local before
    before=$(ls -A "$RUNTIME")
    run_foster -c "$CASES/valid/foster.ini" gc --dry-run
    assert_exit 0
    assert_matches "$OUT" "^would remove run [0-9a-f]{8} \(sqlite:///$DATABASE\), left by dead process [0-9]+$"
    assert_eq "$before" "$(ls -A "$RUNTIME")" "runtime directory after --dry-run"
    run_foster -c "$CASES/valid/foster.ini" gc
    assert_exit 0
    assert_matches "$OUT" "^removed run [0-9a-f]{8} \(sqlite:///$DATABASE\), left by dead process [0-9]+$"
    assert_runtime_empty
}

test_gc_removes_marked_files_no_record_claims_and_leaves_unmarked_ones() {
    kill_foster_mid_run
    rm -f "$RUNTIME"/*.run # the record is lost: only the files remain
    python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('create table t(x)')" \
        "$RUNTIME/test_somebody_else.sqlite3"
    run_foster gc
    assert_exit 0
    assert_contains "$OUT" "removed $DATABASE (no run record claimed it)"
    assert_contains "$OUT" "removed $DATABASE.pristine (no run record claimed it)"
    assert_contains "$OUT" "left $RUNTIME/test_somebody_else.sqlite3: it does not carry foster's marker"
    assert_file_absent "$DATABASE"
    assert_file_exists "$RUNTIME/test_somebody_else.sqlite3" # never touched without the marker
    rm -f "$RUNTIME/test_somebody_else.sqlite3"
}

test_gc_leaves_kept_runs_for_down() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    run_foster -c "$CASES/valid/foster.ini" gc
    assert_exit 0
    assert_eq "" "$(without_other_containers "$OUT")" "gc output with only a kept run"
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

# ===========================================================================
# C. up and down.

test_up_prints_export_lines_and_down_removes_database() {
    run_foster -c "$CASES/valid/foster.ini" up
    assert_exit 0
    local line
    while IFS= read -r line; do
        [[ $line =~ ^export\ [A-Z_]+=\'[^\']*\'$ ]] || fail "stdout line is not an export line: [$line]"
    done <<<"$OUT"
    assert_matches "$ERR" '^foster: created 2 tables in .*: person, pet$' "progress on stderr"
    assert_matches "$ERR" '^foster: remove it with: foster down [0-9a-f]{8}$'
    eval "$OUT"
    assert_eq sqlite "$FOSTER_BACKEND" "FOSTER_BACKEND"
    assert_eq "$RUNTIME/test_cli_$FOSTER_RUN_ID.sqlite3" "$FOSTER_SQLITE_PATH" "FOSTER_SQLITE_PATH"
    assert_eq "sqlite:///$FOSTER_SQLITE_PATH" "$DATABASE_URL" "DATABASE_URL"
    assert_eq 4 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM person')" "person rows"
    assert_eq "1|Rex
2|Tom" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT owner_id, name FROM pet ORDER BY id')" "pet rows"

    run_foster -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "foster: teardown: removed test_cli_$FOSTER_RUN_ID"
    assert_file_absent "$FOSTER_SQLITE_PATH"
    assert_runtime_empty
}

test_quiet_up_is_evaluable_from_project_directory() {
    use_case valid
    eval "$("$FOSTER" -q up 2>"$WORK/up.err")"
    assert_eq "" "$(cat "$WORK/up.err")" "stderr of up -q"
    assert_file_exists "$FOSTER_SQLITE_PATH"
    assert_eq "2" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM pet')" "pet rows"
    run_foster -q down
    assert_exit 0
    assert_eq "" "$ERR" "stderr of down -q"
    assert_file_absent "$FOSTER_SQLITE_PATH"
    assert_project_unchanged
    assert_runtime_empty
}

test_up_json_prints_one_object() {
    run_foster -q -c "$CASES/valid/foster.ini" up --json
    assert_exit 0
    printf '%s' "$OUT" >"$WORK/up.json"
    local fields
    fields=$(python3 - "$WORK/up.json" <<'EOF'
import json, sys
env = json.load(open(sys.argv[1]))
assert isinstance(env, dict), env
for name in sorted(env):
    print("%s=%s" % (name, env[name]))
EOF
    ) || fail "stdout of up --json is not one JSON object: [$OUT]"
    local id
    id=$(printf '%s\n' "$fields" | sed -n 's/^FOSTER_RUN_ID=//p')
    local path="$RUNTIME/test_cli_$id.sqlite3"
    assert_eq "DATABASE_URL=sqlite:///$path
FOSTER_BACKEND=sqlite
FOSTER_RUN_ID=$id
FOSTER_SQLITE_PATH=$path" "$fields" "the JSON object"
    assert_file_exists "$path"
    run_foster -q -c "$CASES/valid/foster.ini" down "$id"
    assert_exit 0
    assert_runtime_empty
}

test_csv_empty_field_is_null_and_quoted_empty_is_empty_string() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    eval "$OUT"
    assert_eq "3|<null>
4|" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT id, email FROM person WHERE id IN (3, 4) ORDER BY id')"
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_down_without_up_says_nothing_to_tear_down_and_exits_0() {
    run_foster -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_eq "foster: nothing to tear down: $CASES/valid/foster.ini: no database left by \`foster up\` for this manifest" "$ERR"
    assert_eq "" "$OUT" "stdout (no unset lines: nothing was torn down)"
    assert_runtime_empty
}

test_down_strict_without_up_exits_1() {
    run_foster -c "$CASES/valid/foster.ini" down --strict
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/valid/foster.ini: no database left by \`foster up\` for this manifest"
    assert_runtime_empty
}

test_down_unknown_run_id_exits_0_and_strict_exits_1() {
    run_foster -c "$CASES/valid/foster.ini" down 0badc0de
    assert_exit 0
    assert_eq "foster: nothing to tear down: no run 0badc0de" "$ERR"
    run_foster -c "$CASES/valid/foster.ini" --strict down 0badc0de
    assert_exit 1
    assert_contains "$ERR" "foster: error: no run 0badc0de"
}

test_down_takes_at_most_one_run_id() {
    run_foster -c "$CASES/valid/foster.ini" down 0badc0de 12345678
    assert_exit 2
    assert_contains "$ERR" "foster: error: down takes at most one RUN_ID"
}

test_two_ups_then_two_downs_remove_both() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    assert_eq 2 "$(database_count)" "databases after two ups"
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_eq 1 "$(database_count)" "databases after one down"
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
    run_foster -q -c "$CASES/valid/foster.ini" down --strict
    assert_exit 1
}

test_down_removes_the_newest_up_first() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    local first
    first=$(export_value "$OUT" FOSTER_SQLITE_PATH)
    sleep 1.1 # run records keep their start time in whole seconds
    run_foster -q -c "$CASES/valid/foster.ini" up
    local second
    second=$(export_value "$OUT" FOSTER_SQLITE_PATH)
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_file_absent "$second"
    assert_file_exists "$first"
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_down_leaves_other_manifests_databases_alone() {
    run_foster -q -c "$EXAMPLE" up
    assert_exit 0
    local example_database
    example_database=$(export_value "$OUT" FOSTER_SQLITE_PATH)
    run_foster -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_contains "$ERR" "foster: nothing to tear down: "
    assert_file_exists "$example_database"
    run_foster -q -c "$EXAMPLE" down
    assert_exit 0
    assert_runtime_empty
}

test_down_refuses_database_without_marker() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    eval "$OUT"
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA application_id = 0"); c.commit()' \
        "$FOSTER_SQLITE_PATH"
    run_foster -c "$CASES/valid/foster.ini" down "$FOSTER_RUN_ID"
    local status=$STATUS
    [ -e "$FOSTER_SQLITE_PATH" ]
    local still_there=$?
    rm -f "$RUNTIME"/* # what foster rightly left alone
    STATUS=$status
    assert_exit 1
    assert_contains "$ERR" "does not carry foster's marker; leaving it alone"
    assert_eq 0 "$still_there" "the unmarked database is still there"
}

test_down_forgets_run_whose_database_is_gone() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    eval "$OUT"
    rm "$FOSTER_SQLITE_PATH" # e.g. a reboot emptied /dev/shm, or a user removed it
    run_foster -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_file_absent "$RUNTIME/$FOSTER_RUN_ID.run"
    assert_runtime_empty
}

test_up_with_manifest_error_exits_2_and_leaves_nothing() {
    use_case ini_unknown_key
    run_foster up
    assert_exit 2
    assert_eq "" "$OUT" "stdout (nothing to eval)"
    assert_contains "$ERR" 'foster: error: foster.ini:6: unknown key "colour"'
    assert_project_unchanged
    assert_runtime_empty
}

test_up_with_fixture_error_exits_1_and_leaves_nothing() {
    use_case fk_violation
    run_foster up
    assert_exit 1
    assert_eq "" "$OUT" "stdout (nothing to eval)"
    assert_contains "$ERR" "foster: error: fixtures/pet.csv:3:"
    assert_project_unchanged
    assert_runtime_empty
}

# ===========================================================================
# D. load.

# `up` with the example manifest; exports its environment.
up_example() {
    run_foster -q -c "$EXAMPLE" up
    assert_exit 0
    eval "$OUT"
}

down_example() {
    unset DATABASE_URL
    run_foster -q -c "$EXAMPLE" down
    assert_exit 0
    assert_runtime_empty
}

# `reset` works from the run's record alone: it reads neither the manifest nor
# the schema files (here both are FIFOs nobody writes: reading one would
# block until the timeout).
test_reset_reads_only_the_run_record() {
    use_case valid
    run_foster -q up
    assert_exit 0
    eval "$OUT"
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(sys.argv[2])' \
        "$FOSTER_SQLITE_PATH" 'DELETE FROM pet; DELETE FROM person'
    rm schemas/person.sql foster.ini
    mkfifo schemas/person.sql foster.ini
    local id=$FOSTER_RUN_ID
    unset FOSTER_RUN_ID # the last `up` of this manifest, found by its path
    timeout 20 "$FOSTER" reset >"$WORK/.stdout" 2>"$WORK/.stderr"
    STATUS=$? ERR=$(<"$WORK/.stderr")
    assert_exit 0
    assert_matches "$ERR" "^foster: reset test_cli_$id in [0-9.]+ ms$"
    assert_eq "4|2" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows after reset"
    rm schemas/person.sql foster.ini
    cp "$CASES/valid/foster.ini" foster.ini
    run_foster -q down "$id"
    assert_exit 0
    unset DATABASE_URL FOSTER_SQLITE_PATH
    assert_runtime_empty
}

# The template cache: the second run from the same inputs copies the database
# the first one built; a changed fixture is a new key (never stale);
# --no-cache and `cache = false` build from the inputs.
count_people() {
    # shellcheck disable=SC2016 # the command's own variable
    run_foster "$@" run -- sh -c 'python3 -c "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute(\"SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)\").fetchone())" "$FOSTER_SQLITE_PATH"'
    assert_exit 0
}

test_template_cache_serves_same_inputs_and_never_stale_ones() {
    use_case valid
    count_people -v
    assert_eq "4 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows of the first run"
    assert_contains "$ERR" "foster: template cache: miss (no template made from these inputs yet, key "
    assert_contains "$ERR" "foster: loaded person"
    local templates=$HOME/.cache/foster/templates
    assert_eq 1 "$(find "$templates" -mindepth 1 -maxdepth 1 | wc -l)" "cache entries"
    assert_matches "$(find "$templates" -mindepth 1 | LC_ALL=C sort | sed "s|$templates/||")" \
        '^sqlite-[0-9.]+-[0-9a-f]{32}
sqlite-[0-9.]+-[0-9a-f]{32}/identity
sqlite-[0-9.]+-[0-9a-f]{32}/template\.sqlite3$' "the entry"
    count_people
    assert_eq "4 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows of the run from the template"
    assert_matches "$ERR" "foster: copied the cached template [0-9a-f]{32} \\(2 tables with their fixtures\\) in [0-9.]+ ms"
    assert_not_contains "$ERR" "foster: loaded person"
    printf '5,Edsger,\n' >>fixtures/person.csv
    count_people -v
    assert_eq "5 2" "$(grep -v '^foster: ' <<<"$OUT")" "rows after the fixture changed"
    assert_contains "$ERR" "foster: template cache: miss"
    assert_contains "$ERR" "foster: loaded person"
    assert_eq 2 "$(find "$templates" -mindepth 1 -maxdepth 1 | wc -l)" "cache entries"
    count_people -v --no-cache
    assert_contains "$ERR" "foster: template cache: off (--no-cache)"
    assert_contains "$ERR" "foster: loaded person"
    sed -i 's/^\[foster\]$/[foster]\ncache = false/' foster.ini
    count_people -v
    assert_contains "$ERR" "foster: template cache: off (cache = false in the manifest)"
    assert_contains "$ERR" "foster: loaded person"
    assert_runtime_empty
}

test_cached_sqlite_snapshot_links_the_template_and_reset_leaves_it_unchanged() {
    use_case valid
    run_foster -q run -- true # builds the template
    assert_exit 0
    local template
    template=$(ls "$HOME"/.cache/foster/templates/sqlite-*/template.sqlite3)
    assert_file_exists "$template"
    [ "$(stat -c %d "$template")" == "$(stat -c %d "$RUNTIME")" ] ||
        skip "the cache and the runtime directory are on different file systems: no link"
    local before
    before=$(sha256sum <"$template")
    run_foster -q up
    assert_exit 0
    eval "$OUT"
    assert_eq "$(stat -c %i "$template")" "$(stat -c %i "$FOSTER_SQLITE_PATH.pristine")" \
        "inode of the snapshot and of the cached template"
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(sys.argv[2])' \
        "$FOSTER_SQLITE_PATH" 'DELETE FROM pet; DELETE FROM person'
    run_foster -q reset
    assert_exit 0
    assert_eq "4|2" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM pet)')" \
        "rows after reset"
    run_foster -q down
    assert_exit 0
    assert_eq "$before" "$(sha256sum <"$template")" "the cached template after the run"
    assert_eq 1 "$(stat -c %h "$template")" "links to the cached template after down"
    unset DATABASE_URL FOSTER_SQLITE_PATH FOSTER_RUN_ID
    assert_runtime_empty
}

test_load_into_up_database_adds_rows() {
    up_example
    run_foster -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded auth_user +2 rows from $CASES/load/more/auth_user.csv"
    assert_eq "1,2,3,4,5,6" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT group_concat(id) FROM (SELECT id FROM auth_user ORDER BY id)')"
    assert_eq "erin" "$(sql "$FOSTER_SQLITE_PATH" 'SELECT username FROM auth_user WHERE id = 6')"
    down_example
}

test_load_url_option_names_the_database() {
    up_example
    local url=$DATABASE_URL
    unset DATABASE_URL
    run_foster -q -c "$EXAMPLE" load --url "$url" "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq 6 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM auth_user')"
    down_example
}

test_load_without_url_targets_the_last_up() {
    run_foster -q -c "$EXAMPLE" up
    assert_exit 0
    local path
    path=$(export_value "$OUT" FOSTER_SQLITE_PATH)
    run_foster -q -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq 6 "$(sql "$path" 'SELECT count(*) FROM auth_user')"
    down_example
}

# A SQLite database foster did not make, with one auth_user row.
make_foreign_database() { # PATH
    python3 - "$1" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("""CREATE TABLE auth_user (id integer PRIMARY KEY, password text, last_login text,
    is_superuser integer, username text, first_name text, last_name text, email text,
    is_staff integer, is_active integer, date_joined text)""")
con.execute("INSERT INTO auth_user (id, username) VALUES (1, 'precious')")
con.commit()
con.close()
EOF
}

test_load_refuses_database_without_marker() {
    make_foreign_database "$WORK/prod.sqlite3"
    run_foster -c "$EXAMPLE" load --url "sqlite:///$WORK/prod.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: refusing to load into sqlite:///$WORK/prod.sqlite3: it is not a database foster created"
    assert_contains "$ERR" "hint: use --force"
    assert_eq "1|precious" "$(sql "$WORK/prod.sqlite3" 'SELECT id, username FROM auth_user')" "data"
    assert_eq "prod.sqlite3" "$(cd "$WORK" && ls -- *.sqlite3*)" "files beside the database"
    assert_runtime_empty
}

test_load_force_still_refuses_name_without_test() {
    make_foreign_database "$WORK/prod.sqlite3"
    run_foster -c "$EXAMPLE" load --force --url "sqlite:///$WORK/prod.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 1
    assert_contains "$ERR" "it is not a database foster created"
    assert_contains "$ERR" 'hint: --force works only for databases whose name contains "test"'
    assert_eq "1|precious" "$(sql "$WORK/prod.sqlite3" 'SELECT id, username FROM auth_user')" "data"
}

test_load_force_loads_into_name_with_test() {
    make_foreign_database "$WORK/my_test.sqlite3"
    run_foster -q -c "$EXAMPLE" load --force --url "sqlite:///$WORK/my_test.sqlite3" "$CASES/load/more/auth_user.csv"
    assert_exit 0
    assert_eq "1|precious
5|dave
6|erin" "$(sql "$WORK/my_test.sqlite3" 'SELECT id, username FROM auth_user ORDER BY id')" "data"
}

test_load_csv_matching_no_table_names_the_file() {
    up_example
    run_foster -c "$EXAMPLE" load "$CASES/load/unmatched/nothing_like_this.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/unmatched/nothing_like_this.csv: no table of $EXAMPLE takes this file"
    down_example
}

test_load_foreign_key_violation_names_line_and_loads_nothing() {
    up_example
    # auth_user.csv is fine and comes first; the second file breaks a foreign key.
    run_foster -c "$EXAMPLE" load "$CASES/load/more/auth_user.csv" "$CASES/load/bad_fk/trading_shares.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad_fk/trading_shares.csv:3:5: column \"account_id\" = 99: no row of \"trading_account\" has id = 99 (foreign key violation)"
    assert_eq 4 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM auth_user')" "auth_user rows (rolled back)"
    assert_eq 8 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM trading_shares')" "trading_shares rows"
    down_example
}

test_load_unique_violation_names_line_and_loads_nothing() {
    run_foster -q -c "$CASES/valid/foster.ini" up
    assert_exit 0
    eval "$OUT"
    run_foster -c "$CASES/valid/foster.ini" load "$CASES/load/bad_people/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad_people/person.csv:3:12: cannot load row into \"person\": UNIQUE constraint failed: person.email"
    assert_eq 4 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM person')" "person rows (rolled back)"
    run_foster -c "$CASES/valid/foster.ini" load "$CASES/load/more_people/person.csv"
    assert_exit 0
    assert_eq 5 "$(sql "$FOSTER_SQLITE_PATH" 'SELECT count(*) FROM person')" "person rows"
    unset DATABASE_URL
    run_foster -q -c "$CASES/valid/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_load_needs_a_file() {
    run_foster -c "$EXAMPLE" load
    assert_exit 2
    assert_contains "$ERR" "foster: error: load needs at least one fixture file"
}

# ===========================================================================
# E. check: good input passes, each kind of bad input is named precisely.

# Runs `foster check` in a copy of CASE; asserts the exit status and that
# nothing was written, in the project or the runtime directory.
check_case() { # CASE EXPECTED_STATUS
    use_case "$1"
    run_foster check
    assert_exit "$2"
    assert_eq "" "$OUT" "stdout of check"
    assert_project_unchanged
    assert_runtime_empty
}

test_check_example_manifest_passes() {
    run_foster -c "$EXAMPLE" check
    assert_exit 0
    assert_eq "foster: check: no problems found" "$ERR"
    assert_runtime_empty
}

test_check_valid_project_passes() {
    check_case valid 0
    assert_eq "foster: check: no problems found" "$ERR"
}

test_check_ini_line_without_equals_names_line() {
    check_case ini_line_without_equals 2
    assert_eq 'foster: error: foster.ini:3: cannot read "backend sqlite"; expected "key = value", a [section] header or a comment' "$ERR"
}

test_check_unterminated_section_header_names_line() {
    check_case ini_unterminated_section 2
    assert_eq 'foster: error: foster.ini:4: unterminated section header "[table person"; expected "]" at the end of the line' "$ERR"
}

test_check_unknown_section_names_line() {
    check_case ini_unknown_section 2
    assert_eq 'foster: error: foster.ini:4: unknown section [database]; expected [foster], [postgres], [container], [cluster], [mysql], [mysql-cluster] or [table NAME]' "$ERR"
}

test_check_unknown_key_lists_expected_keys() {
    check_case ini_unknown_key 2
    assert_eq 'foster: error: foster.ini:6: unknown key "colour" in [table person]; expected owner, schema, fixtures, depends or model' "$ERR"
}

test_check_duplicate_table_names_both_lines() {
    check_case ini_duplicate_table 2
    assert_eq 'foster: error: foster.ini:7: duplicate table "person"; the first [table person] is on line 4' "$ERR"
}

test_check_bad_backend_value_names_line() {
    check_case ini_bad_backend 2
    assert_eq 'foster: error: foster.ini:3: unknown backend "oracle" in [foster]; expected sqlite, postgres, cluster, container, mysql or mysql-cluster' "$ERR"
}

test_check_missing_schema_file_names_table_line() {
    check_case missing_schema_file 2
    assert_eq 'foster: error: foster.ini:6: schema file "schemas/ghost.sql" for [table ghost] not found
hint: create it, or name the right file with "schema = FILE" in [table ghost]' "$ERR"
}

test_check_missing_listed_fixture_names_key_line() {
    check_case missing_listed_fixture 2
    assert_eq 'foster: error: foster.ini:5: fixture file "fixtures/people_extra.csv" for [table person] not found
hint: create it, or name the right file with "fixtures = FILE" in [table person]' "$ERR"
}

test_check_depends_on_unknown_table_names_line() {
    check_case depends_unknown_table 2
    assert_eq 'foster: error: foster.ini:5: unknown table "passport" in depends of [table person]; expected a table that has a [table NAME] section in this manifest' "$ERR"
}

test_check_reports_every_manifest_problem() {
    check_case many_manifest_problems 2
    assert_error_count 5
    assert_eq 'foster: error: foster.ini:3: unknown backend "oracle" in [foster]; expected sqlite, postgres, cluster, container, mysql or mysql-cluster
foster: error: foster.ini:4: unknown key "colour" in [foster]; expected name, backend, schemas, fixtures, dialect, cache, schema_dump, prelude or strict
foster: error: foster.ini:6: unknown section [schedule]; expected [foster], [postgres], [container], [cluster], [mysql], [mysql-cluster] or [table NAME]
foster: error: foster.ini:10: duplicate key "owner" in [table person]; the first is on line 9
foster: error: foster.ini:11: unknown table "nowhere" in depends of [table person]; expected a table that has a [table NAME] section in this manifest' "$ERR"
}

test_check_json_lists_every_problem() {
    use_case many_manifest_problems
    run_foster check --json
    assert_exit 2
    printf '%s' "$OUT" >"$WORK/check.json"
    local messages
    messages=$(python3 -c 'import json, sys
for p in json.load(open(sys.argv[1]))["problems"]:
    assert sorted(p) == ["column", "file", "hint", "line", "message"], p
    print("%s|%s|%s|%s|%s" % (p["file"], p["line"], p["column"], p["message"], p["hint"]))' \
        "$WORK/check.json") || fail "stdout of check --json is not JSON objects: [$OUT]"
    assert_eq 5 "$(count_lines "$messages" "foster.ini|")" "problems in the JSON"
    assert_contains "$messages" 'foster.ini|10|None|duplicate key "owner" in [table person]; the first is on line 9|None'
}

test_check_schema_file_without_its_table() {
    check_case schema_without_its_table 1
    assert_eq 'foster: error: schemas/people.sql: does not create table "person"
hint: the schema file of [table person] (line 4 of foster.ini) must contain its CREATE TABLE' "$ERR"
}

test_check_create_type_enum_becomes_text_with_a_check_on_sqlite() {
    check_case ddl_create_type_enum 0
    assert_eq "foster: check: no problems found" "$ERR"
}

test_check_exclude_constraint_names_construct_and_sqlite_file() {
    check_case ddl_exclude_constraint 1
    assert_eq 'foster: error: schemas/booking.sql:11:39: cannot translate "EXCLUDE" constraint to SQLite
hint: write a SQLite version of this table in schemas/booking.sqlite.sql; foster uses it instead of schemas/booking.sql on SQLite' "$ERR"
}

test_check_sqlite_variant_replaces_untranslatable_schema() {
    check_case sqlite_variant_beside_schema 0
    run_foster -q run -- python3 -c 'import os, sqlite3
print(sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"]).execute("SELECT count(*) FROM booking").fetchone()[0])'
    assert_exit 0
    assert_eq 2 "$OUT" "booking rows"
    assert_runtime_empty
}

test_run_sqlite_variant_holds_a_trigger_created_after_the_data() {
    check_case sqlite_variant_with_trigger 0
    run_foster -q run -- python3 -c 'import os, sqlite3
db = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
print(db.execute("SELECT count(*) FROM booking").fetchone()[0],
      db.execute("SELECT count(*) FROM booking_log").fetchone()[0])
db.execute("INSERT INTO booking VALUES (3, 205)")
print(db.execute("SELECT group_concat(booking_id || note, \" \") FROM booking_log").fetchone()[0])'
    assert_exit 0
    assert_eq '2 0
3booked 3suite' "$OUT" "fixture rows, no log rows from the load, then both trigger statements"
    assert_runtime_empty
}

test_check_reference_to_table_outside_manifest() {
    check_case ddl_reference_outside_manifest 1
    assert_eq 'foster: error: schemas/pet.sql:14: "pet" references table "person", which no schema file of the manifest creates
hint: add a [table person] section to foster.ini' "$ERR"
}

test_check_unterminated_string_in_ddl_names_line_and_column() {
    check_case ddl_unterminated_string 1
    assert_eq 'foster: error: schemas/person.sql:3:23: unterminated quoted string
hint: the quoted string that starts here is never closed' "$ERR"
}

test_check_csv_wrong_field_count_names_each_bad_row() {
    check_case csv_wrong_field_count 1
    assert_eq 'foster: error: fixtures/person.csv:3:27: expected 3 fields as in the header (line 1), found 4
foster: error: fixtures/person.csv:4: expected 3 fields as in the header (line 1), found 2' "$ERR"
}

test_check_csv_unterminated_quote_names_where_it_opened() {
    check_case csv_unterminated_quote 1
    assert_eq "foster: error: fixtures/person.csv:3:3: unterminated quoted field (opened at line 3, column 3)
hint: close the field with '\"'; a quote inside it is written twice (\"\")" "$ERR"
}

test_check_csv_unknown_column_names_header_column() {
    check_case csv_unknown_column 1
    assert_eq 'foster: error: fixtures/person.csv:1:9: table "person" has no column "e_mail"
hint: its columns are: id, name, email' "$ERR"
}

test_check_csv_duplicate_column_names_header_column() {
    check_case csv_duplicate_column 1
    assert_eq 'foster: error: fixtures/person.csv:1:9: column "id" appears twice in the header' "$ERR"
}

test_check_csv_null_in_not_null_column_names_field() {
    check_case csv_null_in_not_null 1
    assert_eq 'foster: error: fixtures/person.csv:3:3: NULL in column "name", which is NOT NULL
hint: an unquoted empty field is NULL; write "" for an empty string' "$ERR"
}

test_check_empty_csv_file_is_an_error() {
    check_case csv_empty_file 1
    assert_eq 'foster: error: fixtures/person.csv:1: empty file; expected a header row naming the columns' "$ERR"
}

test_check_reports_problems_of_every_fixture_file() {
    check_case fixture_problems_in_two_files 1
    assert_error_count 2
    assert_contains "$ERR" 'foster: error: fixtures/person.csv:1:9: table "person" has no column "mail"'
    assert_contains "$ERR" 'foster: error: fixtures/pet.csv:3: expected 3 fields as in the header (line 1), found 2'
}

test_check_foreign_key_violation_names_child_row() {
    check_case fk_violation 1
    assert_eq 'foster: error: fixtures/pet.csv:3:3: column "owner_id" = 7: no row of "person" has id = 7 (foreign key violation)
hint: load the "person" row first (list its fixture in the manifest) or fix the value' "$ERR"
}

# pg_dump writes many foreign keys DEFERRABLE INITIALLY DEFERRED (the example's do).
test_check_deferrable_foreign_key_violation_names_child_row() {
    check_case fk_violation_deferrable 1
    assert_matches "$ERR" '^foster: error: fixtures/pet\.csv:3(:3)?: .*foreign key' "first error"
}

test_check_self_reference_to_later_row_passes() {
    check_case self_reference_forward 0
}

test_check_self_reference_to_missing_row_names_line() {
    check_case self_reference_missing 1
    assert_eq 'foster: error: fixtures/category.csv:3:3: column "parent_id" = 9: no row of "category" has id = 9 (foreign key violation)
hint: load the "category" row first (list its fixture in the manifest) or fix the value' "$ERR"
}

test_check_two_table_cycle_passes() {
    check_case fk_cycle 0
}

test_check_unique_violation_names_line_and_column() {
    check_case unique_violation 1
    assert_matches "$ERR" '^foster: error: fixtures/person\.csv:3:9: cannot load row into "person": UNIQUE constraint failed: person\.email$'
}

# Indexes are built after the rows are in; a unique one still names the row
# that repeats a value (by its line: a key may span several columns).
test_check_unique_index_built_after_rows_names_repeating_line() {
    check_case unique_index_after_data 1
    assert_eq 'foster: error: fixtures/item.csv:5: cannot load row into "item": UNIQUE constraint failed: item.code' "$ERR"
}

test_run_builds_the_indexes_of_the_schema() {
    use_case unique_index_after_data
    sed -i 's/^4,B-2,9$/4,E-5,9/' fixtures/item.csv
    cat >"$WORK/probe.py" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(" ".join(r[0] for r in con.execute(
    "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")))
print(con.execute("SELECT count(*) FROM item").fetchone()[0])
try:
    con.execute("INSERT INTO item VALUES (9, 'A-1', 1)")
except sqlite3.IntegrityError as e:
    print(e)
EOF
    # shellcheck disable=SC2016 # the command's own variable
    run_foster -q run -- sh -c 'python3 "$1" "$FOSTER_SQLITE_PATH"' probe "$WORK/probe.py"
    assert_exit 0
    assert_eq 'item_code_idx item_qty_idx
5
UNIQUE constraint failed: item.code' "$OUT" "indexes, rows, a repeated code refused"
}

test_check_unknown_fixture_extension() {
    check_case unknown_fixture_extension 1
    assert_eq 'foster: error: fixtures/person.tsv: unknown fixture format
hint: fixture files end in .csv (RFC 4180 with a header row), .json (Django dumpdata) or .sql' "$ERR"
}

test_check_sql_fixture_error_names_statement_line() {
    check_case sql_fixture_error 1
    assert_eq 'foster: error: fixtures/people.sql:3:1: table person has no column named nickname' "$ERR"
}

test_check_takes_no_arguments() {
    run_foster -c "$EXAMPLE" check extra
    assert_exit 2
    assert_contains "$ERR" "foster: error: check takes no arguments"
}

test_unknown_option_exits_2() {
    run_foster --bogus check
    assert_exit 2
    assert_eq 'foster: error: unknown option --bogus
hint: see foster --help' "$ERR"
}

test_unknown_command_exits_2() {
    run_foster -c "$EXAMPLE" frobnicate
    assert_exit 2
    assert_contains "$ERR" 'foster: error: unknown command "frobnicate"'
}

test_config_option_without_value_exits_2() {
    run_foster check -c
    assert_exit 2
    assert_contains "$ERR" "foster: error: option -c needs a value"
}

test_no_command_prints_usage_and_exits_2() {
    run_foster
    assert_exit 2
    assert_eq "" "$OUT" "stdout"
    assert_contains "$ERR" "usage: foster [OPTIONS] COMMAND [ARGS]"
}

test_version_prints_version() {
    run_foster --version
    assert_exit 0
    local version
    version=$(sed -n "s/^ *version *: *'\\([^']*\\)'.*/\\1/p" "$ROOT/meson.build" | head -n 1)
    assert_eq "foster $version" "$OUT" "version line"
    assert_eq "" "$ERR" "stderr"
}

test_help_prints_usage_on_stdout() {
    run_foster -h
    assert_exit 0
    assert_eq "" "$ERR" "stderr"
    assert_contains "$OUT" "usage: foster [OPTIONS] COMMAND [ARGS]"
    local command
    for command in "run [--keep | --keep-on-failure] [--jobs N] [--] CMD" "up [--jobs N]" \
        "down [--strict] [--json] [RUN_ID]" "load [--url URL] [--force] [--json] FILE" "check "; do
        assert_contains "$OUT" "  $command" "help text"
    done
    run_foster --help
    assert_exit 0
}

test_options_may_follow_the_command() {
    run_foster check -c "$EXAMPLE"
    assert_exit 0
    run_foster check --config="$EXAMPLE" -q
    assert_exit 0
    assert_eq "" "$ERR" "stderr with -q after the command"
}

test_foster_config_names_the_default_manifest() {
    FOSTER_CONFIG=$EXAMPLE run_foster check
    assert_exit 0
    assert_eq "foster: check: no problems found" "$ERR"
}

test_relative_manifest_path_finds_files_beside_it() {
    use_case valid
    cd "$WORK" || fail "cannot enter $WORK"
    run_foster -c proj/foster.ini check
    assert_exit 0
    use_case missing_schema_file
    cd "$WORK" || fail "cannot enter $WORK"
    run_foster -c proj/foster.ini check
    assert_exit 2
    assert_contains "$ERR" 'foster: error: proj/foster.ini:6: schema file "proj/schemas/ghost.sql" for [table ghost] not found'
}

test_missing_manifest_exits_2() {
    mkdir -p "$WORK/a/b"
    cd "$WORK/a/b" || fail "cannot enter $WORK/a/b"
    local expected="" dir
    dir=$(pwd -P)
    while :; do
        expected+="${expected:+, }$dir"
        [ "$dir" == / ] && break
        dir=$(dirname "$dir")
    done
    run_foster check
    assert_exit 2
    assert_eq "foster: error: no foster.ini found; looked in $expected
hint: run foster in the project's folder (or below it), give the manifest with -c FILE, or set FOSTER_CONFIG to its path" "$ERR"
}

test_unknown_backend_option_exits_2() {
    run_foster -c "$EXAMPLE" -b nosuchdb check
    assert_exit 2
    assert_contains "$ERR" 'unknown backend "nosuchdb"'
}

# ===========================================================================
# Fixture loading that must succeed, seen through run.

# Runs QUERY through `foster run` in CASE and checks what the command printed.
assert_run_query() { # CASE QUERY EXPECTED
    use_case "$1"
    run_foster -q run -- python3 -c 'import os, sqlite3, sys
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
for row in con.execute(sys.argv[1]):
    print("|".join("<null>" if v is None else str(v) for v in row))' "$2"
    assert_exit 0
    assert_eq "$3" "$OUT" "rows seen by the command"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_loads_self_reference_to_later_row() {
    assert_run_query self_reference_forward 'SELECT id, parent_id FROM category ORDER BY id' "1|<null>
2|3
3|1"
}

test_run_loads_two_table_cycle() {
    assert_run_query fk_cycle \
        "SELECT (SELECT group_concat(manager_id) FROM (SELECT manager_id FROM department ORDER BY id)), (SELECT count(*) FROM employee)" "10,20|3"
}

test_run_orders_tables_by_ddl_not_manifest() {
    assert_run_query child_listed_first 'SELECT p.name, o.name FROM pet p JOIN person o ON o.id = p.owner_id ORDER BY p.id' "Rex|Ada
Tom|Grace"
}

test_run_loads_fixtures_of_schema_qualified_table() {
    # [table billing.invoice]: on SQLite the table is "invoice" (translate_sqlite.h).
    assert_run_query schema_qualified_table 'SELECT id, customer, total FROM invoice ORDER BY id' "1|Acme|120
2|Globex|80.5"
}

# A foreign key checked after the rows are in names the JSON fixture's line
# and column of the offending value, as a CSV fixture's.
test_check_foreign_key_violation_in_json_fixture_names_line_and_column() {
    use_case json_fixture
    sed -i 's/"owner": 1,/"owner": 7,/' fixtures/data.json
    run_foster check
    assert_exit 1
    assert_eq 'foster: error: fixtures/data.json:5:56: column "owner_id" = 7: no row of "person" has id = 7 (foreign key violation)
hint: load the "person" row first (list its fixture in the manifest) or fix the value' "$ERR"
}

test_run_loads_django_json_fixture_into_mapped_tables() {
    # One dumpdata file feeds two tables through their model keys; the pet
    # listed before its owner still loads (tables go in dependency order), the
    # foreign key "owner" lands in owner_id, and true/false become 1/0.
    assert_run_query json_fixture 'SELECT p.id, p.name, q.name, q.active FROM pet p JOIN person q ON q.id = p.owner_id ORDER BY p.id' "1|Rex|Grace|0
2|Tom|Ada|1"
}

test_check_json_field_matching_no_column_names_its_place() {
    check_case json_unknown_field 1
    assert_eq 'foster: error: fixtures/data.json:4:42: field "colour" of people.pet (pk 1) matches no column of the table; tried "colour" and "colour_id"
hint: remove the field from the fixture, or add the column to the table' "$ERR"
}

test_check_json_model_without_table_is_reported_once() {
    check_case json_unmapped_model 1
    # shellcheck disable=SC2016 # backquotes of the message, not a command
    assert_eq 'foster: error: fixtures/data.json:3: model people.vet is not mapped to any table of foster.ini
hint: add `model = people.vet` to the section of the table it fills' "$ERR"
}

test_run_loads_every_file_of_a_fixture_list() {
    assert_run_query two_fixture_files 'SELECT group_concat(id) FROM (SELECT id FROM person ORDER BY id)' "1,2,3,4,5"
}

test_run_reads_rfc4180_csv_with_bom_and_crlf() {
    assert_run_query csv_rfc4180 "SELECT id, replace(name, char(13), '<CR>'), email FROM person ORDER BY id" '1|Ada, Countess<CR>
of Lovelace|say "hi"
2|Grace|<null>'
}

test_run_loads_sql_fixture_statements() {
    assert_run_query sql_fixture 'SELECT id, name, email FROM person ORDER BY id' "1|Ada|ada@example.com
2|O'Brien|<null>"
}

# ===========================================================================
# F. Bad input through run: 125, the command never starts, nothing is left.

check_run_refuses_case() { # CASE EXPECTED_MESSAGE_PREFIX
    use_case "$1"
    run_foster run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: $2"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_with_manifest_error_exits_125() {
    check_run_refuses_case ini_unknown_key 'foster.ini:6: unknown key "colour"'
}

test_run_with_missing_schema_file_exits_125() {
    check_run_refuses_case missing_schema_file 'foster.ini:6: schema file "schemas/ghost.sql"'
}

test_run_with_untranslatable_ddl_exits_125() {
    check_run_refuses_case ddl_exclude_constraint 'schemas/booking.sql:11:39: cannot translate "EXCLUDE" constraint'
}

test_run_with_csv_syntax_error_exits_125() {
    check_run_refuses_case csv_unterminated_quote 'fixtures/person.csv:3:3: unterminated quoted field'
}

test_run_with_foreign_key_violation_exits_125_and_removes_database() {
    check_run_refuses_case fk_violation 'fixtures/pet.csv:3:3: column "owner_id" = 7'
}

test_run_with_unique_violation_exits_125_and_removes_database() {
    check_run_refuses_case unique_violation 'fixtures/person.csv:3:9: cannot load row into "person"'
}

test_run_with_untranslatable_mysql_ddl_exits_125() {
    check_run_refuses_case mysql_untranslatable 'schemas/place.sql:4:14: cannot translate the type of place.location to SQLite'
    assert_contains "$ERR" "hint: write a SQLite version of this table in schemas/place.sqlite.sql"
}

# ===========================================================================
# The owner's MySQL DDL as mariadb-dump writes it (tests/data/cli/mysql_dump).

test_run_mysql_dump_on_sqlite_loads_rows_and_notes_the_trigger() {
    use_case mysql_dump
    run_foster run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" "INSERT INTO record (title) VALUES (\"x\");
        SELECT group_concat(id || \"-\" || format, \",\") FROM record;
        SELECT count(*) FROM record_log;" && ! sqlite3 "$FOSTER_SQLITE_PATH" \
        "INSERT INTO record (title, format) VALUES (\"y\", \"cassette\")" 2>/dev/null'
    assert_exit 0
    assert_eq "$(printf '1-lp,2-cd,3-lp\n0')" "$OUT" "rows, the next key, the ENUM's default; no trigger ran"
    assert_contains "$ERR" "foster: note: schemas/record.sql:20:10: trigger record_ai on record is not created on SQLite"
    assert_not_contains "$ERR" "ON UPDATE"
    run_foster -v run -- true
    assert_contains "$ERR" "foster: note: schemas/record.sql:14:63: ON UPDATE of record.updated_at left out"
    assert_project_unchanged
    assert_runtime_empty
}

test_run_tables_taken_out_of_a_whole_mariadb_dump() {
    local manifest="$FOSTER_TEST_DATA/mysql/dump/foster.ini" # schema_dump = shop_dump.sql
    run_foster -c "$manifest" -b sqlite run -- sh -c 'sqlite3 "$FOSTER_SQLITE_PATH" \
        "SELECT count(*) FROM artist; SELECT group_concat(id) FROM album;
         SELECT count(*) FROM sqlite_master WHERE type = \"index\" AND name NOT LIKE \"sqlite_%\""'
    assert_exit 0
    assert_eq "$(printf '3\n100,101,102,103\n4')" "$OUT" "rows of both tables; the four KEYs as indexes"
    assert_contains "$ERR" "shop_dump.sql:56:10: trigger album_after_insert on album is not created on SQLite"
    run_foster -c "$manifest" -b postgres check
    assert_exit 1
    assert_contains "$ERR" 'shop_dump.sql:2: this is MySQL DDL (the dump header "-- MariaDB dump")'
    assert_runtime_empty
}

test_check_mysql_dump_for_a_postgresql_backend_names_file_and_line() {
    use_case mysql_dump
    run_foster -b postgres check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: schemas/record.sql:2: this is MySQL DDL (the dump header "-- MariaDB dump"), but the backend runs PostgreSQL DDL'
    printf '[foster]\ndialect = postgresql\n[table record]\n' >foster.ini
    run_foster check # read as PostgreSQL, as the manifest says: the backquotes are not names
    assert_exit 1
    assert_contains "$ERR" "foster: error: schemas/record.sql:9:14: expected a table name after CREATE TABLE"
    assert_runtime_empty
}

# ===========================================================================
# Real pg_dump output (tests/data/ddl, shared with the DDL unit tests).

test_pgdump_samples_provision_and_load() {
    local manifest="$CASES/pgdump_samples/foster.ini"
    run_foster -c "$manifest" check
    assert_exit 0
    cat >"$WORK/samples.py" <<'EOF'
import os, sqlite3
con = sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"])
con.execute("PRAGMA foreign_keys = ON")
def one(sql):
    return con.execute(sql).fetchone()[0]
for table in ["author", "book", "category", "department", "employee", "UserProfile",
              "invoice"]:
    print(table, one('SELECT count(*) FROM "%s"' % table))
print("category 2 parent", one("SELECT parent_id FROM category WHERE id = 2"))
# serial and identity columns still hand out keys, past the loaded ones
print("next author", con.execute(
    "INSERT INTO author (name, email) VALUES ('New', 'new@example.com')").lastrowid)
print("next profile", con.execute(
    "INSERT INTO \"UserProfile\" (\"displayName\") VALUES ('terry')").lastrowid)
try:
    con.execute("INSERT INTO book (author_id, title) VALUES (42, 'no such author')")
    print("foreign keys not enforced")
except sqlite3.IntegrityError as e:
    print("book fk:", e)
EOF
    run_foster -c "$manifest" run -- python3 "$WORK/samples.py"
    assert_exit 0
    assert_eq "author 2
book 2
category 3
department 1
employee 2
UserProfile 1
invoice 0
category 2 parent 3
next author 3
next profile 2
book fk: FOREIGN KEY constraint failed" "$OUT" "what the command saw"
    assert_runtime_empty
}

# ===========================================================================
# The runner.

before_all() {
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
}

prepare_environment() {
    unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
}

run_tests
