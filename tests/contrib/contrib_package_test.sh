#!/usr/bin/env bash
# contrib_package_test.sh — the foster_django package beyond Django's test
# runner, tested for real: its pytest-django plugin (and pytest-xdist under
# `foster run --jobs`), foster_check_models (the command, the system check,
# the drift recipe's step), its own unit tests, the Django internals it relies
# on, and a pip install that works.
#
#   usage: contrib_package_test.sh FOSTER_BINARY [NAME_REGEX]
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

# ===========================================================================
# pytest-django.

test_pytest_on_sqlite_under_foster_run() {
    in_example "$FOSTER_BIN" run -- "$PYTHON" -m pytest -q
    assert_exit 0
    assert_contains "$OUT" "$PYTEST_TESTS passed"
    assert_runtime_empty
}

test_pytest_on_sqlite_plain_provisions_through_the_plugin() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" -m pytest -v
    assert_exit 0
    assert_contains "$OUT" "$PYTEST_TESTS passed"
    assert_contains "$OUT" "test_foster_restore_put_the_fixture_rows_back PASSED"
    assert_runtime_empty
}

test_pytest_on_cluster_plain_with_foster_backend_option() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" -m pytest -q --foster-backend cluster
    assert_exit 0
    assert_contains "$OUT" "$PYTEST_TESTS passed"
    assert_runtime_empty
}

test_pytest_on_cluster_under_foster_run() {
    in_example "$FOSTER_BIN" -q -b cluster run -- "$PYTHON" -m pytest -q
    assert_exit 0
    assert_contains "$OUT" "$PYTEST_TESTS passed"
    assert_runtime_empty
}

# pytest-xdist under `foster run --jobs 2`: each worker on its own copy
# (foster_django.database() picks DATABASE_URL_<k+1> for worker gw<k>).
# --dist each: both workers run every test, the example's and
# tests/contrib/xdist_probe.py's, which records each worker's database.
test_pytest_xdist_workers_get_a_database_each_under_foster_run_jobs() {
    "$PYTHON" -c 'import xdist' 2>/dev/null || skip "pytest-xdist (python3-pytest-xdist) is not installed"
    export FOSTER_XDIST_RECORD=$WORK/record
    in_example "$FOSTER_BIN" -q run --jobs 2 -- "$PYTHON" -m pytest -q -n 2 --dist each \
        pytest_tests "$SCRIPT_DIR/xdist_probe.py"
    assert_exit 0
    assert_contains "$OUT" "$((2 * (PYTEST_TESTS + 3))) passed"
    local worker name url1 url2 main companies databases=""
    while read -r worker name url1 url2 main companies; do
        case $worker in
        gw0) assert_eq "${url1#sqlite:///}" "$name" "database of worker gw0" ;;
        gw1) assert_eq "${url2#sqlite:///}" "$name" "database of worker gw1" ;;
        *) fail "unexpected worker $worker" ;;
        esac
        [ "$name" != "$main" ] || fail "worker $worker used foster's main database $main"
        assert_eq 5 "$companies" "fixture rows in $worker's database"
        databases+="$worker $name"$'\n'
    done <"$WORK/record"
    assert_eq 2 "$(printf '%s' "$databases" | sort -u | wc -l)" "distinct (worker, database) pairs"
    assert_eq 2 "$(printf '%s' "$databases" | cut -d' ' -f2 | sort -u | wc -l)" "distinct databases"
    assert_runtime_empty
}

test_pytest_xdist_workers_without_jobs_are_told_to_use_jobs() {
    "$PYTHON" -c 'import xdist' 2>/dev/null || skip "pytest-xdist (python3-pytest-xdist) is not installed"
    in_example "$FOSTER_BIN" -q run -- "$PYTHON" -m pytest -q -n 2 pytest_tests
    [ "$STATUS" -ne 0 ] || fail "pytest -n 2 passed with both workers on one database"
    assert_contains "$OUT" "needs a database of its own (DATABASE_URL_1), but foster ran without --jobs"
    assert_runtime_empty
}

# ===========================================================================
# foster_check_models: models against the schema files as foster reads them.

MODELS_PROJECT=$ROOT/tests/data/django_models

# Runs manage.py of the test project with deliberate mismatches (from a copy).
in_models_project() { # ARGS...
    cp -R "$MODELS_PROJECT" "$WORK/models"
    (cd "$WORK/models" && FOSTER=$FOSTER_BIN PYTHONPATH=$CONTRIB/django "$PYTHON" manage.py "$@") \
        >"$WORK/.out" 2>"$WORK/.err"
    STATUS=$?
    OUT=$(cat "$WORK/.out")
    ERR=$(cat "$WORK/.err")
}

test_django_foster_check_models_lists_each_kind_of_mismatch_with_its_line() {
    in_models_project foster_check_models
    assert_exit 1
    assert_eq "shop.Customer.email: model says max_length=200, schema says character varying(254) (schemas/shop_customer.sql:4)
shop.Customer.nickname: model says null=False, schema says NULL (schemas/shop_customer.sql:5)
shop.Customer.code: model says column customer_code, schema says table shop_customer has no column customer_code (schemas/shop_customer.sql:2)
shop.Customer.joined: model says timestamp, schema says date (schemas/shop_customer.sql:7)
shop.Customer.score: model says unique=True, schema says not unique (schemas/shop_customer.sql:8)
shop.Order.customer: model says foreign key to shop_customer(score), schema says foreign key to shop_customer(id) (schemas/shop_order.sql:4)
shop.Order.total: model says decimal(12,2), schema says decimal(10,2) (schemas/shop_order.sql:5)
shop.Order.reference: model says primary_key=True, schema says not the primary key (schemas/shop_order.sql:6)
notes.Note.by_code: model says foreign key to shop_customer(customer_code), schema says table shop_customer has no column customer_code (schemas/shop_customer.sql:2)" \
        "$OUT" "the mismatches"
    assert_eq "foster_check_models: 9 mismatches" "$ERR" "stderr"
    assert_eq "$(grep -c MISMATCH: "$MODELS_PROJECT/shop/models.py" "$MODELS_PROJECT/notes/models.py" |
        awk -F: '{ n += $2 } END { print n }')" "9" "mismatches marked in the models"
}

