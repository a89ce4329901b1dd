"""Django support for foster: the tables your project reads but does not own.

A Django project whose models say ``class Meta: managed = False`` reads tables
another system owns; Django's test runner never creates them, so the tests fail
with "no such table". foster creates them from the owner's DDL, loads fixtures,
and exports ``DATABASE_URL``. This package turns that into Django settings and
test machinery:

``database()``
    The ``DATABASES['default']`` dict for the database foster provisioned
    (SQLite or PostgreSQL), marked so that Django's test setup uses it as it
    is: never creates, empties or destroys it, and still migrates the
    project's own managed apps into it. In a pytest-xdist worker under
    ``foster run --jobs N -- pytest -n N``, the worker's own copy
    (``foster_url()``).

``FosterRunner``
    A ``DiscoverRunner`` for ``TEST_RUNNER``. Under ``foster run`` it uses the
    database foster made; otherwise it runs ``foster up`` itself and
    ``foster down`` at the end, so plain ``python3 manage.py test`` works.

``TestCase``, ``TransactionTestCase``
    Django's ``TestCase`` (each test rolled back, foster's tables included),
    and a ``TransactionTestCase`` that, after Django's flush, puts foster's
    tables back as they were when the class started (Django's flush never
    touches unmanaged tables).

``foster_django.pytest_plugin``
    The same for pytest-django: ``pytest_plugins = ["foster_django.pytest_plugin"]``.

Only ``database()`` is imported eagerly: settings modules import this package
before Django is set up, so the runner and the test cases load on first use.
"""

from .databases import (FOSTER_ENGINES, PENDING_ENGINE, database, foster_url, is_foster,
                        needs_provisioning)
from .urls import FosterUrlError, parse_database_url

__all__ = [
    "FOSTER_ENGINES",
    "PENDING_ENGINE",
    "FosterRunner",
    "FosterUrlError",
    "TestCase",
    "TransactionTestCase",
    "database",
    "foster_url",
    "is_foster",
    "needs_provisioning",
    "parse_database_url",
]

__version__ = "0.1.0"


def __getattr__(name):
    # Lazy: django.test must not be imported while settings are being read.
    if name == "FosterRunner":
        from .runner import FosterRunner

        return FosterRunner
    if name in ("TestCase", "TransactionTestCase"):
        from . import testcases

        return getattr(testcases, name)
    raise AttributeError("module 'foster_django' has no attribute %r" % name)
