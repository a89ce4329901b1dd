"""The test database is the one foster provisioned, and Django migrated into it."""

import os

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase


class FosterDatabaseTests(TestCase):
    def test_django_tests_run_on_the_database_foster_made(self):
        sqlite = connection.vendor == "sqlite"
        variable = {"sqlite": "FOSTER_SQLITE_PATH", "mysql": "MYSQL_DATABASE"}
        fosters = os.environ[variable.get(connection.vendor, "PGDATABASE")]
        name = connection.settings_dict["NAME"]
        if name != fosters:
            # With --parallel, each worker runs on Django's clone of it.
            self.assertTrue(name.startswith(os.path.splitext(fosters)[0] + "_"), name)
            return
        with connection.cursor() as cursor:
            if sqlite:
                cursor.execute("PRAGMA application_id")
                self.assertEqual(cursor.fetchone()[0], 0x666F7374)  # foster's marker, "fost"
            elif connection.vendor == "mysql":
                cursor.execute("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA "
                               "WHERE SCHEMA_NAME = DATABASE()")
                comment = cursor.fetchone()[0]
                self.assertTrue(comment.startswith("foster test database; run %s"
                                                   % os.environ["FOSTER_RUN_ID"]), comment)
            else:
                cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                               "WHERE datname = current_database()")
                comment = cursor.fetchone()[0]
                self.assertTrue(comment.startswith("foster test database; run %s"
                                                   % os.environ["FOSTER_RUN_ID"]), comment)

    def test_the_projects_own_migrations_ran_into_it(self):
        applied = MigrationRecorder(connection).applied_migrations()
        self.assertIn(("desk", "0001_initial"), applied)
        self.assertIn(("contenttypes", "0002_remove_content_type_name"), applied)

    def test_the_managed_table_references_the_unmanaged_one(self):
        with connection.cursor() as cursor:
            relations = connection.introspection.get_relations(cursor, "desk_tradenote")
        targets = {table for _, table in relations.values()}
        self.assertEqual(targets, {"trading_account"})

    def test_no_unmanaged_table_was_created_by_django(self):
        # Django's migrations created only the managed tables; foster's five
        # tables are foster's (they exist, and Django recorded no migration
        # that creates them, since trading's models are unmanaged).
        tables = set(connection.introspection.table_names(include_views=False))
        self.assertTrue({"auth_user", "trading_company", "trading_account", "trading_shares",
                         "trading_sharestransfer"} <= tables)
        self.assertEqual(sorted(connection.introspection.django_table_names(only_existing=True)),
                         ["desk_tradenote", "django_content_type"])
