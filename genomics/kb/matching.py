"""Match a case's alterations against knowledge-base evidence, at every biomarker grain.

Plain Python, no Django. In: :class:`genomics.alterations.Alteration` values, evidence items,
the case's OncoTree code. Out: one :class:`Match` per (alteration, evidence item) pair that
applies, saying which grain matched and how the tumour type relates to the evidence's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from genomics.alterations import (
    AMPLIFICATION,
    BIOMARKER,
    DELETION,
    EXPRESSION,
    FUSION,
    MUTATION,
    Alteration,
)
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
    codon_of,
    normalize_protein_change,
)

# --- How the case's tumour type relates to the evidence's ----------------------------------------
TUMOR_EXACT = "exact"  # same OncoTree code
TUMOR_ANCESTOR = "ancestor"  # evidence for an ancestor of the case's type (NSCLC for LUAD)
TUMOR_ANY = "any"  # tumour-agnostic evidence
TUMOR_NARROWER = "narrower"  # evidence for a subtype of the case's type (LUAD for NSCLC)
TUMOR_OFF_LABEL = "off_label"  # another tumour type, or one a tumour-agnostic label excludes
TUMOR_UNSPECIFIED = "unspecified"  # the case has no tumour type
TUMOR_MATCHES = (
    TUMOR_EXACT,
    TUMOR_ANCESTOR,
    TUMOR_ANY,
    TUMOR_NARROWER,
    TUMOR_OFF_LABEL,
    TUMOR_UNSPECIFIED,
)
#: Tumour matches that count as "this tumour type" for ranking and for resistance.
ON_LABEL = frozenset({TUMOR_EXACT, TUMOR_ANCESTOR, TUMOR_ANY})

ONCOGENIC = frozenset({"oncogenic", "likely_oncogenic"})
BENIGN = frozenset({"benign", "likely_benign"})
TRUNCATING = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_acceptor_variant",
        "splice_donor_variant",
        "start_lost",
        "transcript_ablation",
        "exon_loss_variant",
    }
)
PROTEIN_ALTERING = TRUNCATING | frozenset(
    {
        "missense_variant",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
        "stop_lost",
        "disruptive_inframe_insertion",
        "disruptive_inframe_deletion",
        "conservative_inframe_insertion",
        "conservative_inframe_deletion",
    }
)
SPLICE = frozenset(
    {
        "splice_acceptor_variant",
        "splice_donor_variant",
        "splice_region_variant",
        "splice_donor_5th_base_variant",
        "splice_donor_region_variant",
        "exon_loss_variant",
    }
)
#: Codon ranges of exons named by evidence, for alterations whose annotation gives no exon.
#: EGFR: NM_005228 exon 18 = codons 688-728, 19 = 729-761, 20 = 762-823, 21 = 824-875.
EXON_CODONS: dict[tuple[str, int], tuple[int, int]] = {
    ("EGFR", 18): (688, 728),
    ("EGFR", 19): (729, 761),
    ("EGFR", 20): (762, 823),
    ("EGFR", 21): (824, 875),
}
_MSI_HIGH = frozenset({"MSI-H", "MSI-HIGH", "HIGH", "DMMR", "DEFICIENT", "MSI"})
_TMB_HIGH = frozenset({"HIGH", "TMB-H", "TMB-HIGH"})


@dataclass(frozen=True)
class Match:
    """One evidence item that applies to one alteration of the case.

    ``grain`` is the biomarker grain that matched (``genomics.kb.schema.GRAINS``);
    ``tumor_match`` one of :data:`TUMOR_MATCHES`.
    """

    alteration: Alteration
    evidence: EvidenceItem
    grain: str
    tumor_match: str

    @property
    def on_label(self) -> bool:
        """True when the evidence holds for the case's tumour type (exact, ancestor, agnostic)."""
        return self.tumor_match in ON_LABEL


