"""Recognise what a file really is from its bytes, and open a VCF as capped text lines.

In: a path and a display name. Out: a ``TextSource`` whose ``readline()`` returns one text line at
a time (never more than ``max_line`` characters), or an ``InputError`` saying in plain words what
the file is instead (BAM, CRAM, FASTQ, empty, truncated gzip ...).
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from genomics.io.errors import InputError

#: A VCF line longer than this is refused. Real VEP-annotated SV records reach 2.2 MB (one Manta
#: deletion with every overlapped transcript in CSQ); a 10 MB INFO value is not a variant call.
MAX_LINE_CHARS = 8 << 20
#: Decompressed/compressed ratio above which a gzip file is treated as a decompression bomb.
MAX_EXPANSION_RATIO = 200
#: Decompressed size from which the expansion ratio is enforced.
RATIO_CHECK_FROM_BYTES = 64 << 20
#: Absolute cap on decompressed size (a whole-genome VCF of several samples stays far below).
MAX_DECOMPRESSED_BYTES = 200 << 30
#: Largest position DART stores (64-bit, as htslib reads them since 1.10).
MAX_POSITION = 2**63 - 1
#: Largest read count or depth: no sequencing run gives more, and DART stores them as 32-bit.
MAX_READ_COUNT = 2**31 - 1

_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


@dataclass
class TextSource:
    """An open VCF as text lines. ``readline()`` returns "" at the end of the file."""

    readline: Callable[[], str]
    close: Callable[[], None]
    compression: str  # "plain" | "gzip" | "bgzip" | "bcf"
    warnings: list[str] = field(default_factory=list)
    #: decompressed bytes consumed so far / compressed file size, for bomb checks (gzip only)
    position: Callable[[], tuple[int, int]] | None = None
    #: ``read(n)`` -> up to n characters ("" at the end), for reading the body in blocks
    read: Callable[[int], str] | None = None


def _inner_kind(head: bytes) -> str | None:
    """Name of a known non-VCF format from the first (decompressed) bytes, or None."""
    if head.startswith(b"BAM\x01"):
        return "a BAM alignment file"
    if head.startswith(b"CRAM"):
        return "a CRAM alignment file"
    if head.startswith(b"BAI\x01"):
        return "a BAM index (.bai)"
    if head.startswith(b"TBI\x01"):
        return "a tabix index (.tbi)"
    if head.startswith(b"CSI\x01"):
        return "a CSI index (.csi)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (or an Excel/Word document)"
    if head.startswith(b"BZh"):
        return "a bzip2-compressed file (recompress it with bgzip)"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "an xz-compressed file (recompress it with bgzip)"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "a zstd-compressed file (recompress it with bgzip)"
    if head.startswith(b"@HD\t") or head.startswith(b"@SQ\t"):
        return "a SAM alignment file"
    text = head.lstrip(b"\xef\xbb\xbf")
    if text.startswith(b"@"):
        lines = text.split(b"\n", 4)
        if len(lines) >= 3 and lines[2].startswith(b"+"):
            return "a FASTQ reads file"
    if text.startswith(b">"):
        return "a FASTA sequence file"
    return None


def _is_bgzf(head: bytes) -> bool:
    # BGZF = gzip member with FEXTRA and a 'BC' subfield (the extension says nothing)
    if len(head) < 18 or not head[3] & 0x04:
        return False
    xlen = head[10] | (head[11] << 8)
    extra = head[12 : 12 + xlen]
    i = 0
    while i + 4 <= len(extra):
        si1, si2, slen = extra[i], extra[i + 1], extra[i + 2] | (extra[i + 3] << 8)
        if si1 == 66 and si2 == 67:
            return True
        i += 4 + slen
    return False


def _gunzip_head(head: bytes, filename: str, size: int) -> bytes:
    """First decompressed bytes of a gzip stream (for sniffing), refusing corrupt data."""
    d = zlib.decompressobj(31)
    try:
        out = d.decompress(head, 65536)
    except zlib.error as exc:
        raise InputError(
            f"the file is gzip-compressed but its data is corrupt ({exc})", filename=filename
        ) from None
    if not out and not d.eof and len(head) >= size:
        raise InputError(
            f"the file is gzip but truncated at byte {size}; re-export or re-upload the "
            "complete file",
            filename=filename,
        )
    return out


def sniff(path: str | os.PathLike[str], filename: str) -> tuple[str, bytes]:
    """Return (compression, first decompressed bytes); raise InputError for non-VCF content."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise InputError(f"the file cannot be read ({exc.strerror})", filename=filename) from None
    if size == 0 or not head:
        raise InputError("the file is empty", filename=filename)
    compression = "plain"
    inner = head
    if head[:2] == b"\x1f\x8b":
        compression = "bgzip" if _is_bgzf(head) else "gzip"
        inner = _gunzip_head(head, filename, size)
        if not inner:
            raise InputError("the file is empty once decompressed", filename=filename)
    if inner.startswith(b"BCF\x02"):
        return "bcf", inner
    kind = _inner_kind(inner)
    if kind:
        raise InputError(
            f"this is {kind}, not a VCF; upload the variant calls (.vcf or .vcf.gz)",
            filename=filename,
        )
    if b"\x00" in inner[:4096]:
        raise InputError("this is a binary file, not a VCF", filename=filename)
    first = inner.lstrip(b"\xef\xbb\xbf")[:1]
    if first != b"#":
        raise InputError(
            "this is not a VCF: it does not begin with '##fileformat' or a '#CHROM' header line",
            filename=filename,
        )
    return compression, inner


