"""The API's default throttle (pharmacy.throttling.DefaultThrottle) keeps DRF's anonymous and per-user
windows as AnonThrottle and UserThrottle would, reading both with one cache call and writing both with one."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

SUGGEST_URL = "/api/v1/products/suggest/"
ADDRESS = "192.0.2.10"


@pytest.fixture
def rates(settings):
    def set_rates(**scopes):
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework, "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


def statuses(client, count: int, address: str = ADDRESS) -> list[int]:
    return [client.get(SUGGEST_URL, {"q": "bac"}, REMOTE_ADDR=address).status_code for _ in range(count)]


def test_an_anonymous_client_over_the_anonymous_rate_is_refused_with_retry_after(api_client, rates):
    rates(anon="2/min", user="100/min")

    assert statuses(api_client, 2) == [200, 200]
    refused = api_client.get(SUGGEST_URL, {"q": "bac"}, REMOTE_ADDR=ADDRESS)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert statuses(api_client, 1, address="198.51.100.7") == [200]  # another address has its own windows


def test_the_per_user_window_counts_anonymous_clients_by_address_and_a_refusal_still_counts(api_client, rates):
    rates(anon="1/min", user="3/min")

    assert statuses(api_client, 4) == [200, 429, 429, 429]
    # as with DRF's two throttles, a request one window refuses is still counted by the other
    assert len(cache.get(f"throttle_user_{ADDRESS}")) == 3
    assert len(cache.get(f"throttle_anon_{ADDRESS}")) == 1


def test_a_signed_in_user_is_counted_in_the_per_user_window_only(shopper_client, api_client, user, rates):
    rates(anon="1/min", user="2/min")

    assert statuses(shopper_client, 3) == [200, 200, 429]
    assert cache.get(f"throttle_anon_{ADDRESS}") is None
    assert len(cache.get(f"throttle_user_{user.pk}")) == 2
    assert statuses(api_client, 2) == [200, 429]  # the address's own windows were left alone


def test_both_windows_are_read_with_one_cache_call_and_written_with_one(api_client, monkeypatch):
    calls, inside = [], []  # inside: the test cache (LocMemCache) makes get_many of gets; count the outer call
    for method in ("get", "get_many", "set", "set_many"):
        original = getattr(cache, method)

        def spy(keys, *args, _method=method, _original=original, **kwargs):
            named = [keys] if isinstance(keys, str) else keys
            if not inside and any(str(key).startswith("throttle_") for key in named):
                calls.append(_method)
            inside.append(_method)
            try:
                return _original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, spy)

    assert statuses(api_client, 2) == [200, 200]

    assert calls == ["get_many", "set_many"] * 2
    assert len(cache.get(f"throttle_anon_{ADDRESS}")) == len(cache.get(f"throttle_user_{ADDRESS}")) == 2
