"""TransactionTestCase on foster's tables: what Django's flush does, and the fix.

Django runs TestCase classes first, then TransactionTestCase classes in
discovery order (here: DjangoFlushTests, then FosterRestoreTests), then plain
unittest classes (FixturesSurviveTests), and the methods of a class in name
order — DjangoFlushTests relies on that to observe its first test's leftovers
in its second.
"""

import unittest
from decimal import Decimal

from django.test import TransactionTestCase as DjangoTransactionTestCase

import foster_django
from desk.models import TradeNote
from tests.checks import EXPECTED_STATE, fixture_state
from trading.models import Account, Company, ShareTransfer, User
from trading.services import transfer_shares

LEFTOVER_ID = 9001


class DjangoFlushTests(DjangoTransactionTestCase):
    """Django's own TransactionTestCase: its flush empties managed tables only."""

    def test_1_writes_to_managed_and_unmanaged_tables(self):
        self.assertEqual(fixture_state(), EXPECTED_STATE)
        alice = Account.objects.get(pk=1)
        TradeNote.objects.create(account=alice, text="flushed by Django")
        ShareTransfer.objects.create(id=LEFTOVER_ID, from_account_id=5, to_account_id=1,
                                     company_id=1, quantity=1, price="1",
                                     transferred_at="2024-03-01T00:00:00Z")

    def test_2_flush_emptied_the_managed_table_and_left_foster_tables_alone(self):
        # The managed table was flushed after test_1 ...
        self.assertEqual(TradeNote.objects.count(), 0)
        # ... foster's fixture rows survived the flush ...
        self.assertTrue(set(EXPECTED_STATE["transfers"])
                        <= set(ShareTransfer.objects.values_list("id", flat=True)))
        self.assertEqual(User.objects.count(), 4)
        # ... and so did the row test_1 wrote into a foster table.
        self.assertTrue(ShareTransfer.objects.filter(pk=LEFTOVER_ID).exists())

    @classmethod
    def tearDownClass(cls):
        # Plain TransactionTestCase: a class that writes to foster's tables
        # cleans up after itself (or use foster_django.TransactionTestCase).
        ShareTransfer.objects.filter(pk=LEFTOVER_ID).delete()
        super().tearDownClass()


class FosterRestoreTests(foster_django.TransactionTestCase):
    """foster_django.TransactionTestCase: foster's tables are put back after each test."""

    def setUp(self):
        self.assertEqual(fixture_state(), EXPECTED_STATE)
        self.assertEqual(TradeNote.objects.count(), 0)

    def test_a_committed_transfer(self):
        transfer = transfer_shares(Account.objects.get(pk=5), Account.objects.get(pk=3), "GLBX",
                                   5, "12.00")
        self.assertGreater(transfer.id, 1057)
        TradeNote.objects.create(account_id=3, text="bought GLBX")
        self.assertEqual(Account.objects.get(pk=3).cash_balance, Decimal("785.25"))

    def test_inserts_updates_and_deletes_in_every_table(self):
        user = User.objects.create(password="!", is_superuser=False, username="dave",
                                   first_name="Dave", last_name="", email="d@example.com",
                                   is_staff=False, is_active=True,
                                   date_joined="2024-04-01T00:00:00Z")
        account = Account.objects.create(user=user, name="Dave's", cash_balance=10,
                                         opened_at="2024-04-01T00:00:00Z")
        TradeNote.objects.create(account=account, text="new customer")
        Account.objects.filter(pk=1).update(name="renamed", cash_balance=1)
        Company.objects.filter(ticker="INIT").update(ticker="INIX")
        ShareTransfer.objects.filter(pk=1042).delete()
        self.assertEqual(ShareTransfer.objects.count(), 2)


class FixturesSurviveTests(unittest.TestCase):
    """Runs after every Django test class: foster's fixture rows are all still there."""

    def test_fixture_rows_are_as_foster_loaded_them(self):
        self.assertEqual(fixture_state(), EXPECTED_STATE)
        self.assertEqual(TradeNote.objects.count(), 0)
