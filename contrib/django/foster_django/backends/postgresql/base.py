"""Django's PostgreSQL backend over a database foster provisioned."""

from django.db.backends.postgresql import base, creation

from ..creation import PostgresFosterCreationMixin


class DatabaseCreation(PostgresFosterCreationMixin, creation.DatabaseCreation):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
