#!/usr/bin/env bash
# conventions_test.sh — the foster command's conventions, SQLite backend:
# GNU option syntax, help per command, `down` when there is nothing to tear
# down and its unset lines, the manifest found in parent folders, the live
# load progress on a terminal, `run --keep-on-failure`, --json on every
# command that reports, and plurals.
#
#   usage: conventions_test.sh FOSTER_BINARY [NAME_REGEX]
#
# Runs as cli_test.sh does (tests/harness.sh): each test_* function alone, in
# a fresh $WORK, with FOSTER_RUNTIME_DIR=$RUNTIME, which must be empty after
# the test. Terminal behaviour is tested under a pseudo-terminal (script(1)
# from util-linux). Needs bash, coreutils, python3 and script. No server.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
CASES=$DATA/cli
EXAMPLE=$ROOT/foster.ini
VALID=$CASES/valid/foster.ini

before_all() {
    command -v script >/dev/null || {
        echo "Bail out! script(1) (util-linux) is needed for the terminal tests"
        exit 1
    }
}

# ---------------------------------------------------------------------------
# Helpers.

# Runs foster under a pseudo-terminal (stdin, stdout and stderr all on it);
# sets STATUS and TTY_OUT (everything it wrote, \r included).
run_foster_in_terminal() {
    local line="" arg
    for arg in "$FOSTER" "$@"; do line+=" $(printf '%q' "$arg")"; done
    TERM=xterm script -qefc "$line" /dev/null >"$WORK/.tty" 2>&1 </dev/null
    STATUS=$?
    TTY_OUT=$(<"$WORK/.tty")
}

# A project in $WORK/proj with one table `item` (id, name) and FIXTURE as its CSV.
make_item_project() { # CSV_TEXT
    mkdir -p "$WORK/proj/schemas" "$WORK/proj/fixtures"
    printf '[foster]\nname = conv\n\n[table item]\nowner = someone\n' >"$WORK/proj/foster.ini"
    printf 'CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL);\n' \
        >"$WORK/proj/schemas/item.sql"
    printf '%s' "$1" >"$WORK/proj/fixtures/item.csv"
}

# JSON on stdin, printed by the Python expression EXPR over `doc`.
json_eval() { # EXPR
    python3 -c 'import json, sys
doc = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" <<<"$OUT" || fail "stdout is not JSON: [$OUT]"
}

# ===========================================================================
# GNU getopt_long conventions.

test_option_values_attached_separate_or_after_equals() {
    local form
    for form in "-bsqlite" "-b sqlite" "--backend=sqlite" "--backend sqlite" "--back=sqlite"; do
        # shellcheck disable=SC2086 # the form is two words or one on purpose
        run_foster -c"$VALID" $form check
        assert_exit 0
        assert_eq "foster: check: no problems found" "$ERR" "stderr with $form"
    done
    run_foster "--config=$VALID" -bnosuchdb check
    assert_exit 2
    assert_contains "$ERR" 'unknown backend "nosuchdb"' "stderr with -bnosuchdb"
}

test_options_may_follow_the_command_in_every_form() {
    run_foster check -q "--config=$VALID" -bsqlite
    assert_exit 0
    assert_eq "" "$ERR" "stderr with -q after the command"
}

test_double_dash_ends_options() {
    run_foster -c "$VALID" check -- --json
    assert_exit 2
    assert_eq "" "$OUT" "stdout: --json after -- is an argument, not the option"
    assert_eq 'foster: error: check takes no arguments
hint: see foster help check' "$ERR"
}

test_run_leaves_options_after_its_command_to_it() {
    run_foster -q -c "$VALID" run printf '%s|' --json -q -- --keep
    assert_exit 0
    assert_eq "--json|-q|--|--keep|" "$OUT" "the arguments the command got"
    assert_runtime_empty
}

test_option_of_another_command_is_refused() {
    run_foster -c "$VALID" check --keep
    assert_exit 2
    assert_eq 'foster: error: --keep is not an option of `foster check`
hint: see foster help check' "$ERR"
    run_foster -c "$VALID" --dry-run up
    assert_exit 2
    assert_contains "$ERR" 'foster: error: --dry-run is not an option of `foster up`'
    assert_runtime_empty
}

