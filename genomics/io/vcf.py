"""Small-variant VCF reader: header check before queueing, then one streaming pass over the body.

``read_header(path)`` -> ``VcfHeader`` (fast; sniffs the content, detects caller, samples and
assembly, refuses unusable files with ``InputError``). ``iter_variants(path, header)`` ->
``VariantCall`` per ALT allele, validated, split, trimmed/left-aligned, with per-caller VAF.
Validation covers what htslib lets through; see docs/malformed-deviations.md for the verdicts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from genomics.io.callers import Extractor, detect_callers, make_extractor, resolve_samples
from genomics.io.errors import InputError
from genomics.io.genes import ASSEMBLY_ALIASES
from genomics.io.normalize import is_plain, normalize
from genomics.io.sniff import (
    MAX_DECOMPRESSED_BYTES,
    MAX_EXPANSION_RATIO,
    MAX_LINE_CHARS,
    MAX_POSITION,
    MAX_READ_COUNT,
    RATIO_CHECK_FROM_BYTES,
    TextSource,
    bgzf_has_eof,
    open_text,
)

try:  # the compiled fast path (setup.py); the Python reader below is the reference
    from genomics.io._vcfscan import Scanner
except ImportError:  # pragma: no cover - not built: every line is read in Python
    Scanner = None

MAX_WARNINGS = 50
#: Longer CHROM values are refused: real contig names are short, and the case page's position
#: index cannot hold arbitrarily long keys.
MAX_CONTIG_NAME = 255
#: INFO keys copied into ``VariantCall.info`` (repeat context, somatic flags, gene names)
INFO_KEEP = (
    "STR",
    "RU",
    "RPA",
    "REFREP",
    "IC",
    "IHP",
    "SOMATIC",
    "GENE",
    "SYMBOL",
    "GENEINFO",
    "Gene.refGene",
    "STATUS",
    "SS",
    "TLOD",
    "NLOD",
    "GERMQ",
    "POPAF",
    "TAL",
    "FOUND_IN",
)
#: INFO keys read for VAF/depth when there is no usable sample column (LoFreq, PCGR)
_INFO_VAF = ("AF", "DP", "DP4", "TVAF", "TDP", "CVAF", "CDP", "NVAF")
_FIXED = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")

_KNOWN_VERSIONS = {"VCFv4.0", "VCFv4.1", "VCFv4.2", "VCFv4.3", "VCFv4.4", "VCFv4.5"}
_ASSEMBLY_LENGTHS = {
    ("1", 248956422): "GRCh38",
    ("1", 249250621): "GRCh37",
    ("2", 242193529): "GRCh38",
    ("2", 243199373): "GRCh37",
    ("X", 156040895): "GRCh38",
    ("X", 155270560): "GRCh37",
    ("17", 83257441): "GRCh38",
    ("17", 81195210): "GRCh37",
}
_REF_GRCH38 = re.compile(r"grch38|hg38|hs38|assembly38|\bb38\b|_38\b", re.I)
_REF_GRCH37 = re.compile(r"grch37|hg19|hs37|\bb37\b|g1k_v37|assembly19|37d5|_37\b", re.I)

_META_RE = re.compile(r"##([^=]*)=(.*)")
_STRUCT_KV = re.compile(r'([A-Za-z0-9_.\-]+)=("(?:[^"\\]|\\.)*"|[^,>]*)')
_KEY_RE = re.compile(r"[A-Za-z_][0-9A-Za-z_.%]*")
# '<' and '>' only around a whole symbolic contig name ('<1>', which vcf-validator accepts)
_CHROM_BAD = re.compile(r"\s|,|^[*=#]|^$|^<[^<>]*$|^[^<][^<>]*[<>]|.[<>].")
_PRIMARY = re.compile(r"(chr)?([0-9]{1,2}|X|Y|M|MT)")
_REF_RE = re.compile(r"[ACGTNacgtn]+")
_SIMPLE_ALT = re.compile(r"[ACGTNacgtn*]+(?:,[ACGTNacgtn*]+)*")
_ALT_ONE = re.compile(
    r"[ACGTNacgtn]+|\*|<[^<>\s,]+>|"
    r"[ACGTNacgtn]+[\[\]][^\[\]\s,]+[\[\]]|[\[\]][^\[\]\s,]+[\[\]][ACGTNacgtn]+|"
    r"[ACGTNacgtn]+\.|\.[ACGTNacgtn]+"
)
_VARSCAN_ALT = re.compile(r"[ACGTN]+(?:/[ACGTN]+)+")
_ONE_BASE = frozenset("ACGTNacgtn")
_INT = r"[-+]?[0-9]+"
_FLOAT = (
    r"[-+]?(?:[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
    r"|[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])"
)
_TYPE_VALUE = {"Integer": _INT, "Float": _FLOAT, "Character": r"[^:,]|\.+", "String": None}


@dataclass
class VcfHeader:
    filename: str
    fileformat: str | None
    compression: str
    caller: str | None
    caller_version: str | None
    assembly: str | None
    samples: list[str]
    tumor_sample: str | None
    normal_sample: str | None
    annotation_key: str | None
    annotation_fields: list[str]
    warnings: list[str]
    contigs: dict[str, int | None]
    #: every caller fingerprinted in the header (merged files have several)
    callers: list[str] = field(default_factory=list)
    #: which rule chose the tumor column ("header", "sample names", "user's choice", ...)
    sample_resolution: str = "unresolved"
    #: what the assembly was detected from, e.g. "##contig chr1 length 248956422"
    assembly_evidence: str | None = None
    #: FORMAT and INFO definitions: ID -> (Number, Type)
    format_defs: dict[str, tuple[str, str]] = field(default_factory=dict)
    info_defs: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: lower-cased ##KEY -> raw values of those lines
    meta: dict[str, list[str]] = field(default_factory=dict)
    header_lines: int = 0
    warnings_dropped: int = 0


@dataclass(slots=True)
class VariantCall:
    line: int
    chrom: str
    pos: int
    ref: str
    alt: str
    original: str
    filters: tuple[str, ...]
    passed: bool
    qual: float | None
    vaf: float | None
    depth: int | None
    alt_count: int | None
    normal_vaf: float | None
    normal_depth: int | None
    annotation: str | None
    allele_index: int
    #: the kept INFO items as they were written (``KEY=VALUE;FLAG``), for storage
    info_text: str = ""

    @property
    def info(self) -> dict[str, str]:
        """The kept INFO items (repeat context, somatic flags, gene names) as a dict."""
        return info_from_text(self.info_text)


def info_from_text(text: str) -> dict[str, str]:
    """``KEY=VALUE;FLAG`` (``VariantCall.info_text``, ``Variant.info``) as a dict; a flag
    maps to ''."""
    if not text:
        return {}
    return {k: v for k, _, v in (item.partition("=") for item in text.split(";"))}


def _warn(header: VcfHeader, message: str) -> None:
    if len(header.warnings) < MAX_WARNINGS:
        header.warnings.append(message)
    else:
        header.warnings_dropped += 1


def require_tumor_sample(header: VcfHeader) -> str:
    """The tumor column, or an InputError asking the user to choose one."""
    if header.tumor_sample is None and header.samples:
        raise InputError(
            "cannot tell which sample is the tumor (samples: "
            + ", ".join(header.samples)
            + "); choose it with --tumor-sample or in the upload form",
            filename=header.filename,
        )
    return header.tumor_sample or ""


# ---- header ---------------------------------------------------------------------------


def _parse_struct(value: str) -> dict[str, str]:
    inner = value.strip()
    if inner.startswith("<"):
        inner = inner[1:]
    if inner.endswith(">"):
        inner = inner[:-1]
    return {
        k: v[1:-1] if v.startswith('"') and v.endswith('"') else v
        for k, v in _STRUCT_KV.findall(inner)
    }


def _annotation_fields(key: str, description: str) -> list[str]:
    desc = description.strip().strip('"')
    if key == "EFF":
        m = re.search(r"'?\s*Effect\s*\((.*)\)", desc)
        inner = m.group(1) if m else ""
        return ["Effect"] + [f.strip(" []'") for f in inner.split("|") if f.strip(" []'")]
    m = re.search(r"(?:Format|Functional annotations)\s*:\s*(.*)$", desc, re.I)
    text = (m.group(1) if m else "").strip().strip("'\"")
    return [f.strip() for f in text.split("|")] if "|" in text else []


def _read_header_lines(src: TextSource, header: VcfHeader) -> None:
    """Consume header lines from ``src`` into ``header``; stop after the #CHROM line."""
    name = header.filename
    lineno = 0
    chrom_line = None
    seen_defs: dict[tuple[str, str], str] = {}
    while True:
        line = src.readline()
        if not line:
            break
        lineno += 1
        if not line.endswith("\n") and len(line) >= MAX_LINE_CHARS:
            raise InputError(
                f"the line is longer than {MAX_LINE_CHARS // (1 << 20)} MiB; the file expands "
                "beyond what a VCF header can be (damaged file or decompression bomb?)",
                filename=name,
                line=lineno,
            )
        line = line.rstrip("\r\n")
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if "\ufffd" in line:
            _warn(header, f"line {lineno}: bytes that are not UTF-8 were replaced")
        if line.startswith("#CHROM") or line.upper().startswith("#CHROM\t"):
            chrom_line = line
            break
        if not line.startswith("##"):
            if line.count("\t") < 7:
                # e.g. the rest of a Description broken over two lines, or stray text
                _warn(header, f"line {lineno}: unexpected line in the header was ignored")
                continue
            raise InputError(
                "the header line '#CHROM POS ID REF ALT QUAL FILTER INFO ...' was not found "
                "before the first record; the file is incomplete or not a VCF",
                filename=name,
                line=lineno,
            )
        m = _META_RE.match(line)
        if not m:
            _warn(header, f"line {lineno}: meta line without '=' was ignored")
            continue
        key, value = m.group(1), m.group(2)
        header.meta.setdefault(key.lower(), []).append(value)
        if lineno == 1 and key == "fileformat":
            header.fileformat = value.strip()
        elif key in ("INFO", "FORMAT", "contig"):
            fields = _parse_struct(value)
            fid = fields.get("ID")
            if not fid:
                _warn(header, f"line {lineno}: ##{key} line without an ID was ignored")
                continue
            if key == "contig":
                length = fields.get("length", "")
                header.contigs[fid] = int(length) if length.isdigit() else None
                continue
            number, vtype = fields.get("Number", "."), fields.get("Type", "String")
            if vtype not in ("Integer", "Float", "Character", "String", "Flag"):
                _warn(
                    header,
                    f"line {lineno}: ##{key} {fid} has unknown Type '{vtype}', read as String",
                )
                vtype = "String"
            if not (number.isdigit() or number in ("A", "R", "G", ".", "P", "LA", "LR", "LG", "M")):
                _warn(header, f"line {lineno}: ##{key} {fid} has invalid Number '{number}'")
                number = "."
            prev = seen_defs.get((key, fid))
            if prev is not None and prev != value:
                _warn(
                    header,
                    f"line {lineno}: ##{key} {fid} is defined twice, differently; "
                    "the first definition is used",
                )
                continue
            seen_defs[(key, fid)] = value
            defs = header.info_defs if key == "INFO" else header.format_defs
            defs[fid] = (number, vtype)
            if key == "INFO" and fid in ("CSQ", "ANN", "EFF"):
                header.meta.setdefault(f"_annotation_{fid}", []).append(
                    fields.get("Description", "")
                )
    if chrom_line is None:
        raise InputError(
            "the header line '#CHROM POS ID REF ALT QUAL FILTER INFO ...' was not found; "
            "the file is incomplete or not a VCF",
            filename=name,
            line=lineno or None,
        )
    header.header_lines = lineno
    cols = chrom_line.split("\t")
    if len(cols) < 8:
        if " " in chrom_line and len(chrom_line.split()) >= 8:
            raise InputError(
                "the #CHROM header line is not tab-delimited (VCF columns must be "
                "separated by TAB)",
                filename=name,
                line=lineno,
            )
        raise InputError(
            f"the #CHROM header line has {len(cols)} columns; a VCF needs at "
            "least 8 (CHROM POS ID REF ALT QUAL FILTER INFO)",
            filename=name,
            line=lineno,
        )
    for want, got in zip(_FIXED, cols[:8]):
        if got != want:
            raise InputError(
                f"the #CHROM header line has '{got}' where '{want}' belongs",
                filename=name,
                line=lineno,
            )
    if len(cols) > 8:
        if cols[8] != "FORMAT":
            raise InputError(
                f"the #CHROM header line has '{cols[8]}' where 'FORMAT' belongs",
                filename=name,
                line=lineno,
            )
        samples = cols[9:]
        for s in samples:
            if not s.strip():
                raise InputError(
                    "the #CHROM header line has an empty sample name (a trailing tab?)",
                    filename=name,
                    line=lineno,
                )
        dupes = sorted({s for s in samples if samples.count(s) > 1})
        if dupes:
            raise InputError(
                f"sample name '{dupes[0]}' appears twice in the header; tumor and "
                "normal cannot be told apart",
                filename=name,
                line=lineno,
            )
        if not samples:
            raise InputError(
                "the #CHROM header line has a FORMAT column but no sample column",
                filename=name,
                line=lineno,
            )
        header.samples = samples


