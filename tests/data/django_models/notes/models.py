"""A managed model with foreign keys into the unmanaged tables."""

from django.db import models


class Note(models.Model):
    # Agrees: shop_customer(id) exists.
    customer = models.ForeignKey("shop.Customer", models.CASCADE, related_name="notes")
    # MISMATCH: targets shop_customer(customer_code), a column the table lacks
    by_code = models.ForeignKey("shop.Customer", models.CASCADE, to_field="code",
                                related_name="notes_by_code")
    text = models.TextField()
