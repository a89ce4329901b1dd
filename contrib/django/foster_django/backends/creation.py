"""Test-database creation that uses foster's database as it is.

Django's test setup normally makes its own test database: on SQLite it
deletes an existing TEST NAME file first, on PostgreSQL it creates
test_<NAME> (and drops it at the end). For a foster database that would
destroy the tables foster created. With this mixin:

* create_test_db always runs with keepdb: nothing is created or deleted; the
  project's own migrations run into foster's database (unmanaged models have
  no tables made for them, so foster's tables stay as they are);
* before migrating, the database must carry foster's marker (SQLite:
  PRAGMA application_id "fost"; PostgreSQL: a COMMENT ON DATABASE that starts
  "foster test database; run ") — Django's test machinery writes and
  flushes, so it is never let loose on a database foster did not make;
* destroy_test_db never destroys it: foster's teardown (the end of
  `foster run`, or `foster down`) removes it. Databases Django cloned from
  it for --parallel are Django's, and are destroyed as usual.
"""

from django.core.exceptions import ImproperlyConfigured

SQLITE_APPLICATION_ID = 0x666F7374  # "fost"
POSTGRES_MARKER_PREFIX = "foster test database; run "


class NotAFosterDatabase(ImproperlyConfigured):
    """The database lacks foster's marker; Django's test setup must not touch it."""


class FosterCreationMixin:
    def _get_test_db_name(self):
        settings_dict = self.connection.settings_dict
        return (settings_dict.get("TEST") or {}).get("NAME") or settings_dict["NAME"]

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        # foster created it: nothing to create, nothing to clobber.
        return self._get_test_db_name()

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        self.connection.close()
        self.connection.settings_dict["NAME"] = self._get_test_db_name()
        self.check_foster_marker()
        return super().create_test_db(verbosity=verbosity, autoclobber=autoclobber,
                                      serialize=serialize, keepdb=True)

    def destroy_test_db(self, old_database_name=None, verbosity=1, keepdb=False, suffix=None):
        if suffix is None:
            keepdb = True  # foster's teardown removes it, not Django
        return super().destroy_test_db(old_database_name=old_database_name, verbosity=verbosity,
                                       keepdb=keepdb, suffix=suffix)

    def check_foster_marker(self):
        """Raises NotAFosterDatabase unless the database carries foster's marker."""
        name = self._get_test_db_name()
        marker = self.read_foster_marker()
        if marker is None:
            raise NotAFosterDatabase(
                "foster_django: %s is not a database foster created (it has no foster "
                "marker); Django's test setup migrates into and flushes the test database, "
                "so it only uses one made by `foster run` or `foster up`." % name)
        return marker


class SqliteFosterCreationMixin(FosterCreationMixin):
    def read_foster_marker(self):
        import os

        path = self._get_test_db_name()
        if not os.path.isfile(path):
            # Django would create an empty file here; foster's is gone.
            return None
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA application_id")
            row = cursor.fetchone()
        self.connection.close()
        return row[0] if row and row[0] == SQLITE_APPLICATION_ID else None


class MysqlFosterCreationMixin(FosterCreationMixin):
    def read_foster_marker(self):
        """The schema comment (MariaDB >= 10.5), else the _foster_marker table (MySQL 8)."""
        marker = None
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                "'information_schema' AND TABLE_NAME = 'SCHEMATA' AND COLUMN_NAME = "
                "'SCHEMA_COMMENT'")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA "
                               "WHERE SCHEMA_NAME = DATABASE()")
                row = cursor.fetchone()
                marker = row[0] if row else None
            if not (marker and marker.startswith(POSTGRES_MARKER_PREFIX)):
                cursor.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                               "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_foster_marker'")
                marker = None
                if cursor.fetchone()[0]:
                    cursor.execute("SELECT marker FROM _foster_marker LIMIT 1")
                    row = cursor.fetchone()
                    marker = row[0] if row else None
        self.connection.close()
        return marker if marker and marker.startswith(POSTGRES_MARKER_PREFIX) else None


class PostgresFosterCreationMixin(FosterCreationMixin):
    def read_foster_marker(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_catalog.shobj_description(oid, 'pg_database') "
                "FROM pg_catalog.pg_database WHERE datname = current_database()")
            row = cursor.fetchone()
        self.connection.close()
        comment = row[0] if row else None
        return comment if comment and comment.startswith(POSTGRES_MARKER_PREFIX) else None
