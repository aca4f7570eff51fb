"""Actionability vocabularies in one place: ESCAT, AMP/ASCO/CAP, NCT m-levels, evidence types.

Plain constants with a label and a description, used by the knowledge base, the ranking policy,
templates and reports alike. No Django imports.

Sources: ESCAT (Mateo et al., Ann Oncol 2018, PMID:30137196); AMP/ASCO/CAP somatic variant
guideline (Li et al., J Mol Diagn 2017, PMID:27993330); NCT/DKTK MASTER evidence levels
(Horak et al., Cancer Discov 2021, PMID:34112699).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    """One value of an actionability scale: ``code`` is what is stored and exported."""

    code: str
    label: str
    description: str


def _index(*tiers: Tier) -> dict[str, Tier]:
    return {tier.code: tier for tier in tiers}


# --- ESCAT (ESMO Scale for Clinical Actionability of molecular Targets) -------------------------
ESCAT = _index(
    Tier(
        "I-A",
        "I-A: ready for routine use",
        "Prospective randomised trials show the alteration-drug "
        "match improves outcome in this tumour type.",
    ),
    Tier(
        "I-B",
        "I-B: ready for routine use",
        "Prospective non-randomised trials show clinical benefit of the match in this tumour type.",
    ),
    Tier(
        "I-C",
        "I-C: ready for routine use (tumour-agnostic)",
        "Clinical trials across tumour "
        "types (basket trials) show benefit; approved or recommended tumour-agnostically.",
    ),
    Tier(
        "II-A",
        "II-A: investigational",
        "Retrospective studies in this tumour type show "
        "patients with the alteration benefit more than those without.",
    ),
    Tier(
        "II-B",
        "II-B: investigational",
        "Prospective trials show antitumour activity in this "
        "tumour type, but survival benefit is not yet shown.",
    ),
    Tier(
        "III-A",
        "III-A: hypothetical target (other tumour type)",
        "Clinical benefit shown in another tumour type, or for a similar alteration.",
    ),
    Tier(
        "III-B",
        "III-B: hypothetical target (similar alteration)",
        "Clinical benefit shown for a similar alteration of the same gene, not this one.",
    ),
    Tier("IV-A", "IV-A: preclinical evidence", "Preclinical evidence of actionability only."),
    Tier("IV-B", "IV-B: in-silico evidence", "Evidence from in-silico or co-occurrence data only."),
    Tier("V", "V: co-targeting", "Evidence supports co-targeting approaches only."),
    Tier("X", "X: lack of evidence", "No evidence that the alteration is actionable."),
)
ESCAT_ORDER = tuple(ESCAT)  # strongest first

# --- AMP/ASCO/CAP --------------------------------------------------------------------------------
AMP_TIERS = _index(
    Tier("I", "Tier I: strong clinical significance", "Level A or B evidence."),
    Tier("II", "Tier II: potential clinical significance", "Level C or D evidence."),
    Tier("III", "Tier III: unknown clinical significance", "No convincing published evidence."),
    Tier("IV", "Tier IV: benign or likely benign", "Observed at high frequency in the population."),
)
AMP_LEVELS = _index(
    Tier("A", "Level A", "FDA-approved therapy or professional guideline for this tumour type."),
    Tier("B", "Level B", "Well-powered studies with expert consensus for this tumour type."),
    Tier(
        "C",
        "Level C",
        "FDA-approved therapy for another tumour type, investigational therapy "
        "or multiple small published studies with some consensus.",
    ),
    Tier("D", "Level D", "Preclinical trials or a few case reports without consensus."),
)
AMP_LEVEL_ORDER = tuple(AMP_LEVELS)  # "A" strongest


def amp_tier_for_level(level: str) -> str:
    """AMP tier of a therapeutic evidence level: A/B → ``"I"``, C/D → ``"II"``."""
    if level not in AMP_LEVELS:
        raise ValueError(f"unknown AMP/ASCO/CAP level {level!r}")
    return "I" if level in ("A", "B") else "II"


# --- NCT/DKTK MASTER m-levels --------------------------------------------------------------------
NCT_LEVELS = _index(
    Tier(
        "m1A",
        "m1A",
        "Same tumour entity: predictive value shown in a prospective or "
        "retrospective study, or approval.",
    ),
    Tier("m1B", "m1B", "Same tumour entity: retrospective cohort or case-control evidence."),
    Tier("m1C", "m1C", "Same tumour entity: case reports."),
    Tier("m2A", "m2A", "Other tumour entity: prospective evidence or approval."),
    Tier("m2B", "m2B", "Other tumour entity: retrospective evidence."),
    Tier("m2C", "m2C", "Other tumour entity: case reports."),
    Tier("m3", "m3", "Preclinical evidence on the molecular alteration."),
    Tier("m4", "m4", "Biological rationale only."),
)

# --- Evidence types (what kind of source backs an evidence item), strongest first ----------------
APPROVAL = "approval"
GUIDELINE = "guideline"
CLINICAL_TRIAL = "clinical_trial"
CLINICAL_STUDY = "clinical_study"
CASE_REPORT = "case_report"
PRECLINICAL = "preclinical"
EVIDENCE_TYPES = _index(
    Tier(APPROVAL, "Regulatory approval", "FDA or EMA approval (drug label)."),
    Tier(GUIDELINE, "Guideline", "ESMO, NCCN or equivalent professional guideline."),
    Tier(CLINICAL_TRIAL, "Clinical trial", "Published prospective clinical trial."),
    Tier(CLINICAL_STUDY, "Clinical study", "Retrospective or observational clinical study."),
    Tier(CASE_REPORT, "Case report", "Single patients or small case series."),
    Tier(PRECLINICAL, "Preclinical", "Cell lines, animal models or in-vitro work."),
)
EVIDENCE_TYPE_ORDER = tuple(EVIDENCE_TYPES)

# --- Direction of an evidence item ---------------------------------------------------------------
SENSITIVITY = "sensitivity"
RESISTANCE = "resistance"
DIRECTIONS = (SENSITIVITY, RESISTANCE)

#: Default ESCAT tier of an evidence item in its own tumour type, by evidence type.
ESCAT_FOR_EVIDENCE_TYPE = {
    APPROVAL: "I-A",
    GUIDELINE: "I-A",
    CLINICAL_TRIAL: "II-B",
    CLINICAL_STUDY: "II-A",
    CASE_REPORT: "II-B",
    PRECLINICAL: "IV-A",
}
#: Default AMP/ASCO/CAP level of an evidence item in its own tumour type, by evidence type.
AMP_LEVEL_FOR_EVIDENCE_TYPE = {
    APPROVAL: "A",
    GUIDELINE: "A",
    CLINICAL_TRIAL: "B",
    CLINICAL_STUDY: "C",
    CASE_REPORT: "D",
    PRECLINICAL: "D",
}
