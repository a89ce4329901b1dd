"""Django's SQLite backend over a database foster provisioned."""

from django.db.backends.sqlite3 import base, creation

from ..creation import SqliteFosterCreationMixin


class DatabaseCreation(SqliteFosterCreationMixin, creation.DatabaseCreation):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
