"""A URLconf that mounts the site one level down, for tests/pharmacy/test_fixed_urls.py."""

from django.urls import include, path

urlpatterns = [path("catalogue/", include("pharmacy.urls"))]
