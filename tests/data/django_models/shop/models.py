"""Unmanaged models over schemas/shop_*.sql, each kind of mismatch once."""

from django.db import models


class Customer(models.Model):
    # MISMATCH: max_length 200, the column is varchar(254)
    email = models.CharField(max_length=200, unique=True)
    # MISMATCH: required here, NULL in the schema
    nickname = models.CharField(max_length=30)
    # MISMATCH: db_column names a column the table lacks
    code = models.TextField(unique=True, db_column="customer_code")
    # MISMATCH: a timestamp here, a date in the schema
    joined = models.DateTimeField()
    # MISMATCH: unique here, not in the schema
    score = models.IntegerField(unique=True)

    class Meta:
        managed = False
        db_table = "shop_customer"


class Order(models.Model):
    # MISMATCH: the foreign key targets shop_customer(score), the schema's shop_customer(id)
    customer = models.ForeignKey(Customer, models.DO_NOTHING, to_field="score")
    # MISMATCH: decimal(12,2) here, numeric(10,2) in the schema
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # MISMATCH: the primary key here, not in the schema
    reference = models.CharField(max_length=20, primary_key=True)

    class Meta:
        managed = False
        db_table = "shop_order"
