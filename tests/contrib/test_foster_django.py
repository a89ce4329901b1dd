"""Unit tests of foster_django's pure parts: URLs, DATABASES entries, table order.

    /usr/bin/python3 -m unittest -v tests/contrib/test_foster_django.py

(contrib_package_test.sh runs it; it needs Django importable, no database, no foster.)
"""

import os
import sys
import unittest
from unittest import mock

ROOT = os.environ.get("FOSTER_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "contrib", "django"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(DATABASES={}, INSTALLED_APPS=[])
    django.setup()

import foster_django  # noqa: E402
from foster_django.databases import configure  # noqa: E402
from foster_django.testcases import parents_first  # noqa: E402

CLUSTER_URL = ("postgresql://postgres@/test_trading_0738a400"
               "?host=%2Fdev%2Fshm%2Ffoster-cluster_0738a400-rkjgBU&port=5432")


class ParseDatabaseUrlTests(unittest.TestCase):
    def test_sqlite_url_gives_the_absolute_path_as_it_is(self):
        parsed = foster_django.parse_database_url("sqlite:////dev/shm/foster-0/a b%20c.sqlite3")
        self.assertEqual(parsed["vendor"], "sqlite")
        self.assertEqual(parsed["NAME"], "/dev/shm/foster-0/a b%20c.sqlite3")
        self.assertEqual((parsed["HOST"], parsed["PORT"], parsed["OPTIONS"]), ("", "", {}))

    def test_postgres_socket_url_decodes_host_and_port_parameters(self):
        parsed = foster_django.parse_database_url(CLUSTER_URL)
        self.assertEqual(parsed, {"vendor": "postgresql", "NAME": "test_trading_0738a400",
                                  "USER": "postgres", "PASSWORD": "",
                                  "HOST": "/dev/shm/foster-cluster_0738a400-rkjgBU",
                                  "PORT": "5432", "OPTIONS": {}})

    def test_postgres_tcp_url_with_encoded_user_password_and_options(self):
        parsed = foster_django.parse_database_url(
            "postgres://ci%40corp:p%2Fw%40rd@db.example:6543/test_x?sslmode=require")
        self.assertEqual((parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"],
                          parsed["NAME"], parsed["OPTIONS"]),
                         ("ci@corp", "p/w@rd", "db.example", "6543", "test_x",
                          {"sslmode": "require"}))

    def test_postgres_ipv6_host_loses_its_brackets(self):
        parsed = foster_django.parse_database_url("postgresql://u@[::1]:5432/db")
        self.assertEqual((parsed["HOST"], parsed["PORT"]), ("::1", "5432"))

    def test_unknown_scheme_is_refused_without_showing_the_password(self):
        with self.assertRaises(foster_django.FosterUrlError) as caught:
            foster_django.parse_database_url("oracle://root:hunter2@db/app")
        self.assertEqual(str(caught.exception),
                         "oracle://root:***@db/app: expected a sqlite:///, postgresql:// or "
                         "mysql:// URL")

    def test_mysql_socket_url_puts_the_socket_in_options(self):
        parsed = foster_django.parse_database_url(
            "mysql://root@localhost/test_shop_0738a400?unix_socket=/dev/shm/f/mysqld.sock")
        self.assertEqual(parsed, {"vendor": "mysql", "NAME": "test_shop_0738a400",
                                  "USER": "root", "PASSWORD": "", "HOST": "localhost",
                                  "PORT": "", "OPTIONS": {"unix_socket": "/dev/shm/f/mysqld.sock"}})

    def test_mysql_tcp_url_with_encoded_password(self):
        parsed = foster_django.parse_database_url(
            "mysql://app:S3cr3t%3Ap%40ss%2Fw@127.0.0.1:3307/test_shop_1")
        self.assertEqual((parsed["vendor"], parsed["USER"], parsed["PASSWORD"], parsed["HOST"],
                          parsed["PORT"], parsed["NAME"]),
                         ("mysql", "app", "S3cr3t:p@ss/w", "127.0.0.1", "3307", "test_shop_1"))

    def test_mysql_entry_uses_fosters_mysql_engine(self):
        entry = foster_django.database("mysql://root@localhost/test_shop_1?unix_socket=/s")
        self.assertEqual(entry["ENGINE"], "foster_django.backends.mysql")
        self.assertEqual(entry["OPTIONS"], {"unix_socket": "/s"})

    def test_postgres_url_without_database_is_refused(self):
        with self.assertRaises(foster_django.FosterUrlError) as caught:
            foster_django.parse_database_url("postgresql://u@host:5432/")
        self.assertEqual(str(caught.exception), "postgresql://u@host:5432/: no database name")


class DatabaseTests(unittest.TestCase):
    def test_under_foster_the_entry_is_fosters_database_with_test_name_the_same(self):
        with mock.patch.dict(os.environ, {"DATABASE_URL": CLUSTER_URL, "FOSTER_RUN_ID": "0738a400"}):
            entry = foster_django.database()
        self.assertEqual(entry["ENGINE"], "foster_django.backends.postgresql")
        self.assertEqual(entry["NAME"], "test_trading_0738a400")
        self.assertEqual(entry["TEST"]["NAME"], "test_trading_0738a400")
        self.assertEqual(entry["HOST"], "/dev/shm/foster-cluster_0738a400-rkjgBU")
        self.assertTrue(foster_django.is_foster(entry))
        self.assertFalse(foster_django.needs_provisioning(entry))

    def test_an_xdist_worker_gets_its_own_copy_under_foster_run_jobs(self):
        environ = {"DATABASE_URL": "sqlite:////r/test_t_1.sqlite3", "FOSTER_RUN_ID": "1",
                   "FOSTER_JOBS": "2", "DATABASE_URL_1": "sqlite:////r/test_t_1_1.sqlite3",
                   "DATABASE_URL_2": "sqlite:////r/test_t_1_2.sqlite3"}
        names = []
        for worker in ("gw0", "gw1"):
            with mock.patch.dict(os.environ, dict(environ, PYTEST_XDIST_WORKER=worker),
                                 clear=True):
                names.append(foster_django.database()["NAME"])
        self.assertEqual(names, ["/r/test_t_1_1.sqlite3", "/r/test_t_1_2.sqlite3"])
        with mock.patch.dict(os.environ, environ, clear=True):  # not a worker
            self.assertEqual(foster_django.database()["NAME"], "/r/test_t_1.sqlite3")

    def test_xdist_workers_without_a_copy_each_are_refused(self):
        environ = {"DATABASE_URL": "sqlite:////r/a.sqlite3", "FOSTER_RUN_ID": "1",
                   "PYTEST_XDIST_WORKER": "gw0"}
        with mock.patch.dict(os.environ, environ, clear=True):
            with self.assertRaises(foster_django.FosterUrlError) as caught:
                foster_django.database()
        self.assertIn("worker gw0 needs a database of its own (DATABASE_URL_1), but foster ran "
                      "without --jobs", str(caught.exception))
        with mock.patch.dict(os.environ, dict(environ, PYTEST_XDIST_WORKER_COUNT="1"),
                             clear=True):  # pytest -n 1: one worker, one database
            self.assertEqual(foster_django.database()["NAME"], "/r/a.sqlite3")
        environ.update(PYTEST_XDIST_WORKER="gw2", FOSTER_JOBS="2",
                       DATABASE_URL_1="sqlite:////r/a_1.sqlite3",
                       DATABASE_URL_2="sqlite:////r/a_2.sqlite3")
        with mock.patch.dict(os.environ, environ, clear=True):
            with self.assertRaises(foster_django.FosterUrlError) as caught:
                foster_django.database()
        self.assertIn("(DATABASE_URL_3), but foster ran with --jobs 2; run foster run --jobs N "
                      "-- pytest -n N", str(caught.exception))

    def test_a_database_url_without_foster_run_id_is_not_used(self):
        environ = {"DATABASE_URL": "postgresql://app@prod.example/app"}
        with mock.patch.dict(os.environ, environ, clear=True):
            entry = foster_django.database()
        self.assertEqual(entry["ENGINE"], foster_django.PENDING_ENGINE)
        self.assertTrue(foster_django.needs_provisioning(entry))

    def test_a_fallback_is_used_outside_foster_and_still_provisioned_for_tests(self):
        fallback = {"ENGINE": "django.db.backends.postgresql", "NAME": "dev", "OPTIONS": {"a": 1}}
        with mock.patch.dict(os.environ, {}, clear=True):
            entry = foster_django.database(fallback=fallback)
        self.assertEqual((entry["ENGINE"], entry["NAME"]), ("django.db.backends.postgresql", "dev"))
        self.assertTrue(foster_django.needs_provisioning(entry))
        self.assertNotIn("TEST", fallback)  # the caller's dict is not changed

    def test_extra_settings_apply_over_the_url_and_options_merge(self):
        entry = foster_django.database("postgresql://u@h:1/db?sslmode=require", CONN_MAX_AGE=60,
                                       OPTIONS={"connect_timeout": 5})
        self.assertEqual(entry["CONN_MAX_AGE"], 60)
        self.assertEqual(entry["OPTIONS"], {"sslmode": "require", "connect_timeout": 5})

    def test_configure_points_a_pending_entry_at_foster_keeping_its_extras(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            entry = foster_django.database(ATOMIC_REQUESTS=True, OPTIONS={"timeout": 9})
        entry["TEST"]["MIGRATE"] = True
        configure(entry, "sqlite:////tmp/x/test_trading_1.sqlite3")
        self.assertEqual(entry["ENGINE"], "foster_django.backends.sqlite3")
        self.assertEqual(entry["NAME"], "/tmp/x/test_trading_1.sqlite3")
        self.assertEqual(entry["TEST"]["NAME"], "/tmp/x/test_trading_1.sqlite3")
        self.assertTrue(entry["TEST"]["MIGRATE"])
        self.assertTrue(entry["ATOMIC_REQUESTS"])
        self.assertEqual(entry["OPTIONS"], {"timeout": 9})

    def test_configure_leaves_the_entry_unchanged_on_a_bad_url(self):
        entry = {"ENGINE": foster_django.PENDING_ENGINE, "NAME": "", "TEST": {"FOSTER": {}}}
        with self.assertRaises(foster_django.FosterUrlError):
            configure(entry, "ftp://x/y")
        self.assertEqual(entry, {"ENGINE": foster_django.PENDING_ENGINE, "NAME": "",
                                 "TEST": {"FOSTER": {}}})


class ParentsFirstTests(unittest.TestCase):
    def test_referenced_tables_come_before_those_that_reference_them(self):
        edges = {"transfer": {"account", "company"}, "account": {"user"}, "company": set(),
                 "user": set()}
        self.assertEqual(parents_first(["account", "company", "transfer", "user"], edges),
                         ["company", "user", "account", "transfer"])

    def test_a_cycle_keeps_the_given_order(self):
        edges = {"a": {"b"}, "b": {"a"}, "c": set()}
        self.assertEqual(parents_first(["a", "b", "c"], edges), ["c", "a", "b"])


if __name__ == "__main__":
    unittest.main()
