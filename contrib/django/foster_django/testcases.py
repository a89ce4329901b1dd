"""Test cases for code that writes to foster's tables.

What Django does with foster's (unmanaged) tables, as of Django 3.2 to 5.x:

* TestCase wraps each test in a transaction and rolls it back. That covers
  every table in the database, foster's included: writes to them vanish
  after each test, and foster's fixture rows are as loaded for every test.
* TransactionTestCase runs each test for real (committed) and afterwards
  *flushes*: `manage.py flush` empties the tables of Django's *managed*
  models only (connection.introspection.django_table_names() skips
  `managed = False` models). So the rows foster loaded survive every flush —
  they are there for the next test class — but neither are the rows a test
  wrote into foster's tables removed. serialized_rollback does not help
  either: Django serializes only models it can migrate, and unmanaged models
  are not among them.

foster_django.TransactionTestCase closes that gap: when the class starts it
copies foster's tables (every existing table behind an unmanaged model) into
snapshot tables in the same database, and after each test, after Django's
flush, it puts their rows back exactly (DELETE, then INSERT ... SELECT from
the snapshot, in one transaction with foreign keys deferred); the snapshots
are dropped when the class ends. Sequences and identity columns are not
wound back: new rows keep getting fresh keys.

To get the whole database back as foster provisioned it — after a test run
that left rows behind, between runs on one `foster up` — use `foster reset`,
or `foster down` and `foster up` again.
"""

from django.apps import apps
from django.db import connections, transaction
from django.test import TestCase as DjangoTestCase
from django.test import TransactionTestCase as DjangoTransactionTestCase

from .databases import is_foster

SNAPSHOT_PREFIX = "foster_snapshot_"


class TestCase(DjangoTestCase):
    """Django's TestCase: every test rolled back, foster's tables included."""


class TransactionTestCase(DjangoTransactionTestCase):
    """Django's TransactionTestCase that also restores foster's tables after each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._foster_snapshots = []
        try:
            for alias in cls._foster_aliases():
                cls._foster_snapshots.append(Snapshot.take(connections[alias]))
        except BaseException:
            cls._drop_foster_snapshots()
            super().tearDownClass()
            raise

    @classmethod
    def _foster_aliases(cls):
        """The aliases of this class's `databases` that are foster's, one per
        database: a mirror, or a second alias of the same database (a router's),
        is left out."""
        aliases = connections if cls.databases == "__all__" else cls.databases
        seen, chosen = set(), []
        for alias in sorted(aliases):
            entry = connections[alias].settings_dict
            if not is_foster(entry) or (connections.settings[alias].get("TEST") or {}).get("MIRROR"):
                continue
            database = (entry.get("NAME"), entry.get("HOST"), entry.get("PORT"))
            if database not in seen:
                seen.add(database)
                chosen.append(alias)
        return chosen

    @classmethod
    def tearDownClass(cls):
        try:
            cls._drop_foster_snapshots()
        finally:
            super().tearDownClass()

    @classmethod
    def _drop_foster_snapshots(cls):
        for snapshot in getattr(cls, "_foster_snapshots", []):
            snapshot.drop()
        cls._foster_snapshots = []

    def _fixture_teardown(self):
        super()._fixture_teardown()  # Django's flush of the managed tables
        for snapshot in self._foster_snapshots:
            snapshot.restore()


def unmanaged_tables(connection):
    """The existing tables (not views) behind unmanaged models, in a stable order."""
    existing = set(connection.introspection.table_names(include_views=False))
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed or meta.proxy or meta.swapped:
            continue
        if connection.introspection.identifier_converter(meta.db_table) in existing:
            tables.add(meta.db_table)
    return sorted(tables)


def references(connection, tables):
    """{table: set of tables in `tables` it references by foreign key}."""
    wanted = set(tables)
    edges = {table: set() for table in tables}
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_key_list(%s)" % connection.ops.quote_name(table))
                targets = {row[2] for row in cursor.fetchall()}
            elif connection.vendor == "mysql":
                cursor.execute(
                    "SELECT REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE "
                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s "
                    "AND REFERENCED_TABLE_NAME IS NOT NULL", [table])
                targets = {row[0] for row in cursor.fetchall()}
            else:
                cursor.execute(
                    "SELECT confrelid::regclass::text FROM pg_catalog.pg_constraint "
                    "WHERE contype = 'f' AND conrelid = %s::regclass",
                    [connection.ops.quote_name(table)])
                targets = {row[0].strip('"') for row in cursor.fetchall()}
            edges[table] = {t for t in targets if t in wanted and t != table}
    return edges


def parents_first(tables, edges):
    """`tables` ordered so that referenced tables come before those referencing them
    (cycles keep their given order; deferred constraints cover them)."""
    ordered, placed = [], set()
    remaining = list(tables)
    while remaining:
        ready = [t for t in remaining if edges.get(t, set()) <= placed]
        if not ready:
            ready = remaining[:1]
        for table in ready:
            ordered.append(table)
            placed.add(table)
            remaining.remove(table)
    return ordered


class Snapshot:
    """Copies of foster's tables on one connection, to put their rows back."""

    def __init__(self, connection, tables):
        self.alias = connection.alias
        self.tables = tables  # [(table, snapshot table)], parents first

    @classmethod
    def take(cls, connection):
        tables = unmanaged_tables(connection)
        ordered = parents_first(tables, references(connection, tables))
        pairs = [(table, "%s%d" % (SNAPSHOT_PREFIX, number)) for number, table in enumerate(ordered)]
        snapshot = cls(connection, pairs)
        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table, copy in pairs:
                cursor.execute("DROP TABLE IF EXISTS %s" % quote(copy))
                cursor.execute("CREATE TABLE %s AS SELECT * FROM %s" % (quote(copy), quote(table)))
        return snapshot

    def restore(self):
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        # Rows a test wrote may carry keys past the snapshot's; identity columns
        # declared GENERATED ALWAYS take explicit values only when told to.
        overriding = " OVERRIDING SYSTEM VALUE" if connection.vendor == "postgresql" else ""
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA defer_foreign_keys = ON")
            elif connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif connection.vendor == "mysql":
                cursor.execute("SET foreign_key_checks = 0")
            for table, _ in reversed(self.tables):
                cursor.execute("DELETE FROM %s" % quote(table))
            for table, copy in self.tables:
                cursor.execute("INSERT INTO %s%s SELECT * FROM %s" % (quote(table), overriding,
                                                                    quote(copy)))
            if connection.vendor == "mysql":  # MySQL checks no rows when this comes back on
                cursor.execute("SET foreign_key_checks = 1")

    def drop(self):
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _, copy in self.tables:
                cursor.execute("DROP TABLE IF EXISTS %s" % quote(copy))
