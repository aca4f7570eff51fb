"""Knowledge-base releases and their evidence, as loaded by ``genomics.services.kb``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class KnowledgeBaseRelease(BaseModel):
    """One loaded release of one knowledge-base source (curated, moalmanac, civic, oncotree, cgi).

    Rows are never edited after loading except ``is_current``, which moves to a newer release
    of the same source; analyses link the releases they used.
    """

    source = models.CharField(max_length=32, db_index=True)  # loader key, e.g. "moalmanac"
    name = models.CharField(max_length=128)  # e.g. "MOAlmanac"
    version = models.CharField(max_length=64)
    checksum = models.CharField(max_length=64)  # SHA-256 of the loaded file(s)
    licence = models.CharField(max_length=200)
    url = models.CharField(max_length=500, blank=True)
    research_only = models.BooleanField(default=False)
    item_count = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["source", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=Q(is_current=True), name="kb_one_current_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class EvidenceRecord(BaseModel):
    """One normalised evidence item (``genomics.kb.schema.EvidenceItem``) of a release."""

    release = models.ForeignKey(
        KnowledgeBaseRelease, on_delete=models.CASCADE, related_name="records"
    )
    source_id = models.CharField(max_length=100)
    # biomarker
    gene = models.CharField(max_length=64)
    kind = models.CharField(max_length=32)
    grain = models.CharField(max_length=32)
    protein_change = models.CharField(max_length=200, blank=True)
    codon = models.IntegerField(null=True, blank=True)
    exon = models.IntegerField(null=True, blank=True)
    exon_change = models.CharField(max_length=16, blank=True)
    partner = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    requires_oncogenic = models.BooleanField(default=False)
    # context and therapy
    tumor_type = models.CharField(max_length=64, blank=True)  # OncoTree code; blank = any
    source_tumor_term = models.CharField(max_length=300, blank=True)
    excluded_tumor_types = models.JSONField(default=list, blank=True)
    therapy = models.CharField(max_length=300)
    drugs = models.JSONField(default=list)
    direction = models.CharField(max_length=16)
    evidence_type = models.CharField(max_length=32)
    level_source = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=1)
    escat = models.CharField(max_length=8)
    fda_approved = models.BooleanField(default=False)
    ema_approved = models.BooleanField(default=False)
    preferred = models.BooleanField(default=False)
    citations = models.JSONField(default=list, blank=True)
    statement = models.TextField(blank=True)
    requires = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["release", "gene"], name="kb_evidence_release_gene")]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.gene} {self.grain} → {self.therapy} ({self.direction})"
