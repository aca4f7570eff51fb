"""REST API v1 for imaging: the same services, selectors and rules as the pages."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.services.audit import audit_record
from genomics.io.errors import InputError
from imaging import selectors as imaging_selectors
from imaging.models import ImagingModel, ImagingPrediction, ImagingStudy, Lesion
from imaging.services import (
    imaging_model_register,
    imaging_predictions_import,
    imaging_upload_register,
)
from tumorboard import selectors
from tumorboard.api.permissions import require
from tumorboard.api.views import UploadOutput


def _refused(error: InputError) -> Response:
    return Response(
        {"detail": str(error), "file": error.filename, "reason": error.reason, "line": error.line},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _save(uploaded, folder: Path, name: str) -> Path:
    path = folder / name
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path


class LesionOutput(serializers.ModelSerializer):
    id = serializers.CharField(source="lesion_id")

    class Meta:
        model = Lesion
        fields = [
            "id", "site", "volume_ml", "longest_diameter_mm", "short_axis_mm", "lymph_node",
            "measurable", "target_lesion",
        ]  # fmt: skip


class PredictionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    model = serializers.CharField(source="model_name")
    lesion = serializers.CharField(source="lesion.lesion_id", allow_null=True, default=None)
    uncertainty = serializers.CharField()
    registered_model = serializers.UUIDField(source="model.uuid", allow_null=True, default=None)

    class Meta:
        model = ImagingPrediction
        fields = [
            "id", "target", "kind", "gene", "lesion", "value", "class_label", "probability",
            "probability_ci_low", "probability_ci_high", "uncertainty", "meaning", "model",
            "model_version", "model_card_url", "registered_model", "research_only", "caveat",
            "warnings", "extraction", "validation", "created_at",
        ]  # fmt: skip


class StudyOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    lesions = LesionOutput(many=True)
    predictions = PredictionOutput(many=True)
    upload = serializers.UUIDField(source="upload.uuid", allow_null=True, default=None)
    preview = serializers.SerializerMethodField()

    class Meta:
        model = ImagingStudy
        fields = [
            "id", "source", "study_uid", "series_uid", "accession_number", "timepoint",
            "acquisition_date", "modality", "upload", "preview", "lesions", "predictions",
            "created_at",
        ]  # fmt: skip

    def get_preview(self, obj) -> str | None:
        if not obj.preview:
            return None
        from django.urls import reverse

        return reverse("imaging:preview", args=[obj.uuid])


class DiscordanceOutput(serializers.Serializer):
    gene = serializers.CharField()
    imaging = serializers.CharField()
    sequencing = serializers.CharField()
    message = serializers.CharField()


class CaseImagingOutput(serializers.Serializer):
    studies = StudyOutput(many=True)
    discordances = DiscordanceOutput(many=True)


class CaseImaging(APIView):
    """GET the imaging of a case: studies with lesions and predictions, and discordances."""

    @extend_schema(responses=CaseImagingOutput)
    def get(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "imaging.view_imaging", case)
        data = imaging_selectors.imaging_for_case(case)
        audit_record(
            actor=request.user, action="view", obj=case, summary=f"API imaging {case.uuid}"
        )
        return Response(CaseImagingOutput(data).data)


class PredictionsImport(APIView):
    """POST an imaging predictions file (multipart ``file``, JSON or CSV) or the JSON document
    itself as the request body."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
            "application/json": {"type": "object"},
        },
        responses={201: StudyOutput},
    )
    def post(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "imaging.upload_imaging", case)
        with tempfile.TemporaryDirectory(prefix="dart-imaging-") as tmp:
            if "file" in request.FILES:
                uploaded = request.FILES["file"]
                name = Path(uploaded.name).name
                path = _save(uploaded, Path(tmp), "predictions")
            elif request.content_type.startswith("application/json"):
                name = "request body (JSON)"
                path = Path(tmp) / "predictions.json"
                path.write_text(json.dumps(request.data), encoding="utf-8")
            else:
                return Response(
                    {"detail": "Send the predictions as a multipart 'file' or a JSON body."},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            try:
                study = imaging_predictions_import(
                    case=case, path=path, user=request.user, filename=name
                )
            except InputError as error:
                return _refused(error)
        return Response(StudyOutput(study).data, status=status.HTTP_201_CREATED)


class ImagesUpload(APIView):
    """POST an image and its lesion mask (or ``archive``: one zip holding both); the features are
    extracted and the registered models applied by a task, whose progress the upload shows."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "image": {"type": "string", "format": "binary"},
            "mask": {"type": "string", "format": "binary"},
            "archive": {"type": "string", "format": "binary"},
            "config_name": {"type": "string"}, "timepoint": {"type": "string"},
            "modality": {"type": "string"}, "label": {"type": "integer"}}}},
        responses={201: UploadOutput},
    )  # fmt: skip
    def post(self, request, case_uuid):
        from imaging.forms import ImageMaskForm

        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "imaging.upload_imaging", case)
        form = ImageMaskForm(request.data, request.FILES)
        if not form.is_valid():
            return Response(
                {"detail": "Upload refused.", "errors": form.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            upload = imaging_upload_register(
                case=case,
                user=request.user,
                **form.register_arguments(),
            )
        except InputError as error:
            return _refused(error)
        upload.refresh_from_db()
        return Response(UploadOutput(upload).data, status=status.HTTP_201_CREATED)


class ModelOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    registered_by = serializers.CharField(source="registered_by.username", default=None)
    registered_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = ImagingModel
        fields = [
            "id", "name", "version", "target", "kind", "gene", "research_only", "caveat",
            "sha256", "active", "registered_by", "registered_at", "card",
        ]  # fmt: skip


class Models(APIView):
    """GET the model registry; POST an exported torch program (``program``, .pt2) with its
    model card (``card``, JSON) to register it."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ModelOutput(many=True))
    def get(self, request):
        require(request.user, "imaging.view_models")
        return Response(ModelOutput(imaging_selectors.models_registered(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "program": {"type": "string", "format": "binary"},
            "card": {"type": "string", "format": "binary"}}}},
        responses={201: ModelOutput},
    )  # fmt: skip
    def post(self, request):
        require(request.user, "imaging.register_model")
        program, card = request.FILES.get("program"), request.FILES.get("card")
        if program is None or card is None:
            return Response(
                {"detail": "Send the exported program as 'program' and its card as 'card'."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with tempfile.TemporaryDirectory(prefix="dart-model-") as tmp:
            try:
                row = imaging_model_register(
                    program_path=_save(program, Path(tmp), "program.pt2"),
                    card_path=_save(card, Path(tmp), "card.json"),
                    user=request.user,
                    program_name=Path(program.name).name,
                    card_name=Path(card.name).name,
                )
            except InputError as error:
                return _refused(error)
        return Response(ModelOutput(row).data, status=status.HTTP_201_CREATED)
