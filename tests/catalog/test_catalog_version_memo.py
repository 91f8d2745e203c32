"""A request reads the catalog version once, for its ETag and its cache key alike; a bump during the
request is seen by what it reads afterwards; outside a request every read asks the cache."""

import pytest
from django.core.cache import cache

from catalog.cache import (
    VERSION_KEY,
    bump_catalog_version,
    catalog_version,
    forget_version_after_request,
    remember_version_for_request,
)
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


class VersionReadCounter:
    """The cache, counting the reads of the catalog version."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.version_reads = 0

    def get(self, key, *args, **kwargs):
        if key == VERSION_KEY:
            self.version_reads += 1
        return self.wrapped.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.wrapped, name)


@pytest.fixture
def counted_cache(settings, monkeypatch):
    settings.CATALOG_CACHE_ENABLED = True
    cache.clear()
    counter = VersionReadCounter(cache)
    monkeypatch.setattr("catalog.cache.cache", counter)
    return counter


@pytest.mark.parametrize("url", ["/api/v1/products/", "/api/v1/products/?search=counted", "/medicines/"])
def test_a_cached_request_reads_the_catalog_version_once(client, counted_cache, url):
    PackFactory()
    catalog_version()  # the version exists, as it does once the shop has run
    for _ in range(2):  # filling the cache, then reading it
        counted_cache.version_reads = 0
        response = client.get(url)
        assert response.status_code == 200
        assert counted_cache.version_reads == 1

    counted_cache.version_reads = 0
    assert client.get(url, HTTP_IF_NONE_MATCH=response.headers["ETag"]).status_code == 304
    assert counted_cache.version_reads == 1


def test_a_bump_during_a_request_is_read_afterwards(counted_cache):
    remember_version_for_request()
    try:
        before = catalog_version()
        assert catalog_version() == before and counted_cache.version_reads == 1
        bump_catalog_version()
        assert catalog_version() > before
        assert counted_cache.version_reads == 2
    finally:
        forget_version_after_request()


def test_outside_a_request_every_read_asks_the_cache(counted_cache):
    first = catalog_version()
    cache.incr(VERSION_KEY)  # another process bumped it
    assert catalog_version() == first + 1
    assert counted_cache.version_reads == 2
