"""The model registry: an exported torch program plus its card, checked on registration and
applied only to compatible features."""

import dataclasses
import json
import zipfile

import pytest
import torch

from genomics.io.errors import InputError
from imaging.science.extraction import FeatureSet, bundled_config, parse_extraction_config
from imaging.science.registry import (
    RESEARCH_ONLY_CAVEAT,
    compatibility,
    load_card,
    predict,
    register_model,
)


@pytest.fixture(scope="module")
def registered(trained_model):
    return register_model(trained_model["program"], trained_model["card"])


def feature_set_for(card, **changes) -> FeatureSet:
    """Features as DART's bundled extraction would store them, at the training means."""
    values = {name: card.normalisation["mean"][name] for name in card.features}
    base = FeatureSet(
        features=values,
        config=bundled_config(),
        pyradiomics_version="3.1.4",
        simpleitk_version="2.5.7",
        image_filename="image.nrrd",
        mask_filename="mask.nrrd",
    )
    return dataclasses.replace(base, **changes)


def test_a_trained_model_registers(registered, trained_model):
    card = json.loads(trained_model["card"].read_text())
    assert registered.card.name == "hosny2018-surv2yr-pyrad3"
    assert registered.card.version == "1.0.0"
    assert list(registered.card.features) == card["features"]
    assert registered.program_sha256 == card["program_sha256"]


def test_a_file_that_is_not_an_exported_program_is_refused(trained_model, tmp_path):
    text = tmp_path / "model.pt2"
    text.write_text("weights, honest")
    with pytest.raises(InputError, match="model.pt2: the file is not an exported torch program"):
        register_model(text, trained_model["card"])
    # A zip (torch.save writes one) that torch.export.load refuses.
    state = tmp_path / "state.pt2"
    torch.save({"weight": torch.zeros(3)}, state)
    assert zipfile.is_zipfile(state)
    card = json.loads(trained_model["card"].read_text())
    del card["program_sha256"]
    card_path = tmp_path / "card.json"
    card_path.write_text(json.dumps(card))
    with pytest.raises(InputError, match="state.pt2: the file is not an exported torch program"):
        register_model(state, card_path)


def test_a_card_for_another_program_is_refused(trained_model, tmp_path):
    card = json.loads(trained_model["card"].read_text())
    card["program_sha256"] = "0" * 64
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card))
    with pytest.raises(InputError, match="card.json: the card was written for another program"):
        register_model(trained_model["program"], path)


def test_a_program_whose_inputs_do_not_match_the_card_is_refused(trained_model, tmp_path):
    card = json.loads(trained_model["card"].read_text())
    dropped = card["features"].pop()
    for key in ("mean", "std", "impute"):
        del card["normalisation"][key][dropped]
    del card["program_sha256"]
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card))
    with pytest.raises(InputError) as err:
        register_model(trained_model["program"], path)
    assert err.value.filename == trained_model["program"].name
    assert "takes 20 features per row but the card lists 19" in str(err.value)


def test_a_program_with_a_different_input_shape_is_refused(trained_model, tmp_path):
    class Flat(torch.nn.Module):
        def forward(self, x):
            return torch.sigmoid(x.sum()).reshape(1)

    program = torch.export.export(Flat(), (torch.zeros(20, dtype=torch.float64),))
    path = tmp_path / "flat.pt2"
    torch.export.save(program, path)
    card = json.loads(trained_model["card"].read_text())
    del card["program_sha256"]
    card_path = tmp_path / "card.json"
    card_path.write_text(json.dumps(card))
    with pytest.raises(
        InputError, match=r"flat.pt2: the program must take one \(batch, features\)"
    ):
        register_model(path, card_path)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda c: c.update(research_only=False), "/research_only"),
        (lambda c: c.pop("features"), "/features"),
        (lambda c: c["output"].update(kind="score"), "/output/kind"),
        (lambda c: c["normalisation"]["std"].update({c["features"][0]: 0}), "/normalisation/std"),
    ],
)
def test_card_violations_name_the_field(trained_model, tmp_path, change, pointer):
    card = json.loads(trained_model["card"].read_text())
    change(card)
    path = tmp_path / "bad.card.json"
    path.write_text(json.dumps(card))
    with pytest.raises(InputError) as err:
        load_card(path)
    assert err.value.filename == "bad.card.json"
    assert f"field {pointer}" in str(err.value)


def test_compatible_features_from_another_pyradiomics_version_warn(registered):
    ok, warnings, reason = compatibility(registered.card, feature_set_for(registered.card))
    assert ok and reason is None
    # The Hosny tables come from PyRadiomics 1.1.1-beta1; DART extracts with 3.1.4.
    assert registered.card.extraction["pyradiomics_version"] == "1.1.1-beta1"
    assert any("PyRadiomics 3.1.4" in w and "1.1.1-beta1" in w for w in warnings)


def test_features_standardised_per_cohort_are_refused(registered):
    features = feature_set_for(registered.card, standardisation="cohort")
    ok, _warnings, reason = compatibility(registered.card, features)
    assert not ok
    assert "standardised per cohort" in reason
    with pytest.raises(InputError, match="standardised per cohort"):
        predict(registered, features)


def test_features_from_other_extraction_settings_are_refused(registered):
    text = bundled_config().params_text.replace("binWidth: 25", "binWidth: 10")
    other = parse_extraction_config(text, filename="other.yaml")
    ok, _warnings, reason = compatibility(
        registered.card, feature_set_for(registered.card, config=other)
    )
    assert not ok
    assert "setting.binWidth is 10 here, 25 for the model" in reason


def test_missing_or_non_finite_features_are_refused(registered):
    card = registered.card
    values = dict(feature_set_for(card).features)
    gone = values.pop(card.features[0])
    ok, _w, reason = compatibility(card, feature_set_for(card, features=values))
    assert not ok and "lacks 1 of the model's 20 features" in reason
    values[card.features[0]] = float("nan")
    ok, _w, reason = compatibility(card, feature_set_for(card, features=values))
    assert not ok and "no finite value" in reason
    assert gone == card.normalisation["mean"][card.features[0]]


def test_extreme_values_are_flagged_as_extrapolation(registered):
    card = registered.card
    values = dict(feature_set_for(card).features)
    name = card.features[0]
    values[name] = card.normalisation["mean"][name] + 10 * card.normalisation["std"][name]
    ok, warnings, _ = compatibility(card, feature_set_for(card, features=values))
    assert ok and any("extrapolates" in w for w in warnings)


def test_predict_stores_model_version_extraction_and_caveat(registered):
    prediction = predict(registered, feature_set_for(registered.card))
    assert prediction.target == "surv2yr"
    assert 0.0 < prediction.probability < 1.0 and prediction.value == prediction.probability
    assert (prediction.model, prediction.model_version) == ("hosny2018-surv2yr-pyrad3", "1.0.0")
    assert prediction.research_only is True
    assert prediction.caveat == RESEARCH_ONLY_CAVEAT
    assert prediction.extraction["config_name"] == "hosny2018-pyrad3"
    assert prediction.extraction["params_sha256"] == bundled_config().sha256
    assert prediction.extraction["model_program_sha256"] == registered.program_sha256
    assert prediction.device == ("cuda" if torch.cuda.is_available() else "cpu")
    assert prediction.to_dict()["warnings"] == list(prediction.warnings)
