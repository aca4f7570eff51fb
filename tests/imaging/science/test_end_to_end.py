"""Way 2 end to end: the public lung CT and its lesion mask -> DART's extraction -> the model
trained by imaging_train -> a prediction with its caveats."""

from imaging.science.extraction import bundled_config, check_image_and_mask, extract_features
from imaging.science.registry import compatibility, predict, register_model


def test_lung1_ct_gives_a_research_only_survival_prediction(trained_model, pyrad_data):
    image, mask = pyrad_data / "lung1_image.nrrd", pyrad_data / "lung1_label.nrrd"
    check_image_and_mask(image, mask, filename_image=image.name, filename_mask=mask.name)
    features = extract_features(image, mask, config=bundled_config())
    model = register_model(trained_model["program"], trained_model["card"])

    ok, warnings, reason = compatibility(model.card, features)
    assert ok, reason
    prediction = predict(model, features)

    assert prediction.target == "surv2yr"
    assert 0.0 < prediction.probability < 1.0
    assert prediction.meaning == (
        "probability that the patient is alive 2 years after the start of treatment"
    )
    assert prediction.research_only is True
    assert prediction.caveat == "research use only, not for clinical decisions"
    assert prediction.model_version == "1.0.0"
    assert prediction.extraction["config_name"] == "hosny2018-pyrad3"
    assert prediction.extraction["pyradiomics_version"] == "3.1.4"
    assert prediction.extraction["image"] == "lung1_image.nrrd"
    assert any("PyRadiomics 3.1.4" in w for w in prediction.warnings)
    assert list(prediction.warnings) == warnings
