"""Words of clinical meaning, in one place: oncogenicity classes and criteria, gene roles,
biomarker statuses. Code, templates and reports read labels and descriptions from here.

Oncogenicity follows the ClinGen/CGC/VICC standard: Horak P et al., "Standards for the
classification of pathogenicity of somatic variants in cancer (oncogenicity)", Genet Med
2022;24(5):986-998, doi:10.1016/j.gim.2022.01.001 (PMID 35101336), Table 2 for the criteria and
points, Table 3 for the point thresholds. Codes follow the published Table 2 (OM3 = hotspot with
fewer than 50 samples at the residue, OM4 = another oncogenic missense at the same residue).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One entry of a controlled vocabulary."""

    code: str
    label: str
    description: str


@dataclass(frozen=True)
class CriterionTerm:
    """One oncogenicity criterion: its code, weight (points when met) and wording."""

    code: str
    points: int
    strength: str  # "very strong", "strong", "moderate", "supporting"
    direction: str  # "oncogenic" or "benign"
    label: str
    description: str


# --- Oncogenicity classes -----------------------------------------------------------------

ONCOGENIC = "oncogenic"
LIKELY_ONCOGENIC = "likely_oncogenic"
VUS = "vus"
LIKELY_BENIGN = "likely_benign"
BENIGN = "benign"

ONCOGENICITY_CLASSES: dict[str, Term] = {
    t.code: t
    for t in (
        Term(ONCOGENIC, "Oncogenic", "10 points or more under the ClinGen/CGC/VICC standard."),
        Term(LIKELY_ONCOGENIC, "Likely oncogenic", "6 to 9 points."),
        Term(VUS, "Uncertain significance", "0 to 5 points: the evidence does not decide."),
        Term(LIKELY_BENIGN, "Likely benign", "-1 to -6 points."),
        Term(BENIGN, "Benign", "-7 points or fewer."),
    )
}


def oncogenicity_class(points: int) -> str:
    """The class for a point total (Horak et al. 2022, Table 3)."""
    if points >= 10:
        return ONCOGENIC
    if points >= 6:
        return LIKELY_ONCOGENIC
    if points >= 0:
        return VUS
    if points >= -6:
        return LIKELY_BENIGN
    return BENIGN


# --- Oncogenicity criteria (Horak et al. 2022, Table 2) -------------------------------------

