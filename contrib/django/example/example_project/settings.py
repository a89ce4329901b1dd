"""Settings for the foster example project.

The trading service owns five tables (auth_user, trading_company,
trading_account, trading_shares, trading_sharestransfer): this project reads
and writes them through unmanaged models (app `trading`) but never creates
or migrates them. Its own app `desk` has a managed model, TradeNote, with a
foreign key to trading_account — so even its migration needs foster's
tables to exist first.
"""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# The example runs from foster's source tree; a real project pip-installs
# foster_django (pip install contrib/django) instead.
sys.path.insert(0, str(BASE_DIR.parent))

import foster_django  # noqa: E402

SECRET_KEY = "foster-example-not-secret"
DEBUG = False
ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "foster_django",  # foster_check_models, and the system check tag "foster"
    "trading",
    "desk",
]

# foster's database: under `foster run` (or after `eval "$(foster up)"`) the
# DATABASE_URL it exports; otherwise pending, and FosterRunner (or the pytest
# plugin) provisions one with `foster up` and removes it with `foster down`.
DATABASES = {"default": foster_django.database()}

TEST_RUNNER = "foster_django.FosterRunner"
# The manifest, for FosterRunner and the pytest plugin (foster's own default
# is ./foster.ini, which is this file when you run from the project folder).
FOSTER_CONFIG = BASE_DIR / "foster.ini"

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
