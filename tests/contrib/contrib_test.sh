#!/usr/bin/env bash
# contrib_test.sh — contrib/django's test runner (foster_django.FosterRunner)
# tested for real on the example project: on SQLite, the cluster backend and
# MariaDB (and tests/data/django_mysql), under `foster run` and through the
# runner alone, --parallel, foster's database kept and migrated into, what
# happens without foster, refused databases, teardown on failure and SIGTERM,
# a router to a second foster alias (the one docs/django.md quotes), dumpdata
# fixtures, manage.py from a subfolder.
#
#   usage: contrib_test.sh FOSTER_BINARY [NAME_REGEX]
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

foster_down() {
    run "$FOSTER_BIN" down "$FOSTER_RUN_ID"
    assert_exit 0
    unset DATABASE_URL FOSTER_RUN_ID FOSTER_BACKEND FOSTER_SQLITE_PATH PGHOST PGPORT PGDATABASE \
        PGUSER PGPASSWORD
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

run_tests
