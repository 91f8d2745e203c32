"""API tokens (django-rest-knox): stored hashed, one per device, expiring with sliding renewal (staff's
after a fixed working day, never renewed); signing out one device leaves the others signed in, and
"sign out everywhere" exists."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.builders.api import assert_problem
from tests.factories import PASSWORD, UserFactory
from tests.otp import TEST_TOTP_KEY_HEX, code_for, device_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ALL_TOKENS_URL = "/api/v1/auth/token/all/"
ME_URL = "/api/v1/auth/me/"


def sign_in(user) -> str:
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_only_as_a_digest(user):
    key = sign_in(user)

    token = AuthToken.objects.get()
    assert token.digest != key and key not in token.digest
    assert len(token.token_key) < len(key)  # a short prefix to find the row, not the secret
    assert not AuthToken.objects.filter(digest=key).exists()


def test_a_token_expires_after_the_configured_days_without_use(user):
    before = timezone.now()
    sign_in(user)

    expiry = AuthToken.objects.get().expiry
    assert settings.API_TOKEN_TTL_DAYS == 30
    assert before + timedelta(days=30) <= expiry <= timezone.now() + timedelta(days=30)


def test_a_token_works_only_until_it_expires(user):
    key = sign_in(user)
    client = client_with(key)
    assert client.get(ME_URL).status_code == 200

    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))  # 30 days pass unused

    response = client.get(ME_URL)
    assert_problem(response, 401, code="authentication_failed")
    assert not AuthToken.objects.exists()  # the expired token is deleted, not just refused


def test_each_use_moves_the_expiry_forward(user):
    key = sign_in(user)
    AuthToken.objects.update(expiry=timezone.now() + timedelta(days=1))  # 29 days since the last use

    assert client_with(key).get(ME_URL).status_code == 200

    assert AuthToken.objects.get().expiry >= timezone.now() + timedelta(days=29, hours=23)


def test_each_sign_in_makes_a_separate_token_for_its_device(user):
    phone, laptop = sign_in(user), sign_in(user)

    assert phone != laptop
    assert AuthToken.objects.filter(user=user).count() == 2


def test_signing_out_one_device_leaves_another_signed_in(user):
    phone, laptop = client_with(sign_in(user)), client_with(sign_in(user))

    assert phone.delete(TOKEN_URL).status_code == 204

    assert_problem(phone.get(ME_URL), 401, code="authentication_failed")
    assert laptop.get(ME_URL).status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_sign_out_everywhere_revokes_every_token_of_the_user_and_no_one_elses(user):
    phone, laptop = client_with(sign_in(user)), client_with(sign_in(user))
    someone_else = client_with(sign_in(UserFactory()))

    response = laptop.delete(ALL_TOKENS_URL)

    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert_problem(phone.get(ME_URL), 401, code="authentication_failed")
    assert_problem(laptop.get(ME_URL), 401, code="authentication_failed")
    assert someone_else.get(ME_URL).status_code == 200


def test_sign_out_everywhere_needs_a_signed_in_client(api_client, user):
    sign_in(user)

    assert_problem(api_client.delete(ALL_TOKENS_URL), 401, code="not_authenticated")
    assert AuthToken.objects.count() == 1


def test_an_inactive_users_token_stops_working(user):
    client = client_with(sign_in(user))
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert_problem(client.get(ME_URL), 401, code="authentication_failed")


def test_no_admin_page_lists_tokens(admin_client):
    assert admin_client.get("/admin/knox/authtoken/").status_code == 404
    assert b"knox" not in admin_client.get("/admin/").content.lower()


def test_drf_authtoken_is_gone_with_its_table():
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    assert "authtoken_token" not in connection.introspection.table_names()


# --- Staff tokens: a working day from sign-in, never renewed --------------------------------------------

def staff_sign_in(user) -> str:
    device_for(user)
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD,
                                            "otp_code": code_for(TEST_TOTP_KEY_HEX)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_staff_token_lasts_the_staff_lifetime_and_use_does_not_extend_it(settings):
    settings.STAFF_TOKEN_TTL_HOURS = 8
    staff = UserFactory(is_staff=True)
    before = timezone.now()
    client = client_with(staff_sign_in(staff))
    expiry = AuthToken.objects.get().expiry
    assert before + timedelta(hours=8) <= expiry <= timezone.now() + timedelta(hours=8)

    AuthToken.objects.update(expiry=timezone.now() + timedelta(hours=1))  # seven hours later
    assert client.get(ME_URL).status_code == 200

    assert AuthToken.objects.get().expiry <= timezone.now() + timedelta(hours=1)  # not slid forward


def test_a_staff_token_older_than_the_staff_lifetime_stops_working_whatever_its_expiry(settings):
    settings.STAFF_TOKEN_TTL_HOURS = 8
    staff = UserFactory(is_staff=True)
    client = client_with(staff_sign_in(staff))
    AuthToken.objects.update(created=timezone.now() - timedelta(hours=8, seconds=1),
                             expiry=timezone.now() + timedelta(days=30))  # e.g. issued before they were staff

    assert_problem(client.get(ME_URL), 401)
    assert not AuthToken.objects.exists()


def test_a_shoppers_token_still_slides(user, settings):
    settings.STAFF_TOKEN_TTL_HOURS = 8
    client = client_with(sign_in(user))
    AuthToken.objects.update(created=timezone.now() - timedelta(days=2), expiry=timezone.now() + timedelta(hours=1))

    assert client.get(ME_URL).status_code == 200

    assert AuthToken.objects.get().expiry > timezone.now() + timedelta(days=29)


def test_a_shoppers_token_slides_no_further_than_its_maximum_age_after_sign_in(user):
    client = client_with(sign_in(user))
    created = timezone.now() - timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS - 1)
    AuthToken.objects.update(created=created, expiry=timezone.now() + timedelta(hours=1))

    assert client.get(ME_URL).status_code == 200
    assert AuthToken.objects.get().expiry == created + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)

    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))  # the maximum age is reached
    assert_problem(client.get(ME_URL), 401)