def _detect_assembly(header: VcfHeader) -> None:
    from_contigs = None
    for cid, length in header.contigs.items():
        base = cid[3:] if cid.lower().startswith("chr") else cid
        asm = _ASSEMBLY_LENGTHS.get((base, length or 0))
        if asm:
            from_contigs = (asm, f"##contig {cid} length {length}")
            break
    from_ref = None
    for key in ("reference", "assembly"):
        for value in header.meta.get(key, []):
            if _REF_GRCH38.search(value):
                from_ref = ("GRCh38", f"##{key}={value.strip()[:80]}")
            elif _REF_GRCH37.search(value):
                from_ref = ("GRCh37", f"##{key}={value.strip()[:80]}")
            if from_ref:
                break
        if from_ref:
            break
    chosen = from_contigs or from_ref
    if from_contigs and from_ref and from_contigs[0] != from_ref[0]:
        _warn(
            header,
            f"{from_ref[1]} suggests {from_ref[0]} but {from_contigs[1]} is "
            f"{from_contigs[0]}; the contig lengths were trusted",
        )
    if chosen:
        header.assembly, header.assembly_evidence = chosen


def _parse_header(src: TextSource, filename: str) -> VcfHeader:
    header = VcfHeader(
        filename=filename,
        fileformat=None,
        compression=src.compression,
        caller=None,
        caller_version=None,
        assembly=None,
        samples=[],
        tumor_sample=None,
        normal_sample=None,
        annotation_key=None,
        annotation_fields=[],
        warnings=list(src.warnings),
        contigs={},
    )
    _read_header_lines(src, header)
    return header


