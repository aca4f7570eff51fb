"""Imaging pages: the two upload forms of the case page and the largest-slice picture."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.services.audit import audit_record
from genomics.io.errors import InputError
from imaging.forms import ImageMaskForm, PredictionsForm
from imaging.selectors import study_get
from imaging.services import imaging_predictions_import, imaging_upload_register
from tumorboard import selectors


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _back(case):
    return redirect(reverse("tumorboard:case-detail", args=[case.uuid]) + "#imaging")


def _form_errors(form) -> str:
    return "; ".join(
        f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
        for field, errors in form.errors.items()
    )


@require_POST
def predictions_upload(request, case_uuid):
    """Way 1 from the browser: an imaging predictions JSON or CSV file."""
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "imaging.upload_imaging", case)
    form = PredictionsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Imaging upload refused: " + _form_errors(form))
        return _back(case)
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name
    with tempfile.TemporaryDirectory(prefix="dart-imaging-") as tmp:
        path = Path(tmp) / "predictions"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            study = imaging_predictions_import(
                case=case, path=path, user=request.user, filename=name
            )
        except InputError as error:
            messages.error(request, f"Imaging upload refused: {error}")
            return _back(case)
    messages.success(
        request,
        f"{name} imported: {study.lesions.count()} lesion(s), "
        f"{study.predictions.count()} prediction(s).",
    )
    return _back(case)


@require_POST
def images_upload(request, case_uuid):
    """Way 2 from the browser: image and mask (or a zip); extraction is queued."""
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "imaging.upload_imaging", case)
    form = ImageMaskForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Imaging upload refused: " + _form_errors(form))
        return _back(case)
    try:
        upload = imaging_upload_register(
            case=case,
            user=request.user,
            **form.register_arguments(),
        )
    except InputError as error:
        messages.error(request, f"Imaging upload refused: {error}")
    else:
        messages.success(request, f"{upload.original_name} accepted; feature extraction is queued.")
    return _back(case)


@require_GET
def study_preview(request, study_uuid):
    """The PNG of the slice with the largest lesion area, for users who may see the case."""
    study = study_get(user=request.user, study_uuid=study_uuid)
    _require(request.user, "imaging.view_imaging", study.case)
    if not study.preview:
        from django.http import Http404

        raise Http404("This study has no picture.")
    audit_record(
        actor=request.user,
        action="view",
        obj=study,
        site=study.case.site,
        summary=f"viewed imaging slice of case {study.case.uuid}",
    )
    return FileResponse(study.preview.open("rb"), content_type="image/png")
