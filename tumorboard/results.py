"""The analysis result document of a case (the `analyze` JSON contract), read from stored rows."""

from __future__ import annotations

import json
from pathlib import Path

from genomics.models import Variant
from imaging.selectors import imaging_result
from tumorboard.models import Case, Recommendation
from tumorboard.selectors import analysis_latest

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "analysis-result.schema.json"
SCHEMA_VERSION = "1"


def _variant(v: Variant) -> dict:
    return {
        "id": v.variant_id,
        "chrom": v.chrom,
        "pos": v.pos,
        "ref": v.ref,
        "alt": v.alt,
        "filter": v.filters.split(";") if v.filters else [],
        "vaf": v.vaf,
        "depth": v.depth,
        "gene": v.gene or None,
        "hgvsp": v.hgvsp or None,
        "origin": v.origin,
        "rna_vaf": v.rna_vaf,
        "rna_depth": v.rna_depth,
        "transcript": v.transcript or None,
        "consequence": v.consequence_terms,
        "hgvsc": v.hgvsc or None,
        "hgvsp_short": v.hgvsp_short or None,
        "exon": v.exon or None,
        "gene_role": v.gene_role or None,
        "hotspot": v.hotspot,
        "oncogenicity": v.oncogenicity or None,
        "oncogenicity_criteria": v.oncogenicity_criteria,
        "annotation_source": v.annotation_source or None,
    }


def _recommendation(r: Recommendation) -> dict:
    return {
        "rank": r.rank,
        "therapy": r.therapy,
        "drugs": r.drugs,
        "escat": r.escat or None,
        "amp_tier": r.amp_tier,
        "amp_level": r.amp_level,
        "score": r.score,
        "biomarkers": r.biomarkers,
        "variant_ids": r.variant_ids,
        "evidence": r.evidence,
        "rationale": r.rationale,
    }


def _resistance(r: Recommendation) -> dict:
    return {
        "therapy": r.therapy,
        "drugs": r.drugs,
        "biomarkers": r.biomarkers,
        "variant_ids": r.variant_ids,
        "evidence": r.evidence,
        "rationale": r.rationale,
        "amp_tier": r.amp_tier,
        "amp_level": r.amp_level,
        "escat": None,
    }


def case_result(*, case: Case) -> dict:
    """The result document; streams the variants from the database."""
    analysis = analysis_latest(case=case)
    uploads = list(case.uploads.select_related("job").order_by("created_at"))
    tumor = case.samples.filter(kind="tumor").first()
    normal = case.samples.filter(kind="normal").first()
    warnings: list[str] = []
    for upload in uploads:
        warnings.extend(str(line) for line in upload.job.log)
    annotation = {"reference": None, "not_annotated": 0, "genes_without_reference": []}
    for upload in uploads:
        info = upload.detected.get("annotation")
        if isinstance(info, dict):
            annotation["reference"] = info.get("reference")
            annotation["not_annotated"] += info.get("not_annotated", 0)
            annotation["genes_without_reference"] = sorted(
                set(annotation["genes_without_reference"])
                | set(info.get("genes_without_reference", []))
            )
    recommendations = []
    resistance = []
    if analysis is not None:
        rows = analysis.recommendations.all()
        recommendations = [
            _recommendation(r)
            for r in sorted(
                (r for r in rows if r.kind == Recommendation.Kind.SENSITIVITY),
                key=lambda r: r.rank or 0,
            )
        ]
        resistance = [_resistance(r) for r in rows if r.kind == Recommendation.Kind.RESISTANCE]
    data_versions = {"dart": (analysis.software_versions.get("dart") if analysis else None) or ""}
    if analysis is not None:
        data_versions.update({k: str(v) for k, v in analysis.data_versions.items()})
    return {
        "schema_version": SCHEMA_VERSION,
        "assembly": case.assembly,
        "tumor_type": case.tumor_type or None,
        "samples": {
            "tumor": tumor.name if tumor else None,
            "normal": normal.name if normal else None,
        },
        "warnings": warnings,
        "data_versions": data_versions,
        "variants": [_variant(v) for v in Variant.objects.filter(case=case).order_by("id")],
        "biomarkers": list(analysis.biomarkers) if analysis else [],
        "recommendations": recommendations,
        "resistance": resistance,
        "annotation": annotation,
        "copy_number": [
            {"gene": c.gene, "call": c.call, "copy_number": c.copy_number, "log2": c.log2,
             "segment": c.segment}
            for c in case.copy_number.all()
        ],
        "fusions": [
            {"gene5": f.gene5, "gene3": f.gene3, "breakpoint5": f.breakpoint5,
             "breakpoint3": f.breakpoint3, "reads": f.reads, "caller": f.caller,
             "confidence": f.confidence or None}
            for f in case.fusions.all()
        ],
        "expression": [{"gene": e.gene, "tpm": e.tpm} for e in case.expression.all()],
        "imaging": imaging_result(case),
        "inputs": [
            {"file": u.original_name, "kind": u.kind, "format": u.detected.get("format"),
             "caller": u.detected.get("caller"), "sha256": u.sha256,
             "records": u.record_count}
            for u in uploads
        ],
    }  # fmt: skip


def result_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())