def match(
    alterations: Iterable[Alteration],
    evidence: Iterable[EvidenceItem],
    *,
    tumor_type: str | None,
    oncotree: OncoTree | None = None,
) -> list[Match]:
    """Every (alteration, evidence item) pair that applies, in input order.

    ``tumor_type`` is the case's OncoTree code (None when unknown); ``oncotree`` defaults to the
    release bundled with DART.
    """
    tree = oncotree or oncotree_module.bundled()
    by_gene: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in evidence:
        by_gene[item.biomarker.gene.upper()].append(item)
        if item.biomarker.partner:
            by_gene[item.biomarker.partner.upper()].append(item)
    found: list[Match] = []
    seen: set[tuple[int, int]] = set()
    for alteration in alterations:
        genes = {alteration.gene.upper()}
        if alteration.kind == BIOMARKER and alteration.gene.upper() == "MMR":
            genes.add("MSI")  # dMMR is evidence-equivalent to MSI-H
        if alteration.partner:
            genes.add(alteration.partner.upper())
        for gene in sorted(genes):
            for item in by_gene.get(gene, ()):
                key = (id(alteration), id(item))
                if key in seen:
                    continue
                grain = grain_matched(alteration, item.biomarker)
                if grain is None:
                    continue
                seen.add(key)
                found.append(Match(alteration, item, grain, tumor_relation(tumor_type, item, tree)))
    return found


def tumor_relation(case_tumor: str | None, item: EvidenceItem, tree: OncoTree) -> str:
    """How the case's tumour type relates to the evidence item's (one of TUMOR_MATCHES)."""
    if item.tumor_type is None:
        if case_tumor and any(tree.is_within(case_tumor, ex) for ex in item.excluded_tumor_types):
            return TUMOR_OFF_LABEL
        return TUMOR_ANY
    if not case_tumor:
        return TUMOR_UNSPECIFIED
    case = tree.resolve(case_tumor) or case_tumor.strip().upper()
    ev = tree.resolve(item.tumor_type) or item.tumor_type.strip().upper()
    if case == ev:
        return TUMOR_EXACT
    if tree.is_within(case, ev):
        return TUMOR_ANCESTOR
    if tree.is_within(ev, case):
        return TUMOR_NARROWER
    return TUMOR_OFF_LABEL


def grain_matched(alteration: Alteration, biomarker: Biomarker) -> str | None:
    """The grain at which ``alteration`` satisfies ``biomarker``, or None if it does not."""
    grain = biomarker.grain
    same_gene = alteration.gene.upper() == biomarker.gene.upper()
    kind = alteration.kind
    if grain in (FUSION_ANY, FUSION_PARTNER):
        return grain if kind == FUSION and _fusion_matches(alteration, biomarker) else None
    if grain == EXON and kind == FUSION and same_gene:
        # RNA callers report MET exon 14 skipping as a MET::MET intragenic event
        skipping = biomarker.exon_change == "skipping"
        return EXON if skipping and (alteration.partner or "").upper() == biomarker.gene else None
    if not same_gene:
        return None
    if grain == AMPLIFICATION_GRAIN:
        return grain if kind == AMPLIFICATION else None
    if grain == DELETION_GRAIN:
        return grain if kind == DELETION else None
    if grain == EXPRESSION_GRAIN:
        # Over-expression needs a stated TPM threshold: without a reference cohort DART cannot
        # call "high" on its own, so an item without one never matches a measured value.
        return grain if kind == EXPRESSION and _expression_high(alteration, biomarker) else None
    if grain == TMB:
        return grain if kind == BIOMARKER and _tmb_high(alteration, biomarker) else None
    if grain == MSI:
        return grain if kind == BIOMARKER and _msi_high(alteration) else None
    if grain == LOSS_OF_FUNCTION:
        if kind == DELETION:
            return grain
        return grain if kind == MUTATION and is_loss_of_function(alteration) else None
    if kind != MUTATION or alteration.oncogenicity in BENIGN:
        return None
    change = normalize_protein_change(alteration.protein_change)
    if grain == PROTEIN_CHANGE:
        return grain if change and change == biomarker.protein_change else None
    if not is_protein_altering(alteration):
        return None
    if grain == CODON:
        return grain if codon_of(change) == biomarker.codon else None
    if grain == EXON:
        return grain if _exon_matches(alteration, change, biomarker) else None
    if grain == GENE_MUTATION:
        if biomarker.requires_oncogenic and alteration.oncogenicity not in ONCOGENIC:
            return None
        return grain
    return None


