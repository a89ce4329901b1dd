"""The Django internals foster_django relies on (docs/django.md, "Django
internals foster_django relies on") exist, with the signatures it calls them
with, in the Django under test. When a Django release changes one, this says
which, before the behaviour tests fail in a less direct way.

    python3 tests/contrib/test_django_internals.py -v
"""

import inspect
import unittest

import django
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.utils import ConnectionHandler
from django.test import TransactionTestCase


def parameters(function):
    return list(inspect.signature(function).parameters)


class DjangoInternalsTests(unittest.TestCase):
    def test_creation_hooks_foster_overrides(self):
        self.assertEqual(parameters(BaseDatabaseCreation._get_test_db_name), ["self"])
        self.assertEqual(parameters(BaseDatabaseCreation._create_test_db)[:4],
                         ["self", "verbosity", "autoclobber", "keepdb"])
        self.assertIn("keepdb", parameters(BaseDatabaseCreation.create_test_db))
        self.assertIn("suffix", parameters(BaseDatabaseCreation.destroy_test_db))

    def test_the_hook_after_each_flush(self):
        self.assertEqual(parameters(TransactionTestCase._fixture_teardown), ["self"])

    def test_what_every_use_of_a_connection_goes_through(self):
        for name in ("_cursor", "_commit", "_set_autocommit", "ensure_connection", "is_usable"):
            self.assertTrue(callable(getattr(BaseDatabaseWrapper, name)), name)
        self.assertTrue(hasattr(BaseDatabaseWrapper, "creation_class"))

    def test_public_api_used_instead_of_private(self):
        self.assertTrue(hasattr(ConnectionHandler, "__delitem__"))
        self.assertTrue(hasattr(TransactionTestCase, "databases"))


if __name__ == "__main__":
    print("Django %s" % django.get_version())
    unittest.main()
