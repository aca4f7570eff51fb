"""Imaging writes: predictions imported from an external pipeline (way 1), an image and its lesion
mask registered and processed by a task (way 2), models registered; and the discordances of a
case's radiogenomic predictions with its sequencing.

Every refusal of user input is an ``InputError`` naming the file and the reason, raised before
anything is stored; the science lives in ``imaging.science`` (no Django).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from core.models import Upload
from core.services.audit import audit_record
from core.services.jobs import (
    job_create,
    job_finish,
    job_progress,
    job_start,
    upload_job_failures,
)
from core.services.uploads import upload_store
from genomics.io.errors import InputError
from imaging.models import ImagingFeatureSet, ImagingModel, ImagingPrediction, ImagingStudy, Lesion
from imaging.science import schema
from imaging.science.registry import RESEARCH_ONLY_CAVEAT

logger = logging.getLogger(__name__)

# A radiogenomic probability at or above HIGH says "altered", at or below LOW "not altered";
# between the two the prediction is too uncertain to contradict sequencing.
DISCORDANCE_HIGH = 0.8
DISCORDANCE_LOW = 0.2
CHUNK = 1024 * 1024


# --- way 1: predictions from an external pipeline ------------------------------------------------


def _looks_like_csv(path: Path, filename: str) -> bool:
    name = filename.lower()
    if name.endswith(".csv"):
        return True
    if name.endswith(".json"):
        return False
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return not head.startswith((b"{", b"["))


def imaging_predictions_parse(
    *, path: str | Path, filename: str | None = None
) -> schema.ImagingReport:
    """Read a predictions JSON or CSV file -> ImagingReport; InputError names the file and field."""
    path = Path(path)
    filename = filename or path.name
    try:
        if _looks_like_csv(path, filename):
            return schema.load_predictions_csv(path, filename=filename)
    except OSError as exc:
        raise InputError(f"the file could not be read ({exc.strerror})", filename=filename) from exc
    return schema.load_predictions(path, filename=filename)


def imaging_predictions_import(
    *, case, path: str | Path, user, filename: str | None = None
) -> ImagingStudy:
    """Way 1: validate a predictions file strictly and store its study, lesions, features and
    predictions in one transaction -> ImagingStudy.

    InputError (nothing stored) for a file that violates the format or was already imported to
    this case; PermissionDenied for another site's case.
    """
    path = Path(path)
    filename = Path(filename or path.name).name[:255] or "predictions.json"
    _check_site(user, case)
    report = imaging_predictions_parse(path=path, filename=filename)
    sha = _sha256(path)
    duplicate = _existing_import(case=case, sha256=sha)
    if duplicate is not None:
        raise InputError(
            f"this file was already imported to this case on {duplicate.created_at:%Y-%m-%d %H:%M}",
            filename=filename,
        )
    with transaction.atomic():
        job = job_create(site=case.site, kind="imaging:predictions", created_by=_user(user))
        upload = Upload(
            site=case.site,
            case=case,
            kind=Upload.Kind.IMAGING,
            original_name=filename,
            options={"way": "predictions"},
            job=job,
            created_by=_user(user),
            size=0,
        )
        upload_store(upload=upload, source=path)
        upload.detected = {
            "format": "imaging-predictions-csv"
            if _looks_like_csv(path, filename)
            else "imaging-predictions-json",
            "schema_version": report.schema_version,
        }
        try:
            study = _store_report(case=case, upload=upload, report=report, user=user)
        except Exception:
            Path(upload.file.path).unlink(missing_ok=True)
            raise
        upload.record_count = study.predictions.count()
        upload.save()
        job_finish(
            job_id=job.pk,
            message=f"{len(report.lesions)} lesions, {len(report.predictions)} predictions",
        )
        from tumorboard.services.analysis import analysis_refresh

        analysis_refresh(case=case, user=user)
        audit_record(
            actor=user,
            action="create",
            obj=study,
            site=case.site,
            summary=f"imaging predictions {filename} imported to case {case.uuid}",
            data={"sha256": upload.sha256, "predictions": len(report.predictions)},
        )
    return study


def _existing_import(*, case, sha256: str) -> Upload | None:
    return (
        Upload.objects.filter(case=case, kind=Upload.Kind.IMAGING, sha256=sha256)
        .exclude(job__state="failed")
        .first()
    )


def _store_report(*, case, upload: Upload, report: schema.ImagingReport, user) -> ImagingStudy:
    study = ImagingStudy.objects.create(
        case=case,
        source=ImagingStudy.Source.EXTERNAL,
        upload=upload if upload.pk else None,
        study_uid=report.study_uid,
        series_uid=report.series_uid,
        accession_number=report.accession_number or "",
        timepoint=report.timepoint,
        acquisition_date=_date(report.acquisition_date),
        modality=report.modality,
        schema_version=report.schema_version,
        created_by=_user(user),
    )
    lesions = {
        lz.id: Lesion.objects.create(
            study=study,
            lesion_id=lz.id,
            site=lz.site,
            volume_ml=lz.volume_ml,
            longest_diameter_mm=lz.longest_diameter_mm,
            short_axis_mm=lz.short_axis_mm,
            lymph_node=lz.lymph_node,
            measurable=lz.measurable,
            target_lesion=lz.target_lesion,
        )
        for lz in report.lesions
    }
    feature_sets: dict[str, ImagingFeatureSet] = {}
    extraction: dict[str, Any] = {}
    if report.features is not None:
        ex = report.features.extraction
        extraction = {
            "software": ex.software,
            "pyradiomics_version": ex.software_version,
            "config_name": ex.config_name,
            "config_version": ex.config_version,
            "params_sha256": ex.params_sha256,
            "standardisation": report.features.standardisation,
        }
        for lesion_id, values in report.features.values.items():
            feature_sets[lesion_id] = ImagingFeatureSet.objects.create(
                study=study,
                lesion=lesions[lesion_id],
                software=ex.software,
                pyradiomics_version=ex.software_version,
                config_name=ex.config_name or "",
                config_version=ex.config_version or "",
                params_sha256=ex.params_sha256 or "",
                standardisation=report.features.standardisation,
                features=values,
            )
    registry = {(m.name, m.version): m for m in ImagingModel.objects.filter(active=True)}
    for p in report.predictions:
        known = registry.get((p.model.name, p.model.version))
        research_only = p.research_only or bool(known and known.research_only)
        warnings = []
        card_version = ((known.card.get("extraction") or {}) if known else {}).get(
            "pyradiomics_version"
        )
        if (
            card_version
            and extraction.get("pyradiomics_version")
            and (
                str(card_version).lstrip("vV")
                != str(extraction["pyradiomics_version"]).lstrip("vV")
            )
        ):
            warnings.append(
                f"features computed with PyRadiomics {extraction['pyradiomics_version']}; the "
                f"model was trained on features from PyRadiomics {card_version}, and some feature "
                "values may differ between versions"
            )
        ci = p.probability_ci
        ImagingPrediction.objects.create(
            study=study,
            lesion=lesions.get(p.lesion_id) if p.lesion_id else None,
            target=p.target,
            kind=p.kind,
            gene=p.gene or "",
            value=p.value,
            class_label=p.class_label or "",
            probability=p.probability,
            probability_ci_low=ci[0] if ci else None,
            probability_ci_high=ci[1] if ci else None,
            model_name=p.model.name,
            model_version=p.model.version,
            model_card_url=p.model.card_url or "",
            model=known,
            research_only=research_only,
            caveat=(known.caveat if known and known.caveat else "")
            or (RESEARCH_ONLY_CAVEAT if research_only else ""),
            warnings=warnings,
            extraction=extraction if p.lesion_id in feature_sets else {},
            feature_set=feature_sets.get(p.lesion_id or ""),
            validation=[{k: v for k, v in vars(v).items() if v is not None} for v in p.validation],
        )
    return study


# --- way 2: image and mask, features and predictions computed in DART ----------------------------


def _source_name(source: Any, default: str) -> str:
    name = getattr(source, "name", None) or default
    return Path(str(name)).name[:255] or default


def _write(source: Any, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as handle:
                shutil.copyfileobj(handle, out, CHUNK)
        else:
            for chunk in source.chunks(CHUNK):
                out.write(chunk)


def imaging_upload_register(
    *,
    case,
    user,
    image: Any = None,
    mask: Any = None,
    zip: Any = None,  # noqa: A002 - the brief's name for the archive
    config_name: str | None = None,
    timepoint: str = "",
    modality: str = "",
    label: int = 1,
    dispatch: bool = True,
) -> Upload:
    """Way 2: check an image and its lesion mask at once (NRRD/NIfTI, or a zip holding both; one
    grid; a non-empty label; size limits), store them, and queue feature extraction and every
    compatible registered model after the commit -> Upload (whose job row shows the progress).

    ``image``/``mask``/``zip`` are uploaded files or paths. InputError names the file and the
    reason; nothing is kept then.
    """
    from imaging.science.extraction import (
        DEFAULT_CONFIG,
        bundled_config,
        check_image_and_mask,
        unpack_image_mask_zip,
    )

    _check_site(user, case)
    if zip is None and (image is None or mask is None):
        raise InputError("upload an image and its mask, or one zip holding both", filename="upload")
    if zip is not None and (image is not None or mask is not None):
        raise InputError(
            "upload either an image with its mask or a zip, not both",
            filename=_source_name(zip, "zip"),
        )
    config = bundled_config(config_name or DEFAULT_CONFIG)
    names = (
        {"archive": _source_name(zip, "images.zip")}
        if zip is not None
        else {"image": _source_name(image, "image"), "mask": _source_name(mask, "mask")}
    )
    limit = settings.DART_MAX_UPLOAD_BYTES
    with transaction.atomic():
        job = job_create(site=case.site, kind="imaging:extract", created_by=_user(user))
        upload = Upload(
            site=case.site,
            case=case,
            kind=Upload.Kind.IMAGING,
            original_name=names.get("archive") or names["image"],
            job=job,
            created_by=_user(user),
            size=0,
        )
        upload_store(upload=upload, source=zip if zip is not None else image)
        folder = Path(upload.file.path).parent
        try:
            for name, size in ((upload.original_name, upload.size),):
                if size > limit:
                    raise InputError(
                        f"the file is {size:,} bytes, above the limit of {limit:,} bytes",
                        filename=name,
                    )
            if zip is not None:
                image_path, mask_path = unpack_image_mask_zip(
                    upload.file.path, filename=names["archive"], dest_dir=folder
                )
                image_name = f"{names['archive']}: image"
                mask_name = f"{names['archive']}: mask"
            else:
                image_path = Path(upload.file.path)
                mask_path = folder / "mask"
                _write(mask, mask_path)
                if mask_path.stat().st_size > limit:
                    raise InputError(
                        f"the file is {mask_path.stat().st_size:,} bytes, above the limit of "
                        f"{limit:,} bytes",
                        filename=names["mask"],
                    )
                image_name, mask_name = names["image"], names["mask"]
            check = check_image_and_mask(
                image_path,
                mask_path,
                filename_image=image_name,
                filename_mask=mask_name,
                label=label,
            )
            if _existing_extraction(case=case, sha256=upload.sha256, mask=mask_path):
                raise InputError(
                    "this image and mask were already uploaded to this case",
                    filename=upload.original_name,
                )
        except InputError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        media = Path(settings.MEDIA_ROOT)
        upload.options = {
            "way": "image_mask",
            "config_name": config.name,
            "config_version": config.version,
            "image_file": str(image_path.relative_to(media)),
            "mask_file": str(mask_path.relative_to(media)),
            "image_name": image_name,
            "mask_name": mask_name,
            "mask_sha256": _sha256(mask_path),
            "timepoint": timepoint[:64],
            "modality": modality[:16],
            "label": label,
        }
        upload.detected = {
            "format": f"{check.image_format} image + {check.mask_format} mask",
            "size": list(check.size),
            "spacing_mm": [round(s, 4) for s in check.spacing_mm],
            "label": check.label,
            "labels_present": list(check.labels_present),
            "lesion_voxels": check.voxel_count,
            "lesion_volume_ml": round(check.volume_ml, 3),
        }
        upload.save()
        audit_record(
            actor=user,
            action="create",
            obj=upload,
            site=case.site,
            summary=f"imaging upload {upload.original_name} to case {case.uuid}",
            data={"sha256": upload.sha256, "size": upload.size, "config": config.name},
        )
        upload_id = upload.pk
        if dispatch:
            transaction.on_commit(lambda: _dispatch(upload_id))
    return upload


def _existing_extraction(*, case, sha256: str, mask: Path) -> bool:
    mask_sha = _sha256(mask)
    return (
        Upload.objects.filter(case=case, kind=Upload.Kind.IMAGING, sha256=sha256)
        .exclude(job__state="failed")
        .filter(options__mask_sha256=mask_sha)
        .exists()
    )


def _dispatch(upload_id: int) -> None:
    from imaging.tasks import imaging_extract_and_predict

    imaging_extract_and_predict.delay(upload_id)


def imaging_upload_process(*, upload_id: int) -> None:
    """Extract the features of an uploaded image and mask, store the largest-slice PNG, and run
    every registered, compatible model; exactly once, all or nothing.

    A redelivered or duplicated task is a no-op (``record_count`` marks a finished upload).
    """
    from imaging.science.extraction import bundled_config, extract_features, largest_slice_png

    upload = Upload.objects.select_related("job", "case", "case__site").get(pk=upload_id)
    if upload.record_count is not None:
        return
    options = upload.options
    media = Path(settings.MEDIA_ROOT)
    with upload_job_failures(upload, what="the images"):
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload_id)
            if locked.record_count is not None:
                return
            job_start(job_id=upload.job_id)
            ImagingStudy.objects.filter(upload=upload).delete()
            config = bundled_config(options["config_name"])
            image_path, mask_path = media / options["image_file"], media / options["mask_file"]
            last = [-1]

            def progress(fraction: float) -> None:
                value = int(fraction * 90)
                if value > last[0]:
                    last[0] = value
                    job_progress(
                        job_id=upload.job_id,
                        progress=value,
                        message="Extracting radiomics features",
                    )

            features = extract_features(
                image_path,
                mask_path,
                config=config,
                progress=progress,
                label=int(options.get("label", 1)),
                filename_image=options["image_name"],
                filename_mask=options["mask_name"],
            )
            job_progress(job_id=upload.job_id, progress=92, message="Applying models")
            png = largest_slice_png(
                image_path,
                mask_path,
                label=features.label,
                filename_image=options["image_name"],
                filename_mask=options["mask_name"],
            )
            study, log = _store_extraction(upload=upload, features=features, png=png)
            count = study.predictions.count()
            Upload.objects.filter(pk=upload_id).update(record_count=count)
            from tumorboard.services.analysis import analysis_refresh

            analysis_refresh(case=upload.case, user=upload.created_by)
            job_finish(
                job_id=upload.job_id,
                message=f"{len(features.features)} features extracted; {count} model prediction(s)",
                log=log,
            )


def _store_extraction(*, upload: Upload, features, png: bytes) -> tuple[ImagingStudy, list[str]]:
    from imaging.science.registry import compatibility, predict
    from imaging.science.schema import recist_measurable

    options = upload.options
    check = features.check
    study = ImagingStudy(
        case=upload.case,
        source=ImagingStudy.Source.DART,
        upload=upload,
        timepoint=options.get("timepoint", ""),
        modality=options.get("modality", ""),
        created_by=upload.created_by,
    )
    study.preview.save("largest-slice.png", ContentFile(png), save=False)
    study.save()
    # RECIST measures the longest axial diameter; PyRadiomics' Maximum2DDiameterSlice is that
    # diameter of the segmentation (per axial slice), so it stands in for a radiologist's caliper.
    diameter = features.features.get("original_shape_Maximum2DDiameterSlice")
    diameter = round(diameter, 1) if diameter is not None and diameter == diameter else None
    lesion = Lesion.objects.create(
        study=study,
        lesion_id=f"label-{features.label}",
        site="segmented lesion",
        volume_ml=round(check.volume_ml, 3) if check else None,
        longest_diameter_mm=diameter,
        measurable=recist_measurable(longest_diameter_mm=diameter),
    )
    feature_set = ImagingFeatureSet.objects.create(
        study=study,
        lesion=lesion,
        software="pyradiomics",
        pyradiomics_version=features.pyradiomics_version,
        simpleitk_version=features.simpleitk_version,
        config_name=features.config.name,
        config_version=features.config.version,
        params_text=features.config.params_text,
        params_sha256=features.config.sha256,
        standardisation=features.standardisation,
        label=features.label,
        features=features.to_dict()["features"],
        diagnostics=features.diagnostics,
    )
    log: list[str] = []
    for row in ImagingModel.objects.filter(active=True).order_by("name", "version"):
        try:
            model = model_load(row)
        except InputError as error:
            log.append(f"model {row} not applied: {error.reason}")
            continue
        ok, _warnings, reason = compatibility(model.card, features)
        if not ok:
            log.append(f"model {row} not applied: {reason}")
            continue
        prediction = predict(model, features)
        ImagingPrediction.objects.create(
            study=study,
            lesion=lesion,
            target=prediction.target,
            kind=prediction.kind,
            gene=prediction.gene or "",
            value=prediction.value,
            probability=prediction.probability,
            meaning=prediction.meaning[:500],
            model_name=prediction.model,
            model_version=prediction.model_version,
            model=row,
            research_only=prediction.research_only,
            caveat=(prediction.caveat or "")[:500],
            warnings=list(prediction.warnings),
            extraction=prediction.extraction,
            feature_set=feature_set,
            validation=card_validation(row.card),
            device=prediction.device,
        )
        log.append(f"model {row} applied")
    if not log:
        log.append("no model is registered; features were stored without predictions")
    return study, log


def card_validation(card: dict) -> list[dict]:
    """A model card's validation block -> the list of {cohort, n, auc, brier, external} rows."""
    block = card.get("validation") or {}
    rows = []
    cv = block.get("cross_validated")
    if isinstance(cv, dict):
        rows.append(
            {"cohort": f"training ({cv.get('folds', '?')}-fold CV)", "n": cv.get("n"),
             "auc": cv.get("auc"), "brier": cv.get("brier"), "external": False}
        )  # fmt: skip
    for ext in block.get("external") or []:
        if isinstance(ext, dict):
            rows.append(
                {"cohort": ext.get("cohort"), "n": ext.get("n"), "auc": ext.get("auc"),
                 "brier": ext.get("brier"), "external": True}
            )  # fmt: skip
    return rows