def read_header(
    path: str | os.PathLike[str],
    *,
    filename: str | None = None,
    tumor_sample: str | None = None,
    normal_sample: str | None = None,
    declared_assembly: str | None = None,
) -> VcfHeader:
    """Read and check only the header of a VCF (plain, gzip, bgzip or BCF).

    Returns the detected caller, samples (tumor/normal resolved without relying on column
    position), assembly, annotation layout and warnings; raises InputError for a file that is
    not a usable VCF or whose assembly contradicts ``declared_assembly``.
    """
    name = filename or os.path.basename(os.fspath(path))
    src = open_text(path, name)
    try:
        header = _parse_header(src, name)
    finally:
        src.close()
    if header.compression == "bgzip" and not bgzf_has_eof(path):
        _warn(header, "the bgzip file has no end-of-file marker; it may be truncated")
    if header.fileformat is None:
        _warn(header, "no ##fileformat line on line 1; the file is read as VCFv4.2")
    elif header.fileformat not in _KNOWN_VERSIONS:
        _warn(header, f"unknown VCF version '{header.fileformat}'; read as VCF 4.x")
    found = detect_callers(header.meta, set(header.format_defs), set(header.info_defs))
    header.callers = [c for c, _ in found]
    if found:
        header.caller, header.caller_version = found[0]
    for key in ("CSQ", "ANN", "EFF"):
        descs = header.meta.get(f"_annotation_{key}")
        if descs:
            header.annotation_key = key
            header.annotation_fields = _annotation_fields(key, descs[0])
            break
    _detect_assembly(header)
    if declared_assembly:
        declared = ASSEMBLY_ALIASES.get(declared_assembly.lower(), declared_assembly)
        if header.assembly and declared != header.assembly:
            raise InputError(
                f"the file is {header.assembly} ({header.assembly_evidence}) but the case is "
                f"declared {declared}; check the reference build",
                filename=name,
            )
    elif header.assembly is None:
        _warn(header, "the assembly could not be detected from ##reference or ##contig lengths")
    tumor, normal, how = resolve_samples(
        header.samples,
        header.meta,
        header.callers,
        filename=name,
        tumor_sample=tumor_sample,
        normal_sample=normal_sample,
    )
    header.tumor_sample, header.normal_sample, header.sample_resolution = tumor, normal, how
    if header.samples and tumor is None:
        _warn(
            header,
            "cannot tell which sample is the tumor (samples: "
            + ", ".join(header.samples)
            + "); choose it with --tumor-sample",
        )
    return header


