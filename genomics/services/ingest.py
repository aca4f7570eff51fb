"""Ingestion of an upload: stream, validate, annotate, bulk-write; all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from core.models import BackgroundJob, Upload
from core.services.jobs import job_finish, job_progress, job_start, upload_job_failures
from genomics.models import CopyNumberCall, ExpressionValue, FusionCall, Variant
from genomics.services.writers import BulkWriter, json_text, needs_escape

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]

VARIANT_COLUMNS = (
    "case_id", "upload_id", "origin", "line", "variant_id", "chrom", "pos", "ref", "alt",
    "original", "filters", "passed", "qual", "vaf", "depth", "alt_count", "normal_vaf",
    "normal_depth", "gene", "transcript", "consequence", "hgvsc", "hgvsp", "hgvsp_short",
    "exon", "annotation_source", "gene_role", "hotspot", "oncogenicity",
    "oncogenicity_criteria", "info",
)  # fmt: skip


_NULL = "\\N"


def _variant_row(case_id, upload_id, origin, call, note, vaf, depth) -> tuple:
    """One variant in ``VARIANT_COLUMNS`` order."""
    return (
        case_id, upload_id, origin, call.line, f"{call.chrom}:{call.pos}:{call.ref}:{call.alt}",
        call.chrom, call.pos, call.ref, call.alt, call.original, ";".join(call.filters),
        call.passed, call.qual, vaf, depth, call.alt_count, call.normal_vaf, call.normal_depth,
        note.gene, note.transcript, ",".join(note.consequence), note.hgvsc, note.hgvsp,
        note.hgvsp_short, note.exon, note.source, note.gene_role, note.hotspot,
        note.oncogenicity, note.criteria, call.info_text,
    )  # fmt: skip


class VariantCopyLines:
    """The same rows as ``_variant_row`` as lines of COPY text after ``prefix`` (their first
    three columns). A call returns None when a text value needs escaping (then the generic
    conversion does it). The columns of a note shared between calls are formatted once."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        # id(note) -> (note, its columns): holding the note keeps its id from being reused
        self._shared: dict[int, tuple[object, str | None]] = {}

    def __call__(self, call, note, vaf, depth) -> str | None:
        if note.source:  # annotated: a note of its own
            note_text = _note_copy_text(note)
        else:
            shared = self._shared.get(id(note))
            if shared is None:
                shared = self._shared[id(note)] = (note, _note_copy_text(note))
            note_text = shared[1]
        if note_text is None:
            return None
        chrom, ref, alt, original, info = (
            call.chrom,
            call.ref,
            call.alt,
            call.original,
            call.info_text,
        )
        filters = ";".join(call.filters)
        if needs_escape("".join((chrom, ref, alt, original, filters, info))):
            return None
        qual, alt_count, normal_vaf, normal_depth = (
            call.qual, call.alt_count, call.normal_vaf, call.normal_depth
        )  # fmt: skip
        return (
            f"{self.prefix}{call.line}\t{chrom}:{call.pos}:{ref}:{alt}\t{chrom}\t{call.pos}\t"
            f"{ref}\t{alt}\t{original}\t{filters}\t{'t' if call.passed else 'f'}\t"
            f"{_NULL if qual is None else qual}\t{_NULL if vaf is None else vaf}\t"
            f"{_NULL if depth is None else depth}\t{_NULL if alt_count is None else alt_count}\t"
            f"{_NULL if normal_vaf is None else normal_vaf}\t"
            f"{_NULL if normal_depth is None else normal_depth}\t{note_text}\t{info}"
        )


def _note_copy_text(note) -> str | None:
    """A note's columns (gene ... oncogenicity_criteria) in COPY text, or None when one needs
    escaping."""
    fields = (
        note.gene,
        note.transcript,
        ",".join(note.consequence),
        note.hgvsc,
        note.hgvsp,
        note.hgvsp_short,
        note.exon,
        note.source,
        note.gene_role,
        "t" if note.hotspot else "f",
        note.oncogenicity,
        json_text(note.criteria) if note.criteria else "[]",
    )
    if needs_escape("".join(fields)):
        return None
    return "\t".join(fields)


def upload_ingest(*, upload_id: int) -> None:
    """Ingest one upload exactly once. A redelivered or concurrent duplicate task is a no-op.

    Rows, the upload's record count, the analysis and the job's DONE state commit in one
    transaction, so a worker killed half way leaves nothing behind and the retry starts clean.
    """
    upload = Upload.objects.select_related("job", "case", "case__site").get(pk=upload_id)
    if upload.record_count is not None:
        return
    with upload_job_failures(upload):
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload_id)
            if locked.record_count is not None:
                return
            job_start(job_id=upload.job_id)
            _delete_rows_of(upload)
            count, log = INGESTERS[upload.kind](upload, _progress_for(upload.job_id))
            Upload.objects.filter(pk=upload_id).update(record_count=count)
            from tumorboard.services.analysis import analysis_run

            analysis_run(case=upload.case, user=upload.created_by)
            job_finish(job_id=upload.job_id, message=f"{count} records ingested", log=log)


