"""Tests for the example trading app, whose tables another service owns.

Run them under foster, which creates the tables from schemas/ and loads
fixtures/ into a throwaway database, and sets DATABASE_URL:

    foster run -- python3 tests/example/test_transfer.py

Run them without foster and they fail: the app falls back to an empty
./example.sqlite3 and there is no trading_account table. (The file is removed
again afterwards.)

Python 3 standard library only for SQLite; psycopg2 when DATABASE_URL is a
postgresql:// URL.
"""

import csv
import os
import sys
import unittest
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures")
sys.path.insert(0, HERE)

import trading  # noqa: E402  (the application module beside this file)

TABLES = ["auth_user", "trading_company", "trading_account", "trading_shares",
          "trading_sharestransfer"]


def read_fixture(table):
    """The rows of fixtures/<table>.csv as dicts (the empty string for NULL)."""
    with open(os.path.join(FIXTURES, table + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def remove_if_present(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def money(value):
    """A cash or price column as a Decimal rounded to the cent."""
    return trading.to_decimal(value).quantize(trading.CENT)


class TradingTestCase(unittest.TestCase):
    def setUp(self):
        url = os.environ.get("DATABASE_URL")
        naive_file = None if url else os.path.abspath("example.sqlite3")
        created = naive_file is not None and not os.path.exists(naive_file)
        self.conn = trading.connect(url)
        if created:
            self.addCleanup(remove_if_present, naive_file)
        self.addCleanup(self.conn.close)
        self.sql = trading._Sql(self.conn)

        problem = None
        try:
            self.query("SELECT count(*) FROM trading_account")
        except Exception as exc:  # sqlite3.OperationalError, psycopg2 errors
            problem = str(exc).strip()
        self.conn.rollback()
        if problem:
            self.fail("%s (DATABASE_URL=%s). These tables belong to the trading service; "
                      "run the tests under foster, which creates them: "
                      "foster run -- python3 tests/example/test_transfer.py"
                      % (problem, url or "unset, so ./example.sqlite3"))

    def query(self, text, args=()):
        cur = self.conn.cursor()
        cur.execute(self.sql.q(text), args)
        rows = cur.fetchall()
        cur.close()
        return rows

    def cash(self, account_id):
        (value,), = self.query("SELECT cash_balance FROM trading_account WHERE id = ?",
                               (account_id,))
        return money(value)

    def holding(self, account_id, company_id):
        """The quantity held, or None when the account has no row for the company."""
        rows = self.query("SELECT quantity FROM trading_shares"
                          " WHERE account_id = ? AND company_id = ?", (account_id, company_id))
        return rows[0][0] if rows else None

    def snapshot(self):
        """Every row of the tables a transfer writes, for before/after comparison."""
        state = {}
        for table in ("trading_account", "trading_shares", "trading_sharestransfer"):
            state[table] = self.query("SELECT * FROM %s ORDER BY id" % table)
        self.conn.rollback()
        return state

    def restore_fixtures(self):
        """Puts back the rows the transfer tests change, so tests run in any order
        and can be run again against the same database."""
        cur = self.conn.cursor()
        for row in read_fixture("trading_account"):
            cur.execute(self.sql.q("UPDATE trading_account SET cash_balance = ? WHERE id = ?"),
                        (self.sql.money(Decimal(row["cash_balance"])), int(row["id"])))
        for table in ("trading_shares", "trading_sharestransfer"):
            rows = read_fixture(table)
            ids = ", ".join(str(int(row["id"])) for row in rows)
            cur.execute("DELETE FROM %s WHERE id NOT IN (%s)" % (table, ids))
        for row in read_fixture("trading_shares"):
            cur.execute(self.sql.q("UPDATE trading_shares SET quantity = ? WHERE id = ?"),
                        (int(row["quantity"]), int(row["id"])))
        cur.close()
        self.conn.commit()


class FixtureTest(TradingTestCase):
    def test_every_table_holds_its_fixture_rows(self):
        for table in TABLES:
            with self.subTest(table=table):
                (count,), = self.query("SELECT count(*) FROM %s" % table)
                self.assertEqual(count, len(read_fixture(table)))

    def test_quoted_empty_field_is_empty_string_and_unquoted_is_null(self):
        # fixtures/auth_user.csv: ops-admin has first_name "" (quoted, empty
        # string); bob has last_login left empty (unquoted, NULL).
        (first_name, last_name), = self.query(
            "SELECT first_name, last_name FROM auth_user WHERE username = 'ops-admin'")
        self.assertEqual((first_name, last_name), ("", ""))
        (last_login,), = self.query("SELECT last_login FROM auth_user WHERE username = 'bob'")
        self.assertIsNone(last_login)
        (n,), = self.query("SELECT count(*) FROM auth_user WHERE last_login IS NULL")
        self.assertEqual(n, 1)

    def test_text_with_comma_quote_and_accent_survives(self):
        names = [r[0] for r in self.query("SELECT name FROM trading_company ORDER BY id")]
        self.assertEqual(names[0], "Acme Widgets, Inc.")
        self.assertEqual(names[4], 'Stark "Arc" Industrial')
        (first_name,), = self.query("SELECT first_name FROM auth_user WHERE username = 'chloe'")
        self.assertEqual(first_name, "Chloé")

    def test_booleans_and_amounts_load(self):
        (is_active, is_superuser), = self.query(
            "SELECT is_active, is_superuser FROM auth_user WHERE username = 'chloe'")
        self.assertFalse(is_active)
        self.assertFalse(is_superuser)
        (is_superuser,), = self.query(
            "SELECT is_superuser FROM auth_user WHERE username = 'ops-admin'")
        self.assertTrue(is_superuser)
        self.assertEqual(self.cash(2), Decimal("3200.50"))
        self.assertEqual(self.cash(5), Decimal("1000000.00"))
        (price,), = self.query("SELECT price FROM trading_sharestransfer WHERE id = 1057")
        self.assertEqual(trading.to_decimal(price), Decimal("43.075"))


class TransferTest(TradingTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.restore_fixtures)

    def test_transfer_moves_shares_cash_and_records_the_transfer(self):
        # Alice's brokerage account (1) sells 20 ACME (company 1) to Bob (3) at 42.1250.
        before_max_id = max(int(r["id"]) for r in read_fixture("trading_sharestransfer"))

        transfer_id = trading.transfer_shares(self.conn, 1, 3, 1, 20, Decimal("42.1250"))

        # 20 * 42.1250 = 842.50
        self.assertEqual(self.cash(1), Decimal("13342.50"))  # 12500.00 + 842.50
        self.assertEqual(self.cash(3), Decimal("2.75"))      # 845.25 - 842.50
        self.assertEqual(self.holding(1, 1), 130)
        self.assertEqual(self.holding(3, 1), 30)

        self.assertGreater(transfer_id, before_max_id,
                           "the database assigned an id not above the fixtures' largest: "
                           "its identity column was not moved past the loaded keys")
        (count,), = self.query("SELECT count(*) FROM trading_sharestransfer")
        self.assertEqual(count, len(read_fixture("trading_sharestransfer")) + 1)
        (from_id, to_id, company_id, quantity, price, transferred_at), = self.query(
            "SELECT from_account_id, to_account_id, company_id, quantity, price, transferred_at"
            " FROM trading_sharestransfer WHERE id = ?", (transfer_id,))
        self.assertEqual((from_id, to_id, company_id, quantity), (1, 3, 1, 20))
        self.assertEqual(trading.to_decimal(price), Decimal("42.125"))
        self.assertIsNotNone(transferred_at)  # filled by the column's DEFAULT now()

    def test_transfer_to_an_account_without_a_holding_creates_one(self):
        # Alice's ISA (2) sells 100 INIT (company 3) to Bob (3), who has none, at 7.50.
        self.assertIsNone(self.holding(3, 3))
        fixture_max_id = max(int(r["id"]) for r in read_fixture("trading_shares"))

        trading.transfer_shares(self.conn, 2, 3, 3, 100, "7.50")

        self.assertEqual(self.holding(2, 3), 400)
        self.assertEqual(self.holding(3, 3), 100)
        (new_id,), = self.query("SELECT id FROM trading_shares WHERE account_id = 3"
                                " AND company_id = 3")
        self.assertGreater(new_id, fixture_max_id)  # assigned by the database
        self.assertEqual(self.cash(2), Decimal("3950.50"))  # 3200.50 + 750.00
        self.assertEqual(self.cash(3), Decimal("95.25"))    # 845.25 - 750.00

    def test_overselling_raises_and_changes_nothing(self):
        # Bob (3) holds 10 ACME and tries to sell 11 to Alice (1).
        before = self.snapshot()
        with self.assertRaises(trading.InsufficientShares) as caught:
            trading.transfer_shares(self.conn, 3, 1, 1, 11, Decimal("40.00"))
        self.assertEqual(str(caught.exception),
                         "account 3 holds 10 shares of company 1, cannot transfer 11")
        self.assertEqual(self.snapshot(), before)

    def test_selling_shares_the_account_does_not_hold_raises(self):
        # Chloé (4) has no GLBX (company 2) row at all.
        before = self.snapshot()
        with self.assertRaises(trading.InsufficientShares):
            trading.transfer_shares(self.conn, 4, 1, 2, 1, Decimal("10.00"))
        self.assertEqual(self.snapshot(), before)

    def test_buyer_without_enough_cash_raises_and_changes_nothing(self):
        # Chloé's account (4) has 0.00 and cannot pay for 1 ACME.
        before = self.snapshot()
        with self.assertRaises(trading.InsufficientCash):
            trading.transfer_shares(self.conn, 1, 4, 1, 1, Decimal("41.00"))
        self.assertEqual(self.snapshot(), before)


if __name__ == "__main__":
    unittest.main()
