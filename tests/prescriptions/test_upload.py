import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prescriptions.exceptions import PrescriptionFileTooLarge, PrescriptionFileType
from prescriptions.models import Prescription, PrescriptionStatus
from prescriptions.services import submit_prescription
from tests.builders.orders import MINIMAL_PDF, image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, content_type, data, stored_type",
    [
        ("script.pdf", "application/pdf", MINIMAL_PDF, "application/pdf"),
        ("photo.png", "image/png", image_bytes("PNG"), "image/png"),
        ("photo.JPG", "image/jpeg", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_submit_prescription_accepts_pdf_png_and_jpeg(user, name, content_type, data, stored_type):
    prescription = submit_prescription(owner=user, uploaded_file=SimpleUploadedFile(name, data, content_type))

    assert prescription.status == PrescriptionStatus.SUBMITTED
    assert prescription.content_type == stored_type
    assert prescription.original_filename == name
    assert prescription.size_bytes == len(data)
    with prescription.file.open("rb") as stored:
        assert stored.read() == data
    # Private: no URL, and the stored name does not reuse the shopper's file name.
    assert name not in prescription.file.name
    with pytest.raises(ValueError):
        prescription.file.url  # noqa: B018


@pytest.mark.parametrize(
    "name, content_type, data, message",
    [
        ("script.pdf", "application/pdf", image_bytes("PNG"), "claims to be a PDF but its content is a PNG"),
        ("photo.png", "image/png", b"MZ\x90\x00 not an image", "not a PDF, JPEG or PNG"),
        ("notes.txt", "text/plain", b"hello", "Upload a PDF, JPEG or PNG"),
        ("photo.png", "application/pdf", image_bytes("PNG"), "file name says image/png"),
        ("photo.png", "image/png", image_bytes("PNG")[:40], "damaged"),
        ("empty.pdf", "application/pdf", b"", "empty"),
    ],
)
def test_submit_prescription_refuses_wrong_or_disguised_files(user, name, content_type, data, message):
    with pytest.raises(PrescriptionFileType, match=message):
        submit_prescription(owner=user, uploaded_file=SimpleUploadedFile(name, data, content_type))
    assert not Prescription.objects.exists()


def test_submit_prescription_refuses_file_over_the_limit_and_stores_nothing(user, settings, tmp_path):
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    big = MINIMAL_PDF + b"0" * 1000
    with pytest.raises(PrescriptionFileTooLarge, match="limit is 1,000 bytes"):
        submit_prescription(owner=user, uploaded_file=SimpleUploadedFile("big.pdf", big, "application/pdf"))
    assert not Prescription.objects.exists()
