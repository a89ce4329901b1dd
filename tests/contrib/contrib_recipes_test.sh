#!/usr/bin/env bash
# contrib_recipes_test.sh — the recipes people run foster from, outside
# Python, tested for real: contrib/foster.mk (make) and contrib/ci and
# contrib/compose (YAML, the packages they install, their commands against a
# server).
#
#   usage: contrib_recipes_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The settings, helpers and hooks are contrib_lib.sh's: each test_* function
# one behaviour, in a fresh $WORK and $RUNTIME that must be empty afterwards.
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0.
# With FOSTER_TEST_DJANGO_DIR, on bookworm-backports' Django 4.2 (the
# *-django4.2 tests run the names matching 'django|pytest|recipe').

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/contrib_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/contrib_lib.sh"

# ---------------------------------------------------------------------------
# Helpers (more in contrib_lib.sh).

# A foster cluster standing in for a PostgreSQL server (a CI service
# container); sets SERVER_URL to its postgres database.
start_server() {
    foster_up -c "$EXAMPLE/foster.ini" -b cluster
    SERVER_URL="postgresql://postgres@/postgres?host=$PGHOST&port=$PGPORT"
    SERVER_RUN_ID=$FOSTER_RUN_ID
    unset DATABASE_URL FOSTER_RUN_ID FOSTER_BACKEND PGHOST PGPORT PGDATABASE PGUSER
}

stop_server() {
    run "$FOSTER_BIN" down "$SERVER_RUN_ID"
    assert_exit 0
}

# ===========================================================================
# Make: contrib/foster.mk through contrib/make/Makefile.

make_example() { # TARGET [VARIABLE=VALUE...]
    run make --no-print-directory -C "$CONTRIB/make" FOSTER="$FOSTER_BIN" PYTHON="$PYTHON" \
        FOSTER_ENV_FILE="$WORK/foster.env" "$@"
}

