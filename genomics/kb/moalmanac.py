"""Loader of the Molecular Oncology Almanac (MOAlmanac) database files.

MOAlmanac is GPL-2.0: it is never copied into DART; users point :func:`load` at their download.
Two layouts are read:

* the current "referenced" release (``referenced/*.json[.gz]``: statements → propositions →
  biomarkers, diseases, therapies / therapy groups, indications, documents). It holds regulatory
  sensitivity statements (FDA, EMA, Health Canada, Irish HSE/HPRA) only;
* the legacy flat file (``molecular-oncology-almanac[.legacy].json[.gz]``), whose assertions
  include literature, guideline and resistance statements.

Both become :class:`genomics.kb.schema.EvidenceItem` values; a therapy group (AND) is one
combination therapy. A directory holding both is read as one release.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genomics.alterations import AMPLIFICATION, BIOMARKER, DELETION, FUSION, MUTATION
from genomics.io.errors import InputError
from genomics.kb import oncotree as oncotree_module
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import (
    AMPLIFICATION_GRAIN,
    DELETION_GRAIN,
    EXON,
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

NAME = "MOAlmanac"
LICENCE = "GPL-2.0"
URL = "https://github.com/vanallenlab/moalmanac-db"
SOURCE = Source(name=NAME, version="unknown", licence=LICENCE, url=URL, research_only=False)
LEGACY_NAME = "MOAlmanac legacy"

REFERENCED_TABLES = (
    "about",
    "statements",
    "propositions",
    "biomarkers",
    "diseases",
    "therapies",
    "therapy_groups",
    "indications",
    "documents",
    "genes",
    "urls",
)
#: Tumour suppressors whose "oncogenic / pathogenic variants" mean loss of function.
TUMOR_SUPPRESSORS = frozenset(
    {
        "APC",
        "ARID1A",
        "ATM",
        "ATR",
        "BAP1",
        "BARD1",
        "BRCA1",
        "BRCA2",
        "BRIP1",
        "CDH1",
        "CDK12",
        "CDKN2A",
        "CHEK1",
        "CHEK2",
        "FANCA",
        "FANCL",
        "MLH1",
        "MRE11",
        "MSH2",
        "MSH6",
        "NBN",
        "NF1",
        "NF2",
        "PALB2",
        "PMS2",
        "PTEN",
        "RAD51B",
        "RAD51C",
        "RAD51D",
        "RAD54L",
        "RB1",
        "SMARCB1",
        "STK11",
        "TP53",
        "TSC1",
        "TSC2",
        "VHL",
    }
)
#: NCIt-coded diseases of the referenced release, mapped to OncoTree codes.
NCIT_TO_ONCOTREE = {
    "ncit:C132146": None,  # Any solid tumor: tumour-agnostic
    "ncit:C3467": "MYCF",  # Cutaneous T-cell lymphoma (mycosis fungoides is the main type)
    "ncit:C3163": "CLLSLL",
    "ncit:C135017": "NSCLC",  # non-squamous NSCLC; the source term is kept
    "ncit:C182151": "DMG",
    "ncit:C3696": "SEGA",
    "ncit:C9385": "RCC",
    "ncit:C7007": "HMBL",
    "ncit:C27031": "PANET",
}
#: Legacy ``predictive_implication`` → (evidence type, AMP level, ESCAT).
LEGACY_LEVELS = {
    "FDA-Approved": (tiers.APPROVAL, "A", "I-A"),
    "Guideline": (tiers.GUIDELINE, "A", "I-A"),
    "Clinical trial": (tiers.CLINICAL_TRIAL, "B", "II-B"),
    "Clinical evidence": (tiers.CLINICAL_STUDY, "C", "II-A"),
    "Preclinical": (tiers.PRECLINICAL, "D", "IV-A"),
    "Inferential": (tiers.PRECLINICAL, "D", "IV-B"),
}
_TRUNCATING_ANNOTATIONS = {"Nonsense", "Frameshift", "Splice Site"}
#: Tumour types named in the "not indicated for" limitation of a tumour-agnostic label.
LIMITATION_TERMS = {"colorectal": "COADREAD"}
_NOT_INDICATED = re.compile(r"not indicated for ([^.]*)", re.IGNORECASE)


def load(
    path: Path | str, *, oncotree: OncoTree | None = None
) -> tuple[Source, list[EvidenceItem]]:
    """Read a MOAlmanac download: a directory (``referenced/`` and/or the legacy file inside),
    the ``referenced`` directory itself, or the legacy JSON file.

    Returns the release's :class:`Source` (version = the release's ``last_updated``) and its
    evidence items; raises ``InputError`` when nothing readable is found or a file is broken.
    """
    path = Path(path)
    tree = oncotree or oncotree_module.bundled()
    referenced_dir, legacy_file = _locate(path)
    items: list[EvidenceItem] = []
    source: Source | None = None
    if referenced_dir is not None:
        source, referenced_items = _load_referenced(referenced_dir, tree)
        items.extend(referenced_items)
    if legacy_file is not None:
        legacy_source, legacy_items = _load_legacy(legacy_file, tree)
        items.extend(legacy_items)
        source = source or legacy_source
    assert source is not None
    return source, items


def iter_records(path: Path | str) -> Iterator[EvidenceItem]:
    """Stream the evidence items of a MOAlmanac download (see :func:`load`)."""
    yield from load(path)[1]


def _locate(path: Path) -> tuple[Path | None, Path | None]:
    if path.is_file():
        return None, path
    if not path.is_dir():
        raise InputError("no MOAlmanac file or directory here", filename=str(path))
    if _find(path, "statements"):
        return path, None
    referenced = path / "referenced"
    referenced_dir = referenced if referenced.is_dir() and _find(referenced, "statements") else None
    legacy = sorted(path.glob("molecular-oncology-almanac*.json*"))
    legacy_file = legacy[0] if legacy else None
    if referenced_dir is None and legacy_file is None:
        raise InputError(
            "the directory holds neither referenced/statements.json nor "
            "molecular-oncology-almanac.json",
            filename=str(path),
        )
    return referenced_dir, legacy_file


def _find(folder: Path, table: str) -> Path | None:
    for name in (f"{table}.json", f"{table}.json.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the JSON is broken ({exc.msg})", filename=path.name, line=exc.lineno
        ) from exc
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise InputError(f"the file cannot be read ({exc})", filename=path.name) from exc


def _resolve_tumor(code: str | None, tree: OncoTree) -> str | None:
    if not code:
        return None
    return tree.resolve(code) or code


# --- referenced release
def _load_referenced(folder: Path, tree: OncoTree) -> tuple[Source, list[EvidenceItem]]:
    tables: dict[str, Any] = {}
    for table in REFERENCED_TABLES:
        found = _find(folder, table)
        if found is None:
            raise InputError(f"the MOAlmanac release lacks {table}.json", filename=str(folder))
        tables[table] = _read_json(found)
    about = tables["about"]
    if not isinstance(about, dict):
        raise InputError("about.json is not an object", filename="about.json")
    version = str(about.get("last_updated") or about.get("release") or "unknown")
    source = Source(NAME, version, str(about.get("license") or LICENCE), URL, research_only=False)
    try:
        return source, list(_referenced_items(tables, source, tree))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"the MOAlmanac release is inconsistent ({exc!r})", filename=str(folder)
        ) from exc


def _by_id(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def _referenced_items(
    tables: dict[str, Any], source: Source, tree: OncoTree
) -> Iterator[EvidenceItem]:
    propositions = _by_id(tables["propositions"])
    biomarkers = _by_id(tables["biomarkers"])
    diseases = _by_id(tables["diseases"])
    therapies = _by_id(tables["therapies"])
    groups = _by_id(tables["therapy_groups"])
    indications = _by_id(tables["indications"])
    documents = _by_id(tables["documents"])
    genes = _by_id(tables["genes"])
    urls = {row["id"]: row["url"] for row in tables["urls"]}
    for statement in tables["statements"]:
        proposition = propositions[statement["proposition_id"]]
        if proposition.get("predicate") not in ("predictSensitivityTo", "predictResistanceTo"):
            continue
        direction = (
            tiers.SENSITIVITY
            if proposition["predicate"] == "predictSensitivityTo"
            else tiers.RESISTANCE
        )
        if statement.get("direction") == "disputes":
            continue
        markers = [biomarkers[i] for i in proposition["biomarkers"]]
        parsed = [(m, _referenced_biomarker(m, genes)) for m in markers]
        genomic = [b for _, b in parsed if b is not None]
        if not genomic:
            continue  # e.g. "ER positive" alone: nothing genomics can match
        primary = genomic[0]
        requires = tuple(m["name"] for m, b in parsed if b is not primary)
        if proposition.get("therapy_group_id") is not None:
            group = groups[proposition["therapy_group_id"]]
            drug_names = [therapies[t]["name"] for t in group["therapies"]]
        else:
            drug_names = [therapies[proposition["therapy_id"]]["name"]]
        drugs = tuple(dict.fromkeys(_drug(n) for n in drug_names))
        disease = diseases[proposition["conditionQualifier_id"]]
        coding = str(disease.get("primary_coding_id") or "")
        if coding.startswith("oncotree:"):
            tumor_type = _resolve_tumor(coding.split(":", 1)[1], tree)
        elif coding in NCIT_TO_ONCOTREE:
            tumor_type = NCIT_TO_ONCOTREE[coding]
        else:
            tumor_type = coding or disease["name"]  # never matches a case: stays off-label
        agent = None
        citations: list[str] = []
        for doc_id in statement.get("reportedIn", []):
            document = documents.get(doc_id, {})
            agent = agent or document.get("agent_id")
            if document.get("pmid"):
                citations.append(f"PMID:{document['pmid']}")
            citations.extend(urls[u] for u in document.get("urls", []) if u in urls)
        indication = indications.get(statement.get("indication_id"), {})
        if indication.get("initial_approval_url") and not citations:
            citations.append(indication["initial_approval_url"])
        approval_date = indication.get("initial_approval_date") or ""
        excluded = (
            _label_exclusions(str(indication.get("indication") or ""))
            if (tumor_type is None)
            else ()
        )
        level_source = f"Approval ({(agent or 'regulator').upper()}"
        level_source += f", {approval_date})" if approval_date else ")"
        yield EvidenceItem(
            source=source,
            source_id=f"statement:{statement['id']}",
            biomarker=primary,
            tumor_type=tumor_type,
            source_tumor_term=disease["name"],
            therapy=therapy_display_name(drugs),
            drugs=drugs,
            direction=direction,
            evidence_type=tiers.APPROVAL,
            level_source=level_source,
            level="A",
            escat="I-A",
            fda_approved=agent == "fda",
            ema_approved=agent == "ema",
            citations=tuple(dict.fromkeys(citations)),
            statement=statement.get("description") or "",
            excluded_tumor_types=excluded,
            requires=requires,
        )


def _label_exclusions(text: str) -> tuple[str, ...]:
    """OncoTree codes a tumour-agnostic label's limitation of use excludes ("… is not indicated
    for … colorectal cancer")."""
    found = []
    for limitation in _NOT_INDICATED.findall(text):
        for term, code in LIMITATION_TERMS.items():
            if term in limitation.lower() and code not in found:
                found.append(code)
    return tuple(found)


