# harness.sh — what the shell test runners share: their arguments, the
# assertions, the helpers that run foster, and the runner that finds the
# test_* functions, runs each alone and prints TAP. Sourced, never run:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"   (first, at the top)
#   ... the runner's own settings, helpers, hooks and test_* functions ...
#   run_tests                                                (last line)
#
# Arguments of every runner: FOSTER_BINARY [NAME_REGEX]. Sourcing sets
#   FOSTER      the foster binary, absolute
#   FILTER      NAME_REGEX (an ERE; empty: every test)
#   RUNNER      the runner's file, absolute; SCRIPT_DIR its directory
#   SUITE       the runner's name without _test.sh (cli, pg, ...), which names
#               its temporary directory ${TMPDIR:-/tmp}/foster-SUITE-test.XXXXXX
#   ROOT        the source tree ($FOSTER_SOURCE_ROOT, else ../.. of the runner)
#   DATA        the test data ($FOSTER_TEST_DATA, else $ROOT/tests/data)
# and `set -u`.
#
# Tests: every function named test_[a-z0-9_]+ at the start of a line of the
# runner's file, in file order, keeping those whose name matches FILTER (so no
# other function of a runner may be named test_...). Each
# runs in a subshell, output to a log, in a fresh temporary directory $WORK
# (HOME=$WORK/home, TMPDIR=$WORK/tmp) with FOSTER_RUNTIME_DIR=$RUNTIME, and
# with DATABASE_URL FOSTER_CONFIG FOSTER_RUN_ID FOSTER_BACKEND
# FOSTER_SQLITE_PATH XDG_RUNTIME_DIR FOSTER_ADMIN_URL unset. A test passes when
# it returns 0; an assertion that does not hold calls `fail`, which prints
# where and what (then `fail_details`) and ends the subshell with status 1.
# `skip REASON` ends a test as "ok ... # SKIP REASON". After each test, the
# processes it started through start_foster (or listed in $WORK/.pids) are
# killed, `after_each` looks for what the test left behind, and the
# directories are removed.
#
# Output: the plan "1..N", `describe_suite`'s comment lines, then per test
# "ok N - name" or "not ok N - name" followed by its log as "#   " lines; then
# "# K known bug(s) ..." and "# S skipped" when not 0, and the last line
# "P passed, F failed". The exit status is 0 only when F is 0.
#
# EXPECTED_FAILURES (an associative array: test name -> why) lists known bugs
# of foster, not of the tests; a runner redeclares it after sourcing. A listed
# test that fails is reported "not ok ... # TODO known bug: why" and not
# counted in F (unless FOSTER_TEST_STRICT=1); one that passes is an error, so
# that the list stays honest. FOSTER_TEST_TIMES=1 adds each test's duration.
#
# Hooks: functions the runner may redefine after sourcing (defaults here).
#   before_all      the runner's own checks and suite setup, after SUITE_TMP
#                   is made; may `skip_all`, or print "Bail out! ..." and exit
#   describe_suite  comment lines ("# ...") printed after the plan
#   describe_results
#                   comment lines printed after the last test, before the
#                   closing line
#   after_all       the runner's own suite cleanup (EXIT trap), before
#                   SUITE_TMP is removed
#   before_each     in the runner's shell, before the test, with WORK made:
#                   must set RUNTIME to a fresh directory of mode 0700 (default:
#                   $WORK/runtime.XXXXXX); may make more (the test inherits them)
#   prepare_environment
#                   in the test's subshell, after the harness's unset and
#                   export: the runner's own variables to unset or export
#   after_each      in the runner's shell, after the test: reports what it left
#                   behind with `leftover MESSAGE` and removes it (default:
#                   report_runtime_left); RESULT is 0 while the test passes
#   fail_details    what `fail` prints after its FAIL line (default:
#                   show_last_foster_run)
# ASSERT_TEXT_NAME (default "text") is how assert_contains, assert_not_contains,
# assert_matches and assert_no_match name the text when not given WHAT;
# ASSERT_QUOTES_TEXT=0 leaves the text out of their messages.

# shellcheck shell=bash
# shellcheck disable=SC2034 # DATA, PYTHON_PG, ...: set here for the runners

set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 FOSTER_BINARY [NAME_REGEX]" >&2
    exit 2
