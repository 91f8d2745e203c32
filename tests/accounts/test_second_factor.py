"""Staff enter the admin with a password and a TOTP code (django-otp's OTPAdminSite); a management
command enrols a first device; the demo staff logins are enrolled with the documented demo secret."""

from base64 import b32encode
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.management.commands.load_demo_catalog import DEMO_TOTP_KEY_HEX, DEMO_TOTP_SECRET
from tests.factories import PASSWORD, UserFactory
from tests.otp import TEST_TOTP_KEY_HEX, code_for, device_for

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
ORDERS_URL = "/admin/orders/order/"


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    device_for(user)
    return user


def admin_sign_in(client, user, **extra):
    return client.post(LOGIN_URL, {"username": user.email, "password": PASSWORD, **extra})


def test_the_admin_refuses_a_staff_sign_in_without_the_second_factor(staff):
    client = Client()

    response = admin_sign_in(client, staff)

    assert response.status_code == 200  # the form again, with the error
    assert "_auth_user_id" not in client.session
    assert client.get(ORDERS_URL).status_code == 302


def test_the_admin_refuses_a_wrong_code(staff):
    client = Client()
    wrong = f"{(int(code_for(TEST_TOTP_KEY_HEX)) + 1) % 1_000_000:06d}"

    response = admin_sign_in(client, staff, otp_token=wrong)

    assert response.status_code == 200
    assert client.get(ORDERS_URL).status_code == 302


def test_the_admin_admits_staff_with_password_and_code(staff):
    client = Client()

    response = admin_sign_in(client, staff, otp_token=code_for(TEST_TOTP_KEY_HEX))

    assert response.status_code == 302
    assert client.get(ORDERS_URL).status_code == 200


def test_a_session_signed_in_elsewhere_with_the_password_only_does_not_reach_the_admin(staff):
    client = Client()
    signed_in = client.post(reverse("accounts:login"), {"username": staff.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session  # the storefront's sign-in form

    response = client.get(ORDERS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_a_device_cannot_enter_the_admin_at_all():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()

    admin_sign_in(client, user, otp_token="123456")

    assert client.get(ORDERS_URL).status_code == 302


def test_enrol_otp_device_enrols_a_first_device_and_prints_its_secret():
    user = UserFactory(is_staff=True, email="rp@example.org")
    out = StringIO()

    call_command("enrol_otp_device", "--email", "RP@example.org", stdout=out)

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    secret = b32encode(device.bin_key).decode()
    assert f"Secret (base32): {secret}" in out.getvalue()
    assert "otpauth://totp/" in out.getvalue() and f"secret={secret}" in out.getvalue()


def test_enrol_otp_device_refuses_staff_who_already_have_one(staff):
    key = TOTPDevice.objects.get(user=staff).key

    with pytest.raises(CommandError, match="already has an authenticator"):
        call_command("enrol_otp_device", "--email", staff.email, stdout=StringIO())

    assert list(TOTPDevice.objects.filter(user=staff).values_list("key", flat=True)) == [key]


@pytest.mark.parametrize("email, message", [("shopper@example.org", "not staff"), ("nobody@example.org", "No user")])
def test_enrol_otp_device_refuses_shoppers_and_unknown_addresses(email, message):
    UserFactory(email="shopper@example.org")

    with pytest.raises(CommandError, match=message):
        call_command("enrol_otp_device", "--email", email, stdout=StringIO())

    assert not TOTPDevice.objects.exists()


def test_demo_staff_logins_are_enrolled_with_the_documented_demo_secret(settings):
    settings.PHARMACY_CURRENCY = "GBP"
    call_command("load_demo_catalog", verbosity=0, stdout=StringIO())

    devices = TOTPDevice.objects.select_related("user").order_by("user__email")
    assert [(d.user.email, d.key) for d in devices] == [
        ("admin@pharmacy.invalid", DEMO_TOTP_KEY_HEX),
        ("pharmacist@pharmacy.invalid", DEMO_TOTP_KEY_HEX),
    ]
    assert b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode() == DEMO_TOTP_SECRET
    client = Client()
    client.post(LOGIN_URL, {"username": "pharmacist@pharmacy.invalid", "password": "demo-pharmacist-password",
                            "otp_token": code_for(DEMO_TOTP_KEY_HEX)})
    assert client.get("/admin/").status_code == 200
