"""A tiny share-trading "application" whose tables belong to another service.

The trading service owns auth_user, trading_company, trading_account,
trading_shares and trading_sharestransfer (see foster.ini and schemas/); this
code only reads and writes rows in them. It runs on SQLite (the standard
library's sqlite3) and on PostgreSQL (psycopg2, imported only when needed).
"""

import os
import sqlite3
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class TransferError(Exception):
    """A transfer that the business rules refuse; nothing was changed."""


class InsufficientShares(TransferError):
    pass


class InsufficientCash(TransferError):
    pass


def connect(database_url=None):
    """Opens the database named by `database_url` (default: $DATABASE_URL).

    sqlite:////abs/path opens that file; postgresql://... (or postgres://)
    opens a PostgreSQL connection through psycopg2. When no URL is given at
    all, a naive app falls back to ./example.sqlite3, which SQLite creates
    empty if it does not exist.
    """
    if database_url is None:
        database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        return _connect_sqlite("example.sqlite3")
    if database_url.startswith("sqlite:///"):
        return _connect_sqlite(database_url[len("sqlite:///"):])
    if database_url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg2
        except ImportError as exc:
            raise RuntimeError(
                "DATABASE_URL is a PostgreSQL URL but psycopg2 is not installed "
                "(apt-get install python3-psycopg2, or pip install psycopg2-binary)"
            ) from exc
        return psycopg2.connect(database_url)
    raise ValueError("unsupported DATABASE_URL scheme: %r" % database_url.split(":", 1)[0])


def _connect_sqlite(path):
    conn = sqlite3.connect(path)
    # SQLite checks foreign keys only when each connection asks for it.
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def is_sqlite(conn):
    return isinstance(conn, sqlite3.Connection)


class _Sql:
    """What differs between the two drivers: placeholders, numbers, locking."""

    def __init__(self, conn):
        self.sqlite = is_sqlite(conn)
        self.mark = "?" if self.sqlite else "%s"

    def q(self, text):
        """`text` with each '?' placeholder in the driver's style."""
        return text if self.sqlite else text.replace("?", self.mark)

    def money(self, value):
        """A Decimal as the driver should bind it (sqlite3 cannot bind Decimal)."""
        return str(value) if self.sqlite else value

    def for_update(self):
        return "" if self.sqlite else " FOR UPDATE"


def to_decimal(value):
    """A NUMERIC column's value as a Decimal.

    psycopg2 returns Decimal already. SQLite stores NUMERIC as INTEGER or REAL
    and sqlite3 returns int or float; str() gives the shortest text that reads
    back as the same float, which for amounts with at most a few decimals is
    the amount as written.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def transfer_shares(conn, from_account_id, to_account_id, company_id, quantity, price):
    """Moves `quantity` shares of `company_id` from one account to another.

    In one transaction: checks that the seller holds the shares and the buyer
    has the cash, moves the shares (creating the buyer's holding when it has
    none), moves quantity * price (rounded to the cent) from the buyer to the
    seller, and records a trading_sharestransfer row whose id the database
    assigns. Returns that id. Raises InsufficientShares or InsufficientCash
    (and ValueError for bad arguments) with nothing changed.
    """
    price = Decimal(str(price))
    if quantity <= 0:
        raise ValueError("quantity must be positive, got %r" % (quantity,))
    if price < 0:
        raise ValueError("price must not be negative, got %s" % price)
    if from_account_id == to_account_id:
        raise ValueError("cannot transfer shares from an account to itself")
    total = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)

    sql = _Sql(conn)
    with conn:  # commits on success, rolls back on any exception
        cur = conn.cursor()
        if sql.sqlite:
            # Take the write lock now, so the checks below still hold at commit.
            cur.execute("BEGIN IMMEDIATE")

        cur.execute(
            sql.q("SELECT id, quantity FROM trading_shares WHERE account_id = ? AND company_id = ?"
                  + sql.for_update()),
            (from_account_id, company_id),
        )
        seller = cur.fetchone()
        held = seller[1] if seller else 0
        if held < quantity:
            raise InsufficientShares(
                "account %d holds %d shares of company %d, cannot transfer %d"
                % (from_account_id, held, company_id, quantity)
            )

        cur.execute(
            sql.q("SELECT cash_balance FROM trading_account WHERE id = ?" + sql.for_update()),
            (to_account_id,),
        )
        buyer = cur.fetchone()
        if buyer is None:
            raise TransferError("no account %d" % to_account_id)
        buyer_cash = to_decimal(buyer[0])
        if buyer_cash < total:
            raise InsufficientCash(
                "account %d has %s, the shares cost %s" % (to_account_id, buyer_cash, total)
            )

        cur.execute(
            sql.q("SELECT cash_balance FROM trading_account WHERE id = ?" + sql.for_update()),
            (from_account_id,),
        )
        seller_cash = to_decimal(cur.fetchone()[0])

        cur.execute(sql.q("UPDATE trading_shares SET quantity = quantity - ? WHERE id = ?"),
                    (quantity, seller[0]))
        cur.execute(
            sql.q("SELECT id FROM trading_shares WHERE account_id = ? AND company_id = ?"
                  + sql.for_update()),
            (to_account_id, company_id),
        )
        holding = cur.fetchone()
        if holding:
            cur.execute(sql.q("UPDATE trading_shares SET quantity = quantity + ? WHERE id = ?"),
                        (quantity, holding[0]))
        else:
            # No id given: the database assigns it.
            cur.execute(
                sql.q("INSERT INTO trading_shares (account_id, company_id, quantity)"
                      " VALUES (?, ?, ?)"),
                (to_account_id, company_id, quantity),
            )

        cur.execute(sql.q("UPDATE trading_account SET cash_balance = ? WHERE id = ?"),
                    (sql.money(buyer_cash - total), to_account_id))
        cur.execute(sql.q("UPDATE trading_account SET cash_balance = ? WHERE id = ?"),
                    (sql.money(seller_cash + total), from_account_id))

        # No id and no transferred_at: the identity column and DEFAULT now() fill them.
        insert = ("INSERT INTO trading_sharestransfer"
                  " (from_account_id, to_account_id, company_id, quantity, price)"
                  " VALUES (?, ?, ?, ?, ?)")
        args = (from_account_id, to_account_id, company_id, quantity, sql.money(price))
        if sql.sqlite:
            cur.execute(insert, args)
            transfer_id = cur.lastrowid
        else:
            cur.execute(sql.q(insert) + " RETURNING id", args)
            transfer_id = cur.fetchone()[0]
    return transfer_id
