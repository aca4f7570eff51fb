from django.urls import path

from imaging import api

urlpatterns = [
    path("cases/<uuid:case_uuid>/imaging/", api.CaseImaging.as_view(), name="api-imaging"),
    path(
        "cases/<uuid:case_uuid>/imaging/predictions/",
        api.PredictionsImport.as_view(),
        name="api-imaging-predictions",
    ),
    path(
        "cases/<uuid:case_uuid>/imaging/images/",
        api.ImagesUpload.as_view(),
        name="api-imaging-images",
    ),
    path("imaging/models/", api.Models.as_view(), name="api-imaging-models"),
]
