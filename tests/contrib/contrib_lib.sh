# shellcheck shell=bash
# contrib_lib.sh — what the contrib runners share (contrib_test.sh: Django's
# test runner; contrib_recipes_test.sh: make and the CI and compose recipes;
# contrib_package_test.sh: pytest-django, foster_check_models and the
# foster_django package): settings, assertions about the last `run`, helpers
# and the harness hooks. Sourced after tests/harness.sh, never run.
#
# Each test_* function is one behaviour. It runs in a subshell, in a fresh
# temporary directory ($WORK, also HOME and TMPDIR), with FOSTER_RUNTIME_DIR
# set to a fresh private directory ($RUNTIME). After every test that
# directory must be empty: no test database, cluster or run record may
# outlive the test.
#
# Output: TAP ("ok N - name" / "not ok N - name" plus "# " details), then a
# last line "N passed, M failed". Exit status 0 only when M is 0.
#
# Needs bash, make, Debian's python3 (/usr/bin/python3, or $PYTHON) with
# python3-django (or Django 4.2 from bookworm-backports: FOSTER_TEST_DJANGO_DIR),
# python3-psycopg2, python3-pytest, python3-pytest-django, python3-pytest-xdist,
# python3-yaml, python3-pip, python3-setuptools, util-linux (flock); and the
# PostgreSQL server package for the cluster backend. No network.

# shellcheck disable=SC2034,SC2153 # used by the files that source this one; FOSTER and ROOT
# are the harness's
# Not $FOSTER: foster.mk reads that name, so the tests run without it.
FOSTER_BIN=$FOSTER
CONTRIB=$ROOT/contrib
EXAMPLE=$CONTRIB/django/example
PYTHON=${PYTHON:-/usr/bin/python3}
# Nothing may be written into the source tree (no __pycache__).
export PYTHONDONTWRITEBYTECODE=1

# ---------------------------------------------------------------------------
# Assertions (the common ones are in tests/harness.sh): about the last `run`,
# whose output they do not repeat (fail shows it).

ASSERT_TEXT_NAME=output
ASSERT_QUOTES_TEXT=0

fail_details() {
    if [ -n "${STATUS+x}" ]; then
        printf -- '--- last exit status: %s\n--- output (stdout and stderr):\n%s\n' \
            "$STATUS" "${OUT:-}"
    fi
}

assert_exit() { # EXPECTED (the status of the last run)
    [ "$STATUS" == "$1" ] || fail "exit status $STATUS, expected $1"
}

# Django's unittest summary: "Ran N tests" and OK.
assert_django_ok() { # N
    assert_exit 0
    assert_contains "$OUT" "Ran $1 tests"
    assert_contains "$OUT" $'\nOK'
}

# ---------------------------------------------------------------------------
# Helpers.

# Runs a command; sets STATUS and OUT (stdout and stderr together).
run() {
    "$@" >"$WORK/.out" 2>&1
    STATUS=$?
    OUT=$(cat "$WORK/.out")
}

# Runs a command in the Django example project.
in_example() {
    (cd "$EXAMPLE" && "$@") >"$WORK/.out" 2>&1
    STATUS=$?
    OUT=$(cat "$WORK/.out")
}

# The example project's Django tests (19 of them in tests/).
DJANGO_TESTS=19
# The example project's pytest-django tests (pytest_tests/).
PYTEST_TESTS=6

# A bin directory with foster, python and python3 first on PATH, as a CI
# image would have them.
put_tools_on_path() {
    mkdir -p "$WORK/bin"
    ln -sf "$FOSTER_BIN" "$WORK/bin/foster"
    ln -sf "$PYTHON" "$WORK/bin/python3"
    ln -sf "$PYTHON" "$WORK/bin/python"
    export PATH="$WORK/bin:$PATH"
}

# `eval "$(foster up)"` in this shell, or fail.
foster_up() { # [FOSTER OPTIONS...]
    local exports
    exports=$("$FOSTER_BIN" -q "$@" up) || fail "foster up $* failed"
    eval "$exports"
    [ -n "${FOSTER_RUN_ID:-}" ] || fail "foster up printed no FOSTER_RUN_ID: $exports"
    echo "$FOSTER_RUN_ID" >>"$WORK/.runs"
}

# ===========================================================================
# The runner.

# FOSTER_TEST_DJANGO_DIR: run on bookworm-backports' Django (4.2), unpacked
# there by backports_django.sh, instead of the system's (3.2): $PYTHON becomes
# a python3 with that Django first on its path.
before_all() {
    [ -x "$PYTHON" ] || { echo "python3 not found: $PYTHON" >&2; exit 2; }
    if [ -n "${FOSTER_TEST_DJANGO_DIR:-}" ]; then
        local site
        # One unpacking at a time: the runners of contrib may run at once.
        if ! site=$(flock "$FOSTER_TEST_DJANGO_DIR.lock" "$SCRIPT_DIR/backports_django.sh" \
            "$FOSTER_TEST_DJANGO_DIR" 2>"$SUITE_TMP/why"); then
            skip_all "no Django from bookworm-backports: $(cat "$SUITE_TMP/why")"
        fi
        printf '#!/bin/sh\nPYTHONPATH=%s${PYTHONPATH:+:$PYTHONPATH} exec %s "$@"\n' "$site" "$PYTHON" \
            >"$SUITE_TMP/python3"
        chmod +x "$SUITE_TMP/python3"
        PYTHON=$SUITE_TMP/python3
    fi
    DJANGO_VERSION=$("$PYTHON" -c 'import django; print(django.get_version())') ||
        { echo "Bail out! $PYTHON cannot import django"; exit 2; }
    if [ -n "${FOSTER_TEST_DJANGO_DIR:-}" ] && [[ $DJANGO_VERSION != 4.2.* ]]; then
        echo "Bail out! expected Django 4.2 from $FOSTER_TEST_DJANGO_DIR, got $DJANGO_VERSION"
        exit 2
    fi
}

describe_suite() {
    echo "# Django $DJANGO_VERSION ($("$PYTHON" -c 'import django; print(django.__file__)'))"
}

prepare_environment() {
    unset FOSTER PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD \
        DJANGO_SETTINGS_MODULE PYTHONPATH MAKEFLAGS MAKELEVEL
}

after_each() {
    # A failed test may have left runs up: take them down (only its own).
    if [ -n "$(ls -A "$RUNTIME" 2>/dev/null)" ] && [ -f "$WORK/.runs" ]; then
        local run_id
        while read -r run_id; do
            FOSTER_RUNTIME_DIR=$RUNTIME "$FOSTER_BIN" -q down "$run_id" >/dev/null 2>&1
        done <"$WORK/.runs"
        leftover "runs left up"
    fi
    report_runtime_left "$(ls -A "$RUNTIME" 2>/dev/null)"
}
