"""Bulk writers: COPY on PostgreSQL, large bulk_create batches elsewhere (the SQLite demo).

On PostgreSQL rows become lines of COPY text (or arrive as lines: ``add_line``, for a caller
that formats its own rows faster) and each batch is sent by a background thread, so the
database stores one batch while the caller parses the next. The thread works inside the caller's
transaction; ``flush()`` waits for it, and its errors are raised there.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence

from django.db import connection, models

_NULL = "\\N"
_json = json.JSONEncoder(separators=(",", ":")).encode


def needs_escape(text: str) -> bool:
    """True when COPY text format must escape something in ``text``."""
    return "\\" in text or "\t" in text or "\n" in text or "\r" in text


def _escape(text: str) -> str:
    if needs_escape(text):
        text = text.replace("\\", "\\\\").replace("\t", "\\t")
        return text.replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = _json(value)
    return _escape(str(value))


def copy_row(row: tuple) -> str:
    """One row as a line of COPY text (without the newline)."""
    return "\t".join(map(_copy_text, row))


def json_text(value) -> str:
    """A dict or list as compact JSON (what ``_copy_text`` writes before escaping)."""
    return _json(value)


class BulkWriter:
    """Collects rows as tuples in ``columns`` order and writes them in batches."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        batch_size: int = 5000,
    ):
        self.model = model
        self.columns = list(columns)
        self.batch_size = batch_size
        self.rows: list[tuple] = []
        self.written = 0
        self.use_copy = connection.vendor == "postgresql"
        self.lines: list[str] = []
        self._db_columns = [model._meta.get_field(name).column for name in self.columns]
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._immediate: list[str] = []
        self._prepared = False

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:  # the caller failed: let the running COPY end before rollback
            if self._thread is not None:
                self._thread.join()
                self._thread = None
            self._error = None
            self.rows = []
            self.lines = []

    def add(self, row: tuple) -> None:
        if self.use_copy:
            self.add_line(copy_row(row))
            return
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self._send()

    def add_line(self, line: str) -> None:
        """A row already in COPY text (without newline); only when ``use_copy``."""
        self.lines.append(line)
        if len(self.lines) >= self.batch_size:
            self._send()

    def flush(self) -> None:
        """Write every collected row and wait until the database has them."""
        self._send()
        self._wait()
        if self._immediate:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {', '.join(self._immediate)} DEFERRED")
            self._immediate = []
        self._prepared = False

    def _send(self) -> None:
        if self.lines:
            count = len(self.lines)
            data = ("\n".join(self.lines) + "\n").encode("utf-8")
            self.lines = []
        elif self.rows:
            rows, self.rows = self.rows, []
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.columns, row))) for row in rows], batch_size=5000
            )
            self.written += len(rows)
            return
        else:
            return
        self._wait()
        if not self._prepared:
            self._prepare()
            self._prepared = True
        raw = connection.connection  # the psycopg2 connection, resolved in the caller's thread
        self._thread = threading.Thread(target=self._copy, args=(raw, data), daemon=True)
        self._thread.start()
        self.written += count

    def _prepare(self) -> None:
        """Check this table's deferred foreign keys row by row during COPY (in the background
        thread) instead of all at once at COMMIT; ``flush`` defers them again."""
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f' AND condeferrable AND condeferred",
                [self.model._meta.db_table],
            )
            self._immediate = [name for (name,) in cursor.fetchall()]
            if self._immediate:
                cursor.execute(f"SET CONSTRAINTS {', '.join(self._immediate)} IMMEDIATE")

    def _copy(self, raw, data: bytes) -> None:
        table = self.model._meta.db_table
        columns = ", ".join(f'"{name}"' for name in self._db_columns)
        try:
            # the raw psycopg2 connection: Django's wrapper refuses use from another thread;
            # the caller does not touch the connection until _wait() has joined this thread
            with raw.cursor() as cursor:
                cursor.copy_expert(
                    f'COPY "{table}" ({columns}) FROM STDIN', io.BytesIO(data), size=len(data) + 1
                )
        except BaseException as error:  # raised again in the caller's thread by _wait()
            self._error = error

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            with connection.wrap_database_errors:
                raise error
