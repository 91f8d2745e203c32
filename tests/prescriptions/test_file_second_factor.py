"""Another patient's prescription file goes only to a pharmacist who came with a second factor: a token
issued with an otp_code, or an admin session that passed the TOTP check. Pharmacist rights need staff
status and a confirmed authenticator. Every request for someone else's file is logged, served or refused."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.roles import PHARMACISTS_GROUP, is_pharmacist
from prescriptions.models import FileAccessChannel, PrescriptionFileAccess
from tests.builders.api import assert_problem
from tests.builders.orders import MINIMAL_PDF, uploaded_prescription
from tests.factories import PASSWORD, PharmacistFactory, UserFactory
from tests.otp import TEST_TOTP_KEY_HEX, code_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def file_url(prescription) -> str:
    return f"/api/v1/prescriptions/{prescription.pk}/file/"


def token_client(email: str, **extra) -> APIClient:
    """Signed in through the API's own sign-in, as a client would be."""
    response = APIClient().post(TOKEN_URL, {"email": email, "password": PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def admin_signed_in(user) -> Client:
    """Signed in through the admin's form with the password and a current code (not force_login)."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/",
                           {"username": user.email, "password": PASSWORD, "otp_token": code_for(TEST_TOTP_KEY_HEX)})
    assert response.status_code == 302, response.content[:300]
    return client


def assert_logged(user, prescription, channel, *, served: bool) -> None:
    access = PrescriptionFileAccess.objects.get()
    assert (access.user, access.prescription, access.prescription_reference, access.channel, access.served) == (
        user, prescription, prescription.pk, channel, served)


def test_a_pharmacists_group_member_who_is_not_staff_gets_not_found_with_a_password_only_token(user):
    prescription = uploaded_prescription(user)
    member = UserFactory()
    member.groups.add(Group.objects.get(name=PHARMACISTS_GROUP))
    client = token_client(member.email)  # not staff: no otp_code asked, none given

    assert_problem(client.get(file_url(prescription)), 404, code="not_found")

    assert_logged(member, prescription, FileAccessChannel.API, served=False)
    assert not is_pharmacist(member)


def test_a_pharmacists_token_without_the_second_factor_gets_not_found(user, pharmacist):
    prescription = uploaded_prescription(user)
    _, key = AuthToken.objects.create(user=pharmacist)  # e.g. issued before the second factor was required
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert_problem(client.get(file_url(prescription)), 404, code="not_found")

    assert_logged(pharmacist, prescription, FileAccessChannel.API, served=False)


def test_a_pharmacist_with_a_second_factor_token_gets_the_file_and_the_view_is_logged(user, pharmacist):
    prescription = uploaded_prescription(user)
    client = token_client(pharmacist.email, otp_code=code_for(TEST_TOTP_KEY_HEX))

    response = client.get(file_url(prescription))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert_logged(pharmacist, prescription, FileAccessChannel.API, served=True)


def test_an_otp_verified_admin_session_gets_the_file_in_the_admin_and_the_api(user, pharmacist):
    prescription = uploaded_prescription(user)
    client = admin_signed_in(pharmacist)

    admin_view = client.get(reverse("admin:prescriptions_prescription_file", args=[prescription.pk]))
    api_view = client.get(file_url(prescription))

    assert admin_view.status_code == 200 and api_view.status_code == 200
    assert b"".join(admin_view.streaming_content) == MINIMAL_PDF
    logged = PrescriptionFileAccess.objects.order_by("pk")
    assert [(a.user, a.channel, a.served) for a in logged] == [
        (pharmacist, FileAccessChannel.ADMIN, True), (pharmacist, FileAccessChannel.API, True)]


def test_the_owner_gets_their_file_and_is_not_logged(user):
    prescription = uploaded_prescription(user)
    client = token_client(user.email)

    assert client.get(file_url(prescription)).status_code == 200
    assert not PrescriptionFileAccess.objects.exists()


def test_a_pharmacist_without_a_confirmed_authenticator_has_no_pharmacists_rights():
    without_device = PharmacistFactory(device=False)
    not_staff = PharmacistFactory(is_staff=False)

    assert not is_pharmacist(without_device)
    assert not is_pharmacist(not_staff)
    assert is_pharmacist(PharmacistFactory())


def test_the_file_access_log_is_append_only(user, pharmacist):
    prescription = uploaded_prescription(user)
    token_client(pharmacist.email, otp_code=code_for(TEST_TOTP_KEY_HEX)).get(file_url(prescription))
    access = PrescriptionFileAccess.objects.get()

    with pytest.raises(TypeError):
        access.save()
    with pytest.raises(TypeError):
        PrescriptionFileAccess.objects.all().delete()
    assert PrescriptionFileAccess.objects.filter(served=True).count() == 1
