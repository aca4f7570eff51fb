from django.db.models import QuerySet

from core.models import AuditEvent, BackgroundJob


def audit_events_for(*, user) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(site_id=user.site_id).select_related("actor")


def job_for_user(*, user, job_uuid) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(uuid=job_uuid, site_id=user.site_id).first()
