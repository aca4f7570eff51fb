"""Bulk writers: COPY on PostgreSQL, large bulk_create batches elsewhere (the SQLite demo)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from django.db import connection, models


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, separators=(",", ":"))
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class BulkWriter:
    """Collects rows as tuples in ``columns`` order and writes them in batches."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], batch_size: int = 20000):
        self.model = model
        self.columns = list(columns)
        self.batch_size = batch_size
        self.rows: list[tuple] = []
        self.written = 0
        self.use_copy = connection.vendor == "postgresql"
        self._db_columns = [model._meta.get_field(name).column for name in self.columns]

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.use_copy:
            buffer = io.StringIO()
            buffer.writelines(
                "\t".join(_copy_text(value) for value in row) + "\n" for row in self.rows
            )
            buffer.seek(0)
            table = self.model._meta.db_table
            columns = ", ".join(f'"{name}"' for name in self._db_columns)
            with connection.cursor() as cursor:
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', buffer)
        else:
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.columns, row))) for row in self.rows],
                batch_size=5000,
            )
        self.written += len(self.rows)
        self.rows.clear()
