from django.conf import settings
from django.db import models

from core.models import BaseModel


class Analysis(BaseModel):
    """One run of annotation, matching and ranking, with every version it used."""

    case = models.ForeignKey("tumorboard.Case", on_delete=models.CASCADE, related_name="analyses")
    software_versions = models.JSONField(default=dict)
    data_versions = models.JSONField(default=dict)
    biomarkers = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    rules_applied = models.JSONField(default=list)
    kb_releases = models.ManyToManyField(
        "genomics.KnowledgeBaseRelease", related_name="analyses", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "analyses"


class Recommendation(BaseModel):
    """A ranked therapy option or a resistance statement; a new analysis adds new rows."""

    class Kind(models.TextChoices):
        SENSITIVITY = "sensitivity", "Therapy option"
        RESISTANCE = "resistance", "Resistance"

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SENSITIVITY)
    rank = models.PositiveIntegerField(null=True)
    therapy = models.CharField(max_length=300)
    drugs = models.JSONField(default=list)
    escat = models.CharField(max_length=8, blank=True)
    amp_tier = models.CharField(max_length=4, blank=True)
    amp_level = models.CharField(max_length=2, blank=True)
    score = models.FloatField(default=0)
    biomarkers = models.JSONField(default=list)
    variant_ids = models.JSONField(default=list)
    evidence = models.JSONField(default=list)
    rationale = models.TextField()
    rule = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "rank", "id"]
