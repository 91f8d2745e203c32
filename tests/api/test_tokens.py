"""API tokens (django-rest-knox): stored hashed, one per device, expiring with sliding renewal;
signing out one device leaves the others signed in, and "sign out everywhere" exists."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

from .helpers import assert_problem

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