def open_text(
    path: str | os.PathLike[str], filename: str, *, max_line: int = MAX_LINE_CHARS
) -> TextSource:
    """Open a VCF (plain, gzip, bgzip or BCF) as capped text lines after sniffing its content."""
    compression, _ = sniff(path, filename)
    if compression == "bcf":
        return _open_bcf(path, filename)
    if compression == "plain":
        fh = open(path, encoding="utf-8", errors="replace", newline=None)  # noqa: SIM115
        rl = fh.readline
        return TextSource(lambda: rl(max_line), fh.close, "plain", read=fh.read)
    raw = open(path, "rb")  # noqa: SIM115
    gz = gzip.GzipFile(fileobj=raw, mode="rb")
    text = io.TextIOWrapper(
        io.BufferedReader(gz, 1 << 20), encoding="utf-8", errors="replace", newline=None
    )
    size = os.fstat(raw.fileno()).st_size
    trl = text.readline
    tread = text.read

    def readline() -> str:
        return _guarded(trl, max_line)

    def read(n: int) -> str:
        return _guarded(tread, n)

    def _guarded(method: Callable[[int], str], n: int) -> str:
        try:
            return method(n)
        except EOFError:
            raise InputError(
                f"the file is gzip but truncated at byte {size} (compressed data ends "
                "unexpectedly); re-export or re-upload the complete file",
                filename=filename,
            ) from None
        except (zlib.error, gzip.BadGzipFile, OSError) as exc:
            raise InputError(
                f"the compressed data is corrupt ({exc}); re-export or re-upload the file",
                filename=filename,
            ) from None

    def close() -> None:
        text.close()
        raw.close()

    def position() -> tuple[int, int]:
        return gz.tell(), max(raw.tell(), 1)

    warnings = []
    if compression == "gzip":
        warnings.append(
            "the file is plain gzip, not bgzip: it can be read but not indexed with tabix"
        )
    return TextSource(readline, close, compression, warnings, position, read)


def _open_bcf(path: str | os.PathLike[str], filename: str) -> TextSource:
    """BCF read through pysam and rendered as VCF text, so one parser validates both."""
    import pysam

    pysam.set_verbosity(0)  # no "could not load index" chatter on stderr
    try:
        vf = pysam.VariantFile(str(path))
    except (OSError, ValueError) as exc:
        raise InputError(f"this BCF file cannot be read ({exc})", filename=filename) from None

    def lines() -> Iterator[str]:
        yield from str(vf.header).splitlines(keepends=True)
        try:
            for rec in vf:
                yield str(rec)
        except (OSError, ValueError) as exc:
            raise InputError(f"this BCF file is damaged ({exc})", filename=filename) from None

    it = lines()
    return TextSource(
        lambda: next(it, ""),
        vf.close,
        "bcf",
        ["the file is BCF (binary VCF); it was read through htslib and validated as VCF text"],
    )


def bgzf_has_eof(path: str | os.PathLike[str]) -> bool:
    """True when a BGZF file ends with the standard empty EOF block."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() < len(_BGZF_EOF):
            return False
        fh.seek(-len(_BGZF_EOF), os.SEEK_END)
        return fh.read() == _BGZF_EOF