test_make_test_with_db_runs_the_tests_under_foster_and_leaves_nothing() {
    make_example test
    assert_exit 0
    assert_contains "$OUT" "foster: running: $PYTHON $ROOT/tests/example/test_transfer.py"
    assert_contains "$OUT" $'\nOK'
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

test_make_test_with_db_fails_when_the_tests_fail() {
    make_example test-with-db TEST_CMD="sh -c 'exit 3'"
    assert_exit 2 # make's own status for a failed recipe
    assert_contains "$OUT" "foster: command exited with status 3"
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

test_make_test_db_up_keeps_a_database_until_test_db_down() {
    make_example test-db-up
    assert_exit 0
    [ "$(stat -c %a "$WORK/foster.env")" == 600 ] || fail "foster.env is not 0600"
    local run_id
    run_id=$(sed -n "s/^export FOSTER_RUN_ID='\(.*\)'$/\1/p" "$WORK/foster.env")
    [ -n "$run_id" ] || fail "no FOSTER_RUN_ID in $(cat "$WORK/foster.env")"
    [ -e "$RUNTIME/test_trading_$run_id.sqlite3" ] || fail "no database for run $run_id"
    make_example test-again
    assert_exit 0
    assert_contains "$OUT" $'\nOK'
    make_example test-again # the tests leave the database as they found it
    assert_exit 0
    make_example test-db-up
    assert_exit 2
    assert_contains "$OUT" "foster.mk: $WORK/foster.env exists: a database is already up"
    make_example test-db-down
    assert_exit 0
    assert_contains "$OUT" "foster: teardown: removed test_trading_$run_id"
    [ ! -e "$WORK/foster.env" ] || fail "test-db-down left $WORK/foster.env"
    assert_runtime_empty
}

test_make_without_test_cmd_says_what_to_set() {
    cat >"$WORK/Makefile" <<EOF
include $CONTRIB/foster.mk
EOF
    run make --no-print-directory -C "$WORK" test-with-db FOSTER="$FOSTER_BIN"
    assert_exit 2
    assert_contains "$OUT" "foster.mk: set TEST_CMD to the command that runs your tests"
    assert_runtime_empty
}

# ===========================================================================
# CI and compose recipes.

yaml_check() { # FILE PYTHON_ASSERTIONS (on `doc`)
    run "$PYTHON" -c "
import sys, yaml
with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)
$2
print('checked')" "$1"
    assert_exit 0
    assert_eq checked "$OUT" "YAML check of $1"
}

test_github_actions_recipe_is_valid_yaml_with_wait_before_run() {
    yaml_check "$CONTRIB/ci/github-actions.yml" '
job = doc["jobs"]["test"]
assert job["services"]["postgres"]["image"].startswith("postgres:"), job["services"]
assert "5432:5432" in job["services"]["postgres"]["ports"]
runs = [step.get("run", "") for step in job["steps"]]
wait = [i for i, r in enumerate(runs) if r.startswith("foster wait ")]
test = [i for i, r in enumerate(runs) if r.startswith("foster run -b postgres ")]
assert len(wait) == 1 and len(test) == 1 and wait[0] < test[0], runs
assert "PGPASSWORD" in job["env"] and "@" in job["env"]["FOSTER_SERVER"]
assert ":postgres@" not in job["env"]["FOSTER_SERVER"], "password in the URL"
assert doc[True] == ["push", "pull_request"]  # YAML 1.1 reads the key on: as true'
}

test_compose_recipe_is_valid_yaml_with_wait_before_run() {
    yaml_check "$CONTRIB/compose/docker-compose.yml" '
services = doc["services"]
assert services["db"]["image"].startswith("postgres:")
assert services["tests"]["depends_on"] == ["db"]
command = services["tests"]["command"]
assert command.index("foster wait ") < command.index("foster run -b postgres "), command
assert services["tests"]["environment"]["FOSTER_SERVER"].startswith("postgresql://postgres@db:5432/")'
}

# Every package that building and installing foster needs (.ci/install-deps
# --list build) is in each recipe's install step, and in README's install
# line: a recipe that lacks one cannot build foster (as libjansson-dev once
# was missing from the GitHub recipe).
recipe_install_lines() { # FILE: the apt-get install command(s), continuation lines joined
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | grep -E 'apt-get install'
}

test_ci_recipes_name_every_package_that_building_foster_needs() {
    local packages package recipe lines
    packages=$(sh "$ROOT/.ci/install-deps" --list build)
    assert_contains "$packages" "libjansson-dev"
    for recipe in "$CONTRIB/ci/github-actions.yml" "$CONTRIB/compose/Dockerfile" "$ROOT/README.md"; do
        lines=$(recipe_install_lines "$recipe")
        [ -n "$lines" ] || fail "$recipe has no apt-get install"
        for package in $packages; do
            [[ " $lines " =~ [[:space:]]$package[[:space:]] ]] ||
                fail "$recipe does not install $package (.ci/install-deps --list build needs it)"
        done
    done
}

# The GitHub recipe's "Install foster" step, run here: apt-get only checks that
# each package it names is installed, sudo installs into a scratch root
# (DESTDIR), and the repository is this one. The installed foster then runs
# the recipe's test steps.
test_github_actions_install_step_builds_and_installs_foster() {
    mkdir -p "$WORK/shims" "$WORK/runner"
    cat >"$WORK/shims/apt-get" <<'EOF'
#!/bin/sh
[ "$1" = install ] || exit 0
shift
for p in "$@"; do
    case $p in -*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        { echo "apt-get stand-in: $p is not installed here" >&2; exit 100; }
done
EOF
    printf '#!/bin/sh\nDESTDIR=%s exec "$@"\n' "$WORK/root" >"$WORK/shims/sudo"
    chmod +x "$WORK/shims/apt-get" "$WORK/shims/sudo"
    local step
    step=$("$PYTHON" -c '
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["jobs"]["test"]
print([s for s in job["steps"] if s.get("name") == "Install foster"][0]["run"])' "$CONTRIB/ci/github-actions.yml")
    [ -d "$ROOT/.git" ] || [ -f "$ROOT/.git" ] || skip "the source tree is not a git repository to clone"
    PATH=$WORK/shims:$PATH RUNNER_TEMP=$WORK/runner FOSTER_REPOSITORY=file://$ROOT run bash -ec "$step"
    assert_exit 0
    [ -x "$WORK/root/usr/local/bin/foster" ] || fail "the step installed no foster: $OUT"
    run "$WORK/root/usr/local/bin/foster" -c "$ROOT/foster.ini" -q run -- true
    assert_exit 0
    assert_runtime_empty
}

# The commands of a recipe, run against a server: a foster cluster stands in
# for the service container, `foster`, `python` and `python3` are on PATH.
test_github_actions_recipe_commands_run_the_django_tests_against_a_server() {
    put_tools_on_path
    start_server
    local steps
    steps=$("$PYTHON" -c '
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["jobs"]["test"]
for step in job["steps"]:
    if step.get("name") in ("Wait for PostgreSQL", "Test"):
        print(step["run"])' "$CONTRIB/ci/github-actions.yml")
    assert_contains "$steps" "foster wait"
    FOSTER_SERVER=$SERVER_URL PGPASSWORD=postgres in_example bash -ec "$steps"
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "foster: ready"
    assert_contains "$OUT" "postgres database postgresql://"
    stop_server
    assert_runtime_empty
}

test_compose_recipe_command_runs_the_django_tests_against_a_server() {
    put_tools_on_path
    start_server
    local command
    command=$("$PYTHON" -c '
import sys, yaml
command = yaml.safe_load(open(sys.argv[1]))["services"]["tests"]["command"]
print(command.replace("$$", "$"))  # compose interpolation' "$CONTRIB/compose/docker-compose.yml")
    FOSTER_SERVER=$SERVER_URL PGPASSWORD=postgres in_example sh -c "$command"
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "foster: ready"
    stop_server
    assert_runtime_empty
}

run_tests
