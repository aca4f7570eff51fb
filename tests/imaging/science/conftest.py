"""Shared fixtures: the public imaging data and one model trained by `imaging_train` per session.

The Hosny 2018 tables are research-only / licence not verified, so the trained model is never
shipped in the repository: it is trained here, into a temporary directory.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
MODEL_NAME = "hosny2018-surv2yr-pyrad3"
VALIDATION_COHORTS = ("Maastro", "Moffitt", "Radboud", "MUMC", "M-SPORE")


@pytest.fixture(scope="session")
def hosny_dir(shared_data: Path) -> Path:
    return shared_data / "imaging" / "tables" / "hosny2018_deep_prognosis"


@pytest.fixture(scope="session")
def pyrad_data(shared_data: Path) -> Path:
    return shared_data / "imaging" / "pyradiomics" / "data"


@pytest.fixture(scope="session")
def bundled_config_path() -> Path:
    return ROOT / "imaging" / "configs" / "hosny2018-pyrad3.yaml"


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, hosny_dir: Path, bundled_config_path: Path) -> dict:
    """Way 2: train on HarvardRT, on features PyRadiomics 3 computes under DART's config."""
    out = tmp_path_factory.mktemp("model")
    stdout = io.StringIO()
    call_command(
        "imaging_train",
        "--features",
        str(hosny_dir / "HarvardRT.csv"),
        "--outcome",
        "surv2yr",
        "--validate",
        *[str(hosny_dir / f"{c}.csv") for c in VALIDATION_COHORTS],
        "--out",
        str(out),
        "--name",
        MODEL_NAME,
        "--extraction-config",
        str(bundled_config_path),
        "--positive-meaning",
        "the patient is alive 2 years after the start of treatment",
        "--negative-meaning",
        "the patient died within 2 years",
        "--data-licence",
        "no licence given (modelhub-ai/deep-prognosis); Lung1: TCIA, non-commercial",
        "--licence-status",
        "research-only",
        stdout=stdout,
    )
    return {
        "dir": out,
        "program": out / f"{MODEL_NAME}.pt2",
        "card": out / f"{MODEL_NAME}.card.json",
        "plot": out / f"{MODEL_NAME}.png",
        "stdout": stdout.getvalue(),
    }
