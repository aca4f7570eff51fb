"""The REST API: its OpenAPI description, its offline documentation pages, paging and sorting.

These tests use session authentication (a logged-in browser); the permission matrix in
test_permissions.py covers token authentication.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders

from core.models import Upload
from core.services.jobs import job_create
from genomics.models import Variant
from tumorboard.models import Case

API_PATHS = [
    "/api/v1/cases/",
    "/api/v1/cases/{case_uuid}/",
    "/api/v1/cases/{case_uuid}/status/",
    "/api/v1/cases/{case_uuid}/uploads/",
    "/api/v1/cases/{case_uuid}/variants/",
    "/api/v1/cases/{case_uuid}/recommendations/",
    "/api/v1/cases/{case_uuid}/reports/",
    "/api/v1/uploads/{upload_uuid}/",
    "/api/v1/reports/{report_uuid}/sign/",
    "/api/v1/reports/{report_uuid}/pdf/",
]

# Every src= and href= in a page.
LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


# ---- OpenAPI schema ----------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_needs_a_login(client):
    assert client.get("/api/schema/").status_code == 401


@pytest.mark.django_db
def test_schema_is_valid_openapi_yaml_listing_every_v1_path(client, users):
    from drf_spectacular.validation import validate_schema

    client.force_login(users["board_member"])
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # the OpenAPI 3 JSON Schema bundled with drf-spectacular
    for path in API_PATHS:
        assert path in schema["paths"], path
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


@pytest.mark.django_db
def test_schema_is_also_served_as_json(client, users):
    client.force_login(users["board_member"])
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/v1/cases/{case_uuid}/variants/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/reports/{report_uuid}/sign/"]


# ---- documentation pages without a CDN -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_documentation_loads_its_scripts_and_styles_from_local_static_files(client, users, url):
    client.force_login(users["board_member"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), "the clinic network has no CDN"
    assert "cdn" not in html.lower()
    links = LINK.findall(html)
    statics = [link for link in links if link.startswith("/static/")]
    assert statics, "expected the JavaScript and CSS from /static/"
    assert any(link.endswith(".js") for link in statics)
    for link in statics:
        assert finders.find(link.removeprefix("/static/")), f"{link} is not a local static file"
    assert all(not link.startswith("//") for link in links)


@pytest.mark.django_db
def test_api_documentation_needs_a_login(client):
    assert client.get("/api/docs/").status_code in (401, 403)
    assert client.get("/api/redoc/").status_code in (401, 403)


# ---- variants: server-side paging and sorting ----------------------------------------------

VAFS = [round(i / 1000, 3) for i in range(1, 121)]  # 0.001 ... 0.120, one variant each
UNKNOWN_VAF = 5  # variants with no VAF (e.g. a caller that writes none)


@pytest.fixture
def case_with_variants(case):
    job = job_create(site=case.site, kind="ingest:somatic_vcf")
    upload = Upload.objects.create(
        site=case.site, case=case, kind="somatic_vcf", file="uploads/x/data",
        original_name="t.vcf", sha256="0" * 64, size=0, job=job, detected={"format": "vcf"},
    )  # fmt: skip
    rows = [
        Variant(
            case=case, upload=upload, line=100 + i, variant_id=f"1:{1000 + i}:A:T", chrom="1",
            pos=1000 + i, ref="A", alt="T", vaf=vaf, depth=100 + i,
        )
        for i, vaf in enumerate(VAFS)
    ] + [
        Variant(
            case=case, upload=upload, line=900 + i, variant_id=f"2:{5000 + i}:C:G", chrom="2",
            pos=5000 + i, ref="C", alt="G", vaf=None, depth=None,
        )
        for i in range(UNKNOWN_VAF)
    ]  # fmt: skip
    Variant.objects.bulk_create(rows)
    return case


def _variants(client, case, query: str) -> dict:
    response = client.get(f"/api/v1/cases/{case.uuid}/variants/?{query}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_variant_list_is_paged_50_at_a_time(client, users, case_with_variants):
    client.force_login(users["board_member"])
    first = _variants(client, case_with_variants, "")
    assert first["count"] == 125
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert "page=2" in first["next"]
    last = _variants(client, case_with_variants, "page=3")
    assert len(last["results"]) == 25
    assert last["next"] is None


@pytest.mark.django_db
def test_variant_list_sorts_by_position_by_default(client, users, case_with_variants):
    client.force_login(users["board_member"])
    ids = [v["id"] for v in _variants(client, case_with_variants, "")["results"]]
    assert ids[:3] == ["1:1000:A:T", "1:1001:A:T", "1:1002:A:T"]


@pytest.mark.django_db
def test_variant_list_sorted_by_vaf_descending_gives_the_second_page_of_highest_vafs(
    client, users, case_with_variants
):
    client.force_login(users["board_member"])
    page = _variants(client, case_with_variants, "sort=vaf&dir=desc&page=2")["results"]
    # 0.120 ... 0.071 are on page 1; page 2 holds the 51st to the 100th highest VAF.
    expected = [round(0.070 - i / 1000, 3) for i in range(50)]  # 0.070 down to 0.021
    assert [v["vaf"] for v in page] == pytest.approx(expected)


@pytest.mark.django_db
def test_variants_without_vaf_come_last_whichever_the_direction(client, users, case_with_variants):
    client.force_login(users["board_member"])
    for query in ("sort=vaf&dir=desc&page=3", "sort=vaf&page=3"):
        page = _variants(client, case_with_variants, query)["results"]
        assert [v["vaf"] for v in page[-UNKNOWN_VAF:]] == [None] * UNKNOWN_VAF, query


@pytest.mark.django_db
def test_descending_vaf_slices_cross_from_known_to_missing_values_like_one_list(
    case_with_variants,
):
    from genomics.selectors import variants_of

    # 0.120 down to 0.001 (variant 1:1119 first), then the five without a VAF in stored order
    expected = [f"1:{1000 + i}:A:T" for i in reversed(range(120))]
    expected += [f"2:{5000 + i}:C:G" for i in range(UNKNOWN_VAF)]
    variants = variants_of(case=case_with_variants, sort="vaf", descending=True)
    assert variants.count() == len(variants) == 125
    assert [v.variant_id for v in variants] == expected
    for start, stop in [(0, 50), (100, 150), (118, 122), (120, 125), (124, None), (130, 180)]:
        assert [v.variant_id for v in variants[start:stop]] == expected[start:stop]
    assert variants[121].variant_id == expected[121]
    with pytest.raises(IndexError):
        variants[125]


@pytest.mark.django_db
def test_variant_list_sorted_by_vaf_ascending_starts_with_the_lowest(
    client, users, case_with_variants
):
    client.force_login(users["board_member"])
    page = _variants(client, case_with_variants, "sort=vaf")["results"]
    assert page[0]["vaf"] == pytest.approx(0.001)
    assert page[1]["vaf"] == pytest.approx(0.002)


@pytest.mark.django_db
def test_variant_table_page_sorts_and_pages_on_the_server_like_the_api(
    client, users, case_with_variants
):
    client.force_login(users["board_member"])
    response = client.get(
        f"/cases/{case_with_variants.uuid}/variants/", {"sort": "vaf", "dir": "desc", "page": 2}
    )
    assert response.status_code == 200
    page = response.context["variant_page"]
    assert page.number == 2
    assert page.paginator.count == 125
    assert [v.vaf for v in page.object_list][:2] == pytest.approx([0.070, 0.069])


@pytest.mark.django_db
def test_an_unknown_sort_key_falls_back_to_position_order(client, users, case_with_variants):
    client.force_login(users["board_member"])
    ids = [v["id"] for v in _variants(client, case_with_variants, "sort=pos;drop")["results"]]
    assert ids[0] == "1:1000:A:T"


# ---- cases -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_a_case_at_the_users_site_with_a_uuid_id(client, users, site):
    client.force_login(users["oncologist"])
    response = client.post(
        "/api/v1/cases/",
        {"pseudonym": "PSN-API-1", "tumor_type": "mel", "assembly": "GRCh37"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(uuid=body["id"])
    assert case.site == site
    assert body["site"] == "home"
    assert body["patient"] == "PSN-API-1"
    assert body["tumor_type"] == "MEL"
    assert body["assembly"] == "GRCh37"
    assert body["status"] == "created"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"tumor_type": "colon cancer"},
        {"assembly": "hg18"},
        {"pseudonym": "Jane Doe 1970-01-01"},
    ],
    ids=["tumor-type-not-an-oncotree-code", "unknown-assembly", "pseudonym-looks-like-a-name"],
)
def test_api_refuses_bad_case_input_with_400(client, users, payload):
    client.force_login(users["molecular_biologist"])
    response = client.post("/api/v1/cases/", payload, content_type="application/json")
    assert response.status_code == 400
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_api_errors_are_json_sentences_not_tracebacks(client, users, other_case):
    client.force_login(users["board_member"])
    response = client.get(f"/api/v1/cases/{other_case.uuid}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
