"""Imaging rows: studies with their lesions, radiomics feature sets, registered models and the
predictions made on a case.

Predictions and feature sets are written once (append-only); a new upload makes a new study.
Discordances with sequencing are not stored: they are computed on read (``imaging.selectors``),
so sequencing data that arrives after the images is taken into account at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BaseModel


def model_program_path(instance: ImagingModel, filename: str) -> str:
    return f"imaging-models/{instance.uuid}/program.pt2"


def preview_path(instance: ImagingStudy, filename: str) -> str:
    return f"imaging/{instance.case.site.slug}/{instance.uuid}/largest-slice.png"


class ImagingStudy(BaseModel):
    """One imaging study (series) of a case, from an external pipeline or computed in DART."""

    class Source(models.TextChoices):
        EXTERNAL = "external", "External pipeline"
        DART = "dart", "Computed in DART"

    case = models.ForeignKey(
        "tumorboard.Case", on_delete=models.CASCADE, related_name="imaging_studies"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    upload = models.ForeignKey(
        "core.Upload", on_delete=models.CASCADE, null=True, related_name="imaging_studies"
    )
    study_uid = models.CharField(max_length=128, blank=True)
    series_uid = models.CharField(max_length=128, blank=True)
    accession_number = models.CharField(max_length=64, blank=True)
    timepoint = models.CharField(max_length=64, blank=True)
    acquisition_date = models.DateField(null=True, blank=True)
    modality = models.CharField(max_length=16, blank=True)
    schema_version = models.CharField(max_length=16, blank=True)
    preview = models.FileField(upload_to=preview_path, max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "imaging studies"

    def __str__(self) -> str:
        return f"{self.modality} {self.timepoint} ({self.get_source_display()})"


class Lesion(BaseModel):
    """A segmented lesion with its sizes and its RECIST 1.1 measurability."""

    study = models.ForeignKey(ImagingStudy, on_delete=models.CASCADE, related_name="lesions")
    lesion_id = models.CharField(max_length=64)
    site = models.CharField(max_length=200, blank=True)
    volume_ml = models.FloatField(null=True, blank=True)
    longest_diameter_mm = models.FloatField(null=True, blank=True)
    short_axis_mm = models.FloatField(null=True, blank=True)
    lymph_node = models.BooleanField(default=False)
    measurable = models.BooleanField(default=False)
    target_lesion = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["study", "lesion_id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "lesion_id"], name="lesion_id_per_study")
        ]

    def __str__(self) -> str:
        return f"{self.lesion_id} {self.site}".strip()


class ImagingFeatureSet(BaseModel):
    """Radiomics features of one lesion and exactly how they were computed."""

    study = models.ForeignKey(ImagingStudy, on_delete=models.CASCADE, related_name="feature_sets")
    lesion = models.ForeignKey(
        Lesion, on_delete=models.CASCADE, null=True, related_name="feature_sets"
    )
    software = models.CharField(max_length=64, default="pyradiomics")
    pyradiomics_version = models.CharField(max_length=32, blank=True)
    simpleitk_version = models.CharField(max_length=32, blank=True)
    config_name = models.CharField(max_length=128, blank=True)
    config_version = models.CharField(max_length=32, blank=True)
    params_text = models.TextField(blank=True, help_text="The PyRadiomics parameter file used")
    params_sha256 = models.CharField(max_length=64, blank=True)
    standardisation = models.CharField(max_length=16, default="none")
    label = models.IntegerField(null=True, blank=True)
    features = models.JSONField(default=dict)
    diagnostics = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["study", "id"]

    def __str__(self) -> str:
        return f"{self.config_name} v{self.config_version} ({len(self.features)} features)"


class ImagingModel(BaseModel):
    """A registered model: an exported torch program and its model card."""

    name = models.CharField(max_length=128)
    version = models.CharField(max_length=32)
    target = models.CharField(max_length=128)
    kind = models.CharField(max_length=32, default="other")
    gene = models.CharField(max_length=32, blank=True)
    card = models.JSONField()
    program = models.FileField(upload_to=model_program_path, max_length=500)
    sha256 = models.CharField(max_length=64)
    research_only = models.BooleanField(default=True)
    caveat = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="imaging_model_name_version")
        ]

    @property
    def registered_at(self):
        return self.created_at

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ImagingPrediction(BaseModel):
    """One model's prediction on a case, with the model version and the extraction it used."""

    study = models.ForeignKey(ImagingStudy, on_delete=models.CASCADE, related_name="predictions")
    lesion = models.ForeignKey(
        Lesion, on_delete=models.SET_NULL, null=True, blank=True, related_name="predictions"
    )
    target = models.CharField(max_length=128)
    kind = models.CharField(max_length=32, default="other")
    gene = models.CharField(max_length=32, blank=True)
    value = models.FloatField(null=True, blank=True)
    class_label = models.CharField(max_length=64, blank=True)
    probability = models.FloatField(null=True, blank=True)
    probability_ci_low = models.FloatField(null=True, blank=True)
    probability_ci_high = models.FloatField(null=True, blank=True)
    meaning = models.CharField(max_length=500, blank=True)
    model_name = models.CharField(max_length=128)
    model_version = models.CharField(max_length=32)
    model_card_url = models.CharField(max_length=500, blank=True)
    model = models.ForeignKey(
        ImagingModel, on_delete=models.PROTECT, null=True, blank=True, related_name="predictions"
    )
    research_only = models.BooleanField(default=True)
    caveat = models.CharField(max_length=500, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    extraction = models.JSONField(default=dict, blank=True)
    feature_set = models.ForeignKey(
        ImagingFeatureSet,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="predictions",
    )
    validation = models.JSONField(default=list, blank=True)
    device = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["study", "id"]

    @property
    def uncertainty(self) -> str:
        """The interval when one was given, else the model's validation as a plain phrase."""
        if self.probability_ci_low is not None and self.probability_ci_high is not None:
            return f"95% CI {self.probability_ci_low:.2f}–{self.probability_ci_high:.2f}"
        parts = []
        for v in self.validation[:2]:
            bits = [
                f"AUC {v['auc']:.2f}" if v.get("auc") is not None else "",
                f"Brier {v['brier']:.2f}" if v.get("brier") is not None else "",
            ]
            text = ", ".join(b for b in bits if b)
            if text:
                parts.append(f"{text} ({v.get('cohort') or 'validation'})")
        return "; ".join(parts) or "no interval given"

    def __str__(self) -> str:
        return f"{self.target} {self.model_name} v{self.model_version}"
