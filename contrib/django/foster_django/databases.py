"""The DATABASES entry for foster's test database.

The entry is marked in two ways:

* ENGINE is one of this package's backends (foster_django.backends.sqlite3 or
  .postgresql): Django's own backend, whose test-database creation uses the
  database foster provisioned as it is (see backends/creation.py) instead of
  creating, clobbering or destroying one;
* TEST["FOSTER"] holds what database() was asked for, so that FosterRunner and
  the pytest plugin can find the entries they must provision and re-point.

Nothing here opens a connection or runs foster.
"""

import copy
import os

from .urls import FosterUrlError, parse_database_url

FOSTER_ENGINES = {
    "sqlite": "foster_django.backends.sqlite3",
    "postgresql": "foster_django.backends.postgresql",
    "mysql": "foster_django.backends.mysql",
}
# An entry waiting for a database: outside `foster run`, until FosterRunner or
# the pytest plugin provisions one. Any use of it fails with a message that
# says how to get a database.
PENDING_ENGINE = "foster_django.backends.pending"
MARK = "FOSTER"


def database(url=None, *, fallback=None, **extra):
    """The DATABASES entry for foster's database.

    url: the database; default foster_url(): $DATABASE_URL when
        $FOSTER_RUN_ID is set too, that is under `foster run` or after
        `eval "$(foster up)"` -- or, in a pytest-xdist worker under
        `foster run --jobs N`, that worker's own copy. A DATABASE_URL without
        FOSTER_RUN_ID is never used: it is more likely your real database
        than a throwaway one.
    fallback: the entry to use when there is no foster database (for
        runserver, makemigrations, shell, ...). FosterRunner and the pytest
        plugin still replace it with a foster database for the tests.
        Without a fallback, the entry is "pending": using it raises an error
        that says how to get a database.
    extra: Django settings applied over what the URL gives (OPTIONS,
        CONN_MAX_AGE, ATOMIC_REQUESTS, TIME_ZONE, ...); OPTIONS are merged
        with the URL's query parameters, TEST (MIRROR, MIGRATE, ...) with
        what foster sets there.

    Returns a new dict. Raises foster_django.FosterUrlError when the URL is
    neither sqlite:/// nor postgresql://.
    """
    if url is None:
        url = foster_url()
    if url:
        entry = {}
        configure(entry, url, extra)
        return entry
    if fallback is not None:
        entry = copy.deepcopy(fallback)
    else:
        entry = {"ENGINE": PENDING_ENGINE, "NAME": ""}
    entry.setdefault("TEST", {})[MARK] = {"extra": copy.deepcopy(extra)}
    return entry


def foster_url(environ=None):
    """The URL of foster's database for this process, or None outside foster.

    Under `foster run` (or after `eval "$(foster up)"`): $DATABASE_URL. In a
    pytest-xdist worker (PYTEST_XDIST_WORKER=gw<k>) when foster made copies
    for parallel workers (`foster run --jobs N -- pytest -n N`, which exports
    FOSTER_JOBS=N and DATABASE_URL_1..N): DATABASE_URL_<k+1>, so that every
    worker has a database of its own.

    Raises FosterUrlError when xdist workers would share one database
    (foster ran without --jobs) or outnumber foster's copies: pytest-django
    reads the settings before any conftest.py could fix that, and workers
    sharing one database fail in confusing ways.
    """
    environ = os.environ if environ is None else environ
    if not environ.get("FOSTER_RUN_ID"):
        return None
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not (worker.startswith("gw") and worker[2:].isdigit()):
        return environ.get("DATABASE_URL") or None
    number = int(worker[2:]) + 1
    copy = environ.get("DATABASE_URL_%d" % number)
    if copy:
        return copy
    if environ.get("PYTEST_XDIST_WORKER_COUNT") == "1":  # -n 1: nobody to share with
        return environ.get("DATABASE_URL") or None
    jobs = environ.get("FOSTER_JOBS")
    raise FosterUrlError(
        "foster_django: pytest-xdist worker %s needs a database of its own (DATABASE_URL_%d), "
        "but foster ran %s; run foster run --jobs N -- pytest -n N (N copies for N workers)"
        % (worker, number, "with --jobs %s" % jobs if jobs else "without --jobs"))


def configure(entry, url, extra=None):
    """Points the DATABASES entry `entry` at the foster database `url`, in place.

    extra: as for database(); default what database() recorded in the entry.
    Keeps the entry's other keys (Django's defaults, TEST settings such as
    MIGRATE), sets ENGINE, NAME, USER, PASSWORD, HOST, PORT, OPTIONS, TEST
    NAME (the same database: Django must not make another) and the mark.

    Raises foster_django.FosterUrlError for a URL it cannot use; `entry` is
    then unchanged.
    """
    parsed = parse_database_url(url)
    test = entry.get("TEST") or {}
    if extra is None:
        extra = (test.get(MARK) or {}).get("extra") or {}
    recorded = copy.deepcopy(extra)
    extra = copy.deepcopy(extra)
    options = dict(parsed["OPTIONS"])
    options.update(extra.pop("OPTIONS", None) or {})
    entry.update(
        ENGINE=FOSTER_ENGINES[parsed["vendor"]],
        NAME=parsed["NAME"],
        USER=parsed["USER"],
        PASSWORD=parsed["PASSWORD"],
        HOST=parsed["HOST"],
        PORT=parsed["PORT"],
        OPTIONS=options,
    )
    extra_test = extra.pop("TEST", None) or {}
    entry.update(extra)
    test = dict(test)
    test.update(extra_test)  # MIRROR, MIGRATE, ... given to database()
    test["NAME"] = parsed["NAME"]
    test[MARK] = {"extra": recorded}
    entry["TEST"] = test
    return entry


def is_foster(entry):
    """True when the DATABASES entry is a provisioned foster database."""
    return entry.get("ENGINE") in FOSTER_ENGINES.values()


def needs_provisioning(entry):
    """True when the entry was made by database() but has no foster database yet."""
    test = entry.get("TEST") or {}
    return MARK in test and not is_foster(entry)
