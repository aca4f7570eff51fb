from django.urls import path

from tumorboard.api import views

urlpatterns = [
    path("cases/", views.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/<uuid:case_uuid>/", views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<uuid:case_uuid>/result/", views.CaseResult.as_view(), name="api-case-result"),
    path("cases/<uuid:case_uuid>/status/", views.CaseTransition.as_view(), name="api-case-status"),
    path("cases/<uuid:case_uuid>/uploads/", views.UploadListCreate.as_view(), name="api-uploads"),
    path("cases/<uuid:case_uuid>/imports/", views.ImportCreate.as_view(), name="api-imports"),
    path("cases/<uuid:case_uuid>/variants/", views.VariantList.as_view(), name="api-variants"),
    path(
        "cases/<uuid:case_uuid>/recommendations/",
        views.RecommendationList.as_view(),
        name="api-recommendations",
    ),
    path("cases/<uuid:case_uuid>/reports/", views.ReportListCreate.as_view(), name="api-reports"),
    path("uploads/<uuid:upload_uuid>/", views.UploadDetail.as_view(), name="api-upload-detail"),
    path("reports/<uuid:report_uuid>/sign/", views.ReportSign.as_view(), name="api-report-sign"),
    path("reports/<uuid:report_uuid>/pdf/", views.ReportPdf.as_view(), name="api-report-pdf"),
]
