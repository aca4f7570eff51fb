"""SIGKILL the whole worker in the middle of a large ingestion: nothing is half-stored, and once a
worker runs again the redelivered task completes the upload exactly once."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone

from core.models import BackgroundJob, Upload
from genomics.models import Variant
from genomics.services.uploads import upload_register
from tests.integration.worker import (
    alleles_in_vcf,
    mutect2_vcf,
    open_transactions_of_others,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECORDS = 300_000
REDELIVERY_SECONDS = 5


@pytest.fixture(scope="module")
def large_vcf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("large-vcf")
    return mutect2_vcf(folder / "WGS-T1.mutect2.filtered.vcf.gz", records=RECORDS, seed=7)


def _job(upload: Upload) -> BackgroundJob:
    return BackgroundJob.objects.get(pk=upload.job_id)


def _half_way(upload: Upload) -> BackgroundJob | None:
    job = _job(upload)
    if job.state == BackgroundJob.State.DONE:
        raise AssertionError("the ingestion finished before the worker could be killed")
    return job if job.state == BackgroundJob.State.RUNNING and 0 < job.progress < 100 else None


def _finished(upload: Upload) -> BackgroundJob | None:
    job = _job(upload)
    return job if job.state in (BackgroundJob.State.DONE, BackgroundJob.State.FAILED) else None


def test_a_killed_ingestion_stores_nothing_and_the_redelivered_task_completes_it_once(
    start_worker, large_vcf, users, case
):
    expected = alleles_in_vcf(large_vcf)
    # Its own redelivery timeout is an hour: only the next worker's short one brings the task back.
    first = start_worker(pool="prefork")
    upload = upload_register(
        user=users["molecular_biologist"],
        case=case,
        kind=Upload.Kind.SOMATIC_VCF,
        source=large_vcf,
        original_name=large_vcf.name,
    )

    job = wait_until(
        lambda: _half_way(upload),
        timeout=120,
        interval=0.05,
        what="the ingestion to report progress",
        diagnostics=lambda: first.log(tail=40),
    )
    assert open_transactions_of_others() >= 1, "the ingestion's transaction is open"
    first.kill()

    assert not first.alive
    wait_until(
        lambda: open_transactions_of_others() == 0,
        timeout=30,
        what="PostgreSQL to roll back the killed worker's transaction",
    )
    upload.refresh_from_db()
    assert upload.record_count is None
    assert Variant.objects.filter(upload=upload).count() == 0, "no variant of the killed run"
    assert _job(upload).state == BackgroundJob.State.RUNNING
    assert case.analyses.count() == 0

    # The task was fetched before the job started; once it has been unacknowledged for longer than
    # the visibility timeout, a starting consumer restores it to its queue.
    due = job.started_at + timedelta(seconds=REDELIVERY_SECONDS + 1)
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()))
    second = start_worker(pool="prefork", redelivery_seconds=REDELIVERY_SECONDS)

    job = wait_until(
        lambda: _finished(upload),
        timeout=180,
        interval=0.5,
        what="the redelivered task to finish the ingestion",
        diagnostics=lambda: second.log(tail=40),
    )
    assert job.state == BackgroundJob.State.DONE, job.error
    assert job.attempts == 2, "started by the killed worker, then once more after redelivery"
    variants = Variant.objects.filter(upload=upload)
    assert variants.count() == expected
    assert variants.values("line").distinct().count() == RECORDS, "every record of the file"
    assert not variants.values("variant_id", "line").annotate(n=Count("id")).filter(n__gt=1)
    upload.refresh_from_db()
    assert upload.record_count == expected
    assert case.analyses.count() == 1
