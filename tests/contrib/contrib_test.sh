#!/usr/bin/env bash
# contrib_test.sh — the tools people run foster from, tested for real:
# contrib/foster.mk (make), contrib/django (Django's test runner, pytest-django,
# pip), contrib/ci and contrib/compose (YAML, and their commands against a
# server).
#
#   usage: contrib_test.sh FOSTER_BINARY [NAME_REGEX]
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
# python3-yaml, python3-pip, python3-setuptools; and the PostgreSQL server
# package for the cluster backend. No network.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
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

# A query on a PostgreSQL server through psycopg2; rows as "a|b" lines.
pg_query() { # CONNINFO_URL QUERY
    "$PYTHON" - "$1" "$2" <<'EOF'
import sys
import psycopg2
con = psycopg2.connect(sys.argv[1])
con.autocommit = True
cur = con.cursor()
cur.execute(sys.argv[2])
for row in cur.fetchall():
    print("|".join("<null>" if v is None else str(v) for v in row))
con.close()
EOF
}

sqlite_query() { # FILE QUERY
    "$PYTHON" - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in con.execute(sys.argv[2]):
    print("|".join("<null>" if v is None else str(v) for v in row))
con.close()
EOF
}

# `eval "$(foster up)"` in this shell, or fail.
foster_up() { # [FOSTER OPTIONS...]
    local exports
    exports=$("$FOSTER_BIN" -q "$@" up) || fail "foster up $* failed"
    eval "$exports"
    [ -n "${FOSTER_RUN_ID:-}" ] || fail "foster up printed no FOSTER_RUN_ID: $exports"
    echo "$FOSTER_RUN_ID" >>"$WORK/.runs"
}

foster_down() {
    run "$FOSTER_BIN" down "$FOSTER_RUN_ID"
    assert_exit 0
    unset DATABASE_URL FOSTER_RUN_ID FOSTER_BACKEND FOSTER_SQLITE_PATH PGHOST PGPORT PGDATABASE \
        PGUSER PGPASSWORD
}

# A bin directory with foster, python and python3 first on PATH, as a CI
# image would have them.
put_tools_on_path() {
    mkdir -p "$WORK/bin"
    ln -sf "$FOSTER_BIN" "$WORK/bin/foster"
    ln -sf "$PYTHON" "$WORK/bin/python3"
    ln -sf "$PYTHON" "$WORK/bin/python"
    export PATH="$WORK/bin:$PATH"
}

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
# Django: the example project, on SQLite and on the cluster backend.

test_django_on_sqlite_under_foster_run() {
    in_example "$FOSTER_BIN" run -- "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "Using existing test database for alias 'default'"
    assert_not_contains "$OUT" "Destroying"
    assert_runtime_empty
}

test_django_on_sqlite_plain_manage_py_test_provisions_through_foster_runner() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test -v 2
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "foster: run "
    assert_contains "$OUT" "foster: created 5 tables"
    assert_contains "$OUT" "Applying desk.0001_initial... OK"
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

test_django_foster_runner_finds_foster_on_path() {
    put_tools_on_path
    in_example python3 manage.py test
    assert_django_ok "$DJANGO_TESTS"
    assert_runtime_empty
}

test_django_on_cluster_under_foster_run() {
    in_example "$FOSTER_BIN" -b cluster run -- "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "foster: run "
    assert_contains "$OUT" "postgres database postgresql://"
    assert_runtime_empty
}

test_django_on_cluster_plain_manage_py_test_with_foster_backend_option() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test --foster-backend cluster -v 2
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "postgres database postgresql://"
    assert_contains "$OUT" "Applying desk.0001_initial... OK"
    assert_runtime_empty
}

