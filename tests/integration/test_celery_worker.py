"""A real Celery worker process on a real Redis broker ingests an upload into PostgreSQL."""

import gzip

import pytest
from django.db.models import Count

from core.models import BackgroundJob, Upload
from genomics.models import Variant
from genomics.services.uploads import upload_register
from genomics.tasks import ingest_upload
from tests.integration.worker import alleles_in_vcf, mutect2_vcf, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECORDS = 3000


def _finished_job(upload: Upload) -> BackgroundJob | None:
    job = BackgroundJob.objects.get(pk=upload.job_id)
    return job if job.state in (BackgroundJob.State.DONE, BackgroundJob.State.FAILED) else None


def _first_multiallelic_record(path) -> tuple[int, list[str]]:
    """(line number in the file, ALT alleles) of the first record with more than one ALT."""
    with gzip.open(path, "rt") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.startswith("#"):
                alts = line.split("\t")[4].split(",")
                if len(alts) > 1:
                    return number, alts
    raise AssertionError("the generated file has no multi-allelic record")


def test_an_upload_is_ingested_by_a_real_worker_and_a_duplicated_task_adds_nothing(
    start_worker, users, case, tmp_path
):
    vcf = mutect2_vcf(tmp_path / "T1.mutect2.filtered.vcf.gz", records=RECORDS, seed=11)
    expected = alleles_in_vcf(vcf)
    assert expected > RECORDS, "the file must contain multi-allelic records to split"
    worker = start_worker()

    upload = upload_register(
        user=users["molecular_biologist"],
        case=case,
        kind=Upload.Kind.SOMATIC_VCF,
        source=vcf,
        original_name=vcf.name,
    )

    job = wait_until(
        lambda: _finished_job(upload),
        timeout=90,
        what="the worker to finish the ingestion",
        diagnostics=lambda: worker.log(tail=40),
    )
    assert job.state == BackgroundJob.State.DONE, job.error
    assert job.progress == 100
    assert "Task genomics.ingest_upload[" in worker.log(), "the worker process ran the task"
    variants = Variant.objects.filter(upload=upload)
    assert variants.count() == expected
    upload.refresh_from_db()
    assert upload.record_count == expected
    line, alts = _first_multiallelic_record(vcf)
    assert sorted(variants.filter(line=line).values_list("alt", flat=True)) == sorted(alts)

    duplicate = ingest_upload.delay(upload.pk)
    worker.wait_for_task(duplicate.id)

    assert variants.count() == expected
    assert not variants.values("variant_id", "line").annotate(n=Count("id")).filter(n__gt=1)
    job.refresh_from_db()
    assert job.state == BackgroundJob.State.DONE
    assert job.attempts == 1, "the duplicated task must not ingest the file a second time"
