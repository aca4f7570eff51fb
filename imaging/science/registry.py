"""The model registry: an exported torch program (.pt2) plus its model card, checked on
registration, applied only to features from a compatible extraction.

A program maps a (batch, n_features) float64 tensor of the card's features, in the card's order,
to a (batch,) tensor of probabilities of the card's positive class. When the card says
``normalisation.applied_by == "program"`` the program takes raw feature values (NaN allowed, it
imputes); with ``"dart"`` DART imputes, standardises and clips with the card's values first.
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from genomics.io.errors import InputError
from imaging.science.extraction import FeatureSet, effective_settings
from imaging.science.schema import validate_with_schema

CARD_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "model-card.schema.json"
RESEARCH_ONLY_CAVEAT = "research use only, not for clinical decisions"
MAX_PROGRAM_BYTES = 200 * 1024 * 1024
MAX_CARD_BYTES = 5 * 1024 * 1024
EXTRAPOLATION_SD = 4.0  # a feature this many training SDs from the mean is flagged


@dataclass(frozen=True)
class ModelCard:
    """The parts of a model card DART acts on; ``raw`` holds the whole card."""

    name: str
    version: str
    target: str
    kind: str
    features: tuple[str, ...]
    extraction: dict[str, Any] | None
    normalisation: dict[str, Any]
    output: dict[str, Any]
    research_only: bool
    caveat: str | None
    gene: str | None = None
    program_sha256: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class RegisteredModel:
    card: ModelCard
    program_path: Path
    program_sha256: str
    program: Any = field(repr=False, compare=False)  # torch.export.ExportedProgram


@dataclass(frozen=True)
class Prediction:
    """One model applied to one lesion's features; stores the model and the extraction it used."""

    target: str
    value: float
    probability: float
    model: str
    model_version: str
    research_only: bool
    warnings: tuple[str, ...]
    extraction: dict[str, Any]
    kind: str = "prognosis"
    gene: str | None = None
    meaning: str = ""
    caveat: str | None = None
    device: str = "cpu"

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "value": self.value,
            "probability": self.probability,
            "model": self.model,
            "model_version": self.model_version,
            "research_only": self.research_only,
            "warnings": list(self.warnings),
            "extraction": self.extraction,
            "kind": self.kind,
            "gene": self.gene,
            "meaning": self.meaning,
            "caveat": self.caveat,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def card_from_dict(doc: Any, *, filename: str) -> ModelCard:
    """Card document -> ModelCard, validated by the card schema (InputError names the field)."""
    validate_with_schema(doc, schema_path=CARD_SCHEMA_PATH, filename=filename)
    features = tuple(doc["features"])
    norm = doc["normalisation"]
    for key in ("mean", "std"):
        missing = [f for f in features if f not in norm[key]]
        if missing:
            raise InputError(
                f"field /normalisation/{key} lacks the feature(s) {', '.join(missing[:5])}",
                filename=filename,
            )
    return ModelCard(
        name=doc["name"],
        version=doc["version"],
        target=doc["target"],
        kind=doc.get("kind", "other"),
        gene=doc.get("gene"),
        features=features,
        extraction=doc["extraction"],
        normalisation=norm,
        output=doc["output"],
        research_only=doc["research_only"],
        caveat=doc.get("caveat"),
        program_sha256=doc.get("program_sha256"),
        raw=doc,
    )


def load_card(card_path: str | Path, *, filename: str | None = None) -> ModelCard:
    """Read and validate a model card JSON file -> ModelCard."""
    path = Path(card_path)
    filename = filename or path.name
    try:
        if path.stat().st_size > MAX_CARD_BYTES:
            raise InputError("the model card is larger than 5 MB", filename=filename)
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"the model card could not be read ({exc.strerror})", filename=filename
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("the model card is not valid JSON", filename=filename) from exc
    return card_from_dict(doc, filename=filename)


def _program_input_shape(program: Any) -> tuple[Any, ...] | None:
    """The shape of the program's single user input, or None when it has not exactly one."""
    user_inputs = list(program.graph_signature.user_inputs)
    if len(user_inputs) != 1:
        return None
    for node in program.graph.nodes:
        if node.op == "placeholder" and node.name == user_inputs[0]:
            value = node.meta.get("val")
            return tuple(value.shape) if value is not None else None
    return None


