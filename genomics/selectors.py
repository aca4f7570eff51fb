from __future__ import annotations

import re

from django.db.models import Case, F, FloatField, IntegerField, QuerySet, Value, When
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


class MissingLast:
    """The rows of ``known`` and then those of ``missing``, read as one ordered list that a
    Paginator (or DRF's) counts and slices: each slice asks for the rows of its own range only.

    A descending VAF sort keeps calls without a VAF last. One index ``(case, vaf)`` scanned
    backwards gives them first, so the known and the missing values are read as two queries
    instead of keeping a second index (which costs every stored row its upkeep)."""

    ordered = True

    def __init__(self, known: QuerySet[Variant], missing: QuerySet[Variant]) -> None:
        self.known, self.missing = known, missing
        self._known_count: int | None = None

    def _known(self) -> int:
        if self._known_count is None:
            self._known_count = self.known.count()
        return self._known_count

    def count(self) -> int:
        return self._known() + self.missing.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        yield from self.known
        yield from self.missing

    def __getitem__(self, key):
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("only forward slices of the variant list")
        start, stop = key.start or 0, key.stop
        known = self._known()
        rows: list[Variant] = []
        if start < known:
            rows += self.known[start : known if stop is None else min(stop, known)]
        if stop is None or stop > known:
            rows += self.missing[max(0, start - known) : None if stop is None else stop - known]
        return rows


def variants_of(
    *, case, sort: str = "position", descending: bool = False, gene: str = ""
) -> QuerySet[Variant] | MissingLast:
    """One case's variants in the table's order; ``gene`` keeps one gene's (exact symbol)."""
    fields = VARIANT_SORTS.get(sort, VARIANT_SORTS["position"])
    if fields == ("vaf",) and descending:
        by_vaf = _case_variants(case, gene)
        return MissingLast(
            by_vaf.filter(vaf__isnull=False).order_by(F("vaf").desc(), "id"),
            by_vaf.filter(vaf__isnull=True).order_by("id"),
        )
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
    return _case_variants(case, gene).order_by(*ordering, "id")


def _case_variants(case, gene: str) -> QuerySet[Variant]:
    variants = Variant.objects.filter(case=case)
    if gene:
        variants = variants.filter(gene=gene.strip().upper())
    return variants


# Copy-number calls by clinical weight: the actionable amplifications and deep deletions first.
COPY_NUMBER_RANK = Case(
    *(
        When(call=value, then=Value(rank))
        for rank, value in enumerate(("amplification", "deep_deletion", "gain", "loss"))
    ),
    default=Value(4),
    output_field=IntegerField(),
)


# Within a kind, the strongest change first: most copies gained, fewest left.
COPY_NUMBER_CHANGE = Case(
    When(call__in=("amplification", "gain"), then=-F("copy_number")),
    default=F("copy_number"),
    output_field=FloatField(),
)


def copy_number_of(*, case) -> QuerySet[CopyNumberCall]:
    """A case's gene calls: amplifications, deep deletions, gains, losses, each kind with its
    strongest change first, then by gene."""
    return CopyNumberCall.objects.filter(case=case).order_by(
        COPY_NUMBER_RANK, COPY_NUMBER_CHANGE.asc(nulls_last=True), "gene"
    )


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