fi
FOSTER=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FILTER=${2:-}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
RUNNER=$SCRIPT_DIR/$(basename "${BASH_SOURCE[1]}")
SUITE=$(basename "$RUNNER" _test.sh)
ROOT=${FOSTER_SOURCE_ROOT:-$(cd "$SCRIPT_DIR/../.." && pwd)}
DATA=${FOSTER_TEST_DATA:-$ROOT/tests/data}

# Known bugs of foster (not of the tests): name -> why it fails.
declare -A EXPECTED_FAILURES=()

ASSERT_TEXT_NAME=text
ASSERT_QUOTES_TEXT=1

# ---------------------------------------------------------------------------
# Assertions: each prints what differed and ends the test (it runs in a subshell).

fail() {
    # Name the first caller that is not an assertion: where the test went wrong.
    local frame=1
    while [[ ${FUNCNAME[frame]:-} == assert_* ]]; do frame=$((frame + 1)); done
    printf 'FAIL in %s at line %s: %s\n' "${FUNCNAME[frame]:-?}" "${BASH_LINENO[frame - 1]:-?}" "$*"
    fail_details
    exit 1
}

# The last run_foster (or start_foster and wait_for_exit), if any.
show_last_foster_run() {
    if [ -n "${STATUS+x}" ]; then
        printf -- '--- last foster exit status: %s\n--- stdout:\n%s\n--- stderr:\n%s\n' \
            "$STATUS" "${OUT:-}" "${ERR:-}"
    fi
}

fail_details() { show_last_foster_run; }

# A test that cannot run here: reported "ok ... # SKIP REASON".
skip() { # REASON
    printf '%s\n' "$1" >"$WORK/.skip"
    exit 0
}

# "; it is: [TEXT]" for the messages below, unless ASSERT_QUOTES_TEXT=0.
quoted_text() { # TEXT
    [ "$ASSERT_QUOTES_TEXT" == 1 ] && printf '; it is: [%s]' "$1"
}

