#!/usr/bin/env bash
# cli_test.sh — integration tests of the foster command, SQLite backend: the example project,
# `run` (exit statuses, signals, --keep), up and down.
#
#   usage: cli_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The conventions, assertions and helpers are cli_lib.sh's: each test_*
# function one behaviour of the contract in docs/, in a fresh $WORK and
# $RUNTIME that must be empty afterwards. Output: TAP, then a last line
# "N passed, M failed"; exit 0 only when M is 0.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# The example project (foster.ini at the root, tests/example).

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
# run: exit statuses, signals, --keep.

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
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    # well before the 10 s grace after which what is left gets SIGKILL; loose for a loaded machine
    [ $((SECONDS - started)) -le 8 ] || fail "foster took $((SECONDS - started)) s to stop"
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
# up and down.

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

run_tests
