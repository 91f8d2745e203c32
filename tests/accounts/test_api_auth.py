"""Register, sign in for a token, sign out, who am I; session clients keep CSRF; throttles."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.http import HttpRequest
from django.middleware.csrf import get_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.api.views import SIGN_UP_ACCEPTED
from accounts.models import AccountMessageKind, User
from notifications.models import OutboxMessage
from tests.builders.api import assert_problem
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER_URL = "/api/v1/auth/register/"
TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"
NEW_PASSWORD = "violet-kettle-harbour-42"


def register(client, **overrides):
    body = {"email": "ada@example.org", "password": NEW_PASSWORD, "full_name": "Ada Lovelace", **overrides}
    return client.post(REGISTER_URL, body, format="json")


def rates(settings, **scopes):
    """Lower some throttle rates for one test (the test settings make them huge)."""
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
    }


def test_register_creates_an_unverified_account_and_sends_the_confirmation_link(api_client):
    response = register(api_client, email="  Ada@Example.ORG ", full_name="  Ada   Lovelace ")

    assert response.status_code == 202
    assert response.json() == {"detail": SIGN_UP_ACCEPTED}
    user = User.objects.get()
    assert (user.email, user.full_name, user.email_verified_at) == ("ada@example.org", "Ada Lovelace", None)
    assert user.check_password(NEW_PASSWORD)
    assert list(OutboxMessage.objects.values_list("user", "order", "kind", "recipient")) == [
        (user.pk, None, AccountMessageKind.EMAIL_VERIFICATION, "ada@example.org")
    ]
    assert not AuthToken.objects.exists()  # signing in is a separate step


def test_register_answers_the_same_when_the_email_already_has_an_account(api_client):
    existing = UserFactory(email="ada@example.org")
    password_hash = existing.password
    new = register(api_client, email="grace@example.org")

    response = register(api_client, email="ADA@example.org", password="another-violet-kettle-7", full_name="Eve")

    assert (response.status_code, response.json()) == (new.status_code, new.json())
    assert (response.status_code, response.json()) == (202, {"detail": SIGN_UP_ACCEPTED})
    assert User.objects.count() == 2
    existing.refresh_from_db()
    assert (existing.password, existing.email_verified_at is not None) == (password_hash, True)
    # Only the owner of the address learns that someone tried: an e-mail to it, no verification link.
    assert list(OutboxMessage.objects.filter(user=existing).values_list("kind", flat=True)) == [
        AccountMessageKind.SIGN_UP_ATTEMPT
    ]


class CountingHasher(MD5PasswordHasher):
    """The test settings' fast hasher, counting the passwords it hashes."""

    encoded = 0

    def encode(self, password, salt):
        CountingHasher.encoded += 1
        return super().encode(password, salt)


def test_register_hashes_a_password_for_a_taken_address_as_for_a_new_one(api_client, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_api_auth.CountingHasher"]
    UserFactory(email="ada@example.org")

    CountingHasher.encoded = 0
    register(api_client, email="grace@example.org")
    for_a_new_address = CountingHasher.encoded
    CountingHasher.encoded = 0
    register(api_client, email="ada@example.org")
    for_a_taken_address = CountingHasher.encoded

    assert for_a_new_address == for_a_taken_address == 1


def test_register_refuses_a_password_the_validators_refuse_naming_each_reason(api_client):
    response = register(api_client, password="12345678")

    body = assert_problem(response, 400, code="password_rejected", field="password")
    assert "too common" in body["errors"][0]["message"]
    assert "entirely numeric" in body["errors"][0]["message"]
    assert not User.objects.exists()


def test_register_refuses_a_password_too_like_the_email(api_client):
    response = register(
        api_client, email="marmaduke.fotheringay@example.org", password="marmaduke.fotheringay"
    )

    assert_problem(response, 400, code="password_rejected", field="password")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": 42}, "email"),
        ({"password": ""}, "password"),
        ({"password": None}, "password"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": "Ada\x00"}, "full_name"),
    ],
)
def test_register_refuses_malformed_fields(api_client, overrides, field):
    assert_problem(register(api_client, **overrides), 400, field=field)
    assert not User.objects.exists()


