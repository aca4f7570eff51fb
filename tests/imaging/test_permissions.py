"""Who may do what with imaging, written out by hand: each endpoint x each role at the case's own
site, and a user of another site (404: the case's existence is not revealed)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from imaging.models import ImagingStudy
from tests.factories import UserFactory
from tests.imaging.conftest import EXAMPLE_JSON, upload_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

MB, BM, BC, ONC, ADMIN = (
    "molecular_biologist",
    "board_member",
    "board_chair",
    "oncologist",
    "site_admin",
)

# endpoint -> expected status per role; "ok" = allowed (2xx, or 400 for the empty request)
EXPECTED = {
    "api-import": {MB: 201, BM: 403, BC: 403, ONC: 403, ADMIN: 403},
    "api-images": {MB: 400, BM: 403, BC: 403, ONC: 403, ADMIN: 403},
    "api-case-imaging": {MB: 200, BM: 200, BC: 200, ONC: 200, ADMIN: 403},
    "api-models-get": {MB: 200, BM: 200, BC: 200, ONC: 200, ADMIN: 200},
    "api-models-post": {MB: 400, BM: 403, BC: 403, ONC: 403, ADMIN: 400},
    "page-import": {MB: 302, BM: 403, BC: 403, ONC: 403, ADMIN: 403},
    "page-images": {MB: 302, BM: 403, BC: 403, ONC: 403, ADMIN: 403},
    "page-preview": {MB: 200, BM: 200, BC: 200, ONC: 200, ADMIN: 403},
}
OTHER_SITE = {
    "api-import": 404, "api-images": 404, "api-case-imaging": 404, "page-import": 404,
    "page-images": 404, "page-preview": 404,
}  # fmt: skip


def study_with_preview(case) -> ImagingStudy:
    study = ImagingStudy(case=case, source="dart", modality="CT")
    study.preview.save("p.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=False)
    study.save()
    return study


def call(client, endpoint: str, case, study):
    if endpoint == "api-import":
        return client.post(
            f"/api/v1/cases/{case.uuid}/imaging/predictions/", {"file": upload_file(EXAMPLE_JSON)}
        )
    if endpoint == "api-images":
        return client.post(f"/api/v1/cases/{case.uuid}/imaging/images/", {})
    if endpoint == "api-case-imaging":
        return client.get(f"/api/v1/cases/{case.uuid}/imaging/")
    if endpoint == "api-models-get":
        return client.get("/api/v1/imaging/models/")
    if endpoint == "api-models-post":
        return client.post("/api/v1/imaging/models/", {})
    if endpoint == "page-import":
        return client.post(
            f"/imaging/cases/{case.uuid}/predictions/", {"file": upload_file(EXAMPLE_JSON)}
        )
    if endpoint == "page-images":
        return client.post(f"/imaging/cases/{case.uuid}/images/", {})
    if endpoint == "page-preview":
        return client.get(f"/imaging/studies/{study.uuid}/largest-slice.png")
    raise AssertionError(endpoint)


@pytest.mark.parametrize("role", [MB, BM, BC, ONC, ADMIN])
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_own_site_matrix(client, users, case, endpoint, role):
    study = study_with_preview(case)
    client.force_login(users[role])
    assert call(client, endpoint, case, study).status_code == EXPECTED[endpoint][role]


@pytest.mark.parametrize("endpoint", list(OTHER_SITE))
def test_another_sites_case_is_not_found(client, other_case, site, endpoint):
    study = study_with_preview(other_case)
    client.force_login(UserFactory(username="home-mb", site=site, role=MB))
    assert call(client, endpoint, other_case, study).status_code == OTHER_SITE[endpoint]
    assert ImagingStudy.objects.filter(case=other_case).count() == 1


def test_anonymous_users_are_sent_to_log_in(client, case):
    response = client.get(f"/imaging/studies/{study_with_preview(case).uuid}/largest-slice.png")
    assert response.status_code in (302, 401, 403)
    assert not response.has_header("Content-Type") or "image/png" not in response["Content-Type"]