test_django_foster_check_models_runs_as_the_system_check_tagged_foster() {
    in_models_project check --tag foster
    assert_exit 1
    assert_contains "$ERR" "shop.Order: (foster.E001) shop.Order.total: model says decimal(12,2), schema says decimal(10,2) (schemas/shop_order.sql:5)"
    assert_contains "$ERR" "System check identified 9 issues"
}

test_django_foster_check_models_passes_once_the_schema_agrees() {
    cp -R "$MODELS_PROJECT" "$WORK/models"
    cat >"$WORK/models/schemas/shop_customer.sql" <<'SQL'
CREATE TABLE shop_customer (
    id integer PRIMARY KEY,
    email varchar(200) NOT NULL UNIQUE,
    nickname varchar(30) NOT NULL,
    customer_code text NOT NULL UNIQUE,
    joined timestamptz NOT NULL,
    score integer NOT NULL UNIQUE
);
SQL
    cat >"$WORK/models/schemas/shop_order.sql" <<'SQL'
CREATE TABLE shop_order (
    customer_id integer NOT NULL REFERENCES shop_customer (score),
    total numeric(12, 2) NOT NULL,
    reference varchar(20) PRIMARY KEY
);
SQL
    (cd "$WORK/models" && FOSTER=$FOSTER_BIN PYTHONPATH=$CONTRIB/django "$PYTHON" manage.py \
        foster_check_models) >"$WORK/.out" 2>&1
    STATUS=$?
    OUT=$(cat "$WORK/.out")
    assert_exit 0
    assert_eq "foster_check_models: every model agrees with the schema files" "$OUT"
}

test_django_foster_check_models_passes_on_the_example_project() {
    FOSTER=$FOSTER_BIN PYTHONPATH=$CONTRIB/django in_example "$PYTHON" manage.py foster_check_models
    assert_exit 0
    assert_eq "foster_check_models: every model agrees with the schema files" "$OUT"
    FOSTER=$FOSTER_BIN PYTHONPATH=$CONTRIB/django in_example "$PYTHON" manage.py check --tag foster
    assert_exit 0
    assert_contains "$OUT" "System check identified no issues"
}

test_django_foster_check_models_step_of_the_drift_recipe_passes_on_the_example() {
    local command
    command=$("$PYTHON" -c 'import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
print(doc["jobs"]["models"]["steps"][-1]["run"])' "$CONTRIB/ci/schema-drift.yml")
    assert_eq "python manage.py foster_check_models" "$command" "the recipe's step"
    put_tools_on_path
    PYTHONPATH=$CONTRIB/django in_example bash -c "$command"
    assert_exit 0
    assert_eq "foster_check_models: every model agrees with the schema files" "$OUT"
}

test_django_foster_check_models_without_foster_exits_2_and_says_how_to_find_it() {
    cp -R "$MODELS_PROJECT" "$WORK/models"
    (cd "$WORK/models" && FOSTER=$WORK/no-such-foster PYTHONPATH=$CONTRIB/django "$PYTHON" \
        manage.py foster_check_models) >"$WORK/.out" 2>&1
    STATUS=$?
    OUT=$(cat "$WORK/.out")
    assert_exit 2
    assert_contains "$OUT" "foster_django: cannot run foster"
}

# ===========================================================================
# The Python package itself.

test_foster_django_unit_tests() {
    run "$PYTHON" "$SCRIPT_DIR/test_foster_django.py" -v
    assert_exit 0
    assert_contains "$OUT" "Ran 19 tests"
}

test_django_internals_foster_django_relies_on_exist() {
    run "$PYTHON" "$SCRIPT_DIR/test_django_internals.py" -v
    assert_exit 0
    assert_contains "$OUT" "Django $DJANGO_VERSION"
    assert_contains "$OUT" "Ran 4 tests"
}

test_foster_django_installs_with_pip_and_works_from_the_install() {
    cp -R "$CONTRIB/django" "$WORK/src"
    run "$PYTHON" -m pip install --no-deps --no-build-isolation --no-index --quiet \
        --target "$WORK/site" "$WORK/src"
    assert_exit 0
    local expected installed
    expected=$(cd "$CONTRIB/django" && find foster_django -name '*.py' | LC_ALL=C sort)
    installed=$(cd "$WORK/site" && find foster_django -name '*.py' | LC_ALL=C sort)
    assert_eq "$expected" "$installed" "installed modules"
    [ ! -e "$WORK/site/example" ] || fail "the example project was installed"
    # The example, with foster_django from the install instead of the source tree.
    mkdir "$WORK/settings"
    cat >"$WORK/settings/installed_settings.py" <<EOF
import sys
from example_project.settings import *  # noqa
sys.path.remove("$CONTRIB/django")
for name in [m for m in sys.modules if m.startswith("foster_django")]:
    del sys.modules[name]
sys.path.insert(0, "$WORK/site")
import foster_django
assert foster_django.__file__ == "$WORK/site/foster_django/__init__.py", foster_django.__file__
DATABASES = {"default": foster_django.database()}
EOF
    FOSTER=$FOSTER_BIN PYTHONPATH=$WORK/settings in_example "$PYTHON" manage.py test \
        --settings=installed_settings
    assert_django_ok "$DJANGO_TESTS"
    assert_runtime_empty
}

run_tests
