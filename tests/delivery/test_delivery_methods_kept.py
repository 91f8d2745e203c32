"""With the catalog cache on, a process keeps the active delivery methods it read under the catalog version:
a request at the same version asks the cache only for the version, and a bump (a method saved through the
services) is read by the next request."""

import time
from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog.cache import VERSION_KEY, forget_version_after_request, remember_version_for_request
from delivery.models import DeliveryMethod
from delivery.selectors import list_active_delivery_methods
from delivery.services import save_delivery_method

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_reads(settings, monkeypatch):
    settings.CATALOG_CACHE_ENABLED = True
    cache.clear()
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: reads.append(key) or real_get(key, *args, **kwargs))
    return reads


def saved_standard_method() -> DeliveryMethod:
    return save_delivery_method(method=DeliveryMethod(code="standard", name="Standard", price_amount=Decimal("3.95")))


def in_a_request(read):
    remember_version_for_request()
    try:
        return read()
    finally:
        forget_version_after_request()


def test_a_request_at_the_same_version_reads_only_the_version(cache_reads, django_assert_num_queries):
    standard = saved_standard_method()
    assert [method.code for method in in_a_request(list_active_delivery_methods)] == ["standard"]
    cache_reads.clear()

    with django_assert_num_queries(0):
        methods = in_a_request(list_active_delivery_methods)

    assert methods == [standard] and cache_reads == [VERSION_KEY]
    methods.clear()  # the caller's own list
    assert in_a_request(list_active_delivery_methods) == [standard]


def test_a_saved_method_is_read_by_the_next_request(cache_reads):
    standard = saved_standard_method()
    in_a_request(list_active_delivery_methods)

    standard.price_amount = Decimal("4.49")
    save_delivery_method(method=standard)  # bumps the catalog version

    [method] = in_a_request(list_active_delivery_methods)
    assert method.price_amount == Decimal("4.49")


def test_the_kept_list_expires_with_the_cache_timeout(cache_reads, settings, monkeypatch):
    settings.CATALOG_CACHE_TIMEOUT = 60
    saved_standard_method()
    in_a_request(list_active_delivery_methods)
    DeliveryMethod.objects.update(name="Renamed without a bump")
    cache.delete_many([key for key in cache_reads if key != VERSION_KEY])  # the cache's entry expired too
    later = time.monotonic() + 61
    monkeypatch.setattr("delivery.selectors.time.monotonic", lambda: later)

    [method] = in_a_request(list_active_delivery_methods)

    assert method.name == "Renamed without a bump"
