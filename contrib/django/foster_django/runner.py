"""FosterRunner: Django's DiscoverRunner on foster's database.

    TEST_RUNNER = "foster_django.FosterRunner"

* Under `foster run -- python3 manage.py test` (or after
  `eval "$(foster up)"`), the DATABASES entries made by
  foster_django.database() already point at foster's database; the runner is
  Django's own, and the foster backends make Django use that database as it
  is (no test_ copy, nothing deleted, the project's migrations applied).
* Plain `python3 manage.py test`: the entries are pending; the runner runs
  `foster up` before setting up the databases and `foster down` after tearing
  them down — also when the tests fail, setup fails, or the run is
  interrupted (Ctrl-C, SIGTERM, SIGHUP).

Parallel tests: `python3 manage.py test --parallel N` works as in Django:
Django clones foster's database once per worker (SQLite: files beside it;
PostgreSQL: databases copied from it) and removes the clones at the end;
foster's own database is kept as the template and torn down as usual. No
`--jobs` is needed for Django's own --parallel (that is for pytest-xdist: see
foster_django.foster_url). On PostgreSQL, let FosterRunner provision (plain
`manage.py test --parallel N`): under `foster run`, foster's own session on
the database stops CREATE DATABASE ... TEMPLATE.

Options (manage.py test --help): --foster-config FILE, --foster-backend NAME
(sqlite, postgres, cluster, container), --foster-binary PATH; see
foster_django.provision for the defaults.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test.runner import DiscoverRunner

from .databases import is_foster
from .provision import FosterError, Provision


class FosterRunner(DiscoverRunner):
    def __init__(self, foster_config=None, foster_backend=None, foster_binary=None, **kwargs):
        super().__init__(**kwargs)
        self.foster_config = foster_config
        self.foster_backend = foster_backend
        self.foster_binary = foster_binary
        self.foster = None

    @classmethod
    def add_arguments(cls, parser):
        super().add_arguments(parser)
        group = parser.add_argument_group("foster", "where the test database comes from outside "
                                          "`foster run`")
        group.add_argument("--foster-config", metavar="FILE",
                           help="foster's manifest (default settings.FOSTER_CONFIG, "
                           "$FOSTER_CONFIG, foster.ini here or above)")
        group.add_argument("--foster-backend", metavar="NAME",
                           help="foster's backend: sqlite, postgres, cluster, container, mysql "
                           "or mysql-cluster "
                           "(default: the manifest's)")
        group.add_argument("--foster-binary", metavar="PATH",
                           help="the foster program (default $FOSTER, settings.FOSTER_BINARY, "
                           "foster on PATH)")

    def setup_databases(self, **kwargs):
        aliases = kwargs.get("aliases")
        self.foster = Provision(aliases=aliases, binary=self.foster_binary,
                                config=self.foster_config, backend=self.foster_backend,
                                quiet=self.verbosity < 2)
        try:
            environment = self.foster.start()
        except FosterError as error:
            # foster printed its own error above; no traceback for it.
            self._say(str(error))
            sys.exit(2)
        try:
            if environment and self.verbosity >= 1:
                self._say("foster: run %s: %s" % (environment["FOSTER_RUN_ID"],
                                                 environment["DATABASE_URL"]))
            self._refuse_foster_database_without_foster_engine(aliases)
            return super().setup_databases(**kwargs)
        except BaseException:
            self.foster.stop()
            raise

    def teardown_databases(self, old_config, **kwargs):
        try:
            super().teardown_databases(old_config, **kwargs)
        finally:
            if self.foster is not None:
                self.foster.stop()

    def _say(self, message):
        # DiscoverRunner.log exists from Django 4.0; stderr before that, as it does.
        if hasattr(DiscoverRunner, "log"):
            self.log(message)
        else:
            sys.stderr.write(message + "\n")

    def _refuse_foster_database_without_foster_engine(self, aliases):
        """Under foster, an entry that names foster's database with Django's own
        ENGINE (dj-database-url, environ.Env.db(), ...) would make Django create
        test_<name> without foster's tables; say what to use instead."""
        if not os.environ.get("FOSTER_RUN_ID"):
            return
        foster_names = {os.environ.get("FOSTER_SQLITE_PATH"), os.environ.get("PGDATABASE")}
        foster_names.discard(None)
        for alias in aliases if aliases is not None else connections.settings:
            entry = connections.settings[alias]
            if entry.get("NAME") in foster_names and not is_foster(entry):
                raise ImproperlyConfigured(
                    "foster_django: DATABASES[%r] is foster's database but its ENGINE is %s; "
                    "Django's test setup would make a separate test database without foster's "
                    "tables. Use DATABASES = {%r: foster_django.database()}."
                    % (alias, entry.get("ENGINE"), alias))
