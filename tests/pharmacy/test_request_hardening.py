"""Request-level protections (pharmacy/request_limits.py, pharmacy/images.py): an oversized upload is refused
before its body is read, personal pages are never stored by caches, and a decompression bomb is a 400."""

import struct
import zlib

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Pack
from pharmacy.images import SafeImageField
from prescriptions.models import Prescription
from tests.builders.api import assert_problem, stored_files
from tests.builders.orders import MINIMAL_PDF, uploaded_prescription

pytestmark = pytest.mark.django_db

STOREFRONT_UPLOAD = reverse("prescriptions:prescription-list")
API_UPLOAD = "/api/v1/prescriptions/"


def png_claiming(width: int, height: int) -> bytes:
    """A valid, tiny PNG whose header claims width x height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00"))
            + chunk(b"IEND", b""))


@pytest.fixture
def body_never_parsed(monkeypatch):
    """Fails the test if anything parses a multipart body (which spools its files to disk)."""
    def refuse(self):
        raise AssertionError("the multipart body was parsed")
    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)


def oversized_body() -> bytes:
    big = SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * 200_000, content_type="application/pdf")
    return encode_multipart(BOUNDARY, {"file": big, "csrfmiddlewaretoken": "x"})


def test_storefront_refuses_an_oversized_upload_before_csrf_or_the_view_reads_the_body(
    user, settings, private_files, body_never_parsed
):
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    settings.UPLOAD_REQUEST_OVERHEAD_BYTES = 1000
    client = Client(enforce_csrf_checks=True)  # CsrfViewMiddleware reads request.POST
    client.force_login(user)

    response = client.generic("POST", STOREFRONT_UPLOAD, oversized_body(), content_type=MULTIPART_CONTENT)

    assert response.status_code == 413
    html = response.content.decode()
    assert "Upload too large" in html
    assert "the limit is 1,000 bytes (0 MB) for the file" in html
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_api_refuses_an_oversized_upload_before_the_body_is_read(user, settings, private_files, body_never_parsed):
    settings.PRESCRIPTION_MAX_UPLOAD_BYTES = 1000
    settings.UPLOAD_REQUEST_OVERHEAD_BYTES = 1000
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)  # a session: DRF's CSRF check would read the body too

    response = client.generic("POST", API_UPLOAD, oversized_body(), content_type=MULTIPART_CONTENT)

    body = assert_problem(response, 413, code="file_too_large", field="file")
    assert body["detail"].startswith("The upload is ")
    assert "the limit is 1,000 bytes" in body["detail"]
    assert not Prescription.objects.exists()


def test_an_upload_within_the_limit_still_reaches_the_view(user, settings, private_files):
    client = APIClient()
    client.force_authenticate(user)

    response = client.post(API_UPLOAD, {"file": SimpleUploadedFile("p.pdf", MINIMAL_PDF, "application/pdf")},
                           format="multipart")

    assert response.status_code == 201


def test_api_refuses_a_png_claiming_huge_dimensions_with_a_400(shopper_client, private_files):
    bomb = SimpleUploadedFile("scan.png", png_claiming(100_000, 100_000), content_type="image/png")

    response = shopper_client.post(API_UPLOAD, {"file": bomb}, format="multipart")

    body = assert_problem(response, 400, code="image_too_large", field="file")
    assert "too large to process" in body["detail"]
    assert not Prescription.objects.exists()
    assert stored_files(private_files) == []


def test_api_refuses_a_png_just_over_pillows_warning_limit_with_a_400(shopper_client, private_files):
    bomb = SimpleUploadedFile("scan.png", png_claiming(10_000, 10_000), content_type="image/png")

    response = shopper_client.post(API_UPLOAD, {"file": bomb}, format="multipart")

    assert_problem(response, 400, code="image_too_large", field="file")
    assert not Prescription.objects.exists()


def test_storefront_upload_of_a_decompression_bomb_shows_the_reason(client, user, private_files):
    client.force_login(user)
    bomb = SimpleUploadedFile("scan.png", png_claiming(100_000, 100_000), content_type="image/png")

    response = client.post(STOREFRONT_UPLOAD, {"file": bomb})

    assert response.status_code == 200
    assert "The image is too large to process" in response.content.decode()
    assert not Prescription.objects.exists()


def test_the_pack_image_field_refuses_an_image_claiming_huge_dimensions():
    bomb = SimpleUploadedFile("pack.png", png_claiming(100_000, 100_000), content_type="image/png")

    with pytest.raises(ValidationError, match="too large to process"):
        SafeImageField().clean(bomb)


def test_the_pack_admin_uses_the_safe_image_field(rf, admin_user):
    request = rf.get("/admin/catalog/pack/add/")
    request.user = admin_user
    form = admin.site._registry[Pack].get_form(request, obj=None)

    assert isinstance(form.base_fields["image"], SafeImageField)


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_personal_storefront_pages_are_never_stored(client, user):
    prescription = uploaded_prescription(user)
    client.force_login(user)

    for url in ("/orders/", "/prescriptions/", prescription.get_download_url(), "/checkout/", "/cart/",
                reverse("accounts:login")):
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert no_store(response), (url, response.get("Cache-Control"))


def test_personal_api_answers_are_never_stored(shopper_client, user):
    prescription = uploaded_prescription(user)

    for url in ("/api/v1/orders/", "/api/v1/prescriptions/", f"/api/v1/prescriptions/{prescription.pk}/",
                "/api/v1/auth/me/", "/api/v1/cart/"):
        response = shopper_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert no_store(response), (url, response.get("Cache-Control"))


def test_an_anonymous_catalog_page_may_be_cached(client, gsl_pack):
    response = client.get("/medicines/")

    assert response.status_code == 200
    assert not no_store(response)
