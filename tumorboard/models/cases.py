from django.conf import settings
from django.db import models

from core.models import BaseModel


class Patient(BaseModel):
    """A patient known only by a pseudonym: no names or birth dates are stored anywhere."""

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="patients")
    pseudonym = models.CharField(max_length=64)

    class Meta:
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["site", "pseudonym"], name="patient_pseudonym_per_site")
        ]

    def __str__(self) -> str:
        return self.pseudonym


class CaseStatus(models.TextChoices):
    CREATED = "created", "Created"
    DATA_UPLOADED = "data_uploaded", "Data uploaded"
    ANNOTATED = "annotated", "Annotated"
    READY_FOR_BOARD = "ready_for_board", "Ready for board"
    DISCUSSED = "discussed", "Discussed"
    REPORT_SIGNED = "report_signed", "Report signed"


class Case(BaseModel):
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="cases")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    tumor_type = models.CharField(max_length=32, blank=True, help_text="OncoTree code")
    diagnosis = models.CharField(max_length=500, blank=True)
    clinical_question = models.TextField(blank=True)
    assembly = models.CharField(
        max_length=8, choices=[("GRCh37", "GRCh37"), ("GRCh38", "GRCh38")], default="GRCh38"
    )
    status = models.CharField(max_length=32, choices=CaseStatus.choices, default=CaseStatus.CREATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["site", "-created_at"], name="case_site_recent")]

    def __str__(self) -> str:
        return f"{self.patient.pseudonym} ({self.tumor_type or 'tumor type not set'})"


class Sample(BaseModel):
    class Kind(models.TextChoices):
        TUMOR = "tumor", "Tumor"
        NORMAL = "normal", "Normal"

    class Assay(models.TextChoices):
        WES = "WES", "Whole exome"
        WGS = "WGS", "Whole genome"
        RNA = "RNA", "Transcriptome"
        PANEL = "panel", "Panel"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="samples")
    name = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    assay = models.CharField(max_length=16, choices=Assay.choices, default=Assay.WES)
    purity = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name", "assay"], name="sample_unique_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.assay})"
