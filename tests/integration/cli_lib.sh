# shellcheck shell=bash
# cli_lib.sh — what the SQLite command runners share (cli_test.sh,
# cli_load_test.sh, cli_check_test.sh): assertions, helpers and the harness
# hooks. Sourced after tests/harness.sh, never run.
#
# Each test_* function of those files is one behaviour of the contract in docs/,
# named after it.
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

# shellcheck disable=SC2034,SC2153 # used by the files that source this one; DATA and ROOT
# are the harness's
CASES=$DATA/cli
# shellcheck disable=SC2034
EXAMPLE=$ROOT/foster.ini

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

# ===========================================================================
# The runner.

before_all() {
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
}

prepare_environment() {
    unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
}
