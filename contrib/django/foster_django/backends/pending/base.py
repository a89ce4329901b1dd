"""The backend of a DATABASES entry that has no foster database yet.

foster_django.database() returns it outside `foster run` when no fallback was
given. FosterRunner and the pytest plugin replace it with the database they
provision; anything else that tries to use it gets NoFosterDatabase, which
says how to get one. NoFosterDatabase is an OperationalError ("cannot
connect"), so that commands which only try the database, such as
makemigrations' history check, warn and carry on.
"""

from django.db.backends.dummy import base
from django.db.utils import OperationalError


class NoFosterDatabase(OperationalError):
    pass


def complain(*args, **kwargs):
    raise NoFosterDatabase(
        "foster_django: there is no foster database (DATABASE_URL and FOSTER_RUN_ID are not "
        "set). Run under foster: `foster run -- python3 manage.py test`, or "
        "`eval \"$(foster up)\"` first; or let the tests provision one: "
        "TEST_RUNNER = 'foster_django.FosterRunner' (pytest: "
        "pytest_plugins = ['foster_django.pytest_plugin']).")


def ignore(*args, **kwargs):
    pass


class DatabaseOperations(base.DatabaseOperations):
    quote_name = complain


class DatabaseClient(base.DatabaseClient):
    runshell = complain


class DatabaseCreation(base.DatabaseCreation):
    create_test_db = complain
    destroy_test_db = ignore


class DatabaseIntrospection(base.DatabaseIntrospection):
    get_table_list = complain
    get_table_description = complain
    get_relations = complain
    get_indexes = complain
    get_key_columns = complain


class DatabaseWrapper(base.DatabaseWrapper):
    vendor = "foster-pending"
    display_name = "foster (no database yet)"
    client_class = DatabaseClient
    creation_class = DatabaseCreation
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations
    _cursor = complain
    ensure_connection = complain
    _commit = complain
    is_usable = complain
    _set_autocommit = complain
