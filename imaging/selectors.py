"""Imaging reads: what the case page, the report, the analysis result and the ranking see."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from imaging.models import ImagingModel, ImagingPrediction, ImagingStudy, Lesion
from tumorboard.selectors import cases_visible_to

# A response prediction names the therapy it is about in its target, e.g.
# "response:pembrolizumab" or "response:dabrafenib+trametinib" (lower-case generic names).
RESPONSE_TARGET = re.compile(r"^response:([a-z0-9-]+(?:\+[a-z0-9-]+)*)$")


def studies_of(*, case) -> QuerySet[ImagingStudy]:
    return ImagingStudy.objects.filter(case=case).select_related("upload", "upload__job")


def predictions_of(*, case) -> QuerySet[ImagingPrediction]:
    return (
        ImagingPrediction.objects.filter(study__case=case)
        .select_related("study", "lesion", "model")
        .order_by("-study__created_at", "id")
    )


def imaging_for_case(case) -> dict[str, Any]:
    """The imaging panel: studies (newest first, each with its preview), lesions with RECIST
    measurability, predictions with model, version, probability, uncertainty and caveats, and the
    discordances with sequencing."""
    from imaging.services import imaging_discordances

    studies = list(studies_of(case=case))
    lesions = list(
        Lesion.objects.filter(study__case=case)
        .select_related("study")
        .order_by("-study__created_at", "lesion_id")
    )
    predictions = list(predictions_of(case=case))
    return {
        "studies": studies,
        "lesions": lesions,
        "measurable": [lz for lz in lesions if lz.measurable],
        "predictions": predictions,
        "discordances": imaging_discordances(case) if predictions else [],
        "previews": [s for s in studies if s.preview],
        "any": bool(studies),
        "configs": _config_names(),
    }


def imaging_result(case) -> dict[str, Any]:
    """The ``imaging`` object of the analyze JSON contract."""
    from imaging.services import imaging_discordances

    lesions = (
        Lesion.objects.filter(study__case=case)
        .select_related("study")
        .order_by("study__created_at", "lesion_id")
    )
    return {
        "lesions": [
            {
                "id": lz.lesion_id,
                "study_uid": lz.study.study_uid or None,
                "timepoint": lz.study.timepoint or None,
                "site": lz.site,
                "volume_ml": lz.volume_ml,
                "longest_diameter_mm": lz.longest_diameter_mm,
                "short_axis_mm": lz.short_axis_mm,
                "lymph_node": lz.lymph_node,
                "measurable": lz.measurable,
                "target_lesion": lz.target_lesion,
            }
            for lz in lesions
        ],
        "predictions": [
            {
                "target": p.target,
                "value": p.value if p.value is not None else (p.class_label or None),
                "probability": p.probability,
                "model": p.model_name,
                "model_version": p.model_version,
                "research_only": p.research_only,
                "kind": p.kind,
                "gene": p.gene or None,
                "lesion": p.lesion.lesion_id if p.lesion else None,
                "warnings": list(p.warnings),
            }
            for p in predictions_of(case=case).order_by("study__created_at", "id")
        ],
        "discordances": imaging_discordances(case),
    }


def imaging_report_sections(case) -> list[tuple[str, list[list[str]], list[str]]]:
    """``ReportData.extra_sections`` entries: predictions (caveat beside each), lesions,
    discordances. Empty when the case has no imaging."""
    from imaging.services import imaging_discordances

    predictions = list(predictions_of(case=case).order_by("study__created_at", "id"))
    lesions = list(
        Lesion.objects.filter(study__case=case).order_by("study__created_at", "lesion_id")
    )
    if not predictions and not lesions:
        return []
    sections: list[tuple[str, list[list[str]], list[str]]] = []
    rows = []
    for p in predictions:
        shown = p.class_label or (f"{p.value:.3g}" if p.value is not None else "")
        notes = [p.caveat] if p.caveat else []
        notes += list(p.warnings)
        rows.append(
            [
                f"{p.target}" + (f" ({p.gene})" if p.gene else ""),
                shown,
                f"{p.probability:.2f}" if p.probability is not None else "-",
                p.uncertainty,
                f"{p.model_name} v{p.model_version}",
                " / ".join(notes) or "-",
            ]
        )
    if rows:
        sections.append(
            (
                "Imaging predictions",
                rows,
                ["Target", "Value", "Probability", "Uncertainty", "Model", "Caveats"],
            )
        )
    if lesions:
        sections.append(
            (
                "Imaging lesions (RECIST 1.1)",
                [
                    [
                        lz.lesion_id,
                        lz.site,
                        _num(lz.longest_diameter_mm, "mm"),
                        _num(lz.short_axis_mm, "mm"),
                        _num(lz.volume_ml, "ml"),
                        "measurable" if lz.measurable else "non-measurable",
                    ]
                    for lz in lesions
                ],
                ["Lesion", "Site", "Longest diameter", "Short axis", "Volume", "RECIST"],
            )
        )
    discordances = imaging_discordances(case)
    if discordances:
        sections.append(
            (
                "Imaging and sequencing disagree (data-quality questions)",
                [[d["gene"], d["imaging"], d["sequencing"], d["message"]] for d in discordances],
                ["Gene", "Imaging", "Sequencing", "Question"],
            )
        )
    return sections


def _config_names() -> list[str]:
    from imaging.science.extraction import CONFIG_DIR

    return [p.stem for p in sorted(CONFIG_DIR.glob("*.yaml"))]


def _num(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:g} {unit}"


def imaging_ranking_enabled(case) -> bool:
    """The setting ``DART_IMAGING_IN_RANKING`` (default on), off for the listed site slugs."""
    if not getattr(settings, "DART_IMAGING_IN_RANKING", True):
        return False
    return case.site.slug not in set(getattr(settings, "DART_IMAGING_RANKING_OFF_SITES", []))


def imaging_signals_for_ranking(case) -> list:
    """What ``tumorboard.ranking.policy.rank(imaging=...)`` reads -> list of ImagingSignal.

    Only response predictions that name their therapy (target ``response:<drug>[+<drug>]``) and
    carry a probability become signals, with effect 2p - 1 (benefit > 0); the policy then scales an
    option the evidence already supports by at most ±10 %. Predictions of research-only models are
    left out (they are not for clinical decisions), and so is everything when imaging is switched
    off for the case's site.
    """
    from tumorboard.ranking.policy import ImagingSignal

    if not imaging_ranking_enabled(case):
        return []
    signals = []
    rows = predictions_of(case=case).filter(kind="response", research_only=False)
    for p in rows.exclude(probability=None):
        match = RESPONSE_TARGET.match(p.target)
        if not match:
            continue
        signals.append(
            ImagingSignal(
                effect=max(-1.0, min(1.0, 2.0 * p.probability - 1.0)),
                drugs=tuple(sorted(match.group(1).split("+"))),
                model=p.model_name,
                version=p.model_version,
            )
        )
    return signals


def study_get(*, user, study_uuid) -> ImagingStudy:
    """A study of a case the user may see, else 404."""
    study = (
        ImagingStudy.objects.filter(uuid=study_uuid, case__in=cases_visible_to(user=user))
        .select_related("case", "case__site")
        .first()
    )
    if study is None:
        raise Http404("No such imaging study.")
    return study


def models_registered() -> QuerySet[ImagingModel]:
    return ImagingModel.objects.select_related("registered_by").order_by("name", "-created_at")
