"""A case moves created -> data uploaded -> annotated -> ready for board -> report signed.

Each move is made the way a user makes it (page or API); moves out of order are refused with a
message and leave the status as it was.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from tests.factories import CaseFactory
from tests.tumorboard.conftest import DEMO_VCF, ingesting, upload_file
from tumorboard.models import Analysis, CaseStatus, ReportSignOff
from tumorboard.services.cases import IllegalTransition, case_transition
from tumorboard.services.reports import report_generate


def _status(case) -> str:
    case.refresh_from_db()
    return case.status


def _last_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@ingesting
def test_a_case_walks_from_created_to_report_signed(client, users, case):
    assert _status(case) == CaseStatus.CREATED

    client.force_login(users["molecular_biologist"])
    with_ingestion = client.post(
        f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf", "file": upload_file(DEMO_VCF)}
    )
    assert with_ingestion.status_code == 302
    # The eager task ran at commit: data uploaded, then annotated by the analysis.
    assert _status(case) == CaseStatus.ANNOTATED

    client.force_login(users["board_chair"])
    client.post(f"/cases/{case.uuid}/ready/")
    assert _status(case) == CaseStatus.READY_FOR_BOARD

    client.force_login(users["oncologist"])
    client.post(f"/cases/{case.uuid}/reports/")
    report = case.reports.get()

    client.force_login(users["board_chair"])
    client.post(f"/reports/{report.uuid}/sign/")
    assert _status(case) == CaseStatus.REPORT_SIGNED
    assert ReportSignOff.objects.get(report=report).signed_by == users["board_chair"]


@pytest.mark.django_db
def test_an_upload_moves_a_created_case_to_data_uploaded(client, users, case):
    """Without the ingestion task (it runs after the commit), the case waits in this status."""
    client.force_login(users["molecular_biologist"])
    client.post(
        f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf", "file": upload_file(DEMO_VCF)}
    )
    assert _status(case) == CaseStatus.DATA_UPLOADED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CaseStatus.CREATED, CaseStatus.DATA_UPLOADED])
def test_page_refuses_to_mark_ready_a_case_that_is_not_annotated(client, users, status):
    case = CaseFactory(site=users["board_chair"].site, status=status)
    client.force_login(users["board_chair"])
    response = client.post(f"/cases/{case.uuid}/ready/")
    assert response.status_code == 302
    assert "cannot move to 'Ready for board'" in _last_message(response)
    assert _status(case) == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CaseStatus.CREATED, CaseStatus.DATA_UPLOADED])
def test_api_refuses_to_mark_ready_a_case_that_is_not_annotated(client, users, status):
    case = CaseFactory(site=users["molecular_biologist"].site, status=status)
    client.force_login(users["molecular_biologist"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/status/",
        {"status": "ready_for_board"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cannot move to 'Ready for board'" in response.json()["detail"]
    assert _status(case) == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["report_signed", "annotated", "created", "discussed", "no-such-status"]
)
def test_api_status_endpoint_only_accepts_ready_for_board(client, users, target):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.ANNOTATED)
    client.force_login(users["board_chair"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/status/", {"status": target}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _status(case) == CaseStatus.ANNOTATED


@pytest.mark.django_db
def test_api_marks_an_annotated_case_ready_and_answers_with_the_new_status(client, users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.ANNOTATED)
    client.force_login(users["board_chair"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/status/",
        {"status": "ready_for_board"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ready_for_board"
    assert _status(case) == CaseStatus.READY_FOR_BOARD


@pytest.mark.django_db
def test_marking_a_ready_case_ready_again_is_refused(client, users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.READY_FOR_BOARD)
    client.force_login(users["board_chair"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/status/",
        {"status": "ready_for_board"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_page_refuses_to_sign_the_report_of_a_case_not_ready_for_board(client, users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.ANNOTATED)
    Analysis.objects.create(case=case)
    report = report_generate(case=case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    response = client.post(f"/reports/{report.uuid}/sign/")
    assert response.status_code == 302
    assert "ready for the board" in _last_message(response)
    assert not ReportSignOff.objects.filter(report=report).exists()
    assert _status(case) == CaseStatus.ANNOTATED


@pytest.mark.django_db
def test_api_refuses_to_sign_the_report_of_a_case_not_ready_for_board(client, users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.ANNOTATED)
    Analysis.objects.create(case=case)
    report = report_generate(case=case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    response = client.post(f"/api/v1/reports/{report.uuid}/sign/")
    assert response.status_code == 400
    assert "ready for the board" in response.json()["detail"]
    assert not ReportSignOff.objects.filter(report=report).exists()


@pytest.mark.django_db
def test_a_report_version_cannot_be_signed_twice(client, users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.READY_FOR_BOARD)
    Analysis.objects.create(case=case)
    report = report_generate(case=case, user=users["oncologist"])
    client.force_login(users["board_chair"])
    assert client.post(f"/api/v1/reports/{report.uuid}/sign/").status_code == 200
    again = client.post(f"/api/v1/reports/{report.uuid}/sign/")
    assert again.status_code == 400
    assert "already signed" in again.json()["detail"]
    assert ReportSignOff.objects.filter(report=report).count() == 1


@pytest.mark.django_db
def test_generating_a_report_for_a_case_without_analysis_is_refused(client, users, case):
    client.force_login(users["oncologist"])
    page = client.post(f"/cases/{case.uuid}/reports/")
    assert page.status_code == 302
    assert "no analysis yet" in _last_message(page)
    api = client.post(f"/api/v1/cases/{case.uuid}/reports/")
    assert api.status_code == 400
    assert "no analysis yet" in api.json()["detail"]
    assert not case.reports.exists()


@pytest.mark.django_db
def test_new_data_sends_an_annotated_case_back_to_data_uploaded(client, users):
    case = CaseFactory(site=users["molecular_biologist"].site, status=CaseStatus.ANNOTATED)
    client.force_login(users["molecular_biologist"])
    client.post(
        f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf", "file": upload_file(DEMO_VCF)}
    )
    assert _status(case) == CaseStatus.DATA_UPLOADED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to"),
    [
        (CaseStatus.CREATED, CaseStatus.ANNOTATED),
        (CaseStatus.CREATED, CaseStatus.READY_FOR_BOARD),
        (CaseStatus.CREATED, CaseStatus.REPORT_SIGNED),
        (CaseStatus.DATA_UPLOADED, CaseStatus.READY_FOR_BOARD),
        (CaseStatus.DATA_UPLOADED, CaseStatus.REPORT_SIGNED),
        (CaseStatus.ANNOTATED, CaseStatus.REPORT_SIGNED),
        (CaseStatus.ANNOTATED, CaseStatus.CREATED),
        (CaseStatus.REPORT_SIGNED, CaseStatus.READY_FOR_BOARD),
    ],
)
def test_the_service_refuses_moves_that_skip_or_reverse_a_step(site, start, to):
    case = CaseFactory(site=site, status=start)
    with pytest.raises(IllegalTransition):
        case_transition(case=case, to=to)
    assert _status(case) == start
