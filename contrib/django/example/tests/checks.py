"""What the fixtures (foster's repository fixtures/*.csv) hold, for the tests to compare."""

from decimal import Decimal

from trading.models import Account, Company, Shares, ShareTransfer, User

FIXTURE_COUNTS = {User: 4, Company: 5, Account: 5, Shares: 8, ShareTransfer: 3}
BALANCES = {1: Decimal("12500.00"), 2: Decimal("3200.50"), 3: Decimal("845.25"),
            4: Decimal("0.00"), 5: Decimal("1000000.00")}
TRANSFER_IDS = [1041, 1042, 1057]


def fixture_state():
    """The parts of the database the tests change, in a comparable form."""
    return {
        "counts": {model.__name__: model.objects.count() for model in FIXTURE_COUNTS},
        "balances": dict(Account.objects.values_list("id", "cash_balance")),
        "account names": dict(Account.objects.values_list("id", "name")),
        "transfers": list(ShareTransfer.objects.order_by("id").values_list("id", flat=True)),
        "holdings": sorted(Shares.objects.values_list("account_id", "company_id", "quantity")),
        "tickers": sorted(Company.objects.values_list("ticker", flat=True)),
    }


EXPECTED_STATE = {
    "counts": {model.__name__: count for model, count in FIXTURE_COUNTS.items()},
    "balances": BALANCES,
    "account names": {1: "Alice brokerage", 2: "Alice ISA", 3: "Bob trading",
                      4: "Chloé savings", 5: "House inventory"},
    "transfers": TRANSFER_IDS,
    "holdings": sorted([(1, 1, 150), (1, 2, 40), (2, 3, 500), (3, 1, 10), (3, 4, 75), (4, 5, 0),
                        (5, 1, 10000), (5, 2, 2500)]),
    "tickers": ["ACME", "GLBX", "INIT", "STRK", "UMBR"],
}
