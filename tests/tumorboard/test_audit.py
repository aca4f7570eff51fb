"""Every view of patient data, every download and every change leaves an audit event naming the
actor, the site and the object; the site admin reads their own site's events only."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from core.services.audit import audit_record
from tests.factories import CaseFactory
from tests.tumorboard.conftest import DEMO_VCF, upload_file
from tumorboard.models import Analysis, CaseStatus
from tumorboard.services.reports import report_generate


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters))


@pytest.fixture
def report(users):
    case = CaseFactory(site=users["board_chair"].site, status=CaseStatus.READY_FOR_BOARD)
    Analysis.objects.create(case=case)
    return report_generate(case=case, user=users["oncologist"])


@pytest.mark.django_db
def test_opening_the_case_page_is_audited_as_a_view(client, users, case):
    client.force_login(users["board_member"])
    assert client.get(f"/cases/{case.uuid}/").status_code == 200
    (event,) = _events(action="view", object_uuid=case.uuid)
    assert event.actor == users["board_member"]
    assert event.site == case.site
    assert event.object_type == "Case"


@pytest.mark.django_db
def test_reading_a_case_through_the_api_is_audited_as_a_view(client, users, case):
    client.force_login(users["oncologist"])
    assert client.get(f"/api/v1/cases/{case.uuid}/").status_code == 200
    (event,) = _events(action="view", object_uuid=case.uuid)
    assert event.actor == users["oncologist"]
    assert event.site == case.site


@pytest.mark.django_db
def test_reading_a_cases_variants_through_the_api_is_audited_as_a_view(client, users, case):
    """Variants are patient data; a script paging through them must leave a trace too."""
    client.force_login(users["oncologist"])
    assert client.get(f"/api/v1/cases/{case.uuid}/variants/").status_code == 200
    events = _events(action="view", object_uuid=case.uuid, actor=users["oncologist"])
    assert len(events) == 1


@pytest.mark.django_db
def test_downloading_a_report_on_the_page_is_audited(client, users, report):
    client.force_login(users["board_member"])
    assert client.get(f"/reports/{report.uuid}/pdf/").status_code == 200
    (event,) = _events(action="download", object_uuid=report.uuid)
    assert event.actor == users["board_member"]
    assert event.site == report.case.site
    assert event.object_type == "Report"
    assert "v1" in event.summary


@pytest.mark.django_db
def test_downloading_a_report_through_the_api_is_audited(client, users, report):
    client.force_login(users["molecular_biologist"])
    assert client.get(f"/api/v1/reports/{report.uuid}/pdf/").status_code == 200
    (event,) = _events(action="download", object_uuid=report.uuid)
    assert event.actor == users["molecular_biologist"]
    assert event.site == report.case.site


@pytest.mark.django_db
def test_refused_requests_record_no_view_and_no_download(client, users, case, other_case, report):
    client.force_login(users["site_admin"])
    client.get(f"/cases/{case.uuid}/")
    client.get(f"/reports/{report.uuid}/pdf/")
    client.force_login(users["board_member"])
    client.get(f"/cases/{other_case.uuid}/")
    assert _events(action__in=["view", "download"]) == []


@pytest.mark.django_db
def test_creating_a_case_is_audited_with_its_creator(client, users):
    client.force_login(users["oncologist"])
    client.post("/cases/new/", {"pseudonym": "PSN-AUDIT", "assembly": "GRCh38"})
    events = _events(action="create", object_type="Case")
    assert [(e.actor, e.site) for e in events] == [(users["oncologist"], users["oncologist"].site)]


@pytest.mark.django_db
def test_an_upload_is_audited_with_its_checksum(client, users, case):
    import hashlib

    client.force_login(users["molecular_biologist"])
    client.post(
        f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf", "file": upload_file(DEMO_VCF)}
    )
    (event,) = _events(action="create", object_type="Upload")
    assert event.actor == users["molecular_biologist"]
    assert event.site == case.site
    assert event.data["sha256"] == hashlib.sha256(DEMO_VCF.read_bytes()).hexdigest()


@pytest.mark.django_db
def test_signing_a_report_is_audited_with_the_signed_checksum(client, users, report):
    client.force_login(users["board_chair"])
    client.post(f"/reports/{report.uuid}/sign/")
    (event,) = _events(action="change", object_type="Report", object_uuid=report.uuid)
    assert event.actor == users["board_chair"]
    assert event.data["sha256"] == report.sha256
    status_change = _events(action="change", object_type="Case", object_uuid=report.case.uuid)
    assert [e.data for e in status_change] == [{"from": "ready_for_board", "to": "report_signed"}]


@pytest.mark.django_db
def test_audit_log_page_shows_the_site_admin_their_own_sites_events_only(
    client, users, case, other_case
):
    audit_record(actor=users["board_member"], action="view", obj=case, summary="home-event-1")
    audit_record(actor=None, action="view", obj=other_case, summary="elsewhere-event-1")
    client.force_login(users["site_admin"])
    response = client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "home-event-1" in html
    assert "elsewhere-event-1" not in html
