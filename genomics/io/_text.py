"""Streaming line reader shared by the tabular readers (copy number, fusions, expression).

Opens plain or gzip/bgzip text, refuses binary files it recognises with a sentence saying what
they are, and turns decompression and decoding failures into :class:`InputError` with the line
number. No Django.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from genomics.io.errors import InputError

MAX_LINE_CHARS = 16 * 1024 * 1024  # Arriba read_identifiers can be long, but not this long
GZIP_MAGIC = b"\x1f\x8b"


def display_name(path: str | os.PathLike[str], filename: str | None) -> str:
    """The name shown to users: the uploaded file name when given, else the path's name."""
    return filename or Path(path).name


def _binary_kind(head: bytes) -> str | None:
    """Name the binary (non-text) formats people upload by mistake, from their first bytes."""
    if head.startswith(b"BAM\x01"):
        return "a BAM alignment file"
    if head.startswith(b"BCF\x02") or head.startswith(b"BCF\x04"):
        return "a BCF (binary VCF) file; convert it with 'bcftools view' to VCF"
    if head.startswith(b"CRAM"):
        return "a CRAM alignment file"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive or Excel workbook; export the table as tab-separated text"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel/Office document; export the table as tab-separated text"
    if b"\x00" in head[:4096]:
        return "a binary file"
    return None


class TextLines:
    """Iterate ``(line_number, line)`` over a text file, plain or gzip, without the newline.

    Usage::

        with TextLines(path, filename="upload.tsv") as lines:
            for number, line in lines: ...

    Raises InputError for an empty file, a binary file, a truncated or corrupt gzip stream,
    text that is not UTF-8 (Latin-1 is accepted as a fallback) and absurdly long lines.
    """

    def __init__(self, path: str | os.PathLike[str], *, filename: str | None = None) -> None:
        self.path = Path(path)
        self.name = display_name(path, filename)
        self.line_number = 0
        self._raw: BinaryIO | None = None
        self._stream: BinaryIO | None = None
        self.compressed = False

    def __enter__(self) -> TextLines:
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
        except FileNotFoundError:
            raise InputError("the file does not exist", filename=self.name) from None
        except IsADirectoryError:
            raise InputError("this is a folder, not a file", filename=self.name) from None
        except OSError as error:
            raise InputError(
                f"the file cannot be opened ({error.strerror})", filename=self.name
            ) from None
        self._raw = raw
        head = raw.read(2)
        raw.seek(0)
        if not head:
            raise InputError("the file is empty", filename=self.name)
        if head == GZIP_MAGIC:
            self.compressed = True
            self._stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        else:
            self._stream = raw
        first = self._read_guarded(lambda: self._peek(8192))
        if not first:
            raise InputError(
                "the file is empty (a compressed file with nothing inside)", filename=self.name
            )
        kind = _binary_kind(first)
        if kind:
            raise InputError(f"this is {kind}, not a text table", filename=self.name)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._stream is not None and self._stream is not self._raw:
            self._stream.close()
        if self._raw is not None:
            self._raw.close()

    def _peek(self, size: int) -> bytes:
        assert self._stream is not None
        if isinstance(self._stream, gzip.GzipFile):
            return self._stream.peek(size)[:size]
        data = self._stream.read(size)
        self._stream.seek(0)
        return data

    def _read_guarded(self, read):  # type: ignore[no-untyped-def]
        try:
            return read()
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            where = self._raw.tell() if self._raw is not None else 0
            after = f" after line {self.line_number}" if self.line_number else ""
            if isinstance(error, EOFError):
                reason = f"the file is gzip but truncated at byte {where}{after}"
            else:
                reason = f"the file is gzip but corrupt near byte {where}{after}"
            raise InputError(reason, filename=self.name, line=None) from None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        assert self._stream is not None
        stream = self._stream
        while True:
            raw_line = self._read_guarded(lambda: stream.readline(MAX_LINE_CHARS + 1))
            if not raw_line:
                return
            self.line_number += 1
            if len(raw_line) > MAX_LINE_CHARS:
                raise InputError(
                    f"the line is longer than {MAX_LINE_CHARS // (1024 * 1024)} MB; "
                    "this is not a table DART reads",
                    filename=self.name,
                    line=self.line_number,
                )
            try:
                text = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                text = raw_line.decode("latin-1")
            yield self.line_number, text.rstrip("\r\n")


def head_lines(
    path: str | os.PathLike[str], *, filename: str | None = None, limit: int = 200
) -> list[tuple[int, str]]:
    """The first ``limit`` lines (numbered), for recognising a format."""
    lines: list[tuple[int, str]] = []
    with TextLines(path, filename=filename) as reader:
        for item in reader:
            lines.append(item)
            if len(lines) >= limit:
                break
    return lines


def split_row(line: str, delimiter: str = "\t") -> list[str]:
    return [field.strip() for field in line.split(delimiter)]


#: Longest gene name taken from a file: symbols and Ensembl ids are far shorter, and the
#: case page's gene indexes cannot hold arbitrarily long keys.
MAX_GENE_NAME = 255


def checked_gene(gene: str, *, name: str, line: int | None) -> str:
    """``gene`` as given, refused when it is too long to be a gene name."""
    if len(gene) > MAX_GENE_NAME:
        raise InputError(
            f"the gene name '{gene[:40]}...' has {len(gene):,} characters; a gene symbol or id "
            f"has at most {MAX_GENE_NAME}",
            filename=name,
            line=line,
        )
    return gene


def parse_float(
    value: str, *, column: str, name: str, line: int, allow_missing: bool = True
) -> float | None:
    """A number from a table cell; ``NA``/``.``/empty give None; anything else is refused."""
    text = value.strip()
    if allow_missing and text in {"", ".", "NA", "NaN", "nan", "na", "N/A", "None", "-"}:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InputError(
            f"{column} value '{text[:40]}' is not a number", filename=name, line=line
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        if allow_missing:
            return None
        raise InputError(
            f"{column} value '{text[:40]}' is not a finite number", filename=name, line=line
        )
    return number


def parse_int(value: str, *, column: str, name: str, line: int) -> int:
    """A whole number (positions); ``12,345`` and ``12.5`` are refused."""
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None and number.is_integer() and "e" in text.lower():
            return int(number)  # 1e+06 style written by R
        raise InputError(
            f"{column} value '{text[:40]}' is not a whole number", filename=name, line=line
        ) from None


__all__ = ["TextLines", "display_name", "head_lines", "parse_float", "parse_int", "split_row"]


def table_rows(
    path: str | os.PathLike[str],
    *,
    filename: str | None,
    layout,
    comments: tuple[str, ...] = ("#",),
) -> Iterator[tuple[int, list[str]]]:
    """``(line_number, fields)`` of the data rows after the header of a detected ``layout``
    (``genomics.io.detect.Layout``); blank and comment lines are skipped, and a row with fewer
    fields than the header is refused with its line number."""
    name = display_name(path, filename)
    header_line, delimiter, width = layout.header_line, layout.delimiter, len(layout.columns)
    with TextLines(path, filename=filename) as lines:
        for number, line in lines:
            if number <= header_line or not line.strip() or line.startswith(comments):
                continue
            fields = [value.strip() for value in line.split(delimiter)]
            if len(fields) < width:
                raise InputError(
                    f"the row has {len(fields)} columns but the header has {width}",
                    filename=name,
                    line=number,
                )
            yield number, fields
