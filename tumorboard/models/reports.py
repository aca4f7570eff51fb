from django.conf import settings
from django.db import models

from core.models import BaseModel


def report_path(instance: "Report", filename: str) -> str:
    case = instance.case
    return f"reports/{case.site.slug}/{case.uuid}/v{instance.version}-{instance.uuid}.pdf"


class Report(BaseModel):
    """A rendered PDF report. Frozen once signed: a change makes a new version."""

    case = models.ForeignKey("tumorboard.Case", on_delete=models.PROTECT, related_name="reports")
    analysis = models.ForeignKey(
        "tumorboard.Analysis", on_delete=models.PROTECT, related_name="reports", null=True
    )
    version = models.PositiveIntegerField()
    pdf = models.FileField(upload_to=report_path, max_length=500)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="report_version_per_case")
        ]

    @property
    def site(self):
        return self.case.site

    @property
    def is_signed(self) -> bool:
        return hasattr(self, "sign_off")

    def save(self, *args, **kwargs):
        if self.pk and ReportSignOff.objects.filter(report_id=self.pk).exists():
            raise PermissionError("A signed report cannot change; generate a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if ReportSignOff.objects.filter(report_id=self.pk).exists():
            raise PermissionError("A signed report cannot be deleted.")
        return super().delete(*args, **kwargs)


class ReportSignOff(BaseModel):
    """Who signed which exact PDF bytes, and when."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="sign_off")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    sha256 = models.CharField(max_length=64)