# ---- body -----------------------------------------------------------------------------


@dataclass
class _Plan:
    """Everything that depends only on (FORMAT string, number of alleles)."""

    regex: re.Pattern[str]
    keys: list[str]
    extract: Extractor
    #: fullmatch of all sample columns joined by TAB against a stricter, faster pattern that
    #: accepts only what ``regex`` accepts (plain digits, decimals, in-range GT); a miss means
    #: "check each sample with ``regex``", never "invalid"
    fast: Callable[[str], object] | None = None
    #: one letter per FORMAT key for the fast paths (G genotype, I, F, S), or None
    types: str | None = None


def _format_plan(
    fmt: str, n_alleles: int, header: VcfHeader, warn: Callable[[str], None], lineno: int
) -> _Plan:
    name = header.filename
    if fmt == ".":
        keys: list[str] = []
    else:
        keys = fmt.split(":")
    for k in keys:
        if not _KEY_RE.fullmatch(k):
            raise InputError(
                f"FORMAT key '{k}' is not valid (FORMAT is '{fmt}')", filename=name, line=lineno
            )
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise InputError(f"FORMAT key {dup} is listed twice", filename=name, line=lineno)
    if "GT" in keys and keys[0] != "GT":
        raise InputError("FORMAT GT must be the first key", filename=name, line=lineno)
    # ALT '.' records (reference blocks) are not range-checked: vcf-validator accepts 0|1 there
    allele = "|".join(str(i) for i in reversed(range(n_alleles))) if n_alleles > 1 else "[0-9]+"
    parts = []
    for k in keys:
        if k == "GT":
            a = f"(?:{allele}|\\.)"
            parts.append(f"[/|]?{a}(?:[/|]{a})*[/|]?")
            continue
        number, vtype = header.format_defs.get(k, (".", "String"))
        value = _TYPE_VALUE.get(vtype)
        if value is None:
            parts.append("[^:]*")
        else:
            v = f"(?:{value}|\\.)"
            parts.append(f"{v}(?:,{v})*")
    pattern = ""
    for p in reversed(parts):  # trailing fields may be dropped
        pattern = f"{p}(?::{pattern})?" if pattern else p
    if not keys:
        pattern = r"\.?"
    numbers = {k: v[0] for k, v in header.format_defs.items()}
    plan = _Plan(re.compile(pattern), keys, make_extractor(keys, numbers, header.callers))
    plan.types = _fast_types(keys, header)
    fast = _fast_sample_pattern(plan.types, n_alleles)
    if fast is not None and header.samples:
        plan.fast = re.compile("\t".join([fast] * len(header.samples))).fullmatch
    return plan