def is_protein_altering(alteration: Alteration) -> bool:
    """True for a coding change of the protein (missense, in-frame, truncating …);
    False for synonymous, intronic, UTR and unannotated changes."""
    if alteration.consequence:
        return any(term in PROTEIN_ALTERING for term in alteration.consequence)
    change = normalize_protein_change(alteration.protein_change)
    if not change or change.endswith("=") or change in ("?", "0"):
        return False
    if len(change) >= 3 and change[0] == change[-1] and change[1:-1].isdigit():
        return False  # V600V: synonymous written out
    return True


def is_truncating(alteration: Alteration) -> bool:
    """Nonsense, frameshift, canonical splice-site or start-loss change."""
    if any(term in TRUNCATING for term in alteration.consequence):
        return True
    change = normalize_protein_change(alteration.protein_change) or ""
    return "fs" in change or (change.endswith("*") and not change.startswith("*"))


def is_loss_of_function(alteration: Alteration) -> bool:
    """Truncating, or classed (likely) oncogenic; never when classed (likely) benign."""
    if alteration.oncogenicity in BENIGN:
        return False
    return is_truncating(alteration) or alteration.oncogenicity in ONCOGENIC


def _fusion_matches(alteration: Alteration, biomarker: Biomarker) -> bool:
    genes = {alteration.gene.upper(), (alteration.partner or "").upper()}
    if biomarker.grain == FUSION_PARTNER:
        return genes == {biomarker.gene.upper(), (biomarker.partner or "").upper()}
    if alteration.gene.upper() == (alteration.partner or "").upper():
        return False  # intragenic event (exon skipping), not a fusion
    return biomarker.gene.upper() in genes


def _exon_matches(alteration: Alteration, change: str | None, biomarker: Biomarker) -> bool:
    exon = alteration.exon
    if exon is None and change:
        bounds = EXON_CODONS.get((biomarker.gene.upper(), biomarker.exon or -1))
        codon = codon_of(change)
        if bounds and codon is not None and bounds[0] <= codon <= bounds[1]:
            exon = biomarker.exon
    consequence = set(alteration.consequence)
    text = change or ""
    kind = biomarker.exon_change or "mutation"
    if kind == "skipping":
        # splice-site changes flanking the exon often carry no exon number (they are intronic)
        return exon in (biomarker.exon, None) and bool(consequence & SPLICE)
    if exon != biomarker.exon:
        return False
    if kind == "deletion":
        return "del" in text or bool(
            consequence
            & {"inframe_deletion", "disruptive_inframe_deletion", "conservative_inframe_deletion"}
        )
    if kind == "insertion":
        return (
            ("ins" in text and "delins" not in text)
            or "dup" in text
            or bool(
                consequence
                & {
                    "inframe_insertion",
                    "disruptive_inframe_insertion",
                    "conservative_inframe_insertion",
                }
            )
        )
    return True


def _tmb_high(alteration: Alteration, biomarker: Biomarker) -> bool:
    if alteration.gene.upper() != "TMB":
        return False
    if alteration.status:
        return alteration.status.strip().upper() in _TMB_HIGH
    threshold = biomarker.threshold if biomarker.threshold is not None else 10.0
    return alteration.value is not None and alteration.value >= threshold


def _expression_high(alteration: Alteration, biomarker: Biomarker) -> bool:
    if alteration.status == "high":  # stated by the source of the alteration (e.g. IHC 3+)
        return True
    return (
        biomarker.threshold is not None
        and alteration.value is not None
        and alteration.value >= biomarker.threshold
    )


def _msi_high(alteration: Alteration) -> bool:
    if alteration.gene.upper() not in ("MSI", "MMR"):
        return False
    return (alteration.status or "").strip().upper() in _MSI_HIGH


def matches_by_alteration(matches: Sequence[Match]) -> dict[Alteration, list[Match]]:
    """Group matches by the alteration they concern (input order kept)."""
    grouped: dict[Alteration, list[Match]] = {}
    for found in matches:
        grouped.setdefault(found.alteration, []).append(found)
    return grouped
