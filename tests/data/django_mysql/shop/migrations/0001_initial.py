from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[("id", models.AutoField(primary_key=True, serialize=False)),
                    ("name", models.CharField(max_length=100, unique=True))],
            options={"managed": False, "db_table": "shop_author"}),
        migrations.CreateModel(
            name="Book",
            fields=[("id", models.AutoField(primary_key=True, serialize=False)),
                    ("title", models.CharField(max_length=200)),
                    ("note", models.TextField(null=True)),
                    ("author", models.ForeignKey(on_delete=models.PROTECT, to="shop.author"))],
            options={"managed": False, "db_table": "shop_book"}),
        migrations.CreateModel(
            name="Review",
            fields=[("id", models.AutoField(primary_key=True, serialize=False)),
                    ("stars", models.IntegerField()),
                    ("book", models.ForeignKey(on_delete=models.CASCADE, to="shop.book"))]),
    ]
