"""Django models against the owner's DDL as foster reads it.

Every unmanaged model whose ``db_table`` is a table of foster's manifest is
compared, field by field, with that table's schema file — the facts come
from ``foster schema --json`` (foster's own DDL reader; nothing here parses
SQL): the column (``db_column``), its type family, ``null``, the primary key,
the foreign key's target, ``unique``, ``max_length`` against a varchar's
length and ``max_digits``/``decimal_places`` against a numeric's precision
and scale. A managed model's foreign key to an unmanaged table of the
manifest is checked for its target column.

Each mismatch reads ``app.Model.field: model says X, schema says Y
(schemas/t.sql:12)``. ``python manage.py foster_check_models`` prints them
and exits 1; with ``foster_django`` in ``INSTALLED_APPS`` they are also
errors of Django's system checks, tag ``foster`` (``manage.py check --tag
foster``).
"""

import collections
import json
import os
import subprocess

from django.core import checks

from .provision import FosterError, foster_command

Mismatch = collections.namedtuple("Mismatch", "label model_says schema_says file line model")

# Django's internal field types -> foster's type families (src/drift/model_columns.c).
FAMILIES = {
    "AutoField": "integer", "BigAutoField": "integer", "SmallAutoField": "integer",
    "IntegerField": "integer", "BigIntegerField": "integer", "SmallIntegerField": "integer",
    "PositiveIntegerField": "integer", "PositiveSmallIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "CharField": "text", "TextField": "text", "EmailField": "text", "SlugField": "text",
    "URLField": "text", "GenericIPAddressField": "text", "IPAddressField": "text",
    "FilePathField": "text", "FileField": "text", "ImageField": "text",
    "DecimalField": "decimal", "FloatField": "float",
    "BooleanField": "boolean", "NullBooleanField": "boolean",
    "DateField": "date", "DateTimeField": "timestamp", "TimeField": "time",
    "DurationField": "interval", "UUIDField": "uuid", "JSONField": "json",
    "BinaryField": "binary",
}
# Schema families a model field of another family may sit on: a CharField over an enum.
COMPATIBLE = {("text", "enum")}


def schema_facts(binary=None, config=None):
    """foster's reading of the manifest's schema files: {table: table dict}.

    Raises FosterError when foster cannot run or fails.
    """
    from django.conf import settings

    argv = foster_command(binary, config or getattr(settings, "FOSTER_CONFIG", None)) + [
        "schema", "--json"]
    completed = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise FosterError("foster_django: `foster schema --json` failed with exit status %d: %s"
                          % (completed.returncode, completed.stderr.decode("utf-8", "replace").strip()))
    try:
        document = json.loads(completed.stdout.decode("utf-8"))
    except ValueError as error:
        raise FosterError("foster_django: `foster schema --json` printed no JSON object: %s" % error)
    return {table["name"]: table for table in document["tables"]}


def _where(path):
    """A schema file as the user sees it: relative to the working directory when below it."""
    relative = os.path.relpath(path) if os.path.isabs(path) else os.path.normpath(path)
    return path if relative.startswith("..") and os.path.isabs(path) else relative


def _field_family(field):
    target = field
    while target.is_relation and target.target_field is not None and target is not target.target_field:
        target = target.target_field
    return FAMILIES.get(target.get_internal_type())


def _describe_type(field, family):
    if family == "decimal" and field.max_digits is not None:
        return "decimal(%s,%s)" % (field.max_digits, field.decimal_places)
    return family


def _describe_column_type(column):
    if column["family"] == "decimal" and column["precision"] is not None:
        return "decimal(%s,%s)" % (column["precision"], column["scale"])
    return column["family"]


