"""Settings of the models-against-schema test project: no database is used."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "foster-check-models-test"
INSTALLED_APPS = ["foster_django", "shop", "notes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
FOSTER_CONFIG = BASE_DIR / "foster.ini"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