_FAST_TYPE = {"Integer": "I", "Float": "F", "String": "S"}
_FAST_VALUE = {"I": "[0-9]++", "F": r"[0-9]++(?:\.[0-9]*+)?+"}


def _fast_types(keys: list[str], header: VcfHeader) -> str | None:
    """One letter per FORMAT key (G for GT, I Integer, F Float, S String), or None when a key
    has another type (Character, Flag)."""
    letters = []
    for k in keys:
        letter = "G" if k == "GT" else _FAST_TYPE.get(header.format_defs.get(k, (".", "String"))[1])
        if letter is None:
            return None
        letters.append(letter)
    return "".join(letters) or None


def _fast_sample_pattern(types: str | None, n_alleles: int) -> str | None:
    """A pattern for one sample that matches a subset of what ``_format_plan``'s regex matches
    (possessive quantifiers, no signs, exponents or missing items), or None."""
    if not types or not 1 < n_alleles <= 10:
        return None
    parts = []
    for letter in types:
        if letter == "G":
            a = f"[0-{n_alleles - 1}.]"
            parts.append(f"[/|]?+{a}(?:[/|]{a})*+[/|]?+")
            continue
        value = _FAST_VALUE.get(letter)
        parts.append(f"{value}(?:,{value})*+" if value else "[^:\t]*+")
    pattern = ""
    for p in reversed(parts):
        pattern = f"{p}(?::{pattern})?+" if pattern else p
    return pattern


def _diagnose_sample(
    value: str, sample: str, plan: _Plan, n_alleles: int, header: VcfHeader
) -> str:
    vals = value.split(":")
    if len(vals) > len(plan.keys):
        return f"sample {sample} has more values ({len(vals)}) than FORMAT keys ({len(plan.keys)})"
    if value == "":
        return f"sample {sample} is empty (use '.' for missing)"
    for k, v in zip(plan.keys, vals):
        if k == "GT":
            alleles = re.split(r"[/|]", v.lstrip("/|"))
            for a in alleles:
                if a.isdigit() and int(a) >= n_alleles:
                    return (
                        f"genotype '{v}' of sample {sample} refers to allele {a} but only "
                        f"{n_alleles - 1} ALT allele(s) are listed"
                    )
            if not all(a.isdigit() or a == "." for a in alleles):
                return f"genotype '{v}' of sample {sample} is not a valid genotype"
            continue
        number, vtype = header.format_defs.get(k, (".", "String"))
        value_re = _TYPE_VALUE.get(vtype)
        if value_re:
            for item in v.split(","):
                if item != "." and not re.fullmatch(value_re, item):
                    return (
                        f"FORMAT {k} of sample {sample} is '{v}', not "
                        f"{'an' if vtype == 'Integer' else 'a'} {vtype} as the header "
                        "declares"
                    )
    return f"sample {sample} does not match FORMAT {':'.join(plan.keys)}"


def iter_variants(
    path: str | os.PathLike[str],
    header: VcfHeader,
    *,
    pass_filters: frozenset[str] = frozenset({"PASS", "."}),
    fasta: str | None = None,
    use_compiled: bool = True,
) -> Iterator[VariantCall]:
    """Stream the records of a VCF once, one ``VariantCall`` per ALT allele.

    Validates each line (refusing with ``InputError(line=N)`` or adding "line N: ..." to
    ``header.warnings``), splits multi-allelic records, trims indels (and left-aligns them
    when ``fasta`` is given), and reads VAF/depth the way the record's caller writes them.
    Filtered records are kept with ``passed=False``; reference-only alleles are skipped.
    ``use_compiled=False`` reads every line in Python (the reference for the compiled path).
    """
    name = header.filename
    src = open_text(path, name)
    try:
        scratch = _parse_header(src, name)
        yield from _iter_body(src, header, scratch, pass_filters, fasta, use_compiled)
    finally:
        src.close()
    if header.warnings_dropped:
        header.warnings.append(f"... and {header.warnings_dropped} more warnings")
        header.warnings_dropped = 0


def _make_fetch(fasta: str) -> Callable[[str, int, int], str]:
    import pysam

    fa = pysam.FastaFile(fasta)
    refs = set(fa.references)
    alias: dict[str, str | None] = {}

    def fetch(chrom: str, start: int, end: int) -> str:
        ref = alias.get(chrom, "")
        if ref == "":
            ref = chrom if chrom in refs else None
            if ref is None:
                other = chrom[3:] if chrom.startswith("chr") else "chr" + chrom
                ref = other if other in refs else None
            alias[chrom] = ref
        if ref is None or start < 0:
            return ""
        try:
            return fa.fetch(ref, start, end).upper()
        except (ValueError, KeyError, IndexError):
            return ""

    return fetch


