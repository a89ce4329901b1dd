"""pytest-django on foster's database: this one line is the whole recipe.

Under `foster run -- pytest` the tests use the database foster provisioned;
plain `pytest` provisions one with `foster up` for the session and removes it
with `foster down` (options: --foster-config, --foster-backend,
--foster-binary). Settings: DATABASES = {"default": foster_django.database()}.
"""

pytest_plugins = ["foster_django.pytest_plugin"]
