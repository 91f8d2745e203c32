from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:prescription-detail, ...).
urlpatterns = [
    path("prescriptions/", views.PrescriptionListCreateApi.as_view(), name="prescription-list"),
    path(
        "prescriptions/<int:prescription_id>/",
        views.PrescriptionDetailApi.as_view(),
        name="prescription-detail",
    ),
    path(
        "prescriptions/<int:prescription_id>/file/",
        views.PrescriptionFileApi.as_view(),
        name="prescription-file",
    ),
]
