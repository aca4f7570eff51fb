# ruff: noqa: E501 (the permission tables below are kept one row per endpoint)
"""Who may do what, page by page and endpoint by endpoint.

The expected status of every cell is written out by hand below; it is deliberately NOT derived
from core/rules.py, so a change of the rules that breaks the policy makes these tests fail.

Policy: the four clinical roles see their site's cases, uploads, variants, recommendations and
reports; the site admin sees none of them but the audit log. Creating a case: molecular biologist
and oncologist. Uploading (or registering a file from the import folder): molecular biologist.
Marking ready: molecular biologist and board chair. Generating a report: board chair and
oncologist. Signing: board chair. Another site's object is 404 for everybody (its existence is not
revealed), checked before the role.
Pages answer a successful POST with a redirect (302); the anonymous are sent to the login page
(pages) or get 401 (API).
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from core.models import Role, Upload
from core.services.jobs import job_create, job_finish
from tests.factories import CaseFactory, UserFactory
from tests.tumorboard.conftest import DEMO_VCF, upload_file
from tumorboard.models import Analysis, Case, CaseStatus, Report, ReportSignOff
from tumorboard.services.reports import report_generate

MB, BM, BC, ONC, SA = (
    Role.MOLECULAR_BIOLOGIST,
    Role.BOARD_MEMBER,
    Role.BOARD_CHAIR,
    Role.ONCOLOGIST,
    Role.SITE_ADMIN,
)
ROLES = (MB, BM, BC, ONC, SA)
NA = None  # the endpoint has no object of another site to point at

# fmt: off
# name                     method  url                                   own site: MB   BM   BC   ONC  SA     other site's object: MB BM   BC   ONC  SA     anonymous
PAGES = [
    ("case list",           "GET",  "/",                                (200, 200, 200, 200, 403), NA,                         302),
    ("new case form",       "GET",  "/cases/new/",                      (200, 403, 403, 200, 403), NA,                         302),
    ("create case",         "POST", "/cases/new/",                      (302, 403, 403, 302, 403), NA,                         302),
    ("case page",           "GET",  "/cases/{case}/",                   (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 302),
    ("variant table",       "GET",  "/cases/{case}/variants/",          (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 302),
    ("upload data",         "POST", "/cases/{case}/uploads/",           (302, 403, 403, 403, 403), (404, 404, 404, 404, 404), 302),
    ("upload progress",     "GET",  "/uploads/{upload}/progress/",      (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 302),
    ("mark ready",          "POST", "/cases/{case}/ready/",             (302, 403, 302, 403, 403), (404, 404, 404, 404, 404), 302),
    ("generate report",     "POST", "/cases/{case}/reports/",           (403, 403, 302, 302, 403), (404, 404, 404, 404, 404), 302),
    ("sign report",         "POST", "/reports/{report}/sign/",          (403, 403, 302, 403, 403), (404, 404, 404, 404, 404), 302),
    ("download report",     "GET",  "/reports/{report}/pdf/",           (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 302),
    ("audit log",           "GET",  "/audit/",                          (403, 403, 403, 403, 200), NA,                         302),
]

API = [
    ("list cases",          "GET",  "/api/v1/cases/",                   (200, 200, 200, 200, 403), NA,                         401),
    ("create case",         "POST", "/api/v1/cases/",                   (201, 403, 403, 201, 403), NA,                         401),
    ("case detail",         "GET",  "/api/v1/cases/{case}/",            (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("case result",         "GET",  "/api/v1/cases/{case}/result/",     (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("mark ready",          "POST", "/api/v1/cases/{case}/status/",     (200, 403, 200, 403, 403), (404, 404, 404, 404, 404), 401),
    ("list uploads",        "GET",  "/api/v1/cases/{case}/uploads/",    (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("upload data",         "POST", "/api/v1/cases/{case}/uploads/",    (201, 403, 403, 403, 403), (404, 404, 404, 404, 404), 401),
    ("import data",         "POST", "/api/v1/cases/{case}/imports/",    (201, 403, 403, 403, 403), (404, 404, 404, 404, 404), 401),
    ("upload detail",       "GET",  "/api/v1/uploads/{upload}/",        (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("variants",            "GET",  "/api/v1/cases/{case}/variants/",   (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("recommendations",     "GET",  "/api/v1/cases/{case}/recommendations/", (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("list reports",        "GET",  "/api/v1/cases/{case}/reports/",    (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
    ("generate report",     "POST", "/api/v1/cases/{case}/reports/",    (403, 403, 201, 201, 403), (404, 404, 404, 404, 404), 401),
    ("sign report",         "POST", "/api/v1/reports/{report}/sign/",   (403, 403, 200, 403, 403), (404, 404, 404, 404, 404), 401),
    ("download report",     "GET",  "/api/v1/reports/{report}/pdf/",    (200, 200, 200, 200, 403), (404, 404, 404, 404, 404), 401),
]
# fmt: on


def _cells(table) -> list:
    return list(_iter_cells(table))


def _iter_cells(table):
    for name, method, url, own, other, _anonymous in table:
        for role, expected in zip(ROLES, own):
            yield pytest.param(name, method, url, role, "own", expected, id=f"{name}-{role}-own")
        if other is not NA:
            for role, expected in zip(ROLES, other):
                yield pytest.param(
                    name, method, url, role, "other", expected, id=f"{name}-{role}-other"
                )


def _anonymous_cells(table) -> list:
    return list(_iter_anonymous_cells(table))


def _iter_anonymous_cells(table):
    for name, method, url, _own, _other, anonymous in table:
        yield pytest.param(name, method, url, anonymous, id=f"{name}-anonymous")


def _site_objects(site, chair):
    """An annotated case with one finished upload, and a ready case with an unsigned report."""
    case = CaseFactory(site=site, status=CaseStatus.ANNOTATED)
    Analysis.objects.create(case=case)
    job = job_create(site=site, kind="ingest:somatic_vcf")
    job_finish(job_id=job.pk, message="3 records ingested")
    upload = Upload.objects.create(
        site=site,
        case=case,
        kind="somatic_vcf",
        file=f"uploads/{site.slug}/placeholder/data",
        original_name="tumor.vcf",
        sha256="0" * 64,
        size=0,
        detected={"format": "vcf", "caller": "mutect2"},
        job=job,
    )
    ready = CaseFactory(site=site, status=CaseStatus.READY_FOR_BOARD)
    Analysis.objects.create(case=ready)
    report = report_generate(case=ready, user=chair)
    return {"case": case, "upload": upload, "report": report}


@pytest.fixture
def world(site, other_site, users, settings, tmp_path):
    imports = tmp_path / "import"
    imports.mkdir()
    (imports / DEMO_VCF.name).write_bytes(DEMO_VCF.read_bytes())
    settings.DART_IMPORT_ROOT = imports
    other_chair = UserFactory(username="elsewhere-chair", site=other_site, role=BC)
    return {
        "own": _site_objects(site, users[BC]),
        "other": _site_objects(other_site, other_chair),
    }


def _url(template: str, objects: dict) -> str:
    return template.format(
        case=objects["case"].uuid, upload=objects["upload"].uuid, report=objects["report"].uuid
    )


def _payload(name: str, *, api: bool):
    """What a legitimate user would send; (data, content_type or None for multipart/form)."""
    if name == "create case":
        return {"pseudonym": "PSN-MATRIX", "tumor_type": "MEL", "assembly": "GRCh38"}
    if name == "upload data":
        return {"kind": "somatic_vcf", "file": upload_file(DEMO_VCF)}
    if name == "mark ready" and api:
        return {"status": "ready_for_board"}
    if name == "import data":
        return {"kind": "somatic_vcf", "path": DEMO_VCF.name}
    return {}


def _effect(name: str, objects: dict):
    """A snapshot of what the request would change if it were allowed."""
    if name == "create case":
        return Case.objects.count()
    if name in ("upload data", "import data"):
        return Upload.objects.count()
    if name == "mark ready":
        return Case.objects.get(pk=objects["case"].pk).status
    if name == "generate report":
        return Report.objects.count()
    if name == "sign report":
        return ReportSignOff.objects.count()
    return None


def _request(client, method: str, url: str, name: str, *, api: bool, **headers):
    if method == "GET":
        return client.get(url, headers=headers)
    data = _payload(name, api=api)
    if api and name in ("mark ready", "import data"):
        return client.post(url, data, content_type="application/json", headers=headers)
    return client.post(url, data, headers=headers)


def _check_effect(name, method, before, objects, expected_ok: bool):
    if method != "POST":
        return
    after = _effect(name, objects)
    if expected_ok:
        assert after != before, f"{name} answered success but changed nothing"
    else:
        assert after == before, f"{name} was refused but changed something"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "role", "whose", "expected"), _cells(PAGES))
def test_page_permission(client, users, world, name, method, url, role, whose, expected):
    objects = world[whose]
    client.force_login(users[role])
    before = _effect(name, objects)
    response = _request(client, method, _url(url, objects), name, api=False)
    assert response.status_code == expected
    _check_effect(name, method, before, objects, expected_ok=expected in (200, 302))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "expected"), _anonymous_cells(PAGES))
def test_page_sends_the_anonymous_to_the_login_page(client, world, name, method, url, expected):
    objects = world["own"]
    before = _effect(name, objects)
    response = _request(client, method, _url(url, objects), name, api=False)
    assert response.status_code == expected
    assert response["Location"].startswith("/accounts/login/?next=")
    _check_effect(name, method, before, objects, expected_ok=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "role", "whose", "expected"), _cells(API))
def test_api_permission_with_token_auth(users, world, name, method, url, role, whose, expected):
    """The matrix through the API as a script calls it: token authentication, no session."""
    objects = world[whose]
    token = Token.objects.create(user=users[role])
    before = _effect(name, objects)
    response = _request(
        Client(), method, _url(url, objects), name, api=True, Authorization=f"Token {token.key}"
    )
    assert response.status_code == expected
    _check_effect(name, method, before, objects, expected_ok=expected in (200, 201))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "url", "role", "whose", "expected"),
    [cell for cell in _cells(API) if cell.values[3] in (BM, SA)],
)
def test_api_permission_with_session_auth(
    client, users, world, name, method, url, role, whose, expected
):
    """The same cells for a browser session (a read-only role and the site admin)."""
    objects = world[whose]
    client.force_login(users[role])
    before = _effect(name, objects)
    response = _request(client, method, _url(url, objects), name, api=True)
    assert response.status_code == expected
    _check_effect(name, method, before, objects, expected_ok=expected in (200, 201))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "expected"), _anonymous_cells(API))
def test_api_answers_the_anonymous_with_401(client, world, name, method, url, expected):
    objects = world["own"]
    before = _effect(name, objects)
    response = _request(client, method, _url(url, objects), name, api=True)
    assert response.status_code == expected
    _check_effect(name, method, before, objects, expected_ok=False)


@pytest.mark.django_db
def test_api_refuses_an_unknown_token_with_401(world):
    response = Client().get("/api/v1/cases/", headers={"Authorization": "Token " + "f" * 40})
    assert response.status_code == 401


@pytest.mark.django_db
def test_the_case_list_shows_only_the_users_own_site(client, users, world):
    own, other = world["own"]["case"], world["other"]["case"]
    client.force_login(users[BM])
    page = client.get("/").content.decode()
    assert own.patient.pseudonym in page
    assert other.patient.pseudonym not in page
    listed = {row["id"] for row in client.get("/api/v1/cases/").json()["results"]}
    assert str(own.uuid) in listed
    assert str(other.uuid) not in listed


@pytest.mark.django_db
def test_page_post_without_a_csrf_token_is_refused(users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[MB])
    response = browser.post("/cases/new/", {"pseudonym": "PSN-CSRF", "assembly": "GRCh38"})
    assert response.status_code == 403
    assert not Case.objects.filter(patient__pseudonym="PSN-CSRF").exists()


@pytest.mark.django_db
def test_page_post_with_the_csrf_token_from_the_form_is_accepted(users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[MB])
    form = browser.get("/cases/new/")
    token = form.context["csrf_token"]
    response = browser.post(
        "/cases/new/",
        {"pseudonym": "PSN-CSRF", "assembly": "GRCh38", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    assert Case.objects.filter(patient__pseudonym="PSN-CSRF").exists()


@pytest.mark.django_db
def test_api_post_in_a_session_needs_the_csrf_token_but_a_token_client_does_not(users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[MB])
    assert browser.post("/api/v1/cases/", {"tumor_type": "MEL"}).status_code == 403
    token = Token.objects.create(user=users[MB])
    script = Client(enforce_csrf_checks=True)
    response = script.post(
        "/api/v1/cases/", {"tumor_type": "MEL"}, headers={"Authorization": f"Token {token.key}"}
    )
    assert response.status_code == 201
