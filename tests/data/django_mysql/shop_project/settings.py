"""Settings of the MySQL test project: foster's database, FosterRunner."""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.path.join(os.environ["FOSTER_SOURCE_ROOT"], "contrib", "django"))

import foster_django  # noqa: E402

SECRET_KEY = "foster-mysql-test-not-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
DATABASES = {"default": foster_django.database()}
TEST_RUNNER = "foster_django.FosterRunner"
FOSTER_CONFIG = BASE_DIR / "foster.ini"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
