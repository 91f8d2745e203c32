"""A Redis cache that fails open.

The cache holds nothing that must survive (throttle counters, sign-in failure counts), so when Redis
is unreachable the shop carries on uncached rather than answering 500: a shopper's checkout must
never fail because Redis is down. Each outage is logged.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_MISSING = object()
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django wraps its connection pool in a new redis.Redis object for every cache call, and building
    one fills a table of some 150 response callbacks: on a cached catalog page that was a seventh of the
    request. A redis.Redis object is safe to share between threads (each command borrows a connection
    from the pool), so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def _unreachable(self, operation: str, error: Exception) -> None:
        logger.warning("Cache unavailable during %s; carrying on without it: %s", operation, error)

    def get(self, key, default=None, version=None):
        # django-prometheus's cache counters (its own Redis backend needs django-redis, which we do not use).
        django_cache_get_total.labels(backend="redis").inc()
        try:
            value = super().get(key, _MISSING, version)
        except UNREACHABLE as error:
            django_cache_get_fail_total.labels(backend="redis").inc()
            self._unreachable("get", error)
            return default
        if value is _MISSING:
            django_cache_misses_total.labels(backend="redis").inc()
            return default
        django_cache_hits_total.labels(backend="redis").inc()
        return value

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("get_many", error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set_many", error)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("add", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._unreachable("incr", error)
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._unreachable("delete", error)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("touch", error)
            return False
