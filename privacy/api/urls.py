from django.urls import path

from . import erasure_views, export_views, views

# No app_name: these names live in the project's "api" namespace.
urlpatterns = [
    path("me/health-data-consent/", views.HealthDataConsentApi.as_view(), name="me-health-data-consent"),
    path("me/data-export/", export_views.DataExportApi.as_view(), name="me-data-export"),
    path("me/data-export/download/<str:token>/", export_views.DataExportDownloadApi.as_view(),
         name="me-data-export-download"),
    path("me/erasure/", erasure_views.ErasureApi.as_view(), name="me-erasure"),
    path("erasure/confirm/", erasure_views.ErasureConfirmApi.as_view(), name="erasure-confirm"),
]
