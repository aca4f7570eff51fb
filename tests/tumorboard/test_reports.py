"""Reports: a PDF of the ranked options, signed by the chair over its exact bytes, then frozen."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CaseFactory
from tests.tumorboard.conftest import ingesting
from tumorboard.models import Analysis, CaseStatus, Report, ReportSignOff
from tumorboard.services.reports import report_generate


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _download(client, report) -> bytes:
    response = client.get(f"/reports/{report.uuid}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def ready_case(users):
    """A case ready for the board with an (empty) analysis: enough to render and sign."""
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.READY_FOR_BOARD)
    Analysis.objects.create(case=case)
    return case


@ingesting
def test_report_of_the_demo_colorectal_case_names_braf_and_encorafenib(
    client, users, annotated_case, tmp_path
):
    client.force_login(users["oncologist"])
    response = client.post(f"/cases/{annotated_case.uuid}/reports/")
    assert response.status_code == 302
    report = annotated_case.reports.get()
    assert report.version == 1
    data = _download(client, report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "BRAF" in text
    assert "Encorafenib" in text
    assert "COADREAD" in text
    assert annotated_case.patient.pseudonym in text
    assert "DART report version 1" in text
    assert "Page 1" in text


@ingesting
def test_api_report_pdf_of_the_demo_case_is_the_same_document(client, users, annotated_case):
    client.force_login(users["board_chair"])
    created = client.post(f"/api/v1/cases/{annotated_case.uuid}/reports/")
    assert created.status_code == 201
    body = created.json()
    assert body["version"] == 1
    assert body["signed"] is False
    pdf = client.get(f"/api/v1/reports/{body['id']}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == body["sha256"]


@pytest.mark.django_db
def test_the_downloaded_pdf_is_named_by_pseudonym_and_version(client, users, ready_case):
    report = report_generate(case=ready_case, user=users["oncologist"])
    client.force_login(users["board_member"])
    response = client.get(f"/reports/{report.uuid}/pdf/")
    name = f"DART-{ready_case.patient.pseudonym}-v1.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.django_db
def test_sign_off_records_who_when_and_the_sha256_of_the_pdf_bytes(client, users, ready_case):
    report = report_generate(case=ready_case, user=users["oncologist"])
    client.force_login(users["board_member"])
    downloaded = _download(client, report)

    client.force_login(users["board_chair"])
    before = timezone.now()
    response = client.post(f"/reports/{report.uuid}/sign/")
    after = timezone.now()
    assert response.status_code == 302

    sign_off = ReportSignOff.objects.get(report=report)
    assert sign_off.signed_by == users["board_chair"]
    assert before - timedelta(seconds=1) <= sign_off.signed_at <= after + timedelta(seconds=1)
    assert sign_off.sha256 == hashlib.sha256(downloaded).hexdigest()

    listed = client.get(f"/api/v1/cases/{ready_case.uuid}/reports/").json()
    (row,) = listed
    assert row["signed"] is True
    assert row["signed_by"] == users["board_chair"].username
    assert row["sha256"] == sign_off.sha256


@pytest.mark.django_db
def test_api_sign_answers_with_the_signed_report(client, users, ready_case):
    report = report_generate(case=ready_case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    body = client.post(f"/api/v1/reports/{report.uuid}/sign/").json()
    assert body["id"] == str(report.uuid)
    assert body["signed"] is True
    assert body["signed_by"] == users["board_chair"].username
    assert body["signed_at"] is not None


@pytest.mark.django_db
def test_a_signed_report_cannot_be_saved_or_deleted(client, users, ready_case):
    report = report_generate(case=ready_case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    client.post(f"/reports/{report.uuid}/sign/")
    report = Report.objects.get(pk=report.pk)
    report.sha256 = "0" * 64
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(PermissionError):
        report.delete()
    assert Report.objects.get(pk=report.pk).sha256 == ReportSignOff.objects.get().sha256


@pytest.mark.django_db
def test_generating_again_after_signing_makes_version_2_and_keeps_version_1(
    client, users, ready_case
):
    first = report_generate(case=ready_case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    v1_bytes = _download(client, first)
    client.post(f"/reports/{first.uuid}/sign/")

    client.force_login(users["oncologist"])
    assert client.post(f"/cases/{ready_case.uuid}/reports/").status_code == 302
    versions = sorted(ready_case.reports.values_list("version", flat=True))
    assert versions == [1, 2]
    second = ready_case.reports.get(version=2)
    assert not second.is_signed

    again = _download(client, first)
    assert again == v1_bytes
    assert hashlib.sha256(again).hexdigest() == ReportSignOff.objects.get(report=first).sha256
    assert _download(client, second) != v1_bytes


@pytest.mark.django_db
def test_a_report_whose_stored_pdf_was_altered_is_not_signed(client, users, ready_case):
    report = report_generate(case=ready_case, user=users["oncologist"])
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"% tampered\n")
    client.force_login(users["board_chair"])
    response = client.post(f"/api/v1/reports/{report.uuid}/sign/")
    assert response.status_code == 400
    assert "does not match its checksum" in response.json()["detail"]
    assert not ReportSignOff.objects.exists()