_BLOCK_CHARS = 1 << 18


def _body_lines(src: TextSource, max_line: int) -> Iterator[str | None]:
    """The remaining lines of ``src`` without their newline; None for a line of ``max_line``
    characters or more (what ``readline(max_line)`` would return without a newline).
    Reads blocks when the source can, which costs far less per line than ``readline``."""
    read = src.read
    if read is None:
        readline = src.readline
        while True:
            line = readline()
            if not line:
                return
            if line[-1] == "\n":
                yield line[:-1]
            elif len(line) >= max_line:
                yield None
                return
            else:
                yield line
    pending = ""
    while True:
        block = read(_BLOCK_CHARS)
        if not block:
            break
        lines = (pending + block if pending else block).split("\n")
        pending = lines.pop()
        for line in lines:
            if len(line) >= max_line:
                yield None
                return
            yield line
        if len(pending) >= max_line:
            yield None
            return
    if pending:
        yield pending


def _iter_body(
    src: TextSource,
    header: VcfHeader,
    scratch: VcfHeader,
    pass_filters: frozenset[str],
    fasta: str | None,
    use_compiled: bool,
) -> Iterator[VariantCall]:
    name = header.filename
    scratch.callers = header.callers
    lineno = scratch.header_lines
    samples = scratch.samples
    nsamples = len(samples)
    ncols = 9 + nsamples if nsamples else 8
    ncols_alt = 9 if not nsamples else ncols  # sites-only files may still carry FORMAT
    ti = samples.index(header.tumor_sample) + 9 if header.tumor_sample in samples else -1
    ni = samples.index(header.normal_sample) + 9 if header.normal_sample in samples else -1
    warned: set[str] = set()

    def warn(msg: str, once: str | None = None) -> None:
        if once is not None:
            if once in warned:
                return
            warned.add(once)
        _warn(header, msg)

    fetch = _make_fetch(fasta) if fasta else None
    if fetch is None:
        warn("no reference FASTA configured: indels were trimmed but not left-aligned")
    keep = frozenset(INFO_KEEP)
    ann_key = header.annotation_key
    info_vaf = not nsamples or ti < 0 or "TVAF" in scratch.info_defs
    # INFO keys read for VAF only when no sample column gives it
    aux_keys = (frozenset(_INFO_VAF) if info_vaf else frozenset()) | (
        {ann_key} if ann_key else frozenset()
    )
    plans: dict[tuple[str, int], _Plan] = {}
    filt_cache: dict[str, tuple[tuple[str, ...], bool]] = {}
    chrom_seen: dict[str, bool] = {}
    naming: dict[bool, str] = {}
    contigs = scratch.contigs
    last_chrom = None
    last_pos = 0
    last_dup: tuple[str, int, str, str] = ("", -1, "", "")
    position = src.position
    max_line = MAX_LINE_CHARS
    simple_alt = _SIMPLE_ALT.fullmatch
    ref_ok = _REF_RE.fullmatch
    skipped_ref_only = 0
    varscan = "varscan2" in header.callers
    tab = "\t"
    # INFO key -> (copied into VariantCall.info, read for VAF/annotation): one lookup per item
    wanted = {k: (k in keep, k in aux_keys) for k in keep | aux_keys}
    scanner = None
    if use_compiled and Scanner is not None and nsamples and ti >= 0 and not info_vaf:
        scanner = Scanner(
            ncols=ncols,
            tumor=ti,
            normal=ni,
            keep=INFO_KEEP,
            annotation_key=ann_key or None,
            filters=filt_cache,
            call_class=VariantCall,
        )
    scan = scanner.scan if scanner is not None else None

    for line in _body_lines(src, max_line):
        lineno += 1
        if line is None:
            raise InputError(
                f"the line is longer than {max_line // (1 << 20)} MiB; refusing "
                "a record that large",
                filename=name,
                line=lineno,
            )
        if not lineno & 0xFFFF and position is not None:
            out_bytes, in_bytes = position()
            if out_bytes > MAX_DECOMPRESSED_BYTES or (
                out_bytes > RATIO_CHECK_FROM_BYTES and out_bytes > MAX_EXPANSION_RATIO * in_bytes
            ):
                raise InputError(
                    "the file expands beyond the allowed size (decompression bomb?)",
                    filename=name,
                    line=lineno,
                )
        if scan is not None:
            call = scan(line, lineno, last_chrom, last_pos, last_dup)
            if call is not None:
                ref, alt = call.ref, call.alt
                last_pos = call.pos
                last_dup = (last_chrom, last_pos, ref, alt)
                if len(ref) > 1 or len(alt) > 1:
                    call.pos, call.ref, call.alt = normalize(last_chrom, last_pos, ref, alt, fetch)
                yield call
                continue
        if not line or line.isspace():
            warn(f"line {lineno}: empty line ignored", once="empty")
            continue
        if line[0] == "#":
            raise InputError(
                "a second header line inside the data; the files look "
                "concatenated with cat - use bcftools concat",
                filename=name,
                line=lineno,
            )
        cols = line.split("\t")
        if len(cols) != ncols and len(cols) != ncols_alt:
            if len(cols) < 8 and " " in line:
                raise InputError(
                    "the line is not tab-delimited (VCF columns must be separated by TAB)",
                    filename=name,
                    line=lineno,
                )
            raise InputError(
                f"expected {ncols} tab-separated columns ({nsamples} samples), found {len(cols)}",
                filename=name,
                line=lineno,
            )
        chrom, spos, _vid, ref, alt, squal, filt, info = cols[:8]
        if chrom != last_chrom:
            if chrom not in chrom_seen:
                if len(chrom) > MAX_CONTIG_NAME:
                    raise InputError(
                        f"CHROM '{chrom[:40]}...' is longer than {MAX_CONTIG_NAME} characters; "
                        "not a contig name",
                        filename=name,
                        line=lineno,
                    )
                if _CHROM_BAD.search(chrom):
                    raise InputError(
                        f"CHROM '{chrom}' is not a valid contig name", filename=name, line=lineno
                    )
                m = _PRIMARY.fullmatch(chrom)
                if m:
                    prefixed = bool(m.group(1))
                    other = naming.get(not prefixed)
                    if other is not None:
                        raise InputError(
                            f"mixed chromosome naming ('{other}' and '{chrom}') in "
                            "one file; check the reference build",
                            filename=name,
                            line=lineno,
                        )
                    naming.setdefault(prefixed, chrom)
                if contigs and chrom not in contigs:
                    warn(
                        f"line {lineno}: contig '{chrom}' is not defined in the header",
                        once="contig:" + chrom,
                    )
                chrom_seen[chrom] = True
            elif last_chrom is not None:
                warn(
                    f"line {lineno}: records are not sorted (contig '{chrom}' appears again "
                    "after other contigs)",
                    once="unsorted",
                )
            last_chrom, last_pos = chrom, 0
        if not (spos.isdigit() and spos.isascii()):
            raise InputError(f"POS '{spos}' is not a positive integer", filename=name, line=lineno)
        pos = int(spos)
        if pos > MAX_POSITION:
            raise InputError(
                f"POS {spos[:30]} is beyond the largest position DART can store ({MAX_POSITION:,})",
                filename=name,
                line=lineno,
            )
        if pos < last_pos:
            warn(f"line {lineno}: records are not sorted by position", once="unsorted")
        last_pos = pos
        if ref not in _ONE_BASE and not ref_ok(ref):
            if not ref:
                reason = "REF is empty"
            elif "," in ref:
                reason = f"REF '{ref}' lists several alleles"
            else:
                reason = f"REF '{ref}' contains characters that are not bases (A, C, G, T, N)"
            raise InputError(reason, filename=name, line=lineno)
        if alt in _ONE_BASE or simple_alt(alt):
            alts = alt.split(",")
        elif alt == ".":
            alts = []
        else:
            alts = alt.split(",")
            if varscan and _VARSCAN_ALT.fullmatch(alt):
                warn(
                    f"line {lineno}: ALT '{alt}' is VarScan's notation for a site with two "
                    "non-reference alleles, not a VCF allele; the record was skipped"
                )
                continue
            for a in alts:
                if not _ALT_ONE.fullmatch(a):
                    raise InputError(
                        f"ALT '{alt}' is not valid (allele '{a}')", filename=name, line=lineno
                    )
        n_alleles = len(alts) + 1
        if squal == ".":
            qual = None
        else:
            try:
                qual = float(squal)
            except ValueError:
                qual = None
                warn(f"line {lineno}: QUAL '{squal[:20]}' is not a number; treated as missing")
        fc = filt_cache.get(filt)
        if fc is None:
            fl = tuple(filt.split(";")) if filt != "." else (".",)
            fc = filt_cache[filt] = (fl, all(f in pass_filters for f in fl))
        filters, passed = fc
        tvals = nvals = None
        plan = None
        if len(cols) > 8:
            fmt = cols[8]
            plan = plans.get((fmt, n_alleles))
            if plan is None:
                plan = _format_plan(fmt, n_alleles, scratch, warn, lineno)
                plans[(fmt, n_alleles)] = plan
                layout = getattr(plan.extract, "layout", None)
                if scanner is not None and n_alleles == 2 and plan.types and layout:
                    scanner.add_format(fmt, plan.types, *layout)
                for k in plan.keys:
                    if k not in scratch.format_defs and k != "GT":
                        warn(
                            f"line {lineno}: FORMAT {k} is not defined in the header; read as "
                            "String",
                            once="fmt:" + k,
                        )
            fast = plan.fast
            if fast is None or len(cols) != ncols or fast(tab.join(cols[9:])) is None:
                fullmatch = plan.regex.fullmatch
                for j in range(9, len(cols)):
                    if fullmatch(cols[j]) is not None:
                        continue
                    raise InputError(
                        _diagnose_sample(
                            cols[j],
                            samples[j - 9] if j - 9 < nsamples else f"column {j + 1}",
                            plan,
                            n_alleles,
                            scratch,
                        ),
                        filename=name,
                        line=lineno,
                    )
            if ti >= 0:
                tvals = cols[ti].split(":")
            if ni >= 0:
                nvals = cols[ni].split(":")
        if (
            pos == last_dup[1]
            and alt == last_dup[3]
            and ref == last_dup[2]
            and chrom == last_dup[0]
        ):
            warn(
                f"line {lineno}: the same variant as on the line before (duplicate record)",
                once="dup",
            )
        last_dup = (chrom, pos, ref, alt)
        if not alts:
            skipped_ref_only += 1
            continue
        kept_items: list[str] = []
        infos: dict[str, str] = {}
        if info != ".":
            for item in info.split(";"):
                k, _, v = item.partition("=")
                role = wanted.get(k)
                if role is not None:
                    if role[0]:
                        kept_items.append(item)
                    if role[1]:
                        infos[k] = v
        info_text = ";".join(kept_items)
        annotation = infos.get(ann_key) if ann_key else None
        original = f"{chrom}:{spos}:{ref}:{alt}"
        extract = plan.extract if plan is not None else None
        for ai, a in enumerate(alts, 1):
            if a == "*" or a in ("<NON_REF>", "<*>", "<X>"):
                continue
            vaf = depth = alt_count = nvaf = ndepth = None
            if extract is not None and tvals is not None:
                vaf, depth, alt_count, problem = extract(tvals, ref, a, ai, n_alleles)
                if problem:
                    warn(f"line {lineno}: {problem} (sample {header.tumor_sample})")
            if extract is not None and nvals is not None:
                nvaf, ndepth, _nc, problem = extract(nvals, ref, a, ai, n_alleles)
                if problem:
                    warn(f"line {lineno}: {problem} (sample {header.normal_sample})")
            if vaf is None and info_vaf and infos:
                vaf, depth, alt_count, nvaf, ndepth = _info_vaf(
                    infos, ai, n_alleles, vaf, depth, alt_count, nvaf, ndepth
                )
            for count in (depth, alt_count, ndepth):
                if count is not None and count > MAX_READ_COUNT:
                    raise InputError(
                        f"a read count or depth of {count:,} is more than any sequencing run "
                        f"gives (at most {MAX_READ_COUNT:,})",
                        filename=name,
                        line=lineno,
                    )
            p, r, aa = pos, ref, a
            if (len(r) > 1 or len(aa) > 1) and is_plain(aa):
                p, r, aa = normalize(chrom, p, r, aa, fetch)
            yield VariantCall(
                lineno,
                chrom,
                p,
                r,
                aa,
                original,
                filters,
                passed,
                qual,
                vaf,
                depth,
                alt_count,
                nvaf,
                ndepth,
                annotation,
                ai,
                info_text,
            )
    if skipped_ref_only:
        warn(f"{skipped_ref_only} reference-only record(s) (ALT '.') were skipped")