def _referenced_biomarker(
    marker: dict[str, Any], genes: dict[Any, dict[str, Any]]
) -> Biomarker | None:
    ext = {e["name"]: e["value"] for e in marker.get("extensions", [])}
    kind = ext.get("biomarker_type")
    symbols = [genes[g]["name"] for g in marker.get("genes") or [] if g in genes]
    name = marker.get("name", "")
    if kind == "Microsatellite Stability":
        high = "MSI-H" in str(ext.get("status"))
        return Biomarker("MSI", BIOMARKER, MSI, status="MSI-H") if high else None
    if kind == "Mismatch Repair":
        deficient = ext.get("status") == "Deficient"
        return Biomarker("MSI", BIOMARKER, MSI, status="MSI-H") if deficient else None
    if kind == "Tumor mutational burden":
        if str(ext.get("classification")).lower() != "high":
            return None
        threshold = ext.get("minimum_mutations_per_megabase")
        return Biomarker(
            "TMB",
            BIOMARKER,
            TMB,
            status="high",
            threshold=float(threshold) if threshold is not None else 10.0,
        )
    if not symbols:
        return None
    gene = symbols[0]
    if kind == "Rearrangement":
        if len(symbols) >= 2:
            return Biomarker(gene, FUSION, FUSION_PARTNER, partner=symbols[1])
        return Biomarker(gene, FUSION, FUSION_ANY)
    if kind == "Copy Number":
        direction = ext.get("direction")
        if direction == "Amplification":
            return Biomarker(gene, AMPLIFICATION, AMPLIFICATION_GRAIN)
        if direction == "Deletion":
            return Biomarker(gene, DELETION, DELETION_GRAIN)
        return None
    if kind in ("Somatic Variant", "Germline Variant"):
        return _variant_biomarker(
            gene,
            protein_change=ext.get("protein_change"),
            annotation=ext.get("variant_annotation"),
            exon=ext.get("exon"),
            requires_oncogenic=bool(ext.get("requires_oncogenic")),
            pathogenic=bool(ext.get("requires_pathogenic")),
            activating="activating" in name.lower(),
        )
    return None  # protein expression, wild type, arm-level copy number, HRD …


