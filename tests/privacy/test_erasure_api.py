"""Erasure through the API: ask while signed in, confirm with the e-mailed link's token, read the report."""

import re

import pytest
from django.core import mail
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.builders.api import assert_problem
from tests.builders.erasure import EMAIL, shopper, shopper_history
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ASK_URL = "/api/v1/me/erasure/"
CONFIRM_URL = "/api/v1/erasure/confirm/"


def emailed_token(email) -> str:
    return re.search(r"/account/privacy/erasure/confirm/(\S+)/", email.body).group(1)


def signed_in(user) -> APIClient:
    client = APIClient()
    _, key = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_ask_then_confirm_with_the_token_erases_and_returns_the_report(
    pom_pack, pharmacist, django_capture_on_commit_callbacks
):
    user = shopper()
    shopper_history(user, pom_pack, pharmacist)
    client = signed_in(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(ASK_URL)

    assert asked.status_code == 202
    assert (asked.json()["status"], asked.json()["channel"], asked.json()["report"]) == (
        "awaiting_confirmation", "api", None)
    [email] = mail.outbox
    assert email.to == [EMAIL]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = APIClient().post(CONFIRM_URL, {"token": emailed_token(email)}, format="json")

    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["status"] == "completed"
    kept = {entry["kind"]: entry for entry in body["report"]["kept"]}
    assert kept["orders"]["until"] and kept["orders"]["source_url"].startswith("https://")
    assert "account" in {entry["kind"] for entry in body["report"]["erased"]}
    assert client.post(ASK_URL).status_code == 401  # the token died with the account


def test_a_forged_token_is_a_404_problem_and_a_missing_one_a_400():
    assert_problem(APIClient().post(CONFIRM_URL, {"token": "forged"}, format="json"), 404,
                   code="erasure_link_invalid")
    assert APIClient().post(CONFIRM_URL, {}, format="json").status_code == 400


def test_staff_and_anonymous_clients_cannot_ask():
    assert_problem(signed_in(StaffFactory()).post(ASK_URL), 409, code="erasure_not_allowed")
    assert APIClient().post(ASK_URL).status_code == 401
