"""Loader of the 2017 Cancer Genome Interpreter biomarker table (per-variant file). Research only.

The CGI "Cancer Biomarkers database" carries no open licence (IRB Barcelona terms of use): DART
never bundles it and refuses to load it unless a site switches it on for research use with
``research_only=True``. Rows: ``individual_mutation`` (``ABL1:T315I``), ``Association``
(Responsive / Resistant), ``Drug`` (``[A,B]`` alternatives, ``A + B`` combination),
``Evidence level`` (text), ``Primary Tumor acronym`` (CGI's own codes), ``Source`` (PMIDs …).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

from genomics.alterations import AMPLIFICATION, DELETION, FUSION, MUTATION
from genomics.io.errors import InputError
from genomics.kb import oncotree as oncotree_module
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import (
    AMPLIFICATION_GRAIN,
    DELETION_GRAIN,
    FUSION_ANY,
    FUSION_PARTNER,
    GENE_MUTATION,
    PROTEIN_CHANGE,
    Biomarker,
    EvidenceItem,
    Source,
    normalize_protein_change,
    therapy_display_name,
)
from tumorboard.ranking import tiers

SOURCE = Source(
    name="CGI biomarkers",
    version="2017",
    licence="no open licence (IRB Barcelona terms of use; research and non-commercial use only)",
    url="https://www.cancergenomeinterpreter.org/biomarkers",
    research_only=True,
)
REQUIRED = (
    "Alteration",
    "Alteration type",
    "Association",
    "Drug",
    "Evidence level",
    "Gene",
    "Primary Tumor acronym",
    "Source",
    "individual_mutation",
)
#: CGI tumour acronyms that differ from OncoTree codes.
CGI_TO_ONCOTREE: dict[str, str | None] = {
    "CANCER": None,
    "SOLID": None,
    "COREAD": "COADREAD",
    "CO": "COAD",
    "RE": "READ",
    "LUAD": "LUAD",
    "NSCLC": "NSCLC",
    "CM": "SKCM",
    "MEL": "MEL",
    "BRCA": "BRCA",
    "OV": "OVT",
    "PRAD": "PRAD",
    "GIST": "GIST",
    "CML": "CML",
    "AML": "AML",
}


def _level(text: str) -> tuple[str, str] | None:
    lowered = text.lower()
    if "fda" in lowered:
        return tiers.APPROVAL, "A"
    if "guideline" in lowered:
        return tiers.GUIDELINE, "A"
    if "late trials" in lowered:
        return tiers.CLINICAL_TRIAL, "B"
    if "early trials" in lowered or "clinical trial" in lowered:
        return tiers.CLINICAL_TRIAL, "C"
    if "case report" in lowered:
        return tiers.CASE_REPORT, "D"
    if "pre-clinical" in lowered or "preclinical" in lowered:
        return tiers.PRECLINICAL, "D"
    return None


def load(
    path: Path | str, *, research_only: bool = False, oncotree: OncoTree | None = None
) -> tuple[Source, list[EvidenceItem]]:
    """Read the CGI per-variant table; refuses unless ``research_only=True`` (licence)."""
    return SOURCE, list(iter_records(path, research_only=research_only, oncotree=oncotree))


def iter_records(
    path: Path | str, *, research_only: bool = False, oncotree: OncoTree | None = None
) -> Iterator[EvidenceItem]:
    """Stream evidence items from the CGI table; see :func:`load`."""
    path = Path(path)
    if not research_only:
        raise InputError(
            "the CGI biomarker table is licensed for research and non-commercial use only; "
            "a site must switch it on explicitly (research_only=True)",
            filename=path.name,
        )
    tree = oncotree or oncotree_module.bundled()
    try:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise InputError(f"the CGI table cannot be read ({exc})", filename=path.name) from exc
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"the CGI table lacks the column(s) {', '.join(missing)}", filename=path.name, line=1
        )
    for row in reader:
        if None in row:
            raise InputError(
                "the row has more fields than the header", filename=path.name, line=reader.line_num
            )
        direction = {"Responsive": tiers.SENSITIVITY, "Resistant": tiers.RESISTANCE}.get(
            row["Association"]
        )
        level = _level(row["Evidence level"] or "")
        biomarker = _biomarker(row)
        if direction is None or level is None or biomarker is None:
            continue
        acronym = (row["Primary Tumor acronym"] or "").split(";")[0].strip()
        if acronym.upper() in CGI_TO_ONCOTREE:
            tumor_type = CGI_TO_ONCOTREE[acronym.upper()]
        else:
            tumor_type = tree.resolve(acronym) or f"CGI:{acronym}"
        citations = tuple(
            s.strip()
            for s in re.split(r"[;,]", row["Source"] or "")
            if s.strip().startswith("PMID:")
        )
        for drugs in _therapies(row["Drug"] or ""):
            yield EvidenceItem(
                source=SOURCE,
                source_id=f"line:{reader.line_num}",
                biomarker=biomarker,
                tumor_type=tumor_type,
                source_tumor_term=row.get("Primary Tumor type") or acronym,
                therapy=therapy_display_name(drugs),
                drugs=drugs,
                direction=direction,
                evidence_type=level[0],
                level_source=row["Evidence level"],
                level=level[1],
                fda_approved="fda" in row["Evidence level"].lower(),
                citations=citations,
                statement=f"{row.get('Biomarker') or row['Alteration']}: {row['Association']} "
                f"to {row['Drug']} ({row['Evidence level']}).",
            )


def _therapies(text: str) -> list[tuple[str, ...]]:
    text = text.strip()
    options = text.strip("[]").split(",") if text.startswith("[") else [text]
    found = []
    for option in options:
        drugs = tuple(" ".join(d.lower().split()) for d in option.split("+") if d.strip())
        if drugs:
            found.append(drugs)
    return found


def _biomarker(row: dict[str, str]) -> Biomarker | None:
    kind = row["Alteration type"]
    gene = row["Gene"].split(";")[0].strip()
    if kind == "MUT":
        _, _, change = (row["individual_mutation"] or "").partition(":")
        change = normalize_protein_change(change)
        if change and change != "." and re.match(r"^[A-Z*]\d+", change):
            return Biomarker(gene, MUTATION, PROTEIN_CHANGE, protein_change=change)
        return Biomarker(gene, MUTATION, GENE_MUTATION, requires_oncogenic=True)
    if kind == "CNA":
        if row["Alteration"].endswith(":amp"):
            return Biomarker(gene, AMPLIFICATION, AMPLIFICATION_GRAIN)
        if row["Alteration"].endswith(":del"):
            return Biomarker(gene, DELETION, DELETION_GRAIN)
        return None
    if kind == "FUS":
        genes = row["Alteration"].split("__")
        if len(genes) == 2 and all(genes) and "." not in genes:
            return Biomarker(genes[0], FUSION, FUSION_PARTNER, partner=genes[1])
        return Biomarker(gene, FUSION, FUSION_ANY)
    return None
