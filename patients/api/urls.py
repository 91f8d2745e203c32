from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:patient-list, ...).
urlpatterns = [
    path("patients/", views.HealthRecordListApi.as_view(), name="patient-list"),
    path("patients/<int:record_id>/", views.HealthRecordDetailApi.as_view(), name="patient-detail"),
]
