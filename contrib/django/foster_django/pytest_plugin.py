"""pytest-django on foster's database.

In the conftest.py at your project's root (pytest-django must be installed):

    pytest_plugins = ["foster_django.pytest_plugin"]

(or run `pytest -p foster_django.pytest_plugin`). Settings as for Django:
DATABASES = {"default": foster_django.database()}.

* Under `foster run -- pytest`, the entry already points at foster's
  database, and pytest-django's django_db_setup uses it as it is (the foster
  backends make Django keep it: no test_ copy; --reuse-db and --create-db
  change nothing).
* Plain `pytest`: this plugin's django_db_modify_db_settings fixture (which
  pytest-django's django_db_setup depends on) runs `foster up` once per
  session before the database setup and `foster down` after its teardown.

Options: --foster-config FILE, --foster-backend NAME, --foster-binary PATH
(defaults as for FosterRunner: settings.FOSTER_CONFIG / $FOSTER_CONFIG /
foster.ini here or above, the manifest's backend, $FOSTER / settings.FOSTER_BINARY /
foster on PATH).

This replaces pytest-django's django_db_modify_db_settings, which adds a
suffix to the test database name for pytest-xdist and tox workers: one
foster database is one database. For pytest-xdist, either
`foster run --jobs N -- pytest -n N` (foster makes N copies, and
foster_django.database() gives worker gw<k> the copy DATABASE_URL_<k+1>), or
plain `pytest -n N` without `foster run` (every worker runs `foster up`
itself).

`@pytest.mark.django_db` tests are rolled back like Django's TestCase.
`django_db(transaction=True)` flushes the managed tables only, as
TransactionTestCase does (see foster_django.testcases); use the
foster_restore fixture in such tests to put foster's tables back afterwards.
"""

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("foster", "foster test database (outside `foster run`)")
    group.addoption("--foster-config", metavar="FILE", default=None,
                    help="foster's manifest (default settings.FOSTER_CONFIG, $FOSTER_CONFIG, "
                    "foster.ini here or above)")
    group.addoption("--foster-backend", metavar="NAME", default=None,
                    help="sqlite, postgres, cluster, container, mysql or mysql-cluster "
                         "(default: the manifest's)")
    group.addoption("--foster-binary", metavar="PATH", default=None,
                    help="the foster program (default $FOSTER, settings.FOSTER_BINARY, PATH)")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """Provisions foster's database for the session when settings do not point at one."""
    from .provision import FosterError, Provision

    option = request.config.getoption
    provision = Provision(binary=option("foster_binary"), config=option("foster_config"),
                          backend=option("foster_backend"),
                          quiet=request.config.option.verbose < 1)
    try:
        provision.start()
    except FosterError as error:
        pytest.exit(str(error), returncode=2)
    try:
        yield provision.environment
    finally:
        provision.stop()


@pytest.fixture
def foster_restore(django_db_setup, django_db_blocker):
    """For transactional tests (django_db(transaction=True), transactional_db):
    puts foster's tables back, exactly, after the test.

    Only for transactional tests: in a rolled-back test the snapshot itself
    would be rolled back (and nothing needs restoring).
    """
    from django.db import connections

    from .databases import is_foster
    from .testcases import Snapshot

    snapshots = []
    with django_db_blocker.unblock():
        for connection in connections.all():
            if is_foster(connection.settings_dict):
                snapshots.append(Snapshot.take(connection))
    yield
    with django_db_blocker.unblock():
        for snapshot in snapshots:
            snapshot.restore()
            snapshot.drop()
