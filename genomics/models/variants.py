from django.db import models
from django.db.models import Value
from django.db.models.functions import NullIf

from .fields import PlainJSONField


class Variant(models.Model):
    """One small variant of a case after splitting and normalisation, with its annotation.

    Millions of rows: integer key only (never shown), identified publicly by ``variant_id``
    (``chrom:pos:ref:alt``) within its case.
    """

    # Integrity on PostgreSQL: (upload, case) -> Upload (id, case), cascading on delete, checked
    # by triggers once per statement instead of a foreign key's check per row (migrations 0006
    # and 0007); a variant's case is always its upload's case. Services delete an upload's rows
    # themselves (the embedded SQLite demo has no such check).
    # No index of its own: a case's rows are found through the indexes below, which all begin
    # with the case (with the planner setting DART_PG_RANDOM_PAGE_COST, see settings).
    case = models.ForeignKey(
        "tumorboard.Case",
        on_delete=models.CASCADE,
        related_name="variants",
        db_constraint=False,
        db_index=False,
    )
    # no index of its own: one upload's rows are found through the indexes led by its case
    upload = models.ForeignKey(
        "core.Upload",
        on_delete=models.DO_NOTHING,
        related_name="variants",
        db_constraint=False,
        db_index=False,
    )
    origin = models.CharField(max_length=16, default="somatic")
    line = models.BigIntegerField()
    variant_id = models.TextField()
    chrom = models.TextField()
    pos = models.BigIntegerField()
    ref = models.TextField()
    alt = models.TextField()
    original = models.TextField(blank=True)
    filters = models.TextField(default="PASS")
    passed = models.BooleanField(default=True)
    qual = models.FloatField(null=True)
    vaf = models.FloatField(null=True)
    depth = models.IntegerField(null=True)
    alt_count = models.IntegerField(null=True)
    normal_vaf = models.FloatField(null=True)
    normal_depth = models.IntegerField(null=True)
    rna_vaf = models.FloatField(null=True)
    rna_depth = models.IntegerField(null=True)
    gene = models.TextField(blank=True)
    transcript = models.TextField(blank=True)
    consequence = models.TextField(blank=True)
    hgvsc = models.TextField(blank=True)
    hgvsp = models.TextField(blank=True)
    hgvsp_short = models.TextField(blank=True)
    exon = models.TextField(blank=True)
    annotation_source = models.CharField(max_length=16, blank=True)
    gene_role = models.CharField(max_length=32, blank=True)
    hotspot = models.BooleanField(default=False)
    oncogenicity = models.CharField(max_length=32, blank=True)
    oncogenicity_criteria = PlainJSONField(default=list, blank=True)
    # the caller's INFO items DART keeps (repeat context, somatic flags, gene names) as the VCF
    # wrote them, ``KEY=VALUE;FLAG``: genomics.io.vcf.info_from_text reads them back
    info = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["chrom", "pos", "id"]
        indexes = [
            # The case page pages through one case's variants sorted by position, gene or VAF.
            # (EXPLAIN on 20 cases x 1M rows: benchmarks/ingest/explain.py, docs/benchmarks.md)
            models.Index(fields=["case", "chrom", "pos"], name="variant_case_position"),
            # the gene sort orders by NULLIF(gene, '') (no gene last), then position
            models.Index(
                "case", NullIf("gene", Value("")), "chrom", "pos", name="variant_case_gene_sort"
            ),
            # both VAF directions: the descending sort scans it backwards and reads the calls
            # without a VAF apart (genomics.selectors.MissingLast), as position is never missing
            # and its descending sort scans variant_case_position backwards
            models.Index(fields=["case", "vaf"], name="variant_case_vaf"),
        ]

    def __str__(self) -> str:
        return self.variant_id

    @property
    def consequence_terms(self) -> list[str]:
        return [term for term in self.consequence.split(",") if term]


class CopyNumberCall(models.Model):
    case = models.ForeignKey(
        "tumorboard.Case", on_delete=models.CASCADE, related_name="copy_number"
    )
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")
    gene = models.TextField()
    call = models.CharField(max_length=32)
    copy_number = models.FloatField(null=True)
    log2 = models.FloatField(null=True)
    segment = models.TextField()

    class Meta:
        ordering = ["gene"]
        indexes = [models.Index(fields=["case", "gene"], name="cn_case_gene")]

    def __str__(self) -> str:
        return f"{self.gene} {self.call}"


class FusionCall(models.Model):
    case = models.ForeignKey("tumorboard.Case", on_delete=models.CASCADE, related_name="fusions")
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")
    gene5 = models.TextField()
    gene3 = models.TextField()
    breakpoint5 = models.TextField()
    breakpoint3 = models.TextField()
    reads = models.IntegerField(null=True)
    caller = models.TextField()
    confidence = models.TextField(blank=True)

    class Meta:
        ordering = ["gene5", "gene3"]
        indexes = [models.Index(fields=["case"], name="fusion_case")]

    def __str__(self) -> str:
        return f"{self.gene5}::{self.gene3}"


class ExpressionValue(models.Model):
    case = models.ForeignKey("tumorboard.Case", on_delete=models.CASCADE, related_name="expression")
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")
    gene = models.TextField()
    tpm = models.FloatField()

    class Meta:
        ordering = ["gene"]
        indexes = [models.Index(fields=["case", "gene"], name="expression_case_gene")]

    def __str__(self) -> str:
        return f"{self.gene} {self.tpm} TPM"
