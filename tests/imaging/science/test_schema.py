"""The imaging predictions format: JSON and CSV, strict validation naming the field and the file."""

import json
from pathlib import Path

import pytest

from genomics.io.errors import InputError
from imaging.science.schema import load_predictions, load_predictions_csv, recist_measurable

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "imaging" / "schemas" / "example-predictions.json"
EXAMPLE_CSV = ROOT / "imaging" / "schemas" / "example-predictions.csv"


def example() -> dict:
    return json.loads(EXAMPLE.read_text())


def load(doc: dict):
    return load_predictions(json.dumps(doc).encode(), filename="upload.json")


def test_the_documented_example_loads_into_dataclasses():
    report = load_predictions(EXAMPLE, filename="example-predictions.json")
    assert report.study_uid == "1.2.826.0.1.3680043.8.498.10123"
    assert report.series_uid == "1.2.826.0.1.3680043.8.498.10123.2"
    assert report.timepoint == "baseline"
    assert report.acquisition_date == "2026-10-14"
    assert report.modality == "CT"
    assert [lz.id for lz in report.lesions] == ["L1", "N1"]
    first = report.lesions[0]
    assert (first.volume_ml, first.longest_diameter_mm, first.measurable) == (14.2, 38.5, True)
    assert report.lesions[1].lymph_node and not report.lesions[1].measurable
    prognosis, egfr = report.predictions
    assert prognosis.target == "surv2yr" and prognosis.probability == 0.62
    assert prognosis.model.name == "hosny2018-surv2yr-pyrad3" and prognosis.model.version == "1.0.0"
    assert prognosis.validation[1].cohort == "Maastro" and prognosis.validation[1].external
    assert prognosis.research_only is True
    assert (
        egfr.gene == "EGFR" and egfr.class_label == "mutant" and egfr.probability_ci == (0.66, 0.9)
    )
    assert report.features.standardisation == "none"
    assert report.features.values["L1"]["original_shape_Maximum3DDiameter"] == 41.2


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda d: d["predictions"][0].pop("research_only"), "/predictions/0/research_only"),
        (lambda d: d["predictions"][0]["model"].pop("version"), "/predictions/0/model/version"),
        (lambda d: d["predictions"][1].update(probability=1.3), "/predictions/1/probability"),
        (lambda d: d["lesions"][0].update(volume_ml="large"), "/lesions/0/volume_ml"),
        (lambda d: d.update(modality="XRAY"), "/modality"),
        (lambda d: d["study"].pop("series_uid"), "/study/series_uid"),
        (lambda d: d["lesions"][0].update(colour="red"), "/lesions/0"),
        (
            lambda d: d["predictions"][0]["model"].update(card_url="file:///etc/passwd"),
            "/predictions/0/model/card_url",
        ),
    ],
)
def test_schema_violations_name_the_field_and_the_file(change, pointer):
    doc = example()
    change(doc)
    with pytest.raises(InputError) as err:
        load(doc)
    assert err.value.filename == "upload.json"
    assert f"field {pointer}" in str(err.value)
    assert str(err.value).startswith("upload.json: ")


def test_a_prediction_needs_a_value_or_a_class():
    doc = example()
    del doc["predictions"][1]["class"]
    with pytest.raises(InputError, match=r"/predictions/1 needs 'value' or 'class'"):
        load(doc)


def test_measurable_must_agree_with_recist_1_1():
    doc = example()
    doc["lesions"][0]["longest_diameter_mm"] = 8.0  # below 10 mm, yet marked measurable
    with pytest.raises(
        InputError, match=r"/lesions/0/measurable.*below the RECIST 1.1 limit of 10"
    ):
        load(doc)
    doc = example()
    doc["lesions"][1]["short_axis_mm"] = 16.0  # a node of 16 mm short axis is measurable
    with pytest.raises(InputError, match=r"/lesions/1/measurable"):
        load(doc)


def test_recist_measurability_thresholds():
    assert recist_measurable(longest_diameter_mm=10.0)
    assert not recist_measurable(longest_diameter_mm=9.9)
    assert recist_measurable(longest_diameter_mm=None, short_axis_mm=15.0, lymph_node=True)
    assert not recist_measurable(longest_diameter_mm=30.0, short_axis_mm=14.0, lymph_node=True)


def test_references_to_lesions_must_exist():
    doc = example()
    doc["predictions"][0]["lesion_id"] = "L9"
    with pytest.raises(InputError, match=r"/predictions/0/lesion_id: no lesion has id 'L9'"):
        load(doc)
    doc = example()
    doc["lesions"][1]["id"] = "L1"
    with pytest.raises(InputError, match=r"/lesions/1/id: lesion id 'L1' is used twice"):
        load(doc)
    doc = example()
    doc["features"]["values"]["L7"] = {"original_shape_MeshVolume": 1.0}
    with pytest.raises(InputError, match=r"/features/values/L7"):
        load(doc)


def test_a_radiogenomic_prediction_names_its_gene():
    doc = example()
    del doc["predictions"][1]["gene"]
    with pytest.raises(InputError, match=r"/predictions/1/gene"):
        load(doc)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"schema_version": NaN}', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[]", r"field /: \[\] is not of type 'object'"),
    ],
)
def test_files_that_are_not_the_format_are_refused(content, reason):
    with pytest.raises(InputError, match=reason) as err:
        load_predictions(content, filename="bad.json")
    assert err.value.filename == "bad.json"


def test_csv_example_loads_like_the_json():
    report = load_predictions_csv(EXAMPLE_CSV, filename="example-predictions.csv")
    assert report.study_uid == "1.2.826.0.1.3680043.8.498.10123"
    assert [lz.id for lz in report.lesions] == ["L1", "N1"]
    assert report.lesions[0].longest_diameter_mm == 38.5
    assert [p.target for p in report.predictions] == ["surv2yr", "EGFR_mutant"]
    assert report.predictions[1].class_label == "mutant"
    assert report.predictions[0].validation[0].auc == 0.61
    assert report.features.values["L1"]["original_shape_Maximum3DDiameter"] == 41.2


def test_csv_errors_name_the_line_and_the_field():
    lines = EXAMPLE_CSV.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")  # the first prediction row, line 4 of the file
    row[header.index("probability")] = "1.7"
    lines[3] = ",".join(row)
    with pytest.raises(InputError) as err:
        load_predictions_csv("\n".join(lines).encode(), filename="preds.csv")
    assert err.value.line == 4
    assert "/predictions/0/probability" in str(err.value)
    assert str(err.value).startswith("preds.csv, line 4: ")


def test_csv_refuses_unknown_columns_and_mixed_studies():
    text = EXAMPLE_CSV.read_text()
    with pytest.raises(InputError, match="unknown column"):
        load_predictions_csv(
            text.replace("acquisition_date,", "acq_date,", 1).encode(), filename="p.csv"
        )
    lines = text.splitlines()
    lines[2] = lines[2].replace("1.2.826.0.1.3680043.8.498.10123,", "9.9.9,", 1)
    with pytest.raises(InputError, match="one file holds one study") as err:
        load_predictions_csv("\n".join(lines).encode(), filename="p.csv")
    assert err.value.line == 3
