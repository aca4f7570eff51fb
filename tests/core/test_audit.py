import pytest

from core.models import AuditEvent
from core.services.audit import audit_record


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(users, case):
    event = audit_record(actor=users["board_member"], action="view", obj=case, summary="viewed")
    assert event.site == case.site
    assert event.object_uuid == case.uuid
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "viewed"
