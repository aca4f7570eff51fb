"""Uploading data through the case page and the API, above all what happens to bad input.

A refused file gives a plain message naming the file (and the line where there is one), stores
nothing (no Upload row, no job, no variant, no file under MEDIA_ROOT) and never answers 500.
Files that pass the header check but are broken further down fail in the ingestion job, with the
message on the job, and leave no variant behind.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from core.models import BackgroundJob, Upload
from genomics.models import Variant
from tests.tumorboard.conftest import (
    DEMO_VCF,
    VCF_DATA,
    files_under,
    ingesting,
)
from tumorboard.models import CaseStatus

# file name, bytes (or a path under tests/data/vcf), form fields, what the message must say
HEADER_REFUSALS = [
    pytest.param(
        "handmade_fastq_renamed.vcf", "handmade_fastq_renamed.vcf", {},
        "this is a FASTQ reads file, not a VCF", id="fastq-renamed-vcf",
    ),
    pytest.param(
        "handmade_bam_renamed.vcf", "handmade_bam_renamed.vcf", {},
        "this is a BAM alignment file, not a VCF", id="bam-renamed-vcf",
    ),
    pytest.param(
        "handmade_meta_only_no_chrom_line.vcf", "handmade_meta_only_no_chrom_line.vcf", {},
        "line 70: the header line '#CHROM", id="header-without-chrom-line",
    ),
    pytest.param(
        "somaticseq_paired_LoFreq.snv.tiny_ref.vcf.gz",
        "somaticseq_paired_LoFreq.snv.tiny_ref.vcf.gz",
        {"tumor_sample": "TUMOR"},
        "sample 'TUMOR' is not in this file", id="no-samples-but-a-tumor-sample-named",
    ),
]  # fmt: skip

EMPTY_FILES = [
    pytest.param("empty.vcf", id="empty-vcf"),
    pytest.param("empty.vcf.gz", id="empty-vcf-gz"),
]


def _bytes(source: str) -> bytes:
    return (VCF_DATA / source).read_bytes()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _post_page(client, case, name: str, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"kind": "somatic_vcf", "file": SimpleUploadedFile(name, content), **fields}
    return client.post(f"/cases/{case.uuid}/uploads/", data)


def _post_api(client, case, name: str, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"kind": "somatic_vcf", "file": SimpleUploadedFile(name, content), **fields}
    return client.post(f"/api/v1/cases/{case.uuid}/uploads/", data)


def _assert_nothing_stored(case, media_root):
    assert Upload.objects.count() == 0
    assert BackgroundJob.objects.count() == 0
    assert Variant.objects.count() == 0
    assert files_under(media_root) == []
    case.refresh_from_db()
    assert case.status == CaseStatus.CREATED


# ---- refused at once, before anything is queued ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source", "fields", "reason"), HEADER_REFUSALS)
def test_page_refuses_a_bad_file_naming_it_and_stores_nothing(
    client, users, case, media_root, name, source, fields, reason
):
    client.force_login(users["molecular_biologist"])
    response = _post_page(client, case, name, _bytes(source), **fields)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.uuid}/"
    (message,) = _messages(response)
    assert message.startswith("Upload refused:")
    assert f"{name}" in message
    assert reason in message
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source", "fields", "reason"), HEADER_REFUSALS)
def test_api_refuses_a_bad_file_with_400_naming_it_and_stores_nothing(
    client, users, case, media_root, name, source, fields, reason
):
    client.force_login(users["molecular_biologist"])
    response = _post_api(client, case, name, _bytes(source), **fields)
    assert response.status_code == 400
    body = response.json()
    assert body["file"] == name
    assert name in body["detail"]
    assert reason in body["detail"]
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
def test_api_gives_the_line_of_a_header_refusal_as_a_field(client, users, case):
    client.force_login(users["molecular_biologist"])
    name = "handmade_meta_only_no_chrom_line.vcf"
    response = _post_api(client, case, name, _bytes(name))
    assert response.json()["line"] == 70


@pytest.mark.django_db
@pytest.mark.parametrize("name", EMPTY_FILES)
def test_page_refuses_an_empty_file_naming_it(client, users, case, media_root, name):
    client.force_login(users["molecular_biologist"])
    response = _post_page(client, case, name, b"")
    assert response.status_code == 302
    (message,) = _messages(response)
    assert "empty" in message
    assert name in message
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
@pytest.mark.parametrize("name", EMPTY_FILES)
def test_api_refuses_an_empty_file_with_400_naming_it(client, users, case, media_root, name):
    client.force_login(users["molecular_biologist"])
    response = _post_api(client, case, name, b"")
    assert response.status_code == 400
    assert "empty" in str(response.json())
    assert name in str(response.json())
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
def test_page_refuses_an_upload_without_a_file(client, users, case, media_root):
    client.force_login(users["molecular_biologist"])
    response = client.post(f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf"})
    assert response.status_code == 302
    (message,) = _messages(response)
    assert message.startswith("Upload refused:")
    assert "file" in message
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
def test_upload_by_a_role_that_may_not_upload_is_403_and_stores_nothing(
    client, users, case, media_root
):
    for role in ("board_member", "board_chair", "oncologist", "site_admin"):
        client.force_login(users[role])
        assert _post_page(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes()).status_code == 403
        assert _post_api(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes()).status_code == 403
    _assert_nothing_stored(case, media_root)


@pytest.mark.django_db
def test_upload_to_another_sites_case_is_404_and_stores_nothing(
    client, users, other_case, media_root
):
    client.force_login(users["molecular_biologist"])
    assert _post_page(client, other_case, DEMO_VCF.name, DEMO_VCF.read_bytes()).status_code == 404
    assert _post_api(client, other_case, DEMO_VCF.name, DEMO_VCF.read_bytes()).status_code == 404
    _assert_nothing_stored(other_case, media_root)


# ---- duplicates --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_file_uploaded_twice_on_the_page_is_refused_as_a_duplicate(
    client, users, case, media_root
):
    client.force_login(users["molecular_biologist"])
    first = _post_page(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes())
    assert _messages(first) == [f"{DEMO_VCF.name} accepted; ingestion is queued."]
    again = _post_page(client, case, "renamed-copy.vcf.gz", DEMO_VCF.read_bytes())
    assert again.status_code == 302
    message = _messages(again)[-1]  # the first page's message was not shown yet
    assert "already uploaded" in message
    assert DEMO_VCF.name in message
    assert Upload.objects.filter(case=case).count() == 1
    assert len(files_under(media_root)) == 1


@pytest.mark.django_db
def test_the_same_file_uploaded_twice_through_the_api_is_refused_with_400(
    client, users, case, media_root
):
    client.force_login(users["molecular_biologist"])
    first = _post_api(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes())
    assert first.status_code == 201
    again = _post_api(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes())
    assert again.status_code == 400
    assert "already uploaded" in again.json()["detail"]
    assert Upload.objects.filter(case=case).count() == 1
    assert len(files_under(media_root)) == 1


# ---- accepted uploads ------------------------------------------------------------------


@pytest.mark.django_db
def test_api_upload_answers_201_with_the_checksum_and_what_the_header_showed(client, users, case):
    import hashlib

    client.force_login(users["molecular_biologist"])
    response = _post_api(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes())
    assert response.status_code == 201
    body = response.json()
    assert body["case"] == str(case.uuid)
    assert body["original_name"] == DEMO_VCF.name
    assert body["sha256"] == hashlib.sha256(DEMO_VCF.read_bytes()).hexdigest()
    assert body["size"] == 73787
    assert body["detected"]["format"] == "vcf"
    assert body["state"] == "queued"


@ingesting
def test_page_upload_of_the_demo_vcf_is_ingested_and_shows_braf_v600e(client, users, case):
    client.force_login(users["molecular_biologist"])
    response = _post_page(client, case, DEMO_VCF.name, DEMO_VCF.read_bytes())
    assert response.status_code == 302
    upload = Upload.objects.get(case=case)
    upload.job.refresh_from_db()
    assert upload.job.state == "done"
    assert upload.job.progress == 100
    assert upload.record_count == 3313
    braf = Variant.objects.get(case=case, chrom="7", pos=140753336)
    assert (braf.ref, braf.alt, braf.gene) == ("A", "T", "BRAF")
    assert braf.hgvsp == "p.Val600Glu"
    progress = client.get(f"/uploads/{upload.uuid}/progress/")
    assert 'data-state="done"' in progress.content.decode()
    page = client.get(f"/cases/{case.uuid}/").content.decode()
    assert "BRAF" in page


@ingesting
def test_a_vcf_without_sample_columns_is_valid_and_takes_vaf_from_info(client, users, case):
    """LoFreq writes 8 columns only, with AF and DP in INFO; no sample is needed for that."""
    client.force_login(users["molecular_biologist"])
    name = "somaticseq_paired_LoFreq.snv.tiny_ref.vcf.gz"
    response = _post_api(client, case, name, _bytes(name))
    assert response.status_code == 201
    upload = Upload.objects.get(case=case)
    upload.job.refresh_from_db()
    assert upload.job.state == "done", upload.job.error
    assert Variant.objects.filter(case=case).count() == 67
    first = Variant.objects.get(case=case, chrom="1", pos=8450)  # DP=44;AF=1.000000
    assert (first.ref, first.alt) == ("T", "G")
    assert first.vaf == pytest.approx(1.0)
    assert first.depth == 44


# ---- refused while ingesting (the body is broken) --------------------------------------


@ingesting
def test_a_truncated_gzip_fails_its_job_with_a_message_and_leaves_no_variant(
    client, users, case, tmp_path
):
    client.force_login(users["molecular_biologist"])
    data = DEMO_VCF.read_bytes()
    response = _post_api(client, case, "T001-truncated.vcf.gz", data[: len(data) // 2])
    assert response.status_code == 201
    detail = client.get(f"/api/v1/uploads/{response.json()['id']}/").json()
    assert detail["state"] == "failed"
    assert detail["error"].startswith("T001-truncated.vcf.gz: ")
    assert "truncated" in detail["error"]
    assert Variant.objects.filter(case=case).count() == 0


@ingesting
def test_a_record_with_more_values_than_format_keys_fails_its_job_naming_file_and_line(
    client, users, case
):
    client.force_login(users["molecular_biologist"])
    name = "handmade_format_more_values_than_keys.vcf"
    response = _post_page(client, case, name, _bytes(name))
    assert response.status_code == 302
    upload = Upload.objects.get(case=case)
    upload.job.refresh_from_db()
    assert upload.job.state == "failed"
    assert upload.job.error.startswith(f"{name}, line 76: ")
    assert "more values" in upload.job.error
    assert Variant.objects.filter(case=case).count() == 0
    row = client.get(f"/uploads/{upload.uuid}/progress/").content.decode()
    assert 'role="alert"' in row
    assert f"{name}, line 76" in row


@ingesting
def test_a_failed_upload_does_not_block_uploading_the_same_bytes_again(client, users, case):
    """A failed job is not a duplicate: after fixing the cause (e.g. the sample), retry works."""
    client.force_login(users["molecular_biologist"])
    name = "handmade_format_more_values_than_keys.vcf"
    _post_page(client, case, name, _bytes(name))
    response = _post_page(client, case, name, _bytes(name))
    assert "already uploaded" not in " ".join(_messages(response))
    assert Upload.objects.filter(case=case).count() == 2