test_missing_option_value_names_the_option_as_written() {
    run_foster check --config
    assert_exit 2
    assert_eq 'foster: error: option --config needs a value
hint: see foster help check' "$ERR"
    run_foster -c
    assert_exit 2
    assert_eq 'foster: error: option -c needs a value
hint: see foster --help' "$ERR"
    run_foster -c "$VALID" run --keep -x -- true
    assert_exit 125
    assert_eq 'foster: error: unknown option -x
hint: see foster help run' "$ERR"
}

# ===========================================================================
# Help.

test_help_command_and_command_help_print_that_commands_usage() {
    local command
    for command in run up down load reset check wait gc help; do
        run_foster help "$command"
        assert_exit 0
        assert_eq "" "$ERR" "stderr of help $command"
        local help=$OUT
        assert_matches "$help" "^usage: foster $command " "first line of help $command"
        assert_contains "$help" "common options" "help $command"
        assert_contains "$help" "exit status: " "help $command"
        assert_not_contains "$help" "usage: foster [OPTIONS]" "help $command"
        run_foster "$command" --help
        assert_exit 0
        assert_eq "$help" "$OUT" "$command --help, as help $command"
        run_foster -h "$command"
        assert_eq "$help" "$OUT" "-h $command, as help $command"
    done
    assert_runtime_empty
}

test_each_command_help_lists_only_its_own_options() {
    run_foster help run
    assert_contains "$OUT" "--keep-on-failure"
    assert_contains "$OUT" "-j, --jobs N"
    assert_not_contains "$OUT" "--dry-run"
    assert_not_contains "$OUT" "--json"
    run_foster down --help
    assert_contains "$OUT" "--strict"
    assert_contains "$OUT" "--json"
    assert_not_contains "$OUT" "--keep"
    run_foster help gc
    assert_contains "$OUT" "--dry-run"
    assert_not_contains "$OUT" "--timeout"
}

test_help_without_command_prints_the_global_usage() {
    run_foster help
    assert_exit 0
    local global=$OUT
    assert_matches "$global" '^usage: foster \[OPTIONS\] COMMAND \[ARGS\]$'
    run_foster --help
    assert_eq "$global" "$OUT" "--help, as help"
}

test_help_all_prints_every_commands_usage() {
    run_foster help --all
    assert_exit 0
    local command
    assert_matches "$OUT" '^usage: foster \[OPTIONS\] COMMAND \[ARGS\]$'
    for command in run up down load reset check wait gc help; do
        assert_matches "$OUT" "^usage: foster $command " "help --all"
    done
}

test_help_of_unknown_command_exits_2() {
    run_foster help frobnicate
    assert_exit 2
    assert_eq "" "$OUT" "stdout"
    assert_eq 'foster: error: no command "frobnicate"
hint: see foster --help for the list of commands' "$ERR"
}

test_run_help_runs_nothing() {
    run_foster -c "$VALID" run --help -- touch "$WORK/ran"
    assert_exit 0
    assert_matches "$OUT" "^usage: foster run "
    assert_file_absent "$WORK/ran"
    assert_runtime_empty
}

# ===========================================================================
# down.

test_down_with_nothing_to_tear_down_exits_0_and_says_so() {
    run_foster -c "$VALID" down
    assert_exit 0
    assert_eq "" "$OUT" "stdout"
    assert_contains "$ERR" "foster: nothing to tear down: "
    run_foster -c "$VALID" down --strict
    assert_exit 1
    assert_contains "$ERR" "foster: error: "
}

test_eval_down_unsets_what_eval_up_exported() {
    local exported
    exported=$("$FOSTER" -q -c "$VALID" up --jobs 2) || fail "foster up failed"
    eval "$exported"
    local path=$FOSTER_SQLITE_PATH
    assert_file_exists "$path"
    run_foster -q -c "$VALID" down
    assert_exit 0
    local names unsets
    names=$(printf '%s\n' "$exported" | sed -n 's/^export \([A-Z_0-9]*\)=.*/\1/p' | sort)
    unsets=$(printf '%s\n' "$OUT" | sed -n 's/^unset //p' | sort)
    assert_eq "$names" "$unsets" "variables unset by down, as exported by up"
    assert_eq "$(printf '%s\n' "$OUT" | grep -c .)" "$(printf '%s\n' "$OUT" | grep -c '^unset ')" \
        "every line of stdout is an unset line"
    eval "$OUT"
    [ -z "${DATABASE_URL+x}" ] || fail "DATABASE_URL still set after eval \"\$(foster down)\""
    [ -z "${FOSTER_RUN_ID+x}" ] || fail "FOSTER_RUN_ID still set"
    [ -z "${FOSTER_SQLITE_PATH+x}" ] || fail "FOSTER_SQLITE_PATH still set"
    [ -z "${DATABASE_URL_2+x}" ] || fail "DATABASE_URL_2 still set"
    [ -z "${FOSTER_JOBS+x}" ] || fail "FOSTER_JOBS still set"
    assert_file_absent "$path"
    assert_runtime_empty
}

test_down_on_a_terminal_prints_no_unset_lines() {
    run_foster -q -c "$VALID" up
    assert_exit 0
    run_foster_in_terminal -c "$VALID" down
    assert_eq 0 "$STATUS" "exit status of down on a terminal"
    assert_not_contains "$TTY_OUT" "unset" "the terminal"
    assert_contains "$TTY_OUT" "foster: teardown: removed test_cli_" "the terminal"
    assert_runtime_empty
}

# ===========================================================================
# The manifest in a parent folder.

test_manifest_is_found_in_parent_folders() {
    cp -R "$CASES/valid" "$WORK/proj"
    mkdir -p "$WORK/proj/deep/er"
    cd "$WORK/proj/deep/er" || fail "cannot enter the subfolder"
    run_foster check
    assert_exit 0
    assert_eq "foster: check: no problems found" "$ERR"
    run_foster -q up
    assert_exit 0
    eval "$OUT"
    assert_eq "1|Ada" "$(python3 -c 'import os, sqlite3
print("|".join(map(str, sqlite3.connect(os.environ["FOSTER_SQLITE_PATH"]).execute(
    "SELECT id, name FROM person WHERE id = 1").fetchone())))')" "a fixture row"
    cd "$WORK/proj" || fail "cannot enter the project"
    run_foster -q down
    assert_exit 0
    assert_contains "$OUT" "unset FOSTER_RUN_ID" "down from the project's folder found up's run"
    assert_runtime_empty
}

test_manifest_in_parent_is_named_by_its_relative_path() {
    cp -R "$CASES/ini_unknown_key" "$WORK/proj"
    mkdir -p "$WORK/proj/sub"
    cd "$WORK/proj/sub" || fail "cannot enter the subfolder"
    run_foster check
    assert_exit 2
    assert_matches "$ERR" '^foster: error: \.\./foster\.ini:[0-9]+: unknown key'
}

test_foster_config_and_c_win_over_the_search() {
    cp -R "$CASES/ini_unknown_key" "$WORK/proj"
    cd "$WORK/proj" || fail "cannot enter the project"
    FOSTER_CONFIG=$VALID run_foster check
    assert_exit 0
    run_foster -c "$VALID" check
    assert_exit 0
}

test_down_without_any_manifest_says_where_it_looked() {
    mkdir "$WORK/empty"
    cd "$WORK/empty" || fail "cannot enter $WORK/empty"
    run_foster down
    assert_exit 2
    assert_contains "$ERR" "foster: error: no foster.ini found; looked in $(pwd -P), "
    assert_contains "$ERR" "FOSTER_CONFIG"
}

# ===========================================================================
# Progress of long loads.

# A CSV of N rows for make_item_project's table.
write_item_rows() { # N
    python3 - "$1" "$WORK/proj/fixtures/item.csv" <<'EOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("id,name\n")
    f.writelines("%d,item number %d with a longer name\n" % (i, i) for i in range(1, n + 1))
EOF
}

# The milliseconds of the "loaded item" line in TEXT.
load_milliseconds() { # TEXT
    printf '%s\n' "$1" | sed -n 's/.*loaded item .*(\([0-9]*\)\.[0-9] ms).*/\1/p' | tail -n 1
}

