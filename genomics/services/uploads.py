"""Registering an upload: the header is checked at once, the body is ingested by a task."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction

from core.models import Upload
from core.services.audit import audit_record
from core.services.jobs import job_create
from core.services.uploads import upload_store
from genomics.io.errors import InputError
from tumorboard.models import Case, CaseStatus
from tumorboard.services.cases import case_transition

VCF_KINDS = {Upload.Kind.SOMATIC_VCF, Upload.Kind.GERMLINE_VCF, Upload.Kind.RNA_VCF}


class DuplicateUpload(ValidationError):
    def __init__(self, existing: Upload):
        self.existing = existing
        super().__init__(
            f"This file was already uploaded to this case as '{existing.original_name}' "
            f"({existing.created_at:%Y-%m-%d %H:%M}); it is not ingested twice."
        )


def header_check(*, kind: str, path: str | Path, filename: str, case: Case, options: dict) -> dict:
    """Check what can be checked before queueing; returns what was detected. Raises InputError."""
    if kind in VCF_KINDS or kind == Upload.Kind.SV_VCF:
        from genomics.io import vcf

        header = vcf.read_header(
            path,
            filename=filename,
            tumor_sample=options.get("tumor_sample") or None,
            normal_sample=options.get("normal_sample") or None,
            declared_assembly=case.assembly if kind != Upload.Kind.SV_VCF else None,
        )
        if kind in (Upload.Kind.SOMATIC_VCF, Upload.Kind.RNA_VCF):
            vcf.require_tumor_sample(header)
        return {
            "format": "vcf",
            "caller": header.caller,
            "caller_version": header.caller_version,
            "assembly": header.assembly,
            "samples": header.samples,
            "tumor_sample": header.tumor_sample,
            "normal_sample": header.normal_sample,
            "annotation_key": header.annotation_key,
            "warnings": header.warnings[:20],
        }
    from genomics.io.detect import detect_format

    return {"format": detect_format(path, filename=filename)}


def upload_register(
    *,
    user,
    case: Case,
    kind: str,
    source: File | str | Path,
    original_name: str,
    options: dict | None = None,
    dispatch: bool = True,
) -> Upload:
    """Store the file, check its header, and queue its ingestion after the commit.

    Raises InputError for a file that is refused at once (nothing is kept), DuplicateUpload when
    the same bytes are already on the case. ``dispatch=False`` leaves the ingestion to the
    caller (the ``analyze`` command runs it in-process).
    """
    if kind not in Upload.Kind.values:
        raise ValidationError(f"Unknown upload kind '{kind}'.")
    if user is not None and user.site_id not in (None, case.site_id):
        raise PermissionDenied("Not your site's case.")
    options = {key: value for key, value in (options or {}).items() if value not in (None, "")}
    original_name = Path(original_name).name[:255] or "upload"
    with transaction.atomic():
        job = job_create(site=case.site, kind=f"ingest:{kind}", created_by=_user(user))
        upload = Upload(
            site=case.site,
            case=case,
            kind=kind,
            original_name=original_name,
            options=options,
            job=job,
            created_by=_user(user),
            size=0,
        )
        upload_store(upload=upload, source=source)
        try:
            from_server = isinstance(source, (str, Path))
            if not from_server and upload.size > settings.DART_MAX_UPLOAD_BYTES:
                raise InputError(
                    f"the file is {upload.size:,} bytes, above the limit of "
                    f"{settings.DART_MAX_UPLOAD_BYTES:,} bytes; register it from the import "
                    "folder instead",
                    filename=original_name,
                )
            existing = (
                Upload.objects.filter(case=case, sha256=upload.sha256, kind=kind)
                .exclude(job__state="failed")
                .first()
            )
            if existing is not None:
                raise DuplicateUpload(existing)
            upload.detected = header_check(
                kind=kind,
                path=Path(upload.file.path),
                filename=original_name,
                case=case,
                options=options,
            )
        except (InputError, DuplicateUpload):
            Path(upload.file.path).unlink(missing_ok=True)
            raise
        upload.save()
        audit_record(
            actor=user,
            action="create",
            obj=upload,
            site=case.site,
            summary=f"upload {original_name} ({kind}) to case {case.uuid}",
            data={"sha256": upload.sha256, "size": upload.size},
        )
        if Case.objects.get(pk=case.pk).status != CaseStatus.DATA_UPLOADED:
            case_transition(case=case, to=CaseStatus.DATA_UPLOADED, user=user)
        upload_id = upload.pk
        if dispatch:
            transaction.on_commit(lambda: _dispatch(upload_id))
    return upload


def _dispatch(upload_id: int) -> None:
    from genomics.tasks import ingest_upload

    ingest_upload.delay(upload_id)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None
