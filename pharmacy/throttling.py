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
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

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
