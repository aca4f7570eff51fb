from django.conf import settings
from django.db import models

from .base import BaseModel


def upload_path(instance: "Upload", filename: str) -> str:
    return f"uploads/{instance.site.slug}/{instance.uuid}/data"


class Upload(BaseModel):
    """A file as it arrived: checksum, size, kind and the job that ingests it."""

    class Kind(models.TextChoices):
        SOMATIC_VCF = "somatic_vcf", "Somatic small variants (VCF)"
        GERMLINE_VCF = "germline_vcf", "Germline variants (VCF)"
        RNA_VCF = "rna_vcf", "RNA variant calls (VCF)"
        FUSIONS = "fusions", "Fusions"
        SV_VCF = "sv_vcf", "Structural variants (VCF)"
        COPY_NUMBER = "copy_number", "Copy number"
        EXPRESSION = "expression", "Expression"
        IMAGING = "imaging", "Imaging"

    site = models.ForeignKey("core.Site", on_delete=models.PROTECT)
    case = models.ForeignKey(
        "tumorboard.Case", on_delete=models.CASCADE, related_name="uploads", null=True
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    file = models.FileField(upload_to=upload_path, max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    options = models.JSONField(default=dict, blank=True)
    detected = models.JSONField(default=dict, blank=True)
    record_count = models.BigIntegerField(null=True)
    job = models.OneToOneField(
        "core.BackgroundJob", on_delete=models.PROTECT, related_name="upload"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # the key the variants' (upload, case) rule refers to (genomics migration 0006)
            models.UniqueConstraint(fields=["id", "case"], name="upload_id_case")
        ]

    def __str__(self) -> str:
        return self.original_name