def _info_vaf(
    infos: dict[str, str],
    ai: int,
    n: int,
    vaf: float | None,
    depth: int | None,
    alt_count: int | None,
    nvaf: float | None,
    ndepth: int | None,
) -> tuple[float | None, int | None, int | None, float | None, int | None]:
    """VAF from INFO: PCGR TVAF/TDP (CVAF/CDP normal), LoFreq AF/DP/DP4."""

    def num(key: str, cast: Callable[[str], float | int]) -> float | int | None:
        raw = infos.get(key)
        if not raw or raw == ".":
            return None
        parts = raw.split(",")
        item = parts[ai - 1] if len(parts) == n - 1 else parts[0]
        try:
            return cast(item)
        except ValueError:
            return None

    if "TVAF" in infos:
        vaf = num("TVAF", float)
        depth = num("TDP", int) if depth is None else depth  # type: ignore[assignment]
        nvaf = num("CVAF", float) if "CVAF" in infos else num("NVAF", float)
        ndepth = num("CDP", int)  # type: ignore[assignment]
    elif "AF" in infos:
        vaf = num("AF", float)
        if vaf is not None and not 0 <= vaf <= 1:
            vaf = None
        depth = num("DP", int) if depth is None else depth  # type: ignore[assignment]
        dp4 = infos.get("DP4", "").split(",")
        if len(dp4) == 4 and all(x.isdigit() for x in dp4):
            alt_count = int(dp4[2]) + int(dp4[3])
    return vaf, depth, alt_count, nvaf, ndepth  # type: ignore[return-value]
