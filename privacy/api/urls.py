from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace.
urlpatterns = [
    path("me/health-data-consent/", views.HealthDataConsentApi.as_view(), name="me-health-data-consent"),
]
