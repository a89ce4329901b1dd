"""Django database backends for foster's test databases.

ENGINE = "foster_django.backends.sqlite3" or "foster_django.backends.postgresql"
is Django's own backend with one difference: the test-database creation
(creation.FosterCreationMixin) uses the database foster provisioned as it is.
"foster_django.backends.pending" stands for a database not provisioned yet.
"""
