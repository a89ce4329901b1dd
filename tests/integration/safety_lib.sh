# shellcheck shell=bash
# safety_lib.sh — what the safety runners share (safety_test.sh: refused files,
# passwords, bad URLs; safety_process_test.sh: the command's process tree;
# safety_input_test.sh: input that reaches too far): the shared PostgreSQL
# server, the test cases, the password and the harness hooks. Sourced after
# tests/harness.sh, never run.
#
# Each test_* function runs in a subshell, in a fresh temporary directory
# ($WORK, also HOME and TMPDIR) with FOSTER_RUNTIME_DIR set to a fresh private
# directory ($RUNTIME). After every test, $RUNTIME must be empty and the shared
# server must hold no database but its own.
#
# PostgreSQL: ONE shared server per runner, started with `foster -q -b cluster
# up` (tests/data/safety/shared) and stopped at the end. Without the PostgreSQL
# server binaries the tests that need it are reported SKIP.
#
# Inputs: $FOSTER_TEST_DATA/safety/ (see its README.md).
#
# Needs bash 5, coreutils, python3 (sqlite3 and pty modules), for PostgreSQL
# the server binaries and psql.

# shellcheck source=SCRIPTDIR/shared_cluster.sh
. "$SCRIPT_DIR/shared_cluster.sh"
# shellcheck disable=SC2034,SC2153 # used by the files that source this one; DATA is the harness's
CASES=$DATA/safety
# A password that must never appear in any output.
SECRET=Sw0rdfish9Q

# ---------------------------------------------------------------------------
# Helpers.

# Copies tests/data/safety/CASE to $WORK/proj and enters it.
use_case() { # CASE
    rm -rf "$WORK/proj"
    cp -R "$CASES/$1" "$WORK/proj" || fail "no test case $CASES/$1"
    cd "$WORK/proj" || fail "cannot enter $WORK/proj"
    mkdir -p fixtures
}

# Fails when the password, or a piece of it 4 characters or longer, is in TEXT.
assert_no_secret() { # TEXT WHAT [SECRET]
    local secret=${3:-$SECRET} piece
    assert_not_contains "$1" "$secret" "$2"
    for piece in ${secret//[@\/:?]/ }; do
        [ ${#piece} -ge 4 ] && assert_not_contains "$1" "$piece" "$2"
    done
    return 0
}

# ===========================================================================
# The runner's hooks (the runner itself is tests/harness.sh).

before_all() {
    command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
    unset_pg_environment
    SUITE_CACHE=$SUITE_TMP/cache
    SUITE_RUNTIMES=$(mktemp -d /tmp/fsafe.XXXXXX) # short: a cluster's socket lives in it
    shared_cluster_start
}

before_each() {
    RUNTIME=$(mktemp -d "$SUITE_RUNTIMES/XXXXXX") # 0700
}

prepare_environment() {
    unset_pg_environment
    export XDG_CACHE_HOME=$SUITE_CACHE
}

after_each() {
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
    if [ -n "$SHARED_PGHOST" ]; then
        drop_cached_templates
        local databases database
        databases=$(extra_databases)
        if [ -n "$databases" ]; then
            leftover "databases left on the shared server: $databases"
            for database in $databases; do drop_database "$database"; done
        fi
    fi
}

after_all() {
    stop_shared_server
    [ -n "${SUITE_RUNTIMES:-}" ] && rm -rf "$SUITE_RUNTIMES"
}
