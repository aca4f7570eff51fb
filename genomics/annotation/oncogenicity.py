"""Oncogenicity of a somatic variant per the ClinGen/CGC/VICC standard (Horak et al. 2022).

Every criterion is reported: met (True), not met (False), or not evaluable offline (None).
Evidence DART holds offline:

* OVS1, OM2: consequence + gene role (``roles.py``, IntOGen/CancerMine).
* OS3, OM3, OP3: Cancer Hotspots sample counts (``hotspots.py``).
* OS2, OM4: a hand-written table of variants whose oncogenic effect functional studies
  established (``established_oncogenic_variants.tsv``, each row with PubMed ids); a variant
  absent from it is "not evaluable", never "not met".
* OM1: residue inside a Pfam domain that IntOGen's smRegions found significantly mutated in at
  least :data:`OM1_MIN_COHORTS` cohorts, a proxy for "critical part of a functional domain";
  outside such a domain the criterion is not evaluable.
* OP4, SBVS1, SBS1: ``population_af`` (highest gnomAD continental allele frequency; 0.0 when
  absent from gnomAD; None when gnomAD was not consulted, leaving them not evaluable).
* SBP2: synonymous outside the splice region (by consequence); no splice predictor offline.

OS1, OP1, OP2, SBS2 and SBP1 need data DART does not hold offline; callers that have it (a
knowledge base, in-silico predictors, the tumour type) pass it in through keyword arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from genomics.annotation.hotspots import HotspotMatch, hotspot_lookup, parse_protein_change
from genomics.annotation.roles import CLINICAL_DATA, read_clinical_table
from genomics.annotation.vocabulary import (
    BOTH,
    CRITERION_CODES,
    ONCOGENE,
    ONCOGENICITY_CRITERIA,
    TUMOR_SUPPRESSOR,
    oncogenicity_class,
)

ESTABLISHED_FILE = CLINICAL_DATA / "established_oncogenic_variants.tsv"
DOMAINS_FILE = CLINICAL_DATA / "gene_domains.tsv"

OP4_MAX_AF = 0.0001  # "absent or extremely low": below 1 in 10,000 alleles
SBS1_MIN_AF = 0.01
SBVS1_MIN_AF = 0.05
OS3_MIN_RESIDUE_SAMPLES = 50
HOTSPOT_MIN_CHANGE_SAMPLES = 10
OM1_MIN_COHORTS = 2
GERMLINE_LIKE_VAF = (0.4, 0.6)

NULL_TERMS = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
        "transcript_ablation",
        "exon_loss_variant",
    }
)
INFRAME_TERMS = frozenset({"inframe_insertion", "inframe_deletion"})
MISSENSE_TERMS = frozenset({"missense_variant"})
SYNONYMOUS_TERMS = frozenset(
    {"synonymous_variant", "stop_retained_variant", "start_retained_variant"}
)
SPLICE_REGION_TERMS = frozenset(
    {
        "splice_region_variant",
        "splice_donor_5th_base_variant",
        "splice_donor_region_variant",
        "splice_polypyrimidine_tract_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
    }
)
_NOT_SILENT = (
    NULL_TERMS | INFRAME_TERMS | MISSENSE_TERMS | {"stop_lost", "protein_altering_variant"}
)


@dataclass(frozen=True)
class Criterion:
    """One criterion as applied to a variant.

    ``met`` is None when the criterion cannot be evaluated offline; ``points`` is what it
    contributes (its weight when met, else 0); ``note`` says why, in a sentence.
    """

    code: str
    met: bool | None
    points: int
    note: str


@dataclass(frozen=True)
class OncogenicityResult:
    """The class, the point total and every criterion in the standard's order."""

    classification: str
    points: int
    criteria: tuple[Criterion, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def met(self) -> tuple[str, ...]:
        """Codes of the criteria that fired."""
        return tuple(c.code for c in self.criteria if c.met)

    @property
    def not_evaluable(self) -> tuple[str, ...]:
        """Codes of the criteria that could not be evaluated."""
        return tuple(c.code for c in self.criteria if c.met is None)

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)


@dataclass(frozen=True)
class EstablishedVariant:
    gene: str
    protein_change: str
    functional_effect: str
    pmids: tuple[str, ...]


