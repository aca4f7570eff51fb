"""Loader of CIViC nightly/monthly TSV releases (CC0): evidence, molecular profiles, variants,
assertions.

Files are read from a directory holding ``*ClinicalEvidenceSummaries.tsv`` and, when present,
``*MolecularProfileSummaries.tsv``, ``*VariantSummaries.tsv`` and ``*AssertionSummaries.tsv``
(columns read by name, as CIViC publishes them). :func:`fetch` downloads a release from
civicdb.org, and only when called. Accepted predictive evidence that supports sensitivity or
resistance becomes :class:`genomics.kb.schema.EvidenceItem` values; compound molecular profiles
(``A AND B``) are skipped because one alteration cannot satisfy them.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from genomics.alterations import AMPLIFICATION, BIOMARKER, DELETION, EXPRESSION, FUSION, MUTATION
from genomics.io.errors import InputError
from genomics.kb import oncotree as oncotree_module
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import (
    AMPLIFICATION_GRAIN,
    CODON,
    DELETION_GRAIN,
    EXON,
    EXPRESSION_GRAIN,
    FUSION_ANY,
    FUSION_PARTNER,
    GENE_MUTATION,
    LOSS_OF_FUNCTION,
    MSI,
    PROTEIN_CHANGE,
    TMB,
    Biomarker,
    EvidenceItem,
    Source,
    normalize_protein_change,
    therapy_display_name,
)
from tumorboard.ranking import tiers

NAME = "CIViC"
LICENCE = "CC0-1.0"
URL = "https://civicdb.org/downloads"
SOURCE = Source(name=NAME, version="unknown", licence=LICENCE, url=URL, research_only=False)
FILES = {
    "evidence": "ClinicalEvidenceSummaries.tsv",
    "profiles": "MolecularProfileSummaries.tsv",
    "variants": "VariantSummaries.tsv",
    "assertions": "AssertionSummaries.tsv",
}
EVIDENCE_COLUMNS = (
    "molecular_profile",
    "molecular_profile_id",
    "disease",
    "doid",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "evidence_status",
    "evidence_id",
)
#: CIViC evidence level → (evidence type, AMP level, ESCAT tier).
LEVELS = {
    "A": (tiers.GUIDELINE, "A", "I-A"),  # validated: proven or consensus association
    "B": (tiers.CLINICAL_TRIAL, "B", "II-B"),  # clinical evidence
    "C": (tiers.CASE_REPORT, "C", "II-B"),  # case study
    "D": (tiers.PRECLINICAL, "D", "IV-A"),  # preclinical
    "E": (tiers.PRECLINICAL, "D", "IV-B"),  # inferential
}
SIGNIFICANCE = {
    "Sensitivity/Response": tiers.SENSITIVITY,
    "Resistance": tiers.RESISTANCE,
    "Reduced Sensitivity": tiers.RESISTANCE,
}
#: Disease Ontology ids of common CIViC diseases → OncoTree codes (names are tried next).
DOID_TO_ONCOTREE: dict[str, str | None] = {
    "162": None,  # cancer: tumour-agnostic
    "1909": "MEL",
    "8923": "SKCM",
    "9256": "COADREAD",
    "3908": "NSCLC",
    "3910": "LUAD",
    "1612": "BRCA",
    "8552": "CML",
    "9119": "AML",
    "2394": "OVT",
    "10283": "PRAD",
    "9253": "GIST",
    "4947": "CHOL",
    "1793": "PAAD",
}
_PROTEIN = re.compile(
    r"^[A-Z*]\d+(?:_[A-Z*]\d+)?(?:[A-Z*]+|del|ins[A-Z]+|delins[A-Z]+|dup|fs\*?\d*)"
    r"(?:\*\d+)?$"
)
_CODON = re.compile(r"^[A-Z]\d+$")
_EXON = re.compile(r"^exon (\d+) (deletion|insertion|skipping mutation|skipping|mutation)$", re.I)
_COMPOUND = re.compile(r"\b(AND|OR|NOT)\b")


@dataclass(frozen=True)
class _Variant:
    feature_type: str
    feature_name: str
    name: str
    gene: str


def load(
    path: Path | str, *, version: str | None = None, oncotree: OncoTree | None = None
) -> tuple[Source, list[EvidenceItem]]:
    """Read a CIViC TSV release from a directory. Returns its Source (version from the file
    prefix, e.g. ``01-Nov-2025``, or ``nightly YYYY-MM-DD``) and the evidence items."""
    folder = Path(path)
    files = _locate(folder)
    source = Source(NAME, version or _version(files["evidence"]), LICENCE, URL)
    tree = oncotree or oncotree_module.bundled()
    variants = _read_variants(files.get("variants"))
    profiles = _read_profiles(files.get("profiles"))
    items = list(_evidence_items(files["evidence"], source, tree, profiles, variants))
    if "assertions" in files:
        items.extend(_assertion_items(files["assertions"], source, tree, profiles, variants))
    return source, items


def iter_records(path: Path | str) -> Iterator[EvidenceItem]:
    """Stream the evidence items of a CIViC release directory (see :func:`load`)."""
    yield from load(path)[1]


def fetch(destination: Path | str, *, release: str = "nightly", timeout: float = 120) -> Path:
    """Download a CIViC release (``nightly`` or e.g. ``01-Nov-2025``) into ``destination``.

    Network access happens only here, never during :func:`load`. Returns the directory.
    """
    folder = Path(destination)
    folder.mkdir(parents=True, exist_ok=True)
    for filename in FILES.values():
        name = f"{release}-{filename}"
        url = f"https://civicdb.org/downloads/{release}/{name}"
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - fixed https
            (folder / name).write_bytes(response.read())
    return folder


def _locate(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise InputError("a CIViC release is a directory of TSV files", filename=str(folder))
    found: dict[str, Path] = {}
    for key, suffix in FILES.items():
        matches = sorted(folder.glob(f"*{suffix}"))
        if matches:
            found[key] = matches[-1]
    if "evidence" not in found:
        raise InputError(
            "no *ClinicalEvidenceSummaries.tsv in the CIViC directory", filename=str(folder)
        )
    return found


def _version(path: Path) -> str:
    prefix = path.name[: -len(FILES["evidence"])].rstrip("-_")
    if prefix and prefix != "nightly":
        return prefix
    return f"nightly {date.fromtimestamp(path.stat().st_mtime).isoformat()}"


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"the file cannot be read ({exc})", filename=path.name) from exc
    lines = text.splitlines()
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1  # fixture notes; CIViC's own files have none
    reader = csv.DictReader(
        io.StringIO("\n".join(lines[skipped:])), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"the CIViC file lacks the column(s) {', '.join(missing)}",
            filename=path.name,
            line=skipped + 1,
        )
    for row in reader:
        line = reader.line_num + skipped
        if None in row or any(v is None for v in row.values()):
            raise InputError(
                "the row does not have as many fields as the header", filename=path.name, line=line
            )
        yield line, row


def _read_variants(path: Path | None) -> dict[str, _Variant]:
    if path is None:
        return {}
    found = {}
    for _, row in _rows(path, ("variant_id", "variant")):
        gene = row.get("gene") or row.get("feature_name") or ""
        found[row["variant_id"]] = _Variant(
            feature_type=row.get("feature_type") or "Gene",
            feature_name=row.get("feature_name") or gene,
            name=row["variant"],
            gene=gene,
        )
    return found


def _read_profiles(path: Path | None) -> dict[str, list[str]]:
    if path is None:
        return {}
    return {
        row["molecular_profile_id"]: [v.strip() for v in row["variant_ids"].split(",") if v.strip()]
        for _, row in _rows(path, ("molecular_profile_id", "variant_ids"))
    }


def _biomarker_for(
    profile_id: str,
    profile_name: str,
    profiles: dict[str, list[str]],
    variants: dict[str, _Variant],
) -> Biomarker | None:
    variant_ids = profiles.get(profile_id, [])
    if len(variant_ids) == 1 and variant_ids[0] in variants:
        v = variants[variant_ids[0]]
        return parse_variant(v.feature_name, v.name, feature_type=v.feature_type)
    if len(variant_ids) > 1 or _COMPOUND.search(profile_name):
        return None
    feature, _, name = profile_name.strip().partition(" ")
    return parse_variant(feature, name, feature_type="Fusion" if "::" in feature else "Gene")


def parse_variant(feature: str, name: str, *, feature_type: str = "Gene") -> Biomarker | None:
    """A CIViC feature and variant name (``BRAF`` ``V600E``; ``EML4::ALK`` ``Fusion``;
    ``EGFR`` ``Exon 19 Deletion``) as a :class:`Biomarker`; None when no grain fits."""
    name = re.sub(r"\s*\(c\..*\)$", "", name.strip())  # "V600E (c.1799T>A)"
    lowered = name.lower()
    if feature_type == "Factor" or feature.upper() in ("TMB", "MSI"):
        if "TMB" in feature.upper() or "mutational burden" in feature.lower():
            return Biomarker("TMB", BIOMARKER, TMB, status="high") if "high" in lowered else None
        if "MSI" in feature.upper() or "microsatellite" in feature.lower():
            high = "high" in lowered or "msi-h" in lowered
            return Biomarker("MSI", BIOMARKER, MSI, status="MSI-H") if high else None
        return None
    if "::" in feature:
        five, _, three = feature.partition("::")
        if five in ("v", "") and three:
            return Biomarker(three, FUSION, FUSION_ANY)
        if three in ("v", "") and five:
            return Biomarker(five, FUSION, FUSION_ANY)
        return Biomarker(five, FUSION, FUSION_PARTNER, partner=three)
    if not feature:
        return None
    exon = _EXON.match(name)
    if exon:
        change = exon.group(2).lower().split()[0]
        return Biomarker(
            feature,
            MUTATION,
            EXON,
            exon=int(exon.group(1)),
            exon_change=change if change != "mutation" else "mutation",
        )
    if _CODON.match(name):
        return Biomarker(feature, MUTATION, CODON, codon=int(name[1:]))
    if _PROTEIN.match(name):
        return Biomarker(
            feature, MUTATION, PROTEIN_CHANGE, protein_change=normalize_protein_change(name)
        )
    if lowered in ("fusion", "rearrangement", "translocation"):
        return Biomarker(feature, FUSION, FUSION_ANY)
    if lowered in ("amplification", "copy number gain"):
        return Biomarker(feature, AMPLIFICATION, AMPLIFICATION_GRAIN)
    if lowered in ("deletion", "loss", "homozygous deletion", "copy number loss"):
        return Biomarker(feature, DELETION, DELETION_GRAIN)
    if lowered in ("overexpression", "expression"):
        return Biomarker(feature, EXPRESSION, EXPRESSION_GRAIN)
    if lowered in (
        "loss-of-function",
        "loss of function",
        "truncating mutation",
        "inactivating mutation",
        "frameshift truncation",
        "frameshift",
    ):
        return Biomarker(feature, MUTATION, LOSS_OF_FUNCTION)
    if lowered in (
        "mutation",
        "activating mutation",
        "oncogenic mutation",
        "kinase domain mutation",
    ):
        return Biomarker(feature, MUTATION, GENE_MUTATION, requires_oncogenic=lowered != "mutation")
    return None


def _tumor_type(doid: str, disease: str, tree: OncoTree) -> str | None:
    key = doid.upper().removeprefix("DOID:").strip()
    if key in DOID_TO_ONCOTREE:
        return DOID_TO_ONCOTREE[key]
    by_name = {node.name.lower(): code for code, node in tree.nodes.items()}
    code = by_name.get(disease.strip().lower())
    return code or (f"DOID:{key}" if key else disease)  # unmapped: never on-label


def _therapies(therapies: str, interaction: str) -> list[tuple[str, ...]]:
    drugs = [" ".join(d.lower().split()) for d in therapies.split(",") if d.strip()]
    if not drugs:
        return []
    if interaction.strip().lower() == "substitutes":
        return [(d,) for d in drugs]
    return [tuple(dict.fromkeys(drugs))]


def _citation(row: dict[str, str]) -> tuple[str, ...]:
    cid = (row.get("citation_id") or "").strip()
    if cid and (row.get("source_type") or "").lower() == "pubmed":
        return (f"PMID:{cid}",)
    return (row["evidence_civic_url"],) if row.get("evidence_civic_url") else ()


def _evidence_items(
    path: Path,
    source: Source,
    tree: OncoTree,
    profiles: dict[str, list[str]],
    variants: dict[str, _Variant],
) -> Iterator[EvidenceItem]:
    for line, row in _rows(path, EVIDENCE_COLUMNS):
        if (
            row["evidence_type"] != "Predictive"
            or row["evidence_direction"] != "Supports"
            or row["evidence_status"].lower() not in ("accepted", "")
        ):
            continue
        direction = SIGNIFICANCE.get(row["significance"])
        level = LEVELS.get(row["evidence_level"])
        if direction is None or level is None:
            continue
        biomarker = _biomarker_for(
            row["molecular_profile_id"], row["molecular_profile"], profiles, variants
        )
        if biomarker is None:
            continue
        evidence_type, amp_level, escat = level
        for drugs in _therapies(row["therapies"], row["therapy_interaction_type"]):
            try:
                yield EvidenceItem(
                    source=source,
                    source_id=f"EID{row['evidence_id']}",
                    biomarker=biomarker,
                    tumor_type=_tumor_type(row["doid"], row["disease"], tree),
                    source_tumor_term=row["disease"],
                    therapy=therapy_display_name(drugs),
                    drugs=drugs,
                    direction=direction,
                    evidence_type=evidence_type,
                    level_source=f"CIViC level {row['evidence_level']}",
                    level=amp_level,
                    escat=escat,
                    citations=_citation(row),
                    statement=row["evidence_statement"],
                )
            except ValueError as exc:
                raise InputError(
                    f"evidence {row['evidence_id']} is invalid ({exc})",
                    filename=path.name,
                    line=line,
                ) from exc


def _assertion_items(
    path: Path,
    source: Source,
    tree: OncoTree,
    profiles: dict[str, list[str]],
    variants: dict[str, _Variant],
) -> Iterator[EvidenceItem]:
    required = (
        "molecular_profile",
        "molecular_profile_id",
        "disease",
        "doid",
        "therapies",
        "assertion_type",
        "assertion_direction",
        "significance",
        "amp_category",
        "assertion_id",
    )
    for line, row in _rows(path, required):
        if row["assertion_type"] != "Predictive" or row["assertion_direction"] != "Supports":
            continue
        direction = SIGNIFICANCE.get(row["significance"])
        if direction is None:
            continue
        biomarker = _biomarker_for(
            row["molecular_profile_id"], row["molecular_profile"], profiles, variants
        )
        if biomarker is None:
            continue
        found = re.search(r"Level ([A-D])", row["amp_category"])
        amp_level = found.group(1) if found else "C"
        approved = (row.get("regulatory_approval") or "").lower() == "true"
        if approved:
            evidence_type = tiers.APPROVAL
        elif row.get("nccn_guideline"):
            evidence_type = tiers.GUIDELINE
        else:
            evidence_type = tiers.CLINICAL_TRIAL
        for drugs in _therapies(row["therapies"], row.get("therapy_interaction_type") or ""):
            try:
                yield EvidenceItem(
                    source=source,
                    source_id=f"AID{row['assertion_id']}",
                    biomarker=biomarker,
                    tumor_type=_tumor_type(row["doid"], row["disease"], tree),
                    source_tumor_term=row["disease"],
                    therapy=therapy_display_name(drugs),
                    drugs=drugs,
                    direction=direction,
                    evidence_type=evidence_type,
                    level_source=row["amp_category"],
                    level=amp_level,
                    escat="I-A" if amp_level == "A" else "",
                    fda_approved=approved,
                    citations=(
                        (row["assertion_civic_url"],) if row.get("assertion_civic_url") else ()
                    ),
                    statement=row.get("assertion_summary") or "",
                )
            except ValueError as exc:
                raise InputError(
                    f"assertion {row['assertion_id']} is invalid ({exc})",
                    filename=path.name,
                    line=line,
                ) from exc
