"""The trading service's tables, as this project sees them.

managed = False: the trading service creates and migrates these tables in its
own database; Django never does, not even for tests. foster provisions them
from the service's DDL (schemas/) and loads fixtures/.
"""

from django.db import models


class User(models.Model):
    """auth_user: the service's Django users (this project does not install django.contrib.auth)."""

    password = models.CharField(max_length=128)
    last_login = models.DateTimeField(null=True)
    is_superuser = models.BooleanField()
    username = models.CharField(max_length=150, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.CharField(max_length=254)
    is_staff = models.BooleanField()
    is_active = models.BooleanField()
    date_joined = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "auth_user"

    def __str__(self):
        return self.username


class Company(models.Model):
    name = models.CharField(max_length=200)
    ticker = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "trading_company"

    def __str__(self):
        return self.ticker


class Account(models.Model):
    user = models.ForeignKey(User, models.DO_NOTHING, related_name="accounts")
    name = models.CharField(max_length=100)
    cash_balance = models.DecimalField(max_digits=14, decimal_places=2)
    opened_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "trading_account"

    def __str__(self):
        return self.name


class Shares(models.Model):
    """How many shares of one company one account holds."""

    account = models.ForeignKey(Account, models.DO_NOTHING, related_name="holdings")
    company = models.ForeignKey(Company, models.DO_NOTHING, related_name="holdings")
    quantity = models.IntegerField()

    class Meta:
        managed = False
        db_table = "trading_shares"
        unique_together = [("account", "company")]


class ShareTransfer(models.Model):
    """The append-only ledger of share movements (bigint identity id)."""

    id = models.BigAutoField(primary_key=True)
    from_account = models.ForeignKey(Account, models.DO_NOTHING, related_name="transfers_out")
    to_account = models.ForeignKey(Account, models.DO_NOTHING, related_name="transfers_in")
    company = models.ForeignKey(Company, models.DO_NOTHING, related_name="transfers")
    quantity = models.IntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=4)
    transferred_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "trading_sharestransfer"