@functools.cache
def load_established(path: Path = ESTABLISHED_FILE) -> dict[tuple[str, str], EstablishedVariant]:
    """The hand-curated functionally established oncogenic variants, by (GENE, change)."""
    table: dict[tuple[str, str], EstablishedVariant] = {}
    for row in read_clinical_table(path):
        variant = EstablishedVariant(
            gene=row["gene"],
            protein_change=row["protein_change"],
            functional_effect=row["functional_effect"],
            pmids=tuple(filter(None, row["pmids"].split(";"))),
        )
        table[(row["gene"].upper(), row["protein_change"])] = variant
    return table


@functools.cache
def load_domains(path: Path = DOMAINS_FILE) -> dict[str, tuple[tuple[str, int, int, int], ...]]:
    """IntOGen significant domains by gene: (pfam, start, end, cohorts)."""
    table: dict[str, list[tuple[str, int, int, int]]] = {}
    for row in read_clinical_table(path):
        table.setdefault(row["gene"].upper(), []).append(
            (row["pfam"], int(row["start"]), int(row["end"]), int(row["cohorts"]))
        )
    return {gene: tuple(rows) for gene, rows in table.items()}


def _pmids(variant: EstablishedVariant) -> str:
    return ", ".join(f"PMID {p}" for p in variant.pmids)