def device() -> torch.device:
    """Where inference runs: the GPU when one is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def register_model(
    program_path: str | Path,
    card_path: str | Path,
    *,
    filename_program: str | None = None,
    filename_card: str | None = None,
) -> RegisteredModel:
    """Check an exported program and its card belong together -> RegisteredModel.

    The program must load with ``torch.export.load``, take one (batch, n) input with n the number
    of card features, and return one probability per row. InputError names the file otherwise.
    """
    program_path = Path(program_path)
    filename_program = filename_program or program_path.name
    card = load_card(card_path, filename=filename_card)
    try:
        size = program_path.stat().st_size
    except OSError as exc:
        raise InputError(
            f"the program could not be read ({exc.strerror})", filename=filename_program
        ) from exc
    if size > MAX_PROGRAM_BYTES:
        raise InputError("the program is larger than 200 MB", filename=filename_program)
    if not zipfile.is_zipfile(program_path):
        raise InputError(
            "the file is not an exported torch program (.pt2 from torch.export.save)",
            filename=filename_program,
        )
    sha = _sha256(program_path)
    if card.program_sha256 and card.program_sha256 != sha:
        raise InputError(
            "the card was written for another program file (program_sha256 differs)",
            filename=filename_card or Path(card_path).name,
        )
    try:
        program = torch.export.load(program_path)
    except Exception as exc:  # torch raises many types for foreign archives
        raise InputError(
            "the file is not an exported torch program: torch.export.load refused it "
            f"({type(exc).__name__})",
            filename=filename_program,
        ) from exc
    n = len(card.features)
    shape = _program_input_shape(program)
    if shape is None or len(shape) != 2:
        raise InputError(
            f"the program must take one (batch, features) input; it takes {shape or 'several'}",
            filename=filename_program,
        )
    if not isinstance(shape[1], int) or shape[1] != n:
        raise InputError(
            f"the program takes {shape[1]} features per row but the card lists {n}",
            filename=filename_program,
        )
    probe = torch.zeros((1, n), dtype=torch.float64)
    try:
        out = program.module()(probe)
    except Exception as exc:
        raise InputError(
            f"the program fails on a (1, {n}) float64 input ({type(exc).__name__})",
            filename=filename_program,
        ) from exc
    if not isinstance(out, torch.Tensor) or out.numel() != 1:
        raise InputError(
            "the program must return one probability per input row", filename=filename_program
        )
    value = float(out.reshape(-1)[0])
    if not (0.0 <= value <= 1.0):
        raise InputError(
            f"the program returned {value:g}, which is not a probability", filename=filename_program
        )
    return RegisteredModel(
        card=card, program_path=program_path, program_sha256=sha, program=program
    )


def _version_key(version: str) -> str:
    return version.strip().lstrip("vV")


def _settings_differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    differences: list[str] = []
    for section in ("imageType", "featureClass", "setting"):
        want, have = expected.get(section) or {}, actual.get(section) or {}
        for key in sorted(set(want) | set(have)):
            if want.get(key, "<absent>") != have.get(key, "<absent>"):
                differences.append(
                    f"{section}.{key} is {have.get(key, 'absent')} here, "
                    f"{want.get(key, 'absent')} for the model"
                )
    return differences


def compatibility(card: ModelCard, feature_set: FeatureSet) -> tuple[bool, list[str], str | None]:
    """Can the model of ``card`` run on ``feature_set``? -> (ok, warnings, reason when not ok).

    Refused: features standardised per cohort, missing or non-finite card features, an extraction
    whose settings differ from the card's. Allowed with a warning: another PyRadiomics version,
    feature values far outside the training data.
    """
    warnings: list[str] = []
    if feature_set.standardisation != "none":
        return (
            False,
            warnings,
            "the features were standardised per cohort; the model expects raw PyRadiomics "
            "values and standardises them with its own training statistics",
        )
    if card.extraction is None:
        return (
            False,
            warnings,
            "the model card names no extraction configuration, so DART cannot check that "
            "these features were computed the same way",
        )
    differences = _settings_differences(
        card.extraction["settings"], effective_settings(feature_set.config)
    )
    if differences:
        return (
            False,
            warnings,
            f"the extraction settings differ from the model's ({card.extraction['config_name']} "
            f"v{card.extraction['config_version']}): " + "; ".join(differences[:5]),
        )
    missing = [f for f in card.features if f not in feature_set.features]
    if missing:
        return (
            False,
            warnings,
            f"the extraction lacks {len(missing)} of the model's {len(card.features)} features "
            f"(e.g. {', '.join(missing[:3])})",
        )
    not_finite = [f for f in card.features if not math.isfinite(feature_set.features[f])]
    if not_finite:
        return (
            False,
            warnings,
            f"PyRadiomics returned no finite value for {', '.join(not_finite[:3])}",
        )
    if (
        feature_set.config.name != card.extraction["config_name"]
        or feature_set.config.version != card.extraction["config_version"]
    ):
        warnings.append(
            f"features come from configuration {feature_set.config.name} "
            f"v{feature_set.config.version}; the model names {card.extraction['config_name']} "
            f"v{card.extraction['config_version']} (same settings)"
        )
    model_version = card.extraction["pyradiomics_version"]
    if _version_key(model_version) != _version_key(feature_set.pyradiomics_version):
        warnings.append(
            f"features computed with PyRadiomics {_version_key(feature_set.pyradiomics_version)}; "
            f"the model was trained on features from PyRadiomics {_version_key(model_version)}, "
            "and some feature values may differ between versions"
        )
    mean, std = card.normalisation["mean"], card.normalisation["std"]
    far = [
        f
        for f in card.features
        if abs(feature_set.features[f] - mean[f]) / std[f] > EXTRAPOLATION_SD
    ]
    if far:
        warnings.append(
            f"{len(far)} feature(s) lie more than {EXTRAPOLATION_SD:g} SD from the training "
            f"mean ({', '.join(far[:3])}); the prediction extrapolates"
        )
    return True, warnings, None


def _model_input(card: ModelCard, feature_set: FeatureSet) -> torch.Tensor:
    values = [feature_set.features[f] for f in card.features]
    x = torch.tensor([values], dtype=torch.float64)
    norm = card.normalisation
    if norm["applied_by"] == "dart":
        impute = norm.get("impute") or {}
        mean = torch.tensor([norm["mean"][f] for f in card.features], dtype=torch.float64)
        std = torch.tensor([norm["std"][f] for f in card.features], dtype=torch.float64)
        fill = torch.tensor(
            [impute.get(f, norm["mean"][f]) for f in card.features], dtype=torch.float64
        )
        x = torch.where(torch.isnan(x), fill, x)
        x = (x - mean) / std
        if norm.get("clip"):
            x = x.clamp(-norm["clip"], norm["clip"])
    return x


def predict(model: RegisteredModel, feature_set: FeatureSet) -> Prediction:
    """Apply a registered model to one lesion's features -> Prediction; InputError if refused."""
    ok, warnings, reason = compatibility(model.card, feature_set)
    if not ok:
        raise InputError(
            f"model {model.card.name} v{model.card.version} cannot use these features: {reason}",
            filename=feature_set.mask_filename or feature_set.image_filename or model.card.name,
        )
    target_device = device()
    program = model.program
    if target_device.type == "cuda":
        from torch.export.passes import move_to_device_pass

        program = move_to_device_pass(program, target_device)
    x = _model_input(model.card, feature_set).to(target_device)
    with torch.no_grad():
        probability = float(program.module()(x).reshape(-1)[0].cpu())
    card = model.card
    caveat = card.caveat or (RESEARCH_ONLY_CAVEAT if card.research_only else None)
    return Prediction(
        target=card.target,
        value=probability,
        probability=probability,
        model=card.name,
        model_version=card.version,
        research_only=card.research_only,
        warnings=tuple(warnings),
        extraction={
            **feature_set.extraction_summary(),
            "model_program_sha256": model.program_sha256,
        },
        kind=card.kind,
        gene=card.gene,
        meaning=card.output["meaning"],
        caveat=caveat,
        device=target_device.type,
    )