# The example project itself on MariaDB: its schemas are PostgreSQL dumps, and
# the <table>.mysql.sql beside each (schemas/ at the top of the tree) is what the
# MySQL backends take; the fixtures' timestamps with "+00" are stored in UTC.
test_django_example_on_mysql_cluster_under_foster_run() {
    "$PYTHON" -c 'import MySQLdb' 2>/dev/null || skip "mysqlclient (python3-mysqldb) is not installed"
    [ -x /usr/sbin/mariadbd ] || skip "no MariaDB server (mariadb-server)"
    in_example "$FOSTER_BIN" -b mysql-cluster run -- "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "mysql database mysql://root@localhost/test_trading_"
    assert_contains "$OUT" "foster: created 5 tables in "
    assert_contains "$OUT" "foster: loaded trading_sharestransfer         3 rows"
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

# ---- Django on MySQL/MariaDB: tests/data/django_mysql (unmanaged tables, a managed
# model with a foreign key to one of them), on foster's own MariaDB server.

# Copies the MySQL project to $WORK/django_mysql and runs a command in it.
in_mysql_project() {
    "$PYTHON" -c 'import MySQLdb' 2>/dev/null || skip "mysqlclient (python3-mysqldb) is not installed"
    [ -x /usr/sbin/mariadbd ] || skip "no MariaDB server (mariadb-server)"
    cp -R "$DATA/django_mysql" "$WORK/django_mysql" || fail "cannot copy the MySQL project"
    (cd "$WORK/django_mysql" && "$@") >"$WORK/.out" 2>&1
    STATUS=$?
    OUT=$(cat "$WORK/.out")
}

test_django_on_mysql_cluster_under_foster_run() {
    in_mysql_project "$FOSTER_BIN" run -- "$PYTHON" manage.py test
    assert_django_ok 7
    assert_contains "$OUT" "mysql database mysql://root@localhost/test_shop_"
    assert_contains "$OUT" "Using existing test database for alias 'default'"
    assert_contains "$OUT" "foster: teardown: removed test_shop_"
    assert_runtime_empty
}

test_django_on_mysql_cluster_plain_manage_py_test_through_foster_runner() {
    FOSTER=$FOSTER_BIN in_mysql_project "$PYTHON" manage.py test -v 2 --foster-backend mysql-cluster
    assert_django_ok 7
    assert_contains "$OUT" "Applying shop.0001_initial... OK"
    assert_contains "$OUT" "test_managed_model_with_foreign_key_to_unmanaged_table"
    assert_contains "$OUT" "foster: teardown: removed test_shop_"
    assert_runtime_empty
}

test_django_parallel_on_sqlite_runs_on_clones_of_fosters_database() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test --parallel 2
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "Cloning test database for alias 'default'"
    assert_runtime_empty
}

test_django_parallel_on_cluster_runs_on_clones_of_fosters_database() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test --parallel 2 --foster-backend cluster
    assert_django_ok "$DJANGO_TESTS"
    assert_contains "$OUT" "Cloning test database for alias 'default'"
    assert_runtime_empty
}

test_django_keeps_fosters_sqlite_database_and_migrates_into_it() {
    cd "$EXAMPLE" || fail "no $EXAMPLE"
    foster_up
    local path=$FOSTER_SQLITE_PATH inode
    inode=$(stat -c %i "$path")
    in_example "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    [ -e "$path" ] || fail "Django deleted foster's database $path"
    assert_eq "$inode" "$(stat -c %i "$path")" "inode of $path (Django recreated it)"
    assert_eq 1718580084 "$(sqlite_query "$path" "PRAGMA application_id")" "foster's marker"
    assert_eq "desk_tradenote" "$(sqlite_query "$path" \
        "SELECT name FROM sqlite_master WHERE name = 'desk_tradenote'")" "the managed table"
    assert_eq "3|5" "$(sqlite_query "$path" "SELECT (SELECT count(*) FROM trading_sharestransfer),
        (SELECT count(*) FROM trading_account)")" "foster's rows after the tests"
    # A second run on the same database: migrations already applied, tests pass.
    in_example "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    foster_down
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

test_django_keeps_fosters_postgres_database_and_migrates_into_it() {
    cd "$EXAMPLE" || fail "no $EXAMPLE"
    foster_up -b cluster
    local url="postgresql://postgres@/postgres?host=$PGHOST&port=$PGPORT" oid before after
    oid="SELECT oid, datname, shobj_description(oid, 'pg_database') LIKE
         'foster test database; run $FOSTER_RUN_ID%' FROM pg_database WHERE datname = '$PGDATABASE'"
    local databases="SELECT string_agg(datname, '|' ORDER BY datname) FROM pg_database"
    before=$(pg_query "$url" "$oid"; pg_query "$url" "$databases")
    in_example "$PYTHON" manage.py test
    assert_django_ok "$DJANGO_TESTS"
    after=$(pg_query "$url" "$oid"; pg_query "$url" "$databases")
    # Same oid, name and marker; no database created or dropped (no test_ copy).
    assert_eq "$before" "$after" "foster's database and the server's databases after Django's tests"
    assert_contains "$after" "|$PGDATABASE|True" "foster's database"
    assert_eq "desk_tradenote" "$(pg_query "postgresql://postgres@/$PGDATABASE?host=$PGHOST&port=$PGPORT" \
        "SELECT relname FROM pg_class WHERE relname = 'desk_tradenote'")" "the managed table"
    local database=$PGDATABASE
    foster_down
    assert_contains "$OUT" "foster: teardown: removed $database"
    assert_runtime_empty
}

