"""imaging_train: the card's metrics are checked against an independent scikit-learn computation
on the exported program's own predictions."""

import json

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import brier_score_loss, roc_auc_score

from genomics.io.errors import InputError
from imaging.science.extraction import bundled_config, feature_names_for
from imaging.science.training import TrainingOptions, read_feature_table, train_model

from .conftest import VALIDATION_COHORTS


def program_probabilities(program_path, frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    program = torch.export.load(program_path)
    x = torch.tensor(frame[features].to_numpy(dtype=float), dtype=torch.float64)
    return program.module()(x).detach().numpy()


def cohort(path, features):
    """Rows with an outcome and at least half of the model's features, read with plain pandas."""
    frame = pd.read_csv(path, na_values=["N/A", "nan", ""])
    frame = frame[frame["surv2yr"].notna()]
    frame = frame[frame[features].notna().mean(axis=1) >= 0.5]
    return frame


def test_training_on_harvard_writes_program_card_and_curves(trained_model):
    card = json.loads(trained_model["card"].read_text())
    assert trained_model["program"].stat().st_size < 100_000  # small
    assert trained_model["plot"].read_bytes().startswith(b"\x89PNG")
    # HarvardRT: 293 rows, ids 151 (surv2yr 0) and 241 (surv2yr 1) have no features.
    assert card["training_data"]["n"] == 291
    assert card["training_data"]["positives"] == 158
    assert card["training_data"]["rows_dropped"] == 2
    assert card["target"] == "surv2yr"
    assert (
        card["output"]["coding"]["1"] == "the patient is alive 2 years after the start of treatment"
    )
    assert len(card["features"]) == 20
    assert "cross-validated AUC" in trained_model["stdout"]


def test_the_card_is_research_only_because_of_the_data_licence(trained_model):
    card = json.loads(trained_model["card"].read_text())
    assert card["research_only"] is True
    assert card["caveat"] == "research use only, not for clinical decisions"
    assert card["training_data"]["licence_status"] == "research-only"
    assert any("research use only, not for clinical decisions" in lim for lim in card["limits"])


def test_way_2_features_exist_in_pyradiomics_3_under_the_same_names(trained_model):
    card = json.loads(trained_model["card"].read_text())
    names = set(feature_names_for(bundled_config()))
    assert set(card["features"]) <= names
    assert not any("gldzm" in f or "Compactness" in f for f in card["features"])
    extraction = card["extraction"]
    assert extraction["config_name"] == "hosny2018-pyrad3"
    assert extraction["params_sha256"] == bundled_config().sha256
    assert extraction["params_text"] == bundled_config().params_text
    assert extraction["pyradiomics_version"] == "1.1.1-beta1"  # the tables' general_info_Version


def test_external_auc_and_brier_match_scikit_learn_on_the_exported_program(
    trained_model, hosny_dir
):
    card = json.loads(trained_model["card"].read_text())
    reported = {e["cohort"]: e for e in card["validation"]["external"]}
    assert sorted(reported) == sorted(VALIDATION_COHORTS)
    expected_n = {"Maastro": 210, "Moffitt": 183, "Radboud": 104, "MUMC": 88, "M-SPORE": 97}
    for name in VALIDATION_COHORTS:
        frame = cohort(hosny_dir / f"{name}.csv", card["features"])
        y = frame["surv2yr"].to_numpy()
        p = program_probabilities(trained_model["program"], frame, card["features"])
        assert reported[name]["n"] == len(y) == expected_n[name]
        assert reported[name]["positives"] == int(y.sum())
        assert reported[name]["auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-4)
        assert reported[name]["brier"] == pytest.approx(brier_score_loss(y, p), abs=1e-4)
        table = reported[name]["calibration"]
        assert sum(row["n"] for row in table) == len(y)
        assert np.mean(y) == pytest.approx(
            sum(row["n"] * row["observed"] for row in table) / len(y), abs=1e-3
        )
    # Modest, realistic signal: the paper's CNN reached about 0.70.
    assert 0.5 < reported["Maastro"]["auc"] < 0.8


def test_cross_validated_metrics_match_scikit_learn(hosny_dir, tmp_path):
    result = train_model(
        train_csv=hosny_dir / "HarvardRT.csv",
        outcome="surv2yr",
        out_dir=tmp_path,
        name="all-features",
        options=TrainingOptions(folds=3, k_features=10),
    )
    cv = result.card["validation"]["cross_validated"]
    frame = pd.read_csv(hosny_dir / "HarvardRT.csv", na_values=["N/A", "nan", ""])
    y = frame.loc[~frame["id"].isin([151, 241]), "surv2yr"].to_numpy()
    assert cv["n"] == len(y) == 291 and cv["folds"] == 3
    assert cv["auc"] == pytest.approx(roc_auc_score(y, result.cv_probabilities), abs=1e-4)
    assert cv["brier"] == pytest.approx(brier_score_loss(y, result.cv_probabilities), abs=1e-4)
    assert cv["brier_base_rate"] == pytest.approx(np.mean(y) * (1 - np.mean(y)), abs=1e-4)
    # Without an extraction configuration the card names none: DART will not apply it to its
    # own extraction, and the paper's logit columns are never features.
    assert result.card["extraction"] is None
    assert not any(f.startswith(("logit", "general_info")) for f in result.card["features"])


def test_verified_permissive_data_gives_a_model_without_the_research_flag(hosny_dir, tmp_path):
    result = train_model(
        train_csv=hosny_dir / "Radboud.csv",
        outcome="surv2yr",
        out_dir=tmp_path,
        name="demo",
        data_licence="CC0 (pretend, for this test)",
        licence_status="verified-permissive",
        options=TrainingOptions(folds=3, k_features=3),
    )
    assert result.card["research_only"] is False
    assert "caveat" not in result.card


def test_bad_training_tables_are_refused(hosny_dir, tmp_path):
    with pytest.raises(InputError, match="HarvardRT.csv, line 1: there is no outcome column 'os'"):
        read_feature_table(hosny_dir / "HarvardRT.csv", outcome="os")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,surv2yr,original_shape_Sphericity\n1,0,0.5\n2,2,0.6\n")
    with pytest.raises(InputError, match="bad.csv, line 3: outcome 'surv2yr' must be 0 or 1"):
        read_feature_table(bad, outcome="surv2yr")
    plain = tmp_path / "plain.csv"
    plain.write_text("id,surv2yr,age\n1,0,50\n2,1,60\n")
    with pytest.raises(InputError, match="no column is named like a radiomics feature"):
        read_feature_table(plain, outcome="surv2yr")


def test_the_command_reports_bad_input_as_a_command_error(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    plain = tmp_path / "plain.csv"
    plain.write_text("id,surv2yr,age\n1,0,50\n2,1,60\n")
    with pytest.raises(CommandError, match="plain.csv, line 1: no column is named like"):
        call_command(
            "imaging_train",
            "--features",
            str(plain),
            "--outcome",
            "surv2yr",
            "--out",
            str(tmp_path),
        )
