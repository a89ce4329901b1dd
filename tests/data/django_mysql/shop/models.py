from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        managed = False
        db_table = "shop_author"


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    note = models.TextField(null=True)

    class Meta:
        managed = False
        db_table = "shop_book"


class Review(models.Model):
    """Owned by this project: its migration needs shop_book to exist."""
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()
