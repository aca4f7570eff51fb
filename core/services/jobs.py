"""Job rows: the state the pages and the API read while a task works.

Progress is written on a second database connection (alias ``progress``) so that readers see it
while the ingesting transaction is still open; on SQLite (the embedded demo) there is no second
writer, so intermediate progress is skipped there.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import timezone

from core.models import BackgroundJob

logger = logging.getLogger(__name__)

PROGRESS_DB = "progress"


def _progress_db() -> str | None:
    if PROGRESS_DB in settings.DATABASES and connections[PROGRESS_DB].vendor != "sqlite":
        return PROGRESS_DB
    return None


def job_create(*, site, kind: str, created_by=None, message: str = "Queued") -> BackgroundJob:
    return BackgroundJob.objects.create(
        site=site, kind=kind, created_by=created_by, message=message
    )


def job_start(*, job_id: int) -> None:
    _update(
        job_id,
        state=BackgroundJob.State.RUNNING,
        progress=0,
        error="",
        message="Running",
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    """Visible to readers at once on PostgreSQL, even inside the worker's open transaction."""
    db = _progress_db()
    if db is None:
        return
    fields = {"progress": max(0, min(99, int(progress)))}
    if message:
        fields["message"] = message[:500]
    BackgroundJob.objects.using(db).filter(pk=job_id).update(**fields)


def job_finish(*, job_id: int, message: str = "Done", log: list[str] | None = None) -> None:
    fields = {
        "state": BackgroundJob.State.DONE,
        "progress": 100,
        "message": message[:500],
        "finished_at": timezone.now(),
    }
    if log is not None:
        fields["log"] = log[:200]
    BackgroundJob.objects.filter(pk=job_id).update(**fields)


def job_fail(*, job_id: int, error: str) -> None:
    _update(
        job_id,
        state=BackgroundJob.State.FAILED,
        error=error,
        message="Failed",
        finished_at=timezone.now(),
    )


def _update(job_id: int, **fields) -> None:
    BackgroundJob.objects.using(_progress_db() or "default").filter(pk=job_id).update(**fields)


@contextmanager
def upload_job_failures(upload, *, what: str = "the file"):
    """Turn the ways an upload's task can fail into the job's message; nothing else escapes.

    A refused input (InputError) is shown as it is and audited; anything else is logged for the
    administrators and shown as an internal error. The caller's transaction has rolled back, so
    nothing was stored.
    """
    from core.services.audit import audit_record
    from genomics.io.errors import InputError

    try:
        yield
    except InputError as error:
        job_fail(job_id=upload.job_id, error=str(error))
        audit_record(
            actor=upload.created_by,
            action="refuse",
            obj=upload,
            site=upload.site,
            summary=f"refused {upload.original_name}: {error}",
        )
    except Exception:
        logger.exception("processing of upload %s failed", upload.pk)
        job_fail(
            job_id=upload.job_id,
            error=(
                f"{upload.original_name}: {what} could not be processed because of an internal "
                "error; it has been logged for the administrators. Nothing was stored."
            ),
        )
