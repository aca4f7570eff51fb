"""An analysis: the case's alterations matched against the knowledge base and ranked."""

from __future__ import annotations

from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Length

import dart
from core.services.audit import audit_record
from genomics.alterations import AMPLIFICATION, DELETION, EXPRESSION, FUSION, Alteration
from genomics.annotation import biomarkers as bm
from genomics.io.vcf import info_from_text
from genomics.models import CopyNumberCall, ExpressionValue, FusionCall, Variant
from genomics.selectors import variant_alteration
from tumorboard.models import Analysis, Case, CaseStatus, Recommendation
from tumorboard.services.cases import case_transition

TMB_MAX_UNANNOTATED = 0.05


def case_alterations(*, case: Case) -> list[Alteration]:
    """Every alteration of the case in the shared vocabulary, from the stored rows."""
    variants = (
        Variant.objects.filter(case=case, passed=True)
        .exclude(gene="")
        .exclude(consequence="")  # outside the transcript index: the change is unknown
        .only("variant_id", "gene", "hgvsp_short", "consequence", "exon", "oncogenicity", "origin")
    )
    alterations = [
        alteration
        for alteration in map(variant_alteration, variants.iterator())
        if alteration is not None
    ]
    for call in CopyNumberCall.objects.filter(
        case=case, call__in=["amplification", "deep_deletion"]
    ):
        alterations.append(
            Alteration(
                gene=call.gene,
                kind=AMPLIFICATION if call.call == "amplification" else DELETION,
                value=call.copy_number,
                variant_ids=(f"cn:{call.gene}:{call.call}",),
            )
        )
    for gene, tpm in ExpressionValue.objects.filter(case=case).values_list("gene", "tpm"):
        alterations.append(
            Alteration(gene=gene, kind=EXPRESSION, value=tpm, variant_ids=(f"expr:{gene}",))
        )
    for fusion in FusionCall.objects.filter(case=case):
        alterations.append(
            Alteration(
                gene=fusion.gene5,
                kind=FUSION,
                partner=fusion.gene3,
                variant_ids=(f"fusion:{fusion.gene5}::{fusion.gene3}",),
            )
        )
        alterations.append(
            Alteration(
                gene=fusion.gene3,
                kind=FUSION,
                partner=fusion.gene5,
                variant_ids=(f"fusion:{fusion.gene5}::{fusion.gene3}",),
            )
        )
    return alterations


def _repeat_info(info_text: str) -> dict[str, str]:
    """The stored INFO items as MSI reads them; most indels carry no repeat key, and for those
    the text is not parsed."""
    if any(key in info_text for key in bm.REPEAT_KEYS):
        return info_from_text(info_text)
    return {}


def case_biomarkers(*, case: Case) -> tuple[list[dict], list[Alteration]]:
    """TMB and MSI from the case's somatic small variants (nothing when there are none)."""
    somatic = Variant.objects.filter(case=case, origin="somatic")
    if not somatic.exists():
        return [], []
    tumor = case.samples.filter(kind="tumor").exclude(assay="RNA").first()
    assay = tumor.assay if tumor else "WES"
    bed = _assay_bed(case)
    if assay == "panel" and not bed:
        return [], []
    # One read of the case's rows: TMB needs the annotated passed calls, MSI the passed indels
    # with the caller's repeat context.
    rows = (
        somatic.filter(passed=True)
        .alias(ref_length=Length("ref"), alt_length=Length("alt"))
        .filter(~Q(consequence="") | ~Q(ref_length=F("alt_length")))
        .values_list("chrom", "pos", "ref", "alt", "vaf", "depth", "consequence", "info")
    )
    indels: list[bm.MsiInput] = []

    def coding():  # streamed: a VEP-annotated WGS case gives every call a consequence
        for c, p, r, a, v, d, csq, info in rows.iterator(chunk_size=20000):
            if len(r) != len(a):
                indels.append(
                    bm.MsiInput(chrom=c, pos=p, ref=r, alt=a, passed=True, info=_repeat_info(info))
                )
            if csq:
                yield bm.TmbInput(chrom=c, pos=p, ref=r, alt=a, passed=True, vaf=v, depth=d,
                                  consequence=tuple(csq.split(",")))  # fmt: skip

    tmb = bm.compute_tmb(coding(), assay=assay, bed=bed)  # fills ``indels`` as it reads
    msi = bm.estimate_msi(
        indels, territory_mb=tmb.territory_mb, reference=_reference_fetch(case.assembly)
    )
    tmb_shown = {
        "type": "TMB",
        "value": round(tmb.value, 2),
        "unit": tmb.unit,
        "status": tmb.status,
        "method": f"{tmb.mutations_counted} mutations over {tmb.territory_mb:g} Mb "
        f"({tmb.assay}). {tmb.filters}",
        "reference_ranges": tmb.reference_ranges,
    }
    counts = somatic.aggregate(
        n_passed=Count("id", filter=Q(passed=True)),
        n_unannotated=Count("id", filter=Q(passed=True, consequence="")),
    )
    passed, unannotated = counts["n_passed"], counts["n_unannotated"]
    if passed and unannotated / passed > TMB_MAX_UNANNOTATED:
        # Coding status is unknown for too many calls: a TMB would be an undercount.
        tmb_shown.update(
            value=None,
            status="not_evaluable",
            method=f"{unannotated} of {passed} passed somatic calls lie outside the transcript "
            "index, so whether they change a protein is unknown; configure a full transcript "
            "index (reference_build) to compute TMB.",
        )
    shown = [
        tmb_shown,
        {
            "type": "MSI",
            "value": None if msi.score is None else round(msi.score, 3),
            "unit": msi.unit,
            "status": msi.status,
            "method": msi.method,
            "limits": msi.limits,
        },
    ]
    usable_tmb = tmb if tmb_shown["status"] != "not_evaluable" else None
    return shown, bm.biomarker_alterations(usable_tmb, msi)


