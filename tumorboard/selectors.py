"""Reads. `cases_visible_to` is the one visibility rule every view of a case goes through."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.models import Upload
from core.templatetags.dart import citation_link
from tumorboard.models import Analysis, Case, Recommendation, Report


def cases_visible_to(*, user) -> QuerySet[Case]:
    """Cases of the user's own site. Cross-site sharing through board sessions extends this."""
    if not getattr(user, "is_authenticated", False) or user.site_id is None:
        return Case.objects.none()
    return Case.objects.filter(site_id=user.site_id).select_related("patient", "site")


def case_get(*, user, case_uuid) -> Case:
    """The case if visible to the user, else 404 (existence is not revealed)."""
    case = cases_visible_to(user=user).filter(uuid=case_uuid).first()
    if case is None:
        raise Http404("No such case.")
    return case


def upload_get(*, user, upload_uuid) -> Upload:
    upload = (
        Upload.objects.filter(uuid=upload_uuid, case__in=cases_visible_to(user=user))
        .select_related("job", "case")
        .first()
    )
    if upload is None:
        raise Http404("No such upload.")
    return upload


def report_get(*, user, report_uuid) -> Report:
    report = (
        Report.objects.filter(uuid=report_uuid, case__in=cases_visible_to(user=user))
        .select_related("case", "case__site", "case__patient")
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report


def analysis_latest(*, case: Case) -> Analysis | None:
    return case.analyses.order_by("-created_at", "-id").first()


def recommendations_of(*, analysis: Analysis | None, kind: str) -> QuerySet[Recommendation]:
    if analysis is None:
        return Recommendation.objects.none()
    return analysis.recommendations.filter(kind=kind).order_by("rank", "-score", "id")


def variant_evidence(*, case: Case, variants) -> dict[str, list[dict]]:
    """Evidence items of the knowledge base that apply to each given variant (by variant_id)."""
    from genomics.kb.matching import match
    from genomics.selectors import variant_alteration
    from genomics.selectors_kb import knowledge_for_ranking

    alterations = [a for a in map(variant_alteration, variants) if a is not None]
    if not alterations:
        return {}
    kb = knowledge_for_ranking()
    found: dict[str, list[dict]] = {}
    for m in match(
        alterations, kb.evidence, tumor_type=case.tumor_type or None, oncotree=kb.oncotree
    ):
        e = m.evidence
        found.setdefault(m.alteration.variant_ids[0], []).append(
            {
                "statement": e.statement,
                "therapy": e.therapy,
                "drugs": list(e.drugs),
                "direction": e.direction,
                "level": e.level,
                "level_source": e.level_source,
                "disease": e.source_tumor_term or e.tumor_type or "any tumour type",
                "tumor_match": m.tumor_match,
                "source": e.source.label,
                "source_id": e.source_id,
                "citations": [citation_link(c) for c in e.citations],
            }
        )
    return found