def _progress_for(job_id: int) -> Progress:
    last = {"value": -1}

    def report(fraction: float, message: str = "") -> None:
        value = int(fraction * 100)
        if value > last["value"]:
            last["value"] = value
            job_progress(job_id=job_id, progress=value, message=message)

    return report


def _delete_rows_of(upload: Upload) -> None:
    if upload.kind == Upload.Kind.RNA_VCF:
        Variant.objects.filter(case=upload.case).update(rna_vaf=None, rna_depth=None)
    for model in (Variant, CopyNumberCall, FusionCall, ExpressionValue):
        # by case first: the variants' upload column has no index of its own
        model.objects.filter(case_id=upload.case_id, upload=upload).delete()


def _estimated_lines(upload: Upload) -> int:
    compressed = upload.original_name.endswith((".gz", ".bgz"))
    return max(1, int(upload.size * (5 if compressed else 1) / 250))


def _ingest_small_variants(upload: Upload, progress: Progress) -> tuple[int, list[str]]:
    from django.conf import settings

    from genomics.io import vcf
    from genomics.io.genes import GeneSpans
    from genomics.selectors_kb import knowledge_genes
    from genomics.variant_annotation import VariantAnnotationContext

    path = Path(upload.file.path)
    options = upload.options
    header = vcf.read_header(
        path,
        filename=upload.original_name,
        tumor_sample=options.get("tumor_sample"),
        normal_sample=options.get("normal_sample"),
        declared_assembly=upload.case.assembly,
    )
    origin = "germline" if upload.kind == Upload.Kind.GERMLINE_VCF else "somatic"
    annotate = VariantAnnotationContext(
        header=header,
        assembly=upload.case.assembly,
        gene_spans=GeneSpans.load(upload.case.assembly, _gene_table(upload.case.assembly)),
        actionable_genes=knowledge_genes(),
    )
    estimated = _estimated_lines(upload)
    fasta = settings.DART_REFERENCE_FASTA.get(upload.case.assembly) or None
    case_id, upload_id = upload.case_id, upload.pk
    # A germline VCF describes the normal: its VAF and depth are the normal column's when the
    # file has one (SAGE and paired callers write the tumor column too).
    from_normal = origin == "germline" and header.normal_sample is not None
    copy_line = VariantCopyLines(f"{case_id}\t{upload_id}\t{origin}\t")
    with BulkWriter(Variant, VARIANT_COLUMNS) as writer:
        add, add_line, use_copy = writer.add, writer.add_line, writer.use_copy
        next_progress = 20000
        for call in vcf.iter_variants(
            path, header, pass_filters=frozenset(settings.DART_PASS_FILTERS), fasta=fasta
        ):
            note = annotate(call)
            vaf, depth = (
                (call.normal_vaf, call.normal_depth) if from_normal else (call.vaf, call.depth)
            )
            line = copy_line(call, note, vaf, depth) if use_copy else None
            if line is not None:
                add_line(line)
            else:
                add(_variant_row(case_id, upload_id, origin, call, note, vaf, depth))
            if call.line >= next_progress:
                next_progress = call.line + 20000
                progress(min(0.95, call.line / estimated), f"line {call.line}")
        writer.flush()
    _sample_register(upload, header, germline=origin == "germline")
    log = list(header.warnings) + annotate.summary()
    upload.detected = {**upload.detected, "records": writer.written, "annotation": annotate.info()}
    Upload.objects.filter(pk=upload.pk).update(detected=upload.detected)
    return writer.written, log


def _ingest_rna_variants(upload: Upload, progress: Progress) -> tuple[int, list[str]]:
    """RNA calls confirm DNA variants: their VAF and depth are set beside the DNA values."""
    from genomics.io import vcf

    path = Path(upload.file.path)
    header = vcf.read_header(
        path,
        filename=upload.original_name,
        tumor_sample=upload.options.get("tumor_sample"),
        declared_assembly=upload.case.assembly,
    )
    count = 0
    matched: set[int] = set()
    batch: dict[str, tuple] = {}
    for call in vcf.iter_variants(path, header):
        count += 1
        # the DNA file may name chromosomes the other way (chr1 / 1, chrM / MT)
        for chrom in _chrom_spellings(call.chrom):
            batch[f"{chrom}:{call.pos}:{call.ref}:{call.alt}"] = (call.vaf, call.depth)
        if len(batch) >= 200000:
            matched |= _rna_confirm(upload, batch)
            batch = {}
    matched |= _rna_confirm(upload, batch)
    matched_count = len(matched)
    log = list(header.warnings) + [
        f"{matched_count} of {count} RNA calls confirm a DNA variant of the case."
    ]
    return count, log


def _chrom_spellings(chrom: str) -> tuple[str, ...]:
    from genomics.io.genes import normalize_chrom

    base = normalize_chrom(chrom)  # chr7 -> 7, chrM/M -> MT
    if base == "MT":
        return ("MT", "M", "chrM", "chrMT")
    return (base, f"chr{base}")


