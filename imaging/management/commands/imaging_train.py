"""python manage.py imaging_train --features CSV --outcome COLUMN [--validate CSV ...]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from genomics.io.errors import InputError
from imaging.science.extraction import load_extraction_config
from imaging.science.training import (
    LICENCE_STATUSES,
    TrainingOptions,
    default_name,
    train_model,
)


class Command(BaseCommand):
    help = (
        "Train a calibrated L2 logistic regression (torch) on a radiomics feature table; write the "
        "exported program (.pt2), its model card (.card.json) and ROC/calibration curves (.png)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--features", required=True, help="training CSV, one row per patient")
        parser.add_argument("--outcome", required=True, help="0/1 outcome column")
        parser.add_argument("--validate", nargs="*", default=[], help="external validation CSVs")
        parser.add_argument("--out", default=".", help="output directory (default: .)")
        parser.add_argument("--name", help="model name (default: model-<outcome>)")
        parser.add_argument(
            "--model-version", default="1.0.0", help="model version (default: 1.0.0)"
        )
        parser.add_argument(
            "--extraction-config",
            help="PyRadiomics parameter YAML; restricts features to those it computes and names "
            "it in the card (needed for DART to apply the model to its own extraction)",
        )
        parser.add_argument(
            "--features-pyradiomics-version",
            help="PyRadiomics version of the training features (default: general_info_Version "
            "column, else the installed version)",
        )
        parser.add_argument(
            "--positive-meaning", help="what outcome = 1 means, e.g. 'alive at 2 years'"
        )
        parser.add_argument("--negative-meaning", help="what outcome = 0 means")
        parser.add_argument(
            "--kind",
            default="prognosis",
            choices=["prognosis", "response", "radiogenomic", "burden", "other"],
        )
        parser.add_argument("--data-licence", default="not verified", help="training data licence")
        parser.add_argument(
            "--licence-status",
            default="unverified",
            choices=LICENCE_STATUSES,
            help="anything but verified-permissive makes the model research-only",
        )
        parser.add_argument("--folds", type=int, default=TrainingOptions.folds)
        parser.add_argument("--k-features", type=int, default=TrainingOptions.k_features)
        parser.add_argument("--l2", type=float, default=TrainingOptions.l2)
        parser.add_argument("--seed", type=int, default=TrainingOptions.seed)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            config = (
                load_extraction_config(opts["extraction_config"])
                if opts["extraction_config"]
                else None
            )
            result = train_model(
                train_csv=Path(opts["features"]),
                outcome=opts["outcome"],
                validate_csvs=[Path(p) for p in opts["validate"]],
                out_dir=Path(opts["out"]),
                name=opts["name"] or default_name(opts["outcome"]),
                version=opts["model_version"],
                extraction_config=config,
                features_pyradiomics_version=opts["features_pyradiomics_version"],
                positive_meaning=opts["positive_meaning"],
                negative_meaning=opts["negative_meaning"],
                kind=opts["kind"],
                data_licence=opts["data_licence"],
                licence_status=opts["licence_status"],
                options=TrainingOptions(
                    folds=opts["folds"],
                    k_features=opts["k_features"],
                    l2=opts["l2"],
                    seed=opts["seed"],
                ),
            )
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        card = result.card
        cv = card["validation"]["cross_validated"]
        self.stdout.write(
            f"{card['name']} v{card['version']}: {len(card['features'])} features, "
            f"cross-validated AUC {cv['auc']:.3f}, Brier {cv['brier']:.3f} (n={cv['n']})"
        )
        for ext in card["validation"]["external"]:
            self.stdout.write(
                f"  {ext['cohort']}: AUC {ext['auc']:.3f}, Brier {ext['brier']:.3f} (n={ext['n']})"
            )
        if card["research_only"]:
            self.stdout.write(f"  {card['caveat']}")
        for path in (result.program_path, result.card_path, result.plot_path):
            self.stdout.write(f"  wrote {path}")