test_django_without_foster_fails_with_no_such_table() {
    in_example "$PYTHON" manage.py test --settings=example_project.settings_without_foster
    assert_exit 1
    assert_contains "$OUT" "no such table: trading_account"
    assert_runtime_empty
}

test_django_without_foster_on_postgres_cannot_even_migrate() {
    in_example "$FOSTER_BIN" -q -b cluster run -- "$PYTHON" manage.py test \
        --settings=example_project.settings_without_foster
    assert_exit 1
    assert_contains "$OUT" 'relation "trading_account" does not exist'
    assert_runtime_empty
}

test_django_pending_database_without_foster_runner_says_how_to_get_one() {
    in_example "$PYTHON" manage.py test --testrunner=django.test.runner.DiscoverRunner
    assert_exit 1
    assert_contains "$OUT" "foster_django: there is no foster database (DATABASE_URL and FOSTER_RUN_ID are not set)"
    assert_contains "$OUT" "TEST_RUNNER = 'foster_django.FosterRunner'"
    assert_runtime_empty
}

test_django_refuses_a_database_without_fosters_marker() {
    "$PYTHON" -c "import sqlite3; c = sqlite3.connect('$WORK/precious.sqlite3');
c.execute('CREATE TABLE keep (x)'); c.execute('INSERT INTO keep VALUES (1)'); c.commit()"
    local before
    before=$(md5sum <"$WORK/precious.sqlite3")
    DATABASE_URL="sqlite:///$WORK/precious.sqlite3" FOSTER_RUN_ID=0123abcd \
        in_example "$PYTHON" manage.py test
    assert_exit 1
    assert_contains "$OUT" "foster_django: $WORK/precious.sqlite3 is not a database foster created"
    assert_eq "$before" "$(md5sum <"$WORK/precious.sqlite3")" "the database Django was refused"
    assert_runtime_empty
}

test_django_foster_runner_refuses_fosters_database_under_djangos_own_engine() {
    mkdir "$WORK/settings"
    cat >"$WORK/settings/plain_engine_settings.py" <<'EOF'
import os
from example_project.settings import *  # noqa
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ["FOSTER_SQLITE_PATH"]}}
EOF
    PYTHONPATH=$WORK/settings in_example "$FOSTER_BIN" run -- "$PYTHON" manage.py test \
        --settings=plain_engine_settings
    assert_exit 1
    assert_contains "$OUT" "foster_django: DATABASES['default'] is foster's database but its ENGINE is django.db.backends.sqlite3"
    assert_contains "$OUT" "foster: teardown: removed test_trading_"
    assert_runtime_empty
}

# A test module outside the example, given as a label to manage.py test.
write_extra_tests() {
    mkdir -p "$WORK/extra"
    cat >"$WORK/extra/extra_tests.py" <<'EOF'
import os
import signal

from django.test import TestCase

from trading.models import Account


class ExtraTests(TestCase):
    def test_fails_on_purpose(self):
        if os.environ.get("EXTRA_MODE") == "fail":
            self.assertEqual(Account.objects.count(), 6)

    def test_is_terminated(self):
        if os.environ.get("EXTRA_MODE") == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
            signal.pause()
EOF
}

test_django_foster_runner_tears_down_when_the_tests_fail() {
    write_extra_tests
    FOSTER=$FOSTER_BIN EXTRA_MODE=fail PYTHONPATH=$WORK/extra in_example "$PYTHON" manage.py test extra_tests
    assert_exit 1
    assert_contains "$OUT" "AssertionError: 5 != 6"
    assert_contains "$OUT" "FAILED (failures=1)"
    assert_runtime_empty
}