def _rna_confirm(upload: Upload, rna: dict[str, tuple]) -> set[int]:
    """Set RNA VAF and depth on the case's DNA variants named in ``rna``; the ids matched."""
    if not rna:
        return set()
    dna = list(
        Variant.objects.filter(case=upload.case, variant_id__in=list(rna)).only("id", "variant_id")
    )
    for variant in dna:
        variant.rna_vaf, variant.rna_depth = rna[variant.variant_id]
    Variant.objects.bulk_update(dna, ["rna_vaf", "rna_depth"], batch_size=2000)
    return {variant.pk for variant in dna}


def _ingest_copy_number(upload: Upload, progress: Progress) -> tuple[int, list[str]]:
    from genomics.io.cnv import read_copy_number

    tumor = upload.case.samples.filter(kind="tumor").exclude(purity=None).first()
    result = read_copy_number(
        Path(upload.file.path),
        filename=upload.original_name,
        assembly=upload.case.assembly,
        purity=upload.options.get("purity") or (tumor.purity if tumor else None),
        ploidy=upload.options.get("ploidy"),
        gene_table=_gene_table(upload.case.assembly),
    )
    writer = BulkWriter(
        CopyNumberCall, ("case_id", "upload_id", "gene", "call", "copy_number", "log2", "segment")
    )
    for call in result.calls:
        writer.add(
            (upload.case_id, upload.pk, call.gene, call.call, call.copy_number, call.log2,
             call.segment)
        )  # fmt: skip
    writer.flush()
    _detected(upload, format=result.format, caller=result.caller, segments=result.segments)
    return result.segments, list(result.warnings)


def _ingest_fusions(upload: Upload, progress: Progress) -> tuple[int, list[str]]:
    from genomics.io.fusions import read_fusions

    result = read_fusions(
        Path(upload.file.path),
        filename=upload.original_name,
        assembly=upload.case.assembly,
        gene_table=_gene_table(upload.case.assembly),
    )
    writer = BulkWriter(
        FusionCall,
        ("case_id", "upload_id", "gene5", "gene3", "breakpoint5", "breakpoint3", "reads",
         "caller", "confidence"),
    )  # fmt: skip
    for fusion in result.fusions:
        writer.add(
            (upload.case_id, upload.pk, fusion.gene5, fusion.gene3, fusion.breakpoint5,
             fusion.breakpoint3, fusion.reads, fusion.caller, fusion.confidence or "")
        )  # fmt: skip
    writer.flush()
    _detected(upload, format=result.format, caller=result.caller)
    return result.records, list(result.warnings)


def _ingest_expression(upload: Upload, progress: Progress) -> tuple[int, list[str]]:
    from genomics.io.expression import read_expression

    result = read_expression(Path(upload.file.path), filename=upload.original_name)
    writer = BulkWriter(ExpressionValue, ("case_id", "upload_id", "gene", "tpm"))
    for value in result.genes:
        writer.add((upload.case_id, upload.pk, value.gene, value.tpm))
    writer.flush()
    _detected(upload, format=result.format)
    return result.records, list(result.warnings)


def _gene_table(assembly: str) -> str | None:
    """The site's own gene table for ``assembly`` (settings.DART_GENE_TABLE), if any."""
    from django.conf import settings

    from genomics.io.genes import normalize_assembly

    return settings.DART_GENE_TABLE.get(normalize_assembly(assembly)) or None


def _detected(upload: Upload, **values) -> None:
    upload.detected = {**upload.detected, **values}
    Upload.objects.filter(pk=upload.pk).update(detected=upload.detected)


def _sample_register(upload: Upload, header, *, germline: bool = False) -> None:
    """The samples a VCF names; a germline VCF's only sample (or its normal) is the normal."""
    from tumorboard.services.cases import sample_ensure

    assay = upload.options.get("assay") or "WES"
    if germline:
        normal = header.normal_sample or (header.tumor_sample if len(header.samples) == 1 else None)
        if normal:
            sample_ensure(case=upload.case, name=normal, kind="normal", assay=assay)
        return
    if header.tumor_sample:
        sample_ensure(
            case=upload.case,
            name=header.tumor_sample,
            kind="tumor",
            assay=assay,
            purity=upload.options.get("purity"),
        )
    if header.normal_sample:
        sample_ensure(case=upload.case, name=header.normal_sample, kind="normal", assay=assay)


INGESTERS = {
    Upload.Kind.SOMATIC_VCF: _ingest_small_variants,
    Upload.Kind.GERMLINE_VCF: _ingest_small_variants,
    Upload.Kind.RNA_VCF: _ingest_rna_variants,
    Upload.Kind.COPY_NUMBER: _ingest_copy_number,
    Upload.Kind.FUSIONS: _ingest_fusions,
    Upload.Kind.SV_VCF: _ingest_fusions,
    Upload.Kind.EXPRESSION: _ingest_expression,
}

__all__ = ["upload_ingest", "BackgroundJob"]
