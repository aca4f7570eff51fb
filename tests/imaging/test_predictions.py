"""Way 1: predictions from an external pipeline, uploaded in the browser or posted to the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from core.models import AuditEvent, Upload
from imaging.models import ImagingPrediction, ImagingStudy, Lesion
from tests.imaging.conftest import (
    EXAMPLE_CSV,
    EXAMPLE_JSON,
    example_document,
    files_under,
    upload_file,
    write_json,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

CAVEAT = "research use only, not for clinical decisions"


def test_the_example_uploaded_in_the_browser_appears_in_the_imaging_panel(client, users, case):
    client.force_login(users["molecular_biologist"])
    response = client.post(
        reverse("imaging:predictions-upload", args=[case.uuid]),
        {"file": upload_file(EXAMPLE_JSON)},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "example-predictions.json imported: 2 lesion(s), 2 prediction(s)." in page
    study = ImagingStudy.objects.get(case=case)
    assert (study.source, study.modality, study.timepoint) == ("external", "CT", "baseline")
    assert study.study_uid == "1.2.826.0.1.3680043.8.498.10123"
    assert str(study.acquisition_date) == "2026-10-14"
    l1 = Lesion.objects.get(study=study, lesion_id="L1")
    assert (l1.site, l1.longest_diameter_mm, l1.volume_ml, l1.measurable) == (
        "right upper lobe", 38.5, 14.2, True,
    )  # fmt: skip
    n1 = Lesion.objects.get(study=study, lesion_id="N1")
    assert (n1.lymph_node, n1.short_axis_mm, n1.measurable) == (True, 11.0, False)
    egfr = ImagingPrediction.objects.get(study=study, target="EGFR_mutant")
    assert (egfr.gene, egfr.class_label, egfr.probability) == ("EGFR", "mutant", 0.81)
    assert (egfr.probability_ci_low, egfr.probability_ci_high) == (0.66, 0.90)
    assert (egfr.model_name, egfr.model_version, egfr.research_only) == (
        "site-egfr-radiogenomics", "2.1", True,
    )  # fmt: skip
    assert egfr.caveat == CAVEAT
    surv = ImagingPrediction.objects.get(study=study, target="surv2yr")
    assert surv.extraction["config_name"] == "hosny2018-pyrad3"
    assert surv.feature_set.features["original_shape_Maximum3DDiameter"] == 41.2
    assert [v["cohort"] for v in surv.validation] == ["HarvardRT (5-fold CV)", "Maastro"]
    # the panel: lesions, measurable disease, each prediction with model, version, probability,
    # uncertainty and the research-only caveat beside it
    panel = page[page.index('id="imaging"') :]
    assert "1 measurable lesion" in panel
    assert "site-egfr-radiogenomics v2.1" in panel
    assert "hosny2018-surv2yr-pyrad3</a> v1.0.0" in panel
    assert "0.81" in panel and "95% CI 0.66–0.90" in panel
    assert panel.count(CAVEAT) >= 2
    assert Upload.objects.get(case=case, kind="imaging").job.state == "done"


def test_the_csv_variant_posted_to_the_api_stores_the_same_study(client, users, case):
    client.force_login(users["molecular_biologist"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/imaging/predictions/", {"file": upload_file(EXAMPLE_CSV)}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [lz["id"] for lz in body["lesions"]] == ["L1", "N1"]
    assert [p["target"] for p in body["predictions"]] == ["surv2yr", "EGFR_mutant"]
    egfr = body["predictions"][1]
    assert (egfr["probability"], egfr["model"], egfr["model_version"]) == (
        0.81, "site-egfr-radiogenomics", "2.1",
    )  # fmt: skip
    assert egfr["research_only"] is True and egfr["caveat"] == CAVEAT

    listed = client.get(f"/api/v1/cases/{case.uuid}/imaging/").json()
    assert len(listed["studies"]) == 1
    assert listed["studies"][0]["predictions"][0]["probability"] == 0.62


def test_a_json_body_posted_to_the_api_is_imported(client, users, case):
    client.force_login(users["molecular_biologist"])
    response = client.post(
        f"/api/v1/cases/{case.uuid}/imaging/predictions/",
        data=EXAMPLE_JSON.read_text(),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert ImagingPrediction.objects.filter(study__case=case).count() == 2


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: d["predictions"][1].update(probability=1.4), "/predictions/1/probability"),
        (lambda d: d["predictions"][0]["model"].pop("version"), "/predictions/0/model/version"),
        (lambda d: d["lesions"][0].update(measurable=False), "/lesions/0/measurable"),
        (lambda d: d.pop("study"), "/study"),
    ],
)
def test_schema_violating_json_is_refused_naming_file_and_field(
    client, users, case, media_root, tmp_path, change, field
):
    document = example_document()
    change(document)
    path = write_json(tmp_path / "broken.json", document)
    client.force_login(users["molecular_biologist"])

    response = client.post(
        f"/api/v1/cases/{case.uuid}/imaging/predictions/", {"file": upload_file(path)}
    )

    assert response.status_code == 400
    assert response.json()["file"] == "broken.json"
    assert field in response.json()["detail"]
    assert not ImagingStudy.objects.exists()
    assert not Upload.objects.exists()
    assert files_under(media_root) == []


def test_a_refusal_in_the_browser_is_a_message_naming_file_and_reason(
    client, users, case, tmp_path
):
    path = tmp_path / "not-json.json"
    path.write_text("study_uid: 1.2.3\n")
    client.force_login(users["molecular_biologist"])

    response = client.post(
        reverse("imaging:predictions-upload", args=[case.uuid]),
        {"file": upload_file(path)},
        follow=True,
    )

    assert "Imaging upload refused: not-json.json, line 1: the file is not valid JSON" in (
        response.content.decode()
    )
    assert not ImagingStudy.objects.exists()


def test_the_same_file_is_not_imported_twice(client, users, case):
    client.force_login(users["molecular_biologist"])
    url = f"/api/v1/cases/{case.uuid}/imaging/predictions/"
    assert client.post(url, {"file": upload_file(EXAMPLE_JSON)}).status_code == 201

    again = client.post(url, {"file": upload_file(EXAMPLE_JSON)})

    assert again.status_code == 400
    assert "already imported to this case" in again.json()["detail"]
    assert ImagingStudy.objects.count() == 1


def test_an_import_is_audited(client, users, case):
    client.force_login(users["molecular_biologist"])
    client.post(
        f"/api/v1/cases/{case.uuid}/imaging/predictions/", {"file": upload_file(EXAMPLE_JSON)}
    )

    event = AuditEvent.objects.get(object_type="ImagingStudy")
    assert event.actor == users["molecular_biologist"]
    assert "example-predictions.json" in event.summary
    assert json.dumps(event.data)