test_long_load_on_a_terminal_shows_a_live_progress_line() {
    make_item_project ""
    cd "$WORK/proj" || fail "cannot enter the project"
    local rows=1500000 ms=0 try
    for try in 1 2 3; do # until the load takes more than a second here
        write_item_rows "$rows"
        run_foster_in_terminal run -- true
        assert_eq 0 "$STATUS" "exit status of run on a terminal"
        ms=$(load_milliseconds "$TTY_OUT")
        [ "${ms:-0}" -ge 1300 ] && break
        rows=$((rows * 2))
    done
    [ "${ms:-0}" -ge 1300 ] || skip "loading $rows rows took only ${ms:-?} ms here"
    assert_matches "$TTY_OUT" $'\r\e\\[Kfoster: loading item: [0-9]+ rows, [0-9]+ rows/s, [0-9]+% of fixtures/item\\.csv'
    # Redrawn in place: several live lines on one terminal line, then the step's line.
    local redraws
    redraws=$(printf '%s' "$TTY_OUT" | grep -o $'\r\e\\[Kfoster: loading item' | wc -l)
    [ "$redraws" -ge 2 ] || fail "the live line was drawn $redraws time(s) in $ms ms"
    assert_matches "$TTY_OUT" $'\r\e\\[Kfoster: loaded item +'"$rows rows from fixtures/item.csv"
    # Percentages grow.
    printf '%s' "$TTY_OUT" | grep -o '[0-9]*% of' | tr -d '% of' | sort -n -c ||
        fail "percentages do not grow: $(printf '%s' "$TTY_OUT" | grep -o '[0-9]*% of' | tr '\n' ' ')"
    # Not a terminal: the same load prints no live line, no carriage return
    # (--no-cache: loaded again, not copied from the template the first run kept).
    run_foster --no-cache run -- true
    assert_exit 0
    assert_not_contains "$ERR" "loading item" "stderr to a file"
    assert_not_contains "$ERR" $'\r' "stderr to a file"
    assert_matches "$ERR" "^foster: loaded item +$rows rows from fixtures/item.csv"
    assert_runtime_empty
}

test_short_load_on_a_terminal_shows_no_live_line() {
    make_item_project $'id,name\n1,one\n'
    cd "$WORK/proj" || fail "cannot enter the project"
    run_foster_in_terminal run -- true
    assert_eq 0 "$STATUS" "exit status"
    assert_not_contains "$TTY_OUT" "loading item" "the terminal"
    assert_contains "$TTY_OUT" "foster: loaded item" "the terminal"
    run_foster_in_terminal -q run -- true
    assert_eq "" "$TTY_OUT" "the terminal with -q"
    assert_runtime_empty
}

# ===========================================================================
# run --keep-on-failure.

test_keep_on_failure_keeps_the_database_of_a_failed_command() {
    run_foster -c "$VALID" run --keep-on-failure -- sh -c 'exit 3'
    assert_exit 3
    local id path
    id=$(printf '%s\n' "$ERR" | sed -n 's/^foster: remove it with: foster down \([0-9a-f]*\)$/\1/p')
    assert_matches "$id" '^[0-9a-f]{8}$' "the run id in the remove line"
    path="$RUNTIME/test_cli_$id.sqlite3"
    assert_file_exists "$path"
    assert_contains "$ERR" "foster: the command failed (status 3): kept run $id's database"
    assert_contains "$ERR" "foster: connect with: sqlite3 '$path'"
    assert_contains "$ERR" "foster: DATABASE_URL=sqlite:///$path"
    assert_eq "4" "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM person").fetchone()[0])' "$path")" \
        "rows kept"
    run_foster down "$id"
    assert_exit 0
    assert_file_absent "$path"
    assert_runtime_empty
}

test_keep_on_failure_says_so_even_when_quiet() {
    run_foster -q -c "$VALID" run --keep-on-failure -- false
    assert_exit 1
    assert_contains "$ERR" "foster: connect with: sqlite3 "
    assert_contains "$ERR" "foster: remove it with: foster down "
    run_foster -q -c "$VALID" down --strict
    assert_exit 0
    assert_runtime_empty
}

test_keep_on_failure_tears_down_after_success() {
    run_foster -c "$VALID" run --keep-on-failure -- true
    assert_exit 0
    assert_not_contains "$ERR" "kept run"
    assert_contains "$ERR" "foster: teardown: removed test_cli_"
    assert_runtime_empty
}

test_keep_and_keep_on_failure_exclude_each_other() {
    run_foster -c "$VALID" run --keep --keep-on-failure -- true
    assert_exit 125
    assert_contains "$ERR" "foster: error: --keep and --keep-on-failure exclude each other"
    assert_runtime_empty
}

# ===========================================================================
# --json on every command that reports.

