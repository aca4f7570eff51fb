from __future__ import annotations

from typing import Any

from core.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj: Any | None = None,
    summary: str,
    site=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event; the site defaults to the object's site, else the actor's."""
    if site is None:
        site = getattr(obj, "site", None) or getattr(actor, "site", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        site=site,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None),
        summary=summary[:500],
        data=data or {},
    )
