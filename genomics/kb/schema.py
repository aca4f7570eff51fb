"""One normalised schema for drug evidence, whatever knowledge base it comes from.

Plain Python, no Django. Every loader in ``genomics.kb`` turns its source's rows into
:class:`EvidenceItem` values; matching (``genomics.kb.matching``) and ranking
(``tumorboard.ranking``) only ever see this schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genomics.alterations import (
    AMPLIFICATION,
    BIOMARKER,
    DELETION,
    EXPRESSION,
    FUSION,
    KINDS,
    MUTATION,
)
from genomics.annotation.hgvs import ONE
from tumorboard.ranking.tiers import (
    AMP_LEVEL_FOR_EVIDENCE_TYPE,
    AMP_LEVELS,
    DIRECTIONS,
    ESCAT,
    ESCAT_FOR_EVIDENCE_TYPE,
    EVIDENCE_TYPES,
)

# --- Biomarker grains, most specific first ------------------------------------------------------
PROTEIN_CHANGE = "protein_change"  # BRAF V600E
CODON = "codon"  # KRAS G12 (any change at codon 12)
EXON = "exon"  # EGFR exon 19 deletion, MET exon 14 skipping
GENE_MUTATION = "gene_mutation"  # any activating / oncogenic mutation of the gene
LOSS_OF_FUNCTION = "loss_of_function"  # truncating or oncogenic loss of a tumour suppressor
FUSION_PARTNER = "fusion_partner"  # EML4::ALK, BCR::ABL1
FUSION_ANY = "fusion"  # ALK fusion, any partner
AMPLIFICATION_GRAIN = "amplification"
DELETION_GRAIN = "deletion"
EXPRESSION_GRAIN = "expression"
TMB = "tmb"
MSI = "msi"
GRAINS = (
    PROTEIN_CHANGE,
    CODON,
    EXON,
    FUSION_PARTNER,
    FUSION_ANY,
    AMPLIFICATION_GRAIN,
    DELETION_GRAIN,
    EXPRESSION_GRAIN,
    TMB,
    MSI,
    GENE_MUTATION,
    LOSS_OF_FUNCTION,
)
#: The alteration kind each grain is about.
GRAIN_KIND = {
    PROTEIN_CHANGE: MUTATION,
    CODON: MUTATION,
    EXON: MUTATION,
    GENE_MUTATION: MUTATION,
    LOSS_OF_FUNCTION: MUTATION,
    FUSION_PARTNER: FUSION,
    FUSION_ANY: FUSION,
    AMPLIFICATION_GRAIN: AMPLIFICATION,
    DELETION_GRAIN: DELETION,
    EXPRESSION_GRAIN: EXPRESSION,
    TMB: BIOMARKER,
    MSI: BIOMARKER,
}
#: ``EvidenceItem.requires`` entry of evidence that holds for germline variants only (e.g. the
#: PARP-inhibitor approvals in germline BRCA-mutated breast and pancreatic cancer).
GERMLINE_ORIGIN = "germline variant"

#: What an exon-grain biomarker requires of the change inside the exon.
EXON_CHANGES = ("deletion", "insertion", "skipping", "mutation")

_AA3 = ONE  # three-letter -> one-letter amino acid
_AA3_RE = re.compile("|".join(_AA3))
_CODON_RE = re.compile(r"^([A-Z*])(\d+)")


def normalize_protein_change(text: str | None) -> str | None:
    """``p.Val600Glu`` / ``p.(V600E)`` / ``V600E`` → ``V600E`` (1-letter, no ``p.``); None stays."""
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    if ":" in value:  # NP_004324.2:p.Val600Glu
        value = value.rsplit(":", 1)[1]
    if value.startswith("p."):
        value = value[2:]
    value = value.strip("()")
    value = _AA3_RE.sub(lambda m: _AA3[m.group(0)], value)
    return value.replace("Ter", "*")


def codon_of(protein_change: str | None) -> int | None:
    """Codon number of a 1-letter protein change (``G12D`` → 12), None if it has none."""
    if not protein_change:
        return None
    found = _CODON_RE.match(protein_change)
    return int(found.group(2)) if found else None


@dataclass(frozen=True)
class Source:
    """A knowledge-base release: who says it, which version, under which licence."""

    name: str
    version: str
    licence: str
    url: str
    research_only: bool = False

    @property
    def label(self) -> str:
        """``"MOAlmanac 2026-05-07"``: the name and version shown in rationales and reports."""
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class Biomarker:
    """The alteration an evidence item is about, at the grain the source states it.

    ``gene`` is the HGNC symbol (``"TMB"`` / ``"MSI"`` for those biomarkers); ``kind`` is one of
    ``genomics.alterations.KINDS``; ``grain`` one of :data:`GRAINS`. ``protein_change`` is 1-letter
    without ``p.``; ``codon`` and ``exon`` are numbers; ``exon_change`` one of
    :data:`EXON_CHANGES`; ``partner`` the other gene of a fusion; ``status`` the biomarker state
    (``"high"`` for TMB, ``"MSI-H"``); ``threshold`` e.g. 10 mutations/Mb.
    ``requires_oncogenic`` restricts gene-level grains to (likely) oncogenic alterations.
    """

    gene: str
    kind: str
    grain: str
    protein_change: str | None = None
    codon: int | None = None
    exon: int | None = None
    exon_change: str | None = None
    partner: str | None = None
    status: str | None = None
    threshold: float | None = None
    requires_oncogenic: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown alteration kind {self.kind!r}")
        if self.grain not in GRAINS:
            raise ValueError(f"unknown biomarker grain {self.grain!r}")
        if self.grain == PROTEIN_CHANGE and not self.protein_change:
            raise ValueError("a protein-change biomarker needs its protein change")
        if self.grain == CODON and self.codon is None:
            raise ValueError("a codon biomarker needs its codon")
        if self.grain == EXON and self.exon is None:
            raise ValueError("an exon biomarker needs its exon")
        if self.grain == FUSION_PARTNER and not self.partner:
            raise ValueError("a fusion-with-partner biomarker needs its partner")

    @property
    def label(self) -> str:
        """Human-readable name: ``BRAF p.V600E``, ``KRAS codon 12``, ``EGFR exon 19 deletion``."""
        g = self.grain
        if g == PROTEIN_CHANGE:
            return f"{self.gene} p.{self.protein_change}"
        if g == CODON:
            return f"{self.gene} codon {self.codon}"
        if g == EXON:
            return f"{self.gene} exon {self.exon} {self.exon_change or 'mutation'}"
        if g == GENE_MUTATION:
            return f"{self.gene} {'oncogenic ' if self.requires_oncogenic else ''}mutation"
        if g == LOSS_OF_FUNCTION:
            return f"{self.gene} loss of function"
        if g == FUSION_PARTNER:
            return f"{self.gene}::{self.partner} fusion"
        if g == FUSION_ANY:
            return f"{self.gene} fusion"
        if g in (TMB, MSI):
            return f"{self.gene} {self.status or ''}".strip()
        return f"{self.gene} {g}"


@dataclass(frozen=True)
class EvidenceItem:
    """One statement of a knowledge base: this biomarker, in this tumour type, predicts
    ``direction`` (sensitivity or resistance) to this therapy.

    ``tumor_type`` is an OncoTree code, None for tumour-agnostic evidence; ``excluded_tumor_types``
    are OncoTree codes a tumour-agnostic statement does not cover. ``drugs`` are lower-case generic
    names given together (a combination is one therapy). ``level_source`` is the source's own
    scale; ``level`` the AMP/ASCO/CAP level (A–D) and ``escat`` the ESCAT tier, both as they hold
    in the evidence's own tumour type. ``citations`` are ``PMID:…`` strings or URLs.
    ``preferred`` marks the option a cited guideline names as preferred for its setting
    (osimertinib over first-generation EGFR inhibitors). ``requires`` names conditions of the
    statement that genomics cannot check (``HR+``).
    """

    source: Source
    source_id: str
    biomarker: Biomarker
    tumor_type: str | None
    source_tumor_term: str
    therapy: str
    drugs: tuple[str, ...]
    direction: str
    evidence_type: str
    level_source: str
    level: str = ""
    escat: str = ""
    fda_approved: bool = False
    ema_approved: bool = False
    citations: tuple[str, ...] = ()
    statement: str = ""
    excluded_tumor_types: tuple[str, ...] = ()
    preferred: bool = False
    requires: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")
        if self.evidence_type not in EVIDENCE_TYPES:
            raise ValueError(f"unknown evidence type {self.evidence_type!r}")
        if not self.drugs or any(d != d.lower() or not d.strip() for d in self.drugs):
            raise ValueError("drugs must be non-empty lower-case generic names")
        if not self.level:
            object.__setattr__(self, "level", AMP_LEVEL_FOR_EVIDENCE_TYPE[self.evidence_type])
        if not self.escat:
            object.__setattr__(self, "escat", ESCAT_FOR_EVIDENCE_TYPE[self.evidence_type])
        if self.level not in AMP_LEVELS:
            raise ValueError(f"unknown AMP/ASCO/CAP level {self.level!r}")
        if self.escat not in ESCAT:
            raise ValueError(f"unknown ESCAT tier {self.escat!r}")

    @property
    def therapy_key(self) -> tuple[str, ...]:
        """The drugs sorted: one key per therapy option, whatever order a source lists them in."""
        return tuple(sorted(set(self.drugs)))

    @property
    def citation(self) -> str:
        """All citations in one string (``PMID:1; https://…``), empty if none."""
        return "; ".join(self.citations)


def therapy_display_name(drugs: tuple[str, ...] | list[str]) -> str:
    """``("dabrafenib", "trametinib")`` → ``"Dabrafenib + Trametinib"`` (order kept)."""
    return " + ".join(_title(d) for d in drugs)


def _title(drug: str) -> str:
    # "ado-trastuzumab emtansine" → "Ado-trastuzumab emtansine"; keep the rest lower case
    return drug[:1].upper() + drug[1:]
