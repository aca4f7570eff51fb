from __future__ import annotations

from django.db.models import F, QuerySet

from genomics.models import CopyNumberCall, ExpressionValue, FusionCall, Variant

# Public sort keys of the variant table -> database ordering (nulls last for numbers).
VARIANT_SORTS = {
    "position": ("chrom", "pos", "id"),
    "gene": ("gene", "chrom", "pos", "id"),
    "vaf": (F("vaf").desc(nulls_last=True), "id"),
    "depth": (F("depth").desc(nulls_last=True), "id"),
    "filter": ("-passed", "filters", "chrom", "pos", "id"),
    "consequence": ("consequence", "gene", "id"),
    "oncogenicity": ("oncogenicity", "gene", "id"),
}


def variants_of(*, case, sort: str = "position", descending: bool = False) -> QuerySet[Variant]:
    ordering = VARIANT_SORTS.get(sort, VARIANT_SORTS["position"])
    queryset = Variant.objects.filter(case=case).order_by(*ordering)
    return queryset.reverse() if descending else queryset


def copy_number_of(*, case) -> QuerySet[CopyNumberCall]:
    return CopyNumberCall.objects.filter(case=case).order_by("gene")


def fusions_of(*, case) -> QuerySet[FusionCall]:
    return FusionCall.objects.filter(case=case).order_by("gene5", "gene3")


def expression_of(*, case) -> QuerySet[ExpressionValue]:
    return ExpressionValue.objects.filter(case=case).order_by("gene")