def _assay_bed(case: Case) -> str | None:
    for options in case.uploads.values_list("options", flat=True):
        if options and options.get("bed"):
            return options["bed"]
    return None


def _reference_fetch(assembly: str):
    from django.conf import settings

    path = settings.DART_REFERENCE_FASTA.get(assembly)
    if not path:
        return None
    import pysam

    fasta = pysam.FastaFile(path)
    names = set(fasta.references)

    def fetch(chrom: str, start: int, end: int) -> str | None:
        for name in (chrom, chrom.removeprefix("chr"), f"chr{chrom}"):
            if name in names:
                return fasta.fetch(name, max(0, start), end).upper()
        return None

    return fetch


def analysis_run(*, case: Case, user=None) -> Analysis:
    """Rank therapy options for the case and store them with every version used."""
    from genomics.selectors_kb import knowledge_for_ranking
    from genomics.services.kb import kb_bundled_ensure
    from imaging.selectors import imaging_ranking_enabled, imaging_signals_for_ranking
    from tumorboard.ranking.policy import rank

    biomarkers, biomarker_alterations = case_biomarkers(case=case)
    alterations = case_alterations(case=case) + biomarker_alterations
    kb = knowledge_for_ranking()
    if not any(release.source == "curated" for release in kb.releases):
        try:
            with transaction.atomic():
                kb_bundled_ensure(user=user)  # a fresh install ranks against the bundled table
        except IntegrityError:
            pass  # another worker loaded it at the same moment
        kb = knowledge_for_ranking()
    result = rank(
        alterations=alterations,
        evidence=kb.evidence,
        tumor_type=case.tumor_type or None,
        oncotree=kb.oncotree,
        imaging=imaging_signals_for_ranking(case),
        imaging_enabled=imaging_ranking_enabled(case),
    )
    with transaction.atomic():
        analysis = Analysis.objects.create(
            case=case,
            software_versions=software_versions(),
            data_versions={**kb.versions, **annotation_versions(case=case)},
            rules_applied=list(result.rules_applied),
            biomarkers=biomarkers,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        analysis.kb_releases.set(kb.releases)
        rows = []
        for item in result.recommendations:
            rows.append(_recommendation_row(analysis, item, Recommendation.Kind.SENSITIVITY))
        for item in result.resistance:
            rows.append(_recommendation_row(analysis, item, Recommendation.Kind.RESISTANCE))
        Recommendation.objects.bulk_create(rows)
        audit_record(
            actor=user,
            action="create",
            obj=analysis,
            site=case.site,
            summary=f"analysis of case {case.uuid}: {len(result.recommendations)} options",
        )
        if Case.objects.get(pk=case.pk).status == CaseStatus.DATA_UPLOADED:
            case_transition(case=case, to=CaseStatus.ANNOTATED, user=user)
    return analysis


def analysis_refresh(*, case: Case, user=None) -> Analysis | None:
    """Rank again when new evidence about an analysed case arrives (e.g. imaging)."""
    if not case.analyses.exists():
        return None
    return analysis_run(case=case, user=user)


def _recommendation_row(analysis: Analysis, item, kind: str) -> Recommendation:
    data = asdict(item) if hasattr(item, "__dataclass_fields__") else dict(item)
    return Recommendation(
        analysis=analysis,
        kind=kind,
        rank=data.get("rank"),
        therapy=data["therapy"],
        drugs=list(data.get("drugs") or []),
        escat=data.get("escat") or "",
        amp_tier=data.get("amp_tier") or "",
        amp_level=data.get("amp_level") or "",
        score=data.get("score") or 0,
        biomarkers=list(data.get("biomarkers") or []),
        variant_ids=list(data.get("variant_ids") or []),
        evidence=[dict(e) for e in data.get("evidence") or []],
        rationale=data.get("rationale") or "",
        rule=data.get("rule") or "",
    )


def annotation_versions(*, case: Case) -> dict[str, str]:
    """The transcript index and clinical tables the case's variants were annotated with."""
    from genomics.annotation import hotspots, roles

    versions = {"gene roles": roles.SOURCE, "hotspots": hotspots.SOURCE}
    for detected in case.uploads.values_list("detected", flat=True):
        info = (detected or {}).get("annotation")
        if isinstance(info, dict) and info.get("reference"):
            versions["transcript index"] = info["reference"]
    return versions


def software_versions() -> dict[str, str]:
    import importlib.metadata as metadata

    versions = {"dart": dart.__version__}
    for package in ("Django", "cyvcf2", "pysam", "reportlab", "celery"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions
