from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.services.audit import audit_record
from tumorboard.models import Case, CaseStatus, Patient, Sample

# Legal status moves. A new upload sends an annotated case back to "data uploaded" until its
# data are annotated again; "discussed" is reached through a board session.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.CREATED: frozenset({CaseStatus.DATA_UPLOADED}),
    CaseStatus.DATA_UPLOADED: frozenset({CaseStatus.DATA_UPLOADED, CaseStatus.ANNOTATED}),
    CaseStatus.ANNOTATED: frozenset({CaseStatus.DATA_UPLOADED, CaseStatus.READY_FOR_BOARD}),
    CaseStatus.READY_FOR_BOARD: frozenset(
        {CaseStatus.DATA_UPLOADED, CaseStatus.DISCUSSED, CaseStatus.REPORT_SIGNED}
    ),
    CaseStatus.DISCUSSED: frozenset({CaseStatus.REPORT_SIGNED}),
    CaseStatus.REPORT_SIGNED: frozenset({CaseStatus.REPORT_SIGNED, CaseStatus.DATA_UPLOADED}),
}

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class IllegalTransition(ValidationError):
    pass


def pseudonym_generate() -> str:
    return "DART-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))


@transaction.atomic
def case_create(
    *,
    user,
    site,
    pseudonym: str | None = None,
    tumor_type: str = "",
    diagnosis: str = "",
    clinical_question: str = "",
    assembly: str = "GRCh38",
) -> Case:
    """Create a case (and its patient by pseudonym, reused when the site already knows it)."""
    if user is not None and getattr(user, "site_id", None) not in (None, site.id):
        raise PermissionDenied("Cases can only be created at your own site.")
    patient, created = Patient.objects.get_or_create(
        site=site, pseudonym=(pseudonym or pseudonym_generate()).strip()
    )
    if created:
        audit_record(actor=user, action="create", obj=patient, summary=f"patient {patient}")
    case = Case.objects.create(
        site=site,
        patient=patient,
        tumor_type=tumor_type.strip().upper(),
        diagnosis=diagnosis.strip(),
        clinical_question=clinical_question.strip(),
        assembly=assembly,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(actor=user, action="create", obj=case, summary=f"case of {patient}")
    return case


def case_transition(*, case: Case, to: str, user=None) -> Case:
    """Move a case to a new status; an illegal move raises IllegalTransition."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if to not in CASE_TRANSITIONS.get(locked.status, frozenset()):
            raise IllegalTransition(
                f"A case that is '{locked.get_status_display()}' cannot move to "
                f"'{CaseStatus(to).label}'."
            )
        if locked.status != to:
            previous = locked.status
            locked.status = to
            locked.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=user,
                action="change",
                obj=locked,
                summary=f"status {previous} -> {to}",
                data={"from": previous, "to": to},
            )
    case.status = to
    return case


def sample_ensure(*, case: Case, name: str, kind: str, assay: str, purity=None) -> Sample:
    sample, _ = Sample.objects.get_or_create(
        case=case, name=name[:200], assay=assay, defaults={"kind": kind, "purity": purity}
    )
    return sample
