"""The catalog's URL patterns come first of the storefront's only because no other pattern matches a catalog
path: moving them changed which view answers no request."""

import types

import pytest
from django.urls import Resolver404, URLResolver, resolve

from pharmacy import urls

CATALOG_PATHS = ["/", "/medicines/", "/medicines/how-it-works/", "/medicines/orders/", "/leaflets/7.pdf",
                 "/prescriptions/how-it-works/"]
OTHER_PATHS = ["/prescriptions/", "/prescriptions/7/file/", "/prescriptions/7/reorder/", "/orders/", "/orders/A1/pay/",
               "/orders/medicines/", "/privacy/", "/checkout/", "/cart/", "/accounts/sign-in/", "/healthz"]


def without_catalog():
    patterns = [pattern for pattern in urls.urlpatterns
                if not (isinstance(pattern, URLResolver) and pattern.app_name == "catalog")]
    assert len(patterns) == len(urls.urlpatterns) - 1
    module = types.ModuleType("site_urls_without_catalog")
    module.urlpatterns = patterns
    return module


@pytest.mark.parametrize("path", CATALOG_PATHS)
def test_no_other_app_answers_a_catalog_path(path):
    assert resolve(path).namespace == "catalog"
    with pytest.raises(Resolver404):
        resolve(path, urlconf=without_catalog())


@pytest.mark.parametrize("path", OTHER_PATHS)
def test_other_paths_are_answered_as_without_the_catalog(path):
    assert resolve(path).view_name == resolve(path, urlconf=without_catalog()).view_name
