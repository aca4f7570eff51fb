from django.db import models


class PlainJSONField(models.JSONField):
    """JSON kept as PostgreSQL ``json`` (checked and stored as text) instead of ``jsonb``.

    For per-row details of millions of variants that are read whole and never queried by key:
    COPY skips the conversion to ``jsonb``, a large share of a row's insert cost.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is None or not isinstance(value, str):  # psycopg2 decodes ``json`` itself
            return value
        return super().from_db_value(value, expression, connection)
