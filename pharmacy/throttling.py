"""Throttles for the API's sensitive operations (scopes and rates in REST_FRAMEWORK settings).

DRF's throttles read the rates once, at import; these read them per request, so a deployment or a
test that changes REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] is obeyed.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """Limits every request to a view by its `throttle_scope`, per user (or per IP when anonymous)."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802 - the name DRF looks up
        return api_settings.DEFAULT_THROTTLE_RATES


class FailedAttemptThrottle(ScopedThrottle):
    """Counts only failed attempts, recorded by the view with `record_failure`, so someone who signs
    in successfully is never slowed down while a password-guesser is stopped."""

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