test_json_down_names_the_run_and_its_variables() {
    run_foster -q -c "$VALID" up
    local id
    id=$(export_value "$OUT" FOSTER_RUN_ID)
    run_foster -q -c "$VALID" down --json
    assert_exit 0
    assert_eq "$id|True|DATABASE_URL,FOSTER_BACKEND,FOSTER_RUN_ID,FOSTER_SQLITE_PATH" \
        "$(json_eval '"%s|%s|%s" % (doc["run_id"], doc["removed"], ",".join(sorted(doc["unset"])))')"
    run_foster -q -c "$VALID" down --json
    assert_exit 0
    assert_eq "None|False|" \
        "$(json_eval '"%s|%s|%s" % (doc["run_id"], doc["removed"], ",".join(doc["unset"]))')"
    assert_runtime_empty
}

test_json_load_lists_files_tables_and_rows() {
    run_foster -q -c "$VALID" up
    eval "$OUT"
    run_foster -q -c "$VALID" load --json "$CASES/load/more_people/person.csv"
    assert_exit 0
    assert_eq "person|$CASES/load/more_people/person.csv|1" \
        "$(json_eval '"\n".join("%s|%s|%s" % (f["table"], f["file"], f["rows"]) for f in doc["loaded"])')"
    run_foster -q -c "$VALID" down
    assert_runtime_empty
}

test_json_failures_are_problem_objects() {
    run_foster -c "$VALID" load --json --url sqlite:///nonexistent/db.sqlite3 "$CASES/load/more_people/person.csv"
    assert_exit 1
    assert_eq "column,file,hint,line,message" "$(json_eval '",".join(sorted(doc["problems"][0]))')"
    run_foster -c "$CASES/csv_wrong_field_count/foster.ini" up --json
    assert_exit 1
    assert_eq "fixtures/person.csv|3|True" \
        "$(json_eval 'doc["problems"][0]["file"].split("csv_wrong_field_count/")[-1] + "|%s|%s" % (doc["problems"][0]["line"], bool(doc["problems"][0]["message"]))')"
    run_foster up --json -c "$CASES/ini_unknown_key/foster.ini"
    assert_exit 2
    assert_matches "$(json_eval 'doc["problems"][0]["hint"]')" '^(None|.+)$'
    assert_runtime_empty
}

test_json_reset_gc_check_and_wait() {
    run_foster -q -c "$VALID" up
    eval "$OUT"
    run_foster -q -c "$VALID" reset --json
    assert_exit 0
    assert_eq "$FOSTER_RUN_ID|True" "$(json_eval '"%s|%s" % (doc["run_id"], doc["reset"])')"
    run_foster -q -c "$VALID" gc --json --dry-run
    assert_exit 0
    # (containers no record here claims belong to other suites running on the machine)
    assert_eq "True|0" "$(json_eval '"%s|%d" % (doc["dry_run"],
        len([r for r in doc["removed"] if not r.startswith("left container ")]))')"
    run_foster -q -c "$VALID" check --json
    assert_exit 0
    assert_eq "[]" "$(json_eval 'doc["problems"]')"
    run_foster -q wait --json --timeout 0 "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    assert_exit 1
    assert_eq "False|1|None" \
        "$(json_eval '"%s|%d|%s" % (doc["ready"], len(doc["problems"]), doc["problems"][0]["file"])')"
    run_foster -q -c "$VALID" down
    assert_runtime_empty
}

# ===========================================================================
# Plurals.

test_one_table_and_one_row_are_singular() {
    make_item_project $'id,name\n1,one\n'
    cd "$WORK/proj" || fail "cannot enter the project"
    run_foster run -- true
    assert_exit 0
    assert_matches "$ERR" '^foster: created 1 table in [0-9.]+ ms: item$'
    assert_matches "$ERR" '^foster: loaded item +1 row from fixtures/item\.csv '
    printf 'id,name\n1,one\n2,two\n' >fixtures/item.csv
    run_foster run -- true
    assert_matches "$ERR" '^foster: loaded item +2 rows from fixtures/item\.csv '
    assert_runtime_empty
}

test_one_sql_statement_is_singular() {
    make_item_project $'id,name\n1,one\n'
    cd "$WORK/proj" || fail "cannot enter the project"
    run_foster up -q
    eval "$OUT"
    printf "INSERT INTO item VALUES (2, 'two');\n" >"$WORK/one.sql"
    run_foster load "$WORK/one.sql"
    assert_exit 0
    assert_matches "$ERR" "^foster: ran 1 statement from $WORK/one.sql "
    run_foster -q down
    assert_runtime_empty
}

run_tests
