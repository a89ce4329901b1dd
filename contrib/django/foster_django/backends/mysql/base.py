"""Django's MySQL backend (mysqlclient) over a database foster provisioned."""

from django.db.backends.mysql import base, creation

from ..creation import MysqlFosterCreationMixin


class DatabaseCreation(MysqlFosterCreationMixin, creation.DatabaseCreation):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
