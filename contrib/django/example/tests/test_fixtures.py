"""The rows foster loaded, read through the unmanaged models."""

import datetime
from decimal import Decimal

from django.test import TestCase

from tests.checks import EXPECTED_STATE, fixture_state
from trading.models import Account, Company, Shares, ShareTransfer, User

UTC = datetime.timezone.utc


class FixtureRowsTests(TestCase):
    def test_every_table_holds_its_fixture_rows(self):
        self.assertEqual(fixture_state(), EXPECTED_STATE)

    def test_foreign_keys_are_followed_across_unmanaged_tables(self):
        account = Account.objects.select_related("user").get(pk=1)
        self.assertEqual(account.name, "Alice brokerage")
        self.assertEqual(account.user.username, "alice")
        self.assertEqual(account.cash_balance, Decimal("12500.00"))
        self.assertEqual(sorted(h.company.ticker for h in account.holdings.all()), ["ACME", "GLBX"])

    def test_null_and_empty_string_are_told_apart(self):
        # fixtures/auth_user.csv: bob's last_login is an unquoted empty field
        # (NULL); ops-admin's first_name is "" (the empty string).
        self.assertIsNone(User.objects.get(username="bob").last_login)
        self.assertEqual(User.objects.get(username="ops-admin").first_name, "")

    def test_text_types_and_timestamps_round_trip(self):
        chloe = User.objects.get(username="chloe")
        self.assertEqual(chloe.first_name, "Chloé")
        self.assertFalse(chloe.is_active)
        self.assertTrue(User.objects.get(pk=1).is_superuser)
        self.assertEqual(Company.objects.get(pk=5).name, 'Stark "Arc" Industrial')
        self.assertEqual(Company.objects.get(pk=1).name, "Acme Widgets, Inc.")
        first = ShareTransfer.objects.get(pk=1041)
        self.assertEqual(first.price, Decimal("41.2500"))
        self.assertEqual(first.transferred_at, datetime.datetime(2024, 1, 15, 10, 2, 11, tzinfo=UTC))
        self.assertEqual((first.from_account_id, first.to_account_id, first.quantity), (5, 1, 150))

    def test_the_ledger_is_ordered_by_identity(self):
        self.assertEqual(list(ShareTransfer.objects.filter(company__ticker="ACME")
                              .order_by("id").values_list("id", "quantity")),
                         [(1041, 150), (1057, 10)])
        self.assertEqual(Shares.objects.get(account_id=4, company_id=5).quantity, 0)
