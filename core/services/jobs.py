"""Job rows: the state the pages and the API read while a task works.

Progress is written on a second database connection (alias ``progress``) so that readers see it
while the ingesting transaction is still open; on SQLite (the embedded demo) there is no second
writer, so intermediate progress is skipped there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.models import BackgroundJob

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
    )
    db = _progress_db() or "default"
    job = BackgroundJob.objects.using(db).get(pk=job_id)
    job.attempts += 1
    BackgroundJob.objects.using(db).filter(pk=job_id).update(attempts=job.attempts)


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