def _variant_biomarker(
    gene: str,
    *,
    protein_change: str | None,
    annotation: str | None,
    exon: Any,
    requires_oncogenic: bool,
    pathogenic: bool = False,
    activating: bool = False,
) -> Biomarker:
    change = normalize_protein_change(protein_change or None)
    if change:
        return Biomarker(gene, MUTATION, PROTEIN_CHANGE, protein_change=change)
    exon_number = _exon_number(exon)
    if exon_number is not None and annotation in ("Deletion", "Insertion", "Splice Site"):
        exon_change = {"Deletion": "deletion", "Insertion": "insertion", "Splice Site": "skipping"}[
            annotation
        ]
        return Biomarker(gene, MUTATION, EXON, exon=exon_number, exon_change=exon_change)
    if annotation in _TRUNCATING_ANNOTATIONS or pathogenic:
        return Biomarker(gene, MUTATION, LOSS_OF_FUNCTION)
    if gene in TUMOR_SUPPRESSORS and not activating:
        return Biomarker(gene, MUTATION, LOSS_OF_FUNCTION)
    return Biomarker(
        gene,
        MUTATION,
        GENE_MUTATION,
        requires_oncogenic=requires_oncogenic or annotation != "Missense",
    )


def _exon_number(value: Any) -> int | None:
    text = str(value or "").split("/")[0].strip()
    return int(text) if text.isdigit() else None


