from django.urls import path

from imaging import views

app_name = "imaging"

urlpatterns = [
    path(
        "cases/<uuid:case_uuid>/predictions/",
        views.predictions_upload,
        name="predictions-upload",
    ),
    path("cases/<uuid:case_uuid>/images/", views.images_upload, name="images-upload"),
    path("studies/<uuid:study_uuid>/largest-slice.png", views.study_preview, name="preview"),
]
