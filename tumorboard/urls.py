from django.urls import path

from tumorboard import views

app_name = "tumorboard"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<uuid:case_uuid>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_uuid>/variants/", views.variant_table, name="variant-table"),
    path("cases/<uuid:case_uuid>/uploads/", views.upload_create, name="upload-create"),
    path("cases/<uuid:case_uuid>/ready/", views.case_mark_ready, name="case-ready"),
    path("cases/<uuid:case_uuid>/reports/", views.report_create, name="report-create"),
    path("uploads/<uuid:upload_uuid>/progress/", views.upload_progress, name="upload-progress"),
    path("reports/<uuid:report_uuid>/pdf/", views.report_pdf, name="report-pdf"),
    path("reports/<uuid:report_uuid>/sign/", views.report_sign_view, name="report-sign"),
]
