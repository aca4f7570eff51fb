from __future__ import annotations

import re

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import NullIf

from genomics.alterations import MUTATION, Alteration
from genomics.models import CopyNumberCall, ExpressionValue, FusionCall, Variant

# Public sort keys of the variant table -> fields, in order; missing values sort last both ways.
VARIANT_SORTS: dict[str, tuple[str, ...]] = {
    "position": ("chrom", "pos"),
    "gene": ("gene", "chrom", "pos"),
    "vaf": ("vaf",),
    "depth": ("depth",),
    "filter": ("passed", "filters", "chrom", "pos"),
    "consequence": ("consequence", "gene"),
    "oncogenicity": ("oncogenicity_rank", "gene"),
}
# Oncogenicity sorts by clinical weight (oncogenic first), not alphabetically.
ONCOGENICITY_RANK = Case(
    *(
        When(oncogenicity=value, then=Value(rank))
        for rank, value in enumerate(
            ("oncogenic", "likely_oncogenic", "vus", "likely_benign", "benign")
        )
    ),
    default=Value(None),
    output_field=IntegerField(),
)


TEXT_SORT_FIELDS = {"gene", "consequence", "oncogenicity"}


def variants_of(
    *, case, sort: str = "position", descending: bool = False, gene: str = ""
) -> QuerySet[Variant]:
    """One case's variants in the table's order; ``gene`` keeps one gene's (exact symbol)."""
    fields = VARIANT_SORTS.get(sort, VARIANT_SORTS["position"])
    ordering = []
    for name in fields:
        # Empty text (no gene, no consequence) sorts with the missing numbers: last.
        if name == "oncogenicity_rank":
            key = ONCOGENICITY_RANK
        elif name in TEXT_SORT_FIELDS:
            key = NullIf(name, Value(""))
        elif not Variant._meta.get_field(name).null:
            # never missing: a plain order, which an index scanned backwards also gives
            ordering.append(F(name).desc() if descending else F(name).asc())
            continue
        else:
            key = F(name)
        ordering.append(key.desc(nulls_last=True) if descending else key.asc(nulls_last=True))
    variants = Variant.objects.filter(case=case)
    if gene:
        variants = variants.filter(gene=gene.strip().upper())
    return variants.order_by(*ordering, "id")


def copy_number_of(*, case) -> QuerySet[CopyNumberCall]:
    return CopyNumberCall.objects.filter(case=case).order_by("gene")


def fusions_of(*, case) -> QuerySet[FusionCall]:
    return FusionCall.objects.filter(case=case).order_by("gene5", "gene3")


def expression_of(*, case) -> QuerySet[ExpressionValue]:
    return ExpressionValue.objects.filter(case=case).order_by("gene")


NON_CODING = {
    "synonymous_variant", "intron_variant", "upstream_gene_variant", "downstream_gene_variant",
    "5_prime_UTR_variant", "3_prime_UTR_variant", "intergenic_variant",
    "non_coding_transcript_exon_variant", "splice_region_variant",
}  # fmt: skip
EXON = re.compile(r"^(\d+)")

ONCOGENIC = ("oncogenic", "likely_oncogenic")


def variant_alteration(variant: Variant) -> Alteration | None:
    """The alteration a stored small variant stands for, or None when it cannot matter
    (non-coding and not oncogenic, or a germline variant that is not pathogenic)."""
    if not variant.gene:
        return None
    terms = tuple(variant.consequence_terms)
    oncogenic = variant.oncogenicity in ONCOGENIC
    if terms and set(terms) <= NON_CODING and not oncogenic:
        return None
    if variant.origin == "germline" and not oncogenic:
        return None
    exon = EXON.match(variant.exon or "")
    return Alteration(
        gene=variant.gene,
        kind=MUTATION,
        protein_change=(variant.hgvsp_short or "").removeprefix("p.") or None,
        consequence=terms,
        exon=int(exon.group(1)) if exon else None,
        oncogenicity=variant.oncogenicity or None,
        origin=variant.origin,
        variant_ids=(variant.variant_id,),
    )