test_django_foster_runner_tears_down_on_sigterm() {
    write_extra_tests
    FOSTER=$FOSTER_BIN EXTRA_MODE=sigterm PYTHONPATH=$WORK/extra in_example "$PYTHON" manage.py test \
        extra_tests --foster-backend cluster
    assert_exit 143
    assert_runtime_empty
}

test_django_foster_runner_reports_a_failing_foster_up() {
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test --foster-config "$WORK/missing.ini"
    assert_exit 2
    assert_contains "$OUT" "foster: error: $WORK/missing.ini"
    assert_contains "$OUT" "foster_django: \`foster -c $WORK/missing.ini -q up --json\` failed with exit status 2"
    assert_not_contains "$OUT" "Traceback"
    assert_runtime_empty
}

# A router sends the unmanaged (trading) models to a second alias, "trading",
# which foster provisions too: the fixture rows are read through it, writes
# through it are rolled back, the managed model stays on "default".
write_router_project() {
    mkdir -p "$WORK/router"
    cat >"$WORK/router/router_settings.py" <<'EOF'
from example_project.settings import *  # noqa
import foster_django

DATABASES = {
    "default": foster_django.database(),
    "trading": foster_django.database(TEST={"MIRROR": "default"}),
}
DATABASE_ROUTERS = ["router_settings.TradingRouter"]


class TradingRouter:
    """The trading app's unmanaged models live on the "trading" alias."""

    def db_for_read(self, model, **hints):
        return "trading" if model._meta.app_label == "trading" else None

    db_for_write = db_for_read

    def allow_relation(self, a, b, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return (db == "trading") == (app_label == "trading")
EOF
    cat >"$WORK/router/router_tests.py" <<'EOF'
import datetime
import os

from django.db import connections
from django.test import TestCase

from desk.models import TradeNote
from trading.models import Account


class RouterTests(TestCase):
    databases = {"default", "trading"}

    def test_a_fixture_rows_are_read_through_the_second_alias(self):
        accounts = list(Account.objects.order_by("id"))
        self.assertEqual(len(accounts), 5)
        self.assertEqual({a._state.db for a in accounts}, {"trading"})

    def test_b_the_second_alias_is_fosters_database(self):
        name = connections["trading"].settings_dict["NAME"]
        self.assertEqual(name, os.environ.get("FOSTER_SQLITE_PATH") or os.environ["PGDATABASE"])
        self.assertTrue(connections["trading"].settings_dict["ENGINE"].startswith("foster_django."))

    def test_c_writes_through_the_second_alias(self):
        Account.objects.filter(id=1).update(cash_balance=0)
        Account.objects.create(id=99, user_id=2, name="X", cash_balance=1,
                               opened_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
        self.assertEqual(Account.objects.count(), 6)

    def test_d_are_rolled_back(self):
        self.assertEqual(Account.objects.count(), 5)
        self.assertNotEqual(Account.objects.get(id=1).cash_balance, 0)



# On SQLite the two aliases are two connections to one file: a class whose
# tests wrote through one holds its write lock until the class ends.
class ManagedModelTests(TestCase):
    databases = {"default", "trading"}

    def test_e_the_managed_model_stays_on_default(self):
        note = TradeNote.objects.create(account=Account.objects.get(id=1), text="routed")
        self.assertEqual(note._state.db, "default")
        self.assertEqual(TradeNote.objects.using("default").count(), 1)
EOF
}

run_router_tests() { # [manage.py test OPTIONS...]
    write_router_project
    FOSTER=$FOSTER_BIN PYTHONPATH=$WORK/router in_example "$PYTHON" manage.py test router_tests \
        --settings=router_settings -v 2 "$@"
    assert_django_ok 5
    assert_contains "$OUT" "test_d_are_rolled_back (router_tests.RouterTests"
    assert_runtime_empty
}

test_django_router_sends_unmanaged_models_to_a_second_foster_alias_on_sqlite() {
    run_router_tests
}

test_django_router_sends_unmanaged_models_to_a_second_foster_alias_on_cluster() {
    run_router_tests --foster-backend cluster
}

test_django_router_under_foster_run() {
    write_router_project
    PYTHONPATH=$WORK/router in_example "$FOSTER_BIN" run -- "$PYTHON" manage.py test router_tests \
        --settings=router_settings
    assert_django_ok 5
    assert_runtime_empty
}

# Django fixtures: `manage.py dumpdata` output as foster's JSON fixtures
# (manifest key `model`), in place of the CSV files of two tables; the example's
# tests then see exactly the same rows.
write_dumpdata_project() { # [FOSTER OPTIONS for the dump...]
    mkdir -p "$WORK/proj/fixtures"
    cp "$ROOT"/fixtures/*.csv "$WORK/proj/fixtures/"
    rm "$WORK/proj/fixtures/trading_account.csv" "$WORK/proj/fixtures/trading_sharestransfer.csv"
    (cd "$EXAMPLE" && "$FOSTER_BIN" -q "$@" run -- "$PYTHON" manage.py dumpdata trading.Account \
        --indent 1 >"$WORK/proj/fixtures/trading_account.json" &&
        "$FOSTER_BIN" -q "$@" run -- "$PYTHON" manage.py dumpdata trading.ShareTransfer \
            >"$WORK/proj/fixtures/trading_sharestransfer.json") || fail "dumpdata failed"
    assert_contains "$(cat "$WORK/proj/fixtures/trading_account.json")" '"model": "trading.account"'
    assert_contains "$(cat "$WORK/proj/fixtures/trading_account.json")" '"user": 2'
    cat >"$WORK/proj/foster.ini" <<EOF
[foster]
name     = trading
schemas  = $ROOT/schemas
fixtures = fixtures

[table auth_user]
[table trading_company]

[table trading_account]
model    = trading.account
fixtures = trading_account.json

[table trading_shares]

[table trading_sharestransfer]
model    = trading.sharetransfer
fixtures = trading_sharestransfer.json
EOF
}

test_django_dumpdata_fixtures_load_through_foster_on_sqlite() {
    write_dumpdata_project
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test -v 2 --foster-config "$WORK/proj/foster.ini"
    assert_django_ok "$DJANGO_TESTS"
    assert_matches "$OUT" "loaded trading_account +5 rows from .*/trading_account\.json"
    assert_matches "$OUT" "loaded trading_sharestransfer +3 rows from .*/trading_sharestransfer\.json"
    assert_runtime_empty
}

test_django_dumpdata_fixtures_load_through_foster_on_cluster() {
    write_dumpdata_project -b cluster
    FOSTER=$FOSTER_BIN in_example "$PYTHON" manage.py test -v 2 --foster-config "$WORK/proj/foster.ini" \
        --foster-backend cluster
    assert_django_ok "$DJANGO_TESTS"
    assert_matches "$OUT" "loaded trading_account +5 rows from .*/trading_account\.json"
    assert_matches "$OUT" "loaded trading_sharestransfer +3 rows from .*/trading_sharestransfer\.json"
    assert_runtime_empty
}

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

# manage.py test from a subfolder of the project: foster finds foster.ini above.
test_django_manage_py_test_from_a_subfolder_finds_the_manifest() {
    cp -R "$EXAMPLE" "$WORK/example"
    cd "$WORK/example/trading" || fail "cannot enter the app folder"
    # settings.FOSTER_CONFIG would name the manifest: without it, foster searches.
    sed -i 's/^FOSTER_CONFIG = .*$//' "$WORK/example/example_project/settings.py"
    sed -i -e "s|^schemas .*|schemas = $ROOT/schemas|" -e "s|^fixtures .*|fixtures = $ROOT/fixtures|" \
        "$WORK/example/foster.ini"
    FOSTER=$FOSTER_BIN PYTHONPATH=$CONTRIB/django run "$PYTHON" ../manage.py test tests
    assert_django_ok "$DJANGO_TESTS"
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

# ===========================================================================
# The runner.

# FOSTER_TEST_DJANGO_DIR: run on bookworm-backports' Django (4.2), unpacked
# there by backports_django.sh, instead of the system's (3.2): $PYTHON becomes
# a python3 with that Django first on its path.
before_all() {
    [ -x "$PYTHON" ] || { echo "python3 not found: $PYTHON" >&2; exit 2; }
    if [ -n "${FOSTER_TEST_DJANGO_DIR:-}" ]; then
        local site
        if ! site=$("$SCRIPT_DIR/backports_django.sh" "$FOSTER_TEST_DJANGO_DIR" 2>"$SUITE_TMP/why"); then
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

run_tests