def _drug(name: str) -> str:
    return " ".join(name.strip().lower().split())


# --- legacy file
def _load_legacy(path: Path, tree: OncoTree) -> tuple[Source, list[EvidenceItem]]:
    data = _read_json(path)
    if not isinstance(data, list) or (data and not isinstance(data[0], dict)):
        raise InputError(
            "the legacy MOAlmanac file is not a list of assertions", filename=path.name
        )
    dates = [str(a.get("last_updated") or "") for a in data if isinstance(a, dict)]
    version = f"legacy {max(dates)}" if any(dates) else "legacy"
    source = Source(LEGACY_NAME, version, LICENCE, URL, research_only=False)
    items: list[EvidenceItem] = []
    for index, assertion in enumerate(data):
        try:
            items.extend(_legacy_items(assertion, source, tree))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"assertion {assertion.get('assertion_id', index)} is invalid ({exc!r})",
                filename=path.name,
            ) from exc
    return source, items


def _legacy_items(a: dict[str, Any], source: Source, tree: OncoTree) -> Iterator[EvidenceItem]:
    if a.get("_deprecated") or not a.get("therapy_name"):
        return
    if a.get("therapy_resistance") == 1:
        direction = tiers.RESISTANCE
    elif a.get("therapy_sensitivity") == 1:
        direction = tiers.SENSITIVITY
    else:
        return  # prognostic, adverse-event or "no sensitivity" assertions are not ranked
    levels = LEGACY_LEVELS.get(a.get("predictive_implication", ""))
    if levels is None:
        return
    biomarker = _legacy_biomarker(a)
    if biomarker is None:
        return
    evidence_type, level, escat = levels
    drugs = tuple(dict.fromkeys(_drug(n) for n in str(a["therapy_name"]).split(" + ")))
    citations = []
    if a.get("pmid"):
        citations.append(f"PMID:{a['pmid']}")
    if a.get("doi"):
        citations.append(f"https://doi.org/{a['doi']}")
    if a.get("url"):
        citations.append(str(a["url"]))
    if a.get("nct"):
        citations.append(f"https://clinicaltrials.gov/study/{a['nct']}")
    yield EvidenceItem(
        source=source,
        source_id=f"assertion:{a['assertion_id']}",
        biomarker=biomarker,
        tumor_type=_resolve_tumor(a.get("oncotree_code"), tree),
        source_tumor_term=a.get("disease") or a.get("oncotree_term") or "",
        therapy=therapy_display_name(drugs),
        drugs=drugs,
        direction=direction,
        evidence_type=evidence_type,
        level_source=str(a["predictive_implication"]),
        level=level,
        escat=escat,
        fda_approved=a.get("predictive_implication") == "FDA-Approved",
        ema_approved=False,
        citations=tuple(citations),
        statement=a.get("description") or "",
    )