# --- the model registry --------------------------------------------------------------------------


def model_load(row: ImagingModel):
    """A registry row -> the science's RegisteredModel; InputError if the stored program changed."""
    import torch

    from imaging.science.registry import RegisteredModel, card_from_dict

    path = Path(row.program.path)
    if not path.is_file() or _sha256(path) != row.sha256:
        raise InputError(
            "the stored program is missing or its checksum changed", filename=f"{row.name}.pt2"
        )
    card = card_from_dict(row.card, filename=f"{row.name}.card.json")
    return RegisteredModel(
        card=card, program_path=path, program_sha256=row.sha256, program=torch.export.load(path)
    )


def imaging_model_register(
    *,
    program_path: str | Path,
    card_path: str | Path,
    user,
    program_name: str | None = None,
    card_name: str | None = None,
) -> ImagingModel:
    """Check an exported torch program (.pt2) against its model card and add it to the registry.

    InputError (nothing stored) when the program does not load, its inputs do not match the card,
    the card violates its schema, or this name and version are already registered.
    """
    from imaging.science.registry import register_model

    program_path, card_path = Path(program_path), Path(card_path)
    program_name = program_name or program_path.name
    card_name = card_name or card_path.name
    registered = register_model(
        program_path, card_path, filename_program=program_name, filename_card=card_name
    )
    card = registered.card
    if ImagingModel.objects.filter(name=card.name, version=card.version).exists():
        raise InputError(
            f"model {card.name} v{card.version} is already registered; give the new one another "
            "version",
            filename=card_name,
        )
    caveat = card.caveat or (RESEARCH_ONLY_CAVEAT if card.research_only else "")
    with transaction.atomic():
        row = ImagingModel(
            name=card.name,
            version=card.version,
            target=card.target,
            kind=card.kind,
            gene=card.gene or "",
            card=card.raw,
            sha256=registered.program_sha256,
            research_only=card.research_only,
            caveat=caveat[:500],
            registered_by=_user(user),
        )
        with program_path.open("rb") as handle:
            row.program.save("program.pt2", File(handle), save=False)
        try:
            row.save()
            audit_record(
                actor=user,
                action="create",
                obj=row,
                site=getattr(user, "site", None),
                summary=f"imaging model {card.name} v{card.version} registered",
                data={"sha256": row.sha256, "research_only": row.research_only},
            )
        except Exception:
            row.program.delete(save=False)
            raise
    return row


