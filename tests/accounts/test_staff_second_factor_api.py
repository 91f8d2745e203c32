"""Staff sign in to the API with a TOTP code as well as the password; the pharmacist endpoints accept
only tokens (or sessions) verified by that second factor."""

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import ApiTokenSecondFactor
from checkout.services import place_order
from orders.models import OrderStatus
from tests.builders.api import assert_problem
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PASSWORD, UserFactory
from tests.otp import TEST_TOTP_KEY_HEX, code_for, device_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
QUEUE_URL = "/api/v1/pharmacist/orders/"


def sign_in(email: str, **extra):
    return APIClient().post(TOKEN_URL, {"email": email, "password": PASSWORD, **extra}, format="json")


def test_staff_sign_in_without_a_code_is_refused_on_otp_code(pharmacist):
    device_for(pharmacist)

    response = sign_in(pharmacist.email)

    assert_problem(response, 400, code="otp_required", field="otp_code")
    assert not AuthToken.objects.exists()


def test_staff_sign_in_with_a_wrong_code_is_refused(pharmacist):
    device_for(pharmacist)
    wrong = f"{(int(code_for(TEST_TOTP_KEY_HEX)) + 1) % 1_000_000:06d}"

    response = sign_in(pharmacist.email, otp_code=wrong)

    assert_problem(response, 400, code="otp_invalid", field="otp_code")
    assert not AuthToken.objects.exists()


def test_staff_without_an_enrolled_device_get_no_token():
    staff = UserFactory(is_staff=True)

    response = sign_in(staff.email, otp_code="123456")

    body = assert_problem(response, 400, code="otp_required", field="otp_code")
    assert "enrol_otp_device" in body["detail"]
    assert not AuthToken.objects.exists()


def test_staff_with_password_and_code_get_a_token_marked_as_verified(pharmacist):
    device = device_for(pharmacist)

    response = sign_in(pharmacist.email, otp_code=code_for(TEST_TOTP_KEY_HEX))

    assert response.status_code == 200, response.content
    assert response.json()["second_factor"] is True
    token = AuthToken.objects.get(user=pharmacist)
    assert ApiTokenSecondFactor.objects.get(token=token).device == device


def test_a_code_is_accepted_only_once(pharmacist):
    device_for(pharmacist)
    code = code_for(TEST_TOTP_KEY_HEX)
    assert sign_in(pharmacist.email, otp_code=code).status_code == 200

    assert_problem(sign_in(pharmacist.email, otp_code=code), 400, code="otp_invalid")
    assert AuthToken.objects.count() == 1


def test_a_wrong_password_is_refused_before_the_code_is_looked_at(pharmacist):
    device = device_for(pharmacist)

    response = APIClient().post(
        TOKEN_URL, {"email": pharmacist.email, "password": "guess", "otp_code": "000000"}, format="json"
    )

    assert_problem(response, 400, code="invalid_credentials")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # strangers cannot lock a pharmacist's authenticator


def test_shoppers_sign_in_with_the_password_alone(user):
    response = sign_in(user.email)

    assert response.status_code == 200
    assert response.json()["second_factor"] is False


def test_pharmacist_api_refuses_a_token_not_verified_by_a_second_factor(pharmacist, awaiting_order):
    _, key = AuthToken.objects.create(user=pharmacist)  # e.g. issued before the second factor was required
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert_problem(client.get(QUEUE_URL), 403, code="second_factor_required")
    response = client.post(f"{QUEUE_URL}{awaiting_order.number}/reject/", {"reason": "contact_us"}, format="json")

    assert_problem(response, 403, code="second_factor_required")
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert client.get("/api/v1/auth/me/").status_code == 200  # the token still works elsewhere


def test_pharmacist_api_accepts_a_token_issued_with_the_code(pharmacist, awaiting_order):
    device_for(pharmacist)
    key = sign_in(pharmacist.email, otp_code=code_for(TEST_TOTP_KEY_HEX)).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get(QUEUE_URL)

    assert response.status_code == 200
    assert [order["number"] for order in response.json()["results"]] == [awaiting_order.number]


def test_pharmacist_api_refuses_a_session_without_the_second_factor(pharmacist, awaiting_order):
    client = Client()
    signed_in = client.post(reverse("accounts:login"), {"username": pharmacist.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session  # password only, no TOTP

    assert_problem(client.get(QUEUE_URL), 403, code="second_factor_required")


def test_pharmacist_api_accepts_an_admin_session_verified_by_the_second_factor(pharmacist, awaiting_order):
    client = Client()
    client.force_login(pharmacist)  # in tests, a whole admin sign-in: password and TOTP (tests/conftest.py)

    assert client.get(QUEUE_URL).status_code == 200


def test_the_second_factor_does_not_make_a_non_pharmacist_a_reviewer(awaiting_order):
    staff = UserFactory(is_staff=True)
    device_for(staff)
    key = sign_in(staff.email, otp_code=code_for(TEST_TOTP_KEY_HEX)).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert_problem(client.get(QUEUE_URL), 403, code="permission_denied")


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))
