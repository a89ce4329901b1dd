"""``python manage.py foster_check_models``: the project's models against the
owner's DDL as foster reads it (foster_django.checks). Prints each mismatch
as ``app.Model.field: model says X, schema says Y (schemas/t.sql:12)`` and
exits 1 when there is one; 0 when every model agrees; 2 when foster could not
read the schema files."""

import sys

from django.core.management.base import BaseCommand

from foster_django.checks import format_mismatch, model_mismatches
from foster_django.provision import FosterError


class Command(BaseCommand):
    help = ("Compares unmanaged models whose db_table is in foster's manifest with that "
            "table's DDL as foster reads it; exits 1 on a mismatch.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--foster-config", dest="foster_config", default=None,
                            help="the manifest (default settings.FOSTER_CONFIG, else foster's own)")

    def handle(self, *args, **options):
        try:
            mismatches = model_mismatches(config=options["foster_config"])
        except FosterError as error:
            self.stderr.write(str(error))
            sys.exit(2)
        for mismatch in mismatches:
            self.stdout.write(format_mismatch(mismatch))
        if mismatches:
            self.stderr.write("foster_check_models: %d mismatch%s" % (
                len(mismatches), "" if len(mismatches) == 1 else "es"))
            sys.exit(1)
        self.stderr.write("foster_check_models: every model agrees with the schema files")