# --- discordance with sequencing -----------------------------------------------------------------


def imaging_discordances(case) -> list[dict[str, str]]:
    """Radiogenomic predictions that disagree with the case's sequencing -> list of
    {gene, imaging, sequencing, message}, each a data-quality question for the board.

    Disagreement: probability >= 0.8 that the gene is altered while sequencing that tested for it
    found no alteration of the gene, or <= 0.2 while sequencing found one. A prediction is only
    compared with data that could have found the alteration (a somatic VCF for mutations, fusion
    calls for fusions, copy number for amplifications and deletions). Computed on read.
    """
    from genomics.models import CopyNumberCall, FusionCall
    from tumorboard.services.analysis import case_alterations

    predictions = list(
        ImagingPrediction.objects.filter(study__case=case, kind="radiogenomic")
        .exclude(gene="")
        .exclude(probability=None)
        .order_by("created_at", "id")
    )
    if not predictions:
        return []
    ingested = set(
        Upload.objects.filter(case=case, record_count__isnull=False).values_list("kind", flat=True)
    )
    small = {}
    for alteration in case_alterations(case=case):
        if alteration.kind == "mutation" and alteration.origin != "germline":
            small.setdefault(alteration.gene, []).append(
                f"{alteration.gene} {alteration.protein_change or 'variant'}"
                + (
                    f" ({alteration.oncogenicity.replace('_', ' ')})"
                    if alteration.oncogenicity
                    else ""
                )
            )
    found: list[dict[str, str]] = []
    for p in predictions:
        gene = p.gene
        kind = _alteration_kind(p.target)
        if kind == "fusion":
            tested = Upload.Kind.FUSIONS in ingested or Upload.Kind.SV_VCF in ingested
            hits = [
                f"{f.gene5}::{f.gene3} fusion"
                for f in FusionCall.objects.filter(Q(gene5=gene) | Q(gene3=gene), case=case)
            ]
            tested_with = "fusion calls"
        elif kind == "copy_number":
            tested = Upload.Kind.COPY_NUMBER in ingested
            hits = [
                f"{c.gene} {c.call.replace('_', ' ')}"
                for c in CopyNumberCall.objects.filter(case=case, gene=gene)
                if c.call in ("amplification", "deep_deletion")
            ]
            tested_with = "copy-number analysis"
        else:
            tested = Upload.Kind.SOMATIC_VCF in ingested
            hits = small.get(gene, [])
            tested_with = "somatic variant calling"
        if not tested:
            continue
        probability = p.probability
        label = f"{p.class_label} " if p.class_label else ""
        imaging = (
            f"{p.model_name} v{p.model_version}: {p.target} {label}probability {probability:.2f}"
        )
        if probability >= DISCORDANCE_HIGH and not hits:
            sequencing = f"no {gene} alteration found by {tested_with}"
            message = (
                f"Imaging predicts {gene} altered with probability {probability:.2f}, but "
                f"{tested_with} found no {gene} alteration. Check tumour purity and coverage of "
                f"{gene}, whether the sequenced sample comes from the imaged lesion (sampling), "
                "and tumour heterogeneity before relying on either."
            )
        elif probability <= DISCORDANCE_LOW and hits:
            sequencing = ", ".join(hits[:5])
            message = (
                f"Sequencing found {sequencing}, but imaging predicts {gene} altered with "
                f"probability only {probability:.2f}. Check whether the variant is clonal (VAF "
                "against tumour purity), whether the sequenced sample comes from the imaged "
                "lesion (sampling), and tumour heterogeneity; the imaging model may not apply."
            )
        else:
            continue
        found.append(
            {"gene": gene, "imaging": imaging, "sequencing": sequencing, "message": message}
        )
    return found


def _alteration_kind(target: str) -> str:
    text = target.lower()
    if "fusion" in text or "rearrange" in text:
        return "fusion"
    if "amplif" in text or "copy" in text or "deletion" in text:
        return "copy_number"
    return "mutation"


# --- helpers -------------------------------------------------------------------------------------


def _check_site(user, case) -> None:
    if user is not None and getattr(user, "site_id", None) not in (None, case.site_id):
        raise PermissionDenied("Not your site's case.")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
