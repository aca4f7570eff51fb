"""The imaging predictions format (docs/imaging-format.md): JSON and CSV in, ImagingReport out.

Validation is strict: the JSON Schema in ``imaging/schemas/imaging-predictions.schema.json`` plus
the cross-field rules the schema cannot say (unique lesion ids, references to lesions, RECIST 1.1
measurability). Every refusal is an ``InputError`` naming the file, the field as a JSON pointer and,
for CSV, the line.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from genomics.io.errors import InputError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "imaging-predictions.schema.json"
SCHEMA_VERSION = "1.0"
MAX_BYTES = 20 * 1024 * 1024

# RECIST 1.1: non-nodal lesions are measurable from 10 mm longest diameter (CT slice <= 5 mm),
# lymph nodes from 15 mm short axis.
RECIST_MIN_LONGEST_DIAMETER_MM = 10.0
RECIST_MIN_NODE_SHORT_AXIS_MM = 15.0


@dataclass(frozen=True)
class Lesion:
    id: str
    site: str
    measurable: bool
    volume_ml: float | None = None
    longest_diameter_mm: float | None = None
    short_axis_mm: float | None = None
    lymph_node: bool = False
    target_lesion: bool | None = None


@dataclass(frozen=True)
class ModelRef:
    name: str
    version: str
    card_url: str | None = None


@dataclass(frozen=True)
class ValidationMetrics:
    cohort: str | None = None
    n: int | None = None
    auc: float | None = None
    auc_ci_low: float | None = None
    auc_ci_high: float | None = None
    brier: float | None = None
    c_index: float | None = None
    external: bool | None = None


@dataclass(frozen=True)
class ReportedPrediction:
    """One prediction as an external pipeline (or DART) reported it."""

    target: str
    kind: str
    model: ModelRef
    research_only: bool
    value: float | None = None
    class_label: str | None = None
    probability: float | None = None
    probability_ci: tuple[float, float] | None = None
    gene: str | None = None
    lesion_id: str | None = None
    validation: tuple[ValidationMetrics, ...] = ()


@dataclass(frozen=True)
class ReportedExtraction:
    software: str
    software_version: str
    config_name: str | None = None
    config_version: str | None = None
    params_sha256: str | None = None


@dataclass(frozen=True)
class ReportedFeatures:
    extraction: ReportedExtraction
    standardisation: str
    values: dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class ImagingReport:
    """One imaging study of one patient: lesions, features and predictions."""

    filename: str
    study_uid: str
    series_uid: str
    timepoint: str
    modality: str
    lesions: tuple[Lesion, ...]
    predictions: tuple[ReportedPrediction, ...]
    features: ReportedFeatures | None = None
    acquisition_date: str | None = None
    accession_number: str | None = None
    patient_id: str | None = None
    schema_version: str = SCHEMA_VERSION
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@lru_cache(maxsize=4)
def _validator(schema_path: Path = SCHEMA_PATH) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def recist_measurable(
    *,
    longest_diameter_mm: float | None,
    short_axis_mm: float | None = None,
    lymph_node: bool = False,
) -> bool:
    """RECIST 1.1 measurability from the sizes (None when the needed size is missing -> False)."""
    if lymph_node:
        return short_axis_mm is not None and short_axis_mm >= RECIST_MIN_NODE_SHORT_AXIS_MM
    return longest_diameter_mm is not None and longest_diameter_mm >= RECIST_MIN_LONGEST_DIAMETER_MM


def _pointer(path: Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "/"


def _read_bytes(path_or_bytes: str | Path | bytes, filename: str) -> bytes:
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
    else:
        path = Path(path_or_bytes)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise InputError(
                    f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", filename=filename
                )
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(
                f"the file could not be read ({exc.strerror})", filename=filename
            ) from exc
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", filename=filename
        )
    return data


def _describe(error: jsonschema.ValidationError) -> str:
    """A plain sentence for one schema error, naming the field as a JSON pointer."""
    where = _pointer(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        target = where.rstrip("/") + "/" + missing if where != "/" else "/" + missing
        return f"field {target} is required"
    if error.validator == "additionalProperties":
        return f"field {where}: {error.message}"
    if error.validator == "anyOf" and all(
        isinstance(sub, dict) and set(sub) == {"required"} for sub in error.validator_value
    ):
        options = " or ".join(f"'{sub['required'][0]}'" for sub in error.validator_value)
        return f"field {where} needs {options}"
    return f"field {where}: {error.message}"


def _check_semantics(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Cross-field rules the schema cannot express: (pointer, reason) pairs."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, lesion in enumerate(doc.get("lesions", [])):
        lid = lesion["id"]
        if lid in seen:
            problems.append((f"/lesions/{i}/id", f"lesion id '{lid}' is used twice"))
        seen.add(lid)
        node = bool(lesion.get("lymph_node", False))
        size_field = "short_axis_mm" if node else "longest_diameter_mm"
        size = lesion.get(size_field)
        if lesion["measurable"] and size is None:
            problems.append(
                (f"/lesions/{i}/{size_field}", f"a measurable lesion needs {size_field}")
            )
        elif size is not None:
            expected = recist_measurable(
                longest_diameter_mm=lesion.get("longest_diameter_mm"),
                short_axis_mm=lesion.get("short_axis_mm"),
                lymph_node=node,
            )
            if expected != lesion["measurable"]:
                limit = RECIST_MIN_NODE_SHORT_AXIS_MM if node else RECIST_MIN_LONGEST_DIAMETER_MM
                problems.append(
                    (
                        f"/lesions/{i}/measurable",
                        f"measurable is {str(lesion['measurable']).lower()} but {size_field} "
                        f"{size:g} is {'at least' if expected else 'below'} the RECIST 1.1 "
                        f"limit of {limit:g} mm",
                    )
                )
    features = doc.get("features")
    if features:
        for lid, values in features["values"].items():
            if lid not in seen:
                problems.append(
                    (_pointer(["features", "values", lid]), f"no lesion has id '{lid}'")
                )
            for name, value in values.items():
                if isinstance(value, float) and not math.isfinite(value):
                    problems.append(
                        (_pointer(["features", "values", lid, name]), "value is not finite")
                    )
    for i, pred in enumerate(doc.get("predictions", [])):
        if "lesion_id" in pred and pred["lesion_id"] not in seen:
            problems.append(
                (f"/predictions/{i}/lesion_id", f"no lesion has id '{pred['lesion_id']}'")
            )
        if pred["kind"] == "radiogenomic" and "gene" not in pred:
            problems.append((f"/predictions/{i}/gene", "a radiogenomic prediction needs a gene"))
        ci = pred.get("probability_ci")
        if ci and ci[0] > ci[1]:
            problems.append(
                (f"/predictions/{i}/probability_ci", "the lower bound is above the upper")
            )
        for j, val in enumerate(pred.get("validation", [])):
            if (
                "auc_ci_low" in val
                and "auc_ci_high" in val
                and val["auc_ci_low"] > val["auc_ci_high"]
            ):
                problems.append(
                    (
                        f"/predictions/{i}/validation/{j}/auc_ci_low",
                        "the lower bound is above the upper",
                    )
                )
    return problems


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not allowed in JSON")


def _line_for(pointer: str, lines: dict[str, int] | None) -> int | None:
    """The CSV line of the longest pointer prefix in ``lines`` (None for JSON input)."""
    if not lines:
        return None
    best = None
    for prefix in lines:
        if (pointer == prefix or pointer.startswith(prefix + "/")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return lines[best] if best is not None else None


def validate_with_schema(
    doc: Any, *, schema_path: Path, filename: str, lines: dict[str, int] | None = None
) -> None:
    """Raise InputError naming the field (JSON pointer) of the most specific schema violation."""
    errors = list(_validator(schema_path).iter_errors(doc))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        pointer = _pointer(error.absolute_path)
        raise InputError(_describe(error), filename=filename, line=_line_for(pointer, lines))


def validate_document(doc: Any, *, filename: str, lines: dict[str, int] | None = None) -> None:
    """Raise InputError for the first problem in a predictions document (schema, then cross-field).

    ``lines`` maps a JSON pointer prefix (e.g. ``/lesions/0``) to a CSV line number.
    """
    validate_with_schema(doc, schema_path=SCHEMA_PATH, filename=filename, lines=lines)
    for pointer, reason in _check_semantics(doc):
        raise InputError(
            f"field {pointer}: {reason}", filename=filename, line=_line_for(pointer, lines)
        )


def load_predictions(path_or_bytes: str | Path | bytes, *, filename: str) -> ImagingReport:
    """Imaging predictions JSON (path or bytes) -> ImagingReport; InputError if invalid."""
    data = _read_bytes(path_or_bytes, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", filename=filename) from exc
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", str(exc))
        raise InputError(
            f"the file is not valid JSON ({msg})", filename=filename, line=line
        ) from exc
    validate_document(doc, filename=filename)
    return report_from_document(doc, filename=filename)


def report_from_document(doc: dict[str, Any], *, filename: str) -> ImagingReport:
    """Build the dataclasses from a document that passed ``validate_document``."""
    lesions = tuple(
        Lesion(
            id=lz["id"],
            site=lz["site"],
            measurable=lz["measurable"],
            volume_ml=_opt_float(lz.get("volume_ml")),
            longest_diameter_mm=_opt_float(lz.get("longest_diameter_mm")),
            short_axis_mm=_opt_float(lz.get("short_axis_mm")),
            lymph_node=bool(lz.get("lymph_node", False)),
            target_lesion=lz.get("target_lesion"),
        )
        for lz in doc["lesions"]
    )
    predictions = tuple(
        ReportedPrediction(
            target=p["target"],
            kind=p["kind"],
            model=ModelRef(
                name=p["model"]["name"],
                version=p["model"]["version"],
                card_url=p["model"].get("card_url"),
            ),
            research_only=p["research_only"],
            value=_opt_float(p.get("value")),
            class_label=p.get("class"),
            probability=_opt_float(p.get("probability")),
            probability_ci=tuple(p["probability_ci"]) if "probability_ci" in p else None,  # type: ignore[arg-type]
            gene=p.get("gene"),
            lesion_id=p.get("lesion_id"),
            validation=tuple(ValidationMetrics(**v) for v in p.get("validation", [])),
        )
        for p in doc["predictions"]
    )
    features = None
    if "features" in doc:
        f = doc["features"]
        features = ReportedFeatures(
            extraction=ReportedExtraction(**f["extraction"]),
            standardisation=f["standardisation"],
            values={
                lid: {k: _opt_float(v) for k, v in vals.items()}
                for lid, vals in f["values"].items()
            },
        )
    study = doc["study"]
    return ImagingReport(
        filename=filename,
        study_uid=study["study_uid"],
        series_uid=study["series_uid"],
        accession_number=study.get("accession_number"),
        patient_id=study.get("patient_id"),
        timepoint=doc["timepoint"]["label"],
        acquisition_date=doc["timepoint"].get("acquisition_date"),
        modality=doc["modality"],
        lesions=lesions,
        predictions=predictions,
        features=features,
        schema_version=doc["schema_version"],
        raw=doc,
    )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- CSV variant ---------------------------------------------------------------------------------

CSV_COMMON = ("row_type", "study_uid", "series_uid", "timepoint", "modality")
CSV_OPTIONAL_COMMON = ("acquisition_date", "accession_number", "patient_id")
CSV_LESION = (
    "lesion_id",
    "site",
    "volume_ml",
    "longest_diameter_mm",
    "short_axis_mm",
    "lymph_node",
    "measurable",
    "target_lesion",
)
CSV_PREDICTION = (
    "target",
    "kind",
    "gene",
    "lesion_id",
    "value",
    "class",
    "probability",
    "probability_ci_low",
    "probability_ci_high",
    "model_name",
    "model_version",
    "model_card_url",
    "validation_cohort",
    "validation_n",
    "validation_auc",
    "validation_brier",
    "validation_external",
    "research_only",
)
CSV_EXTRACTION = (
    "extraction_software",
    "extraction_software_version",
    "extraction_config_name",
    "extraction_config_version",
    "extraction_params_sha256",
    "feature_standardisation",
)
FEATURE_PREFIX = "feature:"
_KNOWN = set(CSV_COMMON + CSV_OPTIONAL_COMMON + CSV_LESION + CSV_PREDICTION + CSV_EXTRACTION)
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


def _csv_value(raw: str, column: str, *, filename: str, line: int) -> Any:
    """Convert one CSV cell to the JSON type the schema expects ('' -> absent)."""
    text = raw.strip()
    if text == "":
        return None
    if column in {
        "lymph_node",
        "measurable",
        "target_lesion",
        "research_only",
        "validation_external",
    }:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise InputError(
            f"column {column}: '{text}' is not true or false", filename=filename, line=line
        )
    numeric = {
        "volume_ml",
        "longest_diameter_mm",
        "short_axis_mm",
        "value",
        "probability",
        "probability_ci_low",
        "probability_ci_high",
        "validation_auc",
        "validation_brier",
    }
    if column in numeric or column.startswith(FEATURE_PREFIX):
        try:
            number = float(text)
        except ValueError as exc:
            raise InputError(
                f"column {column}: '{text}' is not a number", filename=filename, line=line
            ) from exc
        if not math.isfinite(number):
            raise InputError(f"column {column}: value is not finite", filename=filename, line=line)
        return number
    if column == "validation_n":
        try:
            return int(text)
        except ValueError as exc:
            raise InputError(
                f"column {column}: '{text}' is not a whole number", filename=filename, line=line
            ) from exc
    return text


def load_predictions_csv(path_or_bytes: str | Path | bytes, *, filename: str) -> ImagingReport:
    """The CSV variant (one row per lesion or prediction) -> ImagingReport; InputError if invalid.

    The rows are turned into the JSON document and validated by the same schema; errors name the
    CSV line and the field.
    """
    data = _read_bytes(path_or_bytes, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", filename=filename) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if not header:
        raise InputError("the file is empty", filename=filename)
    missing = [c for c in CSV_COMMON if c not in header]
    if missing:
        raise InputError(
            f"the header lacks the column(s) {', '.join(missing)}", filename=filename, line=1
        )
    unknown = [c for c in header if c not in _KNOWN and not c.startswith(FEATURE_PREFIX)]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)} "
            f"(feature columns start with '{FEATURE_PREFIX}')",
            filename=filename,
            line=1,
        )
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "lesions": [], "predictions": []}
    lines: dict[str, int] = {}
    feature_values: dict[str, dict[str, float | None]] = {}
    extraction: dict[str, Any] = {}
    standardisation: str | None = None
    first: dict[str, Any] | None = None
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError("the row has more cells than the header", filename=filename, line=line)
        cells = {k: _csv_value(v or "", k, filename=filename, line=line) for k, v in row.items()}
        if all(v is None for v in cells.values()):
            continue
        shared = {k: cells.get(k) for k in CSV_COMMON[1:] + CSV_OPTIONAL_COMMON}
        if first is None:
            first = shared
            doc["study"] = {
                k: v
                for k, v in (
                    ("study_uid", shared["study_uid"]),
                    ("series_uid", shared["series_uid"]),
                    ("accession_number", shared["accession_number"]),
                    ("patient_id", shared["patient_id"]),
                )
                if v is not None
            }
            doc["timepoint"] = {"label": shared["timepoint"]}
            if shared["acquisition_date"] is not None:
                doc["timepoint"]["acquisition_date"] = shared["acquisition_date"]
            doc["modality"] = shared["modality"]
            lines.update({"/study": line, "/timepoint": line, "/modality": line})
        else:
            for key, value in shared.items():
                if value != first[key]:
                    raise InputError(
                        f"column {key}: '{value}' differs from the first row ('{first[key]}'); "
                        "one file holds one study",
                        filename=filename,
                        line=line,
                    )
        kind = cells.get("row_type")
        if kind == "lesion":
            lesion = {
                "id": cells.get("lesion_id"),
                "site": cells.get("site"),
                "measurable": cells.get("measurable"),
            }
            for key in (
                "volume_ml",
                "longest_diameter_mm",
                "short_axis_mm",
                "lymph_node",
                "target_lesion",
            ):
                if cells.get(key) is not None:
                    lesion[key] = cells[key]
            lesion = {k: v for k, v in lesion.items() if v is not None}
            lines[f"/lesions/{len(doc['lesions'])}"] = line
            doc["lesions"].append(lesion)
            feats = {
                k[len(FEATURE_PREFIX) :]: v
                for k, v in cells.items()
                if k.startswith(FEATURE_PREFIX)
            }
            if any(v is not None for v in feats.values()):
                lid = str(cells.get("lesion_id"))
                feature_values[lid] = feats
                lines[_pointer(["features", "values", lid])] = line
                row_extraction = {
                    "software": cells.get("extraction_software"),
                    "software_version": cells.get("extraction_software_version"),
                    "config_name": cells.get("extraction_config_name"),
                    "config_version": cells.get("extraction_config_version"),
                    "params_sha256": cells.get("extraction_params_sha256"),
                }
                row_extraction = {k: v for k, v in row_extraction.items() if v is not None}
                if extraction and row_extraction != extraction:
                    raise InputError(
                        "the extraction columns differ from an earlier lesion row",
                        filename=filename,
                        line=line,
                    )
                extraction = row_extraction
                standardisation = cells.get("feature_standardisation")
                lines["/features/extraction"] = line
                lines["/features/standardisation"] = line
        elif kind == "prediction":
            pred: dict[str, Any] = {
                k: cells.get(k)
                for k in (
                    "target",
                    "kind",
                    "gene",
                    "lesion_id",
                    "value",
                    "class",
                    "probability",
                    "research_only",
                )
            }
            if (
                cells.get("probability_ci_low") is not None
                or cells.get("probability_ci_high") is not None
            ):
                pred["probability_ci"] = [
                    cells.get("probability_ci_low"),
                    cells.get("probability_ci_high"),
                ]
            pred["model"] = {
                k: v
                for k, v in (
                    ("name", cells.get("model_name")),
                    ("version", cells.get("model_version")),
                    ("card_url", cells.get("model_card_url")),
                )
                if v is not None
            }
            validation = {
                k: v
                for k, v in (
                    ("cohort", cells.get("validation_cohort")),
                    ("n", cells.get("validation_n")),
                    ("auc", cells.get("validation_auc")),
                    ("brier", cells.get("validation_brier")),
                    ("external", cells.get("validation_external")),
                )
                if v is not None
            }
            if validation:
                pred["validation"] = [validation]
            pred = {k: v for k, v in pred.items() if v is not None}
            lines[f"/predictions/{len(doc['predictions'])}"] = line
            doc["predictions"].append(pred)
        else:
            raise InputError(
                f"column row_type: '{kind}' is not 'lesion' or 'prediction'",
                filename=filename,
                line=line,
            )
    if first is None:
        raise InputError("the file has a header but no rows", filename=filename)
    if feature_values:
        doc["features"] = {
            "extraction": extraction,
            "standardisation": standardisation,
            "values": feature_values,
        }
        if standardisation is None:
            del doc["features"]["standardisation"]
    validate_document(doc, filename=filename, lines=lines)
    return report_from_document(doc, filename=filename)
