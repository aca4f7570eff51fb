"""Shared set-up for the imaging app's page, API and service tests (the pure science tests live in
tests/imaging/science and use none of this).

The model is trained once per session by `imaging_train` on the public Hosny 2018 tables into a
temporary directory: their licence is not verified, so a trained model is never committed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.conftest import ROOT

EXAMPLE_JSON = ROOT / "imaging" / "schemas" / "example-predictions.json"
EXAMPLE_CSV = ROOT / "imaging" / "schemas" / "example-predictions.csv"
DEMO_VCF = ROOT / "tumorboard" / "demo" / "T001-COAD.tcga_consensus.grch38.vcf.gz"
MODEL_NAME = "hosny2018-surv2yr-pyrad3"
VALIDATION_COHORTS = ("Maastro", "Moffitt", "Radboud", "MUMC", "M-SPORE")

# Ingestion and extraction write job progress on a second connection ("progress"), which cannot
# see rows of a test wrapped in a transaction; those tests run with real commits.
committing = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Each test stores its uploads in a fresh folder, so that leftovers can be seen."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(scope="session")
def pyrad_data(shared_data: Path) -> Path:
    return shared_data / "imaging" / "pyradiomics" / "data"


@pytest.fixture(scope="session")
def hosny_model(tmp_path_factory, shared_data: Path) -> dict[str, Path]:
    """Program, card and curves of a 2-year-survival model trained on HarvardRT (research-only)."""
    tables = shared_data / "imaging" / "tables" / "hosny2018_deep_prognosis"
    out = tmp_path_factory.mktemp("hosny-model")
    call_command(
        "imaging_train",
        "--features", str(tables / "HarvardRT.csv"),
        "--outcome", "surv2yr",
        "--validate", *[str(tables / f"{c}.csv") for c in VALIDATION_COHORTS],
        "--out", str(out),
        "--name", MODEL_NAME,
        "--extraction-config", str(ROOT / "imaging" / "configs" / "hosny2018-pyrad3.yaml"),
        "--positive-meaning", "the patient is alive 2 years after the start of treatment",
        "--negative-meaning", "the patient died within 2 years",
        "--data-licence", "no licence given (modelhub-ai/deep-prognosis)",
        "--licence-status", "research-only",
        stdout=io.StringIO(),
    )  # fmt: skip
    return {"program": out / f"{MODEL_NAME}.pt2", "card": out / f"{MODEL_NAME}.card.json"}


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def upload_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def example_document() -> dict:
    return json.loads(EXAMPLE_JSON.read_text())


def write_json(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def ingest_demo_vcf(*, case, user) -> None:
    """The demo colorectal VCF (BRAF p.V600E, no EGFR variant) through the real upload service."""
    from genomics.services.uploads import upload_register

    upload_register(
        user=user, case=case, kind="somatic_vcf", source=DEMO_VCF, original_name=DEMO_VCF.name
    )