def classify_oncogenicity(
    *,
    gene: str | None,
    consequence: Sequence[str],
    protein_change: str | None,
    hotspot: bool,
    gene_role: str | None,
    population_af: float | None = None,
    vaf: float | None = None,
    hotspot_match: HotspotMatch | None = None,
    same_change_established: bool | None = None,
    functional: str | None = None,
    critical_domain: bool | None = None,
    other_change_established: bool | None = None,
    in_silico: str | None = None,
    single_etiology: bool | None = None,
    splice_prediction: str | None = None,
) -> OncogenicityResult:
    """Classify one somatic variant.

    In: the gene symbol, SO consequence terms (most severe first), the 1-letter protein change,
    whether it is a hotspot, the gene role (``roles.gene_role``), and optionally:
    ``population_af`` (highest gnomAD continental AF, 0.0 = absent), ``vaf`` (only used for a
    germline warning), ``hotspot_match`` (counts; looked up when omitted),
    ``same_change_established`` (OS1, e.g. from a knowledge base), ``functional``
    ("oncogenic"/"benign": OS2/SBS2), ``critical_domain`` (OM1), ``other_change_established``
    (OM4), ``in_silico`` ("oncogenic"/"benign"/"conflicting": OP1/SBP1), ``single_etiology``
    (OP2), ``splice_prediction`` ("no_effect"/"affected": SBP2).
    Out: :class:`OncogenicityResult` with all 17 criteria.
    """
    terms = set(consequence)
    parsed = parse_protein_change(protein_change)
    if parsed is not None and parsed.kind == "nonsense":
        terms.add("stop_gained")
    is_null = bool(terms & NULL_TERMS)
    is_missense = bool(terms & MISSENSE_TERMS) or (parsed is not None and parsed.kind == "missense")
    is_inframe = bool(terms & INFRAME_TERMS)
    is_synonymous = bool(terms & SYNONYMOUS_TERMS) and not terms & _NOT_SILENT
    key = ((gene or "").upper(), parsed.text if parsed else "")
    established = load_established().get(key)
    results: dict[str, tuple[bool | None, str]] = {}

    # OVS1 — null variant in a tumour suppressor.
    if not is_null:
        results["OVS1"] = (
            False,
            "Not a null variant (nonsense, frameshift, canonical splice, start loss).",
        )
    elif gene_role in (TUMOR_SUPPRESSOR, BOTH):
        results["OVS1"] = (
            True,
            f"Null variant in {gene}, a tumour suppressor (gene role: {gene_role}).",
        )
    else:
        role_text = gene_role or "not listed"
        results["OVS1"] = (
            False,
            f"Null variant, but {gene or 'the gene'} is not a known "
            f"tumour suppressor (gene role: {role_text}).",
        )

    # OS1 — same amino-acid change as an established oncogenic variant.
    if same_change_established is None:
        results["OS1"] = (
            None,
            "Needs a record of previously classified variants; none was supplied.",
        )
    else:
        results["OS1"] = (same_change_established, "As supplied by the caller.")

    # OS2 / SBS2 — functional studies.
    if functional == "oncogenic":
        results["OS2"] = (True, "Functional evidence of an oncogenic effect was supplied.")
    elif functional == "benign":
        results["OS2"] = (False, "Functional evidence shows no oncogenic effect.")
    elif established is not None:
        results["OS2"] = (
            True,
            f"{gene} {parsed.text if parsed else ''}: "
            f"{established.functional_effect} ({_pmids(established)}).",
        )
    else:
        results["OS2"] = (None, "No functional study for this variant in DART's offline table.")
    if functional == "benign":
        results["SBS2"] = (True, "Functional evidence shows no oncogenic effect.")
    elif functional == "oncogenic" or established is not None:
        results["SBS2"] = (False, "Functional studies show an oncogenic effect.")
    else:
        results["SBS2"] = (None, "No functional study for this variant offline.")

    # OM1 — critical part of a functional domain (IntOGen smRegions proxy).
    position = parsed.start if parsed is not None else None
    if critical_domain is not None:
        results["OM1"] = (critical_domain, "As supplied by the caller.")
    elif not (is_missense or is_inframe):
        results["OM1"] = (False, "Applies to missense and in-frame changes only.")
    else:
        domain = None
        if position is not None:
            for pfam, start, end, cohorts in load_domains().get(key[0], ()):
                if start <= position <= end and cohorts >= OM1_MIN_COHORTS:
                    domain = (pfam, start, end, cohorts)
                    break
        if domain:
            pfam, start, end, cohorts = domain
            results["OM1"] = (
                True,
                f"Residue {position} lies in {pfam} ({start}-{end}), a "
                f"domain significantly mutated in {cohorts} IntOGen "
                "cohorts.",
            )
        else:
            results["OM1"] = (
                None,
                "No curated functional-site data offline; the residue is "
                "not in an IntOGen significantly mutated domain.",
            )

    # OM2 — protein length change in a cancer gene.
    if is_inframe and gene_role in (ONCOGENE, TUMOR_SUPPRESSOR, BOTH):
        results["OM2"] = (True, f"In-frame insertion/deletion in {gene} ({gene_role}).")
    elif "stop_lost" in terms and gene_role in (TUMOR_SUPPRESSOR, BOTH):
        results["OM2"] = (True, f"Stop loss in {gene}, a tumour suppressor.")
    elif is_inframe or "stop_lost" in terms:
        results["OM2"] = (
            False,
            f"Length change, but {gene or 'the gene'} has no qualifying "
            f"role (gene role: {gene_role or 'not listed'}).",
        )
    else:
        results["OM2"] = (False, "No protein length change.")

    # OM4 — another oncogenic missense at the same residue.
    if other_change_established is not None:
        results["OM4"] = (other_change_established, "As supplied by the caller.")
    elif not is_missense or parsed is None or parsed.start is None:
        results["OM4"] = (False, "Applies to missense variants only.")
    elif established is not None:
        # The residue's evidence is the variant's own, already counted under OS2.
        results["OM4"] = (
            False,
            "Not used: the variant's own functional evidence counts under OS2.",
        )
    else:
        others = [
            v
            for (g, change), v in load_established().items()
            if g == key[0]
            and change != parsed.text
            and (p := parse_protein_change(change)) is not None
            and p.kind == "missense"
            and p.start == parsed.start
            and p.ref == parsed.ref
        ]
        if others:
            names = ", ".join(f"{o.protein_change} ({_pmids(o)})" for o in others)
            results["OM4"] = (
                True,
                f"Established oncogenic missense at residue {parsed.start}: {names}.",
            )
        else:
            results["OM4"] = (
                None,
                "No other established oncogenic missense at this residue in DART's offline table.",
            )

    # OS3 / OM3 / OP3 — Cancer Hotspots counts.
    match = hotspot_match
    if match is None and hotspot:
        match = hotspot_lookup(gene, protein_change, consequence=consequence)
    if match is None:
        if hotspot:
            note = "Flagged as a hotspot, but its Cancer Hotspots counts are unknown."
            for code in ("OS3", "OM3", "OP3"):
                results[code] = (None, note)
        else:
            for code in ("OS3", "OM3", "OP3"):
                results[code] = (False, "Not at a Cancer Hotspots hotspot.")
    elif match.change_count is None:
        note = (
            f"At a hotspot ({match.residue_count} samples at the residue), but the change "
            "itself is not given, so its count is unknown."
        )
        for code in ("OS3", "OM3", "OP3"):
            results[code] = (None, note)
    else:
        residues, change = match.residue_count, match.change_count
        counts = (
            f"{residues} samples at the {match.type.replace('_', ' ')} hotspot, "
            f"{change} with this change (Cancer Hotspots)."
        )
        frequent = change >= HOTSPOT_MIN_CHANGE_SAMPLES
        os3 = frequent and residues >= OS3_MIN_RESIDUE_SAMPLES
        results["OS3"] = (os3, counts)
        om3 = frequent and residues < OS3_MIN_RESIDUE_SAMPLES
        op3 = not frequent
        blocked = results["OM1"][0] is True or results["OM4"][0] is True
        results["OM3"] = (
            om3 and not blocked,
            counts + (" Not used: OM1 or OM4 applies." if om3 and blocked else ""),
        )
        results["OP3"] = (
            op3 and not blocked,
            counts + (" Not used: OM1 or OM4 applies." if op3 and blocked else ""),
        )
        if os3 and same_change_established:
            results["OS3"] = (False, counts + " Not used: OS1 applies.")

    # OP1 / SBP1 — computational evidence.
    if in_silico is None:
        results["OP1"] = (None, "No in-silico predictors offline.")
        results["SBP1"] = (None, "No in-silico predictors offline.")
    else:
        results["OP1"] = (in_silico == "oncogenic", f"In-silico evidence: {in_silico}.")
        results["SBP1"] = (in_silico == "benign", f"In-silico evidence: {in_silico}.")

    # OP2 — malignancy with a single genetic etiology.
    if single_etiology is None:
        results["OP2"] = (None, "Needs the tumour type and its genetic etiology.")
    else:
        results["OP2"] = (single_etiology, "As supplied by the caller.")

    # OP4 / SBS1 / SBVS1 — population frequency.
    if population_af is None:
        for code in ("OP4", "SBS1", "SBVS1"):
            results[code] = (None, "No population allele frequency (gnomAD) was available.")
    else:
        af = f"Highest gnomAD continental allele frequency {population_af:g}."
        results["OP4"] = (population_af < OP4_MAX_AF, af)
        very_common = population_af > SBVS1_MIN_AF
        results["SBVS1"] = (very_common, af)
        common = population_af > SBS1_MIN_AF and not very_common
        results["SBS1"] = (common, af + (" Not used: SBVS1 applies." if very_common else ""))

    # SBP2 — synonymous without a splice effect.
    if not is_synonymous:
        results["SBP2"] = (False, "Not a synonymous variant.")
    elif terms & SPLICE_REGION_TERMS or splice_prediction == "affected":
        results["SBP2"] = (
            False,
            "Synonymous, but in the splice region or predicted to affect splicing.",
        )
    elif splice_prediction == "no_effect":
        results["SBP2"] = (True, "Synonymous; splicing predicted unaffected.")
    else:
        results["SBP2"] = (
            True,
            "Synonymous and outside the splice region (by consequence); "
            "no splice predictor or conservation score was run offline.",
        )

    criteria = tuple(
        Criterion(
            code=code,
            met=results[code][0],
            points=ONCOGENICITY_CRITERIA[code].points if results[code][0] else 0,
            note=results[code][1],
        )
        for code in CRITERION_CODES
    )
    points = sum(c.points for c in criteria)
    warnings: list[str] = []
    if (
        vaf is not None
        and GERMLINE_LIKE_VAF[0] <= vaf <= GERMLINE_LIKE_VAF[1]
        and (population_af is not None and population_af > 0)
    ):
        warnings.append(
            f"VAF {vaf:.2f} and presence in gnomAD suggest a germline variant; "
            "the standard classifies somatic variants."
        )
    elif vaf is not None and vaf >= 0.95:
        warnings.append(f"VAF {vaf:.2f}: homozygous or germline origin should be excluded.")
    return OncogenicityResult(
        classification=oncogenicity_class(points),
        points=points,
        criteria=criteria,
        warnings=tuple(warnings),
    )
