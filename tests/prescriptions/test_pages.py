"""The shopper's prescriptions: list with status and reasons, upload, and the private file download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prescriptions.models import FileAccessChannel, Prescription, PrescriptionFileAccess
from prescriptions.services import approve_prescription, reject_prescription
from tests.builders.orders import MINIMAL_PDF, dispensing_record, image_bytes, uploaded_prescription
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("prescriptions:prescription-list")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_prescription_list_shows_status_reason_and_authorised_items(signed_in, user, pharmacist, pom_pack):
    submitted = uploaded_prescription(user)
    rejected = uploaded_prescription(user)
    reject_prescription(prescription=rejected, pharmacist=pharmacist, reason="prescription_unreadable",
                        note="Scan too dark: the strength is unreadable.")
    approved = uploaded_prescription(user)
    record = dispensing_record((pom_pack, 168))
    approve_prescription(prescription=approved, pharmacist=pharmacist, record=record)
    uploaded_prescription(UserFactory())

    response = signed_in.get(LIST)

    html = response.content.decode()
    assert [p.pk for p in response.context["prescriptions"]] == [approved.pk, rejected.pk, submitted.pk]
    assert "Submitted, awaiting a pharmacist" in html
    assert "Reason: We could not read your prescription; please send a clearer copy." in html
    assert "Scan too dark" not in html  # the pharmacist's note stays with staff
    assert f"{pom_pack.display_name}: 168 tablets (As directed)" in html
    assert "Prescribed by Dr Grace Prescriber" in html
    assert f'href="{submitted.get_download_url()}"' in html
    assert "<title>Your prescriptions · " in html
    assert '<label for="id_file">Prescription file:</label>' in html


def test_uploading_a_prescription_stores_it_for_the_shopper(signed_in, user):
    upload = SimpleUploadedFile("scan.png", image_bytes("PNG"), content_type="image/png")

    response = signed_in.post(LIST, {"file": upload}, follow=True)

    prescription = Prescription.objects.get()
    assert (prescription.owner, prescription.original_filename, prescription.content_type) == (
        user, "scan.png", "image/png")
    assert response.redirect_chain == [(LIST, 302)]
    assert "Your prescription is uploaded" in response.content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")},
     "Upload a PDF, JPEG or PNG file."),
    ({"file": SimpleUploadedFile("x.jpg", b"\xff\xd8\xff broken", content_type="image/jpeg")},
     "The image is damaged or incomplete."),
    ({}, "This field is required."),
])
def test_an_unacceptable_upload_is_shown_at_the_file_field(signed_in, data, message):
    response = signed_in.post(LIST, data)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert "<title>Error: Your prescriptions · " in response.content.decode()
    assert not Prescription.objects.exists()


def test_the_owner_downloads_the_file_privately(signed_in, user):
    prescription = uploaded_prescription(user)

    response = signed_in.get(prescription.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="prescription.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_pharmacist_signed_in_on_the_storefront_with_the_password_alone_gets_not_found_and_is_logged(
    client, user, pharmacist
):
    prescription = uploaded_prescription(user)
    signed_in = client.post(reverse("accounts:login"), {"username": pharmacist.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session  # password only, no TOTP code

    response = client.get(prescription.get_download_url())

    assert response.status_code == 404
    access = PrescriptionFileAccess.objects.get()
    assert (access.user, access.prescription, access.channel, access.served) == (
        pharmacist, prescription, FileAccessChannel.STOREFRONT, False)


def test_the_storefront_serves_a_file_to_its_owner_alone_even_with_a_verified_staff_session(client, user, pharmacist):
    prescription = uploaded_prescription(user)
    client.force_login(pharmacist)  # in tests: password and TOTP, as in the admin (tests/conftest.py)

    assert client.get(prescription.get_download_url()).status_code == 404  # other people's files: admin or API

    client.force_login(user)
    response = client.get(prescription.get_download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert [access.user for access in PrescriptionFileAccess.objects.all()] == [pharmacist]  # owners are not logged


def test_another_shopper_or_plain_staff_gets_not_found(client, user):
    prescription = uploaded_prescription(user)

    for someone in (UserFactory(), UserFactory(is_staff=True), UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(someone)
        assert client.get(prescription.get_download_url()).status_code == 404


def test_a_guest_is_asked_to_sign_in_for_the_file(client, user):
    prescription = uploaded_prescription(user)

    response = client.get(prescription.get_download_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_a_missing_prescription_file_is_not_found(signed_in, pharmacist, client, pk):
    assert signed_in.get(f"/prescriptions/{pk}/file/").status_code == 404
    client.force_login(pharmacist)
    assert client.get(f"/prescriptions/{pk}/file/").status_code == 404


def test_a_file_gone_from_storage_is_not_found(signed_in, user):
    prescription = uploaded_prescription(user)
    prescription.file.delete(save=False)

    assert signed_in.get(f"/prescriptions/{prescription.pk}/file/").status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_prescription_list_queries_do_not_grow_with_prescriptions(
    client, django_assert_num_queries, pharmacist, pom_pack, count
):
    user = UserFactory()
    for _ in range(count):
        approve_prescription(prescription=uploaded_prescription(user), pharmacist=pharmacist,
                             record=dispensing_record((pom_pack, 84)))
    client.force_login(user)

    # session, user, count, prescriptions, items, packs, products, repeat issues (with their orders),
    # strengths (with ingredients)
    with django_assert_num_queries(9):
        response = client.get(LIST)

    assert len(response.context["prescriptions"]) == count
