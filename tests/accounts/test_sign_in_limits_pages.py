"""Sign-in limits on the storefront and the admin (django-axes, keyed on pharmacy.client_address)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import complete_password_reset
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def signed_in_client(user) -> Client:
    signed_in = Client()
    signed_in.force_login(user)
    return signed_in


def sign_in(client, email, password, url=None, **extra):
    return client.post(url or reverse("accounts:login"), {"username": email, "password": password}, **extra)


def test_a_forged_x_forwarded_for_does_not_reset_the_sign_in_limit(client, user, limit):
    for number in range(limit):
        sign_in(client, user.email, "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    response = sign_in(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "Sign-in temporarily locked" in html
    assert "15 minutes" in html
    assert SESSION_KEY not in client.session


def test_the_account_is_locked_for_guesses_from_any_address(client, user, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(limit):
        sign_in(client, user.email, "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    assert sign_in(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429
    other = UserFactory()
    assert sign_in(client, other.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 302


def test_the_storefront_lock_lifts_after_the_cool_off(client, user, limit):
    for _ in range(limit):
        sign_in(client, user.email, "guess")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_admin_sign_in_is_limited_too(client, limit):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(limit):
        sign_in(client, staff.email, "guess", url=reverse("admin:login"))

    response = sign_in(client, staff.email, PASSWORD, url=reverse("admin:login"))

    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_superuser_can_unlock_an_account_in_the_axes_admin(client, user, limit):
    for _ in range(limit):
        sign_in(client, user.email, "guess", HTTP_X_FORWARDED_FOR="6.6.6.6")
    [attempt] = AccessAttempt.objects.all()
    admin_client = signed_in_client(UserFactory(is_staff=True, is_superuser=True))

    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_lock(client, user, limit):
    for _ in range(limit):
        sign_in(client, user.email, "guess")

    complete_password_reset(user=user, new_password="plum-orchard-lantern-42")

    assert sign_in(client, user.email, "plum-orchard-lantern-42").status_code == 302
