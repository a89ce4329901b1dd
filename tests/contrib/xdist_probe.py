"""Run by contrib_package_test.sh beside the Django example's pytest tests, under
`foster run --jobs 2 -- pytest -n 2 --dist each`: every test records which
xdist worker ran it, on which database, and what that database holds, in
$FOSTER_XDIST_RECORD, one line each:

    WORKER NAME DATABASE_URL_1 DATABASE_URL_2 FOSTER_SQLITE_PATH COMPANIES
"""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.parametrize("n", range(3))
def test_record_the_workers_database(n):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM trading_company")
        companies = cursor.fetchone()[0]
    environ = os.environ
    with open(environ["FOSTER_XDIST_RECORD"], "a") as record:
        record.write("%s %s %s %s %s %d\n" % (
            environ["PYTEST_XDIST_WORKER"], connection.settings_dict["NAME"],
            environ["DATABASE_URL_1"], environ["DATABASE_URL_2"], environ["FOSTER_SQLITE_PATH"],
            companies))
