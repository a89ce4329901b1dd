"""foster_django as a Django app: ``INSTALLED_APPS += ["foster_django"]`` gives the
``foster_check_models`` command and the system check tagged ``foster``."""

from django.apps import AppConfig


class FosterConfig(AppConfig):
    name = "foster_django"
    verbose_name = "foster"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system check)
