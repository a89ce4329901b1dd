"""Writing to foster's tables in Django's TestCase: every test is rolled back."""

from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from foster_django import TestCase
from desk.models import TradeNote
from tests.checks import EXPECTED_STATE, fixture_state
from trading.models import Account, Shares, ShareTransfer
from trading.services import NotEnoughShares, transfer_shares


class TransferTests(TestCase):
    def setUp(self):
        # Whatever the previous test wrote was rolled back: foster's fixture
        # rows are as loaded, and the project's own table is empty.
        self.assertEqual(fixture_state(), EXPECTED_STATE)
        self.assertEqual(TradeNote.objects.count(), 0)
        self.house = Account.objects.get(pk=5)
        self.alice = Account.objects.get(pk=1)

    def test_a_transfer_moves_shares_and_cash_and_is_ledgered(self):
        transfer = transfer_shares(self.house, self.alice, "ACME", 20, "42.50")
        # foster moved the identity past the loaded keys (1041, 1042, 1057).
        # (Exactly 1058 on SQLite; PostgreSQL's sequences are not rolled back
        # with the tests, so an earlier test may have used it.)
        self.assertGreater(transfer.id, 1057)
        self.assertEqual(Shares.objects.get(account=self.house, company__ticker="ACME").quantity, 9980)
        self.assertEqual(Shares.objects.get(account=self.alice, company__ticker="ACME").quantity, 170)
        self.assertEqual(Account.objects.get(pk=1).cash_balance, Decimal("11650.00"))
        self.assertEqual(Account.objects.get(pk=5).cash_balance, Decimal("1000850.00"))
        self.assertEqual(ShareTransfer.objects.count(), 4)

    def test_a_transfer_into_a_new_holding_creates_its_row(self):
        isa = Account.objects.get(pk=2)
        transfer_shares(self.house, isa, "GLBX", 10, "30")
        holding = Shares.objects.get(account=isa, company__ticker="GLBX")
        self.assertGreater(holding.id, 8)  # past the loaded keys
        self.assertEqual(holding.quantity, 10)
        self.assertEqual(Account.objects.get(pk=2).cash_balance, Decimal("2900.50"))

    def test_the_owners_check_constraint_stops_an_overdraft(self):
        chloe = Account.objects.get(pk=4)  # 0.00 cash
        with self.assertRaises(IntegrityError):
            transfer_shares(self.house, chloe, "ACME", 1, "1.00")
        self.assertEqual(ShareTransfer.objects.count(), 3)
        self.assertEqual(Shares.objects.get(account=self.house, company__ticker="ACME").quantity, 10000)

    def test_selling_more_than_held_is_refused(self):
        with self.assertRaises(NotEnoughShares):
            transfer_shares(Account.objects.get(pk=3), self.alice, "ACME", 11, "40")

    def test_a_managed_row_can_reference_an_unmanaged_one(self):
        TradeNote.objects.create(account=self.alice, text="called about ACME")
        self.assertEqual([n.text for n in self.alice.notes.all()], ["called about ACME"])
        # The foreign key Django created to foster's trading_account is real
        # (deferred, as Django makes them: checked here instead of at commit).
        with self.assertRaises(IntegrityError), transaction.atomic():
            TradeNote.objects.create(account_id=999, text="no such account")
            connection.check_constraints()
