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

from .urls import parse_database_url

FOSTER_ENGINES = {
    "sqlite": "foster_django.backends.sqlite3",
    "postgresql": "foster_django.backends.postgresql",
}
# An entry waiting for a database: outside `foster run`, until FosterRunner or
# the pytest plugin provisions one. Any use of it fails with a message that
# says how to get a database.
PENDING_ENGINE = "foster_django.backends.pending"
MARK = "FOSTER"


def database(url=None, *, fallback=None, **extra):
    """The DATABASES entry for foster's database.

    url: the database; default $DATABASE_URL when $FOSTER_RUN_ID is set too,
        that is under `foster run` or after `eval "$(foster up)"`. A
        DATABASE_URL without FOSTER_RUN_ID is never used: it is more likely
        your real database than a throwaway one.
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
    if url is None and os.environ.get("FOSTER_RUN_ID"):
        url = os.environ.get("DATABASE_URL") or None
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
