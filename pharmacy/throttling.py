"""Throttles for the API's sensitive operations and for the storefront (scopes and rates in REST_FRAMEWORK
settings). Every throttle identifies an anonymous client by pharmacy.client_address, never by an
X-Forwarded-For header the client could forge.

DRF's throttles read the rates once, at import; these read them per request, so a deployment or a
test that changes REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] is obeyed.
"""

import math
from functools import wraps

from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

from pharmacy.client_address import client_address


class ClientAddressMixin:
    """DRF's get_ident, replaced by our one client-address function (TRUSTED_PROXY_COUNT)."""

    def get_ident(self, request):
        return client_address(request)

    @property
    def THROTTLE_RATES(self):  # noqa: N802 - the name DRF looks up
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    """The default anonymous throttle (scope `anon`), per client address."""


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    """The default throttle (scope `user`): per user when signed in, per client address otherwise."""


class DefaultThrottle(BaseThrottle):
    """AnonThrottle and UserThrottle in one, for the API's default: the same two windows, each kept as DRF
    keeps it (a request refused by one is still counted by the other), with one Redis round trip to read
    both and one to write them, where the two throttles took two each."""

    def __init__(self):
        self.refused: list[SimpleRateThrottle] = []

    def allow_request(self, request, view) -> bool:
        throttles = []
        for throttle in (AnonThrottle(), UserThrottle()):
            throttle.key = throttle.get_cache_key(request, view) if throttle.rate is not None else None
            if throttle.key is not None:  # AnonThrottle has no key for a signed-in user
                throttles.append(throttle)
        if not throttles:
            return True
        cache, now = throttles[0].cache, throttles[0].timer()
        histories = cache.get_many([throttle.key for throttle in throttles])
        writes: dict[int, dict] = {}  # by duration: one write for the usual case of equal windows
        self.refused = []
        for throttle in throttles:
            throttle.now, throttle.history = now, histories.get(throttle.key, [])
            while throttle.history and throttle.history[-1] <= now - throttle.duration:
                throttle.history.pop()
            if len(throttle.history) >= throttle.num_requests:
                self.refused.append(throttle)
            else:
                throttle.history.insert(0, now)
                writes.setdefault(throttle.duration, {})[throttle.key] = throttle.history
        for duration, counted in writes.items():
            cache.set_many(counted, duration)
        return not self.refused

    def wait(self) -> float | None:
        """The longest wait of the windows that refused, as DRF takes the longest of its throttles'."""
        return max((wait for wait in (throttle.wait() for throttle in self.refused) if wait is not None), default=None)


class ScopedThrottle(ClientAddressMixin, ScopedRateThrottle):
    """Limits every request to a view by its `throttle_scope`, per user (or per client address when anonymous)."""


class FailedAttemptThrottle(ScopedThrottle):
    """Counts only failed attempts, recorded by the view with `record_failure`, so someone who succeeds is
    never slowed down while someone guessing is stopped (password reset requests that name no account)."""

    def throttle_success(self):
        return True  # checked, not counted

    def record_failure(self, request, view) -> None:
        if not self.allow_request(request, view) or not getattr(self, "key", None):
            return  # already over the limit (the next attempt is refused anyway), or no limit set
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


def default_throttles_and(*extra) -> list:
    """The project's default throttles (anonymous and per-user) plus `extra`."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, *extra]


# --- Storefront --------------------------------------------------------------------------------------


class StorefrontThrottle(ClientAddressMixin, SimpleRateThrottle):
    """The API's rate for `scope`, counted per client address for a storefront form post. The cache fails
    open (pharmacy.cache): with Redis down nobody is throttled."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": f"storefront_{self.scope}", "ident": self.get_ident(request)}


def throttle_posts(scope: str):
    """Decorate a storefront view: over the `scope` rate from one client address, a POST gets a 429 page
    with Retry-After and the view is not run. GET is never counted."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                throttle = StorefrontThrottle(scope)
                if not throttle.allow_request(request, None):
                    wait = max(1, math.ceil(throttle.wait() or 1))
                    response = render(request, "throttled.html", {"wait_minutes": math.ceil(wait / 60)}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