def _legacy_biomarker(a: dict[str, Any]) -> Biomarker | None:
    feature = a.get("feature_type")
    if feature in ("Somatic Variant", "Germline Variant"):
        if not a.get("gene"):
            return None
        return _variant_biomarker(
            a["gene"],
            protein_change=a.get("protein_change"),
            annotation=a.get("variant_annotation") or None,
            exon=a.get("exon"),
            requires_oncogenic=True,
            pathogenic=feature == "Germline Variant" and bool(a.get("pathogenic")),
        )
    if feature == "Copy Number" and a.get("gene"):
        if a.get("direction") == "Amplification":
            return Biomarker(a["gene"], AMPLIFICATION, AMPLIFICATION_GRAIN)
        if a.get("direction") == "Deletion":
            return Biomarker(a["gene"], DELETION, DELETION_GRAIN)
        return None
    if feature == "Rearrangement" and a.get("gene1"):
        if a.get("gene2"):
            return Biomarker(a["gene1"], FUSION, FUSION_PARTNER, partner=a["gene2"])
        return Biomarker(a["gene1"], FUSION, FUSION_ANY)
    if feature == "Microsatellite Stability" and "high" in str(a.get("status")).lower():
        return Biomarker("MSI", BIOMARKER, MSI, status="MSI-H")
    if feature == "Mutational Burden" and str(a.get("classification")).lower() == "high":
        per_mb = a.get("mutations_per_mb")
        return Biomarker(
            "TMB",
            BIOMARKER,
            TMB,
            status="high",
            threshold=float(per_mb) if per_mb not in (None, "") else 10.0,
        )
    return None  # signatures, knockdowns, aneuploidy: not matched on alterations
