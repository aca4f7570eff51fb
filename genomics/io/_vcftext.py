"""Minimal text-level VCF reading for structural-variant and copy-number VCFs (no htslib).

Small-variant VCFs belong to genomics/io/vcf.py; this module only reads what the fusion and
copy-number readers need: the header (contig lengths, samples, source) and records with their
INFO as a dict. Every malformed field that matters raises InputError with the line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from genomics.io._text import TextLines
from genomics.io.errors import InputError

_CONTIG_LENGTH = re.compile(r"length=(\d+)")
_SYMBOLIC = re.compile(r"^<([^>]+)>$")
BND_PATTERNS = (
    (re.compile(r"^[^\[\]]*\[(.+):(\d+)\[$"), "left", "right"),  # t[p[
    (re.compile(r"^[^\[\]]*\](.+):(\d+)\]$"), "left", "left"),  # t]p]
    (re.compile(r"^\](.+):(\d+)\][^\[\]]*$"), "right", "left"),  # ]p]t
    (re.compile(r"^\[(.+):(\d+)\[[^\[\]]*$"), "right", "right"),  # [p[t
)


@dataclass
class VcfHeader:
    contigs: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    info_ids: set[str] = field(default_factory=set)
    format_ids: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)
    meta_keys: set[str] = field(default_factory=set)
    tumor_sample: str | None = None
    fileformat: str | None = None


@dataclass
class VcfRecord:
    line: int
    chrom: str
    pos: int
    id: str
    ref: str
    alt: str
    filter: str
    info: dict[str, str]
    format: list[str]
    samples: list[list[str]]

    def sample_value(self, index: int, key: str) -> str | None:
        if key not in self.format or index >= len(self.samples):
            return None
        values = self.samples[index]
        position = self.format.index(key)
        return values[position] if position < len(values) else None

    @property
    def svtype(self) -> str:
        svtype = self.info.get("SVTYPE", "")
        if svtype:
            return svtype.upper()
        symbolic = _SYMBOLIC.match(self.alt)
        if symbolic:
            return symbolic.group(1).split(":")[0].upper()
        if any(pattern.match(self.alt) for pattern, _, _ in BND_PATTERNS):
            return "BND"
        return ""


def bnd_mate(alt: str) -> tuple[str, int, str, str] | None:
    """For a bracketed breakend ALT: (mate chrom, mate pos, side kept here, side kept at mate).

    "left" means the sequence up to and including the position is kept (joined on its right),
    "right" that the sequence from the position onwards is kept.
    """
    for pattern, here, there in BND_PATTERNS:
        match = pattern.match(alt)
        if match:
            return match.group(1), int(match.group(2)), here, there
    return None


def is_single_breakend(alt: str) -> bool:
    return (
        len(alt) > 1
        and (alt.startswith(".") or alt.endswith("."))
        and "[" not in alt
        and "]" not in alt
    )


def read_vcf(lines: TextLines) -> tuple[VcfHeader, Iterator[VcfRecord]]:
    """Read the header from ``lines`` (an open TextLines) and return it with a record iterator."""
    header = VcfHeader()
    iterator = iter(lines)
    name = lines.name
    for number, line in iterator:
        if line.startswith("##"):
            key = line[2:].split("=", 1)[0]
            header.meta_keys.add(key.lower())
            value = line.split("=", 1)[1] if "=" in line else ""
            if number == 1 and key == "fileformat":
                header.fileformat = value
            if key == "contig":
                match = re.search(r"ID=([^,>]+)", line)
                length = _CONTIG_LENGTH.search(line)
                if match:
                    header.contigs[match.group(1)] = int(length.group(1)) if length else 0
            elif key == "INFO":
                match = re.search(r"ID=([^,>]+)", line)
                if match:
                    header.info_ids.add(match.group(1))
            elif key == "FORMAT":
                match = re.search(r"ID=([^,>]+)", line)
                if match:
                    header.format_ids.add(match.group(1))
            elif key.lower() in {"source", "esveeversion", "gridssversion"}:
                header.sources.append(f"{key}={value}" if "version" in key.lower() else value)
            elif key == "tumor_sample":
                header.tumor_sample = value
            continue
        if line.startswith("#CHROM"):
            columns = line.rstrip("\t").split("\t")
            if len(columns) < 8:
                raise InputError(
                    "the #CHROM header line has fewer than 8 columns", filename=name, line=number
                )
            header.samples = columns[9:]
            return header, _records(iterator, header, name)
        raise InputError(
            "the VCF header has no #CHROM line before the records", filename=name, line=number
        )
    raise InputError("the VCF has no #CHROM header line", filename=name)


def _records(
    iterator: Iterator[tuple[int, str]], header: VcfHeader, name: str
) -> Iterator[VcfRecord]:
    width = 9 + len(header.samples) if header.samples else 8
    for number, line in iterator:
        if not line.strip():
            continue
        if line.startswith("#"):
            raise InputError(
                "a header line inside the records; files joined with 'cat'? use 'bcftools concat'",
                filename=name,
                line=number,
            )
        fields = line.split("\t")
        if len(fields) < 8:
            raise InputError(
                f"the record has {len(fields)} columns; a VCF record has at least 8",
                filename=name,
                line=number,
            )
        if len(fields) > width and header.samples:
            raise InputError(
                f"the record has {len(fields)} columns but the header names {width}",
                filename=name,
                line=number,
            )
        try:
            pos = int(fields[1])
        except ValueError:
            raise InputError(
                f"POS '{fields[1][:30]}' is not a whole number", filename=name, line=number
            ) from None
        info: dict[str, str] = {}
        if fields[7] not in {"", "."}:
            for item in fields[7].split(";"):
                if not item:
                    continue
                key, _, value = item.partition("=")
                info[key] = value if value else "1"
        fmt = fields[8].split(":") if len(fields) > 8 else []
        samples = [value.split(":") for value in fields[9:]]
        yield VcfRecord(
            number, fields[0], pos, fields[2], fields[3], fields[4], fields[6], info, fmt, samples
        )


def first_int(value: str | None) -> int | None:
    """The first integer of a VCF value like ``12`` or ``3,12``; None for missing."""
    if value is None:
        return None
    text = value.split(",")[0].strip()
    if text in {"", "."}:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None