class _Comparison:
    """The mismatches of one model's fields against one table."""

    def __init__(self, model, table):
        self.model = model
        self.table = table
        self.columns = {column["name"]: column for column in table["columns"]}
        self.found = []

    def say(self, field, model_says, schema_says, line):
        self.found.append(Mismatch("%s.%s" % (self.model._meta.label, field.name), model_says,
                                   schema_says, _where(self.table["file"]), line, self.model))

    def field(self, field):
        column = self.columns.get(field.column)
        if column is None:
            self.say(field, "column %s" % field.column,
                     "table %s has no column %s" % (self.table["name"], field.column),
                     self.table["line"])
            return
        line = column["line"]
        self.type(field, column, line)
        if field.null != column["null"]:
            self.say(field, "null=%s" % field.null, "NULL" if column["null"] else "NOT NULL", line)
        if field.primary_key != column["primary_key"]:
            self.say(field, "primary_key=%s" % field.primary_key,
                     "primary key" if column["primary_key"] else "not the primary key", line)
        unique = field.unique and not field.primary_key
        if unique != column["unique"]:
            self.say(field, "unique=%s" % unique, "unique" if column["unique"] else "not unique",
                     line)
        self.length(field, column, line)
        self.reference(field, column, line)

    def type(self, field, column, line):
        family = _field_family(field)
        schema = column["family"]
        if family is None or schema in ("domain", "other", "array"):
            return
        if family != schema and (family, schema) not in COMPATIBLE:
            written = schema if column["type"] == schema else "%s (%s)" % (schema, column["type"])
            self.say(field, family, written, line)
        elif family == "decimal" and (field.max_digits, field.decimal_places) != (
                column["precision"], column["scale"]) and column["precision"] is not None:
            self.say(field, _describe_type(field, family), _describe_column_type(column), line)

    def length(self, field, column, line):
        max_length = getattr(field, "max_length", None)
        if field.is_relation or max_length is None or column["length"] is None:
            return
        if max_length != column["length"]:
            self.say(field, "max_length=%s" % max_length, "%s" % column["type"], line)

    def reference(self, field, column, line):
        if not field.is_relation or not field.many_to_one and not field.one_to_one:
            return
        if not getattr(field, "db_constraint", True):
            return
        target = "%s(%s)" % (field.remote_field.model._meta.db_table, field.target_field.column)
        ref = column["references"]
        if ref is None:
            self.say(field, "foreign key to %s" % target, "no foreign key", line)
            return
        actual = "%s(%s)" % (ref["table"], ref["column"] or "its primary key")
        if actual != target:
            self.say(field, "foreign key to %s" % target, "foreign key to %s" % actual,
                     ref["line"])


def _concrete_fields(model):
    return [field for field in model._meta.local_concrete_fields if field.column]


def _managed_references(model, facts):
    """A managed model's foreign keys to unmanaged tables of the manifest: the target column."""
    found = []
    for field in _concrete_fields(model):
        if not field.is_relation or not (field.many_to_one or field.one_to_one):
            continue
        remote = field.remote_field.model._meta
        table = facts.get(remote.db_table)
        if remote.managed or table is None:
            continue
        column = field.target_field.column
        if column not in {c["name"] for c in table["columns"]}:
            found.append(Mismatch("%s.%s" % (model._meta.label, field.name),
                                  "foreign key to %s(%s)" % (remote.db_table, column),
                                  "table %s has no column %s" % (remote.db_table, column),
                                  _where(table["file"]), table["line"], model))
    return found


def model_mismatches(facts=None, binary=None, config=None):
    """Every mismatch between the project's models and foster's schema files, as Mismatch."""
    from django.apps import apps

    facts = schema_facts(binary, config) if facts is None else facts
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.swapped:
            continue
        if meta.managed:
            found += _managed_references(model, facts)
            continue
        table = facts.get(meta.db_table)
        if table is None:
            continue
        comparison = _Comparison(model, table)
        for field in _concrete_fields(model):
            comparison.field(field)
        found += comparison.found
    return found


def format_mismatch(mismatch):
    return "%s: model says %s, schema says %s (%s:%d)" % (
        mismatch.label, mismatch.model_says, mismatch.schema_says, mismatch.file, mismatch.line)


@checks.register("foster")
def check_models(app_configs=None, **kwargs):
    """The system check: each mismatch an error foster.E001; foster not runnable, foster.W001."""
    try:
        mismatches = model_mismatches()
    except FosterError as error:
        return [checks.Warning(str(error), hint="set FOSTER (or settings.FOSTER_BINARY) to the "
                               "foster program, and FOSTER_CONFIG to the manifest",
                               id="foster.W001")]
    return [checks.Error(format_mismatch(m), obj=m.model, id="foster.E001") for m in mismatches
            if app_configs is None or m.model._meta.app_config in app_configs]