assert_eq() { # EXPECTED ACTUAL [WHAT]
    [ "$1" == "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

assert_contains() { # TEXT NEEDLE [WHAT]
    [[ $1 == *"$2"* ]] || fail "${3:-$ASSERT_TEXT_NAME} does not contain [$2]$(quoted_text "$1")"
}

assert_not_contains() { # TEXT NEEDLE [WHAT]
    [[ $1 != *"$2"* ]] || fail "${3:-$ASSERT_TEXT_NAME} contains [$2]$(quoted_text "$1")"
}

assert_matches() { # TEXT ERE [WHAT]
    printf '%s\n' "$1" | grep -Eq -- "$2" ||
        fail "${3:-$ASSERT_TEXT_NAME} has no line matching /$2/$(quoted_text "$1")"
}

assert_no_match() { # TEXT ERE [WHAT]
    ! printf '%s\n' "$1" | grep -Eq -- "$2" ||
        fail "${3:-$ASSERT_TEXT_NAME} has a line matching /$2/$(quoted_text "$1")"
}

assert_exit() { # EXPECTED (the status of the last run_foster)
    [ "$STATUS" == "$1" ] || fail "foster exited with $STATUS, expected $1"
}

assert_file_exists() { [ -e "$1" ] || fail "expected file $1 to exist"; }

# Absent: no file, and no link either (not even a dangling one).
assert_file_absent() {
    if [ -e "$1" ] || [ -L "$1" ]; then fail "expected no file $1"; fi
}

assert_mode() { # PATH OCTAL
    local mode
    mode=$(stat -c %a "$1") || fail "cannot stat $1"
    assert_eq "$2" "$mode" "mode of $1"
}

# The runtime directory holds nothing: no database, record or journal.
# TEXT without gc's "left container ..." lines: containers that no record of this
# test claims belong to other suites on the machine (they run at the same time).
without_other_containers() { # TEXT
    printf '%s\n' "$1" | grep -v '^left container ' || true
}

assert_runtime_empty() {
    local left
    left=$(ls -A "$RUNTIME")
    [ -z "$left" ] || fail "left behind in the runtime directory: $left"
}

# ---------------------------------------------------------------------------
# Helpers.

# Runs foster; sets STATUS, OUT (stdout) and ERR (stderr).
run_foster() {
    "$FOSTER" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
    STATUS=$?
    OUT=$(<"$WORK/.stdout")
    ERR=$(<"$WORK/.stderr")
}

# Starts foster in the background (FOSTER_PID); the runner kills it if the test fails.
start_foster() {
    "$FOSTER" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr" &
    FOSTER_PID=$!
    echo "$FOSTER_PID" >>"$WORK/.pids"
}

# Waits for a file; gives up early when the foster started last has exited.
wait_for_file() { # PATH [SECONDS]
    local i limit=$((${2:-15} * 100))
    for ((i = 0; i < limit; i++)); do
        [ -e "$1" ] && return 0
        if [ -n "${FOSTER_PID:-}" ] && ! kill -0 "$FOSTER_PID" 2>/dev/null; then
            wait_for_exit "$FOSTER_PID" 1
            fail "foster exited before $1 appeared"
        fi
        sleep 0.01
    done
    fail "timed out waiting for $1"
}

# Waits (up to SECONDS) for background process PID (a start_foster); sets
# STATUS, OUT and ERR as run_foster does.
wait_for_exit() { # PID SECONDS
    local i limit=$(($2 * 100))
    for ((i = 0; i < limit; i++)); do
        if ! kill -0 "$1" 2>/dev/null; then
            { wait "$1"; } 2>/dev/null # no "Killed" from the shell: the test knows
            STATUS=$?
            OUT=$(<"$WORK/.stdout")
            ERR=$(<"$WORK/.stderr")
            return 0
        fi
        sleep 0.01
    done
    fail "process $1 still running after $2 s"
}

# The value of NAME in "export NAME='value'" lines.
export_value() { # TEXT NAME
    printf '%s\n' "$1" | sed -n "s/^export $2='\\(.*\\)'\$/\\1/p"
}

# The run id from foster's "run ID: postgres database URL" line in $ERR.
run_line_id() {
    printf '%s\n' "$ERR" | sed -n 's/^foster: run \([0-9a-f]\{8\}\): postgres database .*/\1/p'
}

# Unsets every PG* variable (libpq's environment).
unset_pg_environment() {
    # shellcheck disable=SC2046 # names only
    unset $(compgen -e | grep '^PG')
}

# The directory of the PostgreSQL server binaries, found as foster finds them
# (src/pgcluster_bindir.c): `pg_config --bindir`, else the newest
# /usr/lib/postgresql/N/bin with postgres and initdb.
find_pg_bindir() {
    local dir
    dir=$(pg_config --bindir 2>/dev/null)
    if [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
        return 0
    fi
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# ---- processes, read from /proc (no ps needed)

# The pids of PID's children.
children_of() { # PID
    local parent=$1 stat line fields
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue
        read -r -a fields <<<"${line##*) }" # state ppid ...
        [ "${fields[1]:-}" == "$parent" ] && { line=${stat#/proc/}; echo "${line%/stat}"; }
    done
}

# Whether process PID lives and its command line contains TEXT.
process_runs() { # PID TEXT
    local cmdline
    [ -r "/proc/$1/cmdline" ] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *"$2"* ]]
}

# Pids of processes whose command line contains TEXT (not this shell's).
processes_naming() { # TEXT
    printf '%s\n' "$1" >"$WORK/.pattern"
    grep -l -F -f "$WORK/.pattern" /proc/[0-9]*/cmdline 2>/dev/null |
        sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p' | grep -vx -e "$$" -e "$BASHPID"
}

# Is PID alive (a zombie counts as gone)?
process_alive() { # PID
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Sets PYTHON_PG to a python3 that has psycopg2 (Debian's /usr/bin/python3
# first), else to "".
find_python_pg() {
    local candidate
    PYTHON_PG=""
    for candidate in /usr/bin/python3 python3; do
        if "$candidate" -c 'import psycopg2' 2>/dev/null; then
            PYTHON_PG=$(command -v "$candidate")
            return 0
        fi
    done
}

# ===========================================================================
# The runner.

before_all() { :; }
describe_suite() { :; }
after_all() { :; }
describe_results() { :; }
before_each() { RUNTIME=$(mktemp -d "$WORK/runtime.XXXXXX"); } # 0700
prepare_environment() { :; }
after_each() { report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"; }

# In after_each: the test left something (MESSAGE says what). It fails; the
# first failure (the test's own or a leftover) is the one reported.
leftover() { # MESSAGE
    [ "$RESULT" -eq 0 ] && echo "FAIL: $1" >>"$WORK/.log"
    RESULT=1
}

# In after_each: reports LISTING, what `ls -A "$RUNTIME"` showed, unless empty.
report_runtime_left() { # LISTING
    [ -z "$1" ] || leftover "left behind in the runtime directory: $1"
}

list_tests() {
    grep -oE '^test_[a-z0-9_]+\(\)' "$RUNNER" | tr -d '()' |
        { if [ -n "$FILTER" ]; then grep -E -- "$FILTER"; else cat; fi; }
}

# Runs test NAME; sets RESULT (0: passed), DETAILS (its log as "#   " lines)
# and SKIPPED (the reason it was skipped, or "").
run_one() { # NAME
    local name=$1
    WORK=$(mktemp -d "$SUITE_TMP/$name.XXXXXX")
    mkdir "$WORK/home" "$WORK/tmp"
    before_each "$name"
    (
        unset DATABASE_URL FOSTER_CONFIG FOSTER_RUN_ID FOSTER_BACKEND FOSTER_SQLITE_PATH \
            XDG_RUNTIME_DIR FOSTER_ADMIN_URL
        # shellcheck disable=SC2030 # on purpose: only for this test
        export FOSTER_RUNTIME_DIR=$RUNTIME HOME=$WORK/home TMPDIR=$WORK/tmp
        prepare_environment
        cd "$WORK" || exit 1
        "$name"
    ) >"$WORK/.log" 2>&1
    RESULT=$?
    SKIPPED=$(cat "$WORK/.skip" 2>/dev/null)
    # Whatever a failed test left running, stop it (only the processes it started).
    if [ -f "$WORK/.pids" ]; then
        local pid
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$WORK/.pids"
        sleep 0.1
    fi
    after_each
    DETAILS=$(sed 's/^/#   /' "$WORK/.log")
    chmod -R u+rwX "$WORK" 2>/dev/null
    rm -rf "$WORK" "$RUNTIME"
}

harness_cleanup() {
    after_all
    [ -n "${SUITE_TMP:-}" ] && rm -rf "$SUITE_TMP"
}

# Reports every test skipped for REASON; exits 77 (meson's "skipped").
skip_all() { # REASON
    local tests n=0 name
    tests=$(list_tests)
    echo "1..$(printf '%s\n' "$tests" | grep -c .)"
    echo "# SKIP: $1"
    for name in $tests; do
        n=$((n + 1))
        echo "ok $n - $name # SKIP $1"
    done
    echo "0 passed, 0 failed"
    exit 77
}

# Runs the tests; exits 0 only when none failed.
run_tests() {
    [ -x "$FOSTER" ] || { echo "foster binary not found: $FOSTER" >&2; exit 2; }
    # shellcheck disable=SC2031 # the caller's TMPDIR, not a test's
    SUITE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/foster-$SUITE-test.XXXXXX")
    trap harness_cleanup EXIT
    trap 'exit 130' INT TERM HUP
    before_all
    local tests passed=0 failed=0 known=0 skipped=0 n=0 name t0 reason
    tests=$(list_tests)
    echo "1..$(printf '%s\n' "$tests" | grep -c .)"
    describe_suite
    for name in $tests; do
        n=$((n + 1))
        t0=$EPOCHREALTIME
        run_one "$name"
        [ -n "${FOSTER_TEST_TIMES:-}" ] && echo "# $name: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s"
        reason=${EXPECTED_FAILURES[$name]:-}
        if [ $RESULT -eq 0 ] && [ -n "$SKIPPED" ]; then
            echo "ok $n - $name # SKIP $SKIPPED"
            skipped=$((skipped + 1))
        elif [ $RESULT -eq 0 ] && [ -z "$reason" ]; then
            echo "ok $n - $name"
            passed=$((passed + 1))
        elif [ $RESULT -eq 0 ]; then
            echo "not ok $n - $name # passes now: remove it from EXPECTED_FAILURES"
            failed=$((failed + 1))
        elif [ -n "$reason" ] && [ -z "${FOSTER_TEST_STRICT:-}" ]; then
            echo "not ok $n - $name # TODO known bug: $reason"
            [ -n "$DETAILS" ] && echo "$DETAILS"
            known=$((known + 1))
        else
            echo "not ok $n - $name"
            [ -n "$DETAILS" ] && echo "$DETAILS"
            failed=$((failed + 1))
        fi
    done
    [ $known -gt 0 ] && echo "# $known known bug(s) of foster, listed in EXPECTED_FAILURES, not counted"
    [ $skipped -gt 0 ] && echo "# $skipped skipped"
    describe_results
    echo "$passed passed, $failed failed"
    [ $failed -eq 0 ]
}
