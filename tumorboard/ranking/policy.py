"""The ranking policy: matched evidence in, ordered therapy options and resistance out.

Plain Python, no Django. :func:`rank` takes the case's alterations, the knowledge-base evidence
and the case's OncoTree code, and returns a :class:`RankingResult` whose recommendations and
resistance entries carry exactly the fields of the ``analyze`` JSON contract (plus ``rule``).

The policy, rule by rule (names in :data:`RULES`):

* every evidence item that matches an alteration is grouped by therapy (its sorted drugs), so
  one therapy supported by several items or sources is one recommendation;
* resistance evidence for the case's tumour type is listed under ``resistance``; it removes a
  sensitivity option for the same drugs when at least as strong, and otherwise demotes it. A
  combination that merely contains a resisted drug survives only if its own evidence was
  gathered in carriers of the resistance alteration (KRAS G12C colorectal: adagrasib +
  cetuximab stays although RAS mutations argue against cetuximab alone);
* the score puts on-label evidence (same OncoTree type, an ancestor, or tumour-agnostic) above
  evidence for a subtype, and both above off-label evidence; within that, ESCAT tier, evidence
  type (approval > guideline > clinical trial > clinical study > case report > preclinical),
  AMP level, biomarker grain and corroboration decide; ties go to the therapy name;
* imaging predictions only scale an existing option's score by at most ±10 %;
* no match, no recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from genomics.alterations import Alteration
from genomics.kb import schema
from genomics.kb.matching import (
    ON_LABEL,
    TUMOR_ANCESTOR,
    TUMOR_ANY,
    TUMOR_EXACT,
    TUMOR_NARROWER,
    TUMOR_OFF_LABEL,
    TUMOR_UNSPECIFIED,
    Match,
    match,
)
from genomics.kb.oncotree import OncoTree
from genomics.kb.schema import GERMLINE_ORIGIN, EvidenceItem, therapy_display_name
from tumorboard.ranking import tiers

# --- Named rules ----------------------------------------------------------------------------------
RULE_ON_LABEL_APPROVAL = "on_label_approval"
RULE_ON_LABEL_GUIDELINE = "on_label_guideline"
RULE_ON_LABEL_CLINICAL = "on_label_clinical_evidence"
RULE_ON_LABEL_PRECLINICAL = "on_label_preclinical"
RULE_TUMOR_AGNOSTIC = "tumor_agnostic"
RULE_SUBTYPE = "evidence_in_subtype"
RULE_OFF_LABEL = "off_label"
RULE_GERMLINE_UNCONFIRMED = "germline_evidence_somatic_variant"
RULE_NO_TUMOR_TYPE = "tumor_type_unspecified"
RULE_SAME_THERAPY_MERGED = "same_therapy_merged"
RULE_RESISTANCE_LISTED = "resistance_listed"
RULE_RESISTANCE_REMOVES = "resistance_removes_option"
RULE_RESISTANCE_DEMOTES = "resistance_demotes_option"
RULE_IMAGING = "imaging_modifier"
RULE_NOTHING_ACTIONABLE = "nothing_actionable"
RULES: dict[str, str] = {
    RULE_ON_LABEL_APPROVAL: "Regulatory approval for this tumour type.",
    RULE_ON_LABEL_GUIDELINE: "Professional guideline for this tumour type.",
    RULE_ON_LABEL_CLINICAL: "Clinical evidence (trial, study or case report) in this tumour type.",
    RULE_ON_LABEL_PRECLINICAL: "Preclinical evidence in this tumour type only.",
    RULE_TUMOR_AGNOSTIC: "Tumour-agnostic approval or guideline covering this tumour type.",
    RULE_SUBTYPE: "Evidence for a subtype of the case's tumour type.",
    RULE_OFF_LABEL: "Evidence in another tumour type only (off-label).",
    RULE_GERMLINE_UNCONFIRMED: "Evidence for germline variants, matched by a variant of "
    "somatic or unknown origin: counted as a similar alteration (level C, ESCAT III-A).",
    RULE_NO_TUMOR_TYPE: "The case has no tumour type, so evidence cannot be on-label.",
    RULE_SAME_THERAPY_MERGED: "Several evidence items for one therapy make one option.",
    RULE_RESISTANCE_LISTED: "Resistance evidence in this tumour type is listed.",
    RULE_RESISTANCE_REMOVES: "Resistance at least as strong as the sensitivity evidence removes "
    "the option.",
    RULE_RESISTANCE_DEMOTES: "Weaker resistance evidence demotes the option.",
    RULE_IMAGING: "An imaging prediction scaled the score by at most ±10 %.",
    RULE_NOTHING_ACTIONABLE: "No evidence matched: no recommendation is made.",
}

IMAGING_MAX_FRACTION = 0.10
RESISTANCE_DEMOTION = 50.0
PREFERRED_BONUS = 1.5  # a guideline's preferred option goes first among equals

_GROUP_POINTS = {  # tumour relation decides the band; 100 apart so nothing else crosses it
    TUMOR_EXACT: 200.0,
    TUMOR_ANCESTOR: 200.0,
    TUMOR_ANY: 200.0,
    TUMOR_NARROWER: 100.0,
    TUMOR_OFF_LABEL: 0.0,
    TUMOR_UNSPECIFIED: 0.0,
}
_TUMOR_PREFERENCE = {  # within a band: exact before ancestor before tumour-agnostic
    TUMOR_EXACT: 0,
    TUMOR_ANCESTOR: 1,
    TUMOR_ANY: 2,
    TUMOR_NARROWER: 3,
    TUMOR_OFF_LABEL: 4,
    TUMOR_UNSPECIFIED: 4,
}
_ESCAT_POINTS = {
    code: 2.0 * (len(tiers.ESCAT_ORDER) - 1 - i) for i, code in enumerate(tiers.ESCAT_ORDER)
}  # I-A 20 … X 0
_TYPE_POINTS = {
    code: 2.0 * (len(tiers.EVIDENCE_TYPE_ORDER) - 1 - i)
    for i, code in enumerate(tiers.EVIDENCE_TYPE_ORDER)
}  # approval 10 … preclinical 0
_LEVEL_POINTS = {"A": 6.0, "B": 4.0, "C": 2.0, "D": 0.0}
_GRAIN_ORDER = {
    schema.PROTEIN_CHANGE: 0,
    schema.FUSION_PARTNER: 0,
    schema.EXON: 1,
    schema.CODON: 1,
    schema.FUSION_ANY: 1,
    schema.AMPLIFICATION_GRAIN: 1,
    schema.DELETION_GRAIN: 1,
    schema.TMB: 1,
    schema.MSI: 1,
    schema.EXPRESSION_GRAIN: 2,
    schema.GENE_MUTATION: 2,
    schema.LOSS_OF_FUNCTION: 2,
}
_GRAIN_PHRASE = {
    schema.PROTEIN_CHANGE: "exact protein change",
    schema.CODON: "codon",
    schema.EXON: "exon",
    schema.GENE_MUTATION: "gene-level (oncogenic mutation)",
    schema.LOSS_OF_FUNCTION: "gene-level (loss of function)",
    schema.FUSION_PARTNER: "fusion with partner",
    schema.FUSION_ANY: "fusion (any partner)",
    schema.AMPLIFICATION_GRAIN: "amplification",
    schema.DELETION_GRAIN: "deletion",
    schema.EXPRESSION_GRAIN: "expression",
    schema.TMB: "TMB",
    schema.MSI: "MSI",
}
_TUMOR_PHRASE = {
    TUMOR_EXACT: "in this tumour type",
    TUMOR_ANCESTOR: "in a tumour type that contains this one",
    TUMOR_ANY: "tumour-agnostic",
    TUMOR_NARROWER: "in a subtype of this tumour type",
    TUMOR_OFF_LABEL: "in another tumour type (off-label)",
    TUMOR_UNSPECIFIED: "with the case's tumour type unknown",
}


@dataclass(frozen=True)
class ImagingSignal:
    """An imaging model's prediction for a therapy: ``effect`` in [-1, 1] (benefit > 0).

    ``drugs`` empty means the signal applies to every option. It can only scale the score of
    an option that evidence already supports, by at most ±10 %.
    """

    effect: float
    drugs: tuple[str, ...] = ()
    model: str = "imaging model"
    version: str = ""


@dataclass
class Recommendation:
    """One therapy option: the ``recommendations[]`` item of the analyze contract, plus ``rule``."""

    rank: int
    therapy: str
    drugs: list[str]
    escat: str
    amp_tier: str
    amp_level: str
    score: float
    biomarkers: list[str]
    variant_ids: list[str]
    evidence: list[dict[str, str]]
    rationale: str
    rule: str

    def as_dict(self, *, with_rule: bool = False) -> dict[str, Any]:
        """The contract's JSON object (``rule`` only when asked)."""
        data = asdict(self)
        if not with_rule:
            data.pop("rule")
        return data


