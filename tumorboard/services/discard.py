from django.db import transaction

from core.models import BackgroundJob
from genomics.models import Variant
from tumorboard.models import Case


@transaction.atomic
def case_discard(*, case: Case) -> None:
    """Remove a case whose creation failed half way (the `analyze` command's own run)."""
    patient = case.patient
    job_ids = list(case.uploads.values_list("job_id", flat=True))
    for upload in case.uploads.all():
        upload.file.delete(save=False)
    Variant.objects.filter(case=case).delete()  # before their uploads: see Variant.upload
    case.uploads.all().delete()
    BackgroundJob.objects.filter(pk__in=job_ids).delete()
    case.analyses.all().delete()
    case.delete()
    if not patient.cases.exists():
        patient.delete()
