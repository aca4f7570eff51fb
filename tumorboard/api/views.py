"""REST API v1: the same services, selectors and rules as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Upload
from core.services.audit import audit_record
from core.services.uploads import import_path_resolve
from genomics import selectors as genomics_selectors
from genomics.models import Variant
from genomics.services.uploads import upload_register
from tumorboard import selectors
from tumorboard.api.permissions import require
from tumorboard.forms import UploadForm, oncotree_code_clean
from tumorboard.models import Case, CaseStatus, Recommendation, Report
from tumorboard.services.cases import case_create, case_transition
from tumorboard.services.reports import report_download, report_generate, report_sign


class CaseOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    patient = serializers.CharField(source="patient.pseudonym")
    site = serializers.CharField(source="site.slug")

    class Meta:
        model = Case
        fields = [
            "id", "patient", "site", "tumor_type", "diagnosis", "clinical_question", "assembly",
            "status", "created_at", "updated_at",
        ]  # fmt: skip


class CaseInput(serializers.Serializer):
    pseudonym = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", required=False)
    tumor_type = serializers.RegexField(r"^[A-Za-z0-9_]{1,32}$", required=False, default="")
    diagnosis = serializers.CharField(max_length=500, required=False, default="")
    clinical_question = serializers.CharField(required=False, default="", allow_blank=True)
    assembly = serializers.ChoiceField(choices=["GRCh37", "GRCh38"], default="GRCh38")

    def validate_tumor_type(self, value: str) -> str:
        try:
            return oncotree_code_clean(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class CaseListCreate(ListAPIView):
    serializer_class = CaseOutput

    def get_queryset(self):
        require(self.request.user, "tumorboard.view_case")
        return selectors.cases_visible_to(user=self.request.user)

    @extend_schema(request=CaseInput, responses={201: CaseOutput})
    def post(self, request):
        require(request.user, "tumorboard.add_case")
        data = CaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_create(user=request.user, site=request.user.site, **data.validated_data)
        return Response(CaseOutput(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    @extend_schema(responses=CaseOutput)
    def get(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.view_case", case)
        audit_record(actor=request.user, action="view", obj=case, summary=f"API case {case.uuid}")
        return Response(CaseOutput(case).data)


class CaseTransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[CaseStatus.READY_FOR_BOARD])


class CaseTransition(APIView):
    @extend_schema(request=CaseTransitionInput, responses=CaseOutput)
    def post(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.mark_ready", case)
        data = CaseTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_transition(case=case, to=data.validated_data["status"], user=request.user)
        return Response(CaseOutput(case).data)


class UploadOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    case = serializers.UUIDField(source="case.uuid")
    kind = serializers.CharField()
    original_name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    detected = serializers.JSONField()
    record_count = serializers.IntegerField(allow_null=True)
    state = serializers.CharField(source="job.state")
    progress = serializers.IntegerField(source="job.progress")
    message = serializers.CharField(source="job.message")
    error = serializers.CharField(source="job.error")
    created_at = serializers.DateTimeField()


class UploadListCreate(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=UploadOutput(many=True))
    def get(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.view_case", case)
        return Response(UploadOutput(case.uploads.select_related("job"), many=True).data)

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "kind": {"type": "string"},
            "tumor_sample": {"type": "string"}, "normal_sample": {"type": "string"},
            "assay": {"type": "string"}, "purity": {"type": "number"},
            "ploidy": {"type": "number"}}}},
        responses={201: UploadOutput},
    )  # fmt: skip
    def post(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.upload_data", case)
        form = UploadForm(request.data, request.FILES)
        if not form.is_valid():
            return Response(
                {"detail": "Upload refused.", "errors": form.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        upload = upload_register(
            user=request.user,
            case=case,
            **form.register_arguments(),
        )
        return Response(UploadOutput(upload).data, status=status.HTTP_201_CREATED)


class ImportInput(serializers.Serializer):
    path = serializers.CharField(max_length=1000, help_text="relative to DART_IMPORT_ROOT")
    kind = serializers.ChoiceField(choices=[c for c in Upload.Kind.values if c != "imaging"])
    tumor_sample = serializers.CharField(max_length=200, required=False)
    normal_sample = serializers.CharField(max_length=200, required=False)
    assay = serializers.ChoiceField(choices=["WES", "WGS", "panel", "RNA"], required=False)
    purity = serializers.FloatField(min_value=0, max_value=1, required=False)
    ploidy = serializers.FloatField(min_value=0.5, max_value=10, required=False)


class ImportCreate(APIView):
    """Register a large file already on the server, under the configured import folder."""

    @extend_schema(request=ImportInput, responses={201: UploadOutput})
    def post(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.upload_data", case)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            path = import_path_resolve(values.pop("path"))
        except (PermissionError, FileNotFoundError) as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        upload = upload_register(
            user=request.user,
            case=case,
            kind=values.pop("kind"),
            source=path,
            original_name=path.name,
            options=values,
        )
        return Response(UploadOutput(upload).data, status=status.HTTP_201_CREATED)


class UploadDetail(APIView):
    @extend_schema(responses=UploadOutput)
    def get(self, request, upload_uuid):
        upload = selectors.upload_get(user=request.user, upload_uuid=upload_uuid)
        require(request.user, "tumorboard.view_case", upload.case)
        return Response(UploadOutput(upload).data)


class VariantOutput(serializers.ModelSerializer):
    id = serializers.CharField(source="variant_id")
    filter = serializers.SerializerMethodField()
    consequence = serializers.SerializerMethodField()

    class Meta:
        model = Variant
        fields = [
            "id", "chrom", "pos", "ref", "alt", "filter", "vaf", "depth", "normal_vaf",
            "normal_depth", "rna_vaf", "rna_depth", "origin", "gene", "transcript",
            "consequence", "hgvsc", "hgvsp", "hgvsp_short", "exon", "gene_role", "hotspot",
            "oncogenicity", "oncogenicity_criteria", "annotation_source",
        ]  # fmt: skip

    def get_filter(self, obj) -> list[str]:
        return obj.filters.split(";") if obj.filters else []

    def get_consequence(self, obj) -> list[str]:
        return obj.consequence_terms


class VariantList(ListAPIView):
    serializer_class = VariantOutput

    def get_queryset(self):
        case = selectors.case_get(user=self.request.user, case_uuid=self.kwargs["case_uuid"])
        require(self.request.user, "tumorboard.view_case", case)
        audit_record(
            actor=self.request.user, action="view", obj=case, summary=f"API variants {case.uuid}"
        )
        return genomics_selectors.variants_of(
            case=case,
            sort=self.request.query_params.get("sort", "position"),
            descending=self.request.query_params.get("dir") == "desc",
            gene=self.request.query_params.get("gene", "")[:64],
        )


class RecommendationOutput(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = [
            "kind", "rank", "therapy", "drugs", "escat", "amp_tier", "amp_level", "score",
            "biomarkers", "variant_ids", "evidence", "rationale", "rule",
        ]  # fmt: skip


class RecommendationList(APIView):
    @extend_schema(responses=RecommendationOutput(many=True))
    def get(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.view_case", case)
        audit_record(
            actor=request.user, action="view", obj=case, summary=f"API recommendations {case.uuid}"
        )
        analysis = selectors.analysis_latest(case=case)
        rows = analysis.recommendations.all() if analysis else Recommendation.objects.none()
        return Response(RecommendationOutput(rows, many=True).data)


class ReportOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    signed = serializers.BooleanField(source="is_signed")
    signed_by = serializers.SerializerMethodField()
    signed_at = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "version", "sha256", "created_at", "signed", "signed_by", "signed_at"]

    def get_signed_by(self, obj) -> str | None:
        return obj.sign_off.signed_by.username if obj.is_signed else None

    def get_signed_at(self, obj) -> str | None:
        return obj.sign_off.signed_at.isoformat() if obj.is_signed else None


class ReportListCreate(APIView):
    @extend_schema(responses=ReportOutput(many=True))
    def get(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.view_case", case)
        return Response(ReportOutput(case.reports.all(), many=True).data)

    @extend_schema(request=None, responses={201: ReportOutput})
    def post(self, request, case_uuid):
        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.generate_report", case)
        report = report_generate(case=case, user=request.user)
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)


class ReportSign(APIView):
    @extend_schema(request=None, responses=ReportOutput)
    def post(self, request, report_uuid):
        report = selectors.report_get(user=request.user, report_uuid=report_uuid)
        require(request.user, "tumorboard.sign_report", report.case)
        report_sign(report=report, user=request.user)
        report.refresh_from_db()
        return Response(ReportOutput(report).data)


class ReportPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, report_uuid):
        report = selectors.report_get(user=request.user, report_uuid=report_uuid)
        require(request.user, "tumorboard.download_report", report.case)
        response = HttpResponse(
            report_download(report=report, user=request.user), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="report-v{report.version}.pdf"'
        return response


class CaseResult(APIView):
    """The same document the ``analyze`` command writes (tumorboard/schemas)."""

    @extend_schema(responses={200: dict})
    def get(self, request, case_uuid):
        from tumorboard.results import case_result

        case = selectors.case_get(user=request.user, case_uuid=case_uuid)
        require(request.user, "tumorboard.view_case", case)
        audit_record(actor=request.user, action="view", obj=case, summary=f"API result {case.uuid}")
        return Response(case_result(case=case))
