"""Loader of the DART curated core table (``genomics/data/kb/curated_core.tsv``).

The table is written in this project from public FDA/EMA approvals, guidelines and pivotal
trials (see ``genomics/data/kb/SOURCE.md``); it ships with DART so a fresh install ranks offline.
Each row may expand into several evidence items: comma lists in ``protein_change``, ``codon`` and
``tumor_types`` are alternatives, and so are drugs separated by ``|`` (``+`` joins the drugs of one
combination therapy).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from genomics.alterations import KINDS
from genomics.io.errors import InputError
from genomics.kb.schema import (
    CODON,
    EXON,
    EXON_CHANGES,
    GENE_MUTATION,
    GERMLINE_ORIGIN,
    GRAINS,
    PROTEIN_CHANGE,
    Biomarker,
    EvidenceItem,
    Source,
    normalize_protein_change,
    therapy_display_name,
)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "kb" / "curated_core.tsv"
NAME = "DART curated core"
VERSION = "2026.11.1"
SOURCE = Source(
    name=NAME,
    version=VERSION,
    licence="Apache-2.0",
    url="bundled with DART: genomics/data/kb/curated_core.tsv (see SOURCE.md beside it)",
    research_only=False,
)
COLUMNS = (
    "id",
    "gene",
    "kind",
    "grain",
    "protein_change",
    "codon",
    "exon",
    "exon_change",
    "partner",
    "status",
    "threshold",
    "tumor_types",
    "tumor_term",
    "excluded_tumor_types",
    "drugs",
    "direction",
    "evidence_type",
    "level",
    "escat",
    "fda_approved",
    "ema_approved",
    "preferred",
    "source",
    "citations",
    "statement",
)
ANY_TUMOR = "*"


def read_version(path: Path = DEFAULT_PATH) -> str:
    """The ``## version=…`` header of a curated table, or :data:`VERSION` when it has none."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("##"):
                break
            key, _, value = line[2:].strip().partition("=")
            if key.strip() == "version" and value.strip():
                return value.strip()
    return VERSION


def load(path: Path | str = DEFAULT_PATH) -> tuple[Source, list[EvidenceItem]]:
    """Read a curated table: returns its :class:`Source` (version from the header) and items."""
    path = Path(path)
    source = Source(
        name=NAME,
        version=read_version(path),
        licence=SOURCE.licence,
        url=SOURCE.url,
        research_only=False,
    )
    return source, list(iter_records(path, source=source))


def iter_records(
    path: Path | str = DEFAULT_PATH, *, source: Source | None = None
) -> Iterator[EvidenceItem]:
    """Stream evidence items from a curated table; raises ``InputError`` on a broken row."""
    path = Path(path)
    source = source or SOURCE
    try:
        fh = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(
            f"the curated table cannot be opened ({exc.strerror})", filename=path.name
        ) from exc
    with fh:
        line_no = 0
        header: list[str] | None = None
        reader = csv.reader(fh, delimiter="\t")
        for row in reader:
            line_no = reader.line_num
            if not row or (row[0].startswith("#")):
                continue
            if header is None:
                header = row
                missing = [c for c in COLUMNS if c not in header]
                if missing:
                    raise InputError(
                        f"the curated table lacks the column(s) {', '.join(missing)}",
                        filename=path.name,
                        line=line_no,
                    )
                continue
            if len(row) != len(header):
                raise InputError(
                    f"the row has {len(row)} fields where the header has {len(header)}",
                    filename=path.name,
                    line=line_no,
                )
            record = dict(zip(header, row))
            try:
                yield from _items(record, source)
            except (ValueError, KeyError) as exc:
                raise InputError(
                    f"row {record.get('id', '?')} is invalid: {exc}",
                    filename=path.name,
                    line=line_no,
                ) from exc
        if header is None:
            raise InputError("the curated table has no header row", filename=path.name)


def _split(value: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _flag(value: str) -> bool:
    if value.strip().lower() not in ("yes", "no", ""):
        raise ValueError(f"expected yes or no, found {value!r}")
    return value.strip().lower() == "yes"


def _biomarkers(r: dict[str, str]) -> list[Biomarker]:
    gene, kind, grain = r["gene"].strip(), r["kind"].strip(), r["grain"].strip()
    if not gene:
        raise ValueError("the gene is empty")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    common = {
        "gene": gene,
        "kind": kind,
        "grain": grain,
        "partner": r["partner"].strip() or None,
        "status": r["status"].strip() or None,
        "threshold": float(r["threshold"]) if r["threshold"].strip() else None,
        # the curated stance: a gene-level statement means activating/oncogenic mutations only
        "requires_oncogenic": grain == GENE_MUTATION,
    }
    if grain == PROTEIN_CHANGE:
        return [
            Biomarker(protein_change=normalize_protein_change(change), **common)
            for change in _split(r["protein_change"])
        ]
    if grain == CODON:
        return [Biomarker(codon=int(codon), **common) for codon in _split(r["codon"])]
    if grain == EXON:
        change = r["exon_change"].strip() or "mutation"
        if change not in EXON_CHANGES:
            raise ValueError(f"unknown exon change {change!r}")
        return [Biomarker(exon=int(r["exon"]), exon_change=change, **common)]
    return [Biomarker(**common)]


def _items(r: dict[str, str], source: Source) -> Iterator[EvidenceItem]:
    biomarkers = _biomarkers(r)
    if not biomarkers:
        raise ValueError("no biomarker could be read")
    tumor_codes = _split(r["tumor_types"])
    if not tumor_codes:
        raise ValueError("tumor_types is empty (use * for tumour-agnostic)")
    tumor_types: list[str | None] = [None if c == ANY_TUMOR else c for c in tumor_codes]
    therapies = [tuple(_split(option.lower(), "+")) for option in _split(r["drugs"], "|")]
    if not therapies:
        raise ValueError("drugs is empty")
    for biomarker in biomarkers:
        for tumor_type in tumor_types:
            for drugs in therapies:
                yield EvidenceItem(
                    source=source,
                    source_id=r["id"].strip(),
                    biomarker=biomarker,
                    tumor_type=tumor_type,
                    source_tumor_term=r["tumor_term"].strip(),
                    therapy=therapy_display_name(drugs),
                    drugs=drugs,
                    direction=r["direction"].strip(),
                    evidence_type=r["evidence_type"].strip(),
                    level_source=f"{r['evidence_type'].strip()} / {r['level'].strip()}",
                    level=r["level"].strip(),
                    escat=r["escat"].strip(),
                    fda_approved=_flag(r["fda_approved"]),
                    ema_approved=_flag(r["ema_approved"]),
                    preferred=_flag(r["preferred"]),
                    citations=tuple(_split(r["citations"], ";")),
                    statement=f"{r['statement'].strip()} Source: {r['source'].strip()}.",
                    excluded_tumor_types=tuple(_split(r["excluded_tumor_types"])),
                    requires=(GERMLINE_ORIGIN,)
                    if r.get("origin", "").strip() == "germline"
                    else (),
                )
