"""With Redis unreachable the cache fails open: the shop answers, uncached, instead of 500."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from orders.models import Order
from tests.builders.api import SHIPPING
from tests.builders.orders import cart_with


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def unreachable_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pharmacy.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return cache


def test_unreachable_cache_reads_as_empty_and_ignores_writes(unreachable_redis_cache):
    unreachable_redis_cache.set("k", 1)
    assert unreachable_redis_cache.get("k", "default") == "default"
    assert unreachable_redis_cache.add("k", 1) is False
    assert unreachable_redis_cache.incr("k") == 1
    assert unreachable_redis_cache.delete("k") is False
    assert unreachable_redis_cache.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert unreachable_redis_cache.get_many(["k", "j"]) == {}


@pytest.mark.django_db
def test_api_checkout_succeeds_while_the_throttles_cache_is_down(unreachable_redis_cache, user, shopper_client,
                                                                 gsl_pack):
    cart_with(user, (gsl_pack, 1))

    response = shopper_client.post(reverse("api:checkout"), {"shipping": SHIPPING}, format="json",
                                   HTTP_IDEMPOTENCY_KEY="cache-down-1")

    assert response.status_code == 201, response.content
    assert Order.objects.filter(user=user).count() == 1


@pytest.mark.redis
def test_redis_cache_reuses_one_client_for_every_call_and_from_every_thread(settings):
    # Building a redis.Redis object per call cost a seventh of a cached catalog page (pharmacy/cache.py).
    import threading

    from tests.availability import redis_url

    settings.CACHES = {"default": {"BACKEND": "pharmacy.cache.FailOpenRedisCache", "LOCATION": redis_url()}}
    cache.set("reused-client", "value")
    client = cache._cache.get_client()
    seen_in_thread = []
    reader = threading.Thread(target=lambda: seen_in_thread.append(cache._cache.get_client(write=True)))
    reader.start()
    reader.join(timeout=10)

    assert cache.get("reused-client") == "value"
    assert cache._cache.get_client(write=True) is client
    assert seen_in_thread and seen_in_thread[0] is not client  # each thread has its own cache object
    assert seen_in_thread[0].connection_pool is not client.connection_pool
    cache.delete("reused-client")
