from django.db import IntegrityError, connection, transaction
from django.test import TestCase

from .models import Author, Book, Review


class ShopOnMysqlTests(TestCase):
    def test_runs_on_mysql(self):
        self.assertEqual(connection.vendor, "mysql")

    def test_fixture_rows_with_null_rule(self):
        self.assertEqual(list(Author.objects.order_by("id").values_list("name", flat=True)),
                         ["Ann", "Bob"])
        self.assertIsNone(Book.objects.get(id=1).note)
        self.assertEqual(Book.objects.get(id=2).note, "")

    def test_managed_model_with_foreign_key_to_unmanaged_table(self):
        review = Review.objects.create(book=Book.objects.get(id=3), stars=5)
        self.assertEqual(review.book.author.name, "Ann")

    def test_foreign_key_to_missing_book_refused(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Review.objects.create(book_id=99, stars=1)

    def test_new_book_gets_the_next_key(self):
        self.assertEqual(Book.objects.create(author_id=2, title="New").id, 4)

    def test_rows_written_by_a_test_are_rolled_back(self):
        Author.objects.create(name="Zed")
        self.assertEqual(Author.objects.count(), 3)

    def test_and_do_not_leak_into_the_next(self):
        self.assertEqual(Author.objects.count(), 2)