@dataclass
class Resistance:
    """One therapy the evidence argues against: the ``resistance[]`` item, plus ``rule``."""

    therapy: str
    drugs: list[str]
    biomarkers: list[str]
    variant_ids: list[str]
    evidence: list[dict[str, str]]
    rationale: str
    amp_tier: str
    amp_level: str
    escat: None = None
    rule: str = RULE_RESISTANCE_LISTED

    def as_dict(self, *, with_rule: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_rule:
            data.pop("rule")
        return data


@dataclass
class RankingResult:
    """``recommendations`` sorted by rank, ``resistance``, and the names of the rules applied."""

    recommendations: list[Recommendation] = field(default_factory=list)
    resistance: list[Resistance] = field(default_factory=list)
    rules_applied: list[str] = field(default_factory=list)


@dataclass
class _Option:
    drugs: tuple[str, ...]
    matches: list[Match]
    score: float = 0.0
    notes: list[str] = field(default_factory=list)
    removed: bool = False


def rank(
    *,
    alterations: Iterable[Alteration],
    evidence: Iterable[EvidenceItem],
    tumor_type: str | None,
    oncotree: OncoTree | None = None,
    imaging: Sequence[ImagingSignal] | None = None,
    imaging_enabled: bool = True,
) -> RankingResult:
    """Rank therapy options for one case.

    In: the case's alterations, the evidence items of the enabled knowledge bases, its OncoTree
    code (or None), optionally the OncoTree (bundled release by default) and imaging signals.
    Out: a :class:`RankingResult`; empty recommendations when nothing is actionable.
    """
    rules: list[str] = []

    def applied(rule: str) -> None:
        if rule not in rules:
            rules.append(rule)

    found = match(list(alterations), list(evidence), tumor_type=tumor_type, oncotree=oncotree)
    sensitivity: dict[tuple[str, ...], _Option] = {}
    against: dict[tuple[str, ...], list[Match]] = {}
    for m in found:
        key = m.evidence.therapy_key
        if m.evidence.direction == tiers.SENSITIVITY:
            sensitivity.setdefault(key, _Option(drugs=_display_drugs(m, key), matches=[]))
            sensitivity[key].matches.append(m)
        elif m.tumor_match != TUMOR_OFF_LABEL:
            against.setdefault(key, []).append(m)

    resistance = [_resistance_entry(key, ms) for key, ms in sorted(against.items())]
    if resistance:
        applied(RULE_RESISTANCE_LISTED)
    for option in sensitivity.values():
        option.score = _option_score(option.matches)
        if len({(m.evidence.source.name, m.evidence.source_id) for m in option.matches}) > 1:
            applied(RULE_SAME_THERAPY_MERGED)
        _apply_resistance(option, against, applied)

    kept = [o for o in sensitivity.values() if not o.removed]
    if imaging_enabled and imaging:
        for option in kept:
            _apply_imaging(option, imaging, applied)

    kept.sort(key=_sort_key)
    recommendations = []
    for position, option in enumerate(kept, start=1):
        recommendation = _recommendation(position, option)
        applied(recommendation.rule)
        recommendations.append(recommendation)
    if not recommendations:
        applied(RULE_NOTHING_ACTIONABLE)
    return RankingResult(
        recommendations=recommendations, resistance=resistance, rules_applied=rules
    )


# --- per-match judgements
def germline_unconfirmed(m: Match) -> bool:
    """Evidence for germline variants only, matched by a variant not known to be germline."""
    return GERMLINE_ORIGIN in m.evidence.requires and m.alteration.origin != "germline"


def effective_level(m: Match) -> str:
    """AMP/ASCO/CAP level of a match for this case: off-label A/B → C, C/D → D; evidence for
    germline variants matched by a somatic one counts as a similar alteration (A/B → C)."""
    level = m.evidence.level
    if germline_unconfirmed(m):
        return "C" if level in ("A", "B") else "D"
    if m.tumor_match in ON_LABEL or m.tumor_match == TUMOR_NARROWER:
        return level
    return "C" if level in ("A", "B") else "D"


def effective_escat(m: Match) -> str:
    """ESCAT tier of a match for this case (tumour-agnostic → I-C, off-label → III-A; germline
    evidence matched by a somatic variant → III-A, a similar molecular alteration)."""
    escat = m.evidence.escat
    if germline_unconfirmed(m) and escat in ("I-A", "I-B", "I-C", "II-A", "II-B"):
        return "III-A"
    if m.tumor_match == TUMOR_ANY and escat in ("I-A", "I-B"):
        return "I-C"
    if m.tumor_match in ON_LABEL or m.tumor_match == TUMOR_NARROWER:
        return escat
    return escat if escat in ("IV-A", "IV-B", "V", "X") else "III-A"


def match_score(m: Match) -> float:
    """Score of one match; the tumour band (on-label, subtype, off-label) dominates."""
    return (
        _GROUP_POINTS[m.tumor_match]
        + 2.0 * _ESCAT_POINTS[effective_escat(m)]
        + _TYPE_POINTS[m.evidence.evidence_type]
        + _LEVEL_POINTS[effective_level(m)]
        + (2 - _GRAIN_ORDER.get(m.grain, 2))
        + (PREFERRED_BONUS if m.evidence.preferred and m.tumor_match in ON_LABEL else 0.0)
    )


def _best(matches: Sequence[Match]) -> Match:
    return min(matches, key=_match_key)


def _match_key(m: Match) -> tuple[Any, ...]:
    return (
        -match_score(m),
        _TUMOR_PREFERENCE[m.tumor_match],
        tiers.EVIDENCE_TYPE_ORDER.index(m.evidence.evidence_type),
        _GRAIN_ORDER.get(m.grain, 2),
        m.evidence.source.name,
        m.evidence.source_id,
    )


def _option_score(matches: Sequence[Match]) -> float:
    best = match_score(_best(matches))
    others = {m.evidence.source.name for m in matches} - {_best(matches).evidence.source.name}
    return best + min(len(others), 2) * 0.5  # corroboration by other knowledge bases


def _sort_key(option: _Option) -> tuple[Any, ...]:
    best = _best(option.matches)
    return (
        -round(option.score, 6),
        _TUMOR_PREFERENCE[best.tumor_match],
        tiers.ESCAT_ORDER.index(effective_escat(best)),
        tiers.EVIDENCE_TYPE_ORDER.index(best.evidence.evidence_type),
        _GRAIN_ORDER.get(best.grain, 2),
        -len({(m.evidence.source.name, m.evidence.source_id) for m in option.matches}),
        therapy_display_name(option.drugs).lower(),
    )


# --- resistance
def _apply_resistance(
    option: _Option, against: dict[tuple[str, ...], list[Match]], applied: Any
) -> None:
    own = set(option.drugs)
    best = _best(option.matches)
    sens_level = tiers.AMP_LEVEL_ORDER.index(effective_level(best))
    for key, res_matches in sorted(against.items()):
        if not set(key) <= own:
            continue
        deciding = [m for m in res_matches if m.tumor_match != TUMOR_UNSPECIFIED]
        if not deciding:
            continue
        strongest = _best(deciding)
        if set(key) != own:
            carriers = {m.alteration for m in deciding}
            if any(m.alteration in carriers for m in option.matches):
                continue  # the combination was studied in carriers of the resistance alteration
        res_level = tiers.AMP_LEVEL_ORDER.index(effective_level(strongest))
        what = (
            f"{strongest.alteration.label} argues against {therapy_display_name(key)} "
            f"({strongest.evidence.source.label} {strongest.evidence.source_id}, "
            f"level {effective_level(strongest)})"
        )
        if res_level <= sens_level:
            option.removed = True
            applied(RULE_RESISTANCE_REMOVES)
            return
        option.score -= RESISTANCE_DEMOTION
        option.notes.append(f"Demoted by rule {RULE_RESISTANCE_DEMOTES}: {what}.")
        applied(RULE_RESISTANCE_DEMOTES)


def _resistance_entry(key: tuple[str, ...], matches: list[Match]) -> Resistance:
    best = _best(matches)
    level = effective_level(best)
    drugs = list(_display_drugs(best, key))
    therapy = therapy_display_name(drugs)
    items = _evidence_refs(matches)
    rationale = (
        f"{_alteration_text(matches)} predicts resistance to {therapy} "
        f"{_TUMOR_PHRASE[best.tumor_match]} ({best.evidence.source_tumor_term}): "
        f"{best.evidence.source.label} {best.evidence.source_id}, "
        f"{tiers.EVIDENCE_TYPES[best.evidence.evidence_type].label.lower()}, level {level}, "
        f"matched at the {_GRAIN_PHRASE[best.grain]}; listed by rule {RULE_RESISTANCE_LISTED}."
    )
    return Resistance(
        therapy=therapy,
        drugs=drugs,
        biomarkers=_biomarkers(matches),
        variant_ids=_variant_ids(matches),
        evidence=items,
        rationale=rationale,
        amp_tier=tiers.amp_tier_for_level(level),
        amp_level=level,
    )


# --- imaging
def _apply_imaging(option: _Option, signals: Sequence[ImagingSignal], applied: Any) -> None:
    relevant = [s for s in signals if not s.drugs or set(s.drugs) == set(option.drugs)]
    if not relevant:
        return
    effect = sum(s.effect for s in relevant) / len(relevant)
    effect = max(-1.0, min(1.0, effect))
    delta = effect * IMAGING_MAX_FRACTION * option.score
    option.score += delta
    names = ", ".join(sorted({f"{s.model} {s.version}".strip() for s in relevant}))
    option.notes.append(
        f"{names} changed the score by {100 * delta / (option.score - delta):+.0f}"
        f" % (rule {RULE_IMAGING}, bounded to ±10 %)."
    )
    applied(RULE_IMAGING)


# --- output
def _rule_for(m: Match) -> str:
    if germline_unconfirmed(m):
        return RULE_GERMLINE_UNCONFIRMED
    if m.tumor_match == TUMOR_UNSPECIFIED:
        return RULE_NO_TUMOR_TYPE
    if m.tumor_match == TUMOR_OFF_LABEL:
        return RULE_OFF_LABEL
    if m.tumor_match == TUMOR_NARROWER:
        return RULE_SUBTYPE
    if m.tumor_match == TUMOR_ANY:
        return RULE_TUMOR_AGNOSTIC
    kind = m.evidence.evidence_type
    if kind == tiers.APPROVAL:
        return RULE_ON_LABEL_APPROVAL
    if kind == tiers.GUIDELINE:
        return RULE_ON_LABEL_GUIDELINE
    if kind == tiers.PRECLINICAL:
        return RULE_ON_LABEL_PRECLINICAL
    return RULE_ON_LABEL_CLINICAL


def _recommendation(position: int, option: _Option) -> Recommendation:
    best = _best(option.matches)
    level = effective_level(best)
    escat = effective_escat(best)
    rule = _rule_for(best)
    therapy = therapy_display_name(option.drugs)
    item = best.evidence
    approval = (
        " (FDA-approved)" if item.fda_approved else (" (EMA-approved)" if item.ema_approved else "")
    )
    refs = {(m.evidence.source.name, m.evidence.source_id) for m in option.matches}
    on_label = {
        (m.evidence.source.name, m.evidence.source_id) for m in option.matches if m.on_label
    } - {(item.source.name, item.source_id)}
    others = len(refs) - 1
    parts = [
        f"{_alteration_text([best])} supports {therapy} {_TUMOR_PHRASE[best.tumor_match]} "
        f"({item.source_tumor_term or 'no tumour type given'}): "
        f"{item.source.label} {item.source_id}, "
        f"{tiers.EVIDENCE_TYPES[item.evidence_type].label.lower()}{approval}, "
        f"level {level}, ESCAT {escat}, matched at the {_GRAIN_PHRASE[best.grain]}; "
        f"placed by rule {rule}."
    ]
    if germline_unconfirmed(best):
        parts.append(
            "The approval holds for germline variants; this variant was found in the tumour "
            "and its germline status is not known: confirm by germline testing."
        )
    if others > 0:
        parts.append(f"Further evidence items: {others} ({len(on_label)} for this tumour type).")
    parts.extend(option.notes)
    return Recommendation(
        rank=position,
        therapy=therapy,
        drugs=list(option.drugs),
        escat=escat,
        amp_tier=tiers.amp_tier_for_level(level),
        amp_level=level,
        score=round(option.score, 2),
        biomarkers=_biomarkers(option.matches),
        variant_ids=_variant_ids(option.matches),
        evidence=_evidence_refs(option.matches),
        rationale=" ".join(parts),
        rule=rule,
    )


def _display_drugs(m: Match, key: tuple[str, ...]) -> tuple[str, ...]:
    """The drugs in the order the best source lists them (dabrafenib before trametinib)."""
    drugs = tuple(dict.fromkeys(m.evidence.drugs))
    return drugs if set(drugs) == set(key) else key


def _alteration_text(matches: Sequence[Match]) -> str:
    labels = []
    for m in matches:
        ids = f" ({', '.join(m.alteration.variant_ids)})" if m.alteration.variant_ids else ""
        text = f"{m.alteration.label}{ids}"
        if text not in labels:
            labels.append(text)
    return " and ".join(labels)


def _biomarkers(matches: Sequence[Match]) -> list[str]:
    return list(dict.fromkeys(m.alteration.label for m in matches))


def _variant_ids(matches: Sequence[Match]) -> list[str]:
    return list(dict.fromkeys(v for m in matches for v in m.alteration.variant_ids))


def _evidence_refs(matches: Sequence[Match]) -> list[dict[str, str]]:
    refs: dict[tuple[str, str], dict[str, str]] = {}
    for m in sorted(matches, key=_match_key):
        key = (m.evidence.source.name, m.evidence.source_id)
        if key not in refs:
            refs[key] = {
                "source": m.evidence.source.name,
                "id": m.evidence.source_id,
                "level": m.evidence.level,
                "citation": m.evidence.citation,
            }
    return list(refs.values())
