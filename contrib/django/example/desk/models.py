"""The project's own data: managed, migrated by Django into foster's database."""

from django.db import models


class TradeNote(models.Model):
    """A desk note about a brokerage account.

    The foreign key points at trading_account, a table this project does not
    own: the migration that creates desk_tradenote fails on PostgreSQL unless
    trading_account exists first — foster provisions it before Django migrates.
    """

    account = models.ForeignKey("trading.Account", models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text
