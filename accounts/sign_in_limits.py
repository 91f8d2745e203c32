"""Failed sign-ins on the website, counted per client address so a password guesser is slowed down
while a shopper who signs in at the first try never is. The rate is the API's (THROTTLE_SIGN_IN),
where DRF's FailedAttemptThrottle applies the same rule to token sign-ins."""

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def _limit() -> tuple[int, int] | tuple[None, None]:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get("sign_in")
    return SimpleRateThrottle.parse_rate(None, rate)


def _key(client_address: str) -> str:
    return f"sign-in-failures:{client_address}"


def sign_in_blocked(*, client_address: str) -> bool:
    allowed, _ = _limit()
    return allowed is not None and cache.get(_key(client_address), 0) >= allowed


def record_failed_sign_in(*, client_address: str) -> None:
    allowed, window_seconds = _limit()
    if allowed is None:
        return
    key = _key(client_address)
    cache.add(key, 0, timeout=window_seconds)  # the window starts at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
