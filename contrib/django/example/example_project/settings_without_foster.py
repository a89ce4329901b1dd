"""The same project with Django's own database setup and test runner: the control.

This is how such a project fails without foster. On SQLite, Django's test
database has none of the trading service's tables ("no such table:
trading_account"); on PostgreSQL (here: the server in PGHOST, e.g. under
`foster -b cluster run`), Django creates an empty test_trading and the
project's own migration fails, because desk_tradenote's foreign key needs
trading_account ('relation "trading_account" does not exist').

    python3 manage.py test --settings=example_project.settings_without_foster
"""

import os

from .settings import *  # noqa: F401,F403

if os.environ.get("PGHOST"):
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "trading",
        "HOST": os.environ["PGHOST"],
        "PORT": os.environ.get("PGPORT", ""),
        "USER": os.environ.get("PGUSER", ""),
    }}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

TEST_RUNNER = "django.test.runner.DiscoverRunner"
