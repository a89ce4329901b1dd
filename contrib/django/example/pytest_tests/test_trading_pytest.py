"""The example's tests in pytest-django's style, on foster's database.

pytest-django runs the rolled-back tests first, then the transactional ones
(django_db(transaction=True)) in file order: the transactional test that
writes to foster's tables comes before the one that checks its rows are back.
"""

import os
from decimal import Decimal

import pytest
from django.db import connection

from desk.models import TradeNote
from tests.checks import EXPECTED_STATE, fixture_state
from trading.models import Account, Shares, ShareTransfer
from trading.services import transfer_shares


@pytest.mark.django_db
def test_the_database_is_the_one_foster_provisioned():
    expected = os.environ["FOSTER_SQLITE_PATH"] if connection.vendor == "sqlite" \
        else os.environ["PGDATABASE"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("FOSTER_JOBS"):  # foster run --jobs N -- pytest -n N
        copy = os.environ["DATABASE_URL_%d" % (int(worker[2:]) + 1)]
        expected = copy.split("?")[0].rsplit("/", 1)[1] if connection.vendor != "sqlite" \
            else copy[len("sqlite:///"):]
    assert connection.settings_dict["NAME"] == expected
    assert "desk_tradenote" in connection.introspection.table_names()


@pytest.mark.django_db
def test_fixture_rows_are_read_through_unmanaged_models():
    assert fixture_state() == EXPECTED_STATE
    assert Account.objects.get(pk=3).user.username == "bob"


@pytest.mark.django_db
def test_a_transfer_inside_a_rolled_back_test():
    transfer_shares(Account.objects.get(pk=5), Account.objects.get(pk=1), "ACME", 20, "42.50")
    TradeNote.objects.create(account_id=1, text="bought ACME")
    assert Shares.objects.get(account_id=1, company_id=1).quantity == 170
    assert Account.objects.get(pk=1).cash_balance == Decimal("11650.00")


@pytest.mark.django_db
def test_the_transfer_was_rolled_back():
    assert fixture_state() == EXPECTED_STATE
    assert TradeNote.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_transfer_with_foster_restore(foster_restore):
    transfer_shares(Account.objects.get(pk=5), Account.objects.get(pk=1), "ACME", 20, "42.50")
    ShareTransfer.objects.filter(pk=1041).delete()
    assert ShareTransfer.objects.count() == 3  # 1042, 1057 and the new one


@pytest.mark.django_db(transaction=True)
def test_foster_restore_put_the_fixture_rows_back():
    assert fixture_state() == EXPECTED_STATE
    assert TradeNote.objects.count() == 0
