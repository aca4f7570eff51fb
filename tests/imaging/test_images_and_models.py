"""Way 2: a model trained by `imaging_train` is registered; a CT and its lesion mask uploaded to the
API are turned into features, a prediction and a picture by the (eager) task; the panel and the
PDF report show the prediction with its card's caveat. And the refusals: each names the file and
the reason, and nothing is stored."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import numpy as np
import pytest
import SimpleITK as sitk
from django.urls import reverse

from core.models import Upload
from imaging.models import ImagingFeatureSet, ImagingModel, ImagingPrediction, ImagingStudy
from tests.imaging.conftest import (
    MODEL_NAME,
    committing,
    files_under,
    ingest_demo_vcf,
    upload_file,
)

pytestmark = [committing, pytest.mark.usefixtures("media_root")]

CAVEAT = "research use only, not for clinical decisions"


def register(client, user, model) -> dict:
    client.force_login(user)
    response = client.post(
        "/api/v1/imaging/models/",
        {"program": upload_file(model["program"]), "card": upload_file(model["card"])},
    )
    assert response.status_code == 201, response.content
    return response.json()


def upload_pair(client, case, image, mask, **extra):
    return client.post(
        f"/api/v1/cases/{case.uuid}/imaging/images/",
        {"image": upload_file(image), "mask": upload_file(mask), **extra},
    )


def test_lung_ct_and_mask_get_features_prediction_and_picture(
    client, users, case, hosny_model, pyrad_data
):
    model = register(client, users["site_admin"], hosny_model)
    assert (model["name"], model["version"], model["research_only"]) == (MODEL_NAME, "1.0.0", True)
    assert model["caveat"] == CAVEAT

    client.force_login(users["molecular_biologist"])
    response = upload_pair(
        client, case, pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd"
    )

    assert response.status_code == 201, response.content
    upload = Upload.objects.get(uuid=response.json()["id"])
    upload.job.refresh_from_db()
    assert upload.job.state == "done", upload.job.error
    assert upload.job.progress == 100
    assert upload.detected["format"] == "NRRD image + NRRD mask"
    study = ImagingStudy.objects.get(case=case, source="dart")
    features = ImagingFeatureSet.objects.get(study=study)
    assert (features.config_name, features.config_version) == ("hosny2018-pyrad3", "1")
    assert features.pyradiomics_version == "3.1.4"
    assert "setting:" in features.params_text and len(features.params_sha256) == 64
    prediction = ImagingPrediction.objects.get(study=study)
    assert (prediction.target, prediction.model_name, prediction.model_version) == (
        "surv2yr", MODEL_NAME, "1.0.0",
    )  # fmt: skip
    assert 0.0 < prediction.probability < 1.0
    assert prediction.research_only and prediction.caveat == CAVEAT
    assert prediction.model.uuid.hex == model["id"].replace("-", "")
    assert prediction.extraction["config_name"] == "hosny2018-pyrad3"
    assert prediction.extraction["image"] == "lung1_image.nrrd"
    assert any("PyRadiomics" in w for w in prediction.warnings)
    assert prediction.validation[0]["cohort"].startswith("training")

    picture = client.get(reverse("imaging:preview", args=[study.uuid]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")

    page = client.get(reverse("tumorboard:case-detail", args=[case.uuid])).content.decode()
    panel = page[page.index('id="imaging"') :]
    assert f"{MODEL_NAME} v1.0.0" in panel
    assert CAVEAT in panel
    assert "PyRadiomics" in panel  # the version warning beside the prediction
    assert reverse("imaging:preview", args=[study.uuid]) in panel


def test_the_pdf_report_has_an_imaging_section_with_the_caveat(
    client, users, case, hosny_model, pyrad_data, tmp_path
):
    if not shutil.which("pdftotext"):
        pytest.skip(reason="pdftotext is not installed")
    from tumorboard.services.reports import report_generate

    register(client, users["molecular_biologist"], hosny_model)
    ingest_demo_vcf(case=case, user=users["molecular_biologist"])
    upload_pair(client, case, pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd")

    report = report_generate(case=case, user=users["board_chair"])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.pdf.read())
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    section = " ".join(text[text.index("Imaging predictions") :].split())

    assert section.startswith("Imaging predictions Target Value Probability Uncertainty Model")
    assert "surv2yr" in section
    assert "v1.0.0" in section and "hosny2018-surv2yr" in section  # the cell wraps the name
    assert f"{CAVEAT} / features computed with PyRadiomics 3.1.4" in section
    assert "Imaging lesions (RECIST 1.1)" in section


def test_a_zip_holding_image_and_mask_is_accepted(client, users, case, pyrad_data, tmp_path):
    archive = tmp_path / "brain1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(pyrad_data / "brain1_image.nrrd", "brain1_image.nrrd")
        zf.write(pyrad_data / "brain1_label.nrrd", "brain1_label.nrrd")
    client.force_login(users["molecular_biologist"])

    response = client.post(
        f"/api/v1/cases/{case.uuid}/imaging/images/",
        {"archive": upload_file(archive), "modality": "MR"},
    )

    assert response.status_code == 201, response.content
    study = ImagingStudy.objects.get(case=case)
    assert study.modality == "MR"
    # no model registered: the features are kept, no prediction is invented
    assert ImagingFeatureSet.objects.filter(study=study).count() == 1
    assert not ImagingPrediction.objects.exists()
    assert "no model is registered" in Upload.objects.get(case=case).job.log[0]


# --- refusals ------------------------------------------------------------------------------------


def _empty_mask(pyrad_data, tmp_path):
    mask = sitk.ReadImage(str(pyrad_data / "brain1_label.nrrd"))
    empty = sitk.GetImageFromArray(np.zeros(sitk.GetArrayFromImage(mask).shape, dtype=np.uint8))
    empty.CopyInformation(mask)
    path = tmp_path / "empty_label.nrrd"
    sitk.WriteImage(empty, str(path))
    return path


def _truncated(pyrad_data, tmp_path):
    data = (pyrad_data / "brain1_image.nrrd").read_bytes()
    path = tmp_path / "brain1_truncated.nrrd"
    path.write_bytes(data[: len(data) // 2])
    return path


def _text(tmp_path):
    path = tmp_path / "scan.nrrd"
    path.write_text("this is not an image\n")
    return path


@pytest.mark.parametrize(
    "make, refused_file, reason",
    [
        (lambda d, t: (_text(t), d / "brain1_label.nrrd"), "scan.nrrd", "not an NRRD or NIfTI"),
        (
            lambda d, t: (d / "brain1_image.nrrd", d / "lung1_label.nrrd"),
            "lung1_label.nrrd",
            "the mask must be on the image's grid",
        ),
        (
            lambda d, t: (d / "brain1_image.nrrd", _empty_mask(d, t)),
            "empty_label.nrrd",
            "the mask is empty",
        ),
        (
            lambda d, t: (_truncated(d, t), d / "brain1_label.nrrd"),
            "brain1_truncated.nrrd",
            "damaged or truncated",
        ),
    ],
    ids=["not-an-image", "other-grid", "empty-mask", "corrupt"],
)
def test_bad_images_are_refused_at_once_and_nothing_is_stored(
    client, users, case, media_root, pyrad_data, tmp_path, make, refused_file, reason
):
    image, mask = make(pyrad_data, tmp_path)
    client.force_login(users["molecular_biologist"])

    response = upload_pair(client, case, image, mask)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["file"] == refused_file
    assert reason in body["detail"]
    assert not Upload.objects.exists()
    assert not ImagingStudy.objects.exists()
    assert files_under(media_root) == []


def test_a_refused_image_in_the_browser_is_a_message(client, users, case, pyrad_data, tmp_path):
    client.force_login(users["molecular_biologist"])
    response = client.post(
        reverse("imaging:images-upload", args=[case.uuid]),
        {
            "image": upload_file(_text(tmp_path)),
            "mask": upload_file(pyrad_data / "brain1_label.nrrd"),
            "config_name": "hosny2018-pyrad3",
            "modality": "CT",
            "label": "1",
        },
        follow=True,
    )
    assert "Imaging upload refused: scan.nrrd: the file is not an NRRD or NIfTI image" in (
        response.content.decode()
    )
    assert not Upload.objects.exists()


def test_a_file_that_is_not_an_exported_program_is_refused(
    client, users, hosny_model, tmp_path, media_root
):
    fake = tmp_path / "model.pt2"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("archive/data.pkl", b"not a program")
    fake.write_bytes(buffer.getvalue())
    # a card that does not pin its program's checksum, so that the program itself is examined
    card = json.loads(hosny_model["card"].read_text())
    card.pop("program_sha256", None)
    card_path = tmp_path / "model.card.json"
    card_path.write_text(json.dumps(card))
    client.force_login(users["site_admin"])

    response = client.post(
        "/api/v1/imaging/models/", {"program": upload_file(fake), "card": upload_file(card_path)}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["file"] == "model.pt2"
    assert "not an exported torch program" in body["detail"]
    assert not ImagingModel.objects.exists()
    assert files_under(media_root) == []


def test_a_text_file_posing_as_a_program_is_refused(client, users, hosny_model, tmp_path):
    fake = tmp_path / "model.pt2"
    fake.write_text("def forward(x): return x\n")
    client.force_login(users["molecular_biologist"])
    # (the zip check comes before the card's checksum is compared)

    response = client.post(
        "/api/v1/imaging/models/",
        {"program": upload_file(fake), "card": upload_file(hosny_model["card"])},
    )

    assert response.status_code == 400
    assert "model.pt2: the file is not an exported torch program" in response.json()["detail"]
    assert not ImagingModel.objects.exists()


def test_the_same_model_version_is_not_registered_twice(client, users, hosny_model):
    register(client, users["site_admin"], hosny_model)
    again = client.post(
        "/api/v1/imaging/models/",
        {"program": upload_file(hosny_model["program"]), "card": upload_file(hosny_model["card"])},
    )
    assert again.status_code == 400
    assert "already registered" in again.json()["detail"]
    assert ImagingModel.objects.count() == 1
    listed = client.get("/api/v1/imaging/models/").json()
    assert [m["name"] for m in listed] == [MODEL_NAME]
