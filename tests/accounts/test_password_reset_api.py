"""Password reset and e-mail verification over the API: links sent by the outbox, the same answer whether
or not an account exists, throttled per client address."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.api.views import RESET_ACCEPTED
from accounts.models import AccountMessageKind, User
from notifications.models import OutboxMessage
from tests.builders.api import assert_problem
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/api/v1/auth/password-reset/"
CONFIRM_URL = "/api/v1/auth/password-reset/confirm/"
VERIFY_URL = "/api/v1/auth/verify-email/"
RESEND_URL = "/api/v1/auth/verify-email/resend/"
NEW_PASSWORD = "plum-orchard-lantern-42"


def link_parts(email) -> dict:
    uid, token = re.search(r"/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]+)/", email.body).groups()
    return {"uid": uid, "token": token}


def test_a_reset_link_sets_a_new_password_once(api_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(RESET_URL, {"email": user.email.upper()}, format="json")

    assert (response.status_code, response.json()) == (202, {"detail": RESET_ACCEPTED})
    [email] = mail.outbox
    assert email.to == [user.email]
    link = link_parts(email)
    assert api_client.post(CONFIRM_URL, {**link, "new_password": NEW_PASSWORD}, format="json").status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = api_client.post(CONFIRM_URL, {**link, "new_password": "another-plum-lantern-9"}, format="json")
    assert_problem(again, 400, code="invalid_link", field="token")


def test_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(RESET_URL, {"email": "nobody@example.org"}, format="json")

    assert (response.status_code, response.json()) == (202, {"detail": RESET_ACCEPTED})
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_a_reset_refuses_a_weak_password_and_keeps_the_old_one(api_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(RESET_URL, {"email": user.email}, format="json")

    response = api_client.post(CONFIRM_URL, {**link_parts(mail.outbox[0]), "new_password": "12345678"}, format="json")

    assert_problem(response, 400, code="password_rejected", field="password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_requests_are_throttled_per_client_address_whatever_x_forwarded_for_says(api_client, settings):
    cache.clear()
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework, "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "password_reset": "2/hour"},
    }
    for number in range(2):
        api_client.post(RESET_URL, {"email": "x@example.org"}, format="json", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}")

    refused = api_client.post(RESET_URL, {"email": "x@example.org"}, format="json", HTTP_X_FORWARDED_FOR="6.6.6.9")

    assert_problem(refused, 429, code="throttled")
    cache.clear()


def test_the_verification_link_confirms_the_address(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/register/", {
            "email": "nia@example.org", "password": NEW_PASSWORD, "full_name": "Nia Shopper",
        }, format="json")
    [email] = mail.outbox

    response = api_client.post(VERIFY_URL, link_parts(email), format="json")

    assert response.status_code == 200
    assert User.objects.get().email_verified_at is not None
    assert_problem(api_client.post(VERIFY_URL, link_parts(email), format="json"), 400, code="invalid_link")


def test_an_unverified_user_can_ask_for_a_new_link(api_client, django_capture_on_commit_callbacks):
    shopper = UserFactory(email_verified_at=None)
    api_client.force_authenticate(shopper)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(RESEND_URL)

    assert response.status_code == 202
    assert list(OutboxMessage.objects.values_list("user", "kind")) == [
        (shopper.pk, AccountMessageKind.EMAIL_VERIFICATION)
    ]
    assert api_client.get("/api/v1/auth/me/").json()["email_verified"] is False
