#!/usr/bin/env bash
# cli_check_test.sh — integration tests of the foster command, SQLite backend: `check`: good input
# passes, each kind of bad input is named precisely.
#
#   usage: cli_check_test.sh FOSTER_BINARY [NAME_REGEX]
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
# check: good input passes, each kind of bad input is named precisely.

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

run_tests
