"""Pages. Thin: check permission, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.services.audit import audit_record
from genomics import selectors as genomics_selectors
from genomics.io.errors import InputError
from genomics.services.uploads import upload_register
from imaging.selectors import imaging_for_case
from tumorboard import selectors
from tumorboard.forms import CaseForm, UploadForm
from tumorboard.models import CaseStatus, Recommendation
from tumorboard.services.cases import IllegalTransition, case_create, case_transition
from tumorboard.services.reports import report_download, report_generate, report_sign

VARIANTS_PER_PAGE = 50
VARIANT_COLUMNS = [
    ("gene", "Gene"), ("position", "Variant"), (None, "HGVS"), ("consequence", "Consequence"),
    ("vaf", "VAF"), ("depth", "Depth"), (None, "RNA VAF (depth)"),
    ("oncogenicity", "Oncogenicity"), (None, "Origin"), ("filter", "Filter"),
    (None, "Evidence"),
]  # fmt: skip


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


@require_GET
def case_list(request):
    _require(request.user, "tumorboard.view_case")
    cases = selectors.cases_visible_to(user=request.user)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(request, "tumorboard/case_list.html", {"page": page})


def case_new(request):
    _require(request.user, "tumorboard.add_case")
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = case_create(user=request.user, site=request.user.site, **form.cleaned_data)
        messages.success(request, "Case created.")
        return redirect("tumorboard:case-detail", case_uuid=case.uuid)
    return render(request, "tumorboard/case_new.html", {"form": form})


@require_GET
def case_detail(request, case_uuid):
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "tumorboard.view_case", case)
    audit_record(actor=request.user, action="view", obj=case, summary=f"viewed case {case.uuid}")
    analysis = selectors.analysis_latest(case=case)
    context = {
        "case": case,
        "analysis": analysis,
        "uploads": case.uploads.select_related("job"),
        "recommendations": selectors.recommendations_of(
            analysis=analysis, kind=Recommendation.Kind.SENSITIVITY
        ),
        "resistance": selectors.recommendations_of(
            analysis=analysis, kind=Recommendation.Kind.RESISTANCE
        ),
        "copy_number": genomics_selectors.copy_number_of(case=case)[:200],
        "fusions": genomics_selectors.fusions_of(case=case)[:200],
        "expression": genomics_selectors.expression_of(case=case).order_by("-tpm")[:50],
        "reports": case.reports.select_related("sign_off", "sign_off__signed_by"),
        "imaging": imaging_for_case(case),
        "upload_form": UploadForm(),
        "can_upload": request.user.has_perm("tumorboard.upload_data", case),
        "can_mark_ready": request.user.has_perm("tumorboard.mark_ready", case)
        and case.status == CaseStatus.ANNOTATED,
        "can_generate": request.user.has_perm("tumorboard.generate_report", case),
        "can_sign": request.user.has_perm("tumorboard.sign_report", case),
        **_variant_page(request, case),
    }
    return render(request, "tumorboard/case_detail.html", context)


def _variant_page(request, case) -> dict:
    sort = request.GET.get("sort", "position")
    if sort not in genomics_selectors.VARIANT_SORTS:
        sort = "position"
    descending = request.GET.get("dir") == "desc"
    gene = request.GET.get("gene", "")[:64]
    variants = genomics_selectors.variants_of(
        case=case, sort=sort, descending=descending, gene=gene
    )
    page = Paginator(variants, VARIANTS_PER_PAGE).get_page(request.GET.get("page"))
    evidence = selectors.variant_evidence(case=case, variants=page.object_list)
    for variant in page.object_list:
        variant.evidence_items = evidence.get(variant.variant_id, [])
    return {
        "variant_page": page,
        "sort": sort,
        "descending": descending,
        "variant_columns": VARIANT_COLUMNS,
        "gene": gene,
    }


@require_GET
def variant_table(request, case_uuid):
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "tumorboard.view_case", case)
    return render(
        request, "tumorboard/_variant_table.html", {"case": case, **_variant_page(request, case)}
    )


@require_POST
def upload_create(request, case_uuid):
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "tumorboard.upload_data", case)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Upload refused: " + _form_errors(form))
        return redirect("tumorboard:case-detail", case_uuid=case.uuid)
    try:
        upload = upload_register(user=request.user, case=case, **form.register_arguments())
    except (InputError, ValidationError) as error:
        messages.error(request, f"Upload refused: {_message(error)}")
    else:
        messages.success(request, f"{upload.original_name} accepted; ingestion is queued.")
    return redirect("tumorboard:case-detail", case_uuid=case.uuid)


@require_GET
def upload_progress(request, upload_uuid):
    upload = selectors.upload_get(user=request.user, upload_uuid=upload_uuid)
    _require(request.user, "tumorboard.view_case", upload.case)
    response = render(request, "tumorboard/_upload_row.html", {"upload": upload})
    if upload.job.is_finished and request.GET.get("was") != upload.job.state:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def case_mark_ready(request, case_uuid):
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "tumorboard.mark_ready", case)
    try:
        case_transition(case=case, to=CaseStatus.READY_FOR_BOARD, user=request.user)
        messages.success(request, "The case is ready for the board.")
    except IllegalTransition as error:
        messages.error(request, _message(error))
    return redirect("tumorboard:case-detail", case_uuid=case.uuid)


@require_POST
def report_create(request, case_uuid):
    case = selectors.case_get(user=request.user, case_uuid=case_uuid)
    _require(request.user, "tumorboard.generate_report", case)
    try:
        report = report_generate(case=case, user=request.user)
        messages.success(request, f"Report version {report.version} generated.")
    except ValidationError as error:
        messages.error(request, _message(error))
    return redirect("tumorboard:case-detail", case_uuid=case.uuid)


@require_POST
def report_sign_view(request, report_uuid):
    report = selectors.report_get(user=request.user, report_uuid=report_uuid)
    _require(request.user, "tumorboard.sign_report", report.case)
    try:
        report_sign(report=report, user=request.user)
        messages.success(request, f"Report version {report.version} signed.")
    except (ValidationError, IllegalTransition) as error:
        messages.error(request, _message(error))
    return redirect("tumorboard:case-detail", case_uuid=report.case.uuid)


@require_GET
def report_pdf(request, report_uuid):
    report = selectors.report_get(user=request.user, report_uuid=report_uuid)
    _require(request.user, "tumorboard.download_report", report.case)
    data = report_download(report=report, user=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"DART-{report.case.patient.pseudonym}-v{report.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form_errors(form) -> str:
    return "; ".join(
        f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
        for field, errors in form.errors.items()
    )


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
