"""An analysis: the case's alterations matched against the knowledge base and ranked."""

from __future__ import annotations

import re
from dataclasses import asdict

from django.db import transaction

import dart
from core.services.audit import audit_record
from genomics.alterations import AMPLIFICATION, DELETION, FUSION, MUTATION, Alteration
from genomics.models import CopyNumberCall, FusionCall, Variant
from tumorboard.models import Analysis, Case, CaseStatus, Recommendation
from tumorboard.services.cases import case_transition

NON_CODING = {
    "synonymous_variant", "intron_variant", "upstream_gene_variant", "downstream_gene_variant",
    "5_prime_UTR_variant", "3_prime_UTR_variant", "intergenic_variant",
    "non_coding_transcript_exon_variant", "splice_region_variant",
}  # fmt: skip
EXON = re.compile(r"^(\d+)")


def case_alterations(*, case: Case) -> list[Alteration]:
    """Every alteration of the case in the shared vocabulary, from the stored rows."""
    alterations: list[Alteration] = []
    variants = (
        Variant.objects.filter(case=case, passed=True)
        .exclude(gene="")
        .only("variant_id", "gene", "hgvsp_short", "consequence", "exon", "oncogenicity", "origin")
    )
    for variant in variants.iterator():
        terms = tuple(t for t in variant.consequence.split(",") if t)
        if (
            terms
            and set(terms) <= NON_CODING
            and variant.oncogenicity
            not in (
                "oncogenic",
                "likely_oncogenic",
            )
        ):
            continue
        if variant.origin == "germline" and variant.oncogenicity not in (
            "oncogenic",
            "likely_oncogenic",
        ):
            continue
        exon = EXON.match(variant.exon or "")
        alterations.append(
            Alteration(
                gene=variant.gene,
                kind=MUTATION,
                protein_change=(variant.hgvsp_short or "").removeprefix("p.") or None,
                consequence=terms,
                exon=int(exon.group(1)) if exon else None,
                oncogenicity=variant.oncogenicity or None,
                origin=variant.origin,
                variant_ids=(variant.variant_id,),
            )
        )
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


def analysis_run(*, case: Case, user=None) -> Analysis:
    """Rank therapy options for the case and store them with every version used."""
    from genomics.kb.runtime import knowledge_base_for_ranking

    from tumorboard.ranking.policy import rank

    alterations = case_alterations(case=case)
    kb = knowledge_base_for_ranking()
    result = rank(
        alterations=alterations,
        evidence=kb.evidence,
        tumor_type=case.tumor_type or None,
        oncotree=kb.oncotree,
    )
    with transaction.atomic():
        analysis = Analysis.objects.create(
            case=case,
            software_versions=software_versions(),
            data_versions=kb.versions,
            rules_applied=list(result.rules_applied),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
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
        if case.status in (CaseStatus.DATA_UPLOADED,):
            case_transition(case=case, to=CaseStatus.ANNOTATED, user=user)
    return analysis


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


def software_versions() -> dict[str, str]:
    import importlib.metadata as metadata

    versions = {"dart": dart.__version__}
    for package in ("Django", "cyvcf2", "pysam", "reportlab", "celery"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions
