"""Train a small, regularised, calibrated torch model on a radiomics feature table.

Recipe (all statistics learned on training rows only, inside each cross-validation fold too):
median imputation, z-score standardisation with clipping, univariate-AUC feature selection with a
correlation filter, L2-penalised logistic regression (torch, LBFGS), stratified k-fold
cross-validation, Platt calibration on the out-of-fold predictions. The result is a
``torch.export`` program taking raw feature values, its model card, and a PNG of the ROC and
calibration curves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from genomics.io.errors import InputError
from imaging.science.extraction import (
    ExtractionConfig,
    effective_settings,
    feature_names_for,
    pyradiomics_version,
)
from imaging.science.registry import RESEARCH_ONLY_CAVEAT, card_from_dict

LICENCE_STATUSES = ("verified-permissive", "research-only", "unverified")
RADIOMICS_COLUMN = re.compile(
    r"^(original|log-sigma-[0-9-]+-mm-[23]D|wavelet-[LH]{1,3}|square|squareroot|logarithm|"
    r"exponential|gradient|lbp-[23]D-[a-z0-9-]+)_"
    r"(shape|shape2D|firstorder|glcm|glrlm|glszm|gldm|ngtdm|gldzm)_[A-Za-z0-9]+$"
)
MISSING_TOKENS = ["", "nan", "NaN", "N/A", "NA", "n/a", "null", "None"]


@dataclass(frozen=True)
class TrainingOptions:
    folds: int = 5
    k_features: int = 20
    l2: float = 30.0
    clip: float = 5.0
    max_missing: float = 0.1  # a candidate feature missing in more training rows is dropped
    max_row_missing: float = 0.5  # a row missing more of the features is dropped
    correlation_limit: float = 0.85  # |Spearman r| above which a candidate is redundant
    calibration_bins: int = 5
    seed: int = 0


@dataclass(frozen=True)
class FeatureTable:
    filename: str
    sha256: str
    ids: list[str]
    X: pd.DataFrame
    y: np.ndarray
    rows_dropped: int
    pyradiomics_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingResult:
    program_path: Path
    card_path: Path
    plot_path: Path
    card: dict[str, Any]
    cv_probabilities: np.ndarray = field(repr=False)


# --- reading -------------------------------------------------------------------------------------


def read_feature_table(
    path: str | Path,
    *,
    outcome: str,
    columns: list[str] | None = None,
    filename: str | None = None,
    max_row_missing: float = 0.5,
) -> FeatureTable:
    """CSV with one row per patient -> FeatureTable of numeric features and a 0/1 outcome.

    ``columns``: the features to read (all must be present); None = every radiomics-named column.
    Rows without an outcome, or missing more than ``max_row_missing`` of the features, are dropped.
    """
    path = Path(path)
    filename = filename or path.name
    try:
        raw = path.read_bytes()
        frame = pd.read_csv(path, na_values=MISSING_TOKENS, keep_default_na=True, low_memory=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"the file could not be read as CSV ({exc})", filename=filename) from exc
    if outcome not in frame.columns:
        raise InputError(f"there is no outcome column '{outcome}'", filename=filename, line=1)
    if columns is None:
        columns = [c for c in frame.columns if RADIOMICS_COLUMN.match(str(c))]
        if not columns:
            raise InputError(
                "no column is named like a radiomics feature", filename=filename, line=1
            )
    else:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"the feature column(s) {', '.join(missing[:5])} are missing",
                filename=filename,
                line=1,
            )
    features = frame[columns].apply(pd.to_numeric, errors="coerce").astype(float)
    features = features.where(np.isfinite(features))
    y_raw = frame[outcome]
    if y_raw.dtype == object:
        y_raw = (
            y_raw.astype(str)
            .str.strip()
            .str.lower()
            .map({"1": 1.0, "0": 0.0, "true": 1.0, "false": 0.0, "1.0": 1.0, "0.0": 0.0})
        )
    y = pd.to_numeric(y_raw, errors="coerce")
    bad = y.notna() & ~y.isin([0, 1])
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(
            f"outcome '{outcome}' must be 0 or 1, found {frame[outcome][bad].iloc[0]!r}",
            filename=filename,
            line=line,
        )
    keep = y.notna() & (features.isna().mean(axis=1) <= max_row_missing)
    id_column = next(
        (c for c in ("id", "ID", "PatientID", "patient_id") if c in frame.columns), None
    )
    ids = (
        frame.loc[keep, id_column].astype(str).str.strip().tolist()
        if id_column
        else [str(i + 2) for i in np.flatnonzero(keep.to_numpy())]
    )
    versions: tuple[str, ...] = ()
    if "general_info_Version" in frame.columns:
        versions = tuple(
            sorted(frame.loc[keep, "general_info_Version"].dropna().astype(str).unique())
        )
    table = FeatureTable(
        filename=filename,
        sha256=hashlib.sha256(raw).hexdigest(),
        ids=ids,
        X=features.loc[keep].reset_index(drop=True),
        y=y[keep].to_numpy(dtype=float),
        rows_dropped=int((~keep).sum()),
        pyradiomics_versions=versions,
    )
    if len(np.unique(table.y)) < 2:
        raise InputError(f"outcome '{outcome}' has only one class", filename=filename)
    return table


# --- metrics (computed here; the tests check them against scikit-learn) ---------------------------


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    y = np.asarray(y, dtype=float)
    ranks = pd.Series(np.asarray(p, dtype=float)).rank(method="average").to_numpy()
    n1 = float(y.sum())
    n0 = float(len(y) - n1)
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int) -> list[dict[str, float]]:
    """Rows of equal-count bins by predicted probability: n, mean predicted, observed rate."""
    order = np.argsort(p, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, min(bins, len(order)))):
        if len(chunk) == 0:
            continue
        rows.append(
            {
                "bin": index + 1,
                "n": int(len(chunk)),
                "mean_predicted": round(float(np.mean(p[chunk])), 4),
                "observed": round(float(np.mean(y[chunk])), 4),
            }
        )
    return rows


def roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    thresholds = np.unique(p)[::-1]
    pos, neg = max(y.sum(), 1), max((1 - y).sum(), 1)
    tpr = [0.0] + [float(((p >= t) & (y == 1)).sum() / pos) for t in thresholds]
    fpr = [0.0] + [float(((p >= t) & (y == 0)).sum() / neg) for t in thresholds]
    return np.array(fpr), np.array(tpr)


# --- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Preprocess:
    columns: list[str]
    impute: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    clip: float

    def __call__(self, X: pd.DataFrame) -> np.ndarray:
        values = X[self.columns].to_numpy(dtype=float)
        values = np.where(np.isnan(values), self.impute, values)
        return np.clip((values - self.mean) / self.std, -self.clip, self.clip)


def _fit_preprocess(X: pd.DataFrame, columns: list[str], clip: float) -> _Preprocess:
    values = X[columns].to_numpy(dtype=float)
    impute = np.nanmedian(values, axis=0)
    filled = np.where(np.isnan(values), impute, values)
    std = filled.std(axis=0)
    return _Preprocess(columns, impute, filled.mean(axis=0), np.where(std > 0, std, 1.0), clip)


def _select_features(
    X: pd.DataFrame, y: np.ndarray, candidates: list[str], opts: TrainingOptions
) -> list[str]:
    """Top univariate |AUC - 0.5| features, skipping ones strongly correlated with a chosen one."""
    filled = X[candidates].fillna(X[candidates].median())
    strength = {c: abs(auc(y, filled[c].to_numpy()) - 0.5) for c in candidates}
    ranked = sorted(candidates, key=lambda c: (-strength[c], c))
    ranks = filled.rank()
    chosen: list[str] = []
    for column in ranked:
        if len(chosen) >= opts.k_features:
            break
        if chosen:
            r = ranks[chosen].corrwith(ranks[column]).abs().max()
            if r > opts.correlation_limit:
                continue
        chosen.append(column)
    return chosen


def _fit_logistic(Z: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression: mean log-loss + l2 / (2n) * |w|^2 (intercept free)."""
    x = torch.tensor(Z, dtype=torch.float64)
    t = torch.tensor(y, dtype=torch.float64)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS(
        [w, b],
        lr=1.0,
        max_iter=500,
        tolerance_grad=1e-10,
        tolerance_change=1e-12,
        line_search_fn="strong_wolfe",
    )
    n = float(len(y))

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, t)
        loss = loss + l2 / (2 * n) * (w @ w)
        loss.backward()
        return loss

    optimiser.step(closure)
    return w.detach().numpy().copy(), float(b.detach())


def _fit_platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: p = sigmoid(a * logit + c), fitted by maximum likelihood.

    A negative slope would turn the model's ranking upside down; then the model carries no usable
    signal and the calibrated output is the base rate (a = 0).
    """
    w, c = _fit_logistic(logits.reshape(-1, 1), y, l2=0.0)
    if w[0] <= 0:
        rate = float(np.clip(np.mean(y), 1e-6, 1 - 1e-6))
        return 0.0, math.log(rate / (1 - rate))
    return float(w[0]), c


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class CalibratedLogistic(torch.nn.Module):
    """Raw features (NaN allowed) -> calibrated probability; all constants are buffers."""

    def __init__(
        self,
        impute: np.ndarray,
        mean: np.ndarray,
        std: np.ndarray,
        clip: float,
        weight: np.ndarray,
        bias: float,
    ) -> None:
        super().__init__()
        self.register_buffer("impute", torch.tensor(impute, dtype=torch.float64))
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float64))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float64))
        self.register_buffer("weight", torch.tensor(weight, dtype=torch.float64))
        self.register_buffer("bias", torch.tensor(bias, dtype=torch.float64))
        self.clip = float(clip)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.where(torch.isnan(x), self.impute, x)
        z = ((x - self.mean) / self.std).clamp(-self.clip, self.clip)
        return torch.sigmoid(z @ self.weight + self.bias)


def _export(module: torch.nn.Module, n_features: int, path: Path) -> None:
    example = torch.zeros((4, n_features), dtype=torch.float64)
    program = torch.export.export(
        module, (example,), dynamic_shapes={"x": {0: torch.export.Dim.DYNAMIC}}
    )
    torch.export.save(program, path)


def _program_probabilities(
    program_path: Path, table: FeatureTable, features: list[str]
) -> np.ndarray:
    """Run the saved program, as the registry will, on a table's raw features."""
    program = torch.export.load(program_path)
    x = torch.tensor(table.X[features].to_numpy(dtype=float), dtype=torch.float64)
    with torch.no_grad():
        return program.module()(x).numpy().astype(float)


# --- training ------------------------------------------------------------------------------------


def _candidates(
    train_path: Path, extraction_config: ExtractionConfig | None, filename: str
) -> list[str] | None:
    if extraction_config is None:
        return None
    header = pd.read_csv(train_path, nrows=0).columns
    names = [n for n in feature_names_for(extraction_config) if n in set(header)]
    if not names:
        raise InputError(
            f"no column is a feature that configuration {extraction_config.name} computes",
            filename=filename,
            line=1,
        )
    return names


def _metrics(y: np.ndarray, p: np.ndarray, bins: int) -> dict[str, Any]:
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "auc": round(auc(y, p), 4),
        "brier": round(brier(y, p), 4),
        "brier_base_rate": round(float(np.mean(y) * (1 - np.mean(y))), 4),
        "calibration": calibration_table(y, p, bins),
    }


def train_model(
    *,
    train_csv: str | Path,
    outcome: str,
    out_dir: str | Path,
    name: str,
    version: str = "1.0.0",
    validate_csvs: list[str | Path] | tuple[str | Path, ...] = (),
    extraction_config: ExtractionConfig | None = None,
    features_pyradiomics_version: str | None = None,
    positive_meaning: str | None = None,
    negative_meaning: str | None = None,
    kind: str = "prognosis",
    data_licence: str = "not verified",
    licence_status: str = "unverified",
    intended_use: str | None = None,
    options: TrainingOptions | None = None,
) -> TrainingResult:
    """Train on ``train_csv``, validate on ``validate_csvs``; write <name>.pt2, .card.json, .png.

    With ``extraction_config``, only features that configuration computes (under the installed
    PyRadiomics) are candidates, and the card names the configuration; otherwise every
    radiomics-named column is a candidate and the card names no extraction.
    """
    opts = options or TrainingOptions()
    if licence_status not in LICENCE_STATUSES:
        raise ValueError(f"licence_status must be one of {LICENCE_STATUSES}")
    train_path = Path(train_csv)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    candidates = _candidates(train_path, extraction_config, train_path.name)
    table = read_feature_table(
        train_path, outcome=outcome, columns=candidates, max_row_missing=opts.max_row_missing
    )
    X, y = table.X, table.y
    usable = [c for c in X.columns if X[c].isna().mean() <= opts.max_missing and X[c].nunique() > 1]
    if not usable:
        raise InputError("no feature column has enough values to train on", filename=table.filename)

    # Cross-validation: selection, preprocessing and fit inside each fold.
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=opts.folds, shuffle=True, random_state=opts.seed)
    oof_logit = np.zeros(len(y))
    fold_of = np.zeros(len(y), dtype=int)
    selections: list[list[str]] = []
    for index, (tr, te) in enumerate(folds.split(np.zeros(len(y)), y)):
        X_tr = X.iloc[tr]
        chosen = _select_features(X_tr, y[tr], usable, opts)
        selections.append(chosen)
        prep = _fit_preprocess(X_tr, chosen, opts.clip)
        w, b = _fit_logistic(prep(X_tr), y[tr], opts.l2)
        oof_logit[te] = prep(X.iloc[te]) @ w + b
        fold_of[te] = index
    # Honest CV calibration: each fold's predictions calibrated by Platt fitted on the other folds.
    cv_prob = np.zeros(len(y))
    for index in range(opts.folds):
        other, this = fold_of != index, fold_of == index
        a, c = _fit_platt(oof_logit[other], y[other])
        cv_prob[this] = _sigmoid(a * oof_logit[this] + c)
    platt_a, platt_c = _fit_platt(oof_logit, y)

    # Final model on all training rows, calibrated with Platt on all out-of-fold logits.
    chosen = _select_features(X, y, usable, opts)
    prep = _fit_preprocess(X, chosen, opts.clip)
    w, b = _fit_logistic(prep(X), y, opts.l2)
    module = CalibratedLogistic(
        prep.impute, prep.mean, prep.std, opts.clip, platt_a * w, platt_a * b + platt_c
    )
    program_path = out / f"{name}.pt2"
    _export(module, len(chosen), program_path)
    train_prob = _program_probabilities(program_path, table, chosen)

    external = []
    curves: list[tuple[str, np.ndarray, np.ndarray]] = [("cross-validated", y, cv_prob)]
    for vpath in validate_csvs:
        vtable = read_feature_table(
            vpath, outcome=outcome, columns=chosen, max_row_missing=opts.max_row_missing
        )
        p = _program_probabilities(program_path, vtable, chosen)
        cohort = Path(vpath).name.removesuffix(".gz").removesuffix(".csv")
        external.append(
            {
                "cohort": cohort,
                "file": vtable.filename,
                "sha256": vtable.sha256,
                "rows_dropped": vtable.rows_dropped,
                **_metrics(vtable.y, p, opts.calibration_bins),
            }
        )
        curves.append((cohort, vtable.y, p))

    research_only = licence_status != "verified-permissive"
    pyrad_version = features_pyradiomics_version or (
        table.pyradiomics_versions[0]
        if len(table.pyradiomics_versions) == 1
        else pyradiomics_version()
    )
    extraction = None
    if extraction_config is not None:
        extraction = {
            "config_name": extraction_config.name,
            "config_version": extraction_config.version,
            "params_sha256": extraction_config.sha256,
            "params_text": extraction_config.params_text,
            "settings": effective_settings(extraction_config),
            "pyradiomics_version": pyrad_version,
            "standardisation": "none",
        }
    positive = positive_meaning or f"{outcome} = 1"
    negative = negative_meaning or f"{outcome} = 0"
    limits = [
        f"Trained on {len(y)} patients of one cohort ({table.filename}); "
        f"{table.rows_dropped} rows dropped for a missing outcome or features.",
        f"Training features were computed with PyRadiomics {pyrad_version}.",
        "Probabilities are Platt-calibrated on cross-validated training predictions; "
        "calibration in other cohorts may differ (see validation.external).",
        "Applies to one segmented lesion; segmentation differences change the features.",
    ]
    if extraction_config is not None and _version_differs(pyrad_version, pyradiomics_version()):
        limits.append(
            f"DART extracts with PyRadiomics {pyradiomics_version()}; features are restricted to "
            f"those that exist under the same name there, but their definitions may have changed "
            f"since {pyrad_version}."
        )
    cv_metrics = _metrics(y, cv_prob, opts.calibration_bins)
    if cv_metrics["brier"] >= cv_metrics["brier_base_rate"]:
        limits.append(
            "The cross-validated Brier score is no better than always predicting the training "
            "base rate: the features carry little prognostic signal in this cohort."
        )
    if research_only:
        limits.append(f"Training data licence is {licence_status}: {RESEARCH_ONLY_CAVEAT}.")
    card: dict[str, Any] = {
        "card_version": "1",
        "name": name,
        "version": version,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "target": outcome,
        "kind": kind,
        "output": {
            "kind": "probability",
            "meaning": f"probability that {positive}",
            "coding": {"1": positive, "0": negative},
        },
        "features": chosen,
        "extraction": extraction,
        "normalisation": {
            "method": "zscore",
            "applied_by": "program",
            "clip": opts.clip,
            "mean": dict(zip(chosen, map(float, prep.mean))),
            "std": dict(zip(chosen, map(float, prep.std))),
            "impute": dict(zip(chosen, map(float, prep.impute))),
        },
        "model": {
            "type": "L2 logistic regression (torch), Platt-calibrated",
            "coefficients_standardised": dict(zip(chosen, map(float, w))),
            "intercept": float(b),
            "platt": {"a": platt_a, "c": platt_c},
            "selection": "univariate AUC on training rows, Spearman |r| <= "
            f"{opts.correlation_limit} between chosen features, top {opts.k_features}",
            "options": opts.__dict__,
            "torch_version": torch.__version__,
        },
        "training_data": {
            "file": table.filename,
            "sha256": table.sha256,
            "n": int(len(y)),
            "positives": int(y.sum()),
            "rows_dropped": table.rows_dropped,
            "candidate_features": len(usable),
            "licence": data_licence,
            "licence_status": licence_status,
        },
        "validation": {
            "cross_validated": {
                "folds": opts.folds,
                "feature_selection_inside_folds": True,
                "selections": selections,
                **cv_metrics,
            },
            "apparent": {
                "auc": round(auc(y, train_prob), 4),
                "brier": round(brier(y, train_prob), 4),
            },
            "external": external,
        },
        "intended_use": intended_use
        or f"Research: estimate of '{positive}' from radiomics features of one segmented lesion, "
        "shown beside other evidence to a tumour board; never the sole basis of a decision.",
        "limits": limits,
        "research_only": research_only,
    }
    if research_only:
        card["caveat"] = RESEARCH_ONLY_CAVEAT
    card["program_sha256"] = hashlib.sha256(program_path.read_bytes()).hexdigest()
    card_from_dict(json.loads(json.dumps(card)), filename=f"{name}.card.json")  # self-check
    card_path = out / f"{name}.card.json"
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    plot_path = out / f"{name}.png"
    plot_path.write_bytes(
        _plot(curves, opts.calibration_bins, title=f"{name} v{version}: {outcome}")
    )
    return TrainingResult(program_path, card_path, plot_path, card, cv_prob)


def _version_differs(a: str, b: str) -> bool:
    return a.strip().lstrip("vV") != b.strip().lstrip("vV")


def _plot(curves: list[tuple[str, np.ndarray, np.ndarray]], bins: int, *, title: str) -> bytes:
    """PNG: ROC curves (left) and calibration curves (right), one line per cohort."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.6), dpi=100)
    roc_ax, cal_ax = fig.subplots(1, 2)
    for label, y, p in curves:
        fpr, tpr = roc_points(y, p)
        roc_ax.plot(fpr, tpr, lw=1.3, label=f"{label} (AUC {auc(y, p):.2f}, n={len(y)})")
        table = calibration_table(y, p, bins)
        cal_ax.plot(
            [r["mean_predicted"] for r in table],
            [r["observed"] for r in table],
            marker="o",
            lw=1.2,
            label=f"{label} (Brier {brier(y, p):.3f})",
        )
    roc_ax.plot([0, 1], [0, 1], ls=":", color="grey")
    cal_ax.plot([0, 1], [0, 1], ls=":", color="grey")
    roc_ax.set(
        xlabel="1 - specificity", ylabel="sensitivity", title="ROC", xlim=(0, 1), ylim=(0, 1)
    )
    cal_ax.set(
        xlabel="mean predicted probability",
        ylabel="observed rate",
        title=f"Calibration ({bins} equal-count bins)",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    roc_ax.legend(fontsize=7, loc="lower right")
    cal_ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def default_name(outcome: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"model-{outcome}").strip("-") or "model"


__all__ = [
    "FeatureTable",
    "TrainingOptions",
    "TrainingResult",
    "auc",
    "brier",
    "calibration_table",
    "read_feature_table",
    "train_model",
]
