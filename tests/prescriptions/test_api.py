"""Prescription upload, listing and download: private to the owner (and pharmacists); refusals
store nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from pharmacy.encryption import decrypt, get_key_ring
from prescriptions.models import Prescription
from tests.builders.api import assert_problem, pdf_file, stored_files
from tests.builders.orders import MINIMAL_PDF, image_bytes, uploaded_prescription

pytestmark = pytest.mark.django_db

PRESCRIPTIONS_URL = "/api/v1/prescriptions/"


def upload(client, file):
    return client.post(PRESCRIPTIONS_URL, {"file": file}, format="multipart")


def test_uploading_a_pdf_stores_it_privately_and_returns_its_record(shopper_client, user, private_files):
    response = upload(shopper_client, pdf_file("my script.pdf"))

    assert response.status_code == 201
    prescription = Prescription.objects.get(owner=user)
    assert response.json() == {
        "id": prescription.pk,
        "status": "submitted",
        "uploaded_at": prescription.uploaded_at.isoformat().replace("+00:00", "Z"),
        "original_filename": "my script.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(MINIMAL_PDF),
        "file_url": f"http://testserver/api/v1/prescriptions/{prescription.pk}/file/",
        "repeat": None,
    }
    # Encrypted at rest (pharmacy/encryption.py): the stored bytes are not the upload's.
    [stored] = [path.read_bytes() for path in stored_files(private_files)]
    assert stored != MINIMAL_PDF and b"%PDF" not in stored
    assert decrypt(stored, ring=get_key_ring(), name=prescription.file.name) == MINIMAL_PDF


@pytest.mark.parametrize(
    "name, content_type, data, message",
    [
        ("notes.txt", "text/plain", b"hello", "Upload a PDF, JPEG or PNG"),
        ("photo.gif", "image/gif", b"GIF89a" + b"\x00" * 20, "Upload a PDF, JPEG or PNG"),
        ("script.pdf", "application/pdf", image_bytes("PNG"), "claims to be a PDF but its content is a PNG"),
        ("photo.png", "image/png", b"MZ\x90\x00 an executable", "not a PDF, JPEG or PNG"),
        ("photo.jpg", "image/jpeg", MINIMAL_PDF, "claims to be a JPEG image but its content is a PDF"),
        ("photo.png", "image/png", image_bytes("PNG")[:40], "damaged"),
        ("empty.pdf", "application/pdf", b"", "empty"),
    ],
)
def test_wrong_or_disguised_files_are_a_415_and_nothing_is_stored(
    shopper_client, private_files, name, content_type, data, message
):
    response = upload(shopper_client, SimpleUploadedFile(name, data, content_type))

    body = assert_problem(response, 415, code="unsupported_file_type", field="file")
    assert message in body["detail"]
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_a_file_over_the_limit_is_a_413_and_nothing_is_stored(shopper_client, settings, private_files):
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000

    response = upload(shopper_client, pdf_file(data=MINIMAL_PDF + b"0" * 1000))

    body = assert_problem(response, 413, code="file_too_large", field="file")
    assert "the limit is 1,000 bytes" in body["detail"]
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(shopper_client, settings, private_files):
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"file": pdf_file(data=MINIMAL_PDF + b"0" * 200_000)})

    response = shopper_client.generic("POST", PRESCRIPTIONS_URL, body, content_type=MULTIPART_CONTENT)

    assert_problem(response, 413, code="file_too_large")
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_form_fields_over_djangos_memory_limit_are_a_413_problem(shopper_client, settings, private_files):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = shopper_client.post(
        PRESCRIPTIONS_URL, {"file": pdf_file(), "note": "x" * 500}, format="multipart"
    )

    assert_problem(response, 413, code="request_too_large")
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_an_upload_without_a_file_is_a_400_on_file(shopper_client):
    response = shopper_client.post(PRESCRIPTIONS_URL, {"other": "x"}, format="multipart")

    assert_problem(response, 400, field="file")
    assert not Prescription.objects.exists()


def test_an_upload_as_json_is_a_415(shopper_client):
    response = shopper_client.post(PRESCRIPTIONS_URL, {"file": "JVBERi0xLjQ="}, format="json")

    assert_problem(response, 415, code="unsupported_media_type")
    assert not Prescription.objects.exists()


def test_the_list_and_detail_show_only_the_shoppers_own(shopper_client, user, other_user):
    mine = uploaded_prescription(user)
    uploaded_prescription(other_user)

    listed = shopper_client.get(PRESCRIPTIONS_URL).json()
    detail = shopper_client.get(f"{PRESCRIPTIONS_URL}{mine.pk}/")

    assert listed["count"] == 1
    assert [item["id"] for item in listed["results"]] == [mine.pk]
    assert detail.status_code == 200
    assert detail.json()["id"] == mine.pk


def test_the_owner_downloads_the_file_as_a_private_attachment(shopper_client, user):
    prescription = uploaded_prescription(user)

    response = shopper_client.get(
        f"{PRESCRIPTIONS_URL}{prescription.pk}/file/", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="prescription.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_pharmacist_downloads_any_shoppers_file(pharmacist_client, user):
    prescription = uploaded_prescription(user)

    response = pharmacist_client.get(f"{PRESCRIPTIONS_URL}{prescription.pk}/file/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_staff_who_are_not_pharmacists_cannot_download_shoppers_files(staff_client, superuser_client, user):
    prescription = uploaded_prescription(user)

    for client in (staff_client, superuser_client):
        assert_problem(client.get(f"{PRESCRIPTIONS_URL}{prescription.pk}/file/"), 404, code="not_found")


def test_prescriptions_need_a_signed_in_shopper(api_client, user):
    prescription = uploaded_prescription(user)

    for url in (
        PRESCRIPTIONS_URL,
        f"{PRESCRIPTIONS_URL}{prescription.pk}/",
        f"{PRESCRIPTIONS_URL}{prescription.pk}/file/",
    ):
        assert_problem(api_client.get(url), 401, code="not_authenticated")
    assert_problem(upload(api_client, pdf_file()), 401, code="not_authenticated")
    assert Prescription.objects.count() == 1


def test_uploads_are_throttled(shopper_client, settings, private_files):
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "upload": "1/hour"},
    }

    assert upload(shopper_client, pdf_file()).status_code == 201
    assert_problem(upload(shopper_client, pdf_file()), 429, code="throttled")
    assert shopper_client.get(PRESCRIPTIONS_URL).status_code == 200  # reading is not an upload
    assert Prescription.objects.count() == 1