_O, _B = "oncogenic", "benign"
ONCOGENICITY_CRITERIA: dict[str, CriterionTerm] = {
    t.code: t
    for t in (
        CriterionTerm(
            "OVS1",
            8,
            "very strong",
            _O,
            "Null variant in a tumour suppressor",
            "Null variant (nonsense, frameshift, canonical +/-1 or 2 splice site, initiation "
            "codon, single- or multi-exon deletion) in a bona fide tumour suppressor gene.",
        ),
        CriterionTerm(
            "OS1",
            4,
            "strong",
            _O,
            "Same amino-acid change as an established oncogenic variant",
            "Same amino acid change as a previously established oncogenic variant, regardless "
            "of the nucleotide change.",
        ),
        CriterionTerm(
            "OS2",
            4,
            "strong",
            _O,
            "Functional studies show an oncogenic effect",
            "Well-established in vitro or in vivo functional studies supportive of an "
            "oncogenic effect of the variant.",
        ),
        CriterionTerm(
            "OS3",
            4,
            "strong",
            _O,
            "Hotspot: >=50 samples at the residue, >=10 with the change",
            "Located in a cancerhotspots.org hotspot with at least 50 samples with a somatic "
            "variant at the same amino acid position, and the same amino acid change in at "
            "least 10 samples.",
        ),
        CriterionTerm(
            "OM1",
            2,
            "moderate",
            _O,
            "Critical part of a functional domain",
            "Located in a critical and well-established part of a functional domain (e.g. the "
            "active site of an enzyme).",
        ),
        CriterionTerm(
            "OM2",
            2,
            "moderate",
            _O,
            "Protein length change in a cancer gene",
            "Protein length changes from in-frame deletions/insertions in a known oncogene or "
            "tumour suppressor, or stop-loss variants in a known tumour suppressor.",
        ),
        CriterionTerm(
            "OM3",
            2,
            "moderate",
            _O,
            "Hotspot: <50 samples at the residue, >=10 with the change",
            "Located in a cancerhotspots.org hotspot with fewer than 50 samples with a somatic "
            "variant at the same amino acid position, and the same amino acid change in at "
            "least 10 samples. Not used when OM1 or OM4 applies.",
        ),
        CriterionTerm(
            "OM4",
            2,
            "moderate",
            _O,
            "Another oncogenic missense at the same residue",
            "Missense variant at an amino acid residue where a different missense variant "
            "determined to be oncogenic has been documented.",
        ),
        CriterionTerm(
            "OP1",
            1,
            "supporting",
            _O,
            "Computational evidence supports an oncogenic effect",
            "All used lines of computational evidence support an oncogenic effect "
            "(conservation, evolutionary, splicing impact ...).",
        ),
        CriterionTerm(
            "OP2",
            1,
            "supporting",
            _O,
            "Gene of a malignancy with a single genetic etiology",
            "Somatic variant in a gene in a malignancy with a single genetic etiology (e.g. RB1 "
            "in retinoblastoma).",
        ),
        CriterionTerm(
            "OP3",
            1,
            "supporting",
            _O,
            "Hotspot: the change seen in fewer than 10 samples",
            "Located in a cancerhotspots.org hotspot and the particular amino acid change is "
            "seen in fewer than 10 samples. Not used when OM1 or OM4 applies.",
        ),
        CriterionTerm(
            "OP4",
            1,
            "supporting",
            _O,
            "Absent from population databases",
            "Absent from controls (or at an extremely low frequency) in gnomAD.",
        ),
        CriterionTerm(
            "SBVS1",
            -8,
            "very strong",
            _B,
            "Allele frequency above 5% in gnomAD",
            "Minor allele frequency above 5% in gnomAD in any of the five general continental "
            "populations.",
        ),
        CriterionTerm(
            "SBS1",
            -4,
            "strong",
            _B,
            "Allele frequency above 1% in gnomAD",
            "Minor allele frequency above 1% in gnomAD in any of the five general continental "
            "populations (not used when SBVS1 applies).",
        ),
        CriterionTerm(
            "SBS2",
            -4,
            "strong",
            _B,
            "Functional studies show no oncogenic effect",
            "Well-established in vitro or in vivo functional studies show no oncogenic effect.",
        ),
        CriterionTerm(
            "SBP1",
            -1,
            "supporting",
            _B,
            "Computational evidence suggests no effect",
            "All used lines of computational evidence suggest no effect on the gene or gene "
            "product.",
        ),
        CriterionTerm(
            "SBP2",
            -1,
            "supporting",
            _B,
            "Synonymous change with no predicted splice effect",
            "A synonymous (silent) variant for which splicing prediction predicts no effect on "
            "the splice consensus nor the creation of a new splice site, and the nucleotide is "
            "not highly conserved.",
        ),
    )
}

CRITERION_CODES: tuple[str, ...] = tuple(ONCOGENICITY_CRITERIA)

# --- Gene roles ----------------------------------------------------------------------------

ONCOGENE = "oncogene"
TUMOR_SUPPRESSOR = "tumor_suppressor"
BOTH = "both"

GENE_ROLES: dict[str, Term] = {
    t.code: t
    for t in (
        Term(ONCOGENE, "Oncogene", "Acts in cancer through activating (gain-of-function) change."),
        Term(
            TUMOR_SUPPRESSOR,
            "Tumour suppressor",
            "Acts in cancer through loss of function (truncation, deletion, inactivation).",
        ),
        Term(BOTH, "Oncogene and tumour suppressor", "Role depends on the tissue and the change."),
    )
}

# --- Biomarker statuses --------------------------------------------------------------------

TMB_HIGH = "high"
TMB_INTERMEDIATE = "intermediate"
TMB_LOW = "low"
MSI_HIGH = "MSI-H"
MSS = "MSS"
NOT_EVALUABLE = "not_evaluable"
INDETERMINATE = "indeterminate"

BIOMARKER_STATUSES: dict[str, Term] = {
    t.code: t
    for t in (
        Term(TMB_HIGH, "TMB-high", "At least 10 mutations per megabase."),
        Term(TMB_INTERMEDIATE, "TMB-intermediate", "6 to under 10 mutations per megabase."),
        Term(TMB_LOW, "TMB-low", "Under 6 mutations per megabase."),
        Term(MSI_HIGH, "MSI-high", "Microsatellite instability: many indels in repeats."),
        Term(MSS, "Microsatellite stable", "Few indels in repeats."),
        Term(NOT_EVALUABLE, "Not evaluable", "The data cannot tell; see the stated limits."),
        Term(
            INDETERMINATE,
            "MSI indeterminate",
            "Enough repeat indels per Mb for MSI-H, but too few of all indels lie in repeats: "
            "confirm with an MSI assay (PCR, immunohistochemistry or a read-based caller).",
        ),
    )
}
