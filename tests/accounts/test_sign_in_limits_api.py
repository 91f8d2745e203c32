"""Sign-in limits on the API (django-axes, keyed on pharmacy.client_address): per address and per account,
a clear `account_locked` problem, unlocked after the cool-off or by staff, never reset by a forged header."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.utils import timezone
from knox.models import AuthToken

from tests.builders.api import assert_problem
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ANON_URL = "/api/v1/products/"


def sign_in(client, email, password, **extra):
    return client.post(TOKEN_URL, {"email": email, "password": password}, format="json", **extra)


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_a_forged_x_forwarded_for_does_not_reset_the_sign_in_limit(api_client, user, limit):
    for number in range(limit):
        response = sign_in(api_client, user.email, "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        assert response.status_code in (400, 429)

    forged = sign_in(api_client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")

    body = assert_problem(forged, 429, code="account_locked")
    assert "15 minutes" in body["detail"]
    assert forged["Retry-After"] == "900"
    assert not AuthToken.objects.exists()


def test_the_account_is_locked_whatever_address_the_guesses_come_from(api_client, user, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # behind one proxy: each X-Forwarded-For is a different client
    for number in range(limit):
        sign_in(api_client, user.email.upper(), "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    refused = sign_in(api_client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")

    assert_problem(refused, 429, code="account_locked")
    # Another account from a fresh address is not affected.
    other = UserFactory()
    assert sign_in(api_client, other.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.201").status_code == 200


def test_one_address_guessing_many_accounts_is_locked_out(api_client, limit):
    for number in range(limit):
        sign_in(api_client, f"nobody{number}@example.org", "guess")
    victim = UserFactory()

    assert_problem(sign_in(api_client, victim.email, PASSWORD), 429, code="account_locked")


def test_the_lock_lifts_after_the_cool_off(api_client, user, limit):
    for _ in range(limit):
        sign_in(api_client, user.email, "guess")
    assert_problem(sign_in(api_client, user.email, PASSWORD), 429, code="account_locked")

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(api_client, user.email, PASSWORD).status_code == 200


def test_staff_can_unlock_an_account_before_the_cool_off(api_client, user, limit):
    for _ in range(limit):
        sign_in(api_client, user.email, "guess")

    reset(username=user.email)  # what the axes admin's delete of the attempt does

    assert sign_in(api_client, user.email, PASSWORD).status_code == 200


def test_a_forged_x_forwarded_for_does_not_reset_the_anonymous_throttle(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"},
    }
    from django.core.cache import cache

    cache.clear()
    for number in range(2):
        assert api_client.get(ANON_URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code == 200

    assert_problem(api_client.get(ANON_URL, HTTP_X_FORWARDED_FOR="203.0.113.99"), 429, code="throttled")
    cache.clear()


def test_behind_a_trusted_proxy_each_client_has_its_own_throttle(api_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/min"},
    }
    from django.core.cache import cache

    cache.clear()
    assert api_client.get(ANON_URL, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert api_client.get(ANON_URL, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    # A client prepending a forged entry is still itself (the proxy appended the real address).
    assert_problem(api_client.get(ANON_URL, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.1"), 429, code="throttled")
    cache.clear()