def test_sign_in_returns_a_token_that_authenticates_the_client(api_client, user):
    response = api_client.post(TOKEN_URL, {"email": user.email.upper(), "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = AuthToken.objects.get(user=user)
    body = response.json()
    assert body == {
        "token": body["token"],
        "expiry": body["expiry"],
        "second_factor": False,
        "user": {"id": user.pk, "email": user.email, "full_name": user.full_name},
    }
    assert token.expiry is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json() == {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "is_pharmacist": False,
        "email_verified": True,
    }


@pytest.mark.parametrize(
    "email, password",
    [
        ("shopper-x@example.org", "wrong-password"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_sign_in_with_wrong_credentials_is_a_400_that_does_not_say_which(api_client, email, password):
    UserFactory(email="shopper-x@example.org")

    response = api_client.post(TOKEN_URL, {"email": email, "password": password}, format="json")

    body = assert_problem(response, 400, code="invalid_credentials")
    assert body["detail"] == "The e-mail address or password is not right."
    assert not AuthToken.objects.exists()


def test_sign_in_refuses_an_inactive_account(api_client):
    user = UserFactory(is_active=False)

    response = api_client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")

    assert_problem(response, 400, code="invalid_credentials")


def test_me_says_whether_the_user_is_a_pharmacist(pharmacist_client, pharmacist):
    assert pharmacist_client.get(ME_URL).json()["is_pharmacist"] is True


def test_sign_out_revokes_the_token(api_client, user):
    _, key = AuthToken.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api_client.delete(TOKEN_URL).status_code == 204

    assert not AuthToken.objects.exists()
    response = api_client.get(ME_URL)
    assert_problem(response, 401, code="authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_sign_out_needs_a_signed_in_client(api_client):
    assert_problem(api_client.delete(TOKEN_URL), 401, code="not_authenticated")


def test_me_without_credentials_is_a_401_with_the_token_challenge(api_client):
    response = api_client.get(ME_URL)

    assert_problem(response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_session_clients_must_send_the_csrf_token(user, gsl_pack):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    line = {"sku": gsl_pack.sku, "quantity": 1}

    refused = client.post("/api/v1/cart/lines/", line, format="json")

    assert_problem(refused, 403, code="permission_denied")
    assert "CSRF" in refused.json()["detail"]
    # What a storefront page gives a browser: the csrftoken cookie and a token for the header.
    page_request = HttpRequest()
    header_token = get_token(page_request)
    client.cookies["csrftoken"] = page_request.META["CSRF_COOKIE"]
    accepted = client.post("/api/v1/cart/lines/", line, format="json", HTTP_X_CSRFTOKEN=header_token)
    assert accepted.status_code == 201


def test_failed_sign_ins_are_throttled_and_successful_ones_are_not_counted(api_client, settings, user):
    rates(settings, sign_in="3/min")
    good = {"email": user.email, "password": PASSWORD}
    bad = {"email": user.email, "password": "guess"}

    for _ in range(5):
        assert api_client.post(TOKEN_URL, good, format="json").status_code == 200
    for _ in range(3):
        assert_problem(api_client.post(TOKEN_URL, bad, format="json"), 400, code="invalid_credentials")
    throttled = api_client.post(TOKEN_URL, good, format="json")

    assert_problem(throttled, 429, code="throttled")
    assert int(throttled["Retry-After"]) > 0


def test_registration_is_throttled(api_client, settings):
    rates(settings, register="2/hour")

    assert register(api_client, email="one@example.org").status_code == 202
    assert register(api_client, email="two@example.org").status_code == 202
    assert_problem(register(api_client, email="three@example.org"), 429, code="throttled")
    assert User.objects.count() == 2
