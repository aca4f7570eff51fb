from django.db import migrations


class _OnVendors:
    """Runs the database side of an operation only on ``vendors``; the state changes everywhere."""

    vendors: tuple[str, ...]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor in self.vendors:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor in self.vendors:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs["vendors"] = self.vendors
        return name, args, kwargs


class AddIndexOnVendors(_OnVendors, migrations.AddIndex):
    """An index that only some databases can build (``NULLS LAST`` in an index: PostgreSQL).

    The model state always gets it, so ``makemigrations`` stays quiet; the embedded SQLite demo
    simply goes without it.
    """

    def __init__(self, model_name, index, vendors=("postgresql",)):
        super().__init__(model_name, index)
        self.vendors = tuple(vendors)


class RunSQLOnVendors(_OnVendors, migrations.RunSQL):
    """SQL that only some databases take (triggers in PL/pgSQL: PostgreSQL); the embedded
    SQLite demo goes without it."""

    def __init__(self, sql, reverse_sql=None, vendors=("postgresql",), **kwargs):
        super().__init__(sql, reverse_sql, **kwargs)
        self.vendors = tuple(vendors)


class AlterFieldOnVendors(_OnVendors, migrations.AlterField):
    """A field change made in the database only on ``vendors`` (the others convert it their own
    way within the same migration)."""

    def __init__(self, model_name, name, field, preserve_default=True, vendors=("sqlite",)):
        super().__init__(model_name, name, field, preserve_default)
        self.vendors = tuple(vendors)
