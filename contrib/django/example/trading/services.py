"""Moving shares between accounts: what the example's tests exercise."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Account, Company, Shares, ShareTransfer


class NotEnoughShares(Exception):
    pass


def transfer_shares(from_account, to_account, ticker, quantity, price):
    """Moves `quantity` shares of `ticker` and pays for them; returns the ShareTransfer.

    The buyer (to_account) pays quantity * price to the seller. Raises
    NotEnoughShares when the seller holds fewer; the database's own CHECK
    constraints (cash_balance >= 0) stop an overdraft (IntegrityError).
    """
    price = Decimal(price)
    with transaction.atomic():
        company = Company.objects.get(ticker=ticker)
        held = Shares.objects.select_for_update().filter(account=from_account, company=company)
        holding = held.first()
        if holding is None or holding.quantity < quantity:
            raise NotEnoughShares("%s holds %d %s" % (from_account, holding.quantity if holding else 0,
                                                      ticker))
        held.update(quantity=F("quantity") - quantity)
        updated = Shares.objects.filter(account=to_account, company=company).update(
            quantity=F("quantity") + quantity)
        if not updated:
            Shares.objects.create(account=to_account, company=company, quantity=quantity)
        cost = (price * quantity).quantize(Decimal("0.01"))
        Account.objects.filter(pk=to_account.pk).update(cash_balance=F("cash_balance") - cost)
        Account.objects.filter(pk=from_account.pk).update(cash_balance=F("cash_balance") + cost)
        return ShareTransfer.objects.create(from_account=from_account, to_account=to_account,
                                            company=company, quantity=quantity, price=price,
                                            transferred_at=timezone.now())
