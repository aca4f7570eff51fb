from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, Max, Value, When
from django.utils import timezone

from core.services.audit import audit_record
from genomics.models import Variant
from imaging.selectors import imaging_report_sections
from tumorboard.models import CaseStatus, Recommendation, Report, ReportSignOff
from tumorboard.reports.pdf import ReportData, render_report
from tumorboard.selectors import analysis_latest
from tumorboard.services.cases import case_transition

REPORT_VARIANT_LIMIT = 200
SIGNABLE = {CaseStatus.READY_FOR_BOARD, CaseStatus.DISCUSSED, CaseStatus.REPORT_SIGNED}


def report_data_build(*, case, analysis, version: int, user) -> ReportData:
    recommendations = [
        _recommendation_dict(r)
        for r in analysis.recommendations.filter(kind=Recommendation.Kind.SENSITIVITY).order_by(
            "rank"
        )
    ] if analysis else []  # fmt: skip
    resistance = [
        _recommendation_dict(r)
        for r in analysis.recommendations.filter(kind=Recommendation.Kind.RESISTANCE)
    ] if analysis else []  # fmt: skip
    variants = Variant.objects.filter(case=case, passed=True).exclude(gene="")
    severity = When_(
        When(oncogenicity="oncogenic", then=Value(0)),
        When(oncogenicity="likely_oncogenic", then=Value(1)),
        When(oncogenicity="vus", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    shown = variants.annotate(severity=severity).order_by("severity", "gene", "pos")[
        :REPORT_VARIANT_LIMIT
    ]
    versions = {}
    if analysis:
        versions.update({f"software: {k}": v for k, v in analysis.software_versions.items()})
        versions.update({f"data: {k}": v for k, v in analysis.data_versions.items()})
    return ReportData(
        title=f"Molecular tumor board report - {case.patient.pseudonym}",
        version=version,
        generated_at=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
        generated_by=str(user) if user else "the analyze command",
        case_fields=[
            ("Patient (pseudonym)", case.patient.pseudonym),
            ("Site", case.site.name),
            ("Tumor type (OncoTree)", case.tumor_type or "not set"),
            ("Diagnosis", case.diagnosis or "-"),
            ("Clinical question", case.clinical_question or "-"),
            ("Assembly", case.assembly),
            ("Case", str(case.uuid)),
            ("Analysis", str(analysis.uuid) if analysis else "none"),
        ],
        recommendations=recommendations,
        resistance=resistance,
        variants=[
            {
                "gene": v.gene,
                "variant_id": v.variant_id,
                "hgvsc": v.hgvsc,
                "hgvsp": v.hgvsp,
                "consequence": v.consequence.replace(",", ", "),
                "vaf": v.vaf,
                "depth": v.depth,
                "oncogenicity": v.oncogenicity,
                "filters": v.filters,
            }
            for v in shown
        ],
        variant_total=Variant.objects.filter(case=case).count(),
        versions=versions,
        biomarkers=list(analysis.biomarkers) if analysis else [],
        warnings=list(analysis.warnings) if analysis else [],
        extra_sections=imaging_report_sections(case),
        notes=[
            "Recommendations are decision support for the molecular tumor board; the treating "
            "physician decides. Each option names the variant, the evidence, the knowledge-base "
            "release and the rule that placed it."
        ],
    )


def _recommendation_dict(r: Recommendation) -> dict:
    return {
        "rank": r.rank,
        "therapy": r.therapy,
        "drugs": r.drugs,
        "escat": r.escat,
        "amp_tier": r.amp_tier,
        "amp_level": r.amp_level,
        "biomarkers": r.biomarkers,
        "evidence": r.evidence,
        "rationale": r.rationale,
    }


def report_generate(*, case, user) -> Report:
    """Render a new report version from the latest analysis; earlier versions stay as they are."""
    analysis = analysis_latest(case=case)
    if analysis is None:
        raise ValidationError("The case has no analysis yet: upload and ingest its data first.")
    with transaction.atomic():
        version = (case.reports.aggregate(v=Max("version"))["v"] or 0) + 1
        pdf = render_report(
            report_data_build(case=case, analysis=analysis, version=version, user=user)
        )
        report = Report(
            case=case,
            analysis=analysis,
            version=version,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=user,
        )
        report.pdf.save(f"report-v{version}.pdf", ContentFile(pdf), save=False)
        report.save()
        audit_record(
            actor=user, action="create", obj=report, site=case.site, summary=f"report v{version}"
        )
    return report


def report_sign(*, report: Report, user) -> ReportSignOff:
    """The chair signs the exact PDF bytes; the report is frozen from then on."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if ReportSignOff.objects.filter(report=locked).exists():
            raise ValidationError("This report version is already signed.")
        if locked.case.status not in SIGNABLE:
            raise ValidationError(
                "Only a case that is ready for the board (or discussed) can have its report signed."
            )
        with locked.pdf.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        if digest != locked.sha256:
            raise ValidationError("The stored PDF does not match its checksum; it is not signed.")
        sign_off = ReportSignOff.objects.create(report=locked, signed_by=user, sha256=digest)
        case_transition(case=locked.case, to=CaseStatus.REPORT_SIGNED, user=user)
        audit_record(
            actor=user,
            action="change",
            obj=locked,
            site=locked.case.site,
            summary=f"signed report v{locked.version}",
            data={"sha256": digest},
        )
    return sign_off


def report_download(*, report: Report, user) -> bytes:
    with report.pdf.open("rb") as handle:
        data = handle.read()
    audit_record(
        actor=user,
        action="download",
        obj=report,
        site=report.case.site,
        summary=f"downloaded report v{report.version} of case {report.case.uuid}",
    )
    return data
